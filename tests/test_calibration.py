"""Evaluator calibration (SPEC 7.4): offsets from the panel and influence on titles, flags only.

Hand-built year: 320102 玄武区 scored by 甲, 乙, 丙; all give the maximum on C02…C13 and give C01
(max 5) 5, 2 and 3. Offsets (score minus the mean of the other two, averaged over 13 criteria):
甲 (5 − 2.5) / 13 = 2.5/13, 乙 (2 − 4) / 13 = −2/13, 丙 (3 − 3.5) / 13 = −0.5/13.
"""

from __future__ import annotations

from fractions import Fraction

from landassess.calibration import evaluator_influence, evaluator_offsets

CODE = "320102"


def _scores(full_scores):
    rows = []
    for evaluator, c01 in (("评委甲", 5), ("评委乙", 2), ("评委丙", 3)):
        rows += full_scores(CODE, evaluator, {"C01": c01})
    return rows


def test_offsets_from_the_panel_are_hand_computed(assess_tables, full_scores):
    a = assess_tables({"scores": _scores(full_scores)})
    offsets = evaluator_offsets(a).set_index("evaluator")
    assert offsets.at["评委甲", "offset"] == Fraction(5, 2) / 13
    assert offsets.at["评委乙", "offset"] == Fraction(-2) / 13
    assert offsets.at["评委丙", "offset"] == Fraction(-1, 2) / 13
    assert set(offsets["scored"]) == {13}


def test_influence_lists_only_evaluators_whose_absence_changes_a_title(assess_tables, full_scores, declaration):
    # Two counties, model quota 1: 玄武区 as above (base 95 + 10/3 = 98.33); 秦淮区 320104 scored by
    # 甲 and 乙 only, all maxima but C01: 甲 4, 乙 4 → base 99.00, 模范; 玄武区 先进 (quota 1 each).
    # Without 乙: 玄武区 C01 = (5 + 3) / 2 = 4 → 99.00, tied with 秦淮区 on the total; the tie-break
    # (effectiveness equal, ratio equal: both 1/50) leaves them tied across the quota line, so
    # both become 并列待定 and lose their current titles. Without 甲 or 丙, nothing changes:
    # 玄武区 C01 = 2.5 or 3.5 → below 99.
    tables = {
        "declarations": [declaration(CODE, "玄武区", "南京市"), declaration("320104", "秦淮区", "南京市")],
        "recommendations": [["南京市", CODE, 1, ""], ["南京市", "320104", 2, ""]],
        "land_stats": [[CODE, "1", "50", "", ""], ["320104", "1", "50", "", ""]],
        "scores": _scores(full_scores) + full_scores("320104", "评委甲", {"C01": 4})
        + full_scores("320104", "评委乙", {"C01": 4}),
    }
    a = assess_tables(tables, {"tiers": {"model": {"quota": 1}, "advanced": {"quota": 1}}})
    status = a.counties.set_index("code")["status"]
    assert (status["320104"], status[CODE]) == ("model", "advanced")
    influence = evaluator_influence(a).set_index("evaluator")
    assert list(influence.index) == ["评委乙"]
    assert influence.at["评委乙", "changes"] == [(CODE, "advanced", ""), ("320104", "model", "")]
