"""Intake: read a year's input tables, parse every cell, collect every problem (SPEC 4).

A year's folder holds one file per table, ``<name>.csv`` (UTF-8, UTF-8 with BOM or GBK/GB18030,
detected) or ``<name>.xlsx`` (first sheet). Headers may be English names or Chinese labels.
Nothing stops at the first problem: every cell that cannot be read becomes a :class:`Problem`
and the row is kept with ``is_valid = False``. Only year-level problems (a missing required
table, an unreadable file, a missing required column, a required table without rows) raise
:class:`InputError`.

What people do to spreadsheets, and what intake makes of it (docs/input_problems.md):

- Title rows above the header, and headers over two or three rows (merged group cells such as
  “自报数据” above “违法占用耕地面积”): the header is the block of rows, among the first ten
  non-blank ones, that names the most known columns. Rows above it are titles (a notice).
- Merged cells in an .xlsx file take the value of their top-left cell, as the user sees them.
- Blank rows (also rows of spaces or empty cells) carry nothing and are skipped; row numbers
  stay those the user sees (CSV: record 1 is the header line; .xlsx: the sheet row number).
- Formula cells are read through their saved (cached) value; a formula saved without a value
  (files written by programs) is a located problem: the value cannot be read.
- Hidden rows and columns are read like the others, with a notice.
- Unknown columns are ignored with a notice; so are cells outside the header's columns. In a
  CSV, a row with more cells than the header (shifted by an unquoted comma) and a row whose
  stray ``"`` would swallow the lines below it are read, flagged, and an error on their county.
- A hidden first sheet is passed over for the first visible one, with a notice. Workbooks are
  checked for absurd sizes (zip bombs, far cells, huge merged ranges) before they are loaded.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import gc
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landassess.clock import china_today
from landassess.divisions import Divisions
from landassess.intake import values as v
from landassess.params import Params
from landassess.paths import sha256_file
from landassess.problems import InputError, Problem
from landassess.vocabulary import (
    BONUS_KINDS,
    DECISIONS,
    ERROR,
    EVENT_VETO_TYPES,
    FATAL,
    NOTICE,
    TABLE_ZH,
)

_VETO_TYPE_WORDS = {
    **{k: k for k in EVENT_VETO_TYPES},
    **{zh: k for k, zh in EVENT_VETO_TYPES.items()},
    "媒体曝光": "media_exposure", "主流媒体披露": "media_exposure", "领导批示": "media_exposure",
    "部挂牌督办": "mnr_supervised_case", "自然资源部挂牌督办": "mnr_supervised_case",
    "专项行动": "special_action_incomplete", "专项行动未按时完成": "special_action_incomplete",
    "执法重点管理县": "key_management_county",
    "约谈": "interview_or_accountability", "问责": "interview_or_accountability",
}
_BONUS_KIND_WORDS = {
    **{k: k for k in BONUS_KINDS}, **{zh: k for k, zh in BONUS_KINDS.items()},
    "表扬": "commendation", "典型经验推广": "typical_experience",
}
_DECISION_WORDS = {**{k: k for k in DECISIONS}, **{zh: k for k, zh in DECISIONS.items()}}


@dataclass(frozen=True)
class Column:
    """One input column: English name, Chinese label, other accepted labels."""

    name: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One input table of SPEC 4.

    ``needs_rows``: a file with a header and no data rows makes the year meaningless (nobody
    declared, nobody was recommended, no land statistics, no scores). ``one_of``: at least one
    of these columns must be present (verification: at least one outcome).
    """

    name: str
    columns: tuple[Column, ...]
    optional: bool = False
    needs_rows: bool = False
    one_of: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        return TABLE_ZH[self.name]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_CODE = Column("code", "县级代码", True, ("代码", "区划代码", "行政区划代码", "县代码"))
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("declarations", (
        _CODE,
        Column("name", "名称", True, ("县（市、区）", "县(市、区)", "单位名称", "县名")),
        Column("city", "设区市", True, ("所属设区市", "市")),
        Column("declared_on", "申报日期", True),
        Column("self_illegal_cultivated_area", "自报违法占用耕地面积"),
        Column("self_construction_cultivated_area", "自报新增建设用地占用耕地面积"),
        Column("area_unit", "面积单位", False, ("单位",)),
        Column("contact", "联系人"),
        Column("phone", "联系电话", False, ("电话",)),
    ), needs_rows=True),
    TableSpec("recommendations", (
        Column("city", "设区市", True, ("推荐设区市", "市")),
        _CODE,
        Column("order", "推荐顺序", True, ("顺序", "序号")),
        Column("recommended_on", "推荐日期"),
    ), needs_rows=True),
    TableSpec("land_stats", (
        _CODE,
        Column("illegal_cultivated_area", "违法占用耕地面积", True),
        Column("construction_cultivated_area", "新增建设用地占用耕地面积", True,
               ("新增建设用地占用耕地总面积",)),
        Column("area_unit", "面积单位", False, ("单位",)),
        Column("source", "数据来源", False, ("来源",)),
    ), needs_rows=True),
    TableSpec("veto_events", (
        _CODE,
        Column("type", "类型", True, ("否决类型", "事项类型")),
        Column("date", "日期", True, ("发生日期", "时间")),
        Column("authority_level", "层级", True, ("级别",)),
        Column("verified", "是否查实", True, ("查实",)),
        Column("reference", "文号或出处", False, ("文号", "出处")),
        Column("description", "说明", False, ("描述", "备注")),
    )),
    TableSpec("bonus_events", (
        _CODE,
        Column("kind", "类别", True, ("类型",)),
        Column("level", "级别", True, ("层级",)),
        Column("document_no", "文号", True, ("文件文号",)),
        Column("date", "日期", True, ("发文日期",)),
        Column("title", "标题", False, ("文件标题", "名称")),
    )),
    TableSpec("scores", (
        Column("evaluator", "评委", True, ("评估人员", "评分人")),
        _CODE,
        Column("criterion", "指标", False, ("指标编号",)),
        Column("score", "得分", False, ("分数", "评分")),
    ), needs_rows=True),
    TableSpec("verification", (
        _CODE,
        Column("check_passed", "查验通过", False, ("实地查验通过",)),
        Column("objection_upheld", "异议成立"),
        Column("disqualified_reason", "取消资格原因", False, ("其他取消资格原因",)),
    ), optional=True, one_of=("check_passed", "objection_upheld", "disqualified_reason")),
    TableSpec("decisions", (
        _CODE,
        Column("decision", "决定", True, ("评审决定",)),
        Column("reason", "理由", True, ("原因",)),
        Column("decided_by", "决定人", False, ("决定机构",)),
        Column("decided_on", "日期", False, ("决定日期",)),
    ), optional=True),
)}
TABLE_ORDER = list(TABLES)
HEADER_SEARCH_ROWS = 10
"""The header is looked for among the first this many non-blank rows (title rows come first)."""
HEADER_MAX_DEPTH = 3
"""A header may span this many rows (group cells above column labels)."""
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 200_000, 1_000
"""Larger sheets are refused: no input table comes near (95 counties × 13 criteria × evaluators)."""


@dataclass
class RawTable:
    """A table as read from its file: header labels and rows of raw cell values."""

    file: Path
    sheet: str
    header: list[str]  # label per column position, as shown to the user
    header_row: int  # row number of the (last) header row as the user sees it
    frame: pd.DataFrame  # one column per header position (0, 1, …), object dtype
    rows: pd.Series  # row number as the user sees it, aligned with ``frame``
    mapping: dict[int, str] = field(default_factory=dict)  # position → column name
    header_keys: list[list[str]] = field(default_factory=list)  # label keys tried per position
    notices: list[Problem] = field(default_factory=list)  # title rows, unknown columns, …
    row_flags: dict[int, _RowFlag] = field(default_factory=dict)  # body index → why it is unreliable


@dataclass
class YearInputs:
    """A year's parsed tables, its problems and the files they came from."""

    year: int
    folder: Path
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: dict[str, Path] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)
    is_demo: bool = False
    demo_label: str = ""

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


# ----------------------------------------------------------------------------- reading files


def _fatal(table: str, message: str, file: Path | None = None, expected: str = "") -> Problem:
    return Problem(FATAL, table, message, file=str(file.name) if file else "", expected=expected)


class _Unusable(Exception):
    """A file that cannot be used at all: becomes one fatal problem naming the file."""

    def __init__(self, message: str, expected: str = ""):
        super().__init__(message)
        self.message = message
        self.expected = expected


_SUFFIXES = (".csv", ".xlsx", ".CSV", ".XLSX")
_OTHER_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".txt", ".tsv", ".numbers", ".wps")


def find_table_file(folder: Path, spec: TableSpec) -> Path | list[Path] | None:
    """The table's file: ``<name>.csv``/``.xlsx`` or the Chinese name; a list when ambiguous."""
    candidates = [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh) for suffix in _SUFFIXES]
    found = list(dict.fromkeys(p for p in candidates if p.is_file()))
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def _unsupported_files(folder: Path, spec: TableSpec) -> list[Path]:
    """Files named like the table but in a format intake does not read (.xls, .ods, …)."""
    return [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh)
            for suffix in (*_OTHER_SUFFIXES, *(s.upper() for s in _OTHER_SUFFIXES))
            if (folder / f"{stem}{suffix}").is_file()]


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
CSV_EXPECTED = "UTF-8、带BOM的UTF-8、GBK 或 GB18030 编码的 CSV 文本文件"
XLSX_EXPECTED = "可用 Excel 打开的 .xlsx 工作簿（数据在第一个工作表）"
_SAVE_AS = "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或 .xlsx 工作簿"


def _gb2312_class(char: str) -> str:
    """``common``, ``rare`` (GB2312 level 2) or ``odd`` (not GB2312, or kana/Greek/box symbols)."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return "odd"
    if len(encoded) != 2 or 0xA4 <= encoded[0] <= 0xA9:
        return "odd"
    return "rare" if encoded[0] >= 0xD8 else "common"


def looks_garbled(text: str) -> bool:
    """Is ``text`` (read as GBK) mojibake, e.g. Big5 or UTF-8 bytes read with the wrong code page?

    Chinese written in GBK is mostly made of the 3755 common characters of GB2312 level 1;
    other encodings read as GBK give kana, Cyrillic, box-drawing and rare characters instead.
    """
    classes = [_gb2312_class(c) for c in text if ord(c) > 0x7F and not c.isspace()]
    if len(classes) < 3:
        return False
    odd, rare = classes.count("odd"), classes.count("rare")
    return odd / len(classes) >= 0.25 or (odd + rare) / len(classes) >= 0.6


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else GBK/GB18030 when it reads as Chinese.

    Raises ``_Unusable`` with a Chinese explanation otherwise (UTF-16, Big5, binary, mixed).
    """
    if data.startswith(_ZIP_MAGIC):
        raise _Unusable("文件实际是 Excel 工作簿（.xlsx 格式），扩展名却是 .csv；请把扩展名改为 .xlsx", CSV_EXPECTED)
    if data.startswith(_OLE_MAGIC):
        raise _Unusable("文件实际是旧版 Excel 工作簿（.xls）或加密的工作簿，不是 CSV 文本；" + _SAVE_AS,
                        CSV_EXPECTED)
    head = data[:4000]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
            (len(head) >= 4 and head.count(0) >= len(head) // 4):
        raise _Unusable("文件是 UTF-16 编码（如 Excel 的“Unicode 文本”），不支持；" + _SAVE_AS, CSV_EXPECTED)
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise _Unusable(f"文件第 {line} 行含有二进制内容（空字节），不是文本格式的 CSV", CSV_EXPECTED)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and not looks_garbled(text):
        return text, "gb18030"
    try:
        big5 = data.decode("big5")
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None:
        raise _Unusable("文件似乎是 Big5（繁体中文）编码，不支持；" + _SAVE_AS, CSV_EXPECTED)
    start = utf8_error.start
    if start > 0 and any(b > 0x7F for b in data[:start]):
        line = data[:start].count(b"\n") + 1
        raise _Unusable(f"文件按 UTF-8 读取时第 {line} 行有无法识别的字节（0x{data[start]:02X}），"
                        "按 GBK 读取则是乱码：文件可能混用了两种编码", CSV_EXPECTED)
    raise _Unusable("文件编码无法识别（不是 UTF-8、带BOM的UTF-8、GBK 或 GB18030），或不是文本文件", CSV_EXPECTED)


def _sniff_delimiter(text: str) -> str:
    """Comma, unless the first non-blank line has more tabs or semicolons (Excel variants)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": first.count(","), "\t": first.count("\t"), ";": first.count(";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class _Sheet:
    """Cell values of a file, ``cells[i]`` being row ``i + 1`` as the user sees it.

    ``cells`` is a list of rows or, from the fast CSV reader, already a DataFrame.
    ``row_flags``: rows that were read but cannot be trusted (a CSV quote that did not close),
    by 0-based index; each becomes an error on the row's county. ``notes``: (message, expected)
    notices about the file as a whole (a hidden first sheet passed over).
    """

    cells: list[list[Any]] | pd.DataFrame
    name: str = ""
    hidden_columns: set[int] = field(default_factory=set)  # 0-based positions
    hidden_rows: set[int] = field(default_factory=set)  # row numbers as the user sees them
    other_sheets: list[str] = field(default_factory=list)
    row_flags: dict[int, _RowFlag] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _RowFlag:
    """Why a row that was read cannot be trusted: message, the cell's 0-based position, value."""

    message: str
    position: int | None
    value: Any
    expected: str


MAX_CSV_BYTES = 256 * 1024 * 1024
"""Larger CSV files are refused before reading (the largest benchmark score sheet is ~20 MB)."""
MAX_CELLS = 8_000_000
"""At most this many cells (rows × widest row) are read from one file: bounds time and memory."""
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTE_EXPECTED = "引号成对出现（删去多余的英文引号 \"，或在 Excel 中打开后另存为 CSV）"


def _read_csv(path: Path) -> _Sheet:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise _Unusable(f"文件过大（{size:,} 字节，上限 {MAX_CSV_BYTES:,} 字节），不像是一张评估表格", CSV_EXPECTED)
    text, _ = decode_csv_bytes(path.read_bytes())
    delimiter = _sniff_delimiter(text)
    _check_csv_extent(text, delimiter)
    if '"' not in text:  # nothing is quoted: no cell can swallow lines
        return _read_csv_fast(text, delimiter) or _Sheet(_csv_rows(text, delimiter))
    sheet = _read_csv_fast(text, delimiter)
    if sheet is not None and not _has_line_breaks(sheet.cells):
        return sheet
    return _read_csv_quoted(text, delimiter)


def _read_csv_fast(text: str, delimiter: str) -> _Sheet | None:
    """Read with pandas' C reader (fast on large score sheets, same cells as the csv module); None: ragged."""
    end = _PHYSICAL_LINE.match(text)
    width = (end.group().count(delimiter) if end else 0) + 1
    if _line_count(text) * width > MAX_CELLS:
        return None  # the C reader pads every row to the first line's width: read row by row
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, sep=delimiter, engine="c", quotechar='"')
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None  # ragged rows, an unclosed quote or an empty file: read row by row
    return _Sheet(frame.astype(object))


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise _Unusable(f"CSV 无法解析：{error}", CSV_EXPECTED) from error
    _check_rows_extent(rows)
    return rows


def _line_count(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def _check_csv_extent(text: str, delimiter: str) -> None:
    """Refuse, before parsing, a file with more cells than :data:`MAX_CELLS`."""
    lines = _line_count(text)
    separators = text.count(delimiter)
    if separators + lines > MAX_CELLS:
        raise _Unusable(f"文件过大：{lines:,} 行、{separators:,} 个分隔符，超过 {MAX_CELLS:,} 个单元格的上限",
                        f"不超过 {MAX_CELLS:,} 个单元格、{MAX_SHEET_COLUMNS} 列的表格（检查是否有一行含有大量分隔符）")


def _check_rows_extent(rows: list[list[Any]]) -> None:
    width = max(map(len, rows), default=0)
    if len(rows) * width > MAX_CELLS:
        raise _Unusable(f"文件过大：{len(rows):,} 行，最宽的一行有 {width:,} 个单元格（上限共 {MAX_CELLS:,} 个单元格）",
                        f"不超过 {MAX_SHEET_COLUMNS} 列的表格（检查是否有一行含有大量分隔符）")


def _has_line_breaks(frame: pd.DataFrame) -> bool:
    """Does any cell hold a line break (only a quoted cell can)?"""
    return any(frame[c].str.contains(r"[\r\n]", regex=True).any() for c in frame.columns)


def _read_csv_quoted(text: str, delimiter: str) -> _Sheet:
    """Records of a CSV with quoted cells, with no line lost to a quote that does not close.

    A quoted cell may hold line breaks (a note over two lines). But a stray ``"`` at the start of
    a cell opens a quote that runs on until the next ``"``, which may be many lines later: every
    line in between becomes part of that one cell and the rows they hold vanish. A cell whose
    further lines look like rows (as many separators as half a row, or a county code first) is
    such a swallowing quote: its line is read again on its own with the quote as plain text,
    reading resumes on the next line, and the row is flagged (an error on its county).
    """
    lines = _PHYSICAL_LINE.findall(text)
    top = [line for line in lines[:HEADER_SEARCH_ROWS * 2] if line.strip()]
    width = max((line.count(delimiter) for line in top), default=0) + 1
    threshold = max(1, (width - 1) // 2)
    code_first = re.compile(rf"\s*\"?'?\d{{6}}(?:\d{{6}})?\s*{re.escape(delimiter)}")
    rows: list[list[str]] = []
    flags: dict[int, _RowFlag] = {}
    start = 0
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter)
        consumed = 0
        resume = None
        try:
            for record in reader:
                first = start + consumed
                consumed = reader.line_num
                last = start + consumed - 1
                if last > first and _swallows(record, delimiter, threshold, code_first):
                    cells, position = split_line_literally(lines[first], delimiter)
                    count = last - first
                    where = f"第 {len(rows) + 1} 行" + (f"（文本第 {first + 1} 行）" if len(rows) != first else "")
                    message = (f"{where}的单元格以英文引号 \" 开头，引号没有配对，按 CSV 规则其后 {count} 行"
                               f"（文本第 {first + 2}–{last + 1} 行）都会并入这一个单元格而丢失；已把该引号当作普通字符、"
                               "其后各行照常读取，但该行的数据不可靠，请删去多余的引号后重新提交")
                    flags[len(rows)] = _RowFlag(message, position,
                                                cells[position] if position is not None else lines[first],
                                                _QUOTE_EXPECTED)
                    rows.append(cells)
                    resume = first + 1
                    break
                rows.append(record)
        except csv.Error as error:
            raise _Unusable(f"CSV 无法解析（文本第 {start + consumed + 1} 行附近）：{error}", CSV_EXPECTED) from error
        if resume is None:
            break
        start = resume
    _check_rows_extent(rows)
    return _Sheet(rows, row_flags=flags)


def _swallows(record: list[str], delimiter: str, threshold: int, code_first: re.Pattern[str]) -> bool:
    """Does a cell of ``record`` hold further lines that look like rows of the table?"""
    for value in record:
        if "\n" not in value and "\r" not in value:
            continue
        for part in _LINE_BREAK.split(value)[1:]:
            if part.count(delimiter) >= threshold or code_first.match(part):
                return True
    return False


def split_line_literally(line: str, delimiter: str) -> tuple[list[str], int | None]:
    """Cells of one physical line; a quote that does not close on the line is kept as text.

    Returns the cells and the position of the first cell whose opening quote does not close
    (None if every quote closes). Quoted cells that close are read as the csv module reads them.
    """
    line = line.rstrip("\r\n")
    cells: list[str] = []
    stray: int | None = None
    i, n = 0, len(line)
    while True:
        end = line.find(delimiter, i)
        if i < n and line[i] == '"':
            j, parts, closed = i + 1, [], False
            while j < n:
                if line[j] == '"':
                    if line.startswith('""', j):
                        parts.append('"')
                        j += 2
                        continue
                    closed = True
                    j += 1
                    break
                parts.append(line[j])
                j += 1
            if closed:
                end = line.find(delimiter, j)
                cells.append("".join(parts) + line[j:n if end < 0 else end])
            else:
                stray = len(cells) if stray is None else stray
                cells.append(line[i:n if end < 0 else end])
        else:
            cells.append(line[i:n if end < 0 else end])
        if end < 0:
            return cells, stray
        i = end + len(delimiter)


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
        raise _Unusable(f"Excel 工作簿已损坏，无法打开（{type(error).__name__}）", XLSX_EXPECTED) from error
    scan = _XlsxScan()
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_XLSX_ENTRIES:
            raise _Unusable(f"工作簿内含 {len(infos):,} 个部件（正常的工作簿只有几十个），不像是 Excel 保存的表格",
                            _BOMB_EXPECTED)
        total = 0
        for info in infos:
            name = info.filename
            is_data = name.startswith("xl/worksheets/") or name.endswith("sharedStrings.xml")
            limit = MAX_XLSX_PART_BYTES if is_data else MAX_XLSX_OTHER_PART_BYTES
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limit or (info.file_size > 1024 * 1024 and ratio > MAX_XLSX_RATIO):
                raise _Unusable(f"工作簿部件“{name}”解压后有 {info.file_size:,} 字节（压缩后 {info.compress_size:,} 字节），"
                                f"异常巨大（上限 {limit:,} 字节、压缩比 {MAX_XLSX_RATIO} 倍），已拒绝读取以免耗尽内存",
                                _BOMB_EXPECTED)
            total += info.file_size
        if total > MAX_XLSX_TOTAL_BYTES:
            raise _Unusable(f"工作簿解压后共 {total:,} 字节，异常巨大（上限 {MAX_XLSX_TOTAL_BYTES:,} 字节），已拒绝读取",
                            _BOMB_EXPECTED)
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
                        XLSX_EXPECTED) from error
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
                    raise _Unusable(f"工作簿部件“{info.filename}”解压后比目录中记录的更大，文件已损坏", XLSX_EXPECTED)
                data = carry + chunk
                cut = data.rfind(b">") + 1
                data, carry = data[:cut], data[cut:][-4096:]
                _count_tags(data, info.filename, is_sheet, scan)
            _count_tags(carry, info.filename, is_sheet, scan)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, zlib.error) as error:
        raise _Unusable(f"Excel 工作簿已损坏，部件“{info.filename}”无法解压（{type(error).__name__}）",
                        XLSX_EXPECTED) from error


def _count_tags(data: bytes, part: str, is_sheet: bool, scan: _XlsxScan) -> None:
    for match in _XML_TAGS.finditer(data):
        tag = match.group(1)
        if tag is None:
            raise _Unusable(f"工作簿部件“{part}”含有 XML 文档类型定义（<!DOCTYPE/<!ENTITY>），Excel 从不写入，已拒绝读取",
                            _BOMB_EXPECTED)
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
                            f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列的表格（删除远处的单元格或合并区域）")


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


def _read_xlsx(path: Path) -> _Sheet:
    with path.open("rb") as handle:
        magic = handle.read(8)
    if not magic:
        raise _Unusable("文件为空（0 字节）", XLSX_EXPECTED)
    if magic.startswith(_OLE_MAGIC):
        raise _Unusable("文件是旧版 Excel 工作簿（.xls）或设置了打开密码的工作簿，无法读取；请另存为不加密的 .xlsx",
                        XLSX_EXPECTED)
    if not magic.startswith(_ZIP_MAGIC):
        raise _Unusable("文件不是有效的 .xlsx 工作簿（已损坏，或是改了扩展名的其他文件）", XLSX_EXPECTED)
    scan = _scan_xlsx(path)
    try:
        workbook = _load_workbook(path, data_only=True)
    except Exception as error:  # noqa: BLE001 - any failure of the parser means a damaged file
        raise _Unusable(f"Excel 工作簿已损坏，无法打开（{type(error).__name__}）", XLSX_EXPECTED) from error
    if not workbook.worksheets:
        raise _Unusable("工作簿中没有工作表", XLSX_EXPECTED)
    # The first sheet is read; a hidden first sheet is one the user does not see when opening
    # the file: the first visible sheet is read instead, with a notice naming the hidden one.
    states = [getattr(s, "sheet_state", "visible") for s in workbook.worksheets]
    index = next((i for i, state in enumerate(states) if state == "visible"), None)
    if index is None:
        names = "、".join(f"“{s.title}”" for s in workbook.worksheets)
        raise _Unusable(f"工作簿的所有工作表（{names}）都被隐藏，看不到任何数据", "数据放在第一个可见的工作表中")
    notes = []
    if index > 0:
        hidden = "、".join(f"“{s.title}”（{_SHEET_STATES.get(states[i], states[i])}）"
                          for i, s in enumerate(workbook.worksheets[:index]))
        notes.append((f"工作簿前面的工作表 {hidden} 被隐藏，打开文件时看不到；已改为读取第一个可见的工作表"
                      f"“{workbook.worksheets[index].title}”，隐藏的工作表未读取",
                      "数据放在第一个工作表中，且不隐藏工作表"))
    sheet = workbook.worksheets[index]
    values = {key: cell.value for key, cell in sheet._cells.items()  # noqa: SLF001 - sparse cells
              if cell.value is not None}
    try:
        formulas = _load_workbook(path, data_only=False).worksheets[index] if scan.formulas else None
    except Exception as error:  # noqa: BLE001
        raise _Unusable(f"Excel 工作簿已损坏，无法读取公式（{type(error).__name__}）", XLSX_EXPECTED) from error
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
                        f"不超过 {MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列、共 {MAX_CELLS:,} 个单元格的表格（删除远处的单元格）")
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
    return _Sheet(cells, sheet.title, hidden_columns, hidden_rows,
                  [s.title for i, s in enumerate(workbook.worksheets) if i != index], notes=notes)


def _label_key(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).strip().lower()
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # 层级 (国家/省/市) → 层级
    return re.sub(r"[\s_\-*：:]", "", text)


def _column_lookup(spec: TableSpec) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for label in (column.name, column.zh, *column.aliases):
            lookup.setdefault(_label_key(label), column.name)
    return lookup


def map_header(spec: TableSpec, header: list[str]) -> dict[int, str]:
    """Header position → English column name, for the columns this table knows."""
    lookup = _column_lookup(spec)
    mapping: dict[int, str] = {}
    for position, label in enumerate(header):
        name = lookup.get(_label_key(label)) if label else None
        if name and name not in mapping.values():
            mapping[position] = name
    return mapping


@dataclass
class _Header:
    """A candidate header: rows ``start … start + depth - 1`` of the sheet."""

    start: int
    depth: int
    mapping: dict[int, str]
    labels: list[str]
    keys: list[list[str]]
    duplicates: list[tuple[int, str]]  # (position, column name already taken by another position)
    extra: set[int]  # positions the table reads beyond its named columns (wide scores: C01 …)


def _header_block(spec: TableSpec, rows: Sequence[Sequence[Any]], start: int,
                  extra_keys: Callable[[str], bool]) -> _Header:
    """Map a block of header rows to the table's columns.

    A column's label is its lowest label, the labels of the rows joined (“自报” +
    “违法占用耕地面积”), or a label higher up (a merged group cell).
    """
    lookup = _column_lookup(spec)
    texts = [["" if isinstance(cell, v.FormulaCell) else v.normalize_text(cell) or "" for cell in row]
             for row in rows]
    filled = []  # group labels carried to the right over the blank cells they span
    for row in texts[:-1]:
        carried, last = [], ""
        for label in row:
            last = label or last
            carried.append(last)
        filled.append(carried)
    mapping: dict[int, str] = {}
    labels: list[str] = []
    keys: list[list[str]] = []
    duplicates: list[tuple[int, str]] = []
    extra: set[int] = set()
    for position in range(len(texts[0])):
        own = [row[position] for row in texts]
        joined = "".join(dict.fromkeys(p for p in (*(row[position] for row in filled), own[-1]) if p))
        candidates = list(dict.fromkeys(c for c in (own[-1], joined, *reversed(own[:-1])) if c))
        position_keys = [_label_key(c) for c in candidates]
        keys.append(position_keys)
        label = "/".join(dict.fromkeys(c for c in own if c))
        for candidate, key in zip(candidates, position_keys, strict=True):
            name = lookup.get(key)
            if name is None:
                continue
            if name in mapping.values():
                duplicates.append((position, name))
            else:
                mapping[position] = name
                label = candidate
            break
        else:
            if any(extra_keys(key) for key in position_keys):
                extra.add(position)
        labels.append(label)
    return _Header(start, len(rows), mapping, labels, keys, duplicates, extra)


def _find_header(spec: TableSpec, cells: list[list[Any]],
                 extra_keys: Callable[[str], bool]) -> _Header | None:
    """The header block naming the most required, then known, columns (shallowest, first)."""
    nonblank = list(itertools.islice(
        (i for i, row in enumerate(cells) if any(not v.is_blank(c) for c in row)), HEADER_SEARCH_ROWS))
    best: tuple[tuple[int, ...], _Header] | None = None
    required = {c.name for c in spec.columns if c.required}
    for start in nonblank[:HEADER_SEARCH_ROWS]:
        previous = -1
        for depth in range(1, HEADER_MAX_DEPTH + 1):
            if start + depth > len(cells):
                break
            header = _header_block(spec, cells[start:start + depth], start, extra_keys)
            found = len(header.mapping) + len(header.extra)
            if depth > 1 and found <= previous:
                break  # a further row adds no column: it is data, not header
            previous = found
            score = (len(required & set(header.mapping.values())), found, -depth, -start)
            if best is None or score > best[0]:
                best = (score, header)
    return best[1] if best else None


def column_letter(position: int) -> str:
    """Excel column letter of a 0-based position (0 → A, 26 → AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_raw_table(path: Path, table: str, extra_keys: Callable[[str], bool] | None = None) -> RawTable:
    """Read a file into header and rows; raises InputError when the file cannot be used.

    ``extra_keys`` tells which other header labels the table reads (wide score sheets: C01 …).
    """
    spec = TABLES[table]
    extra_keys = extra_keys or (lambda key: False)
    is_xlsx = path.suffix.lower() == ".xlsx"
    try:
        sheet = _read_xlsx(path) if is_xlsx else _read_csv(path)
    except _Unusable as error:
        raise InputError([_fatal(table, f"{spec.zh}表文件无法读取：{error.message}", path, error.expected)]) \
            from error
    except OSError as error:
        raise InputError([_fatal(table, f"{spec.zh}表文件无法读取：{error.strerror or error}", path)]) from error
    all_cells = _blank_out(sheet.cells)
    where = f"工作表“{sheet.name}”" if is_xlsx else "文件"
    row_has = all_cells.notna().any(axis=1).to_numpy() if all_cells.shape[1] else np.zeros(len(all_cells), bool)
    nonblank = np.flatnonzero(row_has)
    if not len(nonblank):
        others = f"（工作簿中还有：{'、'.join(sheet.other_sheets)}；只读取第一个工作表）" if sheet.other_sheets else ""
        others += "".join(f"；{message}" for message, _ in sheet.notes)
        raise InputError([_fatal(table, f"{spec.zh}表{where}为空，没有表头{others}", path,
                                 "第一行为表头的表格" + ("（数据放在第一个工作表）" if is_xlsx else ""))])
    # The header is looked for among the first rows only; the body stays a DataFrame.
    head_end = int(nonblank[min(len(nonblank), HEADER_SEARCH_ROWS) - 1]) + HEADER_MAX_DEPTH + 1
    cells = all_cells.iloc[:head_end].to_numpy().tolist()
    header = _find_header(spec, cells, extra_keys)
    assert header is not None  # at least one non-blank row
    first_data = header.start + header.depth
    body = all_cells.iloc[first_data:][row_has[first_data:]]
    raw = RawTable(
        path, sheet.name, header.labels, first_data, body.reset_index(drop=True),
        pd.Series(body.index.to_numpy() + 1, dtype="int64"),
        mapping=header.mapping, header_keys=header.keys,
    )
    raw.notices = _layout_notices(spec, raw, sheet, cells, header)
    body_index = {int(r): i for i, r in enumerate(body.index)}
    raw.row_flags = {body_index[r]: flag for r, flag in sheet.row_flags.items() if r in body_index}
    for r, flag in sheet.row_flags.items():  # a stray quote in a title or header row
        if r not in body_index:
            raw.notices.append(Problem(NOTICE, table, flag.message, file=path.name, sheet=sheet.name, row=r + 1,
                                       value=v.display_value(flag.value), expected=flag.expected))
    if not is_xlsx:
        for i, flag in _wide_rows(raw, header).items():
            raw.row_flags.setdefault(i, flag)
    return raw


def _wide_rows(raw: RawTable, header: _Header) -> dict[int, _RowFlag]:
    """CSV rows with more cells than the header: shifted by a separator typed in a cell.

    An unquoted comma in a cell splits it in two and moves every later value one column to the
    right, into columns the rules read; the row cannot be trusted. When most rows have the extra
    cells, they are a column without a header instead (a notice, see ``_layout_notices``).
    """
    width = max((p for p, label in enumerate(raw.header) if label), default=-1) + 1
    extra = [c for c in raw.frame.columns if c >= width]
    if not extra or raw.frame.empty:
        return {}
    beyond = raw.frame[extra].notna()
    wide = np.flatnonzero(beyond.any(axis=1).to_numpy())
    if len(wide) == 0 or (len(wide) >= 3 and len(wide) * 2 >= len(raw.frame)):
        return {}
    flags = {}
    for i in wide:
        positions = [c for c in extra if beyond.iat[int(i), extra.index(c)]]
        last = positions[-1] + 1
        first = positions[0]
        flags[int(i)] = _RowFlag(
            f"该行有 {last} 个单元格，多于表头的 {width} 列（{column_letter(first)} 列起没有表头）：可能是某个单元格中"
            f"未加引号的逗号把该行拆开、使其后的值错位，该行各列的值不可靠",
            first, raw.frame.iat[int(i), raw.frame.columns.get_loc(first)],
            f"每行 {width} 个单元格，与表头一致（含逗号的内容请加英文引号，或改用中文逗号“，”）")
    return flags


def _blank_out(rows: list[list[Any]] | pd.DataFrame) -> pd.DataFrame:
    """The sheet as an object DataFrame (row i = the user's row i + 1), blank cells as None.

    Blankness is decided once per distinct value of a column (a score sheet repeats a few
    thousand values over hundreds of thousands of cells).
    """
    if isinstance(rows, pd.DataFrame):
        frame = rows
    else:
        width = max((len(r) for r in rows), default=0)
        rows = [list(r) + [None] * (width - len(r)) if len(r) < width else r for r in rows]
        frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
    frame.columns = range(frame.shape[1])
    for column in frame.columns:
        series = frame[column]
        blanks = [u for u in pd.unique(series) if u is None or v.is_blank(u)]
        if blanks:
            frame[column] = series.where(~series.isin(blanks), None)
    return frame


def _group_rows_above(cells: list[list[Any]], start: int) -> int:
    """How many rows directly above the header are group labels of a multi-row header.

    A title row holds one text (repeated over its merged cells); a group row holds several
    (“县级代码 | 面积 | 面积 | 面积单位”), so it belongs to the header, not above it.
    """
    count = 0
    while start - count - 1 >= 0:
        texts = {v.normalize_text(c) for c in cells[start - count - 1] if c is not None}
        if len(texts) < 2:
            break
        count += 1
    return min(count, HEADER_MAX_DEPTH - 1)


def _layout_notices(spec: TableSpec, raw: RawTable, sheet: _Sheet, cells: list[list[Any]],
                    header: _Header) -> list[Problem]:
    """Notices about the layout: title rows, unknown, repeated, hidden and header-less columns."""
    notices = []

    def notice(message: str, *, row: int | None = None, position: int | None = None,
               value: Any = None, expected: str = "") -> None:
        notices.append(Problem(
            NOTICE, spec.name, message, file=raw.file.name, sheet=raw.sheet, row=row,
            column=raw.header[position] if position is not None else "",
            cell=f"{column_letter(position)}{row}" if position is not None and row is not None else "",
            value=v.display_value(value), expected=expected))

    group_rows = _group_rows_above(cells, header.start)
    for index in range(header.start - group_rows):
        texts = list(dict.fromkeys(v.display_value(c, 60) for c in cells[index] if c is not None))
        if texts:
            notice("表头上方的行视为标题，未作为数据读取", row=index + 1, value=" ".join(texts),
                   expected="表头之上不放数据")
    header_rows = f"第 {header.start + 1} 行" if header.depth == 1 else \
        f"第 {header.start + 1}–{header.start + header.depth} 行"
    used = set(header.mapping)
    for position, label in enumerate(raw.header):
        column = raw.frame[position] if position in raw.frame.columns else pd.Series(dtype=object)
        has_data = bool(column.notna().any())
        if position in used:
            if position in sheet.hidden_columns:
                notice(f"列“{label}”在 Excel 中被隐藏，已照常读取", position=position, row=header.start + header.depth)
            continue
        if position in header.extra:
            if position in sheet.hidden_columns:
                notice(f"列“{label}”在 Excel 中被隐藏，已照常读取", position=position, row=header.start + header.depth)
            continue
        taken = next((name for p, name in header.duplicates if p == position), None)
        if taken is not None:
            first = next(p for p, name in header.mapping.items() if name == taken)
            notice(f"列“{label}”与列“{raw.header[first]}”（{column_letter(first)} 列）都表示“{spec.column(taken).zh}”，"
                   "只读取左边的一列", position=position, row=header.start + header.depth,
                   expected="每项内容只占一列")
        elif label:
            notice(f"未识别的列“{label}”，已忽略（不影响评估）", position=position, row=header.start + header.depth,
                   expected="表头：" + "、".join(c.zh for c in spec.columns))
        elif has_data:
            first_row = int(raw.rows.iloc[int(column.notna().to_numpy().argmax())])
            rows = raw.rows[column.notna().to_numpy()].tolist()
            notice(f"{column_letter(position)} 列没有表头（{header_rows}为空），其中 {len(rows)} 个单元格有内容，已忽略；"
                   "如果是未加引号的逗号使该行错位，请检查该行", row=first_row, position=position,
                   value=column.dropna().iloc[0], expected="数据只放在有表头的列")
    for row in sorted(set(raw.rows) & sheet.hidden_rows):
        notice("该行在 Excel 中被隐藏，已照常读取", row=row, expected="隐藏的行也会计入评估")
    for message, expected in sheet.notes:
        notice(message, expected=expected)
    return notices

# ----------------------------------------------------------------------------- parsing


@dataclass
class _Context:
    """What a table parser needs, and where its problems go."""

    spec: TableSpec
    raw: RawTable
    mapping: dict[int, str]
    problems: list[Problem]
    divisions: Divisions
    params: Params
    year: int
    today: dt.date = field(default_factory=china_today)

    @property
    def position(self) -> dict[str, int]:
        return {name: pos for pos, name in self.mapping.items()}

    def label(self, name: str) -> str:
        pos = self.position.get(name)
        return self.raw.header[pos] if pos is not None else name

    def add(self, severity: str, index: int, column: str, message: str, *, value: Any = None,
            expected: str = "", code: str = "", affects: bool | None = None) -> None:
        pos = self.position.get(column)
        row = int(self.raw.rows.iloc[index])
        self.problems.append(Problem(
            severity, self.spec.name, message,
            file=self.raw.file.name, sheet=self.raw.sheet, row=row,
            column=self.label(column) if column else "",
            cell=f"{column_letter(pos)}{row}" if pos is not None else "",
            value=v.display_value(value),
            expected=expected, code=code,
            affects_status=(severity == ERROR and bool(code)) if affects is None else affects,
        ))


def _parse_column(raw: pd.Series, parser: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
    """Apply ``parser`` once per distinct raw value; returns values and BadValue-or-None lists.

    Values are told apart by type as well (an Excel ``TRUE`` is not the number 1).
    """
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        # Text cells only (a CSV): no 1/True/1.0 collisions, so pandas' hash table can group them.
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        outcomes = []
        for item in [*uniques.tolist(), None]:  # the last slot serves blanks (code -1)
            try:
                outcomes.append((parser(item), None))
            except v.BadValue as error:
                outcomes.append((None, error))
        values = np.empty(len(outcomes), dtype=object)
        failures = np.empty(len(outcomes), dtype=object)
        for i, (value, failure) in enumerate(outcomes):  # element-wise: values may be tuples
            values[i] = value
            failures[i] = failure
        return values[codes].tolist(), failures[codes].tolist()
    cache: dict[tuple[type, Any], tuple[Any, v.BadValue | None]] = {}
    parsed: list[Any] = []
    errors: list[Any] = []
    for item in raw.tolist():
        key = (type(item), item)
        outcome = cache.get(key)
        if outcome is None:
            try:
                outcome = (parser(item), None)
            except v.BadValue as error:
                outcome = (None, error)
            cache[key] = outcome
        parsed.append(outcome[0])
        errors.append(outcome[1])
    return parsed, errors


def _cell(ctx: _Context, name: str) -> pd.Series:
    pos = ctx.position.get(name)
    if pos is None or pos not in ctx.raw.frame.columns:
        return pd.Series([None] * len(ctx.raw.frame), dtype=object)
    return ctx.raw.frame[pos]


def _parse_into(ctx: _Context, out: pd.DataFrame, name: str, parser: Callable[[Any], Any], *,
                required: bool, codes: pd.Series | None = None, target: str | None = None,
                affects: bool = True, invalidates: bool = True, severity: str = ERROR) -> None:
    """Parse column ``name`` into ``out[target or name]``, recording a problem per bad cell.

    ``invalidates``: a bad cell makes the row unusable (else only the value is missing);
    ``affects``: the problem makes the row's county ``incomplete``.
    """
    raw = _cell(ctx, name)
    values, errors = _parse_column(raw, parser)
    out[target or name] = pd.Series(values, index=out.index, dtype=object)
    blank = raw.isna().to_numpy()
    for i, error in enumerate(errors):
        if error is None:
            continue
        if blank[i] and not required:
            out.iat[i, out.columns.get_loc(target or name)] = None
            continue
        code = codes.iat[i] if codes is not None else ""
        ctx.add(severity, i, name, error.message or error.expected, value=raw.iat[i],
                expected=error.expected, code=code or "",
                affects=severity == ERROR and affects and bool(code))
        if invalidates and severity == ERROR:
            out.iat[i, out.columns.get_loc("is_valid")] = False


def _parse_notes(ctx: _Context, out: pd.DataFrame, names: Sequence[str], codes: pd.Series) -> None:
    """Free-text columns no rule uses (contact, source, title …): an unreadable cell is a notice."""
    for name in names:
        _parse_into(ctx, out, name, v.parse_text, required=False, codes=codes, severity=NOTICE)


def _parse_codes(ctx: _Context, out: pd.DataFrame) -> pd.Series:
    """Parse the county code column; unknown and development-zone codes are problems."""
    raw = _cell(ctx, "code")
    values, errors = _parse_column(raw, v.parse_code)
    known = set(ctx.divisions.codes)
    prefixes = ctx.divisions.city_prefixes()
    codes = pd.Series(values, index=out.index, dtype=object)
    is_bad = pd.Series([e is not None for e in errors], index=out.index) | ~codes.isin(known)
    valid_column = out.columns.get_loc("is_valid")
    for i in np.flatnonzero(is_bad.to_numpy()):  # only the bad rows are looked at one by one
        code, error = values[i], errors[i]
        if error is not None:
            ctx.add(ERROR, i, "code", error.message or error.expected, value=raw.iat[i],
                    expected=error.expected, affects=False)
        else:
            if code[:4] in prefixes and code[4] == "7":
                message = f"{code} 是开发区（功能区）代码，不是经国务院批准设立的县级行政区，不是评估对象（五）"
            else:
                message = f"{code} 不在县级行政区划名单中"
            ctx.add(ERROR, i, "code", message, value=raw.iat[i],
                    expected="名单中的县级行政区划代码", code=code, affects=False)
        out.iat[i, valid_column] = False
    out["code"] = codes.where(~is_bad, "")
    return out["code"]


def _base_frame(raw: RawTable) -> pd.DataFrame:
    return pd.DataFrame({
        "file": raw.file.name, "sheet": raw.sheet, "row": raw.rows.to_numpy(), "is_valid": True,
    }, index=raw.frame.index)


def _parse_city(ctx: _Context) -> Callable[[Any], str]:
    cities = set(ctx.divisions.cities)

    def parse(raw: Any) -> str:
        v.check_readable(raw)
        text = v.normalize_text(raw)
        if text is None:
            raise v.BadValue("设区市名称", "设区市为空")
        for name in (text, text + "市"):
            if name in cities:
                return name
        raise v.BadValue("设区市名称，如 南京市", f"“{v.display_value(text)}”不是本省设区市")
    return parse


def _check_not_future(ctx: _Context, out: pd.DataFrame, name: str, what: str, codes: pd.Series, *,
                      affects: bool, invalidates: bool) -> None:
    """A date after the day of the run has not happened yet: a typing error (docs/input_problems.md)."""
    for i, day in enumerate(out[name]):
        if day is None or day <= ctx.today:
            continue
        code = codes.iat[i]
        ctx.add(ERROR, i, name, f"{what}晚于今天（{ctx.today.isoformat()}），日期尚未到来", value=day.isoformat(),
                expected=f"不晚于 {ctx.today.isoformat()} 的日期", code=code,
                affects=affects and bool(code))
        if invalidates:
            out.iat[i, out.columns.get_loc("is_valid")] = False


def _check_areas(ctx: _Context, out: pd.DataFrame, names: list[str], *, required: bool) -> None:
    """Parse area columns and the unit; convert to 亩 exactly into ``<name>_mu``."""
    _parse_into(ctx, out, "area_unit", v.parse_unit, required=False, codes=out["code"])
    factor = ctx.params.vetoes.hectare_to_mu
    unit_cells = _cell(ctx, "area_unit")
    for name in names:
        _parse_into(ctx, out, name, v.parse_area, required=required, codes=out["code"],
                    target=f"_{name}")
        areas, units = [], []
        for i, (parsed, unit) in enumerate(zip(out[f"_{name}"], out["area_unit"], strict=True)):
            if parsed is None:
                areas.append(None)
                units.append(unit)
                continue
            value, cell_unit = parsed
            row_unit = unit if unit is not None else v.UNIT_MU
            if cell_unit is not None and unit is not None and not v.is_blank(unit_cells.iat[i]) \
                    and cell_unit != unit:
                ctx.add(ERROR, i, name, f"面积单元格写明“{cell_unit}”，与面积单位列“{unit}”不一致",
                        value=_cell(ctx, name).iat[i], expected="单位一致", code=out["code"].iat[i])
                out.iat[i, out.columns.get_loc("is_valid")] = False
                areas.append(None)
                units.append(unit)
                continue
            used_unit = cell_unit or row_unit
            areas.append(value * factor if used_unit == v.UNIT_HECTARE else value)
            units.append(used_unit)
        out[f"{name}_mu"] = pd.Series(areas, index=out.index, dtype=object)
        out[f"{name}_unit"] = units
        out[name] = pd.Series([p[0] if p is not None else None for p in out[f"_{name}"]],
                              index=out.index, dtype=object)
        del out[f"_{name}"]


def _parse_declarations(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    _parse_into(ctx, out, "name", _required_text("名称", canonical=True), required=True, codes=codes)
    _parse_into(ctx, out, "city", _parse_city(ctx), required=True, codes=codes)
    _parse_into(ctx, out, "declared_on", v.parse_date, required=True, codes=codes)
    _check_not_future(ctx, out, "declared_on", "申报日期", codes, affects=True, invalidates=True)
    _check_areas(ctx, out, ["self_illegal_cultivated_area", "self_construction_cultivated_area"],
                 required=False)
    _parse_notes(ctx, out, ("contact", "phone"), codes)
    name_of, city_of = ctx.divisions.name_of(), ctx.divisions.city_of()
    deadline = ctx.params.deadlines.declaration_date(ctx.year)
    for i, code in enumerate(codes):
        if not code:
            continue
        name, city = out["name"].iat[i], out["city"].iat[i]
        if name is not None and name != name_of[code]:
            ctx.add(ERROR, i, "name", f"名称与代码不符：代码 {code} 是“{name_of[code]}”", value=name,
                    expected=name_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        if city is not None and city != city_of[code]:
            ctx.add(ERROR, i, "city", f"设区市与代码不符：代码 {code} 属于{city_of[code]}", value=city,
                    expected=city_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        declared_on = out["declared_on"].iat[i]
        if declared_on is None or declared_on > ctx.today:
            continue
        if declared_on > deadline:
            ctx.add(NOTICE, i, "declared_on", f"申报日期晚于截止日期 {deadline.isoformat()}（六(一)），请省厅决定是否受理",
                    value=declared_on.isoformat(), expected=f"不晚于 {deadline.isoformat()}", code=code)
        if declared_on <= dt.date(ctx.year, 12, 31):
            ctx.add(NOTICE, i, "declared_on", f"申报日期早于评估年度结束（{ctx.year}-12-31）",
                    value=declared_on.isoformat(), expected=f"{ctx.year + 1}年1月", code=code)
    _flag_duplicates(ctx, out, ["code"], "申报")
    return out


def _parse_recommendations(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    # A recommendation names a county but is the city's act: its problems do not make the county
    # incomplete (docs/rules.md). An unreadable or impossible date does not undo the
    # recommendation (the date only serves the deadline notice).
    _parse_into(ctx, out, "city", _parse_city(ctx), required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "order", v.parse_positive_int, required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "recommended_on", v.parse_date, required=False, codes=codes,
                affects=False, invalidates=False)
    _check_not_future(ctx, out, "recommended_on", "推荐日期", codes, affects=False, invalidates=False)
    deadline = ctx.params.deadlines.recommendation_date(ctx.year)
    for i, code in enumerate(codes):
        on = out["recommended_on"].iat[i]
        if on is not None and deadline < on <= ctx.today:
            ctx.add(NOTICE, i, "recommended_on", f"推荐日期晚于截止日期 {deadline.isoformat()}（六(二)），请省厅决定是否受理",
                    value=on.isoformat(), expected=f"不晚于 {deadline.isoformat()}", code=code)
    return out


def _parse_land_stats(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    _check_areas(ctx, out, ["illegal_cultivated_area", "construction_cultivated_area"], required=True)
    _parse_notes(ctx, out, ("source",), codes)
    _flag_duplicates(ctx, out, ["code"], "耕地数据",
                     compare=["illegal_cultivated_area_mu", "construction_cultivated_area_mu"])
    return out


def _parse_veto_events(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "否决类型：" + "、".join(EVENT_VETO_TYPES.values()) + "（或其英文编号）"
    _parse_into(ctx, out, "type", lambda x: v.parse_choice(x, _VETO_TYPE_WORDS, expected),
                required=True, codes=codes)
    # An event dated outside the year (earlier, later, even after today) is readable: the rule
    # lists it as not counted (vetoes.judge_veto_event), it is not an input problem.
    _parse_into(ctx, out, "date", v.parse_date, required=True, codes=codes)
    _parse_into(ctx, out, "authority_level", v.parse_level, required=True, codes=codes)
    _parse_into(ctx, out, "verified", v.parse_bool, required=False, codes=codes)
    for i, kind in enumerate(out["type"]):
        if kind == "media_exposure" and out["verified"].iat[i] is None and out["is_valid"].iat[i]:
            ctx.add(ERROR, i, "verified", "媒体披露事项须填写是否查实", value=None, expected="是/否",
                    code=codes.iat[i])
            out.iat[i, out.columns.get_loc("is_valid")] = False
    _parse_notes(ctx, out, ("reference", "description"), codes)
    return out


def _parse_bonus_events(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "类别：通报表扬 或 典型经验"
    _parse_into(ctx, out, "kind", lambda x: v.parse_choice(x, _BONUS_KIND_WORDS, expected),
                required=True, codes=codes)
    _parse_into(ctx, out, "level", v.parse_level, required=True, codes=codes)
    _parse_into(ctx, out, "document_no", _required_text("文号"), required=True, codes=codes)
    document_key, _ = _parse_column(_cell(ctx, "document_no"), v.normalize_document_number)
    out["document_key"] = pd.Series(document_key, index=out.index, dtype=object)
    _parse_into(ctx, out, "date", v.parse_date, required=True, codes=codes)
    _parse_notes(ctx, out, ("title",), codes)
    return out


def _criterion_lookup(params: Params) -> dict[str, str]:
    lookup = {}
    for cid in params.rubric.criterion_ids():
        lookup[cid.lower()] = cid
        match = re.fullmatch(r"([a-z]+)0*(\d+)", cid.lower())
        if match:
            lookup[f"{match[1]}{int(match[2])}"] = cid
    return lookup


def _criterion_of_label(key: str, lookup: dict[str, str]) -> str | None:
    """The criterion a header key names: ``c01``, ``c1``, or ``c01党委…`` (id then its name)."""
    if key in lookup:
        return lookup[key]
    match = re.match(r"([a-z]+)0*(\d+)(?!\d)", key)
    if match and match.end() < len(key) and not key[match.end()].isascii():
        return lookup.get(f"{match[1]}{int(match[2])}")
    return None


def _parse_scores(ctx: _Context) -> pd.DataFrame:
    """Long form (evaluator, code, criterion, score) or wide form (evaluator, code, C01 …)."""
    lookup = _criterion_lookup(ctx.params)
    wide: dict[int, str] = {}
    for pos, keys in enumerate(ctx.raw.header_keys):
        if pos in ctx.mapping:
            continue
        cid = next((c for c in (_criterion_of_label(k, lookup) for k in keys) if c), None)
        if cid is not None:
            wide[pos] = cid
    base = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, base)
    _parse_into(ctx, base, "evaluator", _required_text("评委", canonical=True), required=True, codes=codes)
    maxima = ctx.params.rubric.max_by_criterion()
    if wide:
        if "criterion" in ctx.position or "score" in ctx.position:
            raise InputError([_fatal("scores", "评分表同时含有长表列（指标、得分）和宽表列（C01…）", ctx.raw.file,
                                     "长表：评委、县级代码、指标、得分；或宽表：评委、县级代码、C01…C13")])
        parts = []
        for pos, cid in wide.items():
            part = base.copy()
            part["criterion"] = cid
            part["_raw_score"] = ctx.raw.frame[pos].to_numpy() if pos in ctx.raw.frame.columns \
                else [None] * len(part)
            part["_pos"] = pos
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out = out[out["_raw_score"].notna()].reset_index(drop=True)  # blank = not scored
        raw_score = out.pop("_raw_score")
        positions = out.pop("_pos")
        labels = [ctx.raw.header[p] for p in positions]
    else:
        missing = [c for c in ("criterion", "score") if c not in ctx.position]
        if missing:
            names = "、".join(f"{TABLES['scores'].column(c).zh}（{c}）" for c in missing)
            raise InputError([_fatal("scores", f"评分表缺少列：{names}", ctx.raw.file,
                                     "长表：评委、县级代码、指标、得分；或宽表：评委、县级代码、C01…C13")])
        out = base.copy()
        crit_raw = _cell(ctx, "criterion")
        crit_values, crit_errors = _parse_column(
            crit_raw, lambda x: v.parse_choice(x, lookup, "指标编号：" + "、".join(maxima)))
        out["criterion"] = pd.Series(crit_values, index=out.index, dtype=object)
        for i, error in enumerate(crit_errors):
            if error is not None:
                message = error.message or "" if isinstance(crit_raw.iat[i], v.FormulaCell) \
                    else "未知指标：" + (error.message or "")
                ctx.add(ERROR, i, "criterion", message, value=crit_raw.iat[i],
                        expected=error.expected, code=codes.iat[i])
                out.iat[i, out.columns.get_loc("is_valid")] = False
        raw_score = _cell(ctx, "score")
        positions = pd.Series([ctx.position["score"]] * len(out))
        labels = [ctx.raw.header[ctx.position["score"]]] * len(out)
    scores, errors = _parse_column(raw_score.reset_index(drop=True), v.parse_decimal)
    out["score"] = pd.Series(scores, index=out.index, dtype=object)
    is_valid = out["is_valid"].to_numpy().copy()
    criteria = out["criterion"].tolist()
    in_range: dict[tuple[str, Any], bool] = {}  # one comparison per distinct (criterion, score)
    # Rows worth a look: a score that could not be read, or one that may be out of range. The
    # range is checked per distinct (criterion, score) pair: a score sheet repeats a few hundred.
    crit_codes, crit_values = pd.factorize(pd.Series(criteria, dtype=object), use_na_sentinel=True)
    score_codes, score_values = pd.factorize(pd.Series(scores, dtype=object), use_na_sentinel=True)
    allowed = np.array([[c is not None and s is not None and 0 <= s <= maxima[c] for s in score_values]
                        for c in crit_values], dtype=bool).reshape(len(crit_values), len(score_values))
    known = (crit_codes >= 0) & (score_codes >= 0)
    fine = np.zeros(len(errors), dtype=bool)
    fine[known] = allowed[crit_codes[known], score_codes[known]]
    look = np.flatnonzero(~fine | np.array([e is not None for e in errors], dtype=bool))
    for i in look:
        error = errors[i]
        criterion, score = criteria[i], scores[i]
        problem = None
        if error is not None:
            problem = (error.message or "得分不是数值", error.expected)
        elif criterion is not None:
            key = (criterion, score)
            ok = in_range.get(key)
            if ok is None:
                ok = in_range[key] = 0 <= score <= maxima[criterion]
            if not ok:
                problem = (f"得分超出范围：{criterion} 满分 {maxima[criterion]}", f"0 至 {maxima[criterion]} 之间的数值")
        if problem is None:
            continue
        row = int(out["row"].iat[i])
        pos = int(positions.iat[i])
        ctx.problems.append(Problem(
            ERROR, "scores", problem[0], file=ctx.raw.file.name, sheet=ctx.raw.sheet, row=row,
            column=labels[i], cell=f"{column_letter(pos)}{row}",
            value=v.display_value(raw_score.iat[i]), expected=problem[1],
            code=out["code"].iat[i], affects_status=bool(out["code"].iat[i])))
        is_valid[i] = False
    out["is_valid"] = is_valid
    _flag_duplicates(ctx, out, ["evaluator", "code", "criterion"], "评分", compare=["score"])
    return out


def _parse_verification(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    _parse_into(ctx, out, "check_passed", v.parse_bool, required=False, codes=codes)
    _parse_into(ctx, out, "objection_upheld", v.parse_bool, required=False, codes=codes)
    _parse_into(ctx, out, "disqualified_reason", v.parse_text, required=False, codes=codes)
    return out


def _parse_decisions(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "决定：模范、先进、未入选（或 model、advanced、not_selected）"
    # A decision is the committee's act: a bad decision row is not applied but does not make
    # the county incomplete. Its date is a record only: a bad date does not undo the decision.
    _parse_into(ctx, out, "decision", lambda x: v.parse_choice(x, _DECISION_WORDS, expected),
                required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "reason", _required_text("决定理由"), required=True, codes=codes,
                affects=False)
    _parse_notes(ctx, out, ("decided_by",), codes)
    _parse_into(ctx, out, "decided_on", v.parse_date, required=False, codes=codes, affects=False,
                invalidates=False)
    _check_not_future(ctx, out, "decided_on", "决定日期", codes, affects=False, invalidates=False)
    _flag_duplicates(ctx, out, ["code"], "评审决定", compare=["decision"], affects=False)
    return out


def _required_text(what: str, *, canonical: bool = False) -> Callable[[Any], str]:
    """A required text cell; ``canonical`` folds full-width forms (names, evaluators) for matching."""
    def parse(raw: Any) -> str:
        text = v.parse_text(raw)
        if canonical and text is not None:
            text = v.normalize_text(text)
        if text is None:
            raise v.BadValue(f"{what}（不能为空）", f"{what}为空")
        return text
    return parse


def _comparable(value: Any) -> Any:
    """A value for comparing duplicate rows: 5 and 5.0 are the same score."""
    if isinstance(value, Decimal):
        return value.normalize()
    return value if value is None or isinstance(value, (str, int, bool, dt.date)) else str(value)


def _flag_duplicates(ctx: _Context, out: pd.DataFrame, keys: list[str], label: str, *,
                     compare: list[str] | None = None, affects: bool = True) -> None:
    """Repeated keys: identical repeats are notices, conflicting ones are problems."""
    usable = out[out["is_valid"] & (out["code"] != "")]
    if usable.empty:
        return
    dup = usable[usable.duplicated(keys, keep=False)]
    if dup.empty:
        return
    compare = compare or [c for c in out.columns if c not in {"file", "sheet", "row", "is_valid"}]
    for _, group in dup.groupby(keys, sort=False):
        first = group.iloc[0]
        differs = any(len({_comparable(x) for x in group[c]}) > 1 for c in compare)
        rows = "、".join(str(r) for r in group["row"])
        for index in group.index[1:]:
            row = out.loc[index]
            severity = ERROR if differs else NOTICE
            message = (f"{label}重复且内容不一致（第 {rows} 行）" if differs
                       else f"{label}重复（第 {rows} 行），内容相同，只计一次")
            ctx.problems.append(Problem(
                severity, ctx.spec.name, message, file=row["file"], sheet=row["sheet"],
                row=int(row["row"]), column=ctx.label(keys[-1]), code=first["code"],
                value=v.display_value(row[keys[-1]]), expected="每项只填一行",
                affects_status=severity == ERROR and affects))
            out.loc[index, "is_valid"] = False
        if differs:
            out.loc[group.index[0], "is_valid"] = False


_PARSERS: dict[str, Callable[[_Context], pd.DataFrame]] = {
    "declarations": _parse_declarations,
    "recommendations": _parse_recommendations,
    "land_stats": _parse_land_stats,
    "veto_events": _parse_veto_events,
    "bonus_events": _parse_bonus_events,
    "scores": _parse_scores,
    "verification": _parse_verification,
    "decisions": _parse_decisions,
}


def empty_table(name: str) -> pd.DataFrame:
    """An optional table that is absent: no rows, the parsed columns."""
    columns = {
        "verification": ["code", "check_passed", "objection_upheld", "disqualified_reason"],
        "decisions": ["code", "decision", "reason", "decided_by", "decided_on"],
    }[name]
    frame = pd.DataFrame(columns=["file", "sheet", "row", "is_valid", *columns])
    return frame.astype({"is_valid": bool})




DEMO_MARKER = "DEMO_DATA.txt"


def _read_table(found: Path, spec: TableSpec, problems: list[Problem], divisions: Divisions,
                params: Params, year: int, today: dt.date) -> pd.DataFrame:
    """Read and parse one table's file; year-level problems raise InputError."""
    lookup = _criterion_lookup(params) if spec.name == "scores" else {}
    raw = read_raw_table(found, spec.name,
                         (lambda key: _criterion_of_label(key, lookup) is not None) if lookup else None)
    names = set(raw.mapping.values())
    shown = "、".join(f"“{label}”" for label in raw.header if label) or "（空）"
    where = f"表头（第 {raw.header_row} 行）：{shown}"
    required = [c for c in spec.columns if c.required and c.name not in names]
    if required:
        labels = "、".join(f"{c.zh}（{c.name}）" for c in required)
        raise InputError([_fatal(spec.name, f"{spec.zh}表缺少必需的列：{labels}；{where}", found,
                                 "表头含有：" + "、".join(c.zh for c in spec.columns if c.required))])
    if spec.one_of and not names & set(spec.one_of):
        labels = "、".join(spec.column(c).zh for c in spec.one_of)
        raise InputError([_fatal(spec.name, f"{spec.zh}表至少要有一列结果：{labels}；{where}", found,
                                 f"表头含有 {labels} 中的至少一列")])
    if spec.needs_rows and raw.frame.empty:
        raise InputError([_fatal(spec.name, f"{spec.zh}表只有表头，没有数据行，无法评估该年度", found,
                                 "表头下至少一行数据")])
    problems.extend(raw.notices)
    ctx = _Context(spec, raw, raw.mapping, problems, divisions, params, year, today)
    table = _PARSERS[spec.name](ctx)
    _flag_unreliable_rows(ctx, table)
    if spec.needs_rows and not (table["code"] != "").any():
        # Like a table without rows: no row names a county (a shifted or garbled code column).
        cells = _cell(ctx, "code")
        example = v.display_value(cells.dropna().iloc[0], 40) if cells.notna().any() else ""
        rows = f"第 {raw.rows.iloc[0]}–{raw.rows.iloc[-1]} 行" if len(raw.rows) > 1 else f"第 {raw.rows.iloc[0]} 行"
        raise InputError([_fatal(spec.name, f"{spec.zh}表{rows}没有一行能识别出县级代码（列“{ctx.label('code')}”"
                                 + (f"，如“{example}”" if example else "，均为空") + "），无法评估该年度", found,
                                 "名单中的6位县级行政区划代码")])
    return table


def _flag_unreliable_rows(ctx: _Context, table: pd.DataFrame) -> None:
    """Rows read from a damaged line (a stray quote, a shifted row): an error on the row's county.

    The county is the one the row's code names; when the code itself cannot be read, the
    quotes and spaces around it are dropped to find it (a stray quote in the code cell).
    Recommendation and decision rows are acts of the city and the committee: the row is not
    used, the county is not made incomplete (docs/rules.md).
    """
    affects = ctx.spec.name not in ("recommendations", "decisions")
    for i, flag in sorted(ctx.raw.row_flags.items()):
        row = int(ctx.raw.rows.iloc[i])
        mask = (table["row"] == row).to_numpy()
        codes = [c for c in table.loc[mask, "code"] if c]
        code = codes[0] if codes else _code_hint(ctx, i)
        if code and not codes:  # the county the row names, as for any row with a problem
            table.loc[mask, "code"] = code
        pos = flag.position
        value = v.display_value(flag.value)
        if ctx.spec.name == "declarations" and (pos is None or ctx.mapping.get(pos) in (None, "contact", "phone")):
            value = "（该单元格可能是错位的联系人或电话，不在此显示）"  # personal data stays out of problem lists
        ctx.problems.append(Problem(
            ERROR, ctx.spec.name, flag.message, file=ctx.raw.file.name, sheet=ctx.raw.sheet, row=row,
            column=ctx.raw.header[pos] if pos is not None and pos < len(ctx.raw.header) else "",
            cell=f"{column_letter(pos)}{row}" if pos is not None else "",
            value=value, expected=flag.expected, code=code, affects_status=affects and bool(code)))
        table.loc[mask, "is_valid"] = False


def _code_hint(ctx: _Context, index: int) -> str:
    """The county a damaged row names, read from its code cell without quotes; "" if none."""
    pos = ctx.position.get("code")
    if pos is None or pos not in ctx.raw.frame.columns:
        return ""
    raw = ctx.raw.frame.iat[index, ctx.raw.frame.columns.get_loc(pos)]
    try:
        code = v.parse_code(str(raw).strip().strip('"').strip() if raw is not None else raw)
    except v.BadValue:
        return ""
    return code if code in set(ctx.divisions.codes) else ""


@contextlib.contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector for bulk work.

    Millions of short-lived cells would trigger it over and over, and neither intake nor the rules
    make reference cycles worth collecting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_year(folder: Path, year: int, params: Params, divisions: Divisions,
              today: dt.date | None = None) -> YearInputs:
    """Read and parse every table of a year; raise InputError listing all fatal problems.

    ``today`` (default: the day of the run) is the latest possible declaration, recommendation
    and decision date.
    """
    with without_cycle_collector():
        return _load_year(folder, year, params, divisions, today)


def _load_year(folder: Path, year: int, params: Params, divisions: Divisions,
               today: dt.date | None) -> YearInputs:
    folder = Path(folder)
    today = today or china_today()  # SPEC 7.2: the date in China, not the machine's zone
    if not folder.is_dir():
        raise InputError([Problem(FATAL, "declarations", f"输入文件夹不存在：{folder}",
                                  expected="包含 declarations.csv 等表格的文件夹")])
    problems: list[Problem] = []
    fatal: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for name, spec in TABLES.items():
        found = find_table_file(folder, spec)
        if isinstance(found, list):
            fatal.append(_fatal(name, f"{spec.zh}表有多个文件：{'、'.join(p.name for p in found)}，不知道该读哪一个",
                                None, "每张表只保留一个文件（.csv 或 .xlsx）"))
            continue
        if found is None:
            others = _unsupported_files(folder, spec)
            folders = [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh) for suffix in _SUFFIXES
                       if (folder / f"{stem}{suffix}").exists() and not (folder / f"{stem}{suffix}").is_file()]
            if folders:
                fatal.append(_fatal(name, f"{spec.zh}表的“{folders[0].name}”不是普通文件（是文件夹或特殊文件），无法读取",
                                    folders[0], f"文件 {name}.csv 或 {name}.xlsx"))
            elif others:
                fatal.append(_fatal(name, f"{spec.zh}表的文件 {'、'.join(p.name for p in others)} 格式不支持",
                                    others[0], f"文件 {name}.csv 或 {name}.xlsx（" + _SAVE_AS + "）"))
            elif spec.optional:
                tables[name] = empty_table(name)
            else:
                fatal.append(_fatal(name, f"缺少必需的{spec.zh}表（{name}.csv 或 {name}.xlsx）", None,
                                    f"文件 {name}.csv 或 {name}.xlsx"))
            continue
        files[name] = found
        try:
            tables[name] = _read_table(found, spec, problems, divisions, params, year, today)
        except InputError as error:
            fatal.extend(error.problems)
    if fatal:
        raise InputError(fatal)
    is_demo, demo_label = read_demo_marker(folder)
    return YearInputs(
        year=year, folder=folder, tables=tables, problems=problems, files=files,
        file_hashes={n: sha256_file(p) for n, p in files.items()},
        is_demo=is_demo, demo_label=demo_label,
    )


def read_demo_marker(folder: Path) -> tuple[bool, str]:
    """Is the folder demo data (``DEMO_DATA.txt`` present), and the marker's text.

    The marker is read tolerantly: UTF-8, else GBK/GB18030 (Notepad on Chinese Windows), else
    with unreadable bytes replaced; only its first 4 KB; an unreadable marker still marks demo data.
    Returns (is_demo, label).
    """
    marker = Path(folder) / DEMO_MARKER
    if not marker.is_file():
        return False, ""
    try:
        with marker.open("rb") as handle:
            data = handle.read(4096)
    except OSError:
        return True, ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("utf-8", "replace")
    return True, text.strip()
