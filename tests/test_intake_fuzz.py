"""Fuzzing the intake (issue 4): whatever a cell holds, only the tool's own problem records or
``InputError`` come out of ``load_year``/``assess_year`` — never another exception.

Cells of the golden year 2025 are overwritten with arbitrary contents (text with control
characters, huge numbers, NaN/inf, dates, None, formula text, HTML), in CSV and in .xlsx files.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landassess.assessment import assess_year
from landassess.divisions import load_divisions
from landassess.intake import TABLES, decode_csv_bytes, load_year, read_raw_table
from landassess.intake import values as v
from landassess.params import load_params
from landassess.problems import InputError
from landassess.vocabulary import FATAL, STATUSES

GOLDEN = Path(__file__).parent / "golden" / "2025"
YEAR = 2025
CJK = re.compile(r"[\u4e00-\u9fff]")
DECISIONS = [["县级代码", "决定", "理由", "决定人", "日期"],
             ["320115", "先进", "委员会表决", "评审委员会", "2026-02-20"]]

SPECIAL = st.sampled_from([
    "", " ", "\u3000", "NaN", "nan", "inf", "-inf", "Infinity", "1e400", "-1e-400", "1e999999999",
    "=1+1", "=", "=SUM(A1:A3)", "=#REF!", "#DIV/0!", "<script>alert(1)</script>", "<b>亩</b>",
    "320571", "329999", "32132", "3213220", "'321322", "321322.0", "３２１３２２", "320115000000",
    "2025-02-30", "2099-12-31", "0000-01-01", "9999-12-31", "2025/13/1", "2025年2月30日",
    "是", "否", "Y", "true", "2", "-0", "0.000", "１，０００．５", "1,00", "12,345,678.9",
    "亩", "公顷", "5公顷", "-3亩", "ha", "省", "国家", "市级", "C01", "c1", "C14", "媒体披露",
    "通报表扬", "模范", "冠军", "\x00", "\x07\x1b", "\ufeff", "\u202e反向", "𠀀", "😀", "a" * 5000,
    "1" * 400, "0.1234567890123456789", "4.5", "99999999999", "1e12",
])
CELL = st.one_of(
    SPECIAL,
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(str),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.booleans(),
    st.none(),
)
FUZZ = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def context():
    params = load_params(YEAR, GOLDEN / "params.yaml")
    return params, load_divisions(params.divisions.file)


def _read(folder: Path, table: str) -> list[list[str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _xlsx_safe(value: Any) -> Any:
    """What openpyxl can store: no control characters in text (it refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2 ** 53:
        return str(value)
    return value


def _write(folder: Path, table: str, rows: list[list[Any]], as_xlsx: bool) -> None:
    (folder / f"{table}.csv").unlink(missing_ok=True)
    if as_xlsx:
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append([_xlsx_safe(c) if c != "" else None for c in row])
        book.save(folder / f"{table}.xlsx")
    else:
        with (folder / f"{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([[_as_text(c) for c in row] for row in rows])


def _check_year(folder: Path, params, divisions) -> None:
    """Only problems or InputError; the results list every division with a known status."""
    try:
        inputs = load_year(folder, YEAR, params, divisions)
    except InputError as error:
        assert error.problems and all(p.severity == FATAL for p in error.problems)
        assert all(CJK.search(p.message) for p in error.problems)
        return
    assessment = assess_year(inputs, params, divisions)
    results = assessment.results()
    assert len(results) == len(divisions.codes)
    assert set(results["status"]) <= set(STATUSES)
    for problem in assessment.problems:
        assert CJK.search(problem.message), problem
        assert len(problem.value) < 400, problem
        problem.located()


@pytest.mark.parametrize("table", list(TABLES))
@FUZZ
@given(data=st.data())
def test_any_cell_contents_give_problems_not_crashes(table: str, data: st.DataObject, context):
    params, divisions = context
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "input"
        shutil.copytree(GOLDEN / "input", folder)
        _add_optional(folder, table)
        rows = _read(folder, table)
        column = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
        # Never every row: a table whose every row is unusable is another question (see report).
        n = data.draw(st.integers(1, max(1, min(3, len(rows) - 2))), label="cells")
        targets = data.draw(st.lists(st.integers(1, len(rows) - 1), min_size=n, max_size=n, unique=True),
                            label="rows")
        for row in targets:
            rows[row][column] = data.draw(CELL, label=f"cell {row}")
        as_xlsx = data.draw(st.booleans(), label="xlsx")
        _write(folder, table, rows, as_xlsx)
        _check_year(folder, params, divisions)


@pytest.mark.parametrize("table", list(TABLES))
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(label=CELL, as_xlsx=st.booleans(), column=st.integers(0, 3))
def test_any_header_label_gives_problems_not_crashes(table: str, label: Any, as_xlsx: bool, column: int,
                                                     context):
    params, divisions = context
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "input"
        shutil.copytree(GOLDEN / "input", folder)
        _add_optional(folder, table)
        rows = _read(folder, table)
        rows[0][column % len(rows[0])] = label
        _write(folder, table, rows, as_xlsx)
        _check_year(folder, params, divisions)


# ----------------------------------------------------------------------------- whole files


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.binary(max_size=400))
def test_any_bytes_decode_or_are_refused_in_chinese(data: bytes):
    from landassess.intake import _Unusable

    try:
        text, encoding = decode_csv_bytes(data)
    except _Unusable as error:
        assert CJK.search(error.message)
    else:
        assert isinstance(text, str) and encoding in ("utf-8", "gb18030")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]),
       table=st.sampled_from(list(TABLES)))
def test_any_file_reads_or_raises_input_error(data: bytes, suffix: str, table: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{table}{suffix}"
        path.write_bytes(data)
        try:
            read_raw_table(path, table)
        except InputError as error:
            assert all(p.severity == FATAL and p.file == path.name for p in error.problems)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_damaged_workbooks_raise_input_error(data: st.DataObject, tmp_path_factory):
    """A real workbook with some bytes changed or cut off: read, or refused as damaged."""
    import datetime as dt

    import openpyxl

    from landassess.publish.workbooks import workbook_bytes

    folder = tmp_path_factory.mktemp("book")
    book = openpyxl.Workbook()
    book.active.append(["县级代码", "查验通过", "异议成立"])
    book.active.append([320685, "否", "否"])
    book.active["D5"] = "=1+1"
    # Fixed bytes: openpyxl's own save stamps the clock, and hypothesis needs the same draws each time.
    original = workbook_bytes(book, dt.datetime(2026, 1, 1))
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 20))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    damaged = damaged[: data.draw(st.integers(1, len(damaged)))]
    (folder / "verification.xlsx").write_bytes(bytes(damaged))
    try:
        read_raw_table(folder / "verification.xlsx", "verification")
    except InputError as error:
        assert all(CJK.search(p.message) for p in error.problems)


# ----------------------------------------------------------------------------- single cells


READERS = {
    "code": v.parse_code, "bool": v.parse_bool, "date": v.parse_date, "unit": v.parse_unit,
    "decimal": v.parse_decimal, "area": v.parse_area, "level": v.parse_level,
    "positive_int": v.parse_positive_int, "text": v.parse_text,
    "document_number": v.normalize_document_number,
    "choice": lambda x: v.parse_choice(x, {"是": "yes"}, "是"),
}


@pytest.mark.parametrize("reader", list(READERS))
@settings(max_examples=300, deadline=None, derandomize=True)
@given(raw=st.one_of(CELL, st.builds(v.FormulaCell, st.text(max_size=10))))
def test_cell_readers_raise_only_bad_value(reader: str, raw: Any):
    try:
        value = READERS[reader](raw)
    except v.BadValue as error:
        assert CJK.search(error.expected)
        assert len(error.message or "") < 600
    else:
        if isinstance(value, Decimal):
            assert value.is_finite() and abs(value) < v.MAX_MAGNITUDE
        if isinstance(value, tuple):
            assert value[0].is_finite()
    assert v.display_value(raw) is not None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(number=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e8, max_value=1e8),
       places=st.integers(0, 6))
def test_excel_numbers_are_read_as_typed(number: float, places: int):
    """A number typed into Excel (a few decimals) is read exactly as typed, not as its binary float."""
    raw = round(number, places)
    assert v.parse_decimal(raw) == Decimal(repr(raw))
    assert v.parse_decimal(raw + 0.0) == v.parse_decimal(str(raw))


# ----------------------------------------------------------------------------- whole tables unusable

# A table without any usable row: every code unreadable, every row with an unreadable required
# value, or no rows at all. (Until the empty-table fixes in vetoes, bonus and assessment, the
# year crashed there: KeyError 'code', and a merge on an empty ranking.)
RECUSALS = [["评委", "县级代码", "设区市", "理由"], ["评委甲", "320583", "", "曾在该县任职"], ["评委乙", "", "南通市", "籍贯"]]
"""The golden year has no recusals: a small table for the fuzzing of that table."""


def _add_optional(folder: Path, table: str) -> None:
    """Write the optional table being fuzzed when the golden year has none."""
    if table == "decisions":
        _write(folder, "decisions", [list(r) for r in DECISIONS], as_xlsx=False)
    elif table == "recusals":
        _write(folder, "recusals", [list(r) for r in RECUSALS], as_xlsx=False)


_SPOIL = {  # a required column of each table and a value it cannot take
    "declarations": ("申报日期", "不详"), "recommendations": ("order", "第一"),
    "land_stats": ("违法占用耕地面积", "不详"), "veto_events": ("类型", "不详"),
    "bonus_events": ("kind", "不详"), "scores": ("score", "不详"),
    "verification": ("查验通过", "不详"), "decisions": ("决定", "不详"), "recusals": ("县级代码", "不详"),
}


@pytest.mark.parametrize("table", list(TABLES))
@pytest.mark.parametrize("spoil", ["code", "value", "no-rows"])
def test_table_without_a_usable_row(spoil: str, table: str, context):
    """Every row's code (or a required value) unreadable, or no rows: problems or InputError."""
    params, divisions = context
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "input"
        shutil.copytree(GOLDEN / "input", folder)
        _add_optional(folder, table)
        rows = _read(folder, table)
        if spoil == "no-rows":
            rows = rows[:1]
        else:
            column, value = ("县级代码" if "县级代码" in rows[0] else "code", "不详") if spoil == "code" \
                else _SPOIL[table]
            position = rows[0].index(column)
            for row in rows[1:]:
                row[position] = value
        _write(folder, table, rows, as_xlsx=False)
        _check_year(folder, params, divisions)
