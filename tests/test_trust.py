"""Issue 4: nothing lost, same answer twice, safe output, forms that help counties."""

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landassess.divisions import load_divisions
from landassess.params import load_params
from landassess.problems import Problem
from landassess.publish.notices import cell_reference, write_notices
from landassess.publish.outputs import compare_results, neutralize_cell
from landassess.publish.return_forms import write_templates
from landassess.vocabulary import ERROR

GOLDEN = Path(__file__).parent / "golden" / "2025"
PARAMS = str(GOLDEN / "params.yaml")
ROOT_DIVISIONS = Path(__file__).resolve().parent.parent / "lib" / "landassess" / "data" / "jiangsu_divisions.csv"


def landassess(*args: str) -> subprocess.CompletedProcess:
    """Run the command line from a scratch folder, so default outputs never land in the checkout."""
    return subprocess.run([sys.executable, "-m", "landassess.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=tempfile.mkdtemp(prefix="landassess-cli-"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_two_runs_are_byte_identical_but_for_the_run_time(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        proc = landassess("run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", PARAMS,
                          "--out", str(out))
        assert proc.returncode == 0, proc.stderr
    assert sha(outs[0] / "results.csv") == sha(outs[1] / "results.csv")
    assert sha(outs[0] / "公示名单.xlsx") == sha(outs[1] / "公示名单.xlsx")
    reports = [(o / "report.html").read_text(encoding="utf-8") for o in outs]
    stamp = re.compile(r'<span class="la-run-time">[^<]*</span>')
    assert all(len(stamp.findall(r)) == 1 for r in reports)
    assert stamp.sub("", reports[0]) == stamp.sub("", reports[1])


@pytest.mark.slow
def test_finalized_year_is_kept_and_reissue_shows_changes(tmp_path):
    out = tmp_path / "2025"
    base = ["--year", "2025", "--params", PARAMS, "--out", str(out)]
    assert landassess("run", "--data", str(GOLDEN / "input"), *base).returncode == 0
    assert landassess("finalize", "--year", "2025", "--out", str(out)).returncode == 0
    finalized = sha(out / "results.csv")
    refused = landassess("run", "--data", str(GOLDEN / "input"), *base)
    assert refused.returncode == 5
    assert "--force" in refused.stderr
    assert sha(out / "results.csv") == finalized
    # After an objection: the committee settles the tie (江宁 先进, 溧水 未入选) and the year is re-issued.
    data = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", data)
    (data / "decisions.csv").write_text(
        "县级代码,决定,理由,决定人,日期\n320115,先进,评审委员会表决：整改成效更突出,评审委员会,2026-02-20\n"
        "320117,未入选,评审委员会表决,评审委员会,2026-02-20\n", encoding="utf-8")
    forced = landassess("run", "--data", str(data), *base, "--force")
    assert forced.returncode == 0, forced.stderr
    assert sha(out / "versions" / "v1" / "results.csv") == finalized
    results = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig").set_index("code")
    assert results.at["320115", "status"] == "advanced" and results.at["320115", "tier"] == "advanced"
    assert results.at["320117", "status"] == "not_selected" and results.at["320117", "tier"] == ""
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "版本变更（相对 v1）" in html and "评审委员会表决：整改成效更突出" in html


def test_compare_results_lists_each_changed_field():
    before = pd.DataFrame({"code": ["1", "2"], "status": ["tie_pending", "model"], "rank": ["6", "1"],
                           "tier": ["", "model"]})
    after = pd.DataFrame({"code": ["1", "2"], "status": ["advanced", "model"], "rank": ["6", "1"],
                          "tier": ["advanced", "model"]})
    changes = compare_results(before, after)
    assert changes.to_dict("records") == [
        {"code": "1", "field": "status", "before": "tie_pending", "after": "advanced"},
        {"code": "1", "field": "tier", "before": "", "after": "advanced"},
    ]


@pytest.mark.parametrize("value, expected", [
    pytest.param("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")", id="formula"),
    pytest.param("+1", "'+1", id="plus"), pytest.param("-1+2", "'-1+2", id="minus"),
    pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"), pytest.param("江宁区", "江宁区", id="text"),
    pytest.param(3, 3, id="number"),
])
def test_spreadsheet_cells_are_neutralised(value, expected):
    assert neutralize_cell(value) == expected


def test_templates_have_dropdowns_locked_header_and_instructions(tmp_path):
    paths = write_templates(tmp_path, 2025, load_divisions(), load_params(2025))
    assert [p.name for p in paths] == ["declarations.xlsx", "veto_events.xlsx", "bonus_events.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "bonus_events.xlsx")
    sheet = book.worksheets[0]  # written like the county forms: title, note, then the header (row 3)
    assert [c.value for c in sheet[3]][:5] == ["县级代码", "类别", "级别", "文号", "日期"]
    assert sheet.protection.sheet is True
    assert sheet["A3"].protection.locked and not sheet["A4"].protection.locked
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert lists["B4"] == '"通报表扬,典型经验"' and lists["C4"] == '"国家级,省级,市级"'
    assert "填表说明" in book.sheetnames
    veto = openpyxl.load_workbook(tmp_path / "veto_events.xlsx").worksheets[0]
    formulas = {dv.formula1 for dv in veto.data_validations.dataValidation}
    assert '"是,否"' in formulas and '"国家,省,市"' in formulas


def test_the_template_reads_back_through_intake(tmp_path):
    """A filled template is a valid input table: same headers as the intake expects."""
    from landassess.intake import TABLES, map_header, read_raw_table

    write_templates(tmp_path, 2025, load_divisions(), load_params(2025))
    for name in ("declarations", "veto_events", "bonus_events"):
        raw = read_raw_table(tmp_path / f"{name}.xlsx", name)
        mapped = set(map_header(TABLES[name], raw.header).values())
        assert {c.name for c in TABLES[name].columns} == mapped


def test_correction_notice_lists_sheet_and_cell(tmp_path):
    problem = Problem(ERROR, "scores", "得分超出范围：C04 满分 6", file="scores.xlsx", sheet="评分", row=7,
                      column="C04", cell="D7", value="7", expected="0 至 6 之间的数值", code="320115",
                      affects_status=True, party="评委甲")
    assert cell_reference(problem) == "评分!D7"
    csv_problem = Problem(ERROR, "land_stats", "缺少耕地数据", file="land_stats.csv", code="320682")
    assert cell_reference(csv_problem) == "耕地数据"
    paths = write_notices([problem, csv_problem], tmp_path, 2025, load_divisions())
    # SPEC 8.1: the score is the evaluator's to correct, the land statistics the department's.
    assert sorted(p.name for p in paths) == ["省厅待核实事项.xlsx", "评委-评委甲-评分表补正通知.xlsx"]
    sheet = openpyxl.load_workbook(tmp_path / "评委-评委甲-评分表补正通知.xlsx").active
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert rows == [[1, "评分", "scores.xlsx", "评分!D7", "7", "0 至 6 之间的数值", "得分超出范围：C04 满分 6"]]


@pytest.mark.slow
def test_validate_writes_correction_notices_per_county(tmp_path):
    notices = tmp_path / "notices"
    proc = landassess("validate", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", PARAMS,
                      "--notices", str(notices))
    assert proc.returncode == 1
    names = sorted(p.name.split("-")[0] for p in notices.iterdir() if p.suffix == ".xlsx")
    # Recommendation problems go to the recommending city; 溧阳's unscored criterion and 如皋's
    # missing land statistics, with every 提示, to the department (SPEC 8.1).
    assert names == ["南京市", "宿迁市", "泰州市", "省厅待核实事项.xlsx"]


@pytest.mark.parametrize("value", [
    pytest.param("../../etc/passwd", id="parent-escape"),
    pytest.param("/etc/passwd", id="absolute-outside"),
])
def test_paths_in_params_cannot_leave_their_folder(tmp_path, value):
    from landassess.params import ParamsError, load_params

    params = tmp_path / "p.yaml"
    params.write_text(f"divisions:\n  file: '{value}'\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="之外"):
        load_params(2025, params)


def test_path_beside_the_params_file_is_allowed(tmp_path):
    from landassess.params import load_params

    shutil.copy(ROOT_DIVISIONS, tmp_path / "list.csv")
    params = tmp_path / "p.yaml"
    params.write_text("divisions:\n  file: list.csv\n", encoding="utf-8")
    assert load_params(2025, params).divisions.file == str(tmp_path / "list.csv")


def test_yaml_is_loaded_safely(tmp_path):
    from landassess.params import ParamsError, load_params

    params = tmp_path / "p.yaml"
    params.write_text("spot_check: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="YAML"):
        load_params(2025, params)
