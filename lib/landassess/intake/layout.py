"""Finding the header and reading the layout of a table (SPEC 4, docs/input_problems.md).

The header is the block of rows, among the first ten non-blank ones, that names the most known
columns; it may span up to three rows (merged group cells above column labels). Rows above it
are titles; unknown, repeated, hidden and header-less columns are read past with a notice.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landassess.intake import csvfile, xlsxfile
from landassess.intake import values as v
from landassess.intake.columns import TableSpec
from landassess.intake.files import (
    HEADER_MAX_DEPTH,
    HEADER_SEARCH_ROWS,
    RawTable,
    RowFlag,
    Sheet,
    _Unusable,
    column_letter,
    fatal,
)
from landassess.intake.schema import TABLES
from landassess.problems import InputError, Problem
from landassess.vocabulary import NOTICE


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


def read_raw_table(path: Path, table: str, extra_keys: Callable[[str], bool] | None = None) -> RawTable:
    """Read a file into header and rows; raises InputError when the file cannot be used.

    ``extra_keys`` tells which other header labels the table reads (wide score sheets: C01 …).
    """
    spec = TABLES[table]
    extra_keys = extra_keys or (lambda key: False)
    is_xlsx = path.suffix.lower() == ".xlsx"
    try:
        sheet = xlsxfile.read_xlsx(path) if is_xlsx else csvfile.read_csv(path)
    except _Unusable as error:
        raise InputError([fatal(table, f"{spec.zh}表文件无法读取：{error.message}", path, error.expected,
                                reason=error.reason)]) from error
    except OSError as error:
        raise InputError([fatal(table, f"{spec.zh}表文件无法读取：{error.strerror or error}", path,
                                reason="file.unreadable")]) from error
    all_cells = _blank_out(sheet.cells)
    where = f"工作表“{sheet.name}”" if is_xlsx else "文件"
    row_has = all_cells.notna().any(axis=1).to_numpy() if all_cells.shape[1] else np.zeros(len(all_cells), bool)
    nonblank = np.flatnonzero(row_has)
    if not len(nonblank):
        others = f"（工作簿中还有：{'、'.join(sheet.other_sheets)}；只读取第一个工作表）" if sheet.other_sheets else ""
        others += "".join(f"；{note.message}" for note in sheet.notes)
        raise InputError([fatal(table, f"{spec.zh}表{where}为空，没有表头{others}", path,
                                "第一行为表头的表格" + ("（数据放在第一个工作表）" if is_xlsx else ""),
                                reason="file.empty")])
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
    _take_sources(raw)
    raw.notices = _layout_notices(spec, raw, sheet, cells, header)
    body_index = {int(r): i for i, r in enumerate(body.index)}
    raw.row_flags = {body_index[r]: flag for r, flag in sheet.row_flags.items() if r in body_index}
    for r, flag in sheet.row_flags.items():  # a stray quote in a title or header row
        if r not in body_index:
            raw.notices.append(Problem(NOTICE, table, flag.message, file=path.name, sheet=sheet.name, row=r + 1,
                                       value=v.display_value(flag.value), expected=flag.expected,
                                       reason=flag.reason))
    if not is_xlsx:
        for i, flag in _wide_rows(raw, header).items():
            raw.row_flags.setdefault(i, flag)
    return raw


SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row", "source_cells")
"""The last columns of a table written by ``landassess collect``: where each row was read."""


def source_cell(source: dict[str, str], column: str) -> str:
    """The sender's cell of ``column`` in a collected row (``D4``), or "" when its sheet has no such column.

    ``source`` holds :data:`SOURCE_COLUMNS`; ``source_cells`` maps column names to letters
    (``code=A;name=B;declared_on=D``), ``source_row`` is the row in the sender's sheet.
    """
    letters = dict(part.split("=", 1) for part in (source.get("source_cells") or "").split(";") if "=" in part)
    letter, row = letters.get(column, ""), (source.get("source_row") or "").strip()
    return f"{letter}{row}" if letter and row.isdigit() else ""


def _take_sources(raw: RawTable) -> None:
    """Move ``collect``'s source columns (the last four) out of the table into ``raw.sources``."""
    labels = [str(label).strip() for label in raw.header]
    if len(labels) < 4 or tuple(labels[-4:]) != SOURCE_COLUMNS:
        return
    width = len(labels) - 4
    block = raw.frame.reindex(columns=range(width, width + 4))
    raw.sources = [dict(zip(SOURCE_COLUMNS, ("" if x is None else str(x) for x in values), strict=True))
                   for values in block.itertuples(index=False, name=None)]
    raw.frame = raw.frame[[c for c in raw.frame.columns if c < width]]
    raw.header = raw.header[:width]
    raw.header_keys = raw.header_keys[:width]
    raw.mapping = {p: name for p, name in raw.mapping.items() if p < width}


def _wide_rows(raw: RawTable, header: _Header) -> dict[int, RowFlag]:
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
        flags[int(i)] = RowFlag(
            f"该行有 {last} 个单元格，多于表头的 {width} 列（{column_letter(first)} 列起没有表头）：可能是某个单元格中"
            f"未加引号的逗号把该行拆开、使其后的值错位，该行各列的值不可靠",
            first, raw.frame.iat[int(i), raw.frame.columns.get_loc(first)],
            f"每行 {width} 个单元格，与表头一致（含逗号的内容请加英文引号，或改用中文逗号“，”）",
            reason="row.extra_cells")
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


def _layout_notices(spec: TableSpec, raw: RawTable, sheet: Sheet, cells: list[list[Any]],
                    header: _Header) -> list[Problem]:
    """Notices about the layout: title rows, unknown, repeated, hidden and header-less columns."""
    notices = []

    def notice(message: str, *, reason: str, row: int | None = None, position: int | None = None,
               value: Any = None, expected: str = "") -> None:
        notices.append(Problem(
            NOTICE, spec.name, message, file=raw.file.name, sheet=raw.sheet, row=row,
            column=raw.header[position] if position is not None else "",
            cell=f"{column_letter(position)}{row}" if position is not None and row is not None else "",
            value=v.display_value(value), expected=expected, reason=reason))

    group_rows = _group_rows_above(cells, header.start)
    for index in range(header.start - group_rows):
        texts = list(dict.fromkeys(v.display_value(c, 60) for c in cells[index] if c is not None))
        if texts:
            notice("表头上方的行视为标题，未作为数据读取", reason="layout.title_rows", row=index + 1,
                   value=" ".join(texts), expected="表头之上不放数据")
    header_rows = f"第 {header.start + 1} 行" if header.depth == 1 else \
        f"第 {header.start + 1}–{header.start + header.depth} 行"
    used = set(header.mapping)
    label_row = header.start + header.depth
    for position, label in enumerate(raw.header):
        column = raw.frame[position] if position in raw.frame.columns else pd.Series(dtype=object)
        has_data = bool(column.notna().any())
        if position in used or position in header.extra:
            if position in sheet.hidden_columns:
                notice(f"列“{label}”在 Excel 中被隐藏，已照常读取", reason="layout.hidden_column",
                       position=position, row=label_row)
            continue
        taken = next((name for p, name in header.duplicates if p == position), None)
        if taken is not None:
            first = next(p for p, name in header.mapping.items() if name == taken)
            notice(f"列“{label}”与列“{raw.header[first]}”（{column_letter(first)} 列）都表示“{spec.column(taken).zh}”，"
                   "只读取左边的一列", reason="layout.duplicate_column", position=position, row=label_row,
                   expected="每项内容只占一列")
        elif label:
            notice(f"未识别的列“{label}”，已忽略（不影响评估）", reason="layout.unknown_column",
                   position=position, row=label_row, expected="表头：" + "、".join(c.zh for c in spec.columns))
        elif has_data:
            first_row = int(raw.rows.iloc[int(column.notna().to_numpy().argmax())])
            rows = raw.rows[column.notna().to_numpy()].tolist()
            notice(f"{column_letter(position)} 列没有表头（{header_rows}为空），其中 {len(rows)} 个单元格有内容，已忽略；"
                   "如果是未加引号的逗号使该行错位，请检查该行", reason="layout.headerless_cells",
                   row=first_row, position=position, value=column.dropna().iloc[0], expected="数据只放在有表头的列")
    for row in sorted(set(raw.rows) & sheet.hidden_rows):
        notice("该行在 Excel 中被隐藏，已照常读取", reason="layout.hidden_row", row=row, expected="隐藏的行也会计入评估")
    for note in sheet.notes:
        notice(note.message, reason=note.reason, expected=note.expected)
    return notices
