"""Reading an .xlsx workbook: the zip-bomb and size guards, hidden sheets, merged and formula cells (SPEC 4).

A workbook is checked from its zip directory and streamed XML before openpyxl loads anything
(:func:`_scan_xlsx`); its sheets are then read as plain cells (:mod:`landassess.intake.xlsxsheets`:
openpyxl's read-only mode, or its full load for what read-only mode does not reproduce), and the
first visible sheet is read as the user sees it: merged cells take their top-left value, formula
cells their saved value.
"""

from __future__ import annotations

import functools
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landassess.intake import values as v
from landassess.intake.files import (
    MAX_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    OLE_MAGIC,
    XLSX_EXPECTED,
    ZIP_MAGIC,
    Sheet,
    SheetNote,
    _Unusable,
    column_letter,
)
from landassess.intake.xlsxsheets import GuardedSheet, open_read_only, read_fast, read_full

MAX_XLSX_ENTRIES = 1_000
"""An .xlsx holds a dozen parts; more is not a spreadsheet someone typed (or a zip bomb)."""
MAX_XLSX_PART_BYTES = 160 * 1024 * 1024
"""Uncompressed size of one sheet or shared-string part (1.5 million cells take about 75 MB)."""
MAX_XLSX_OTHER_PART_BYTES = 32 * 1024 * 1024
"""Uncompressed size of any other part (styles, drawings, images, document properties)."""
MAX_XLSX_TOTAL_BYTES = 320 * 1024 * 1024
MAX_XLSX_RATIO = 200
"""A part over 1 MB that unpacks to more than this many times its packed size is a zip bomb."""
MAX_XLSX_CELLS = 1_500_000
"""Cells (``<c>``), rows and shared strings of all sheets: openpyxl needs about 450 bytes a cell."""
_XML_TAGS = re.compile(rb"<(?:[\w.-]+:)?(c|row|si|f|mergeCell)[\s/>]|<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\s[^>]*?ref=\"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\"")
_CELL_BODY = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL)
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")
_SAVED_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>[^<]")
_BOMB_EXPECTED = "正常的 Excel 工作簿（请在 Excel 中打开后另存为新的 .xlsx，或另存为 CSV）"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


@dataclass
class _XlsxScan:
    """What a workbook holds, counted from its zip directory and XML before anything is loaded."""

    cells: int = 0
    rows: int = 0
    strings: int = 0
    merged: int = 0
    formulas: bool = False


def _scan_xlsx(path: Path) -> _XlsxScan:
    """Refuse a workbook that would take more than seconds or a few hundred MB to load.

    Sizes come from the zip directory (``ZipInfo.file_size``, the packing ratio); sheet parts are
    then streamed and their cells, rows, shared strings and merged areas counted (openpyxl makes
    one object for every cell of a merged range). XML with a DTD (entity expansion) is refused.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise _Unusable(f"Excel 工作簿已损坏，无法打开（{type(error).__name__}）", XLSX_EXPECTED,
                        reason="file.damaged") from error
    scan = _XlsxScan()
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_ENTRIES:
            raise _Unusable(f"工作簿内含 {len(infos):,} 个部件（正常的工作簿只有几十个），不像是 Excel 保存的表格",
                            _BOMB_EXPECTED, reason="file.too_large")
        total = 0
        for info in infos:
            name = info.filename
            is_data = name.startswith("xl/worksheets/") or name.endswith("sharedStrings.xml")
            limit = MAX_XLSX_PART_BYTES if is_data else MAX_XLSX_OTHER_PART_BYTES
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limit or (info.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO):
                raise _Unusable(f"工作簿部件“{name}”解压后有 {info.file_size:,} 字节（压缩后 {info.compress_size:,} 字节），"
                                f"异常巨大（上限 {limit:,} 字节、压缩比 {MAX_XLSX_RATIO} 倍），已拒绝读取以免耗尽内存",
                                _BOMB_EXPECTED, reason="file.too_large")
            total += info.file_size
        if total > MAX_XLSX_TOTAL_BYTES:
            raise _Unusable(f"工作簿解压后共 {total:,} 字节，异常巨大（上限 {MAX_XLSX_TOTAL_BYTES:,} 字节），已拒绝读取",
                            _BOMB_EXPECTED, reason="file.too_large")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                _scan_part(archive, info, scan)
    return scan


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, scan: _XlsxScan) -> None:
    is_sheet = info.filename.startswith("xl/worksheets/")
    try:
        handle = archive.open(info)
    except (NotImplementedError, RuntimeError, zipfile.BadZipFile, ValueError, OSError) as error:
        raise _Unusable(f"Excel 工作簿已损坏或已加密，部件“{info.filename}”无法读取（{type(error).__name__}）",
                        XLSX_EXPECTED, reason="file.damaged") from error
    carry = b""
    read = 0
    try:
        with handle:
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size + 1024:
                    raise _Unusable(f"工作簿部件“{info.filename}”解压后比目录中记录的更大，文件已损坏", XLSX_EXPECTED,
                                    reason="file.damaged")
                data = carry + chunk
                cut = data.rfind(b">") + 1
                data, carry = data[:cut], data[cut:][-4096:]
                _count_tags(data, info.filename, is_sheet, scan)
            _count_tags(carry, info.filename, is_sheet, scan)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, zlib.error) as error:
        raise _Unusable(f"Excel 工作簿已损坏，部件“{info.filename}”无法解压（{type(error).__name__}）",
                        XLSX_EXPECTED, reason="file.damaged") from error


def _count_tags(data: bytes, part: str, is_sheet: bool, scan: _XlsxScan) -> None:
    for match in _XML_TAGS.finditer(data):
        tag = match.group(1)
        if tag is None:
            raise _Unusable(f"工作簿部件“{part}”含有 XML 文档类型定义（<!DOCTYPE/<!ENTITY>），Excel 从不写入，已拒绝读取",
                            _BOMB_EXPECTED, reason="file.xml_dtd")
        if not is_sheet:
            scan.strings += tag == b"si"
            continue
        if tag == b"c":
            scan.cells += 1
        elif tag == b"row":
            scan.rows += 1
        elif tag == b"f":
            scan.formulas = True
    if is_sheet and b"mergeCell" in data:
        for ref in _MERGE_REF.finditer(data):
            if ref.group(3) is None:
                continue
            rows = abs(int(ref.group(4)) - int(ref.group(2))) + 1
            columns = abs(_column_number(ref.group(3)) - _column_number(ref.group(1))) + 1
            scan.merged += rows * columns
    for what, count in (("单元格", scan.cells), ("行", scan.rows), ("共享文本", scan.strings),
                        ("合并单元格覆盖的单元格", scan.merged)):
        if count > MAX_XLSX_CELLS:
            raise _Unusable(f"工作簿的{what}超过 {MAX_XLSX_CELLS:,} 个（部件“{part}”），范围异常巨大（如远处的单元格、"
                            "整行整列的合并），已拒绝读取以免耗尽内存",
                            f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列的表格（删除远处的单元格或合并区域）",
                            reason="file.too_large")


def _load_workbook(path: Path, *, data_only: bool, read_only: bool = False) -> Any:
    """The full load of openpyxl, or its reader in read-only mode.

    The one place openpyxl opens a workbook: tests make it fail to prove that a refusal came first.
    """
    import openpyxl

    if read_only:
        return open_read_only(path, data_only=data_only)
    return openpyxl.load_workbook(path, data_only=data_only)


_SHEET_STATES = {"hidden": "隐藏", "veryHidden": "深度隐藏（veryHidden：在 Excel 中无法直接取消隐藏）"}


@dataclass
class GuardedWorkbook:
    """A workbook that passed the guards: its worksheets, in workbook order, as plain cells."""

    sheets: list[GuardedSheet]


def load_guarded(path: Path) -> GuardedWorkbook:
    """The one guarded door for every .xlsx landassess reads: the year's tables and the returned workbooks.

    Checks the file's first bytes (empty, an old .xls or encrypted workbook, not a zip), then its
    zip directory and streamed XML (:func:`_scan_xlsx`: part sizes, packing ratio, cells, rows,
    shared strings, merged areas, DTDs), before openpyxl loads anything. Raises ``_Unusable``
    with a Chinese message and a reason code.
    """
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as error:
        raise _Unusable(f"文件无法读取（{type(error).__name__}）", XLSX_EXPECTED, reason="file.unreadable") from error
    if not magic:
        raise _Unusable("文件为空（0 字节）", XLSX_EXPECTED, reason="file.empty")
    if magic.startswith(OLE_MAGIC):
        raise _Unusable("文件是旧版 Excel 工作簿（.xls）或设置了打开密码的工作簿，无法读取；请另存为不加密的 .xlsx",
                        XLSX_EXPECTED, reason="file.wrong_format")
    if not magic.startswith(ZIP_MAGIC):
        raise _Unusable("文件不是有效的 .xlsx 工作簿（已损坏，或是改了扩展名的其他文件）", XLSX_EXPECTED,
                        reason="file.wrong_format")
    scan = _scan_xlsx(path)
    load = functools.partial(_load_workbook, path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported extensions, missing default styles
        try:
            # The formulas are parsed (a second pass) only when a formula cell has no saved value: the
            # only formulas the readers report; Excel and WPS save a value with every formula they compute.
            with_formulas = scan.formulas and _formula_without_value(path)
            try:
                sheets = read_fast(load, with_formulas)
            except Exception:  # noqa: BLE001 - the full load below says what is wrong with the file
                sheets = None
            if sheets is None:  # what read-only mode does not reproduce, or could not read: the full load
                sheets = read_full(load, with_formulas)
        except Exception as error:  # noqa: BLE001 - any failure of the parser means a damaged file
            raise _Unusable(f"Excel 工作簿已损坏，无法打开（{type(error).__name__}）", XLSX_EXPECTED,
                            reason="file.damaged") from error
    return GuardedWorkbook(sheets)


def _formula_without_value(path: Path) -> bool:
    """Whether a sheet of the (already guarded) workbook holds a formula cell with no saved value, or an empty one."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.lower().endswith(".xml"):
                continue
            for cell in _CELL_BODY.finditer(archive.read(info)):
                body = cell.group(1)
                if body and _FORMULA_TAG.search(body) and not _SAVED_VALUE.search(body):
                    return True
    return False


def read_xlsx(path: Path) -> Sheet:
    worksheets = load_guarded(path).sheets
    if not worksheets:
        raise _Unusable("工作簿中没有工作表", XLSX_EXPECTED, reason="sheet.none")
    # The first sheet is read; a hidden first sheet is one the user does not see when opening
    # the file: the first visible sheet is read instead, with a notice naming the hidden one.
    states = [s.state for s in worksheets]
    index = next((i for i, state in enumerate(states) if state == "visible"), None)
    if index is None:
        names = "、".join(f"“{s.title}”" for s in worksheets)
        raise _Unusable(f"工作簿的所有工作表（{names}）都被隐藏，看不到任何数据", "数据放在第一个可见的工作表中",
                        reason="sheet.all_hidden")
    notes = []
    if index > 0:
        hidden = "、".join(f"“{s.title}”（{_SHEET_STATES.get(states[i], states[i])}）"
                          for i, s in enumerate(worksheets[:index]))
        notes.append(SheetNote(f"工作簿前面的工作表 {hidden} 被隐藏，打开文件时看不到；已改为读取第一个可见的工作表"
                      f"“{worksheets[index].title}”，隐藏的工作表未读取",
                      "数据放在第一个工作表中，且不隐藏工作表", reason="layout.hidden_sheet"))
    sheet = worksheets[index]
    values = dict(sheet.values)
    for key, text in sheet.formulas.items():
        if values.get(key) is None:
            values[key] = v.FormulaCell(text)
    n_rows = max((r for r, _ in values), default=0)
    n_columns = max((c for _, c in values), default=0)
    if n_rows > MAX_SHEET_ROWS or n_columns > MAX_SHEET_COLUMNS or n_rows * n_columns > MAX_CELLS:
        far_row, far_column = max(values, key=lambda rc: rc[0] * rc[1]) if n_rows * n_columns > MAX_CELLS else \
            next((r, c) for r, c in values if r > MAX_SHEET_ROWS or c > MAX_SHEET_COLUMNS)
        raise _Unusable(f"工作表“{sheet.title}”的范围过大（{n_rows} 行、{n_columns} 列；"
                        f"如单元格 {column_letter(far_column - 1)}{far_row} 有内容）",
                        f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列、共 {MAX_CELLS:,} 个单元格的表格（删除远处的单元格）",
                        reason="file.too_large")
    for min_col, min_row, max_col, max_row in sheet.merged:  # every cell of a merged range shows its top-left value
        anchor = values.get((min_row, min_col))
        for row in range(min_row, min(max_row, n_rows) + 1):
            for column in range(min_col, min(max_col, n_columns) + 1):
                if anchor is not None:
                    values[(row, column)] = anchor
    cells = [[None] * n_columns for _ in range(n_rows)]
    for (row, column), value in values.items():
        cells[row - 1][column - 1] = value
    hidden_columns = {number - 1 for number in sheet.hidden_column_numbers(n_columns)}  # Sheet counts from 0
    return Sheet(cells, sheet.title, hidden_columns, set(sheet.hidden_rows),
                  [s.title for i, s in enumerate(worksheets) if i != index], notes=notes)
