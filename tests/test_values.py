"""Cell readers (SPEC 4): yes/no, dates, numbers, areas and units, codes, document numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from landassess.intake import values as v

# ----------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("是", True, id="shi"),
    pytest.param("否", False, id="fou"),
    pytest.param("Y", True, id="Y"),
    pytest.param("N", False, id="N"),
    pytest.param("y", True, id="y-lower"),
    pytest.param("n", False, id="n-lower"),
    pytest.param("true", True, id="true"),
    pytest.param("false", False, id="false"),
    pytest.param("TRUE", True, id="TRUE-upper"),
    pytest.param("False", False, id="False-title"),
    pytest.param("1", True, id="one-text"),
    pytest.param("0", False, id="zero-text"),
    pytest.param(1, True, id="one-int"),
    pytest.param(0, False, id="zero-int"),
    pytest.param(1.0, True, id="one-float-excel"),
    pytest.param(True, True, id="excel-bool-true"),
    pytest.param(False, False, id="excel-bool-false"),
    pytest.param("１", True, id="full-width-one"),
    pytest.param(" 是 ", True, id="padded"),
])
def test_parse_bool_accepts_the_spec_forms(raw, expected):
    assert v.parse_bool(raw) is expected


@pytest.mark.parametrize("raw", [
    pytest.param("也许", id="maybe"),
    pytest.param("2", id="two"),
    pytest.param("", id="empty"),
    pytest.param(None, id="none"),
])
def test_parse_bool_rejects_other_text(raw):
    with pytest.raises(v.BadValue):
        v.parse_bool(raw)


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("2024-03-05", dt.date(2024, 3, 5), id="iso"),
    pytest.param("2024/3/5", dt.date(2024, 3, 5), id="slash-short"),
    pytest.param("2024/03/05", dt.date(2024, 3, 5), id="slash-padded"),
    pytest.param("2024年3月5日", dt.date(2024, 3, 5), id="chinese"),
    pytest.param("２０２４年３月５日", dt.date(2024, 3, 5), id="chinese-full-width-digits"),
    pytest.param("2024-03-05 00:00:00", dt.date(2024, 3, 5), id="iso-midnight-from-excel-text"),
    pytest.param(dt.datetime(2024, 3, 5, 0, 0), dt.date(2024, 3, 5), id="excel-datetime-cell"),
    pytest.param(dt.date(2024, 3, 5), dt.date(2024, 3, 5), id="date-object"),
    pytest.param("2024-02-29", dt.date(2024, 2, 29), id="leap-day"),
])
def test_parse_date_accepts_the_spec_forms(raw, expected):
    assert v.parse_date(raw) == expected


@pytest.mark.parametrize("raw", [
    pytest.param("2024-02-30", id="30-february"),
    pytest.param("2023-02-29", id="29-february-non-leap"),
    pytest.param("2024/13/1", id="month-13"),
    pytest.param("2024年2月30日", id="chinese-30-february"),
    pytest.param("05/03/2024", id="day-first"),
    pytest.param("明天", id="words"),
    pytest.param("", id="empty"),
])
def test_parse_date_rejects_impossible_or_unknown_dates(raw):
    with pytest.raises(v.BadValue) as caught:
        v.parse_date(raw)
    # The user is told which forms are accepted.
    assert "2024-03-05" in caught.value.expected


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("12", Decimal("12"), id="integer"),
    pytest.param("１２", Decimal("12"), id="full-width-digits"),
    pytest.param("１２．５", Decimal("12.5"), id="full-width-point"),
    pytest.param("1,234.5", Decimal("1234.5"), id="thousands-separator"),
    pytest.param("1，234.5", Decimal("1234.5"), id="full-width-comma"),
    pytest.param("12,345,678", Decimal("12345678"), id="two-separators"),
    pytest.param("10.86", Decimal("10.86"), id="decimal-kept-exact"),
    pytest.param(" 72.4 ", Decimal("72.4"), id="padded"),
    pytest.param(7, Decimal(7), id="excel-int"),
    pytest.param(72.4, Decimal("72.4"), id="excel-float-shortest-repr"),
    pytest.param("-3", Decimal("-3"), id="negative-number-is-a-number"),
])
def test_parse_decimal(raw, expected):
    parsed = v.parse_decimal(raw)
    assert isinstance(parsed, Decimal)
    assert parsed == expected


@pytest.mark.parametrize("raw", [
    pytest.param("12,34", id="bad-grouping"),
    pytest.param("1.2.3", id="two-points"),
    pytest.param("abc", id="letters"),
    pytest.param("", id="empty"),
    pytest.param(float("nan"), id="nan-is-blank"),
    pytest.param(float("inf"), id="infinite"),
    pytest.param(True, id="bool"),
])
def test_parse_decimal_rejects(raw):
    with pytest.raises(v.BadValue):
        v.parse_decimal(raw)


# ----------------------------------------------------------------------------- areas and units


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("亩", v.UNIT_MU, id="mu"),
    pytest.param("公顷", v.UNIT_HECTARE, id="gongqing"),
    pytest.param("ha", v.UNIT_HECTARE, id="ha"),
    pytest.param("HA", v.UNIT_HECTARE, id="HA-upper"),
    pytest.param("hm²", v.UNIT_HECTARE, id="hm2"),
    pytest.param(None, v.UNIT_MU, id="blank-means-mu"),
    pytest.param("", v.UNIT_MU, id="empty-means-mu"),
])
def test_parse_unit(raw, expected):
    assert v.parse_unit(raw) == expected


def test_parse_unit_rejects_unknown_unit():
    with pytest.raises(v.BadValue):
        v.parse_unit("平方米")


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("12.5", (Decimal("12.5"), None), id="plain-number-no-unit"),
    pytest.param("12.5亩", (Decimal("12.5"), v.UNIT_MU), id="unit-mu-in-cell"),
    pytest.param("6.6 公顷", (Decimal("6.6"), v.UNIT_HECTARE), id="unit-gongqing-in-cell"),
    pytest.param("3ha", (Decimal("3"), v.UNIT_HECTARE), id="unit-ha-in-cell"),
    pytest.param("1,234.5亩", (Decimal("1234.5"), v.UNIT_MU), id="thousands-and-unit"),
    pytest.param("１００亩", (Decimal("100"), v.UNIT_MU), id="full-width-and-unit"),
    pytest.param("0", (Decimal("0"), None), id="zero-is-allowed"),
    pytest.param(99.99, (Decimal("99.99"), None), id="excel-number"),
])
def test_parse_area(raw, expected):
    assert v.parse_area(raw) == expected


@pytest.mark.parametrize("raw", [
    pytest.param("-1", id="negative-text"),
    pytest.param("-0.5亩", id="negative-with-unit"),
    pytest.param(-3, id="negative-excel-number"),
])
def test_parse_area_rejects_negative_area(raw):
    with pytest.raises(v.BadValue) as caught:
        v.parse_area(raw)
    assert caught.value.expected == "非负面积"


# ----------------------------------------------------------------------------- codes and levels


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("320102", "320102", id="text"),
    pytest.param(320102, "320102", id="excel-int"),
    pytest.param(320102.0, "320102", id="excel-float"),
    pytest.param("320102.0", "320102", id="float-as-text"),
    pytest.param("３２０１０２", "320102", id="full-width"),
])
def test_parse_code(raw, expected):
    assert v.parse_code(raw) == expected


@pytest.mark.parametrize("raw", [
    pytest.param("32010", id="five-digits"),
    pytest.param("3201021", id="seven-digits"),
    pytest.param("32O102", id="letter-O"),
    pytest.param(None, id="blank"),
])
def test_parse_code_rejects(raw):
    with pytest.raises(v.BadValue):
        v.parse_code(raw)


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param("国家", v.LEVEL_NATIONAL, id="guojia"),
    pytest.param("国家级", v.LEVEL_NATIONAL, id="guojiaji"),
    pytest.param("省", v.LEVEL_PROVINCIAL, id="sheng"),
    pytest.param("省级", v.LEVEL_PROVINCIAL, id="shengji"),
    pytest.param("市", v.LEVEL_CITY, id="shi"),
    pytest.param("市级", v.LEVEL_CITY, id="shiji"),
])
def test_parse_level(raw, expected):
    assert v.parse_level(raw) == expected


# ----------------------------------------------------------------------------- document numbers

CANONICAL = "苏自然资函〔2025〕12号"


@pytest.mark.parametrize("raw", [
    pytest.param("苏自然资函〔2025〕12号", id="tortoise-shell-brackets"),
    pytest.param("苏自然资函[2025]12号", id="square-brackets"),
    pytest.param("苏自然资函(2025)12号", id="round-brackets"),
    pytest.param("苏自然资函（2025）12号", id="full-width-round-brackets"),
    pytest.param("苏自然资函【2025】12号", id="black-lenticular-brackets"),
    pytest.param("苏自然资函［2025］12号", id="full-width-square-brackets"),
    pytest.param("苏自然资函〔2025〕１２号", id="full-width-digits"),
    pytest.param("苏自然资函〔２０２５〕１２号", id="full-width-year-and-number"),
    pytest.param("苏自然资函 〔2025〕 12 号", id="spaces"),
    pytest.param("苏自然资函\u3000〔2025〕12号", id="ideographic-space"),
    pytest.param(" 苏自然资函[2025]12号 ", id="padded"),
])
def test_document_number_forms_normalise_to_one_key(raw):
    assert v.normalize_document_number(raw) == CANONICAL


@pytest.mark.parametrize("raw", [
    pytest.param("苏自然资函〔2025〕13号", id="other-number"),
    pytest.param("苏自然资函〔2024〕12号", id="other-year"),
    pytest.param("苏自然资发〔2025〕12号", id="other-prefix"),
])
def test_different_document_numbers_stay_different(raw):
    assert v.normalize_document_number(raw) != CANONICAL


def test_blank_document_number_is_rejected():
    with pytest.raises(v.BadValue):
        v.normalize_document_number("  ")


@pytest.mark.parametrize(("reader", "raw", "reason"), [
    pytest.param(v.parse_code, "", "cell.empty", id="code-blank"),
    pytest.param(v.parse_code, "32010", "cell.code", id="code-five-digits"),
    pytest.param(v.parse_bool, "也许", "cell.bool", id="bool-maybe"),
    pytest.param(v.parse_date, "下周一", "cell.date", id="date-words"),
    pytest.param(v.parse_date, "2025-02-29", "cell.date_impossible", id="date-not-in-calendar"),
    pytest.param(v.parse_decimal, "十二", "cell.number", id="number-words"),
    pytest.param(v.parse_decimal, "1e13", "cell.out_of_range", id="number-too-large"),
    pytest.param(v.parse_decimal, "0.12345678901", "cell.decimals", id="number-eleven-places"),
    pytest.param(v.parse_area, "-1", "cell.negative", id="area-negative"),
    pytest.param(v.parse_unit, "平方米", "cell.unit", id="unit-square-metres"),
    pytest.param(v.parse_level, "乡级", "cell.choice", id="level-township"),
    pytest.param(v.parse_positive_int, "0", "cell.integer", id="order-zero"),
    pytest.param(v.parse_decimal, v.FormulaCell("=A1"), "cell.formula", id="formula-without-value"),
])
def test_a_bad_cell_says_why_by_its_reason_code(reader, raw, reason):
    with pytest.raises(v.BadValue) as caught:
        reader(raw)
    assert caught.value.reason == reason
