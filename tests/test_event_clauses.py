"""SPEC 8.7: a veto clause is data — a clause declared only in a year's parameter file is everywhere.

The clause below is the kind a next notice could bring (issue 23): 七(一)4 "年度内被国家自然资源督察
机构公开通报的", an event veto like 挂牌督办 that needs the document's 文号. It is written only in a
``params/2025.yaml`` of a department folder; no library code names it. Each test checks one place
where it must appear: intake (label and aliases), the rule (levels, requires), the report, the
ledger, the county template's drop-down and instructions, the app's labels and what-if. The last
tests switch a clause of the notice off (``in_force: false``).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from landassess.assessment import Assessment, assess_year
from landassess.intake import load_year
from landassess.params import ParamsError, event_clauses, load_params, veto_labels
from landassess.publish.outputs import results_for_people
from landassess.publish.report.assumptions import event_clauses_item
from landassess.publish.report.eligibility import vetoes_section
from landassess.publish.report.ledgers import county_ledger
from landassess.publish.report.parameters import value_zh
from landassess.publish.return_forms import write_county_forms, write_templates
from landassess.workbench import whatif
from landassess.workbench.tables import browse_table, scorecard_html, vetoes_zh

YEAR = 2025
NEW = "national_inspection_notice"
LABEL = "督察通报"
DESCRIPTION = "年度内被国家自然资源督察机构公开通报的"
YEAR_FILE = f"""\
vetoes:
  event_clauses:
    {NEW}:
      label: {LABEL}
      clause: 七(一)4
      description: {DESCRIPTION}
      levels: [国家]
      requires: [reference]
      aliases: [督察机构公开通报]
      source: 假设的下一年度通知 七(一)4
"""
OFF_FILE = """\
vetoes:
  event_clauses:
    interview_or_accountability:
      in_force: false
"""
WITH_NUMBER, WITHOUT_NUMBER, INTERVIEWED = "320102", "320104", "320106"


def _year_params(tmp_path: Path, text: str):
    path = tmp_path / "params" / f"{YEAR}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return load_params(YEAR, path)


def _tables(declaration, full_scores) -> dict[str, list]:
    counties = ((WITH_NUMBER, "玄武区"), (WITHOUT_NUMBER, "秦淮区"), (INTERVIEWED, "鼓楼区"))
    return {
        "declarations": [declaration(code, name, "南京市") for code, name in counties],
        "recommendations": [["南京市", code, i, ""] for i, (code, _) in enumerate(counties, 1)],
        "land_stats": [[code, "1", "50", "", ""] for code, _ in counties],
        "scores": [row for code, _ in counties for row in full_scores(code)],
        "veto_events": [
            [WITH_NUMBER, LABEL, "2025-05-01", "国家", "", "自然资督察〔2025〕3号", "督察通报（演示）"],
            [WITHOUT_NUMBER, "督察机构公开通报", "2025-05-02", "国家", "", "", ""],
            [INTERVIEWED, "约谈问责", "2025-06-01", "省", "是", "苏自然资函〔2025〕9号", ""],
        ],
    }


@pytest.fixture
def assessed(tmp_path, divisions, write_year, declaration, full_scores):
    """Assess the same year under given parameters (one folder of inputs)."""
    folder = write_year(tmp_path / "input", _tables(declaration, full_scores))

    def run(params) -> Assessment:
        return assess_year(load_year(folder, YEAR, params, divisions), params, divisions)
    return run


@pytest.fixture
def added(tmp_path):
    return _year_params(tmp_path, YEAR_FILE)


def _county_form(folder: Path, divisions, params) -> Path:
    folder.mkdir(parents=True)
    return next(p for p in write_county_forms(folder, YEAR, divisions, params) if p.name.startswith(WITH_NUMBER))


def _status(a: Assessment) -> dict[str, tuple[str, str]]:
    return {r.code: (r.status, r.vetoes) for r in a.counties.itertuples() if r.is_declared}


def test_the_clause_is_the_years_and_only_the_years(added):
    clauses = event_clauses(added)
    assert list(clauses)[-1] == NEW and clauses[NEW].level_ids == frozenset({"national"})
    assert clauses[NEW].requires == ("reference",) and clauses[NEW].in_force
    assert NEW not in event_clauses(load_params(YEAR)), "the packaged defaults stay the notice's own"
    assert veto_labels(added)[NEW] == LABEL


def test_an_event_with_its_number_vetoes_one_without_does_not(assessed, added):
    a = assessed(added)
    status = _status(a)
    assert status[WITH_NUMBER] == ("vetoed", NEW)
    assert status[WITHOUT_NUMBER][0] != "vetoed"
    events = a.veto_events.set_index("code")
    assert events.at[WITHOUT_NUMBER, "type"] == NEW, "the alias is recognised"
    assert not events.at[WITHOUT_NUMBER, "counts"]
    assert "文号" in events.at[WITHOUT_NUMBER, "reason"] and "七(一)4" in events.at[WITHOUT_NUMBER, "reason"]
    assert events.at[WITH_NUMBER, "clause"] == "七(一)4"
    assert [p.reason for p in a.problems if p.code == WITHOUT_NUMBER] == ["veto_event.not_counted"]


def test_the_report_and_the_ledger_name_the_clause(assessed, added):
    a = assessed(added)
    section = str(vetoes_section(a))
    assert DESCRIPTION in section and "七(一)4" in section and LABEL in section
    assert "未填写文号或出处" in section, "the report says why the event without its number did not count"
    ledger = dict(county_ledger(a, WITH_NUMBER))
    assert ledger["一票否决"] == f"{DESCRIPTION}（七(一)4）"
    assert any(LABEL in text for step, text in county_ledger(a, WITHOUT_NUMBER) if step == "否决检查·事项")
    people = results_for_people(a.results(), veto_labels(a.params))
    assert LABEL in people.iloc[:, 4].tolist(), "results.xlsx: the vetoes column in words"
    assert f"{LABEL}（七(一)4）须为国家级、须有文号或出处" in event_clauses_item(a.params), "十 假设与口径"
    assert LABEL in value_zh("vetoes.event_clauses", a.params.model_dump(mode="json")["vetoes"]["event_clauses"], a)


def test_the_county_template_offers_it(tmp_path, divisions, added):
    book = openpyxl.load_workbook(_county_form(tmp_path / "county", divisions, added))
    formulas = [dv.formula1 for dv in book["否决事项"].data_validations.dataValidation]
    assert any(LABEL in f for f in formulas), formulas
    guide = "\n".join(str(row[0]) for row in book["填表说明"].iter_rows(values_only=True) if row[0])
    assert f"{LABEL}须为国家级，须填写文号或出处" in guide and LABEL in guide
    for template in write_templates(tmp_path / "generic", YEAR, divisions, added):
        if template.name == "veto_events.xlsx":
            generic = openpyxl.load_workbook(template)
            assert any(LABEL in dv.formula1 for dv in generic.worksheets[0].data_validations.dataValidation)
            lines = [str(r[0]) for r in generic["填表说明"].iter_rows(values_only=True) if r[0]]
            assert any(LABEL in line for line in lines)


def test_the_app_shows_its_label(assessed, added):
    a = assessed(added)
    assert vetoes_zh(NEW, added) == LABEL
    assert LABEL in browse_table(a).set_index("县级代码").at[WITH_NUMBER, "否决"]
    card = scorecard_html(a, WITH_NUMBER)
    assert LABEL in card and NEW not in card


def test_whatif_switches_the_added_clause(assessed, added):
    base = whatif.prepare(assessed(added))
    off = whatif.recompute(base, whatif.Scenario.of({f"vetoes.event_clauses.{NEW}.in_force": False}))
    assert _status(off)[WITH_NUMBER][0] != "vetoed"
    table = whatif.changed_parameters(base.official.params, off.params)
    assert list(table["key"]) == [f"vetoes.event_clauses.{NEW}.in_force"]
    assert list(table["scenario"]) == ["否"]


def test_a_clause_of_the_notice_switched_off(tmp_path, divisions, assessed, added):
    on = assessed(load_params(YEAR))
    assert _status(on)[INTERVIEWED] == ("vetoed", "interview_or_accountability")
    off_params = _year_params(tmp_path, OFF_FILE)
    off = assessed(off_params)
    assert _status(off)[INTERVIEWED][0] != "vetoed"
    reason = off.veto_events.set_index("code").at[INTERVIEWED, "reason"]
    assert "本年度未执行" in reason and "七(一)3" in reason
    assert "本年度执行" in str(vetoes_section(off))
    assert "本年度不执行：约谈问责（七(一)3）" in event_clauses_item(off_params)
    path = _county_form(tmp_path / "county", divisions, off_params)
    formulas = [dv.formula1 for dv in openpyxl.load_workbook(path)["否决事项"].data_validations.dataValidation]
    assert not any("约谈问责" in f for f in formulas)


def test_changing_a_clauses_levels_rewords_it(tmp_path):
    """A year that lets a city-level 约谈问责 veto: the old wording (市级…不计) is not kept."""
    params = _year_params(tmp_path, "vetoes:\n  event_clauses:\n    interview_or_accountability:\n"
                                    "      levels: [国家, 省, 市]\n")
    clause = event_clauses(params)["interview_or_accountability"]
    assert clause.level_ids == frozenset({"national", "provincial", "city"})
    assert clause.county_note_zh() == "约谈问责须为国家级、省级、市级" and clause.label in clause.level_reason_zh()
    assert clause.description == "被省厅以上（含省厅）约谈、问责", "what the year does not write stays"


def test_an_unknown_clause_is_a_parameter_error(tmp_path):
    with pytest.raises(ParamsError, match="event_clauses"):
        _year_params(tmp_path, "vetoes:\n  event_clauses:\n    cultivated_ratio:\n      label: 比例\n")
    with pytest.raises(ParamsError, match="in_force"):
        _year_params(tmp_path, OFF_FILE.replace("false", "'maybe'"))
    with pytest.raises(ParamsError, match="半角逗号"):  # it could not be offered in a drop-down list
        _year_params(tmp_path, YEAR_FILE.replace(f"label: {LABEL}", "label: '督察,通报'"))
    with pytest.raises(ParamsError, match="约谈问责"):
        _year_params(tmp_path, YEAR_FILE.replace(f"label: {LABEL}", "label: 约谈问责"))
