"""What if: recompute a year's ranking under changed parameters, fast, for the workbench.

``prepare`` does the slow work once (criterion means of every recommended, unvetoed county —
also the ones outside the official quota — bonus sums, ratios); ``recompute`` then applies a
:class:`Scenario` (criterion maxima, dimension weights, tier quotas, trimming, bonus cap, quota
share) in milliseconds and ``compare`` says who enters or leaves each title against the official
result. These are explorations for the committee: the official result is ``landassess run``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import Params
from landassess.rules import ranking, scoring
from landassess.vocabulary import TIER_ZH


@dataclass(frozen=True)
class Scenario:
    """Parameters the committee may try; unset fields keep the official values."""

    criterion_max: tuple[tuple[str, Decimal], ...] = ()  # new maxima: scores are rescaled in proportion
    dimension_weights: tuple[tuple[str, Decimal], ...] = ()  # multiplier of a dimension's subtotal
    model_quota: int | None = None
    advanced_quota: int | None = None
    trim_count: int | None = None
    trim_min_evaluators: int | None = None
    bonus_cap: Decimal | None = field(default=None)
    has_bonus_cap: bool = False  # distinguishes "no cap" from "keep the official cap"
    quota_share: Decimal | None = None


@dataclass
class WhatIfBase:
    """What ``recompute`` needs, computed once per year."""

    assessment: Assessment
    places: pd.DataFrame  # valid recommendations: code, city, place
    city_sizes: dict[str, int]
    blocked: set[str]  # vetoed or with row problems: never ranked, whatever the scenario
    bonus_raw: dict[str, Decimal]
    ratios: dict[str, Fraction]
    official: pd.DataFrame  # code, tier, status of the official run
    scores: pd.DataFrame  # the score rows the means come from (all of them, or a variant's)

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one base per year, lives as long as the workbench
    def means(self, trim_count: int, trim_min: int) -> dict[str, dict[str, Fraction]]:
        """Criterion means per county for one trimming setting (cached)."""
        params = self.assessment.params
        trimmed = params.model_copy(update={"scoring": params.scoring.model_copy(
            update={"trim": params.scoring.trim.model_copy(update={"count": trim_count, "min_evaluators": trim_min})})})
        codes = sorted(set(self.places["code"]) - self.blocked)
        scored = scoring.score_counties(self.scores, codes, trimmed)
        out: dict[str, dict[str, Fraction]] = {c: {} for c in codes}
        for code, criterion, mean in zip(scored.criteria["code"], scored.criteria["criterion"],
                                         scored.criteria["mean"], strict=True):
            out[code][criterion] = mean
        return out

    def __hash__(self) -> int:
        return id(self)


def prepare(assessment: Assessment) -> WhatIfBase:
    """Precompute a year for fast what-if recomputation."""
    recs = assessment.recommendations
    places = recs[recs["is_counted"]][["code", "city", "place"]].reset_index(drop=True)
    counties = assessment.counties
    row_problems = {p.code for p in assessment.problems
                    if p.affects_status and p.code and not p.message.startswith("缺少指标评分")}
    blocked = set(counties.loc[counties["vetoes"] != "", "code"]) | row_problems
    bonus_raw: dict[str, Decimal] = {}
    counted = assessment.bonus_events[assessment.bonus_events["counts"]]
    for code, points in zip(counted["code"], counted["points"], strict=True):
        bonus_raw[code] = bonus_raw.get(code, Decimal(0)) + points
    ratios = {c: r for c, r in zip(assessment.land["code"], assessment.land["ratio"], strict=True) if r is not None}
    blocked |= set(places["code"]) - set(ratios)  # no land statistics: incomplete
    official = counties[["code", "name", "city", "status", "tier"]].copy()
    return WhatIfBase(assessment, places, assessment.divisions.count_by_city().to_dict(), blocked, bonus_raw,
                      ratios, official, assessment.inputs.tables["scores"])


def official_scenario(params: Params) -> Scenario:
    """The official parameters, as a scenario."""
    return Scenario(
        criterion_max=tuple((c.id, c.max) for c in params.rubric.criteria),
        dimension_weights=tuple((d.id, Decimal(1)) for d in params.rubric.dimensions),
        model_quota=params.tiers.model.quota, advanced_quota=params.tiers.advanced.quota,
        trim_count=params.scoring.trim.count, trim_min_evaluators=params.scoring.trim.min_evaluators,
        bonus_cap=params.bonus.cap, has_bonus_cap=True, quota_share=params.recommendation.quota_share,
    )


def recompute(base: WhatIfBase, scenario: Scenario) -> pd.DataFrame:
    """Ranking and provisional titles under ``scenario`` (one row per ranked county)."""
    params = base.assessment.params
    share = scenario.quota_share if scenario.quota_share is not None else params.recommendation.quota_share
    quota_of = {city: math.floor(Fraction(share) * n) for city, n in base.city_sizes.items()}
    admitted = [c for c, city, place in zip(base.places["code"], base.places["city"], base.places["place"], strict=True)
                if place <= quota_of[city] and c not in base.blocked]
    trim = (scenario.trim_count if scenario.trim_count is not None else params.scoring.trim.count,
            scenario.trim_min_evaluators if scenario.trim_min_evaluators is not None else params.scoring.trim.min_evaluators)
    means = base.means(*trim)
    old_max = params.rubric.max_by_criterion()
    new_max = dict(scenario.criterion_max) or old_max
    dim_weight = dict(scenario.dimension_weights)
    dimension_of = params.rubric.dimension_of()
    weights = {c: Fraction(new_max.get(c, old_max[c])) / Fraction(old_max[c])
               * Fraction(dim_weight.get(dimension_of[c], Decimal(1))) for c in old_max}
    cap = scenario.bonus_cap if scenario.has_bonus_cap else params.bonus.cap
    effectiveness = params.rubric.effectiveness_dimension
    rows = []
    for code in admitted:
        county = means.get(code, {})
        if len(county) < len(old_max):
            continue  # a criterion nobody scored: incomplete
        base_score = sum((weights[c] * m for c, m in county.items()), Fraction(0))
        bonus = Fraction(min(base.bonus_raw.get(code, Decimal(0)), cap) if cap is not None
                         else base.bonus_raw.get(code, Decimal(0)))
        eff = sum((weights[c] * m for c, m in county.items() if dimension_of[c] == effectiveness), Fraction(0))
        rows.append({"code": code, "total": scoring.round_half_up(base_score + bonus),
                     "effectiveness": scoring.round_half_up(eff), "ratio": base.ratios[code]})
    candidates = pd.DataFrame(rows, columns=["code", "total", "effectiveness", "ratio"])
    tiers = params.tiers.model_copy(update={
        "model": params.tiers.model.model_copy(update={"quota": scenario.model_quota if scenario.model_quota is not None
                                                       else params.tiers.model.quota}),
        "advanced": params.tiers.advanced.model_copy(update={
            "quota": scenario.advanced_quota if scenario.advanced_quota is not None else params.tiers.advanced.quota}),
    })
    ranked = ranking.rank_counties(candidates, params.model_copy(update={"tiers": tiers}))
    ranked = ranked.merge(candidates[["code", "total"]], on="code")
    names = base.assessment.divisions.name_of()
    ranked.insert(1, "name", ranked["code"].map(names))
    ranked["title"] = [("并列待定" if p else TIER_ZH.get(t, "")) if isinstance(t, str) or p else ""
                       for t, p in zip(ranked["tier"], ranked["is_tie_pending"], strict=True)]
    return ranked


def compare(base: WhatIfBase, scenario_result: pd.DataFrame) -> pd.DataFrame:
    """Who enters or leaves each title compared with the official result."""
    official = base.official.set_index("code")["tier"].where(lambda s: s.isin(["model", "advanced"]), None)
    new = scenario_result.set_index("code")["tier"] if len(scenario_result) else pd.Series(dtype=object)
    rows = []
    for code in sorted(set(official.dropna().index) | set(new.dropna().index)):
        before, after = official.get(code), new.get(code)
        before = before if isinstance(before, str) else None
        after = after if isinstance(after, str) else None
        if before == after:
            continue
        change = ("进入" + TIER_ZH[after]) if after and not before else ("离开" + TIER_ZH[before]) if before and not after \
            else f"{TIER_ZH[before]} → {TIER_ZH[after]}"
        rows.append({"code": code, "name": base.assessment.divisions.name_of()[code],
                     "official": TIER_ZH.get(before, "—") if before else "—",
                     "scenario": TIER_ZH.get(after, "—") if after else "—", "change": change})
    return pd.DataFrame(rows, columns=["code", "name", "official", "scenario", "change"])
