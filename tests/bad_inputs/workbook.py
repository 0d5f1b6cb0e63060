"""Helpers that edit a copy of the base year's CSV tables and write .xlsx variants with openpyxl.

Every helper takes the year's folder. Rows are found by county code, columns by the header label
used in the base files, so each case states its change in the words a user would use.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

CODE_LABELS = ("县级代码", "code")


def read_table(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of ``<table>.csv`` (UTF-8)."""
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_table(folder: Path, table: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
                encoding: str = "utf-8") -> Path:
    path = folder / f"{table}.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(["" if c is None else c for c in row] for row in rows)
    return path


def code_position(header: Sequence[str]) -> int:
    return next(i for i, label in enumerate(header) if label in CODE_LABELS)


def row_number(folder: Path, table: str, code: str, nth: int = 0) -> int:
    """The row number a user sees (header = 1) of the ``nth`` row naming ``code``."""
    header, rows = read_table(folder, table)
    pos = code_position(header)
    matches = [i for i, row in enumerate(rows) if row[pos] == code]
    return matches[nth] + 2


def set_cell(folder: Path, table: str, code: str, column: str, value: Any, *, nth: int = 0,
             where: Callable[[list[str]], bool] | None = None) -> None:
    """Set ``column`` of the ``nth`` row naming ``code`` (optionally also matching ``where``)."""
    header, rows = read_table(folder, table)
    pos = code_position(header)
    matches = [row for row in rows if row[pos] == code and (where is None or where(row))]
    matches[nth][header.index(column)] = value
    write_table(folder, table, header, rows)


def append_row(folder: Path, table: str, values: dict[str, Any]) -> int:
    """Append a row (label → value, others blank); returns its row number."""
    header, rows = read_table(folder, table)
    rows.append([values.get(label, "") for label in header])
    write_table(folder, table, header, rows)
    return len(rows) + 1


def duplicate_row(folder: Path, table: str, code: str, changes: dict[str, Any] | None = None,
                  where: Callable[[list[str]], bool] | None = None) -> int:
    """Append a copy of the first row naming ``code``, with ``changes``; returns its row number."""
    header, rows = read_table(folder, table)
    pos = code_position(header)
    original = next(row for row in rows if row[pos] == code and (where is None or where(row)))
    copy = list(original)
    for label, value in (changes or {}).items():
        copy[header.index(label)] = value
    rows.append(copy)
    write_table(folder, table, header, rows)
    return len(rows) + 1


def delete_rows(folder: Path, table: str, code: str) -> None:
    header, rows = read_table(folder, table)
    pos = code_position(header)
    write_table(folder, table, header, [row for row in rows if row[pos] != code])


def drop_column(folder: Path, table: str, column: str) -> None:
    header, rows = read_table(folder, table)
    pos = header.index(column)
    write_table(folder, table, [h for i, h in enumerate(header) if i != pos],
                [[c for i, c in enumerate(row) if i != pos] for row in rows])


def reencode(folder: Path, table: str, encoding: str) -> None:
    path = folder / f"{table}.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


# ----------------------------------------------------------------------------- .xlsx


def excel_value(text: str) -> Any:
    """A CSV cell as Excel would hold it: codes and numbers as numbers, ISO dates as dates."""
    if text == "":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.fromisoformat(text)
    if re.fullmatch(r"-?\d+", text) and len(text) < 12:
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def to_xlsx(folder: Path, table: str, *, typed: bool = True, title: str | None = None,
            group_header: dict[str, tuple[str, str]] | None = None, hidden_columns: Sequence[str] = (),
            hidden_rows: Sequence[int] = (), blank_rows_after: Sequence[int] = (),
            trailing_blank_rows: int = 0, formulas: dict[tuple[int, str], str] | None = None,
            sheet_name: str = "数据", merge_column: str | None = None) -> Path:
    """Replace ``<table>.csv`` by ``<table>.xlsx`` written with openpyxl.

    ``title``: a merged title row above the header. ``group_header``: a two-row header: column
    → (group label in a merged cell above, label below); the other header cells are merged
    vertically over both rows. ``hidden_columns``/``hidden_rows``: hidden in Excel (rows as CSV
    row numbers, header = 1). ``blank_rows_after``: a blank row inserted after each of these
    CSV rows. ``formulas``: (CSV row number, column) → formula put in place of the value (no
    cached value, as openpyxl writes them). ``merge_column``: runs of equal values in this
    column are merged vertically (as 设区市 often is).
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    header, rows = read_table(folder, table)
    (folder / f"{table}.csv").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    width = len(header)
    row = 1
    if title is not None:
        sheet.cell(row, 1, title)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    if group_header:
        groups: dict[str, list[int]] = {}
        for i, label in enumerate(header, start=1):
            if label in group_header:
                group, below = group_header[label]
                groups.setdefault(group, []).append(i)
                sheet.cell(row + 1, i, below)
            else:
                sheet.cell(row, i, label)
                sheet.merge_cells(start_row=row, start_column=i, end_row=row + 1, end_column=i)
        for group, columns in groups.items():
            sheet.cell(row, columns[0], group)
            if len(columns) > 1:
                sheet.merge_cells(start_row=row, start_column=columns[0], end_row=row, end_column=columns[-1])
        row += 2
    else:
        for i, label in enumerate(header, start=1):
            sheet.cell(row, i, label)
        row += 1
    row_of_csv: dict[int, int] = {}
    for number, values in enumerate(rows, start=2):
        row_of_csv[number] = row
        for i, text in enumerate(values, start=1):
            sheet.cell(row, i, excel_value(text) if typed else (text or None))
        for (formula_row, column), formula in (formulas or {}).items():
            if formula_row == number:
                sheet.cell(row, header.index(column) + 1, formula)
        row += 1
        row += sum(1 for after in blank_rows_after if after == number)
    for _ in range(trailing_blank_rows):
        for i in range(1, width + 1):
            sheet.cell(row, i, "  " if i == 1 else None)  # spaces only: still a blank row
        row += 1
    for label in hidden_columns:
        sheet.column_dimensions[get_column_letter(header.index(label) + 1)].hidden = True
    for number in hidden_rows:
        sheet.row_dimensions[row_of_csv[number]].hidden = True
    if merge_column is not None:
        column = header.index(merge_column) + 1
        start = None
        numbers = sorted(row_of_csv.items())
        for k, (number, sheet_row) in enumerate(numbers):
            value = rows[number - 2][column - 1]
            nxt = rows[numbers[k + 1][0] - 2][column - 1] if k + 1 < len(numbers) else None
            start = sheet_row if start is None else start
            if nxt != value or numbers[k + 1][1] != sheet_row + 1:
                if sheet_row > start:
                    sheet.merge_cells(start_row=start, start_column=column, end_row=sheet_row, end_column=column)
                start = None
    path = folder / f"{table}.xlsx"
    workbook.save(path)
    return path


def cache_formula_values(path: Path, values: dict[str, str]) -> None:
    """Store cached values for formula cells (cell ref → value), as Excel does when it saves."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for ref, value in values.items():
        xml, count = re.subn(rf'(<c r="{ref}"[^>]*><f>[^<]*</f>)(?:<v\s*/>|<v></v>)', rf"\g<1><v>{value}</v>", xml)
        assert count == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


CRITERION_NAMES = {
    "C01": "党委专题研究部署耕地保护和土地执法工作", "C02": "落实耕地保护党政同责", "C03": "依法批地用地征地",
    "C04": "执法保障", "C05": "执法监管共同责任机制与部门联动", "C06": "执法队伍建设与行政执法三项制度",
    "C07": "动态巡查、举报受理", "C08": "案件查处规范", "C09": "卫片执法违法占用耕地情况",
    "C10": "违法用地查处整改到位", "C11": "督察发现问题整改销号", "C12": "专项整治行动按期完成",
    "C13": "交办、督办、信访案件按期办结",
}


def scores_to_wide_xlsx(folder: Path, *, named: bool = False, title: str | None = None,
                        change: tuple[str, str, str, str] | None = None) -> Path:
    """Replace the long ``scores.csv`` by a wide ``scores.xlsx`` (评委, 县级代码, C01 … C13).

    A criterion an evaluator did not score is a blank cell. ``named``: headers such as
    “C01 党委专题研究…”. ``change``: (evaluator, code, criterion, value) written into that cell.
    """
    import openpyxl

    header, rows = read_table(folder, "scores")
    (folder / "scores.csv").unlink()
    criteria = list(CRITERION_NAMES)
    wide: dict[tuple[str, str], dict[str, Any]] = {}
    for evaluator, code, criterion, score in rows:
        wide.setdefault((evaluator, code), {})[criterion] = excel_value(score)
    if change is not None:
        evaluator, code, criterion, value = change
        wide[(evaluator, code)][criterion] = value
    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.append([title])
    sheet.append(["评委", "县级代码", *(f"{c} {CRITERION_NAMES[c]}" if named else c for c in criteria)])
    for (evaluator, code), scores in wide.items():
        sheet.append([evaluator, int(code), *(scores.get(c) for c in criteria)])
    path = folder / "scores.xlsx"
    book.save(path)
    return path
