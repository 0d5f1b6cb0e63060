"""How robust is a year's title list? Flags for the committee, never a change of the rules.

Variants of the scoring are recomputed with :mod:`landassess.workbench.whatif`: each evaluator left out in
turn, trimmed against plain means, and random ±10 % criterion weights (seeded, reproducible).
A county titled in every variant is ``stable-in``, in none ``stable-out``, otherwise ``marginal``.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pandas as pd

from landassess.workbench.whatif import Scenario, WhatIfBase, official_scenario, recompute

LABEL_ZH = {"stable-in": "稳定入选", "stable-out": "稳定落选", "marginal": "边缘"}


def _titled(result: pd.DataFrame) -> set[str]:
    return set(result.loc[result["tier"].isin(["model", "advanced"]) | result["is_tie_pending"], "code"])


def leave_one_evaluator_out(base: WhatIfBase) -> dict[str, set[str]]:
    """Titled counties when each evaluator's scores are left out in turn."""
    scores = base.scores
    evaluators = sorted(scores.loc[scores["is_valid"], "evaluator"].dropna().unique())
    official = official_scenario(base.assessment.params)
    return {f"去掉{evaluator}": _titled(recompute(replace(base, scores=scores[scores["evaluator"] != evaluator]), official))
            for evaluator in evaluators}


def weight_perturbations(base: WhatIfBase, runs: int = 50, spread: Decimal = Decimal("0.1"),
                         seed: int = 20220114) -> dict[str, set[str]]:
    """Titled counties under ``runs`` random criterion weights in [1 − spread, 1 + spread] (seeded)."""
    params = base.assessment.params
    rng = random.Random(seed)
    variants = {}
    for run in range(1, runs + 1):
        maxima = tuple((c.id, c.max * (1 + spread * Decimal(rng.randint(-1000, 1000)) / 1000))
                       for c in params.rubric.criteria)
        variants[f"权重扰动{run}"] = _titled(recompute(base, Scenario(criterion_max=maxima)))
    return variants


def robustness(base: WhatIfBase, runs: int = 50, seed: int = 20220114) -> pd.DataFrame:
    """Per ranked county: in how many variants it is titled, and its label."""
    params = base.assessment.params
    variants = {"正式参数": _titled(recompute(base, official_scenario(params)))}
    trim = Scenario(trim_count=1, trim_min_evaluators=3)
    plain = Scenario(trim_count=0)
    variants["去极值平均"] = _titled(recompute(base, trim))
    variants["算术平均"] = _titled(recompute(base, plain))
    variants.update(leave_one_evaluator_out(base))
    variants.update(weight_perturbations(base, runs=runs, seed=seed))
    official = recompute(base, official_scenario(params))
    rows = []
    for code, name in zip(official["code"], official["name"], strict=True):
        hits = sum(code in titled for titled in variants.values())
        label = "stable-in" if hits == len(variants) else "stable-out" if hits == 0 else "marginal"
        misses = [k for k, titled in variants.items() if code not in titled] if label == "marginal" else []
        rows.append({"code": code, "name": name, "titled_in": hits, "variants": len(variants), "label": label,
                     "label_zh": LABEL_ZH[label], "not_titled_in": "、".join(misses[:5]) + ("…" if len(misses) > 5 else "")})
    return pd.DataFrame(rows)
