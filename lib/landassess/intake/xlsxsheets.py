"""A guarded workbook's sheets as plain cells, read with openpyxl's read-only mode (issue 22).

What the readers use of a workbook is small: each sheet's title and state (hidden, very hidden),
its non-empty cells with the values openpyxl gives them, formulas saved without a value, merged
ranges, hidden rows and columns. openpyxl's full load builds a ``Cell`` with its style for every
cell and most of collect's time went there. :func:`read_fast` opens the workbook in read-only mode
(``load_workbook(read_only=True)``: shared strings, date formats, sheet list and states) and streams
each sheet once with openpyxl's own sheet parser — the parser of read-only ``iter_rows`` and of the
full load alike, so values, dates, booleans, errors, rich and inline text are what the full load
gives — keeping only the cells present (a far cell costs one entry, not a padded grid). Merged
ranges, row and column dimensions are bound as the full load binds them: every cell of a merged
range but its top-left one is emptied, dimension attributes go through openpyxl's own classes.

A sheet with what read-only mode does not reproduce — hyperlinks (an empty linked cell shows its
link), comments, drawings, tables, pivot tables — a duplicate or invalid sheet title, or a style
index out of range, makes :func:`read_fast` return None, and the workbook is loaded in full
(:func:`read_full`, the earlier reader), so such files read exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Cell = tuple[int, int]
"""(row, column), both from 1 as Excel counts."""


@dataclass
class GuardedSheet:
    """One sheet of a guarded workbook as the readers see it."""

    title: str
    state: str  # visible, hidden, veryHidden
    values: dict[Cell, Any]  # every cell whose value is not None, in the order of the sheet's XML
    formulas: dict[Cell, str] = field(default_factory=dict)  # formula text of formula cells (loaded only when needed)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: list[tuple[int | None, int | None]] = field(default_factory=list)  # (min, max) of hidden <col>s

    def hidden_column_numbers(self, last: int) -> set[int]:
        """Hidden columns as numbers from 1, up to ``last`` (a ``<col>`` span may reach column 16,384)."""
        return {number for low, high in self.hidden_columns
                for number in range(low or 1, min(high or low or 1, last) + 1)}


def formula_text(value: Any) -> str | None:
    """The formula of a cell read with ``data_only=False``, or None for a plain value."""
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    text = getattr(value, "text", None)  # ArrayFormula, DataTableFormula
    return str(text) if text is not None and not isinstance(value, str) else None


def _formulas(values: dict[Cell, Any]) -> dict[Cell, str]:
    return {key: text for key, value in values.items() if (text := formula_text(value)) is not None}


# ---------------------------------------------------------------------------------------- full load


def read_full(load: Callable[..., Any], with_formulas: bool) -> list[GuardedSheet]:
    """Every worksheet from openpyxl's full load (``load(data_only=...)``), formulas when asked."""
    workbook = load(data_only=True)
    formulas = load(data_only=False).worksheets if with_formulas else [None] * len(workbook.worksheets)
    return [_full_sheet(sheet, formula_sheet) for sheet, formula_sheet in zip(workbook.worksheets, formulas, strict=True)]


def _full_sheet(sheet: Any, formula_sheet: Any | None) -> GuardedSheet:
    cells = sheet._cells  # noqa: SLF001 - sparse cells: a far cell is one entry
    return GuardedSheet(
        sheet.title, sheet.sheet_state, {key: cell.value for key, cell in cells.items() if cell.value is not None},
        _formulas({key: cell.value for key, cell in formula_sheet._cells.items()})  # noqa: SLF001
        if formula_sheet is not None else {},
        [r.bounds for r in sheet.merged_cells.ranges],
        {index for index, dimension in sheet.row_dimensions.items() if dimension.hidden},
        [(d.min, d.max) for d in sheet.column_dimensions.values() if d.hidden])


# ------------------------------------------------------------------------------------ read-only mode


class _NotReadOnly(Exception):
    """The sheet holds something only the full load reproduces."""


def open_read_only(path: Any, *, data_only: bool) -> Any:
    """The reader of openpyxl in read-only mode, with everything but the sheets read.

    The workbook, its shared strings, styles and date formats are read as ``load_workbook(read_only=True)``
    reads them, without building a ``ReadOnlyWorksheet`` for each sheet (which parses the sheet's XML
    once more only to find its size). The archive stays open until the caller closes it.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=data_only)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        reader.read_properties()
        reader.read_custom()
        reader.read_theme()
        apply_stylesheet(reader.archive, reader.wb)
    except BaseException:
        reader.archive.close()
        raise
    return reader


def read_fast(load: Callable[..., Any], with_formulas: bool) -> list[GuardedSheet] | None:
    """Every worksheet read in openpyxl's read-only mode; None when only the full load reads it as before."""
    from types import SimpleNamespace

    from openpyxl.workbook.child import INVALID_TITLE_REGEX
    from openpyxl.workbook.defined_name import DefinedNameDict

    reader = load(data_only=True, read_only=True)
    try:
        found = [(sheet, relation) for sheet, relation in reader.parser.find_sheets()
                 if relation.target in reader.valid_files]
        names = [sheet.name for sheet, _ in found]
        if (any("chartsheet" in relation.Type for _, relation in found) or len(set(names)) != len(names)
                or any(not n or INVALID_TITLE_REGEX.search(n) for n in names)):
            return None  # chart sheets; sheets the full load renames or refuses
        # The sheets' defined names (print titles and areas) bound as the full load binds them.
        reader.wb._sheets = [SimpleNamespace(defined_names=DefinedNameDict()) for _ in found]  # noqa: SLF001
        reader.parser.assign_names()
        return [_fast_sheet(reader, sheet, relation.target, with_formulas) for sheet, relation in found]
    except _NotReadOnly:
        return None
    finally:
        reader.archive.close()


def _fast_sheet(reader: Any, sheet: Any, part: str, with_formulas: bool) -> GuardedSheet:
    _check_relations(reader, part)
    parser, values = _parse(reader, part, data_only=True)
    if parser.hyperlinks.hyperlink or parser.tables.tablePart:
        raise _NotReadOnly
    _bind_formatting(reader.wb, parser)
    merged = _merged_ranges(parser)
    _empty_merged(values, merged)
    formulas: dict[Cell, str] = {}
    if with_formulas:
        _, formula_values = _parse(reader, part, data_only=False)
        _empty_merged(formula_values, merged)
        formulas = _formulas(formula_values)
    return GuardedSheet(sheet.name, sheet.state, {k: v for k, v in values.items() if v is not None}, formulas,
                        [r.bounds for r in merged], *_dimensions(reader.wb, parser))


def _parse(reader: Any, part: str, *, data_only: bool) -> tuple[Any, dict[Cell, Any]]:
    """Stream one sheet with openpyxl's sheet parser (as read-only ``iter_rows`` does): its cells, sparse."""
    from openpyxl.worksheet._reader import WorkSheetParser

    workbook = reader.wb
    values: dict[Cell, Any] = {}
    styles: set[int] = set()
    archive = reader.archive  # a zip member: binary
    with archive.open(part) as source:
        parser = WorkSheetParser(source, reader.shared_strings, data_only=data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,  # noqa: SLF001
                                 timedelta_formats=workbook._timedelta_formats)  # noqa: SLF001
        for _, row in parser.parse():
            for cell in row:
                values[(cell["row"], cell["column"])] = cell["value"]
                styles.add(cell["style_id"])
    cell_styles = workbook._cell_styles  # noqa: SLF001
    for style in styles:  # the full load looks every cell's style up: an index out of range is a damaged file
        cell_styles[style]
    return parser, values


def _check_relations(reader: Any, part: str) -> None:
    """Comments, drawings and pivot tables are read by the full load only (and may make it fail)."""
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.pivot.table import TableDefinition
    from openpyxl.xml.constants import COMMENTS_NS

    path = get_rels_path(part)
    if path not in reader.valid_files:
        return
    kinds = {relation.Type for relation in get_dependents(reader.archive, path)}
    if kinds & {COMMENTS_NS, SpreadsheetDrawing._rel_type, TableDefinition.rel_type}:  # noqa: SLF001
        raise _NotReadOnly


def _bind_formatting(workbook: Any, parser: Any) -> None:
    """Conditional formats as the full load binds them (a format naming a missing style fails there)."""
    from openpyxl.formatting.formatting import ConditionalFormattingList

    bound = ConditionalFormattingList()
    for formatting in parser.formatting:
        for rule in formatting.rules:
            if rule.dxfId is not None:
                rule.dxf = workbook._differential_styles[rule.dxfId]  # noqa: SLF001
            bound[formatting] = rule


def _merged_ranges(parser: Any) -> list[Any]:
    """The sheet's merged ranges in the order the full load keeps them (``ws.merged_cells.ranges``)."""
    from openpyxl.worksheet.cell_range import CellRange, MultiCellRange

    if not parser.merged_cells:
        return []
    ranges = []
    for merge in parser.merged_cells.mergeCell:
        cell_range = CellRange(merge.ref)
        if cell_range.min_row < 1 or cell_range.min_col < 1:
            raise ValueError("Row or column values must be at least 1")  # as the full load's ws.cell()
        ranges.append(cell_range)
    return list(MultiCellRange(ranges).ranges)


def _empty_merged(values: dict[Cell, Any], merged: list[Any]) -> None:
    """Every cell of a merged range but its top-left one is empty (the full load makes it a MergedCell)."""
    for cell_range in merged:
        min_col, min_row, max_col, max_row = cell_range.bounds
        anchor = (min_row, min_col)
        if cell_range.size["rows"] * cell_range.size["columns"] <= len(values):
            inside = (k for k in cell_range.cells if k != anchor and k in values)
        else:
            inside = (k for k in values if k != anchor and min_row <= k[0] <= max_row and min_col <= k[1] <= max_col)
        for key in list(inside):
            values[key] = None


def _dimensions(workbook: Any, parser: Any) -> tuple[set[int], list[tuple[int | None, int | None]]]:
    """Hidden rows and hidden column spans, through openpyxl's dimension classes as the full load binds them."""
    from openpyxl.worksheet.dimensions import ColumnDimension, RowDimension

    styles = workbook._cell_styles  # noqa: SLF001
    hidden_rows = set()
    for row, attributes in parser.row_dimensions.items():
        if "s" in attributes:
            attributes["s"] = styles[int(attributes["s"])]
        if RowDimension(None, **attributes).hidden:
            hidden_rows.add(int(row))
    hidden_columns = []
    for attributes in parser.column_dimensions.values():
        if "style" in attributes:
            attributes["style"] = styles[int(attributes["style"])]
        dimension = ColumnDimension(None, **attributes)
        if dimension.hidden:
            hidden_columns.append((dimension.min, dimension.max))
    return hidden_rows, hidden_columns
