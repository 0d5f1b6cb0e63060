"""Scoring 四, 六(三): criterion means, trimming, exact sums, half-up rounding, completeness."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from landassess.intake import load_year
from landassess.rules import scoring

# ----------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(("value", "decimals", "expected"), [
    pytest.param(Fraction(88125, 1000), 2, "88.13", id="88.125-half-up"),
    pytest.param(Decimal("2.345"), 2, "2.35", id="2.345-half-up"),
    pytest.param(Decimal("2.344999"), 2, "2.34", id="2.344999-down"),
    pytest.param(Decimal("2.325"), 2, "2.33", id="2.325-half-up-not-half-even"),
    pytest.param(Decimal("84.325"), 2, "84.33", id="84.325"),
    pytest.param(Fraction(253, 3), 2, "84.33", id="253/3"),
    pytest.param(Fraction(2, 3), 2, "0.67", id="2/3"),
    pytest.param(Fraction(1, 3), 2, "0.33", id="1/3"),
    pytest.param(Decimal("-2.345"), 2, "-2.35", id="negative-away-from-zero"),
    pytest.param(0, 2, "0.00", id="zero-two-places"),
    pytest.param(5, 2, "5.00", id="integer-two-places"),
    pytest.param(Decimal("0.25"), 1, "0.3", id="one-place"),
    pytest.param(Decimal("0.5"), 0, "1", id="zero-places"),
])
def test_round_half_up(value, decimals, expected):
    rounded = scoring.round_half_up(value, decimals)
    assert isinstance(rounded, Decimal)
    assert str(rounded) == expected


def test_round_half_up_named_case():
    # The case: Python's round(88.125, 2) gives 88.12; the rule is half-up on the exact value.
    assert round(88.125, 2) == 88.12
    assert scoring.round_half_up(Fraction(88125, 1000)) == Decimal("88.13")


# ----------------------------------------------------------------------------- criterion means


def _scores(scores_frame, code, per_criterion):
    """Rows: every criterion at 1 from evaluator 甲, except those in ``per_criterion`` (criterion →
    list of (evaluator, score))."""
    rows = []
    for criterion in [f"C{i:02d}" for i in range(1, 14)]:
        for evaluator, score in per_criterion.get(criterion, [("甲", "1")]):
            rows.append([evaluator, code, criterion, score])
    return scores_frame(rows)


def _criterion(result, code, criterion):
    table = result.criteria
    return table[(table["code"] == code) & (table["criterion"] == criterion)].iloc[0]


def test_criterion_score_is_the_mean_of_its_evaluators(scores_frame, params):
    # C01: (5 + 4 + 4.5) / 3 = 4.5; C13 scored by two evaluators: (2.25 + 2.40) / 2 = 2.325.
    # Base = 4.5 + 2.325 + 11 × 1 = 17.825 exactly.
    frame = _scores(scores_frame, "320102", {
        "C01": [("甲", "5"), ("乙", "4"), ("丙", "4.5")],
        "C13": [("甲", "2.25"), ("乙", "2.40")],
    })
    result = scoring.score_counties(frame, ["320102"], params.rubric, params.scoring)
    assert _criterion(result, "320102", "C01")["mean"] == Fraction(9, 2)
    assert _criterion(result, "320102", "C13")["mean"] == Fraction(2325, 1000)
    assert _criterion(result, "320102", "C01")["n"] == 3
    county = result.counties.set_index("code").loc["320102"]
    assert county["base"] == Fraction(17825, 1000)
    assert bool(county["is_complete"])


def test_means_are_exact_fractions(scores_frame, params):
    # (0.1 + 0.2) / 2 = 0.15 exactly (the float is 0.15000000000000002); (1 + 1 + 2) / 3 = 4/3.
    frame = _scores(scores_frame, "320102", {
        "C01": [("甲", "0.1"), ("乙", "0.2")],
        "C02": [("甲", "1"), ("乙", "1"), ("丙", "2")],
    })
    result = scoring.score_counties(frame, ["320102"], params.rubric, params.scoring)
    assert _criterion(result, "320102", "C01")["mean"] == Fraction(3, 20)
    assert _criterion(result, "320102", "C02")["mean"] == Fraction(4, 3)
    # Base = 3/20 + 4/3 + 11 = (9 + 80 + 660) / 60 = 749/60, not a float approximation.
    assert result.counties.set_index("code").at["320102", "base"] == Fraction(749, 60)


def test_thirds_add_up_exactly(scores_frame, params):
    # C01 (7, 7, 8) → 22/3 and C02 (2, 2, 3) → 7/3: together 29/3; base = 29/3 + 11 = 62/3.
    # rounding: 62/3 = 20.666… → 20.67.
    frame = _scores(scores_frame, "320102", {
        "C01": [("甲", "7"), ("乙", "7"), ("丙", "8")],
        "C02": [("甲", "2"), ("乙", "2"), ("丙", "3")],
    })
    base = scoring.score_counties(frame, ["320102"], params.rubric, params.scoring).counties.set_index("code").at["320102", "base"]
    assert base == Fraction(62, 3)
    assert scoring.round_half_up(base) == Decimal("20.67")


def test_dimension_subtotals(scores_frame, params):
    # effectiveness = C09 + C10 + C11 = 13.125 + 9.5 + 9 = 31.625 (the golden 江阴 case);
    # leadership = C01 + C02 = 1 + 1 = 2; special_tasks = C12 + C13 = 2.
    frame = _scores(scores_frame, "320281", {
        "C09": [("甲", "13.25"), ("乙", "13")],
        "C10": [("甲", "9.5")],
        "C11": [("甲", "9")],
    })
    county = scoring.score_counties(frame, ["320281"], params.rubric, params.scoring).counties.set_index("code").loc["320281"]
    assert county["effectiveness"] == Fraction(31625, 1000)
    assert county["leadership"] == 2
    assert county["special_tasks"] == 2
    # base = 31.625 + 10 × 1 = 41.625
    assert county["base"] == Fraction(41625, 1000)


@pytest.mark.parametrize(("weights", "base"), [
    pytest.param({}, Fraction(41625, 1000), id="weights-1-nothing-changes"),
    # 2 × 31.625 + 10 × 1 = 73.25
    pytest.param({"effectiveness": 2}, Fraction(7325, 100), id="effectiveness-doubled"),
    # 31.625 + 0.5 × 2 (leadership) + 2 × 2 (special tasks) + 3 + 3 (government, mechanism) = 42.625
    pytest.param({"leadership": "0.5", "special_tasks": "2"}, Fraction(42625, 1000), id="two-weights"),
])
def test_dimension_weights_multiply_subtotals_in_the_base(scores_frame, params, weights, base):
    # The dimension_subtotals case above: effectiveness 31.625, leadership 2, special_tasks 2,
    # government 3, mechanism 3. The dimension columns stay unweighted (the tie-break reads them).
    rubric = params.rubric.model_copy(update={"dimensions": tuple(
        d.model_copy(update={"weight": Decimal(str(weights.get(d.id, 1)))}) for d in params.rubric.dimensions)})
    frame = _scores(scores_frame, "320281", {
        "C09": [("甲", "13.25"), ("乙", "13")],
        "C10": [("甲", "9.5")],
        "C11": [("甲", "9")],
    })
    county = scoring.score_counties(frame, ["320281"], rubric, params.scoring).counties.set_index("code").loc["320281"]
    assert county["base"] == base
    assert county["effectiveness"] == Fraction(31625, 1000)
    assert county["leadership"] == 2


@pytest.mark.parametrize(("scores", "expected_mean", "expected_trimmed"), [
    # k = 1, m = 5. Five evaluators: drop the lowest (0) and the highest (5): (3 + 3 + 4) / 3.
    pytest.param(["0", "3", "3", "4", "5"], Fraction(10, 3), [True, False, False, False, True],
                 id="five-evaluators-trimmed"),
    # Four evaluators (< m): no trimming, (0 + 3 + 4 + 5) / 4 = 3.
    pytest.param(["0", "3", "4", "5"], Fraction(3), [False, False, False, False], id="four-evaluators-kept"),
    # Ties at the extremes: one of the 5s and the 1 are dropped, (5 + 5 + 5) / 3 = 5.
    pytest.param(["5", "5", "5", "5", "1"], Fraction(5), None, id="ties-at-the-top"),
    # Six evaluators: drop 1 and 6, (2 + 3 + 4 + 5) / 4 = 3.5.
    pytest.param(["6", "1", "5", "2", "4", "3"], Fraction(7, 2), [True, True, False, False, False, False],
                 id="six-evaluators-unsorted"),
])
def test_trimming(scores_frame, make_params, scores, expected_mean, expected_trimmed):
    trimmed = make_params({"scoring": {"trim": {"count": 1, "min_evaluators": 5}}})
    evaluators = ["甲", "乙", "丙", "丁", "戊", "己"]
    frame = _scores(scores_frame, "320102", {"C07": list(zip(evaluators, scores, strict=False))})
    result = scoring.score_counties(frame, ["320102"], trimmed.rubric, trimmed.scoring)
    assert _criterion(result, "320102", "C07")["mean"] == expected_mean
    marks = result.evaluator_scores
    marks = marks[marks["criterion"] == "C07"]
    assert int(marks["is_trimmed"].sum()) == (2 if len(scores) >= 5 else 0)
    if expected_trimmed is not None:
        assert marks["is_trimmed"].tolist() == expected_trimmed
    # Criteria scored once are never trimmed.
    assert not result.evaluator_scores.loc[result.evaluator_scores["criterion"] != "C07", "is_trimmed"].any()


def test_no_trimming_by_default(scores_frame, params):
    assert params.scoring.trim.count == 0
    frame = _scores(scores_frame, "320102", {"C07": list(zip("甲乙丙丁戊", ["0", "3", "3", "4", "5"],
                                                              strict=True))})
    # (0 + 3 + 3 + 4 + 5) / 5 = 3.
    assert _criterion(scoring.score_counties(frame, ["320102"], params.rubric, params.scoring), "320102", "C07")["mean"] == 3


# ----------------------------------------------------------------------------- completeness


def test_missing_criterion_makes_the_county_incomplete(scores_frame, params):
    rows = [["甲", "320481", f"C{i:02d}", "1"] for i in range(1, 14) if i != 5]  # no C05 from anyone
    rows += [["甲", "320102", f"C{i:02d}", "1"] for i in range(1, 14)]
    counties = scoring.score_counties(scores_frame(rows), ["320102", "320481"], params.rubric, params.scoring).counties
    counties = counties.set_index("code")
    assert not counties.at["320481", "is_complete"]
    assert counties.at["320481", "missing"] == ["C05"]
    assert counties.at["320481", "base"] is None  # never imputed
    assert counties.at["320102", "is_complete"]
    assert counties.at["320102", "base"] == 13


def test_county_without_any_score_is_incomplete(scores_frame, params):
    rows = [["甲", "320102", f"C{i:02d}", "1"] for i in range(1, 14)]
    counties = scoring.score_counties(scores_frame(rows), ["320102", "320104"], params.rubric, params.scoring).counties
    counties = counties.set_index("code")
    assert not counties.at["320104", "is_complete"]
    assert len(counties.at["320104", "missing"]) == 13


def test_only_listed_counties_and_valid_rows_are_scored(scores_frame, params):
    rows = [["甲", "320102", f"C{i:02d}", "1"] for i in range(1, 14)]
    rows += [["乙", "320102", "C01", "5"]]  # a row intake marked as not valid
    rows += [["甲", "320104", f"C{i:02d}", "2"] for i in range(1, 14)]  # not admitted
    frame = scores_frame(rows)
    frame.loc[13, "is_valid"] = False
    result = scoring.score_counties(frame, ["320102"], params.rubric, params.scoring)
    assert result.counties["code"].tolist() == ["320102"]
    assert _criterion(result, "320102", "C01")["mean"] == 1  # the invalid 5 is ignored
    assert set(result.criteria["code"]) == {"320102"}


# ----------------------------------------------------------------------------- through a whole year


def test_total_is_rounded_once_from_the_exact_sum(assess_tables, scores_for_total, declaration):
    # 江阴: base 87.625 exactly (→ 87.63 half-up; half-even 87.62), 省级 commendation +0.5,
    # total 87.625 + 0.5 = 88.125 exactly → 88.13 (half-even and float round() give 88.12).
    # 溧水: base 84.325 exactly (→ 84.33; half-even 84.32), no bonus, total 84.33.
    tables = {
        "declarations": [declaration("320281", "江阴市", "无锡市"), declaration("320117", "溧水区", "南京市")],
        "recommendations": [["无锡市", "320281", 1, ""], ["南京市", "320117", 1, ""]],
        "land_stats": [["320281", "5", "125", "", ""], ["320117", "0.2", "4", "公顷", ""]],
        "veto_events": [["320281", "约谈问责", "2024-06-01", "省", "是"]],
        "bonus_events": [["320281", "通报表扬", "省级", "苏自然资发〔2025〕30号", "2025-07-01"]],
        "scores": scores_for_total("320281", "87.625") + scores_for_total("320117", "84.325"),
    }
    results = assess_tables(tables).results().set_index("code")
    assert results.loc["320281", ["base_score", "bonus", "total"]].tolist() == ["87.63", "0.50", "88.13"]
    assert results.loc["320117", ["base_score", "bonus", "total"]].tolist() == ["84.33", "0.00", "84.33"]


def test_wide_score_sheet_blank_means_not_scored(tmp_path, params, divisions, write_year):
    folder = write_year(tmp_path / "input", {})
    header = "evaluator,code," + ",".join(f"C{i:02d}" for i in range(1, 14))
    # 甲 scores everything 1; 乙 leaves C13 blank and gives C01 3. C01 = (1 + 3) / 2 = 2, C13 = 1.
    lines = [header, "甲,320102," + ",".join(["1"] * 13), "乙,320102,3," + ",".join(["1"] * 11) + ","]
    (folder / "scores.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inputs = load_year(folder, 2025, params, divisions)
    result = scoring.score_counties(inputs.tables["scores"], ["320102"], params.rubric, params.scoring)
    assert _criterion(result, "320102", "C01")["mean"] == 2
    assert _criterion(result, "320102", "C13")["n"] == 1
    # base = 2 + 11 × 1 (C02…C12, mean 1) + 1 (C13) = 14
    assert result.counties.set_index("code").at["320102", "base"] == 14


def test_incomplete_status_through_a_year(assess_tables, full_scores, declaration, status_of):
    tables = {
        "declarations": [declaration("320102", "玄武区", "南京市"), declaration("320481", "溧阳市", "常州市")],
        "recommendations": [["南京市", "320102", 1, ""], ["常州市", "320481", 1, ""]],
        "land_stats": [["320102", "1", "50", "", ""], ["320481", "4", "100", "", ""]],
        "veto_events": [["320102", "约谈问责", "2024-06-01", "省", "是"]],
        "bonus_events": [["320102", "通报表扬", "市级", "宁〔2025〕1号", "2025-03-01"]],
        "scores": full_scores("320102") + full_scores("320481", skip=["C05"]),
    }
    assessment = assess_tables(tables)
    assert status_of(assessment)["320481"] == "incomplete"
    results = assessment.results().set_index("code")
    assert results.loc["320481", ["total", "rank", "tier"]].tolist() == ["", "", ""]
