"""Ranking, tie-breaks and titles (SPEC 3.4; 三: 模范、先进各不超过10个)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from landassess.rules import ranking


def _by_code(ranked):
    return ranked.set_index("code")


def _ranks(ranked):
    return dict(zip(ranked["code"], ranked["rank"], strict=True))


def _tiers(ranked):
    return {c: (t if isinstance(t, str) else None) for c, t in zip(ranked["code"], ranked["tier"], strict=True)}


# ----------------------------------------------------------------------------- order and ties


def test_highest_total_first(candidates_frame, params):
    ranked = ranking.rank_counties(candidates_frame([
        ["A00001", "80.00", "30", "0.1"], ["A00002", "90.00", "30", "0.1"], ["A00003", "85.00", "30", "0.1"],
    ]), params.tiers, params.tie_break)
    assert ranked["code"].tolist() == ["A00002", "A00003", "A00001"]
    assert ranked["rank"].tolist() == [1, 2, 3]


def test_effectiveness_subtotal_breaks_a_tie_on_total(candidates_frame, params):
    # Same rounded total 88.13; 31.63 > 30.00, so B is first although A has the lower ratio.
    ranked = ranking.rank_counties(candidates_frame([
        ["A00001", "88.13", "30.00", "0.01"], ["B00002", "88.13", "31.63", "0.04"],
    ]), params.tiers, params.tie_break)
    assert _ranks(ranked) == {"B00002": 1, "A00001": 2}
    assert "土地执法监管成效" in _by_code(ranked).at["B00002", "tie_break"]


def test_ratio_breaks_a_tie_on_total_and_effectiveness(candidates_frame, params):
    # 昆山 and 海安: 92.50 and 32.00 each; ratio 12/150 = 0.08 < 99/750 = 0.132, so 昆山 is first.
    ranked = ranking.rank_counties(candidates_frame([
        ["320685", "92.50", "32.00", Fraction(99, 750)], ["320583", "92.50", "32.00", Fraction(12, 150)],
    ]), params.tiers, params.tie_break)
    assert _ranks(ranked) == {"320583": 1, "320685": 2}
    assert "违法占用耕地比例" in _by_code(ranked).at["320583", "tie_break"]


def test_effectiveness_is_compared_before_ratio(candidates_frame, params):
    # A has the better ratio, B the better effectiveness: effectiveness decides first.
    ranked = ranking.rank_counties(candidates_frame([
        ["A00001", "70.00", "20.00", "0"], ["B00002", "70.00", "20.01", "0.14"],
    ]), params.tiers, params.tie_break)
    assert ranked["code"].tolist() == ["B00002", "A00001"]


def test_full_tie_shares_a_competition_rank(candidates_frame, params):
    # 90; then 85 / 85 with equal effectiveness and ratio; then 80: ranks 1, 2, 2, 4.
    ranked = ranking.rank_counties(candidates_frame([
        ["A00001", "90.00", "30", "0.05"], ["B00002", "85.00", "30", "0.05"],
        ["C00003", "85.00", "30", "0.05"], ["D00004", "80.00", "30", "0.05"],
    ]), params.tiers, params.tie_break)
    assert _ranks(ranked) == {"A00001": 1, "B00002": 2, "C00003": 2, "D00004": 4}
    tied = _by_code(ranked).loc[["B00002", "C00003"]]
    assert tied["tie_size"].tolist() == [2, 2]
    assert tied["position"].tolist() == [2, 2]
    assert tied["position_last"].tolist() == [3, 3]
    assert "仍并列" in tied.at["B00002", "tie_break"]


def test_ratio_equal_as_fractions_is_a_tie(candidates_frame, params):
    # 3/60 (江宁, 亩) and 0.2/4 公顷 = 3/60 (溧水): the same ratio, so a real tie.
    ranked = ranking.rank_counties(candidates_frame([
        ["320115", "84.33", "30.00", Fraction(3, 60)], ["320117", "84.33", "30.00", Fraction(2, 40)],
    ]), params.tiers, params.tie_break)
    assert ranked["rank"].tolist() == [1, 1]


def test_golden_year_ranking(candidates_frame, make_params):
    # tests/golden/2025/WORKED.md section 6 and 7: quotas 3 and 3.
    small = make_params({"tiers": {"model": {"quota": 3}, "advanced": {"quota": 3}}})
    ranked = ranking.rank_counties(candidates_frame([
        ["320583", "92.50", "32.00", Fraction(12, 150)],
        ["320685", "92.50", "32.00", Fraction(99, 750)],
        ["320281", "88.13", "31.63", Fraction(5, 125)],
        ["321281", "88.13", "30.00", Fraction(7, 100)],
        ["320321", "86.40", "30.00", Fraction(9, 100)],
        ["320115", "84.33", "30.00", Fraction(3, 60)],
        ["320117", "84.33", "30.00", Fraction(3, 60)],
        ["321324", "84.00", "29.00", Fraction(8, 100)],
        ["321322", "75.50", "25.00", Fraction(14, 140)],
    ]), small.tiers, small.tie_break)
    assert _ranks(ranked) == {"320583": 1, "320685": 2, "320281": 3, "321281": 4, "320321": 5,
                              "320115": 6, "320117": 6, "321324": 8, "321322": 9}
    assert _tiers(ranked) == {"320583": "model", "320685": "model", "320281": "model",
                              "321281": "advanced", "320321": "advanced", "320115": None, "320117": None,
                              "321324": None, "321322": None}
    pending = _by_code(ranked)["is_tie_pending"]
    assert set(pending[pending].index) == {"320115", "320117"}


# ----------------------------------------------------------------------------- tiers


def _ladder(candidates_frame, totals):
    """Candidates X01, X02, … with the given totals; equal effectiveness and ratio."""
    return candidates_frame([[f"X{i:05d}", t, "30.00", "0.05"] for i, t in enumerate(totals, start=1)])


def test_first_ten_model_next_ten_advanced(candidates_frame, params):
    ranked = ranking.rank_counties(_ladder(candidates_frame, [f"{100 - i}.00" for i in range(25)]), params.tiers, params.tie_break)
    tiers = ranked["tier"].tolist()
    assert tiers[:10] == ["model"] * 10
    assert tiers[10:20] == ["advanced"] * 10
    assert all(t is None or t != t for t in tiers[20:])  # None / NaN: no title
    assert not ranked["is_tie_pending"].any()


def test_tie_straddling_the_10th_line_is_pending(candidates_frame, params):
    # 9 distinct totals (positions 1–9), then two units tied at 90.00 (positions 10–11),
    # then 10 more (positions 12–21).
    totals = [f"{99 - i}.00" for i in range(9)] + ["90.00", "90.00"] + [f"{89 - i}.00" for i in range(10)]
    ranked = ranking.rank_counties(_ladder(candidates_frame, totals), params.tiers, params.tie_break)
    tied = ranked[ranked["position"] == 10]
    assert len(tied) == 2
    assert tied["is_tie_pending"].all()
    assert tied["tier"].isna().all()
    assert set(tied["pending_between"]) == {"模范/先进"}
    assert tied["rank"].tolist() == [10, 10]
    # 9 model; positions 12–20 (9 units) advanced: the tie holds the 10th and 11th places.
    assert (ranked["tier"] == "model").sum() == 9
    assert ranked.loc[ranked["position"].between(12, 20), "tier"].eq("advanced").all()
    assert ranked.loc[ranked["position"] == 21, "tier"].isna().all()


def test_tie_straddling_the_20th_line_is_pending(candidates_frame, params):
    totals = [f"{99 - i}.00" for i in range(19)] + ["80.00", "80.00", "79.00"]
    ranked = ranking.rank_counties(_ladder(candidates_frame, totals), params.tiers, params.tie_break)
    tied = ranked[ranked["position"] == 20]
    assert len(tied) == 2
    assert tied["is_tie_pending"].all()
    assert set(tied["pending_between"]) == {"先进/未入选"}
    assert (ranked["tier"] == "model").sum() == 10
    assert (ranked["tier"] == "advanced").sum() == 9
    assert ranked.loc[ranked["position"] == 22, "tier"].isna().all()
    assert not ranked.loc[ranked["position"] == 22, "is_tie_pending"].any()


@pytest.mark.parametrize(("tie_at", "tier"), [
    # A tie that sits inside a tier's places takes that tier.
    pytest.param(9, "model", id="positions-9-10-model"),
    pytest.param(1, "model", id="positions-1-2-model"),
    pytest.param(11, "advanced", id="positions-11-12-advanced"),
    pytest.param(19, "advanced", id="positions-19-20-advanced"),
    pytest.param(21, None, id="positions-21-22-not-selected"),
])
def test_tie_inside_a_tier_is_not_pending(candidates_frame, params, tie_at, tier):
    # 23 units with distinct totals, except positions tie_at and tie_at + 1, which are equal.
    totals = [100 - i for i in range(23)]
    totals[tie_at] = totals[tie_at - 1]  # list index tie_at is position tie_at + 1
    ranked = ranking.rank_counties(_ladder(candidates_frame, [f"{t}.00" for t in totals]), params.tiers, params.tie_break)
    tied = ranked[ranked["position"] == tie_at]
    assert len(tied) == 2
    assert not tied["is_tie_pending"].any()
    assert _tiers(tied) == dict.fromkeys(tied["code"], tier)
    assert (ranked["tier"] == "model").sum() == 10
    assert (ranked["tier"] == "advanced").sum() == 10


def test_quotas_are_parameters(candidates_frame, make_params):
    small = make_params({"tiers": {"model": {"quota": 2}, "advanced": {"quota": 1}}})
    ranked = ranking.rank_counties(_ladder(candidates_frame, ["90.00", "80.00", "70.00", "60.00"]), small.tiers, small.tie_break)
    assert [t if isinstance(t, str) else None for t in ranked["tier"]] == ["model", "model", "advanced", None]


def test_min_total(candidates_frame, make_params):
    # 模范 needs ≥ 90, 先进 ≥ 89.5. 95 → model; 89.99 cannot be model (below 90) → advanced;
    # 89.50 → advanced (含); 89.49 → below both lines → no title, though places are free.
    lines = make_params({"tiers": {"model": {"min_total": "90"}, "advanced": {"min_total": "89.5"}}})
    ranked = ranking.rank_counties(_ladder(candidates_frame, ["95.00", "89.99", "89.50", "89.49"]), lines.tiers, lines.tie_break)
    assert [t if isinstance(t, str) else None for t in ranked["tier"]] == [
        "model", "advanced", "advanced", None]
    assert not ranked["is_tie_pending"].any()


def test_min_total_exactly_on_the_line_takes_the_tier(candidates_frame, make_params):
    lines = make_params({"tiers": {"model": {"min_total": "90"}}})
    ranked = ranking.rank_counties(_ladder(candidates_frame, ["90.00", "89.99"]), lines.tiers, lines.tie_break)
    assert [t if isinstance(t, str) else None for t in ranked["tier"]] == ["model", "advanced"]


# ----------------------------------------------------------------------------- through a whole year


def test_year_in_which_nobody_is_ranked(assess_tables, full_scores, declaration, status_of):
    # Regression (this raised ValueError merging an empty float64 'code' column in assess_year):
    # the only declared county has no C05 score, so it is incomplete and nobody is ranked.
    tables = {
        "declarations": [declaration("320481", "溧阳市", "常州市")],
        "recommendations": [["常州市", "320481", 1, ""]],
        "land_stats": [["320481", "4", "100", "", ""]],
        "veto_events": [["320481", "约谈问责", "2024-06-01", "省", "是"]],
        "bonus_events": [["320481", "通报表扬", "市级", "常〔2025〕1号", "2025-03-01"]],
        "scores": full_scores("320481", skip=["C05"]),
    }
    assert status_of(assess_tables(tables))["320481"] == "incomplete"
