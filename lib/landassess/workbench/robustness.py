"""How robust is a year's title list? Flags for the committee, never a change of the rules.

Every variant is the official assessment (:func:`landassess.workbench.whatif.recompute`, that is
``assess_year``) with one thing changed, of three kinds: random ±10 % dimension weights (seeded,
reproducible), each evaluator left out in turn (the same assessment on inputs whose scores table
lacks that evaluator), and another way of averaging (trimmed or plain means, whichever the official
parameters do not already use). The official result itself is not a variant.

"Titled" is the provisional title: 模范, 先进 or a pending tie (verification outcomes do not depend on
the scores). Only a county that can hold a title in the official result is counted — one ranked
as 模范, 先进, 并列待定 or 未入选. A county disqualified (取消资格), vetoed or otherwise out of the
running is ``not-eligible``, whatever the variants give; a disqualified county is titled in no
variant either. Of the others, one titled in the official result and in every variant is
``stable-in``, one titled in neither the official result nor any variant ``stable-out``, any other
``marginal``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from landassess.assessment import Assessment
from landassess.calibration import inputs_without
from landassess.vocabulary import STATUS_ZH
from landassess.workbench.whatif import Scenario, WhatIf, recompute

LABEL_ZH = {"stable-in": "稳定入选", "stable-out": "稳定落选", "marginal": "边缘"}
TITLED = ("model", "advanced", "tie_pending")
"""Statuses that hold a provisional title (SPEC 3.4, 3.6)."""
CONTENDING = (*TITLED, "not_selected")
"""Statuses of counties whose title depends on the scores; any other status takes no part."""
SPREAD = Decimal("0.1")
"""Weight perturbations draw each dimension's weight in [1 − SPREAD, 1 + SPREAD] × its official weight."""
SEED = 20220114
"""The seed of the weight perturbations (the notice's date), so that a click gives the same table."""
AVERAGING = {
    "去掉最高分和最低分后平均": {"count": 1, "min_evaluators": 3},
    "算术平均（不去极值）": {"count": 0},
}
"""Other ways of averaging a criterion's scores (``scoring.trim``); the one the parameters use is skipped."""


def titled(result: Assessment) -> frozenset[str]:
    """Counties holding a provisional title or a pending tie (never a disqualified one)."""
    return frozenset(result.counties.loc[result.counties["status"].isin(TITLED), "code"])


@dataclass(frozen=True)
class Variants:
    """The variants tried, by kind: each variant's Chinese name → the counties titled in it."""

    weights: dict[str, frozenset[str]]
    without: dict[str, frozenset[str]]
    averaging: dict[str, frozenset[str]]
    spread: Decimal = SPREAD

    @property
    def titled(self) -> dict[str, frozenset[str]]:
        return {**self.weights, **self.without, **self.averaging}

    def summary(self) -> str:
        """``共 56 个变体：维度权重扰动 50 次（…±10%…）、去掉一位评委 5 个（…）、改变平均方式 1 个（…）。``"""
        parts = []
        if self.weights:
            parts.append(f"维度权重扰动 {len(self.weights)} 次（各维度权重在正式权重的 ±{(self.spread * 100).normalize():f}% "
                         "内随机取值）")
        if self.without:
            parts.append(f"去掉一位评委 {len(self.without)} 个（每次去掉一位评委的全部评分）")
        if self.averaging:
            parts.append(f"改变平均方式 {len(self.averaging)} 个（{'、'.join(self.averaging)}）")
        return f"共 {len(self.titled)} 个变体：" + ("、".join(parts) or "无") + "。"


def leave_one_evaluator_out(base: WhatIf) -> dict[str, frozenset[str]]:
    """Titled counties when each evaluator's scores are left out in turn (none with a single evaluator)."""
    inputs = base.official.inputs
    scores = inputs.tables["scores"]
    evaluators = list(scores.loc[scores["is_valid"], "evaluator"].dropna().unique())  # as they first appear
    if len(evaluators) < 2:
        return {}
    variants = {}
    for evaluator in evaluators:
        key = ("robustness.without", evaluator)  # one variant per evaluator, so later clicks hit the cache
        if key not in base.cache:
            base.cache[key] = inputs_without(inputs, evaluator)
        variants[f"去掉{evaluator}"] = titled(recompute(base, base.official.params, inputs=base.cache[key]))
    return variants


def weight_perturbations(base: WhatIf, runs: int = 50, spread: Decimal = SPREAD,
                         seed: int = SEED) -> dict[str, frozenset[str]]:
    """Titled counties under ``runs`` random dimension weights in [1 − spread, 1 + spread] (seeded)."""
    dimensions = base.official.params.rubric.dimensions
    rng = random.Random(seed)
    variants = {}
    for run in range(1, runs + 1):
        weights = {f"rubric.dimensions.{d.id}.weight": d.weight * (1 + spread * Decimal(rng.randint(-1000, 1000)) / 1000)
                   for d in dimensions}
        variants[f"权重扰动{run}"] = titled(recompute(base, Scenario.of(weights)))
    return variants


def averaging_variants(base: WhatIf) -> dict[str, frozenset[str]]:
    """Trimmed (drop the highest and lowest of at least 3) and plain means, except the official one."""
    trim = base.official.params.scoring.trim
    variants = {}
    for name, change in AVERAGING.items():
        if all(getattr(trim, key) == value for key, value in change.items()):
            continue  # the official parameters already average this way
        variants[name] = titled(recompute(base, Scenario.of({f"scoring.trim.{k}": v for k, v in change.items()})))
    return variants


def run_variants(base: WhatIf, runs: int = 50, seed: int = SEED, spread: Decimal = SPREAD) -> Variants:
    """Every variant of the year: ``runs`` weight perturbations, one per evaluator left out, other averaging."""
    return Variants(weight_perturbations(base, runs=runs, spread=spread, seed=seed), leave_one_evaluator_out(base),
                    averaging_variants(base), spread)


def label_counties(counties: pd.DataFrame, variants: dict[str, frozenset[str]]) -> pd.DataFrame:
    """Per declared county (ranked first, by position): in how many variants it is titled, and its label.

    ``counties`` needs ``code``, ``name``, ``status``, ``is_declared`` and ``position``. A county
    whose official status is not one of :data:`CONTENDING` is ``not-eligible`` (不参与) with a
    count of 0. ``differs_in`` names up to five variants whose outcome differs from the official one.
    """
    declared = counties[counties["is_declared"].astype(bool)].sort_values(["position", "code"], na_position="last")
    total = len(variants)
    rows = []
    for code, name, status in zip(declared["code"], declared["name"], declared["status"], strict=True):
        if status not in CONTENDING:
            rows.append({"code": code, "name": name, "status": status, "titled_in": 0, "variants": total,
                         "label": "not-eligible", "label_zh": f"不参与（{STATUS_ZH[status]}）", "titled_in_zh": "—",
                         "differs_in": ""})
            continue
        is_titled = status in TITLED
        hits = sum(code in found for found in variants.values())
        label = ("stable-in" if is_titled and hits == total else "stable-out" if not is_titled and hits == 0
                 else "marginal")
        differs = [k for k, found in variants.items() if (code in found) != is_titled]
        rows.append({"code": code, "name": name, "status": status, "titled_in": hits, "variants": total,
                     "label": label, "label_zh": LABEL_ZH[label], "titled_in_zh": f"在 {total} 个变体中的 {hits} 个入选",
                     "differs_in": "、".join(differs[:5]) + ("…" if len(differs) > 5 else "")})
    return pd.DataFrame(rows, columns=["code", "name", "status", "titled_in", "variants", "label", "label_zh",
                                       "titled_in_zh", "differs_in"])


def robustness(base: WhatIf, runs: int = 50, seed: int = SEED) -> pd.DataFrame:
    """Per declared county: in how many variants it is titled, and its label (:func:`label_counties`)."""
    return label_counties(base.official.counties, run_variants(base, runs=runs, seed=seed).titled)
