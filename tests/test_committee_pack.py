"""The committee pack 评分汇总表.xlsx (SPEC 8.4, issue 19) on the golden year (tests/golden/2025).

Expected values come from WORKED.md and expected_results.csv (worked by hand), never from the
program: the nine ranked units in order (WORKED.md 6), the tie of 320115 江宁区 and 320117 溧水区 at
rank 6 across the 先进 line (effectiveness 30.00 each, ratio 3/60 = 5 %, WORKED.md 6–7), 海安市
取消资格 (its failed on-site check, WORKED.md 8), and the evaluators 评委甲, 乙, 丙 of scores.csv.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from landassess.assessment import run_assessment
from landassess.cli import EXIT_OK, main
from landassess.publish import report
from landassess.publish.committee import FILE_NAME, signature_lines, write_committee_pack
from landassess.publish.outputs import write_outputs

GOLDEN = Path(__file__).parent / "golden" / "2025"
AS_OF = "2026-03-01"
SHOWN = {  # WORKED.md 7–8: what the committee sees as each ranked unit's title or status now
    "320583": "模范", "320685": "取消资格", "320281": "模范", "321281": "先进", "320321": "先进",
    "320115": "并列待定（先进/未入选）", "320117": "并列待定（先进/未入选）", "321324": "未入选", "321322": "未入选",
}
TIED = ["320115", "320117"]  # WORKED.md 7: the tie group holding positions 6 and 7, across the 先进 line


def _expected_ranked() -> list[dict[str, str]]:
    with (GOLDEN / "expected_results.csv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["rank"]]
    return sorted(rows, key=lambda r: (int(r["rank"]), r["code"]))


def _evaluators() -> set[str]:
    with (GOLDEN / "input" / "scores.csv").open(encoding="utf-8", newline="") as handle:
        return {r["evaluator"] for r in csv.DictReader(handle)}


def _body(sheet, width: int) -> list[tuple]:
    """The table rows under the header (row 3), up to the first empty row."""
    rows = []
    for row in sheet.iter_rows(min_row=4, max_col=width, values_only=True):
        if row[1] is None:
            break
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def golden():
    return run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of=AS_OF)


@pytest.fixture(scope="module")
def pack(golden, tmp_path_factory):
    written = write_outputs(golden, tmp_path_factory.mktemp("out"))
    return written["committee.xlsx"]


def test_the_pack_is_written_with_the_years_files(pack):
    assert pack.name == "评分汇总表.xlsx" == FILE_NAME
    assert openpyxl.load_workbook(pack).sheetnames == ["排名汇总", "待定并列", "委员签字"]


def test_the_ranked_rows_agree_with_results_csv(pack):
    sheet = openpyxl.load_workbook(pack)["排名汇总"]
    assert "评分汇总表（供评审委员会审议）" in sheet["A1"].value and sheet["A1"].value.startswith("2025 年度")
    assert [c.value for c in sheet[3]][:8] == ["名次", "县级代码", "单位", "设区市", "基础得分", "加分", "总分",
                                              "拟评定称号/状态"]
    rows = _body(sheet, 8)
    expected = _expected_ranked()
    assert [r[1] for r in rows] == [e["code"] for e in expected]  # same units, same order
    for row, want in zip(rows, expected, strict=True):
        assert (row[0], row[2], row[3]) == (int(want["rank"]), want["name"], want["city"])
        assert [round(x, 2) for x in row[4:7]] == [float(want[k]) for k in ("base_score", "bonus", "total")]
        assert row[7] == SHOWN[want["code"]]
    assert sheet.cell(row=4, column=7).number_format == "0.00"


def test_the_ties_sheet_lists_exactly_the_pending_units_with_the_tie_break(pack):
    sheet = openpyxl.load_workbook(pack)["待定并列"]
    header = [c.value for c in sheet[3]]
    assert header == ["并列名次", "县级代码", "单位", "设区市", "总分", "土地执法监管成效得分", "违法占用耕地比例",
                      "待定于", "比较情况", "委员会决定", "记录依据"]
    rows = _body(sheet, len(header))
    assert [r[1] for r in rows] == TIED
    for number, row in enumerate(rows, start=4):
        assert row[0].startswith("第6名") and "第6—7位" in row[0]
        assert (row[4], row[5], row[6], row[7]) == (84.33, 30, "5.0000%", "先进/未入选")
        assert row[9] is None  # for the committee to fill in
        assert row[10] == f"评分汇总表 待定并列 第{number}行"  # the basis cites this very row
    assert "江宁区" in rows[1][8] and "溧水区" in rows[0][8]  # each names the other, not only its code
    chain = sheet["A2"].value
    assert chain.index("土地执法监管成效得分高者在前") < chain.index("违法占用耕地比例低者在前")
    notes = [c for row in sheet.iter_rows(min_row=4 + len(rows), values_only=True) for c in row if c]
    assert any("decisions.csv" in n and "依据" in n for n in notes)


def test_no_evaluator_appears_anywhere_in_the_pack(pack):
    book = openpyxl.load_workbook(pack)
    texts = [str(c) for s in book.worksheets for row in s.iter_rows(values_only=True) for c in row if c is not None]
    texts += [s.oddHeader.center.text or "" for s in book.worksheets] + [book.properties.title or ""]
    evaluators = _evaluators()
    assert evaluators == {"评委甲", "评委乙", "评委丙"}
    assert [t for t in texts for name in evaluators if name in t] == []


def test_one_signature_line_per_member_or_nine_blank_lines(pack):
    sheet = openpyxl.load_workbook(pack)["委员签字"]
    assert [c.value for c in sheet[3]] == ["序号", "委员", "签字", "日期"]
    lines = [r for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert [r[0] for r in lines] == list(range(1, 10))
    assert all(r[1] is None and r[2] is None and r[3] is None for r in lines)
    assert signature_lines(["张三", "李四"]) == [[1, "张三", "", ""], [2, "李四", "", ""]]


def test_every_sheet_prints_on_a4_with_its_header_repeated_and_page_numbers(pack):
    for sheet in openpyxl.load_workbook(pack).worksheets:
        assert str(sheet.page_setup.paperSize) == "9", sheet.title  # A4
        assert sheet.print_title_rows == "$3:$3", sheet.title
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页", sheet.title
        assert int(sheet.page_setup.fitToWidth) == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert "评分汇总表" in sheet.oddHeader.center.text


def test_the_pack_is_the_same_bytes_on_a_second_write(golden, pack, tmp_path):
    write_committee_pack(golden, tmp_path / FILE_NAME)
    assert (tmp_path / FILE_NAME).read_bytes() == pack.read_bytes()


def test_a_name_that_looks_like_a_formula_is_written_as_text(golden, tmp_path):
    counties = golden.counties.copy()
    counties.loc[counties["code"] == "320583", "name"] = "=HYPERLINK(\"http://x\")"
    write_committee_pack(dataclasses.replace(golden, counties=counties), tmp_path / FILE_NAME)
    row = _body(openpyxl.load_workbook(tmp_path / FILE_NAME)["排名汇总"], 9)[0]
    assert row[1] == "320583" and row[2] == "'=HYPERLINK(\"http://x\")"  # neutralize_cell: never a formula


@pytest.mark.parametrize("with_basis", [pytest.param(True, id="with-basis"), pytest.param(False, id="without")])
def test_a_decision_carries_its_basis_into_the_report(tmp_path, with_basis):
    data = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", data)
    # 先进 holds 兴化 and 丰县 (WORKED.md 7), so 江宁区 as 先进 fills its quota of 3: the decision applies.
    header, row = "县级代码,决定,理由,决定人,决定日期", "320115,先进,评审委员会表决,评审委员会,2026-02-20"
    if with_basis:
        header, row = header + ",依据", row + ",评分汇总表 待定并列 第4行"
    (data / "decisions.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    a = run_assessment(2025, data, GOLDEN / "params.yaml", as_of=AS_OF)
    assert a.decisions["is_applied"].tolist() == [True]
    assert a.decisions["basis"].tolist() == (["评分汇总表 待定并列 第4行"] if with_basis else [None])
    shown = re.sub(r"<[^>]+>", "", str(report.ranking_table(a)))  # the text of the report's decisions table
    assert ("评分汇总表 待定并列 第4行" in shown) is with_basis
    write_committee_pack(a, tmp_path / FILE_NAME)
    book = openpyxl.load_workbook(tmp_path / FILE_NAME)
    assert [r[1] for r in _body(book["待定并列"], 11)] == ["320117"]  # 溧水区 still waits for its decision
    jiangning = next(r for r in _body(book["排名汇总"], 9) if r[1] == "320115")
    assert jiangning[7] == "先进" and "评审决定：先进（理由：评审委员会表决）" in jiangning[8]


@pytest.mark.slow
def test_run_writes_the_pack_into_the_year_folder_and_the_manifest(tmp_path):
    out = tmp_path / "outputs" / "2025"
    assert main(["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--out", str(out),
                 "--params", str(GOLDEN / "params.yaml"), "--as-of", AS_OF]) == EXIT_OK
    assert (out / FILE_NAME).is_file()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert FILE_NAME in manifest["outputs"]
