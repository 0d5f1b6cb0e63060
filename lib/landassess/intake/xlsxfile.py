"""Reading an .xlsx workbook: the zip-bomb and size guards, hidden sheets, merged and formula cells (SPEC 4).

A workbook is checked from its zip directory and streamed XML before openpyxl loads anything
(:func:`_scan_xlsx`); then the first visible sheet is read as the user sees it: merged cells
take their top-left value, formula cells their saved value.
"""

from __future__ import annotations

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


def _formula_text(value: Any) -> str | None:
    """The formula of a cell loaded with ``data_only=False``, or None for a plain value."""
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    text = getattr(value, "text", None)  # ArrayFormula, DataTableFormula
    return str(text) if text is not None and not isinstance(value, str) else None


def _load_workbook(path: Path, *, data_only: bool) -> Any:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unsupported extensions, missing default styles
        return openpyxl.load_workbook(path, data_only=data_only)


_SHEET_STATES = {"hidden": "隐藏", "veryHidden": "深度隐藏（veryHidden：在 Excel 中无法直接取消隐藏）"}


@dataclass
class GuardedWorkbook:
    """A workbook that passed the guards: its saved values and, when it has formulas, the formulas."""

    values: Any  # openpyxl workbook loaded with data_only=True
    formulas: Any | None  # the same loaded with data_only=False, or None when no cell has a formula


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
    try:
        workbook = _load_workbook(path, data_only=True)
        # The formulas are loaded (a second parse) only when a formula cell has no saved value: the
        # only formulas the readers report; Excel and WPS save a value with every formula they compute.
        formulas = _load_workbook(path, data_only=False) if scan.formulas and _formula_without_value(path) else None
    except Exception as error:  # noqa: BLE001 - any failure of the parser means a damaged file
        raise _Unusable(f"Excel 工作簿已损坏，无法打开（{type(error).__name__}）", XLSX_EXPECTED,
                        reason="file.damaged") from error
    return GuardedWorkbook(workbook, formulas)


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


def formula_text(value: Any) -> str | None:
    """The formula of a cell loaded with ``data_only=False``, or None for a plain value."""
    return _formula_text(value)


def read_xlsx(path: Path) -> Sheet:
    guarded = load_guarded(path)
    workbook = guarded.values
    if not workbook.worksheets:
        raise _Unusable("工作簿中没有工作表", XLSX_EXPECTED, reason="sheet.none")
    # The first sheet is read; a hidden first sheet is one the user does not see when opening
    # the file: the first visible sheet is read instead, with a notice naming the hidden one.
    states = [getattr(s, "sheet_state", "visible") for s in workbook.worksheets]
    index = next((i for i, state in enumerate(states) if state == "visible"), None)
    if index is None:
        names = "、".join(f"“{s.title}”" for s in workbook.worksheets)
        raise _Unusable(f"工作簿的所有工作表（{names}）都被隐藏，看不到任何数据", "数据放在第一个可见的工作表中",
                        reason="sheet.all_hidden")
    notes = []
    if index > 0:
        hidden = "、".join(f"“{s.title}”（{_SHEET_STATES.get(states[i], states[i])}）"
                          for i, s in enumerate(workbook.worksheets[:index]))
        notes.append(SheetNote(f"工作簿前面的工作表 {hidden} 被隐藏，打开文件时看不到；已改为读取第一个可见的工作表"
                      f"“{workbook.worksheets[index].title}”，隐藏的工作表未读取",
                      "数据放在第一个工作表中，且不隐藏工作表", reason="layout.hidden_sheet"))
    sheet = workbook.worksheets[index]
    values = {key: cell.value for key, cell in sheet._cells.items()  # noqa: SLF001 - sparse cells
              if cell.value is not None}
    formulas = guarded.formulas.worksheets[index] if guarded.formulas is not None else None
    if formulas is not None:
        for key, cell in formulas._cells.items():  # noqa: SLF001
            text = _formula_text(cell.value)
            if text is not None and values.get(key) is None:
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
    for merged in sheet.merged_cells.ranges:  # every cell of a merged range shows its top-left value
        min_col, min_row, max_col, max_row = merged.bounds
        anchor = values.get((min_row, min_col))
        for row in range(min_row, min(max_row, n_rows) + 1):
            for column in range(min_col, min(max_col, n_columns) + 1):
                if anchor is not None:
                    values[(row, column)] = anchor
    cells = [[None] * n_columns for _ in range(n_rows)]
    for (row, column), value in values.items():
        cells[row - 1][column - 1] = value
    hidden_columns = {
        position - 1
        for dimension in sheet.column_dimensions.values() if dimension.hidden
        for position in range(dimension.min or 1, min(dimension.max or dimension.min or 1, n_columns) + 1)
    }
    hidden_rows = {index for index, dimension in sheet.row_dimensions.items() if dimension.hidden}
    return Sheet(cells, sheet.title, hidden_columns, hidden_rows,
                  [s.title for i, s in enumerate(workbook.worksheets) if i != index], notes=notes)
