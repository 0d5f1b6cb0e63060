"""How robust is a year's title list? Flags for the committee, never a change of the rules.

Every variant is the official assessment (:func:`landassess.workbench.whatif.recompute`, that is
``assess_year``) with one thing changed: each evaluator left out in turn (the same assessment on
inputs whose scores table lacks that evaluator), trimmed against plain means, and random ±10 %
dimension weights (seeded, reproducible). A county titled in every variant is ``stable-in``, in
none ``stable-out``, otherwise ``marginal``. "Titled" is the provisional title: 模范, 先进 or a
pending tie (before verification outcomes, which do not depend on the scores).
"""

from __future__ import annotations

import random
from decimal import Decimal

import pandas as pd

from landassess.assessment import Assessment
from landassess.calibration import inputs_without
from landassess.workbench.whatif import Scenario, WhatIf, recompute

LABEL_ZH = {"stable-in": "稳定入选", "stable-out": "稳定落选", "marginal": "边缘"}


def titled(result: Assessment) -> set[str]:
    """Ranked counties holding a provisional title or a pending tie."""
    ranked = result.counties[result.counties["is_ranked"]]
    return set(ranked.loc[ranked["tier"].isin(["model", "advanced"]) | ranked["is_tie_pending"].astype(bool), "code"])


def leave_one_evaluator_out(base: WhatIf) -> dict[str, set[str]]:
    """Titled counties when each evaluator's scores are left out in turn."""
    inputs = base.official.inputs
    scores = inputs.tables["scores"]
    evaluators = list(scores.loc[scores["is_valid"], "evaluator"].dropna().unique())  # as they first appear
    variants = {}
    for evaluator in evaluators:
        key = ("robustness.without", evaluator)  # one variant per evaluator, so later clicks hit the cache
        if key not in base.cache:
            base.cache[key] = inputs_without(inputs, evaluator)
        variants[f"去掉{evaluator}"] = titled(recompute(base, base.official.params, inputs=base.cache[key]))
    return variants


def weight_perturbations(base: WhatIf, runs: int = 50, spread: Decimal = Decimal("0.1"),
                         seed: int = 20220114) -> dict[str, set[str]]:
    """Titled counties under ``runs`` random dimension weights in [1 − spread, 1 + spread] (seeded)."""
    dimensions = base.official.params.rubric.dimensions
    rng = random.Random(seed)
    variants = {}
    for run in range(1, runs + 1):
        weights = {f"rubric.dimensions.{d.id}.weight": d.weight * (1 + spread * Decimal(rng.randint(-1000, 1000)) / 1000)
                   for d in dimensions}
        variants[f"权重扰动{run}"] = titled(recompute(base, Scenario.of(weights)))
    return variants


def trimming_variants(base: WhatIf) -> dict[str, set[str]]:
    """Trimmed (drop the highest and lowest of at least 3) and plain means."""
    trim = base.official.params.scoring.trim
    return {
        "去极值平均": titled(recompute(base, Scenario.of({
            "scoring.trim.count": 1, "scoring.trim.min_evaluators": max(3, trim.min_evaluators)}))),
        "算术平均": titled(recompute(base, Scenario.of({"scoring.trim.count": 0}))),
    }


def robustness(base: WhatIf, runs: int = 50, seed: int = 20220114) -> pd.DataFrame:
    """Per ranked county: in how many variants it is titled, and its label."""
    official = base.official
    variants = {"正式参数": titled(official)}
    variants.update(trimming_variants(base))
    variants.update(leave_one_evaluator_out(base))
    variants.update(weight_perturbations(base, runs=runs, seed=seed))
    ranked = official.counties[official.counties["is_ranked"]].sort_values(["position", "code"])
    rows = []
    for code, name in zip(ranked["code"], ranked["name"], strict=True):
        hits = sum(code in found for found in variants.values())
        label = "stable-in" if hits == len(variants) else "stable-out" if hits == 0 else "marginal"
        misses = [k for k, found in variants.items() if code not in found] if label == "marginal" else []
        rows.append({"code": code, "name": name, "titled_in": hits, "variants": len(variants), "label": label,
                     "label_zh": LABEL_ZH[label], "not_titled_in": "、".join(misses[:5]) + ("…" if len(misses) > 5 else "")})
    return pd.DataFrame(rows, columns=["code", "name", "titled_in", "variants", "label", "label_zh", "not_titled_in"])
