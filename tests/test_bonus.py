"""Bonus points 七(二): levels, document-number de-duplication per county, the year, the cap."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from landassess.intake import load_year
from landassess.rules import bonus

YEAR = 2025


@pytest.mark.parametrize(("kind", "level", "points"), [
    # 七(二)1、2: national +1, provincial +0.5, for both kinds.
    pytest.param("commendation", "national", Decimal("1"), id="commendation-national-1"),
    pytest.param("commendation", "provincial", Decimal("0.5"), id="commendation-provincial-0.5"),
    pytest.param("typical_experience", "national", Decimal("1"), id="experience-national-1"),
    pytest.param("typical_experience", "provincial", Decimal("0.5"), id="experience-provincial-0.5"),
])
def test_points_by_level(bonus_frame, params, kind, level, points):
    judged = bonus.judge_bonus_events(bonus_frame([["320102", kind, level, "文〔2025〕1号", "2025-05-01"]]),
                                      params.bonus, YEAR)
    assert judged["counts"].tolist() == [True]
    assert judged.at[0, "points"] == points
    assert bonus.bonus_by_county(judged, None) == {"320102": points}


@pytest.mark.parametrize(("level", "date", "counts", "reason_part"), [
    pytest.param("city", "2025-05-01", False, "市级", id="city-level-document-not-counted"),
    pytest.param("county", "2025-05-01", False, "县级", id="county-level-document-not-counted"),
    pytest.param("provincial", "2025-01-01", True, "", id="dated-1-jan-counted"),
    pytest.param("provincial", "2025-12-31", True, "", id="dated-31-dec-counted"),
    pytest.param("provincial", "2024-12-31", False, "不在评估年度", id="dated-previous-year-not-counted"),
    pytest.param("national", "2026-01-01", False, "不在评估年度", id="dated-next-year-not-counted"),
])
def test_level_and_year(bonus_frame, params, level, date, counts, reason_part):
    judged = bonus.judge_bonus_events(
        bonus_frame([["320102", "commendation", level, "文〔2025〕1号", date]]), params.bonus, YEAR)
    assert judged["counts"].tolist() == [counts]
    assert reason_part in judged.at[0, "reason"]
    if not counts:
        assert judged.at[0, "points"] == 0
        assert bonus.bonus_by_county(judged, None) == {}


def test_one_document_counts_once_per_county_whatever_its_spelling(bonus_frame, params):
    # Six spellings of one 省级 文号 for 320583: counted once, +0.5; the rest are 文号重复.
    spellings = ["苏自然资函〔2025〕12号", "苏自然资函[2025]12号", "苏自然资函(2025)12号",
                 "苏自然资函（2025）12号", "苏自然资函【2025】12号", "苏自然资函 〔2025〕 １２ 号"]
    rows = [["320583", "commendation", "provincial", s, "2025-03-10"] for s in spellings]
    judged = bonus.judge_bonus_events(bonus_frame(rows), params.bonus, YEAR)
    assert judged["counts"].tolist() == [True, False, False, False, False, False]
    assert all("文号重复" in r for r in judged["reason"].iloc[1:])
    assert bonus.bonus_by_county(judged, None) == {"320583": Decimal("0.5")}


def test_same_document_for_two_counties_counts_for_both(bonus_frame, params):
    rows = [["320583", "commendation", "provincial", "苏自然资函〔2025〕12号", "2025-03-10"],
            ["320281", "commendation", "provincial", "苏自然资函[2025]12号", "2025-03-10"]]
    judged = bonus.judge_bonus_events(bonus_frame(rows), params.bonus, YEAR)
    assert judged["counts"].tolist() == [True, True]
    assert bonus.bonus_by_county(judged, None) == {"320583": Decimal("0.5"), "320281": Decimal("0.5")}


def test_distinct_documents_add_up(bonus_frame, params):
    # 1 (national commendation) + 0.5 (provincial commendation) + 1 (national experience) = 2.5.
    rows = [["320102", "commendation", "national", "自然资办函〔2025〕1号", "2025-02-01"],
            ["320102", "commendation", "provincial", "苏自然资函〔2025〕2号", "2025-03-01"],
            ["320102", "typical_experience", "national", "自然资办函〔2025〕3号", "2025-04-01"]]
    judged = bonus.judge_bonus_events(bonus_frame(rows), params.bonus, YEAR)
    assert bonus.bonus_by_county(judged, None) == {"320102": Decimal("2.5")}


def test_an_uncounted_row_does_not_block_a_later_counted_one(bonus_frame, params):
    # rules.md: "first counted row in file order". The first row is out of the year, so the
    # second (same 文号, in the year) is the first counted one: +1.
    rows = [["320102", "commendation", "national", "自然资办函〔2025〕1号", "2024-12-31"],
            ["320102", "commendation", "national", "自然资办函[2025]1号", "2025-01-02"]]
    judged = bonus.judge_bonus_events(bonus_frame(rows), params.bonus, YEAR)
    assert judged["counts"].tolist() == [False, True]
    assert bonus.bonus_by_county(judged, None) == {"320102": Decimal("1")}


@pytest.mark.parametrize(("cap", "expected"), [
    # Documents worth 1 + 1 + 0.5 = 2.5.
    pytest.param(None, Decimal("2.5"), id="no-cap-by-default"),
    pytest.param(Decimal("1.5"), Decimal("1.5"), id="cap-1.5-limits"),
    pytest.param(Decimal("2.5"), Decimal("2.5"), id="cap-equal-to-sum"),
    pytest.param(Decimal("3"), Decimal("2.5"), id="cap-above-sum"),
    pytest.param(Decimal("0"), Decimal("0"), id="cap-0"),
])
def test_bonus_cap(bonus_frame, params, cap, expected):
    rows = [["320102", "commendation", "national", "A〔2025〕1号", "2025-02-01"],
            ["320102", "typical_experience", "national", "A〔2025〕2号", "2025-02-01"],
            ["320102", "commendation", "provincial", "B〔2025〕3号", "2025-02-01"],
            ["320104", "commendation", "provincial", "B〔2025〕3号", "2025-02-01"]]
    judged = bonus.judge_bonus_events(bonus_frame(rows), params.bonus, YEAR)
    totals = bonus.bonus_by_county(judged, cap)
    assert totals["320102"] == expected
    # 320104 has 0.5, below every cap except 0.
    assert totals["320104"] == min(Decimal("0.5"), cap if cap is not None else Decimal("0.5"))


def test_default_params_have_no_cap_and_cap_is_a_parameter(params, make_params):
    assert params.bonus.cap is None  # the notice sets none
    assert make_params({"bonus": {"cap": "2"}}).bonus.cap == Decimal("2")


def test_points_are_parameters(bonus_frame, make_params):
    doubled = make_params({"bonus": {"points": {"commendation": {"national": "2", "provincial": "1"}}}})
    rows = [["320102", "commendation", "national", "A〔2025〕1号", "2025-02-01"],
            ["320102", "commendation", "provincial", "A〔2025〕2号", "2025-02-01"],
            ["320102", "typical_experience", "provincial", "A〔2025〕3号", "2025-02-01"]]
    judged = bonus.judge_bonus_events(bonus_frame(rows), doubled.bonus, YEAR)
    # 2 + 1 + 0.5 (typical_experience keeps its default) = 3.5.
    assert bonus.bonus_by_county(judged, None) == {"320102": Decimal("3.5")}


def test_bonus_through_intake(tmp_path, params, divisions, write_year):
    # The golden-year cases, read from a CSV with Chinese kinds and levels.
    rows = [
        ["320583", "通报表扬", "省级", "苏自然资函〔2025〕12号", "2025-03-10"],   # +0.5
        ["320685", "典型经验", "国家级", "自然资办函〔2025〕345号", "2025-09-18"],  # +1
        ["320583", "通报表扬", "省级", "苏自然资函[2025]12号", "2025-03-10"],     # repeat
        ["321281", "通报表扬", "市级", "泰自然资〔2025〕8号", "2025-04-12"],      # city level
        ["320583", "通报表扬", "省级", "苏自然资函〔2025〕１２号", "2025/3/10"],   # repeat
        ["321324", "典型经验", "国家级", "自然资办函〔2024〕998号", "2024-12-20"],  # 2024
    ]
    inputs = load_year(write_year(tmp_path / "input", {"bonus_events": rows}), YEAR, params, divisions)
    judged = bonus.judge_bonus_events(inputs.tables["bonus_events"], params.bonus, YEAR)
    assert judged["counts"].tolist() == [True, True, False, False, False, False]
    assert bonus.bonus_by_county(judged, params.bonus.cap) == {
        "320583": Decimal("0.5"), "320685": Decimal("1")}


def test_no_bonus_rows_gives_no_bonus(params):
    # Regression: with no usable row the 'counts' column was float64 and bonus_by_county raised
    # KeyError 'code' (a header-only bonus_events.csv crashed the year).
    empty = pd.DataFrame(columns=["file", "sheet", "row", "is_valid", "code", "kind", "level",
                                  "document_no", "document_key", "date", "title"])
    judged = bonus.judge_bonus_events(empty, params.bonus, YEAR)
    assert bonus.bonus_by_county(judged, None) == {}
