"""The year's files for people and machines (issue 12): results.csv with a BOM, 公示名单.xlsx that
prints, results.xlsx with Chinese labels. Expected values from tests/golden/2025 (WORKED.md,
expected_results.csv) and SPEC 3.6, not from the program."""

import csv
from pathlib import Path

import openpyxl
import pytest

from landassess.assessment import run_assessment
from landassess.publish.outputs import write_outputs

GOLDEN = Path(__file__).parent / "golden" / "2025"
BOM = b"\xef\xbb\xbf"
STATUS = {
    "not_declared": "未申报", "vetoed": "一票否决", "not_recommended": "未获推荐", "over_quota": "超出推荐名额",
    "incomplete": "材料不全", "disqualified": "取消资格", "tie_pending": "并列待定", "model": "模范",
    "advanced": "先进", "not_selected": "未入选",
}
"""SPEC 3.6."""
VETO = {"cultivated_area": "违法占用耕地面积", "cultivated_ratio": "违法占用耕地比例", "media_exposure": "媒体披露",
        "key_management_county": "重点管理县"}
"""The vetoes of the golden year (SPEC 3.1, 4)."""
PUBLICITY = {  # WORKED.md section 7 and the verification table: name → (rank, base, bonus, total, shown)
    "昆山市": (1, 92.00, 0.50, 92.50, "模范"), "海安市": (2, 91.50, 1.00, 92.50, "取消资格"),
    "江阴市": (3, 87.63, 0.50, 88.13, "模范"), "兴化市": (4, 88.13, 0.00, 88.13, "先进"),
    "丰县": (5, 86.40, 0.00, 86.40, "先进"),
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    assessment = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of="2026-03-01")
    return write_outputs(assessment, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def expected():
    with (GOLDEN / "expected_results.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_results_csv_has_a_bom_and_otherwise_equals_the_hand_worked_year(written):
    data = written["results.csv"].read_bytes()
    assert data.startswith(BOM)
    assert data[len(BOM):] == (GOLDEN / "expected_results.csv").read_bytes()


def test_publicity_list_holds_numbers_with_two_decimals_and_the_current_status(written):
    sheet = openpyxl.load_workbook(written["publicity.xlsx"]).active
    assert "拟命名名单" in sheet["A1"].value
    assert "【发文机关】" in sheet["A2"].value and "【公示期起止日期】" in sheet["A2"].value  # documents unset
    header = [c.value for c in sheet[3]]
    assert header[:7] == ["名次", "县（市、区）", "设区市", "基础得分", "加分", "总分", "拟评定称号"]
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=4) if isinstance(row[0].value, int)}
    for name, (rank, base, bonus, total, shown) in PUBLICITY.items():
        row = rows[name]
        assert row[0].value == rank and row[6].value == shown
        for cell, value in zip(row[3:6], (base, bonus, total), strict=True):
            assert isinstance(cell.value, (int, float)) and cell.value == pytest.approx(value)
            assert cell.number_format == "0.00"
    assert rows["江宁区"][6].value.startswith("并列待定") and rows["溧水区"][6].value.startswith("并列待定")


def test_publicity_list_prints_on_a4(written):
    sheet = openpyxl.load_workbook(written["publicity.xlsx"]).active
    assert str(sheet.page_setup.paperSize) == str(sheet.PAPERSIZE_A4) == "9"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0  # as many pages down as needed
    assert sheet.print_title_rows == "$3:$3"  # the header row repeats on every page
    assert sheet.page_margins.left > 0 and sheet.page_margins.top > 0


def test_results_xlsx_says_in_chinese_what_results_csv_says_row_by_row(written, expected):
    sheet = openpyxl.load_workbook(written["results.xlsx"]).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["县级代码", "名称", "设区市", "状态", "否决情形", "基础得分", "加分", "总分", "名次",
                             "拟评定称号", "抽中查验"]
    body = rows[1:]
    assert len(body) == len(expected) == 95
    for row, want in zip(body, expected, strict=True):
        got = dict(zip(rows[0], row, strict=True))
        assert (got["县级代码"], got["名称"], got["设区市"]) == (want["code"], want["name"], want["city"])
        assert got["状态"] == STATUS[want["status"]]
        assert (got["否决情形"] or "") == "；".join(VETO[v] for v in want["vetoes"].split(";") if v)
        for label, column in (("基础得分", "base_score"), ("加分", "bonus"), ("总分", "total")):
            assert got[label] == (pytest.approx(float(want[column])) if want[column] else None)
        assert got["名次"] == (int(want["rank"]) if want["rank"] else None)
        tier = {"model": "模范", "advanced": "先进", "": ""}[want["tier"]]
        if want["tier"] and want["status"] != want["tier"]:
            tier += f"（现为{STATUS[want['status']]}）"  # 海安: never shown as holding 模范 (SPEC 7.3)
        assert (got["拟评定称号"] or "") == tier
        assert got["抽中查验"] == {"true": "是", "false": "否"}[want["spot_check"]]
    haian = next(r for r in body if r[0] == "320685")
    assert haian[3] == "取消资格" and haian[9] == "模范（现为取消资格）"


def test_the_files_are_the_same_bytes_on_a_second_write(written, tmp_path):
    assessment = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of="2026-03-01")
    again = write_outputs(assessment, tmp_path)
    for name in ("results.csv", "results.xlsx", "publicity.xlsx"):
        assert again[name].read_bytes() == written[name].read_bytes()
