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

from landassess.intake.xlsxfile import formula_text

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


def sheet_cells(sheet: Any, formulas_sheet: Any | None) -> SheetCells:
    """The sparse cells of an openpyxl worksheet (``formulas_sheet``: the same sheet with its formulas)."""
    values = {key: cell.value for key, cell in sheet._cells.items()  # noqa: SLF001 - sparse cells
              if cell.value is not None and cell.value != ""}
    formulas: dict[Cell, str] = {}
    if formulas_sheet is not None:
        for key, cell in formulas_sheet._cells.items():  # noqa: SLF001
            text = formula_text(cell.value)
            if text is not None and key not in values:
                formulas[key] = text
    hidden_columns = {
        position
        for dimension in sheet.column_dimensions.values() if dimension.hidden
        for position in range(dimension.min or 1, min(dimension.max or dimension.min or 1, 16_384) + 1)
    } if any(d.hidden for d in sheet.column_dimensions.values()) else set()
    hidden_rows = {index for index, dimension in sheet.row_dimensions.items() if dimension.hidden}
    return SheetCells(sheet.title, getattr(sheet, "sheet_state", "visible") or "visible", values, formulas,
                      hidden_rows, hidden_columns)


def workbook_cells(values_workbook: Any, formulas_workbook: Any | None) -> dict[str, SheetCells]:
    """Every sheet of a guarded workbook, by title, in workbook order."""
    formulas = {s.title: s for s in formulas_workbook.worksheets} if formulas_workbook is not None else {}
    return {s.title: sheet_cells(s, formulas.get(s.title)) for s in values_workbook.worksheets}
