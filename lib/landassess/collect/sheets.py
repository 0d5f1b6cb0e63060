"""A returned workbook's sheets as sparse cells, with what Excel hides (SPEC 8.2).

Every returned workbook is opened through the same guarded door as the year's tables
(:func:`landassess.intake.xlsxfile.load_guarded`: size, far cells, zip bombs, damaged files). Its
sheets are then seen as the sender may not: every non-empty cell (sparse, so one far cell such as
XFD1048576 costs one entry, not a million rows), formulas saved without a value, hidden and very
hidden sheets, hidden rows and columns. The reader marks each cell it uses; :func:`unaccounted`
lists the rest, so no cell is dropped or added without a word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from landassess.intake.xlsxsheets import GuardedSheet

Cell = tuple[int, int]
"""(row, column), both from 1 as Excel counts."""


@dataclass
class SheetCells:
    """One sheet: its state, its non-empty cells and formulas without a saved value, hidden rows and columns."""

    title: str
    state: str  # visible, hidden, veryHidden
    values: dict[Cell, Any]
    formulas: dict[Cell, str]  # formula cells whose saved value is missing (never computed by Excel)
    hidden_rows: set[int]
    hidden_columns: set[int]
    used: set[Cell] = field(default_factory=set)  # cells the reader used or reported

    @property
    def is_hidden(self) -> bool:
        return self.state != "visible"

    def value(self, row: int, column: int) -> Any:
        return self.values.get((row, column))

    def rows_from(self, first: int) -> list[int]:
        """Row numbers from ``first`` on that hold a value or a formula, in order."""
        return sorted({r for r, _ in self.values if r >= first} | {r for r, _ in self.formulas if r >= first})

    def row_cells(self, row: int) -> list[Cell]:
        return sorted(c for c in (*self.values, *self.formulas) if c[0] == row)

    def is_hidden_cell(self, cell: Cell) -> bool:
        return cell[0] in self.hidden_rows or cell[1] in self.hidden_columns

    def mark(self, *cells: Cell) -> None:
        self.used.update(cells)

    def unaccounted(self) -> list[Cell]:
        """Non-empty cells (values or formulas) the reader neither used nor reported, by row then column."""
        return sorted(c for c in {*self.values, *self.formulas} if c not in self.used)


def cell_text(value: Any) -> str:
    """A cell as text for the collected CSV: dates ISO, numbers without binary noise, text as typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return str(value)
        return f"{number.normalize():f}" if number == number.to_integral_value() else repr(value)
    return str(value).strip()


def sheet_cells(sheet: GuardedSheet) -> SheetCells:
    """The sparse cells of a guarded sheet, with its formulas saved without a value."""
    values = {key: value for key, value in sheet.values.items() if value != ""}
    formulas = {key: text for key, text in sheet.formulas.items() if key not in values}
    return SheetCells(sheet.title, sheet.state or "visible", values, formulas, set(sheet.hidden_rows),
                      sheet.hidden_column_numbers(16_384))


def workbook_cells(sheets: list[GuardedSheet]) -> dict[str, SheetCells]:
    """Every sheet of a guarded workbook, by title, in workbook order."""
    return {s.title: sheet_cells(s) for s in sheets}
