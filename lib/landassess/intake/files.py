"""Finding a table's file, what a read file holds, and the demo marker (SPEC 4).

The readers themselves are ``intake.csvfile`` and ``intake.xlsxfile``; both return a
:class:`Sheet` or raise :class:`_Unusable`, which becomes one fatal problem naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from landassess.intake.columns import TableSpec
from landassess.problems import Problem
from landassess.vocabulary import FATAL

HEADER_SEARCH_ROWS = 10
"""The header is looked for among the first this many non-blank rows (title rows come first)."""
HEADER_MAX_DEPTH = 3
"""A header may span this many rows (group cells above column labels)."""
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 200_000, 1_000
"""Larger sheets are refused: no input table comes near (95 counties × 13 criteria × evaluators)."""
MAX_CELLS = 8_000_000
"""At most this many cells (rows × widest row) are read from one file: bounds time and memory."""

CSV_EXPECTED = "UTF-8、带BOM的UTF-8、GBK 或 GB18030 编码的 CSV 文本文件"
XLSX_EXPECTED = "可用 Excel 打开的 .xlsx 工作簿（数据在第一个工作表）"
SAVE_AS = "请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或 .xlsx 工作簿"
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
SUFFIXES = (".csv", ".xlsx", ".CSV", ".XLSX")
_OTHER_SUFFIXES = (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".txt", ".tsv", ".numbers", ".wps")
DEMO_MARKER = "DEMO_DATA.txt"


class _Unusable(Exception):
    """A file that cannot be used at all: becomes one fatal problem naming the file."""

    def __init__(self, message: str, expected: str = "", *, reason: str):
        super().__init__(message)
        self.message = message
        self.expected = expected
        self.reason = reason


def fatal(table: str, message: str, file: Path | None = None, expected: str = "", *, reason: str) -> Problem:
    """A year-level problem about a table's file."""
    return Problem(FATAL, table, message, file=str(file.name) if file else "", expected=expected, reason=reason)


@dataclass(frozen=True)
class RowFlag:
    """Why a row that was read cannot be trusted: message, the cell's 0-based position, value."""

    message: str
    position: int | None
    value: Any
    expected: str
    reason: str


@dataclass(frozen=True)
class SheetNote:
    """A notice about the file as a whole (a hidden first sheet passed over)."""

    message: str
    expected: str
    reason: str


@dataclass
class Sheet:
    """Cell values of a file, ``cells[i]`` being row ``i + 1`` as the user sees it.

    ``cells`` is a list of rows or, from the fast CSV reader, already a DataFrame.
    ``row_flags``: rows that were read but cannot be trusted (a CSV quote that did not close),
    by 0-based index; each becomes an error on the row's county.
    """

    cells: list[list[Any]] | pd.DataFrame
    name: str = ""
    hidden_columns: set[int] = field(default_factory=set)  # 0-based positions
    hidden_rows: set[int] = field(default_factory=set)  # row numbers as the user sees them
    other_sheets: list[str] = field(default_factory=list)
    row_flags: dict[int, RowFlag] = field(default_factory=dict)
    notes: list[SheetNote] = field(default_factory=list)


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
    row_flags: dict[int, RowFlag] = field(default_factory=dict)  # body index → why it is unreliable
    sources: list[dict[str, str]] | None = None  # per body row: where ``collect`` read it (SOURCE_COLUMNS)


def column_letter(position: int) -> str:
    """Excel column letter of a 0-based position (0 → A, 26 → AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def find_table_file(folder: Path, spec: TableSpec) -> Path | list[Path] | None:
    """The table's file: ``<name>.csv``/``.xlsx`` or the Chinese name; a list when ambiguous."""
    candidates = [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh) for suffix in SUFFIXES]
    found = list(dict.fromkeys(p for p in candidates if p.is_file()))
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def unsupported_files(folder: Path, spec: TableSpec) -> list[Path]:
    """Files named like the table but in a format intake does not read (.xls, .ods, …)."""
    return [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh)
            for suffix in (*_OTHER_SUFFIXES, *(s.upper() for s in _OTHER_SUFFIXES))
            if (folder / f"{stem}{suffix}").is_file()]


def missing_file_problem(folder: Path, spec: TableSpec) -> Problem | None:
    """The fatal problem of a table without its file; None when an optional table is just absent."""
    name = spec.name
    others = unsupported_files(folder, spec)
    folders = [folder / f"{stem}{suffix}" for stem in (spec.name, spec.zh) for suffix in SUFFIXES
               if (folder / f"{stem}{suffix}").exists() and not (folder / f"{stem}{suffix}").is_file()]
    if folders:
        return fatal(name, f"{spec.zh}表的“{folders[0].name}”不是普通文件（是文件夹或特殊文件），无法读取",
                     folders[0], f"文件 {name}.csv 或 {name}.xlsx", reason="file.not_a_file")
    if others:
        return fatal(name, f"{spec.zh}表的文件 {'、'.join(p.name for p in others)} 格式不支持",
                     others[0], f"文件 {name}.csv 或 {name}.xlsx（" + SAVE_AS + "）", reason="file.unsupported")
    if spec.optional:
        return None
    return fatal(name, f"缺少必需的{spec.zh}表（{name}.csv 或 {name}.xlsx）", None,
                 f"文件 {name}.csv 或 {name}.xlsx", reason="file.missing")


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
