"""One-vote vetoes 七(一): events, the land ratio and area, the order of veto ids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from landassess.intake import load_year
from landassess.rules import vetoes
from landassess.vocabulary import LEVEL_CITY, LEVEL_NATIONAL, LEVEL_PROVINCIAL

YEAR = 2025

# ----------------------------------------------------------------------------- events 七(一)1、3


@pytest.mark.parametrize(("date", "counts"), [
    # "An event in the year is dated 1 Jan Y … 31 Dec Y inclusive" (rules.md).
    pytest.param(dt.date(2025, 1, 1), True, id="1-jan-of-the-year-counts"),
    pytest.param(dt.date(2025, 12, 31), True, id="31-dec-of-the-year-counts"),
    pytest.param(dt.date(2025, 6, 30), True, id="mid-year-counts"),
    pytest.param(dt.date(2024, 12, 31), False, id="31-dec-of-previous-year-does-not"),
    pytest.param(dt.date(2026, 1, 1), False, id="1-jan-of-next-year-does-not"),
])
@pytest.mark.parametrize("kind", [
    "media_exposure", "mnr_supervised_case", "special_action_incomplete",
    "key_management_county", "interview_or_accountability",
])
def test_only_events_dated_inside_the_year_count(kind, date, counts):
    # National level and verified: the level and the verification would let every kind count.
    counted, reason = vetoes.judge_veto_event(kind, date, LEVEL_NATIONAL, True, YEAR)
    assert counted is counts
    if not counts:
        assert "不在评估年度" in reason


@pytest.mark.parametrize(("kind", "level", "verified", "counts"), [
    # 七(一)3: 约谈、问责 by 省厅 or above; a city-level one does not count.
    pytest.param("interview_or_accountability", LEVEL_CITY, True, False, id="interview-city-not-counted"),
    pytest.param("interview_or_accountability", LEVEL_PROVINCIAL, True, True, id="interview-province-counted"),
    pytest.param("interview_or_accountability", LEVEL_NATIONAL, True, True, id="interview-national-counted"),
    # 七(一)3: 执法重点管理县 designated by 部 or 省.
    pytest.param("key_management_county", LEVEL_CITY, True, False, id="key-county-city-not-counted"),
    pytest.param("key_management_county", LEVEL_PROVINCIAL, True, True, id="key-county-province-counted"),
    # 七(一)1: 挂牌督办 by the Ministry of Natural Resources only (rules.md: 国家).
    pytest.param("mnr_supervised_case", LEVEL_PROVINCIAL, True, False, id="supervised-province-not-counted"),
    pytest.param("mnr_supervised_case", LEVEL_CITY, True, False, id="supervised-city-not-counted"),
    pytest.param("mnr_supervised_case", LEVEL_NATIONAL, True, True, id="supervised-ministry-counted"),
    # 七(一)1: media disclosure only when verified (经查实); any level (rules.md).
    pytest.param("media_exposure", LEVEL_PROVINCIAL, False, False, id="media-unverified-not-counted"),
    pytest.param("media_exposure", LEVEL_PROVINCIAL, None, False, id="media-verification-unknown-not-counted"),
    pytest.param("media_exposure", LEVEL_PROVINCIAL, True, True, id="media-verified-counted"),
    pytest.param("media_exposure", LEVEL_CITY, True, True, id="media-verified-any-level-counted"),
    # 七(一)1: special action not completed, any level; verification is not required.
    pytest.param("special_action_incomplete", LEVEL_CITY, False, True, id="special-action-city-counted"),
])
def test_event_level_and_verification(kind, level, verified, counts):
    counted, reason = vetoes.judge_veto_event(kind, dt.date(2025, 5, 20), level, verified, YEAR)
    assert counted is counts
    assert reason  # a counted event cites its clause, an uncounted one says why


def test_unverified_media_is_listed_for_attention(veto_events_frame):
    events = veto_events_frame([["320583", "media_exposure", "2025-08-15", LEVEL_PROVINCIAL, False]])
    judged = vetoes.judge_veto_events(events, YEAR)
    assert judged["counts"].tolist() == [False]
    assert "未经查实" in judged.at[0, "reason"]


def test_events_with_problems_are_not_judged(veto_events_frame):
    events = veto_events_frame([
        ["320102", "interview_or_accountability", "2025-05-01", LEVEL_PROVINCIAL, True],
        ["320104", "interview_or_accountability", "2025-05-01", LEVEL_PROVINCIAL, True],
    ])
    events.loc[1, "is_valid"] = False  # a row intake could not read
    judged = vetoes.judge_veto_events(events, YEAR)
    assert judged["code"].tolist() == ["320102"]


# ----------------------------------------------------------------------------- land 七(一)2


@pytest.mark.parametrize(("illegal", "construction", "ratio_veto", "area_veto"), [
    # 10.86 ÷ 72.4: 0.15 × 72.4 = 10.86, so the ratio is exactly 15 % and vetoes (含).
    pytest.param("10.86", "72.4", True, False, id="exactly-15pct-10.86-of-72.4"),
    # 10.85 ÷ 72.4 = 0.14986… < 0.15.
    pytest.param("10.85", "72.4", False, False, id="just-under-15pct"),
    pytest.param("15", "100", True, False, id="exactly-15pct-15-of-100"),
    pytest.param("14.99", "100", False, False, id="14.99pct"),
    pytest.param("0.15", "1", True, False, id="exactly-15pct-small"),
    pytest.param("8", "40", True, False, id="20pct"),
    # Area: ≥ 100 亩 (含). 100 ÷ 1000 = 10 %, so only the area vetoes.
    pytest.param("100", "1000", False, True, id="exactly-100-mu"),
    pytest.param("99.99", "1000", False, False, id="99.99-mu"),
    pytest.param("100.5", "3000", False, True, id="100.5-mu"),
    pytest.param("150", "500", True, True, id="both-30pct-and-150-mu"),
    # Denominator 0: with a numerator > 0 the ratio is infinite and vetoes; 0 ÷ 0 is 0 %.
    pytest.param("5", "0", True, False, id="denominator-0-numerator-positive"),
    pytest.param("0.01", "0", True, False, id="denominator-0-tiny-numerator"),
    pytest.param("0", "0", False, False, id="zero-over-zero-is-0pct"),
    pytest.param("0", "10", False, False, id="nothing-illegal"),
])
def test_land_vetoes(land_frame, params, illegal, construction, ratio_veto, area_veto):
    land = vetoes.judge_land(land_frame([["320102", illegal, construction]]), params.vetoes)
    row = land.iloc[0]
    assert bool(row["is_ratio_veto"]) is ratio_veto
    assert bool(row["is_area_veto"]) is area_veto


def test_exact_15pct_is_a_trap_for_float_division(land_frame, params):
    # The float quotient is below 0.15; the rule compares the decimals as written.
    assert 10.86 / 72.4 < 0.15
    land = vetoes.judge_land(land_frame([["320382", "10.86", "72.4"]]), params.vetoes)
    assert land.at[0, "ratio"] == Fraction(15, 100)
    assert bool(land.at[0, "is_ratio_veto"])


@pytest.mark.parametrize(("illegal", "construction", "expected"), [
    pytest.param(Fraction(3), Fraction(60), Fraction(1, 20), id="3-of-60"),
    pytest.param(Fraction(0), Fraction(0), Fraction(0), id="zero-over-zero"),
    pytest.param(Fraction(5), Fraction(0), None, id="infinite"),
])
def test_cultivated_ratio(illegal, construction, expected):
    assert vetoes.cultivated_ratio(illegal, construction) == expected


def test_infinite_ratio_is_marked(land_frame, params):
    land = vetoes.judge_land(land_frame([["320102", "5", "0"], ["320104", "0", "0"]]), params.vetoes)
    assert land["is_ratio_infinite"].tolist() == [True, False]
    assert land.at[1, "ratio"] == 0


def test_land_thresholds_are_parameters(land_frame, make_params):
    # With the ratio line at 20 % and the area line at 50 亩: 15/100 passes, 50/1000 vetoes by area.
    strict = make_params({"vetoes": {"cultivated_ratio_threshold": "0.2",
                                     "cultivated_area_threshold_mu": "50"}})
    land = vetoes.judge_land(land_frame([["320102", "15", "100"], ["320104", "50", "1000"]]), strict.vetoes)
    assert land["is_ratio_veto"].tolist() == [False, False]
    assert land["is_area_veto"].tolist() == [False, True]


# 公顷 → 亩 through intake (1 公顷 = 15 亩 exactly), then the land rule.
@pytest.mark.parametrize(("row", "illegal_mu", "area_veto", "ratio_veto"), [
    # 6.6 × 15 = 99 亩 < 100; 99 ÷ (50 × 15 = 750) = 13.2 % < 15 %: no veto.
    pytest.param(["6.6", "50", "公顷"], "99", False, False, id="6.6-gongqing-is-99-mu"),
    # 6.7 × 15 = 100.5 亩 ≥ 100: area veto; 100.5 ÷ 3000 = 3.35 %.
    pytest.param(["6.7", "200", "公顷"], "100.5", True, False, id="6.7-gongqing-is-100.5-mu"),
    pytest.param(["6.7", "200", "ha"], "100.5", True, False, id="unit-ha"),
    # Unit written in the cells, unit column blank.
    pytest.param(["6.7公顷", "200公顷", ""], "100.5", True, False, id="unit-in-cells"),
    # No unit anywhere: 亩. 6.7 亩 is far below 100 亩; 6.7 ÷ 200 = 3.35 %.
    pytest.param(["6.7", "200", ""], "6.7", False, False, id="blank-unit-is-mu"),
    # 1 公顷 of 6 公顷: 15 ÷ 90 = 16.7 % ≥ 15 %.
    pytest.param(["1", "6", "公顷"], "15", False, True, id="ratio-unchanged-by-unit"),
])
def test_hectares_are_converted_exactly(tmp_path, params, divisions, write_year, row, illegal_mu,
                                        area_veto, ratio_veto):
    folder = write_year(tmp_path / "input", {"land_stats": [["320102", *row, "test"]]})
    inputs = load_year(folder, YEAR, params, divisions)
    land = vetoes.judge_land(inputs.tables["land_stats"], params.vetoes)
    assert land.at[0, "illegal_mu"] == Fraction(illegal_mu)
    assert bool(land.at[0, "is_area_veto"]) is area_veto
    assert bool(land.at[0, "is_ratio_veto"]) is ratio_veto


# ----------------------------------------------------------------------------- veto ids


def test_veto_ids_follow_spec_order_each_once(veto_events_frame, land_frame, params):
    # File order is the reverse of SPEC 3.1, and media_exposure appears twice.
    events = veto_events_frame([
        ["320102", "interview_or_accountability", "2025-03-01", LEVEL_PROVINCIAL, True],
        ["320102", "key_management_county", "2025-03-01", LEVEL_PROVINCIAL, True],
        ["320102", "special_action_incomplete", "2025-03-01", LEVEL_CITY, True],
        ["320102", "mnr_supervised_case", "2025-03-01", LEVEL_NATIONAL, True],
        ["320102", "media_exposure", "2025-03-01", LEVEL_PROVINCIAL, True],
        ["320102", "media_exposure", "2025-09-01", LEVEL_NATIONAL, True],
    ])
    # 150 ÷ 500 = 30 % and 150 亩: both land vetoes.
    land = vetoes.judge_land(land_frame([["320102", "150", "500"]]), params.vetoes)
    found = vetoes.veto_ids_by_county(vetoes.judge_veto_events(events, YEAR), land)
    assert found == {"320102": [
        "media_exposure", "mnr_supervised_case", "special_action_incomplete", "cultivated_ratio",
        "cultivated_area", "key_management_county", "interview_or_accountability",
    ]}


def test_uncounted_events_give_no_veto(veto_events_frame, land_frame, params):
    events = veto_events_frame([
        ["320104", "interview_or_accountability", "2025-05-20", LEVEL_CITY, True],  # city level
        ["320104", "mnr_supervised_case", "2025-04-02", LEVEL_PROVINCIAL, True],  # not the Ministry
        ["320104", "media_exposure", "2025-08-15", LEVEL_PROVINCIAL, False],  # unverified
        ["320104", "key_management_county", "2024-12-31", LEVEL_PROVINCIAL, True],  # previous year
    ])
    land = vetoes.judge_land(land_frame([["320104", "1", "50"]]), params.vetoes)  # 2 %, 1 亩
    assert vetoes.veto_ids_by_county(vetoes.judge_veto_events(events, YEAR), land) == {}


def test_understatement_is_flagged(params):
    # Declared 10 亩, the province recorded 12 亩: 10 < 12 is flagged (九(三)); 3 = 3 is not.
    declarations = pd.DataFrame({
        "file": "declarations.csv", "sheet": "", "row": [2, 3], "is_valid": True,
        "code": ["320583", "320115"],
        "self_illegal_cultivated_area_mu": [Decimal(10), Decimal(3)],
    })
    land = pd.DataFrame({"code": ["320583", "320115"], "illegal_mu": [Fraction(12), Fraction(3)]})
    flagged = vetoes.flag_understatement(declarations, land)
    assert flagged["code"].tolist() == ["320583"]


# ----------------------------------------------------------------------------- through a whole year

NANJING = "南京市"


def _year(full_scores, declaration, extra_events=(), land_b=("1", "50")):
    """320102 (ranked anchor) and 320104 (the county under test), both of 南京, recommended."""
    return {
        "declarations": [declaration("320102", "玄武区", NANJING), declaration("320104", "秦淮区", NANJING)],
        "recommendations": [[NANJING, "320102", 1, ""], [NANJING, "320104", 2, ""]],
        "land_stats": [["320102", "1", "50", "", ""], ["320104", *land_b, "", ""]],
        "veto_events": [["320102", "约谈问责", "2024-06-01", "省", "是"], *extra_events],
        "bonus_events": [["320102", "通报表扬", "市级", "宁〔2025〕1号", "2025-03-01"]],
        "scores": full_scores("320102") + full_scores("320104"),
    }


@pytest.mark.parametrize(("event", "vetoed"), [
    pytest.param(["320104", "约谈问责", "2025年1月1日", "省", "是"], True, id="provincial-interview-1-jan"),
    pytest.param(["320104", "约谈问责", "2025/12/31", "省厅", "是"], True, id="provincial-interview-31-dec"),
    pytest.param(["320104", "约谈问责", "2024-12-31", "省", "是"], False, id="interview-31-dec-previous-year"),
    pytest.param(["320104", "约谈问责", "2026-01-01", "省", "是"], False, id="interview-1-jan-next-year"),
    pytest.param(["320104", "约谈问责", "2025-05-20", "市", "是"], False, id="city-interview"),
    pytest.param(["320104", "媒体披露", "2025-06-10", "省", "否"], False, id="unverified-media"),
    pytest.param(["320104", "媒体披露", "2025-06-10", "省", "是"], True, id="verified-media"),
    pytest.param(["320104", "挂牌督办", "2025-04-02", "省", "是"], False, id="provincial-supervision"),
    pytest.param(["320104", "挂牌督办", "2025-04-02", "国家", "是"], True, id="ministry-supervision"),
])
def test_event_vetoes_through_intake(assess_tables, full_scores, declaration, status_of, event, vetoed):
    assessment = assess_tables(_year(full_scores, declaration, extra_events=[event]))
    assert status_of(assessment)["320104"] == ("vetoed" if vetoed else "model")
    assert status_of(assessment)["320102"] == "model"


def test_vetoes_column_lists_ids_in_spec_order(assess_tables, full_scores, declaration):
    events = [
        ["320104", "重点管理县", "2025-01-01", "省", "是"],
        ["320104", "媒体披露", "2025-06-10", "省", "是"],
    ]
    # 10.86 ÷ 72.4 = 15 % exactly: cultivated_ratio as well.
    assessment = assess_tables(_year(full_scores, declaration, events, land_b=("10.86", "72.4")))
    results = assessment.results().set_index("code")
    assert results.at["320104", "vetoes"] == "media_exposure;cultivated_ratio;key_management_county"
    assert results.at["320104", "status"] == "vetoed"
    # A vetoed county is not scored or ranked, even with full marks.
    assert results.at["320104", "rank"] == ""
    assert results.at["320104", "total"] == ""


def test_undeclared_division_with_land_veto_is_listed_but_not_declared(assess_tables, full_scores,
                                                                       declaration):
    tables = _year(full_scores, declaration)
    tables["land_stats"].append(["321202", "8", "40", "", ""])  # 20 %, 海陵区 never declared
    results = assess_tables(tables).results().set_index("code")
    assert results.at["321202", "vetoes"] == "cultivated_ratio"
    assert results.at["321202", "status"] == "not_declared"


def test_missing_land_statistics_make_a_declared_county_incomplete(assess_tables, full_scores,
                                                                   declaration, status_of):
    tables = _year(full_scores, declaration)
    tables["land_stats"] = [["320102", "1", "50", "", ""]]  # nothing for 320104
    assert status_of(assess_tables(tables))["320104"] == "incomplete"


def test_year_without_any_veto_event_is_assessed(assess_tables, full_scores, declaration, status_of):
    # Regression: a year in which nothing happened, veto_events.csv holds only its header (this
    # raised KeyError 'code' in veto_ids_by_county). Nobody is vetoed; 320102 with full marks is model.
    tables = _year(full_scores, declaration)
    tables["veto_events"] = []
    assert status_of(assess_tables(tables))["320102"] == "model"
