"""The department's own records (SPEC 8.0, issue 18): ``data/<Y>/省厅记录/``.

Hand-worked on the golden year (WORKED.md): 320583 昆山市 is titled with base 92.00 and bonus 0.50
(苏自然资函〔2025〕12号, provincial, 0.5). A provincial 约谈问责 of 昆山 in 2025 that only the
department knows of vetoes it (七(一)3); the department's copy of 苏自然资函〔2025〕12号 for 昆山 adds
nothing (one 文号, once); a recusal kept in 省厅记录/ applies as if it were in the data folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from landassess.assessment import run_assessment
from landassess.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
AS_OF = dt.date(2026, 3, 1)
KUNSHAN = "320583"


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data" / "2025"
    shutil.copytree(GOLDEN / "input", folder)
    (folder / "省厅记录").mkdir()
    return folder


def _row(a, code: str):
    return a.results().set_index("code").loc[code]


def test_a_veto_event_the_department_knows_of_is_added_to_the_counties_rows(data):
    before = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert _row(before, KUNSHAN)["status"] in ("model", "advanced")
    (data / "省厅记录" / "veto_events.csv").write_text(
        "县级代码,类型,日期,层级,是否查实,文号或出处,说明\n"
        f"{KUNSHAN},约谈问责,2025-06-10,省,是,苏自然资函〔2025〕88号,省厅约谈\n", encoding="utf-8")
    after = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert _row(after, KUNSHAN)["status"] == "vetoed"
    events = after.veto_events
    assert len(events) == len(before.veto_events) + 1  # added, none replaced
    mine = events[events["file"] == "省厅记录/veto_events.csv"]
    assert list(mine["code"]) == [KUNSHAN]
    assert "省厅记录/veto_events.csv" in {str(p) for p in after.inputs.files.values()} or \
        any(k.startswith("省厅记录/") for k in after.inputs.files)


def test_the_departments_copy_of_a_document_counts_once(data):
    before = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    (data / "省厅记录" / "bonus_events.csv").write_text(
        "code,kind,level,document_no,date,title\n"
        f"{KUNSHAN},通报表扬,省级,苏自然资函[2025]12号,2025-03-10,省厅存档\n", encoding="utf-8")
    after = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert _row(after, KUNSHAN)["bonus"] == _row(before, KUNSHAN)["bonus"] == "0.50"
    assert len(after.bonus_events) == len(before.bonus_events) + 1


def test_a_recusal_kept_in_the_departments_folder_applies(data):
    plain = data.parent / "plain"
    shutil.copytree(data, plain)
    (plain / "recusals.csv").write_text(f"评委,县级代码\n评委甲,{KUNSHAN}\n", encoding="utf-8")
    (data / "省厅记录" / "recusals.csv").write_text(f"评委,县级代码\n评委甲,{KUNSHAN}\n", encoding="utf-8")
    kept = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert kept.results().equals(run_assessment(2025, plain, PARAMS, as_of=AS_OF).results())
    assert [p.code for p in kept.problems if p.reason == "score.recused"] == [KUNSHAN]


def test_the_same_table_in_both_places_is_refused(data):
    (data / "recusals.csv").write_text(f"评委,县级代码\n评委甲,{KUNSHAN}\n", encoding="utf-8")
    (data / "省厅记录" / "recusals.csv").write_text(f"评委,县级代码\n评委乙,{KUNSHAN}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert [p.reason for p in caught.value.problems] == ["file.ambiguous"]


def test_inits_header_only_file_beside_the_data_folders_table_is_no_conflict(data):
    """``init`` writes 省厅记录/recusals.csv with its header only; a recusal list kept in the data folder still applies."""
    (data / "recusals.csv").write_text(f"评委,县级代码\n评委甲,{KUNSHAN}\n", encoding="utf-8")
    (data / "省厅记录" / "recusals.csv").write_text("\ufeff评委,县级代码,设区市,理由\n\n,,,\n", encoding="utf-8")
    kept = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    assert [p.code for p in kept.problems if p.reason == "score.recused"] == [KUNSHAN]
    # One row filled in: two lists, which one counts? Refused.
    (data / "省厅记录" / "recusals.csv").write_text(f"评委,县级代码\n评委乙,{KUNSHAN}\n", encoding="utf-8")
    with pytest.raises(InputError):
        run_assessment(2025, data, PARAMS, as_of=AS_OF)


def test_a_problem_in_the_departments_file_cites_it(data):
    (data / "省厅记录" / "veto_events.csv").write_text(
        "县级代码,类型,日期,层级,是否查实\n"
        f"{KUNSHAN},约谈问责,2025-13-40,省,是\n", encoding="utf-8")
    [problem] = [p for p in run_assessment(2025, data, PARAMS, as_of=AS_OF).problems if p.code == KUNSHAN
                 and p.reason.startswith("cell.date")]
    assert (problem.file, problem.row) == ("省厅记录/veto_events.csv", 2)
    # The department's own file is the department's to correct, never the county's (SPEC 8.1).
    from landassess.divisions import load_divisions
    from landassess.publish.notices import DEPARTMENT, addressee_of

    assert addressee_of(problem, load_divisions()).kind == DEPARTMENT
