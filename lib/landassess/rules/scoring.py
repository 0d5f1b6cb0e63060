"""Scoring (四, 六(三)): criterion means, dimension subtotals, base score, total.

Each evaluator scores some or all of the 13 criteria for each admitted county. A criterion's score
is the mean of its evaluators' scores (optionally trimmed: drop the ``k`` highest and lowest when
at least ``m`` evaluators scored it); base = Σ criteria; total = base + bonus. Values stay exact
(fractions) while computing and are rounded half-up only for display and ranking. A criterion
nobody scored makes the county incomplete: nothing is imputed.

Dimension weights (``rubric.dimensions[].weight``, 1 in the notice; a what-if may change them):
base = Σ weight × dimension subtotal. The dimension columns (shown in the report and used by the
土地执法监管成效 tie-break, SPEC 3.4) stay the *unweighted* subtotals, the score on that dimension
as the rubric defines it: a weight is a positive factor common to every county, so it cannot
change which of two counties has the higher subtotal (only, rarely, whether two rounded values are
equal). With every weight 1 nothing changes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from landassess.params import Rubric, Scoring


@functools.lru_cache(maxsize=65536)  # pure, and what-if and robustness round the same values for every variant
def round_half_up(value: Fraction | Decimal | int, decimals: int = 2) -> Decimal:
    """Round half away from zero to ``decimals`` places, exactly (2.345 → 2.35, -2.345 → -2.35)."""
    exact = Fraction(value)
    scale = 10 ** decimals
    magnitude = math.floor(abs(exact) * scale + Fraction(1, 2))
    rounded = Decimal(magnitude if exact >= 0 else -magnitude).scaleb(-decimals)
    return rounded.quantize(Decimal(1).scaleb(-decimals))


@dataclass(frozen=True)
class Scores:
    """The scoring of one year."""

    criteria: pd.DataFrame  # code, criterion, dimension, n, mean (Fraction), min, max, spread, max_points
    counties: pd.DataFrame  # code, base (Fraction), <dimension> (Fraction) …, missing, is_complete
    evaluator_scores: pd.DataFrame  # code, criterion, evaluator, score (Decimal), is_trimmed


def score_counties(scores: pd.DataFrame, codes: list[str], rubric: Rubric, scoring: Scoring) -> Scores:
    """Score the counties ``codes`` (the admitted, unvetoed ones) from the valid score rows."""
    criteria, evaluator_scores = criterion_means(scores, codes, rubric, scoring)
    return Scores(criteria, county_totals(criteria, codes, rubric), evaluator_scores)


def criterion_means(scores: pd.DataFrame, codes: list[str], rubric: Rubric,
                    scoring: Scoring) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per county and criterion: evaluators, mean (trimmed if set), min, max, spread (六(三)).

    Returns (criteria, evaluator_scores); the latter marks the scores left out by trimming.
    """
    dimension_of = rubric.dimension_of()
    in_scope = scores[scores["is_valid"] & scores["code"].isin(codes)]
    in_scope = in_scope[["code", "criterion", "evaluator", "score"]].reset_index(drop=True)
    distinct = pd.unique(in_scope["score"])
    exponent = max((max(-d.as_tuple().exponent, 0) for d in distinct), default=0)
    unit = 10 ** exponent
    scaled_of = {d: int(d * unit) for d in distinct}
    scaled = in_scope["score"].map(scaled_of).astype("int64") if len(in_scope) else \
        pd.Series([], dtype="int64")
    keys = [in_scope["code"], in_scope["criterion"]]
    trim = scoring.trim
    is_trimmed = np.zeros(len(in_scope), dtype=bool)
    if trim.count and len(in_scope):
        grouped = scaled.groupby(keys)
        n = grouped.transform("size")
        place = grouped.rank(method="first")
        is_trimmed = ((n >= trim.min_evaluators)
                      & ((place <= trim.count) | (place > n - trim.count))).to_numpy()
    kept = scaled[~is_trimmed]
    stats = pd.DataFrame({
        "sum": kept.groupby([k[~is_trimmed] for k in keys]).sum(),
        "n_kept": kept.groupby([k[~is_trimmed] for k in keys]).size(),
    })
    spread = scaled.groupby(keys).agg(["size", "min", "max"]).rename(columns={"size": "n"})
    stats = spread.join(stats, how="left").reset_index()
    stats.columns = ["code", "criterion", "n", "min", "max", "sum", "n_kept"]
    stats["mean"] = [Fraction(int(s), int(k) * unit) for s, k in zip(stats["sum"], stats["n_kept"], strict=True)]
    for column in ("min", "max"):
        stats[column] = [Fraction(int(x), unit) for x in stats[column]]
    stats["spread"] = [hi - lo for hi, lo in zip(stats["max"], stats["min"], strict=True)]
    stats["dimension"] = stats["criterion"].map(dimension_of)
    stats["max_points"] = stats["criterion"].map(rubric.max_by_criterion())
    stats = stats.drop(columns=["sum"])

    return stats, in_scope.assign(is_trimmed=is_trimmed)


def county_totals(stats: pd.DataFrame, codes: list[str], rubric: Rubric) -> pd.DataFrame:
    """Base and dimension subtotals per county; missing criteria make it incomplete.

    base = Σ weight × dimension subtotal; the dimension columns are the unweighted subtotals.
    """
    criterion_ids = rubric.criterion_ids()
    dimension_of = rubric.dimension_of()
    dimension_ids = [d.id for d in rubric.dimensions]
    weights = {d.id: Fraction(d.weight) for d in rubric.dimensions}
    by_code: dict[str, dict[str, Fraction]] = {code: {} for code in codes}
    for code, criterion, mean in zip(stats["code"], stats["criterion"], stats["mean"], strict=True):
        by_code[code][criterion] = mean
    rows = []
    for code in codes:
        means = by_code[code]
        missing = [c for c in criterion_ids if c not in means]
        row: dict[str, object] = {"code": code, "missing": missing, "is_complete": not missing}
        subtotals = dict.fromkeys(dimension_ids, Fraction(0))
        for criterion, mean in means.items():  # one pass (exact: the order of the sums does not matter)
            subtotals[dimension_of[criterion]] += mean
        row["base"] = sum((weights[d] * x for d, x in subtotals.items()), Fraction(0)) if not missing else None
        for dimension in dimension_ids:
            row[dimension] = subtotals[dimension] if not missing else None
        rows.append(row)
    return pd.DataFrame(rows, columns=["code", "missing", "is_complete", "base", *dimension_ids])


def recused_rows(scores: pd.DataFrame, recusals: pd.DataFrame, city_of: dict[str, str]) -> pd.Series:
    """Which score rows come from an evaluator recused (回避) from the county or its whole city.

    Such a score is not used: a criterion's mean is over the evaluators who are not recused, and
    trimming counts only the evaluators whose scores are used (SPEC 7.4). Invalid recusal rows
    (a problem in the recusals table) do not apply.
    """
    valid = recusals[recusals["is_valid"]] if len(recusals) else recusals
    by_county = set(zip(valid["evaluator"], valid["code"], strict=True)) if len(valid) else set()
    by_city = set(zip(valid["evaluator"], valid["city"], strict=True)) if len(valid) else set()
    if not by_county and not by_city:
        return pd.Series(False, index=scores.index)
    # dtype=bool: an empty score table (score sheets not back yet) must still select rows, not columns.
    return pd.Series([(e, c) in by_county or (e, city_of.get(c, "")) in by_city
                      for e, c in zip(scores["evaluator"], scores["code"], strict=True)], index=scores.index,
                     dtype=bool)
