"""The declarative table schema (intake/schema.py), the column-by-column parser and the deadline rules.

Tiny hand-written tables: the expected values are worked out by hand from SPEC 4 and 六(一)/(二).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from landassess.intake import TABLES, map_header
from landassess.intake.cells import _Context
from landassess.intake.columns import FromDivisions, FromParams
from landassess.intake.deadlines import judge_declaration_date, judge_recommendation_date
from landassess.intake.files import RawTable
from landassess.intake.tables import parse_table
from landassess.params import Deadlines

TODAY = dt.date(2026, 3, 1)
DEADLINES = Deadlines(declaration="01-15", recommendation="01-31", source="测试")


def _parse(table: str, header: list[str], rows: list[list[object]], params, divisions, today=TODAY):
    spec = TABLES[table]
    frame = pd.DataFrame(rows, dtype=object)
    frame.columns = range(len(header))
    raw = RawTable(Path(f"{table}.csv"), "", header, 1, frame, pd.Series(range(2, len(rows) + 2), dtype="int64"))
    raw.mapping = map_header(spec, header)
    problems: list = []
    ctx = _Context(spec, raw, raw.mapping, problems, divisions, params, 2025, today)
    return parse_table(ctx), problems


# ----------------------------------------------------------------------------- the schema reads in one place


def test_every_column_declares_how_it_is_read():
    for spec in TABLES.values():
        for column in spec.columns:
            if column.name == "code" or spec.parse is not None and column.name in ("criterion", "score"):
                continue  # the code column is read first for every table; scores have their own reader
            assert column.parser is not None, f"{spec.name}.{column.name}"
            assert callable(column.parser) or isinstance(column.parser, (FromDivisions, FromParams))
            if column.unit_column:
                assert spec.column(column.unit_column).parser is not None


def test_only_the_free_text_columns_are_notes():
    notes = {(s.name, c.name) for s in TABLES.values() for c in s.columns if c.is_note}
    assert notes == {("declarations", "contact"), ("declarations", "phone"), ("land_stats", "source"),
                     ("veto_events", "reference"), ("veto_events", "description"), ("bonus_events", "title"),
                     ("decisions", "decided_by"), ("decisions", "basis")}


def test_acts_of_the_city_and_the_committee_never_make_a_county_incomplete():
    for table in ("recommendations", "decisions"):
        assert all(not c.affects for c in TABLES[table].columns if c.name != "code" and not c.is_note)


# ----------------------------------------------------------------------------- parsing by the schema


def test_areas_are_read_after_their_unit_and_converted_to_mu(params, divisions):
    table, problems = _parse("land_stats", ["县级代码", "违法占用耕地面积", "新增建设用地占用耕地面积", "面积单位"],
                             [["320102", "2", "100", "公顷"], ["320104", "3亩", "90", ""]], params, divisions)
    assert problems == []
    # 1 公顷 = 15 亩 (params.vetoes.hectare_to_mu)
    assert table["illegal_cultivated_area_mu"].tolist() == [Decimal(2) * params.vetoes.hectare_to_mu, Decimal(3)]
    assert table["illegal_cultivated_area_unit"].tolist() == ["公顷", "亩"]
    assert list(table.columns[:6]) == ["file", "sheet", "row", "is_valid", "code", "area_unit"]


def test_a_unit_written_in_the_cell_must_agree_with_the_unit_column(params, divisions):
    table, problems = _parse("land_stats", ["县级代码", "违法占用耕地面积", "新增建设用地占用耕地面积", "面积单位"],
                             [["320102", "2亩", "100", "公顷"]], params, divisions)
    assert [(p.reason, p.cell, p.code) for p in problems] == [("cell.unit_mismatch", "B2", "320102")]
    assert table["is_valid"].tolist() == [False]


@pytest.mark.parametrize(("row", "reasons"), [
    pytest.param(["320102", "玄武区", "南京市", "2026-01-10"], [], id="clean"),
    pytest.param(["320102", "秦淮区", "南京市", "2026-01-10"], ["row.name_mismatch"], id="name-of-another-county"),
    pytest.param(["320102", "玄武区", "苏州市", "2026-01-10"], ["row.city_mismatch"], id="city-of-another-county"),
    pytest.param(["320102", "玄武区", "南京", "2026-01-16"], ["date.late"], id="late-city-without-shi"),
    pytest.param(["320102", "玄武区", "南京市", "2026-03-02"], ["date.future"], id="after-the-run-day"),
    pytest.param(["320102", "玄武区", "南京市", "2026-02-30"], ["cell.date_impossible"], id="impossible-date"),
    pytest.param(["320799", "玄武区", "南京市", "2026-01-10"], ["cell.code_unknown"], id="unknown-code"),
    pytest.param(["320102", "玄武区", "常熟", "2026-01-10"], ["cell.city"], id="not-a-city"),
])
def test_declaration_rows(row, reasons, params, divisions):
    _, problems = _parse("declarations", ["县级代码", "名称", "设区市", "申报日期"], [row], params, divisions)
    assert [p.reason for p in problems] == reasons


def test_repeated_rows_are_a_notice_when_equal_and_an_error_when_not(params, divisions):
    header = ["县级代码", "违法占用耕地面积", "新增建设用地占用耕地面积"]
    rows = [["320102", "1", "100"], ["320102", "1", "100"], ["320104", "1", "100"], ["320104", "2", "100"]]
    table, problems = _parse("land_stats", header, rows, params, divisions)
    assert [(p.reason, p.severity, p.row) for p in problems] == [("row.duplicate", "notice", 3),
                                                                 ("row.conflict", "error", 5)]
    assert table["is_valid"].tolist() == [True, False, False, False]


def test_a_media_exposure_needs_its_verified_cell(params, divisions):
    header = ["县级代码", "类型", "日期", "层级", "是否查实"]
    rows = [["320102", "媒体曝光", "2025-05-01", "省级", ""], ["320104", "约谈", "2025-05-01", "省级", ""]]
    table, problems = _parse("veto_events", header, [[c or None for c in r] for r in rows], params, divisions)
    assert [(p.reason, p.code) for p in problems] == [("row.verified_missing", "320102")]
    assert table["is_valid"].tolist() == [False, True]


# ----------------------------------------------------------------------------- deadlines (六(一), 六(二))


@pytest.mark.parametrize(("declared_on", "reasons"), [
    pytest.param(None, [], id="blank"),
    pytest.param(dt.date(2026, 1, 15), [], id="on-the-deadline"),
    pytest.param(dt.date(2026, 1, 16), ["date.late"], id="a-day-late"),
    pytest.param(dt.date(2025, 12, 31), ["date.early"], id="before-the-year-ended"),
    pytest.param(dt.date(2026, 3, 2), [], id="after-the-run-day-is-an-error-elsewhere"),
])
def test_declaration_deadline(declared_on, reasons):
    notices = judge_declaration_date(declared_on, year=2025, deadlines=DEADLINES, today=TODAY)
    assert [n.reason for n in notices] == reasons
    assert all("2026-01-15" in n.message or n.reason == "date.early" for n in notices)


@pytest.mark.parametrize(("recommended_on", "reasons"), [
    pytest.param(None, [], id="blank"),
    pytest.param(dt.date(2026, 1, 31), [], id="on-the-deadline"),
    pytest.param(dt.date(2026, 2, 1), ["date.late"], id="a-day-late"),
    pytest.param(dt.date(2026, 3, 2), [], id="after-the-run-day-is-an-error-elsewhere"),
])
def test_recommendation_deadline(recommended_on, reasons):
    notices = judge_recommendation_date(recommended_on, year=2025, deadlines=DEADLINES, today=TODAY)
    assert [n.reason for n in notices] == reasons
