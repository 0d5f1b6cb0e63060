"""``landassess init`` (SPEC 8.0, 8.3, issue 18): a year laid out in the department folder, nothing overwritten."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from landassess.cli import EXIT_OK, EXIT_USAGE, main
from landassess.params import load_params

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"


def test_init_lays_out_the_year(tmp_path, capsys):
    assert main(["init", "--year", "2025", "--root", str(tmp_path)]) == EXIT_OK
    out = capsys.readouterr().out
    for folder in ("params", "data/2025/省厅记录", "returned/2025", "templates/2025", "outputs"):
        assert (tmp_path / folder).is_dir(), folder
    records = tmp_path / "data" / "2025" / "省厅记录"
    assert sorted(p.name for p in records.iterdir()) == sorted(
        ["recusals.csv", "veto_events.csv", "bonus_events.csv", "verification.csv", "decisions.csv", "收集确认.csv",
         "说明.txt"])
    for path in records.glob("*.csv"):
        rows = list(csv.reader(path.open(encoding="utf-8")))
        assert len(rows) == 1 and rows[0], path.name  # a header, no rows: no file is written from scratch
    assert "下一步" in out and "landassess template --year 2025" in out
    # The parameter file is valid as it stands and carries a comment on each setting.
    text = (tmp_path / "params" / "2025.yaml").read_text(encoding="utf-8")
    assert "公开种子" in text and "发文机关" in text
    params = load_params(2025, tmp_path / "params" / "2025.yaml")
    assert params.spot_check.seed is None and params.documents.issuer is None


def test_init_never_changes_a_file(tmp_path, capsys):
    assert main(["init", "--year", "2025", "--root", str(tmp_path)]) == EXIT_OK
    edited = tmp_path / "params" / "2025.yaml"
    edited.write_text('spot_check: {seed: "2025-公示-01"}\n', encoding="utf-8")
    recusals = tmp_path / "data" / "2025" / "省厅记录" / "recusals.csv"
    recusals.write_text("评委,县级代码,设区市,理由\n评委甲,320583,,任职\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(["init", "--year", "2025", "--root", str(tmp_path)]) == EXIT_OK
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    assert "已存在，未改动" in capsys.readouterr().out


def test_init_refuses_an_output_folder(tmp_path):
    year = tmp_path / "outputs" / "2025"
    year.mkdir(parents=True)
    (year / "manifest.json").write_text("{}", encoding="utf-8")
    assert main(["init", "--year", "2025", "--root", str(year)]) == EXIT_USAGE
    assert sorted(p.name for p in year.iterdir()) == ["manifest.json"]


def test_an_empty_departments_folder_reads_like_none(tmp_path):
    """The header-only files init writes change no result."""
    from landassess.assessment import run_assessment

    main(["init", "--year", "2025", "--root", str(tmp_path)])
    data = tmp_path / "data" / "2025"
    for path in (GOLDEN / "input").iterdir():
        shutil.copy2(path, data / path.name)
    plain = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of="2026-03-01")
    laid_out = run_assessment(2025, data, GOLDEN / "params.yaml", as_of="2026-03-01")
    assert laid_out.results().equals(plain.results())


@pytest.mark.slow
def test_commands_find_the_years_parameter_file_without_params(tmp_path, monkeypatch):
    """SPEC 8.0: run in the department folder uses params/<Y>.yaml (here: a seed, so units are drawn)."""
    monkeypatch.chdir(tmp_path)
    main(["init", "--year", "2025"])
    (tmp_path / "params" / "2025.yaml").write_text(
        'spot_check: {seed: "2025-公示-01", count: 2}\ntiers: {model: {quota: 3}, advanced: {quota: 3}}\n',
        encoding="utf-8")
    assert main(["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--as-of", "2026-03-01"]) == EXIT_OK
    rows = list(csv.DictReader((tmp_path / "outputs" / "2025" / "results.csv").open(encoding="utf-8-sig")))
    assert sum(r["spot_check"] == "true" or r["spot_check"] == "是" for r in rows) == 2


def test_the_years_evaluator_list_orders_the_sheets_and_guards_collect(tmp_path, monkeypatch, capsys):
    """params/<Y>.yaml ``evaluators``: template writes their sheets without --evaluators; a look-alike repeat is refused."""
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "input", data)
    (data / "scores.csv").unlink()
    params = tmp_path / "p.yaml"
    params.write_text((GOLDEN / "params.yaml").read_text(encoding="utf-8") + "evaluators: [评委丙, 评委甲]\n",
                      encoding="utf-8")
    assert load_params(2025, params).evaluators == ("评委丙", "评委甲")
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--year", "2025", "--out", "模板", "--data", str(data), "--params", str(params)]) == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "模板" / "评委评分表").iterdir()) == ["评分表-评委丙.xlsx", "评分表-评委甲.xlsx"]
    params.write_text("evaluators: [评委甲, \"评委\\u200b甲\"]\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(params)]) == 3
    assert "evaluators" in capsys.readouterr().err
