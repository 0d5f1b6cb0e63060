"""Recusal (回避, SPEC 7.4): a recused evaluator's scores are not used; means over the others.

The year is built by hand: 320102 玄武区 (南京市) is the only county, scored by three evaluators.
Every criterion gets the maximum except C01 (max 5), where the evaluators give 甲 5, 乙 2, 丙 3.
Without recusal, C01's mean is (5 + 2 + 3) / 3 = 10/3 and the base is 95 + 10/3 = 98.33 (2 dp).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

CODE = "320102"


def _scores(full_scores):
    rows = []
    for evaluator, c01 in (("评委甲", 5), ("评委乙", 2), ("评委丙", 3)):
        rows += full_scores(CODE, evaluator, {"C01": c01})
    return rows


def _c01(assessment) -> Fraction:
    criteria = assessment.scores.criteria
    return criteria[(criteria["code"] == CODE) & (criteria["criterion"] == "C01")]["mean"].iloc[0]


def test_without_recusal_every_evaluator_counts(assess_tables, full_scores):
    a = assess_tables({"scores": _scores(full_scores)})
    assert _c01(a) == Fraction(10, 3)
    assert a.counties.set_index("code").at[CODE, "base_score"] == "98.33"


@pytest.mark.parametrize(("recusal", "mean", "base"), [
    pytest.param(["评委乙", CODE, "", "曾在该县任职"], Fraction(8, 2), "99.00", id="county"),
    pytest.param(["评委乙", "", "南京市", "南京市人"], Fraction(8, 2), "99.00", id="whole-city"),
    pytest.param(["评委甲", CODE, "", "亲属在该县工作"], Fraction(5, 2), "97.50", id="the-high-one"),
    pytest.param(["评委丁", CODE, "", "未评分的评委"], Fraction(10, 3), "98.33", id="evaluator-who-did-not-score"),
    pytest.param(["评委乙", "", "苏州市", "别的市"], Fraction(10, 3), "98.33", id="another-city"),
])
def test_a_recused_evaluators_score_is_not_used(assess_tables, full_scores, recusal, mean, base):
    # 乙 recused: C01 = (5 + 3) / 2 = 4, base 95 + 4 = 99.00; 甲 recused: (2 + 3) / 2 = 2.5 → 97.50.
    a = assess_tables({"scores": _scores(full_scores), "recusals": [recusal]})
    assert _c01(a) == mean
    assert a.counties.set_index("code").at[CODE, "base_score"] == base
    recused = [p for p in a.problems if p.reason == "score.recused"]
    if mean != Fraction(10, 3):
        assert len(recused) == 1 and recused[0].code == CODE and recused[0].severity == "notice"
        assert recused[0].value == recusal[0] and "13 条评分不计" in recused[0].message
    else:
        assert recused == []


def test_trimming_counts_only_the_evaluators_whose_scores_are_used(assess_tables, full_scores):
    # Trim 1 high and 1 low when at least 3 scored. With 乙 recused only 甲 and 丙 remain: no
    # trimming, C01 = (5 + 3) / 2 = 4. Without recusal: drop 5 and 2, C01 = 3.
    override = {"scoring": {"trim": {"count": 1, "min_evaluators": 3}}}
    plain = assess_tables({"scores": _scores(full_scores)}, override)
    assert _c01(plain) == Fraction(3)
    recused = assess_tables({"scores": _scores(full_scores), "recusals": [["评委乙", CODE, "", ""]]}, override,
                            folder_name="recused")
    assert _c01(recused) == Fraction(4)


def test_a_county_nobody_may_score_is_incomplete(assess_tables, full_scores):
    recusals = [[e, CODE, "", "全体回避"] for e in ("评委甲", "评委乙", "评委丙")]
    a = assess_tables({"scores": _scores(full_scores), "recusals": recusals})
    assert a.counties.set_index("code").at[CODE, "status"] == "incomplete"
    assert any(p.reason == "score.missing" and p.code == CODE for p in a.problems)


def test_the_report_lists_the_recusals(assess_tables, full_scores):
    from landassess.publish import report

    a = assess_tables({"scores": _scores(full_scores), "recusals": [["评委乙", CODE, "", "曾在该县任职"]]})
    html = str(report.scoring_section(a))
    assert "回避" in html and "评委乙" in html and "曾在该县任职" in html and "玄武区" in html
    assert Decimal("99.00") == Decimal(a.counties.set_index("code").at[CODE, "base_score"])
