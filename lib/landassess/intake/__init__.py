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

Every problem carries a stable reason code (``intake.reasons``). The modules, in the order a
file goes through them:

- ``files`` (finding a table's file, the demo marker), ``csvfile`` and ``xlsxfile`` (the readers
  and their size guards);
- ``layout`` (the header, title rows, unknown and hidden columns);
- ``schema`` (the eight tables, declared with ``columns``: each column's parser from ``values``
  and its checks from ``checks`` and ``deadlines``), ``cells`` (parsing columns, collecting
  problems), ``scores`` (the long or wide score sheet);
- ``tables`` (one table), and this module (the year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from landassess.clock import china_today
from landassess.divisions import Divisions
from landassess.intake import values
from landassess.intake.columns import Column, TableSpec
from landassess.intake.csvfile import decode_csv_bytes, looks_garbled, split_line_literally
from landassess.intake.department import (
    ALTERNATIVE,
    FOLDER,
    both_places,
    combined,
    department_file,
    header_only,
    shown_as_department,
)
from landassess.intake.files import (
    DEMO_MARKER,
    RawTable,
    _Unusable,
    column_letter,
    fatal,
    find_table_file,
    missing_file_problem,
    read_demo_marker,
)
from landassess.intake.layout import map_header, read_raw_table
from landassess.intake.reasons import REASONS
from landassess.intake.schema import TABLE_ORDER, TABLES
from landassess.intake.tables import empty_table, read_table
from landassess.memory import without_cycle_collector
from landassess.params import Params
from landassess.paths import sha256_file
from landassess.problems import InputError, Problem
from landassess.vocabulary import FATAL

__all__ = [
    "DEMO_MARKER", "REASONS", "TABLES", "TABLE_ORDER", "Column", "RawTable", "TableSpec", "YearInputs",
    "_Unusable", "column_letter", "decode_csv_bytes", "empty_table", "find_table_file", "load_year",
    "looks_garbled", "map_header", "read_demo_marker", "read_raw_table", "split_line_literally", "values",
]


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
    locators: dict = field(default_factory=dict)  # file name → SourceLocator: where collect read its rows
    doubtful: frozenset[str] = frozenset()  # counties whose returns wait for 收集确认.csv (SPEC 8.2)

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def at_source(self, problem: Problem) -> Problem:
        """The problem located in the returned workbook its row was collected from (or unchanged)."""
        locate = self.locators.get(problem.file)
        return locate(problem) if locate is not None else problem

    def row_source(self, file: str, row: int | None) -> dict[str, str] | None:
        """Where ``collect`` read line ``row`` of ``file`` (its source columns), or ``None`` for a typed row."""
        locate = self.locators.get(file)
        return locate.rows.get(row) if locate is not None and row is not None else None


def load_year(folder: Path, year: int, params: Params, divisions: Divisions,
              today: dt.date | None = None, optional: tuple[str, ...] = ()) -> YearInputs:
    """Read and parse every table of a year; raise InputError listing all fatal problems.

    ``today`` (default: the day of the run) is the latest possible declaration, recommendation
    and decision date. ``optional`` names required tables that may be absent for this reading
    (the score sheets are made before any score exists).
    """
    with without_cycle_collector():
        return _load_year(folder, year, params, divisions, today, optional)


def _load_year(folder: Path, year: int, params: Params, divisions: Divisions,
               today: dt.date | None, optional: tuple[str, ...] = ()) -> YearInputs:
    folder = Path(folder)
    today = today or china_today()  # SPEC 7.2: the date in China, not the machine's zone
    if not folder.is_dir():
        raise InputError([Problem(FATAL, "declarations", f"输入文件夹不存在：{folder}",
                                  expected="包含 declarations.csv 等表格的文件夹", reason="folder.missing")])
    problems: list[Problem] = []
    fatal_problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    locators: dict = {}
    for name, spec in TABLES.items():
        found = find_table_file(folder, spec)
        own = department_file(folder, spec)
        if isinstance(own, list):
            fatal_problems.append(fatal(name, f"{FOLDER}/ 中{spec.zh}表有多个文件：{'、'.join(p.name for p in own)}",
                                        None, "每张表只保留一个文件（.csv 或 .xlsx）", reason="file.ambiguous"))
            continue
        if own is not None and name in ALTERNATIVE and found is not None and header_only(own):
            own = None  # init's empty file beside the data folder's table: nothing to choose between
        if own is not None and name in ALTERNATIVE:
            if found is not None:
                fatal_problems.append(both_places(name, spec.zh, found if isinstance(found, Path) else found[0], own))
                continue
            found, own = own, None  # the department keeps this table in its own folder: read as from the data folder
        if isinstance(found, list):
            fatal_problems.append(fatal(
                name, f"{spec.zh}表有多个文件：{'、'.join(p.name for p in found)}，不知道该读哪一个",
                None, "每张表只保留一个文件（.csv 或 .xlsx）", reason="file.ambiguous"))
            continue
        if found is None and own is None:
            problem = missing_file_problem(folder, spec)
            if problem is None or (name in optional and problem.reason == "file.missing"):  # absent, optional
                tables[name] = empty_table(name)
            else:
                fatal_problems.append(problem)
            continue
        try:
            if found is not None:
                files[name], start = found, len(problems)
                tables[name] = read_table(found, spec, problems, divisions, params, year, today, locators)
                if found.parent.name == FOLDER and found.parent.parent == folder:
                    tables[name] = shown_as_department(tables[name], problems, start, found)
            if own is not None:  # the department's own events, added to the counties' rows (SPEC 8.0)
                start = len(problems)
                files[f"{FOLDER}/{name}"] = own
                table = shown_as_department(read_table(own, spec, problems, divisions, params, year, today),
                                            problems, start, own)
                tables[name] = combined(tables[name], table) if name in tables else table
        except InputError as error:
            fatal_problems.extend(error.problems)
    if fatal_problems:
        raise InputError(fatal_problems)
    from landassess.intake.collected import collected_problems

    from_collect, doubtful, record = collected_problems(folder, year, set(divisions.codes))
    problems += from_collect
    if record is not None:
        files["collected"] = record
    is_demo, demo_label = read_demo_marker(folder)
    return YearInputs(
        year=year, folder=folder, tables=tables, problems=problems, files=files,
        file_hashes={n: sha256_file(p) for n, p in files.items()},
        is_demo=is_demo, demo_label=demo_label, locators=locators, doubtful=doubtful,
    )
