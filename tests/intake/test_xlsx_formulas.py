"""The guarded reader parses a workbook's formulas only when one lacks its saved value (issue 22).

Excel and WPS save the computed value with every formula; only a formula without one (a file
written by a program, never opened in Excel) is something the readers report, and only then is the
workbook parsed a second time for its formulas. openpyxl writes formulas without values, so the
workbooks here are written by openpyxl and, for the saved-value case, given their value in the XML
as Excel would.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

from landassess.intake.xlsxfile import _formula_without_value, load_guarded


def _workbook(path: Path, with_saved_value: bool) -> Path:
    book = Workbook()
    book.active["A1"] = 1
    book.active["B1"] = "=SUM(1,2)"
    book.save(path)
    if with_saved_value:
        with zipfile.ZipFile(path) as source:
            parts = {info.filename: source.read(info) for info in source.infolist()}
        sheet = parts["xl/worksheets/sheet1.xml"]
        assert b"<f>SUM(1,2)</f><v></v>" in sheet or b"<f>SUM(1,2)</f></c>" in sheet
        sheet = sheet.replace(b"<f>SUM(1,2)</f><v></v>", b"<f>SUM(1,2)</f><v>3</v>")
        parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<f>SUM(1,2)</f></c>", b"<f>SUM(1,2)</f><v>3</v></c>")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for name, data in parts.items():
                target.writestr(name, data)
    return path


def test_a_formula_without_its_value_is_parsed_for_its_formula(tmp_path):
    path = _workbook(tmp_path / "unsaved.xlsx", with_saved_value=False)
    assert _formula_without_value(path)
    sheet = load_guarded(path).sheets[0]
    assert sheet.formulas == {(1, 2): "=SUM(1,2)"}
    assert (1, 2) not in sheet.values  # no saved value


def test_a_formula_with_its_saved_value_needs_no_second_parse(tmp_path):
    path = _workbook(tmp_path / "saved.xlsx", with_saved_value=True)
    assert not _formula_without_value(path)
    sheet = load_guarded(path).sheets[0]
    assert sheet.formulas == {}
    assert sheet.values[(1, 2)] == 3  # the saved value is what is read
