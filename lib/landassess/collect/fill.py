"""Fill the sent-out workbooks from a year's flat tables, as the offices would (demo and checks).

The demo generator uses it to write the returned workbooks of a demo year, so ``make demo``
shows collect → validate → run; the tests use it to check that collecting the filled workbooks
gives the same results as the flat tables. Values are written as they were typed in the flat
files (raw cells, not parsed values), so the same reading rules apply after collection.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from landassess.collect.layout import (
    CITY,
    COUNTY,
    COUNTY_SHEETS,
    EVALUATOR,
    FIRST_ROW,
    META_SHEET,
    RECOMMENDATIONS,
    SCORE_SHEET_TITLE,
)
from landassess.divisions import Divisions
from landassess.intake import TABLES, find_table_file, read_raw_table
from landassess.params import Params


def flat_rows(folder: Path, table: str) -> list[dict[str, Any]]:
    """A flat table's rows as raw cell values by column name (empty when the table is absent)."""
    found = find_table_file(Path(folder), TABLES[table])
    if not isinstance(found, Path):
        return []
    raw = read_raw_table(found, table, (lambda key: True) if table == "scores" else None)
    rows = []
    for values in raw.frame.itertuples(index=False, name=None):
        record = {raw.mapping[p]: values[p] for p in raw.mapping if p < len(values)}
        if table == "scores" and "criterion" not in record:  # wide form: one column per criterion
            for position, label in enumerate(raw.header):
                if position not in raw.mapping and position < len(values) and values[position] is not None:
                    rows.append({**record, "criterion": str(label).split()[0].upper(), "score": values[position]})
            continue
        rows.append(record)
    return rows


def _meta(workbook) -> dict[str, str]:
    return {str(k): str(v) for k, v in workbook[META_SHEET].iter_rows(max_col=2, values_only=True) if k}


def _fill_rows(sheet, columns: Iterable[str], rows: list[dict[str, Any]], skip: Iterable[str] = ()) -> None:
    for offset, record in enumerate(rows):
        for position, name in enumerate(columns, start=1):
            if name not in skip and record.get(name) is not None:
                cell = sheet.cell(FIRST_ROW + offset, position, record[name])
                if isinstance(record[name], str):
                    cell.data_type = "s"  # typed text, as a clerk's “=…” in a text cell: never a formula


def fill_forms(forms: Iterable[Path], flat: Path, divisions: Divisions, params: Params) -> list[Path]:
    """Fill each sent-out workbook in ``forms`` with the flat tables' rows; returns those filled.

    County workbooks of counties that did not declare, and cities that recommended nobody, are
    left unfilled (as an office that has nothing to send).
    """
    from openpyxl import load_workbook

    declarations = {str(r.get("code")): r for r in flat_rows(flat, "declarations")}
    events = {t: flat_rows(flat, t) for t in ("veto_events", "bonus_events")}
    recommendations = flat_rows(flat, "recommendations")
    scores = flat_rows(flat, "scores")
    names = divisions.name_of()
    filled = []
    for path in forms:
        workbook = load_workbook(path)
        meta = _meta(workbook)
        if meta["form"] == COUNTY:
            code = meta["code"]
            if code not in declarations:
                continue
            for layout in COUNTY_SHEETS:
                rows = [declarations[code]] if layout is COUNTY_SHEETS[0] else \
                    [r for r in events[layout.table] if str(r.get("code")) == code]
                _fill_rows(workbook[layout.title], layout.columns, rows, skip=layout.locked)
        elif meta["form"] == CITY:
            mine = sorted((r for r in recommendations if r.get("city") == meta["city"]),
                          key=lambda r: float(str(r.get("order") or 0)))
            if not mine:
                continue
            rows = [{**r, "name": names.get(str(r.get("code")), str(r.get("code")))} for r in mine]
            _fill_rows(workbook[RECOMMENDATIONS.title], RECOMMENDATIONS.columns, rows, skip=("order",))
        elif meta["form"] == EVALUATOR:
            sheet = workbook[SCORE_SHEET_TITLE]
            column_of = {cid: position for position, cid in enumerate(meta["criteria"].split(","), start=3)}
            row_of = {str(sheet.cell(r, 1).value): r for r in range(FIRST_ROW, sheet.max_row + 1)}
            for record in scores:
                if record.get("evaluator") != meta["evaluator"]:
                    continue
                row, column = row_of.get(str(record.get("code"))), column_of.get(str(record.get("criterion")))
                if row is not None and column is not None:
                    sheet.cell(row, column, record["score"])
        workbook.save(path)
        filled.append(path)
    return filled
