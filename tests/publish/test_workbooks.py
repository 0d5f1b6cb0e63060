"""Printing the workbooks people read (SPEC 8.4, issue 19): widths that fit the text, A4, page numbers.

Widths are counted by hand: a CJK or full-width character takes two columns, an ASCII one one column,
and every column gets a margin of 2 (``WIDTH_MARGIN``).
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from landassess.publish.workbooks import NUMBER_FORMAT, fit_columns, print_setup, text_width


@pytest.mark.parametrize(("text", "width"), [
    pytest.param("江苏省ab", 8, id="cjk-and-ascii"),       # 3 × 2 + 2 × 1
    pytest.param("320583", 6, id="digits"),
    pytest.param("（先进/未入选）", 15, id="full-width-brackets"),  # （ 先 进 未 入 选 ） = 7 × 2, / = 1
    pytest.param("第一行\n第二行很长", 10, id="widest-line"),  # 5 × 2
    pytest.param("", 0, id="empty"),
])
def test_text_width_counts_cjk_as_two(text, width):
    assert text_width(text) == width


def _sheet(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    return sheet


def test_each_column_is_as_wide_as_its_widest_cell_plus_the_margin():
    sheet = _sheet([["县级代码", "单位", "x", "总分"], ["320102", "南京市玄武区", "ab", 92.5]])
    sheet["D2"].number_format = NUMBER_FORMAT
    fit_columns(sheet, header_row=1)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    # A: 县级代码 = 4 × 2 = 8, 320102 = 6 → 8 + 2; B: 南京市玄武区 = 6 × 2 = 12 → 14;
    # C: ab = 2 → 4, below the minimum 6; D: 总分 = 4, 92.50 as shown = 5 → 7.
    assert widths == {"A": 10, "B": 14, "C": 6, "D": 7}


def test_a_column_wider_than_the_cap_is_capped_and_wraps():
    long = "省" * 40  # 80 columns
    sheet = _sheet([["说明"], [long], ["短"]])
    fit_columns(sheet, header_row=1, max_width=60)
    assert sheet.column_dimensions["A"].width == 60
    assert all(sheet.cell(row=r, column=1).alignment.wrap_text for r in (1, 2, 3))


def test_rows_above_the_header_and_cells_merged_across_columns_do_not_count():
    sheet = _sheet([["一个很长很长很长很长很长的标题"], ["代码", "名称"], ["1", "丰县"], ["一条很长很长很长很长很长很长的说明"]])
    sheet.merge_cells("A4:B4")
    fit_columns(sheet, header_row=2)
    assert sheet.column_dimensions["A"].width == 6  # 代码 = 4 → 6
    assert sheet.column_dimensions["B"].width == 6  # 名称, 丰县 = 4 → 6


def test_print_setup_is_a4_one_page_wide_with_repeated_rows_page_numbers_and_a_header():
    sheet = _sheet([["标题"], ["代码"]])
    print_setup(sheet, "2:2", landscape=True, header="R&D 汇总")
    assert str(sheet.page_setup.paperSize) == "9"  # A4 in the Office paper-size table
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sheet.oddHeader.center.text == "R&&D 汇总"  # & doubled: printed, not read as a code
