"""Where the report says a fact was read (issue 19): the sender's own workbook cell, or the table's line.

A row typed into a year's table is cited by file and line as the user sees it (header = line 1):
``declarations.csv 第24行``. A row that ``landassess collect`` read from a returned workbook is cited
where its sender wrote it — file, sheet and cell: ``县级申报材料/320117-溧水区-申报材料.xlsx 申报!D5`` —
from the source columns collect wrote beside it (:data:`landassess.intake.layout.SOURCE_COLUMNS`),
the same cells the 补正通知 cite.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from landassess.assessment import Assessment
from landassess.intake.layout import source_cell


def row_citation(file: str, row: object, *, sheet: str = "", source: Mapping[str, str] | None = None,
                 column: str = "") -> str:
    """Where one row was read, in words.

    ``file``, ``row`` and ``sheet`` locate the row in the year's table; ``source`` is its
    :data:`~landassess.intake.layout.SOURCE_COLUMNS` when ``collect`` wrote it (else ``None``) and
    ``column`` the column whose cell is cited (``declared_on``). A collected row is cited in its
    sender's workbook (``file sheet!D5``, or ``file sheet 第5行`` when that sheet has no such
    column); a typed row by its table's file and line (``file 第24行``, ``file［sheet］ 第24行`` for
    a workbook).
    """
    if source and source.get("source_file"):
        sent, sent_sheet = source["source_file"], source.get("source_sheet") or ""
        cell = source_cell(dict(source), column) if column else ""
        if cell and sent_sheet:
            return f"{sent} {sent_sheet}!{cell}"
        number = (source.get("source_row") or "").strip()
        return f"{sent}{f' {sent_sheet}' if sent_sheet else ''}{f' 第{number}行' if number.isdigit() else ''}"
    line = _line(row)
    place = f"{file}［{sheet}］" if isinstance(sheet, str) and sheet else str(file)
    return f"{place} 第{line}行" if line is not None else place


def cite(a: Assessment, record, column: str = "") -> str:
    """:func:`row_citation` of a row of one of ``a``'s frames (any record with ``file``, ``row``, ``sheet``)."""
    file, row = getattr(record, "file", ""), getattr(record, "row", None)
    sheet = getattr(record, "sheet", "")
    return row_citation(file, row, sheet=sheet if isinstance(sheet, str) else "",
                        source=a.inputs.row_source(file, _line(row)), column=column)


def _line(row: object) -> int | None:
    if row is None or row is pd.NA or (isinstance(row, float) and pd.isna(row)):
        return None
    try:
        return int(row)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
