"""The guarded reader reads sheets in openpyxl's read-only mode exactly as its full load does (issue 22).

``read_fast`` (read-only mode, openpyxl's own sheet parser) must give the very cells, formulas,
merged ranges, hidden rows and columns that ``read_full`` (openpyxl's full load, the earlier
reader) gives, in the same order; what read-only mode does not reproduce (hyperlinks, comments,
chart sheets, odd sheet titles) goes to the full load; what the full load refuses, read-only mode
refuses too (the guarded reader then asks the full load for its error).
"""

from __future__ import annotations

import datetime as dt
import functools
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from landassess.intake import xlsxfile
from landassess.intake.xlsxsheets import read_fast, read_full


def _book(epoch=None) -> Workbook:
    book = Workbook()
    if epoch is not None:
        book.epoch = epoch
    sheet = book.active
    sheet.title = "数据"
    for cell, value in {"A1": "文字", "B1": 1.5, "C1": True, "D1": dt.datetime(2024, 1, 2, 3, 4), "E1": dt.date(2024, 5, 6),
                        "F1": "#N/A", "G1": "=SUM(B1,1)", "H1": "", "A2": 10, "B2": "x", "C3": dt.time(12, 30),
                        "D3": dt.timedelta(hours=5), "A5": "合并", "XFD1048576": "远处"}.items():
        sheet[cell] = value
    sheet.merge_cells("A5:C6")
    sheet.row_dimensions[2].hidden = True
    sheet.column_dimensions["E"].hidden = True
    sheet.column_dimensions.group("G", "H", hidden=True)
    sheet.conditional_formatting.add("B1:B10", CellIsRule(operator="greaterThan", formula=["1"],
                                                          fill=PatternFill(bgColor="FF0000")))
    sheet.print_title_rows = "1:2"
    hidden = book.create_sheet("隐藏")
    hidden["A1"] = "h"
    hidden.sheet_state = "hidden"
    very = book.create_sheet("深度隐藏")
    very["B2"] = 3
    very.sheet_state = "veryHidden"
    return book


def _edit(path: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    assert old in parts[part]
    parts[part] = parts[part].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _both(path: Path, with_formulas: bool = True):
    load = functools.partial(xlsxfile._load_workbook, path)  # noqa: SLF001
    return read_fast(load, with_formulas), read_full(load, with_formulas)


def _same(fast, full) -> None:
    assert fast == full
    for a, b in zip(fast, full, strict=True):  # the order of the cells too (far cells, merged ranges)
        assert list(a.values) == list(b.values) and list(a.formulas) == list(b.formulas) and a.merged == b.merged


SHEET = "xl/worksheets/sheet1.xml"
EDITS = {
    "plain": None,
    "values under a merged range": (b"</sheetData>", b'<row r="40"><c r="A40"><v>1</v></c><c r="B40"><v>2</v></c>'
                                    b'</row><row r="41"><c r="B41"><v>3</v></c></row></sheetData><mergeCells count="2">'
                                    b'<mergeCell ref="A40:B41"/><mergeCell ref="B40:B41"/></mergeCells>'),
    "a cell written twice": (b"</sheetData>", b'<row r="50"><c r="A50"><v>1</v></c><c r="A50"/><c r="B50"/>'
                             b'<c r="B50"><v>7</v></c></row></sheetData>'),
    "cells without references": (b"</sheetData>", b'<row><c><v>1</v></c><c t="b"><v>1</v></c><c t="e"><v>#REF!</v>'
                                 b'</c><c t="str"><v>s</v></c><c t="d"><v>2024-01-01T00:00:00</v></c></row></sheetData>'),
    "row attributes": (b'<row r="1">', b'<row r="1" hidden="true" ht="20" customHeight="1">'),
    "shared and array formulas": (b"</sheetData>", b'<row r="60"><c r="A60"><f t="shared" ref="A60:C60" si="0">B1+1</f>'
                                  b'</c><c r="B60"><f t="shared" si="0"/></c><c r="C60"><f t="shared" si="0"/><v>4</v>'
                                  b'</c><c r="D60"><f t="array" ref="D60:D61">B1*2</f></c></row></sheetData>'),
}


@pytest.mark.parametrize("case", list(EDITS))
@pytest.mark.parametrize("epoch", [None, CALENDAR_MAC_1904], ids=["1900", "1904"])
def test_read_only_mode_reads_what_the_full_load_reads(case, epoch, tmp_path):
    path = tmp_path / "book.xlsx"
    _book(epoch).save(path)
    if EDITS[case] is not None:
        _edit(path, SHEET, *EDITS[case])
    fast, full = _both(path)
    assert fast is not None
    _same(fast, full)
    assert [s.state for s in fast] == ["visible", "hidden", "veryHidden"]


def test_a_sheet_with_hyperlinks_or_comments_goes_to_the_full_load(tmp_path):
    for name, edit in (("link", lambda s: setattr(s["A31"], "hyperlink", "http://example.org")),
                       ("comment", lambda s: setattr(s["A30"], "comment", Comment("备注", "某人")))):
        book = _book()
        edit(book.active)
        book.save(tmp_path / f"{name}.xlsx")
        fast, full = _both(tmp_path / f"{name}.xlsx")
        assert fast is None and full


@pytest.mark.parametrize("old, new", [
    (b'<c r="B1" t="n">', b'<c r="B1" s="999" t="n">'),  # a style that does not exist
    (b'<mergeCell ref="A5:C6"/>', b'<mergeCell ref="C6:A5"/>'),  # a merged range written backwards
    (b'<row r="3">', b'<row r="3" ht="abc">'),  # a row height that is not a number
])
def test_what_the_full_load_refuses_read_only_mode_refuses(old, new, tmp_path):
    path = tmp_path / "book.xlsx"
    _book().save(path)
    _edit(path, SHEET, old, new)
    load = functools.partial(xlsxfile._load_workbook, path)  # noqa: SLF001
    with pytest.raises(Exception) as full:
        read_full(load, False)
    with pytest.raises(Exception) as fast:
        read_fast(load, False)
    assert type(fast.value) is type(full.value)
    with pytest.raises(xlsxfile._Unusable) as refused:  # noqa: SLF001
        xlsxfile.load_guarded(path)
    assert type(full.value).__name__ in refused.value.message


def test_read_only_mode_closes_the_file(tmp_path):
    path = tmp_path / "book.xlsx"
    _book().save(path)
    opened = []

    def load(**kwargs):
        opened.append(xlsxfile._load_workbook(path, **kwargs))  # noqa: SLF001
        return opened[-1]

    assert read_fast(load, False) is not None
    assert opened[0].archive.fp is None  # closed: Windows can move or delete the file
