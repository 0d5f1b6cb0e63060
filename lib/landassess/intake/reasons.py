"""Reason codes of intake's problems: stable, dotted, English (SPEC 4, docs/input_problems.md).

Every :class:`~landassess.problems.Problem` intake makes carries one of these codes in
``Problem.reason``. Messages are Chinese and may be reworded; code that needs to tell problems
apart (a what-if, a report filter, a test) compares the reason code, never the message text.
The prefix names where the problem lies: the folder, a file, its layout, a header, a cell, a
row, a date, a score.
"""

from __future__ import annotations

REASONS: dict[str, str] = {
    # The year's folder and its files (fatal).
    "folder.missing": "the input folder does not exist",
    "file.missing": "a required table has no file",
    "file.ambiguous": "a table has more than one file (.csv and .xlsx, English and Chinese name)",
    "file.not_a_file": "the table's name is taken by a folder or a special file",
    "file.unsupported": "the table's file is in a format intake does not read (.xls, .ods, …)",
    "file.unreadable": "the operating system refused to read the file",
    "file.empty": "the file or its sheet is empty: no header",
    "file.wrong_format": "the file's content is another format than its extension says",
    "file.encoding": "the CSV text is in an encoding intake does not read (UTF-16, Big5, mixed)",
    "file.binary": "the CSV file holds binary content (null bytes)",
    "file.too_large": "the file, a workbook part or a sheet is larger than any real input table",
    "file.damaged": "the workbook is damaged or encrypted",
    "file.xml_dtd": "a workbook part declares an XML document type (entity expansion)",
    "csv.unparsable": "the csv module cannot parse the text",
    "sheet.none": "the workbook has no sheet",
    "sheet.all_hidden": "every sheet of the workbook is hidden",
    # The header (fatal).
    "header.missing_column": "a required column is missing from the header",
    "header.missing_outcome": "none of the columns that carry an outcome is present (verification)",
    "header.mixed_forms": "a score sheet mixes the long form (criterion, score) and the wide form (C01 …)",
    "table.no_rows": "a table the year needs has a header and no data rows",
    "table.no_codes": "no row of a table the year needs names a known county",
    # The layout (notices).
    "layout.title_rows": "rows above the header are read as titles",
    "layout.hidden_sheet": "a hidden first sheet was passed over for the first visible one",
    "layout.hidden_column": "a column is hidden in Excel and was read as usual",
    "layout.hidden_row": "a row is hidden in Excel and was read as usual",
    "layout.unknown_column": "a column the table does not know is ignored",
    "layout.duplicate_column": "two columns mean the same thing; the left one is read",
    "layout.headerless_cells": "cells under no header are ignored",
    # Damaged rows of a CSV file.
    "csv.stray_quote": "a quote that does not close would swallow the lines below it",
    "row.extra_cells": "a row has more cells than the header (an unquoted separator in a cell)",
    # One cell.
    "cell.formula": "a formula saved without its computed value",
    "cell.empty": "a required cell is blank",
    "cell.code": "not a 6-digit division code",
    "cell.code_unknown": "a 6-digit code that is not in the list of county-level divisions",
    "cell.code_zone": "a development-zone code: not a county-level division (五)",
    "cell.bool": "not a yes/no value",
    "cell.date": "not a date",
    "cell.date_impossible": "a date that does not exist (2025-02-30)",
    "cell.number": "not a number",
    "cell.out_of_range": "a number too large to be an area, a score or an order",
    "cell.decimals": "a number with more decimal places than are read",
    "cell.negative": "a negative area",
    "cell.integer": "not a positive whole number",
    "cell.unit": "not an area unit (亩, 公顷)",
    "cell.unit_mismatch": "the unit written in an area cell differs from the unit column",
    "cell.choice": "not one of the values the column accepts (a veto type, a level, a decision)",
    "cell.city": "not a city of the province",
    # One row against the reference list and the other rows.
    "row.name_mismatch": "the county name does not match the code",
    "row.city_mismatch": "the city does not match the code",
    "row.verified_missing": "a media exposure without its verified flag",
    "row.duplicate": "a repeated row with the same content (counted once)",
    "row.conflict": "repeated rows that disagree",
    "row.recusal_scope": "a recusal names neither a county nor a city",
    # Dates against the run day and the deadlines (SPEC 2, 六).
    "date.future": "a date after the day of the run",
    "date.late": "a declaration or recommendation after its deadline (六(一), 六(二))",
    "date.early": "a declaration dated before the assessed year ended",
    # Scores.
    "score.unknown_criterion": "a criterion id the rubric does not have",
    "score.out_of_range": "a score below 0 or above the criterion's maximum",
    # What collect recorded for the year (SPEC 8.2, intake/collected.py).
    "collect.record_unreadable": "collected.json is not collect's record, or is for another year: ignored",
}
"""Reason code → what it means, in English (the Chinese message says it to the user)."""
