"""Deterministic, injection-safe table writing: the same workbook gives the same bytes.

openpyxl's ``Workbook.save`` stamps the "modified" property with the clock and every zip entry
with the current time; both are fixed here so that two runs on the same inputs write
byte-identical files.

Every text cell we write, in a workbook or a CSV, goes through :func:`neutralize_cell`: text a
spreadsheet would read as a formula (``= + - @``, or a leading tab or carriage return) gets a
leading apostrophe, so a name or a problem value from an input file never runs as a formula when
a colleague opens the file.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from copy import copy
from pathlib import Path
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a text cell as a formula (OWASP CSV injection)."""
NUMBER_FORMAT = "0.00"
"""Scores are stored as numbers and shown with two decimals (as in results.csv)."""
PAGE_FOOTER = "第 &P 页，共 &N 页"
"""The footer of every printed page: Excel's codes &P (this page) and &N (number of pages)."""
WIDE = frozenset({"W", "F", "A"})
"""East Asian widths printed two columns wide: CJK (W), full-width forms (F), and the ambiguous ones
(A: “ ” — · ①) that Chinese fonts print full-width too (Unicode UAX #11)."""
WIDTH_MARGIN = 2
"""Columns added to the widest text of a column, so that the text does not touch the cell border."""


def neutralize_cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe; others unchanged.

    Also text whose first visible character is one of ``= + - @`` after leading blanks (some
    spreadsheets trim before parsing). Numbers, dates and ``None`` are returned as they are, and
    a neutralised cell is not changed again (it starts with ``'``).
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) or value.lstrip(" \u3000\n\t\r\v\f").startswith(FORMULA_START[:4]):
        return "'" + value
    return value


def neutralize_frame(frame):
    """A copy of a DataFrame with every text cell (and column label) neutralised for CSV output."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if is_object_dtype(out[column].dtype) or is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutralize_cell).astype(object)
    out.columns = [neutralize_cell(c) for c in out.columns]
    return out


def _csv_field(value: Any) -> str:
    """One CSV field: minimal quoting (as Python's csv module), but a CR or LF is always quoted."""
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = value if isinstance(value, str) else str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(frame, path: Path, encoding: str = "utf-8") -> None:
    """Write a DataFrame as CSV (LF line ends, no index) with every text cell neutralised.

    Byte for byte what ``DataFrame.to_csv(index=False, lineterminator=LF)`` writes for
    ordinary data; unlike it, a cell holding a carriage return is quoted, so no reader splits the
    row there.
    """
    out = neutralize_frame(frame)
    lines = [",".join(_csv_field(c) for c in out.columns)]
    lines += [",".join(_csv_field(v) for v in row) for row in out.itertuples(index=False, name=None)]
    Path(path).write_bytes(("\n".join(lines) + "\n").encode(encoding))


def neutralize_workbook(workbook) -> None:
    """Neutralise every text cell of every sheet in place (formula cells become text)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and neutralize_cell(value) is not value:
                    cell.value = neutralize_cell(value)
                    cell.data_type = "s"


def restamp_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """An Office file's zip with every entry dated ``stamp`` and fixed attributes (byte-identical reruns)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def workbook_bytes(workbook, stamp: dt.datetime) -> bytes:
    """The workbook as .xlsx bytes with fixed document properties and zip entry dates.

    Every text cell is neutralised first (:func:`neutralize_workbook`): we never write a formula.
    """
    from openpyxl.writer.excel import ExcelWriter

    neutralize_workbook(workbook)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return restamp_zip(raw.getvalue(), stamp)


def save_workbook(workbook, path: Path, stamp: dt.datetime) -> None:
    """Write ``workbook`` to ``path`` deterministically (see :func:`workbook_bytes`)."""
    Path(path).write_bytes(workbook_bytes(workbook, stamp))


# ----------------------------------------------------------------------------- printing (SPEC 8.4)


def print_setup(sheet, title_rows: str, *, landscape: bool, header: str | None = None) -> None:
    """A4, one page wide, ``title_rows`` (e.g. ``"1:3"``) repeated on every page, page numbers (SPEC 8.4).

    ``header`` (e.g. the document's title) is printed at the top of every page; an ``&`` in it is
    doubled so that Excel prints it instead of reading a header code.
    """
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.6, right=0.6, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    sheet.oddFooter.center.text = PAGE_FOOTER
    if header:
        sheet.oddHeader.center.text = header.replace("&", "&&")


def text_width(text: str) -> int:
    """How many columns ``text`` takes when printed: 2 for a CJK or full-width character, 1 for others.

    Text with line breaks takes the width of its widest line.
    """
    return max(sum(2 if unicodedata.east_asian_width(ch) in WIDE else 1 for ch in line)
               for line in text.split("\n"))


def shown_text(cell) -> str:
    """A cell's value as the spreadsheet shows it (a score with two decimals, a date as 2026-03-01)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and cell.number_format == NUMBER_FORMAT:
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def fit_columns(sheet, *, header_row: int, min_width: int = 6, max_width: int = 60) -> None:
    """Each column as wide as its widest cell from ``header_row`` down, plus a margin, within the bounds.

    Widths count a CJK character as 2 (:func:`text_width`). A cell merged across columns (a title, a
    note) is left out. A column that would be wider than ``max_width`` is ``max_width`` wide and its
    cells wrap, so nothing is cut off on paper.
    """
    from openpyxl.utils import get_column_letter

    merged = {cell for r in sheet.merged_cells.ranges if r.min_col != r.max_col for cell in r.cells}
    for column in range(1, sheet.max_column + 1):
        cells = [sheet.cell(row=row, column=column) for row in range(header_row, sheet.max_row + 1)
                 if (row, column) not in merged]
        widest = max((text_width(shown_text(c)) for c in cells), default=0) + WIDTH_MARGIN
        sheet.column_dimensions[get_column_letter(column)].width = max(min_width, min(max_width, widest))
        if widest > max_width:
            for cell in cells:
                alignment = copy(cell.alignment)
                alignment.wrap_text = True
                cell.alignment = alignment
