"""Collecting the returned workbooks (issue 11, SPEC 7.4): round trip, planted problems, ownership.

The expected values are worked out by hand from the golden year (tests/golden/2025, WORKED.md)
and the demo years' flat tables: which counties declared, who recommended whom, the 11 admitted
and unvetoed counties the evaluators score, and the score triples of 320583 昆山市 (WORKED.md 5):
C01 (甲 5, 乙 4, 丙 4.5), base 92, bonus 0.5.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landassess.assessment import run_assessment
from landassess.cli import main
from landassess.collect.fill import fill_forms
from landassess.divisions import load_divisions
from landassess.params import load_params
from landassess.publish.return_forms import (
    score_sheet_plan,
    write_city_forms,
    write_county_forms,
    write_score_sheets,
)
from landassess.run.collect import collect_year
from landassess.vocabulary import ERROR, NOTICE

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
GOLDEN_PARAMS = GOLDEN / "params.yaml"
DEMO = ROOT / "demo"
AS_OF = "2026-03-01"
COLLECTED = ("declarations", "veto_events", "bonus_events", "recommendations", "scores")
KUNSHAN, KUNSHAN_FILE = "320583", "县级申报材料/320583-昆山市-申报材料.xlsx"
JIA_FILE = "评委评分表/评分表-评委甲.xlsx"
# WORKED.md 1: the 17 divisions that declared in the golden year.
GOLDEN_DECLARED = {"320115", "320117", "320281", "320321", "320322", "320382", "320481", "320581", "320583",
                   "320682", "320685", "320981", "321183", "321281", "321322", "321323", "321324"}
# WORKED.md 4: admitted and not vetoed, the rows of every score sheet (code order).
GOLDEN_SCORED = ["320115", "320117", "320281", "320321", "320481", "320583", "320682", "320685", "321281",
                 "321322", "321324"]


# ----------------------------------------------------------------------------- helpers


def _csv_rows(path: Path) -> list[dict[str, str]]:
    for encoding in ("utf-8-sig", "gbk"):
        try:
            with path.open(encoding=encoding, newline="") as handle:
                return list(csv.DictReader(handle))
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot read {path}")


def _make_forms(out: Path, year: int, flat: Path, params_file: Path | None, evaluators=()) -> tuple[Path, list[Path]]:
    """The sent-out workbooks (as ``template --data``) filled from the flat tables; (root, filled)."""
    params = load_params(year, params_file)
    divisions = load_divisions(params.divisions.file)
    counties, chosen, recused = score_sheet_plan(flat, year, params, divisions, evaluators)
    forms = (write_county_forms(_mkdir(out / "县级申报材料"), year, divisions, params)
             + write_city_forms(_mkdir(out / "设区市推荐名单"), year, divisions, params)
             + write_score_sheets(_mkdir(out / "评委评分表"), year, params, counties, chosen, recused))
    return out, fill_forms(forms, flat, divisions, params)


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _copy_rest(flat: Path, data: Path) -> None:
    """The flat tables collect does not produce (land_stats, verification, decisions, DEMO_DATA.txt …)."""
    for path in flat.iterdir():
        if path.is_file() and path.stem not in COLLECTED and path.name != "collected.json":
            shutil.copy2(path, data / path.name)


def _mismatches(expected: pd.DataFrame, got: pd.DataFrame) -> list:
    assert list(expected.columns) == list(got.columns) and len(expected) == len(got)
    return [(expected.at[i, "code"], c, expected.at[i, c], got.at[i, c])
            for i in range(len(expected)) for c in expected.columns if expected.at[i, c] != got.at[i, c]]


def _returned(root: Path, filled: list[Path], into: Path) -> Path:
    """A folder of returned workbooks: copies of the filled ones (same relative names)."""
    for path in filled:
        target = into / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return into


def _edit(path: Path, sheet: str, **cells) -> None:
    workbook = load_workbook(path)
    for ref, value in cells.items():
        workbook[sheet][ref] = value
    workbook.save(path)


def _meta_row(path: Path, key: str) -> int:
    workbook = load_workbook(path)
    return next(r for r in range(1, 30) if workbook["_landassess"].cell(r, 1).value == key)


def _problems(collected, reason: str) -> list:
    return [p for p in collected.problems if p.reason == reason]


@pytest.fixture(scope="module")
def golden_forms(tmp_path_factory):
    return _make_forms(tmp_path_factory.mktemp("golden_forms"), 2025, GOLDEN / "input", GOLDEN_PARAMS)


@pytest.fixture
def returned(golden_forms, tmp_path):
    return _returned(*golden_forms, tmp_path / "交回")


def _collect(source: Path, tmp_path: Path, evaluators=None):
    data = tmp_path / "data"
    collected, _ = collect_year(2025, source, data, GOLDEN_PARAMS, evaluators)
    return collected, data


def _run(data: Path):
    _copy_rest(GOLDEN / "input", data)
    return run_assessment(2025, data, GOLDEN_PARAMS, as_of=AS_OF)


# ----------------------------------------------------------------------------- 1. round trip


@pytest.mark.parametrize(("year", "flat", "params_file"), [
    pytest.param(2025, GOLDEN / "input", GOLDEN_PARAMS, id="golden-2025"),
    pytest.param(2022, DEMO / "2022", None, id="demo-2022"),
    pytest.param(2023, DEMO / "2023", None, id="demo-2023"),
    pytest.param(2024, DEMO / "2024", None, id="demo-2024"),
])
def test_collected_workbooks_give_the_flat_results_cell_for_cell(tmp_path, year, flat, params_file):
    root, filled = _make_forms(tmp_path / "forms", year, flat, params_file)
    declared = {r["code"] if "code" in r else r["县级代码"] for r in _csv_rows(flat / "declarations.csv")}
    county_files = [p for p in filled if p.parent.name == "县级申报材料"]
    assert {p.name.split("-")[0] for p in county_files} == declared  # only the counties that declared
    source = _returned(root, filled, tmp_path / "交回")
    data = tmp_path / "data"
    collected, written = collect_year(year, source, data, params_file)
    assert {p.name for p in written} == {f"{t}.csv" for t in COLLECTED} | {"收集情况.xlsx"}
    assert [p for p in collected.problems if p.reason.startswith("collect.") and p.severity == NOTICE] == []
    _copy_rest(flat, data)
    flat_run = run_assessment(year, flat, params_file, as_of=AS_OF)
    collected_run = run_assessment(year, data, params_file, as_of=AS_OF)
    assert _mismatches(flat_run.results(), collected_run.results()) == []
    # The same problems (what and whose), now located in the senders' workbooks; only the notices
    # on scores for counties that are not assessed go (a score sheet has no row for them).
    def key(p):
        return (p.severity, p.reason, p.code)
    flat_keys = [key(p) for p in flat_run.problems if p.reason != "score.not_assessed"]
    assert sorted(map(key, collected_run.problems)) == sorted(flat_keys)
    for problem in collected_run.problems:
        if problem.table in COLLECTED and problem.row is not None:
            assert problem.file.endswith(".xlsx") and problem.sheet, problem
    if year == 2025:  # and the hand-worked results
        expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
        assert _mismatches(expected, collected_run.results()) == []


def test_round_trip_through_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flat = GOLDEN / "input"
    assert main(["template", "--year", "2025", "--out", "模板", "--params", str(GOLDEN_PARAMS)]) == 0
    assert main(["template", "--year", "2025", "--out", "模板", "--data", str(flat),
                 "--params", str(GOLDEN_PARAMS)]) == 0  # the score sheets join the forms (SPEC 8.3)
    params = load_params(2025, GOLDEN_PARAMS)
    divisions = load_divisions(params.divisions.file)
    forms = [p for p in sorted(Path("模板").rglob("*.xlsx"))
             if p.parent.name in ("县级申报材料", "设区市推荐名单", "评委评分表")]
    assert len(forms) == 95 + 13 + 3  # 评委甲, 乙, 丙 of scores.csv
    filled = fill_forms(forms, flat, divisions, params)
    source = _returned(Path("模板"), filled, Path("交回"))
    # The golden year's 南京市 list names 321183 句容市 (镇江市): a located problem, exit 1.
    assert main(["collect", "--year", "2025", "--from", str(source), "--params", str(GOLDEN_PARAMS)]) == 1
    data = Path("data") / "2025"
    assert {p.name for p in data.iterdir()} == {f"{t}.csv" for t in COLLECTED} | {"收集情况.xlsx", "collected.json"}
    _copy_rest(flat, data)
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    assert _mismatches(expected, run_assessment(2025, data, GOLDEN_PARAMS, as_of=AS_OF).results()) == []


def test_the_collection_report_prints_on_a4_and_fits_its_paths(returned, tmp_path):
    """收集情况.xlsx (SPEC 8.2, 8.4): every sheet titled, its header repeated on each page, page numbers."""
    _, data = _collect(returned, tmp_path)
    book = load_workbook(data / "收集情况.xlsx")
    assert book.sheetnames == ["交回情况", "县级单位", "设区市", "评委×县", "问题"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == f"2025 年度材料收集情况 — {sheet.title}"
        assert str(sheet.page_setup.paperSize) == "9" and sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$2:$2", sheet.title
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页", sheet.title
    returns = book["交回情况"]
    header = [c.value for c in returns[2]]
    files = [row[header.index("文件")] for row in returns.iter_rows(min_row=3, values_only=True)]
    assert KUNSHAN_FILE in files
    # 县级申报材料/320583-昆山市-申报材料.xlsx: 13 CJK characters × 2 + 14 others = 40, plus a margin of 2;
    # the column (width 18 before) is at least that wide, and at most the cap of 60.
    width = returns.column_dimensions[chr(ord("A") + header.index("文件"))].width
    assert 42 <= width <= 60


# ----------------------------------------------------------------------------- 2. planted problems


def test_a_workbook_from_another_year_is_a_located_problem(returned, tmp_path):
    path = returned / KUNSHAN_FILE
    row = _meta_row(path, "year")
    _edit(path, "_landassess", **{f"B{row}": "2024"})
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.wrong_year")
    # Issue 18: located where the sender sees the year (the title), not in the hidden marker sheet.
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (ERROR, KUNSHAN_FILE, "申报", "A1")
    assert problem.code == KUNSHAN and "2024" in problem.message
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}


def test_a_county_workbook_naming_another_county(returned, tmp_path):
    _edit(returned / KUNSHAN_FILE, "申报", A4="320581", B4="常熟市")
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.other_county")
    assert (problem.file, problem.sheet, problem.cell, problem.code) == (KUNSHAN_FILE, "申报", "A4", KUNSHAN)
    codes = [r["code"] for r in _csv_rows(data / "declarations.csv")]
    assert sorted(codes) == sorted(GOLDEN_DECLARED)  # kept once, as the county the workbook was sent to


def test_only_the_name_changed_cites_the_name_cell(returned, tmp_path):
    _edit(returned / KUNSHAN_FILE, "申报", B4="常熟市")
    collected, _ = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.other_county")
    assert (problem.file, problem.sheet, problem.cell) == (KUNSHAN_FILE, "申报", "B4")


def test_a_score_sheet_of_an_unknown_evaluator(returned, tmp_path):
    collected, data = _collect(returned, tmp_path, evaluators=["评委甲", "评委乙"])
    [problem] = _problems(collected, "collect.unknown_evaluator")
    file = "评委评分表/评分表-评委丙.xlsx"
    assert (problem.severity, problem.file, problem.sheet) == (ERROR, file, "_landassess")
    assert problem.cell == f"B{_meta_row(returned / file, 'evaluator')}" and problem.value == "评委丙"
    scores = _csv_rows(data / "scores.csv")
    assert {r["evaluator"] for r in scores} == {"评委甲", "评委乙"}
    # WORKED.md 4: 320481 溧阳市 has 12 criteria from each; 320117 and 320281 lack one of 丙's,
    # so 11 counties × 13 − 1 (溧阳 C05) for 甲 and for 乙.
    assert len(scores) == 2 * (11 * 13 - 1)


def test_a_score_sheet_row_for_a_county_not_admitted(returned, tmp_path):
    # 11 counties on rows 4–14; row 15 added by hand for 320102 玄武区 (it did not declare).
    _edit(returned / JIA_FILE, "评分", A15="320102", B15="玄武区", C15=5, D15=4)
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.county_not_admitted")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (ERROR, JIA_FILE, "评分", "A15")
    assert problem.code == "320102" and problem.value == "320102"
    assert "320102" not in {r["code"] for r in _csv_rows(data / "scores.csv")}


def test_a_modified_header_is_located_and_the_sheet_not_collected(returned, tmp_path):
    _edit(returned / "评委评分表/评分表-评委乙.xlsx", "评分", C3="C01 自拟指标")
    _edit(returned / KUNSHAN_FILE, "加分事项", C3="文件编号")
    collected, data = _collect(returned, tmp_path)
    found = {(p.file, p.sheet, p.cell, p.value) for p in _problems(collected, "collect.header_modified")}
    assert found == {("评委评分表/评分表-评委乙.xlsx", "评分", "C3", "C01 自拟指标"),
                     (KUNSHAN_FILE, "加分事项", "C3", "文件编号")}
    assert "评委乙" not in {r["evaluator"] for r in _csv_rows(data / "scores.csv")}
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "bonus_events.csv")}
    assert KUNSHAN in {r["code"] for r in _csv_rows(data / "declarations.csv")}  # its other sheets are read


def test_two_sheets_of_one_evaluator_that_disagree(returned, tmp_path):
    # 昆山 is row 9 (the sixth of the 11 codes); C01 is column C. 甲 gave 5 (WORKED.md 5).
    copy = returned / "再次报送" / "评分表-评委甲（修改）.xlsx"
    copy.parent.mkdir()
    shutil.copy2(returned / JIA_FILE, copy)
    _edit(copy, "评分", C9=3)
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.scores_disagree")
    assert problem.severity == ERROR and problem.code == KUNSHAN
    assert f"{JIA_FILE} 评分!C9" in problem.message and "再次报送/评分表-评委甲（修改）.xlsx 评分!C9" in problem.message
    assert (problem.file, problem.sheet, problem.cell) == ("再次报送/评分表-评委甲（修改）.xlsx", "评分", "C9")
    scores = pd.DataFrame(_csv_rows(data / "scores.csv"))
    assert not scores.duplicated(["evaluator", "code", "criterion"]).any()  # agreeing cells kept once
    jia = scores[(scores["evaluator"] == "评委甲") & (scores["code"] == KUNSHAN)]
    assert sorted(jia["criterion"]) == [f"C{i:02d}" for i in range(2, 14)]  # C01 not used
    # 昆山 C01 is now the mean of 乙 4 and 丙 4.5 = 4.25: base 92 − 4.5 + 4.25 = 91.75, total + 0.5.
    kunshan = _run(data).results().set_index("code").loc[KUNSHAN]
    assert (kunshan["base_score"], kunshan["total"]) == ("91.75", "92.25")


def test_the_same_county_twice_with_identical_content(returned, tmp_path):
    (returned / "邮件附件").mkdir()
    shutil.copy2(returned / KUNSHAN_FILE, returned / "邮件附件" / "昆山申报.xlsx")
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.duplicate_same")
    assert problem.severity == NOTICE and problem.code == KUNSHAN
    assert KUNSHAN_FILE in problem.value and "邮件附件/昆山申报.xlsx" in problem.value
    assert [r["code"] for r in _csv_rows(data / "declarations.csv")].count(KUNSHAN) == 1
    bonus = [r for r in _csv_rows(data / "bonus_events.csv") if r["code"] == KUNSHAN]
    assert len(bonus) == 3  # WORKED.md 5: three lines of the same document, not six
    kunshan = _run(data).results().set_index("code").loc[KUNSHAN]
    assert (kunshan["status"], kunshan["total"]) != ("incomplete", "") and kunshan["total"] == "92.50"


def test_the_same_county_twice_with_different_content(returned, tmp_path):
    (returned / "邮件附件").mkdir()
    other = returned / "邮件附件" / "昆山申报.xlsx"
    shutil.copy2(returned / KUNSHAN_FILE, other)
    _edit(other, "申报", E4=11)
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.duplicate_differs")
    assert problem.severity == ERROR and problem.code == KUNSHAN and problem.affects_status
    assert KUNSHAN_FILE in problem.message and "邮件附件/昆山申报.xlsx" in problem.message
    # SPEC 8.2: nothing of the doubtful copies is used; the county declared and is incomplete until confirmed.
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "bonus_events.csv")}
    results = _run(data).results().set_index("code")
    assert results.at[KUNSHAN, "status"] == "incomplete"


def test_the_department_confirms_which_copy_counts(returned, tmp_path):
    """省厅记录/收集确认.csv names the copy that counts: it is used, the choice is said, and survives a re-collect."""
    (returned / "邮件附件").mkdir()
    other = returned / "邮件附件" / "昆山申报.xlsx"
    shutil.copy2(returned / KUNSHAN_FILE, other)
    _edit(other, "申报", E4=11)
    data = tmp_path / "data"
    (data / "省厅记录").mkdir(parents=True)
    (data / "省厅记录" / "收集确认.csv").write_text(
        "县级代码,采用文件,理由,确认人,日期\n320583,邮件附件/昆山申报.xlsx,县局来函说明以邮件为准,张三,2026-01-20\n",
        encoding="utf-8")
    for _ in range(2):  # a re-collect gives the same answer
        collected, _ = collect_year(2025, returned, data, GOLDEN_PARAMS)
        assert _problems(collected, "collect.duplicate_differs") == []
        [chosen] = _problems(collected, "collect.confirmed")
        assert chosen.severity == NOTICE and chosen.file == "邮件附件/昆山申报.xlsx" and "张三" in chosen.message
        [row] = [r for r in _csv_rows(data / "declarations.csv") if r["code"] == KUNSHAN]
        assert row["self_illegal_cultivated_area"] == "11" and row["source_file"] == "邮件附件/昆山申报.xlsx"
        assert collected.counties.set_index("县级代码").at[KUNSHAN, "采用"] == "邮件附件/昆山申报.xlsx"
    assert sorted(p.name for p in (data / "省厅记录").iterdir()) == ["收集确认.csv"]  # collect never writes there
    assessment = _run(data)
    assert assessment.results().set_index("code").at[KUNSHAN, "status"] != "incomplete"
    # The report lists the choice (the department's, not the county's: it is a notice).
    assert [p.file for p in assessment.problems if p.reason == "collect.confirmed"] == ["邮件附件/昆山申报.xlsx"]


def test_unrecognised_files_are_notices_and_damaged_ones_errors(returned, tmp_path):
    """A damaged .xlsx may be a county's return: an error, so collect exits 1 and nobody misses it (SPEC 8.2)."""
    workbook = Workbook()
    workbook.active["A1"] = "会议签到表"
    workbook.save(returned / "签到表.xlsx")
    (returned / "损坏.xlsx").write_bytes(b"PK\x03\x04 this is not really a workbook")
    (returned / "说明.txt").write_text("不是工作簿", encoding="utf-8")
    collected, data = _collect(returned, tmp_path)
    found = {p.file: (p.severity, p.reason) for p in collected.problems if p.file in ("签到表.xlsx", "损坏.xlsx")}
    assert found == {"签到表.xlsx": (NOTICE, "collect.not_recognised"), "损坏.xlsx": (ERROR, "collect.unreadable")}
    returns = collected.returns.set_index("文件")
    assert returns.at["签到表.xlsx", "类型"] == returns.at["损坏.xlsx", "类型"] == "未识别"
    assert sorted(r["code"] for r in _csv_rows(data / "declarations.csv")) == sorted(GOLDEN_DECLARED)


def test_unrecognised_files_through_the_command_line(returned, tmp_path, capsys):
    (returned / "损坏.xlsx").write_bytes(b"\x00" * 100)
    code = main(["collect", "--year", "2025", "--from", str(returned), "--data", str(tmp_path / "data"),
                 "--params", str(GOLDEN_PARAMS)])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err and "内部错误" not in err  # 1: 南京's 句容 row
    assert "损坏.xlsx" in out and "未识别的工作簿" in out


def test_a_bad_date_in_a_county_workbook_is_cited_in_its_own_file_and_notice(returned, tmp_path):
    from landassess.run.validation import validate_year

    _edit(returned / KUNSHAN_FILE, "申报", D4="2026年13月5日")
    _, data = _collect(returned, tmp_path)
    _copy_rest(GOLDEN / "input", data)
    notices = tmp_path / "补正通知"
    report, has_problems = validate_year(2025, data, GOLDEN_PARAMS, notices, as_of=AS_OF)
    assert has_problems
    [problem] = [p for p in run_assessment(2025, data, GOLDEN_PARAMS, as_of=AS_OF).problems
                 if p.code == KUNSHAN and p.table == "declarations" and p.severity == ERROR]
    assert (problem.file, problem.sheet, problem.cell, problem.value) == (KUNSHAN_FILE, "申报", "D4", "2026年13月5日")
    assert f"{KUNSHAN_FILE}［申报］ 第4行" in report and "（D4）" in report
    text = _workbook_text(notices / "320583-昆山市-补正通知.xlsx")
    assert KUNSHAN_FILE in text and "申报!D4" in text and "2026年13月5日" in text


def test_a_bad_recommendation_goes_to_the_citys_notice(returned, tmp_path):
    from landassess.run.validation import validate_year

    # 宿迁市 lists 泗阳 (3), 泗洪 (1), 沭阳 (2): its sheet rows 4–6 in order; 泗洪 is row 4.
    suqian = "设区市推荐名单/宿迁市-推荐名单.xlsx"
    _edit(returned / suqian, "推荐名单", C4="一月底")
    _, data = _collect(returned, tmp_path)
    _copy_rest(GOLDEN / "input", data)
    notices = tmp_path / "补正通知"
    validate_year(2025, data, GOLDEN_PARAMS, notices, as_of=AS_OF)
    problems = [p for p in run_assessment(2025, data, GOLDEN_PARAMS, as_of=AS_OF).problems
                if p.table == "recommendations" and p.severity == ERROR]
    bad_date = [p for p in problems if p.value == "一月底"]
    assert [(p.file, p.sheet, p.cell, p.party) for p in bad_date] == [(suqian, "推荐名单", "C4", "宿迁市")]
    # WORKED.md 3: 南京市 recommended 321183 句容市 (镇江市), its row 5 (the second).
    jurong = [p for p in problems if p.code == "321183"]
    assert jurong and all(p.party == "南京市" and p.file == "设区市推荐名单/南京市-推荐名单.xlsx" for p in jurong)
    written = {p.name for p in notices.iterdir()}
    assert {"宿迁市-推荐名单-补正通知.xlsx", "南京市-推荐名单-补正通知.xlsx"} <= written
    assert "321324-泗洪县-补正通知.xlsx" not in written and "321183-句容市-补正通知.xlsx" not in written
    text = _workbook_text(notices / "宿迁市-推荐名单-补正通知.xlsx")
    assert suqian in text and "推荐名单!C4" in text


def _workbook_text(path: Path) -> str:
    workbook = load_workbook(path)
    return "\n".join(str(c) for s in workbook.worksheets for row in s.iter_rows(values_only=True) for c in row if c)


# ----------------------------------------------------------------------------- 3. ownership


def _collect_cli(source: Path, data: Path) -> int:
    return main(["collect", "--year", "2025", "--from", str(source), "--data", str(data),
                 "--params", str(GOLDEN_PARAMS)])


def test_collect_refuses_a_table_it_did_not_write(returned, tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "declarations.csv").write_text("code,name,city,declared_on\n320583,昆山市,苏州市,2026-01-09\n",
                                           encoding="utf-8")
    before = (data / "declarations.csv").read_bytes()
    assert _collect_cli(returned, data) == 2
    assert "拒绝覆盖" in capsys.readouterr().err
    assert (data / "declarations.csv").read_bytes() == before
    assert sorted(p.name for p in data.iterdir()) == ["declarations.csv"]


def test_collect_refuses_a_table_edited_after_it_wrote_it(returned, tmp_path, capsys):
    data = tmp_path / "data"
    assert _collect_cli(returned, data) == 1
    with (data / "declarations.csv").open("a", encoding="utf-8") as handle:
        handle.write("320102,玄武区,南京市,2026-01-10\n")
    edited = (data / "declarations.csv").read_bytes()
    assert _collect_cli(returned, data) == 2
    assert "拒绝覆盖" in capsys.readouterr().err
    assert (data / "declarations.csv").read_bytes() == edited


def test_a_second_collect_replaces_its_own_tables_and_never_touches_land_stats(returned, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(GOLDEN / "input" / "land_stats.csv", data / "land_stats.csv")
    land = data / "land_stats.csv"
    stat, content = land.stat(), land.read_bytes()
    kunshan = returned / KUNSHAN_FILE
    held_back = tmp_path / "晚到.xlsx"
    shutil.move(kunshan, held_back)
    collect_year(2025, returned, data, GOLDEN_PARAMS)
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    shutil.move(held_back, kunshan)
    collect_year(2025, returned, data, GOLDEN_PARAMS)
    assert sorted(r["code"] for r in _csv_rows(data / "declarations.csv")) == sorted(GOLDEN_DECLARED)
    assert land.read_bytes() == content and land.stat().st_mtime_ns == stat.st_mtime_ns
    assert {p.name for p in data.iterdir()} == ({f"{t}.csv" for t in COLLECTED}
                                                | {"land_stats.csv", "收集情况.xlsx", "collected.json"})


@pytest.mark.parametrize("where", ["same", "inside"])
def test_data_equal_to_or_inside_the_collected_folder_is_refused(returned, tmp_path, capsys, where):
    before = sorted(str(p) for p in returned.rglob("*"))
    data = returned if where == "same" else returned / "data"
    assert _collect_cli(returned, data) == 2
    assert "拒绝写入" in capsys.readouterr().err
    assert sorted(str(p) for p in returned.rglob("*")) == before


def test_a_blank_template_next_to_the_filled_one_is_left_out(golden_forms, returned, tmp_path):
    root, _ = golden_forms
    blank = root / "县级申报材料" / "320102-玄武区-申报材料.xlsx"  # 玄武区 did not declare: never filled
    shutil.copy2(blank, returned / "玄武区.xlsx")
    # the fixture's forms of 昆山 are filled: a blank one from a fresh template
    params = load_params(2025, GOLDEN_PARAMS)
    fresh = write_county_forms(_mkdir(tmp_path / "fresh"), 2025, load_divisions(params.divisions.file), params)
    shutil.copy2(next(p for p in fresh if p.name.startswith(KUNSHAN)), returned / "昆山（空白）.xlsx")
    collected, data = _collect(returned, tmp_path)
    [ignored] = _problems(collected, "collect.blank_ignored")
    assert (ignored.severity, ignored.file, ignored.code) == (NOTICE, "昆山（空白）.xlsx", KUNSHAN)
    assert _problems(collected, "collect.duplicate_differs") == []
    counties = collected.counties.set_index("县级代码")
    assert (counties.at["320102", "已交回"], counties.at[KUNSHAN, "已交回"], counties.at["320111", "已交回"]) == \
        ("空白", "是", "否")
    assert sorted(r["code"] for r in _csv_rows(data / "declarations.csv")) == sorted(GOLDEN_DECLARED)


def test_a_marked_workbook_without_its_data_sheet_is_a_problem(returned, tmp_path):
    path = returned / "设区市推荐名单" / "宿迁市-推荐名单.xlsx"
    workbook = load_workbook(path)
    workbook["推荐名单"].title = "名单"
    workbook.save(path)
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.sheet_missing")
    assert (problem.severity, problem.file, problem.sheet) == (ERROR, "设区市推荐名单/宿迁市-推荐名单.xlsx", "_landassess")
    assert "宿迁市" not in {r["city"] for r in _csv_rows(data / "recommendations.csv")}


def test_the_cycle_collect_then_score_sheets_then_collect_again(returned, tmp_path):
    """Before the score sheets come back there is no scores.csv, so the score sheets can be planned."""
    sheets = tmp_path / "评分表暂存"
    shutil.move(returned / "评委评分表", sheets)
    collected, data = _collect(returned, tmp_path)
    assert not (data / "scores.csv").exists() and collected.tables["scores"].empty
    shutil.copy2(GOLDEN / "input" / "land_stats.csv", data / "land_stats.csv")
    params = load_params(2025, GOLDEN_PARAMS)
    counties, evaluators, _ = score_sheet_plan(data, 2025, params, load_divisions(params.divisions.file), ["评委甲"])
    assert [code for code, _ in counties] == GOLDEN_SCORED and evaluators == ["评委甲"]
    shutil.move(sheets, returned / "评委评分表")
    _collect(returned, tmp_path)
    assert len(_csv_rows(data / "scores.csv")) == 3 * (11 * 13) - 3 - 2  # WORKED.md 4: 溧阳 C05 ×3; 丙 misses 2
    shutil.rmtree(returned / "评委评分表")
    _collect(returned, tmp_path)
    assert not (data / "scores.csv").exists()  # its own earlier table, gone with the sheets
    assert (data / "land_stats.csv").read_bytes() == (GOLDEN / "input" / "land_stats.csv").read_bytes()


def test_a_value_typed_outside_the_table_is_listed_not_read(returned, tmp_path):
    _edit(returned / KUNSHAN_FILE, "申报", K4="另附说明：面积以省厅数据为准")
    collected, data = _collect(returned, tmp_path)
    [problem] = _problems(collected, "collect.edit_outside")
    assert (problem.severity, problem.file, problem.sheet, problem.cell) == (NOTICE, KUNSHAN_FILE, "申报", "K4")
    [row] = [r for r in _csv_rows(data / "declarations.csv") if r["code"] == KUNSHAN]
    assert "另附说明" not in "".join(row.values())


def test_an_evaluators_out_of_range_score_goes_to_that_evaluator_only(returned, tmp_path):
    """Issue 16: 评分!D13 = 99 in 评委乙's sheet reaches 评委乙's notice, never the scored county's (SPEC 8.1)."""
    from landassess.run.validation import validate_year

    yi = "评委评分表/评分表-评委乙.xlsx"
    code = load_workbook(returned / yi)["评分"]["A13"].value
    _edit(returned / yi, "评分", D13=99)
    _, data = _collect(returned, tmp_path)
    _copy_rest(GOLDEN / "input", data)
    notices = tmp_path / "补正通知"
    validate_year(2025, data, GOLDEN_PARAMS, notices, as_of=AS_OF)
    [problem] = [p for p in run_assessment(2025, data, GOLDEN_PARAMS, as_of=AS_OF).problems if p.value == "99"]
    assert (problem.file, problem.sheet, problem.cell, problem.code, problem.party) == (yi, "评分", "D13", code, "评委乙")
    text = _workbook_text(notices / "评委-评委乙-评分表补正通知.xlsx")
    assert "评分!D13" in text and "99" in text and "评委甲" not in text and "评委丙" not in text
    for path in notices.glob("*.xlsx"):
        if path.name != "评委-评委乙-评分表补正通知.xlsx":
            assert "评分!D13" not in _workbook_text(path), path.name
    assert not list(notices.glob(f"{code}-*"))  # the county has nothing of its own to correct
