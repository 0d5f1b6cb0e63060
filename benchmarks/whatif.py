"""The workbench's what-if recomputation (issue 6 item 4; issue 10: one rules implementation).

``landassess.workbench.whatif``: ``prepare(assessment)`` once, then
``recompute(base, Scenario.of({...}))`` per widget change — ``assess_year`` with the scenario's
parameters and the stage cache. A changed scenario (model quota + 2) is timed on the demo year and
compared with running the whole engine (``run_assessment``) on that year. The note gives the other
interactions: a trimming change (new criterion means), a dimension weight, a criterion maximum (the
first time it re-reads the inputs, as a full run would; the second time the reading is cached) and
the robustness view (every variant through the same what-if). Benchmarks report, they never fail.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from benchmarks.measure import REPO, median
from benchmarks.table import Figure, seconds

NAME = "4. what-if recomputation, demo year 2024 (vs whole engine on that year)"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def find_whatif():
    """The module, or None and why not."""
    try:
        module = importlib.import_module("landassess.workbench.whatif")
    except ModuleNotFoundError as error:
        if error.name in ("landassess.workbench.whatif", "landassess"):
            return None, "not available yet (no module landassess.workbench.whatif)"
        return None, f"landassess.workbench.whatif does not import: {error}"
    except Exception as error:  # a half-written module must not stop the other benchmarks
        return None, f"landassess.workbench.whatif does not import: {type(error).__name__}: {error}"
    if not all(callable(getattr(module, name, None)) for name in ("prepare", "recompute", "Scenario")):
        return None, "not available yet (landassess.workbench.whatif lacks prepare/recompute/Scenario)"
    return module, ""


def _timed(function, *arguments, **keywords) -> tuple[object, float]:
    started = time.perf_counter()
    value = function(*arguments, **keywords)
    return value, time.perf_counter() - started


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def measure_whatif(repeat: int, year: int = 2024, data: Path = REPO / "demo" / "2024",
                   log=_say) -> Figure:
    module, reason = find_whatif()
    if module is None:
        return Figure(NAME, "not available yet" if "not available yet" in reason else "fails to import",
                      note=reason)
    from landassess.assessment import run_assessment
    from landassess.workbench import robustness

    try:
        engine, assessments = [], []
        for _ in range(repeat):
            assessment, spent = _timed(run_assessment, year, data)
            engine.append(spent)
            assessments.append(assessment)
        base, prepare_s = _timed(module.prepare, assessments[-1])
        params = assessments[-1].params
        quota = module.Scenario.of({"tiers.model.quota": params.tiers.model.quota + 2})
        _, first_s = _timed(module.recompute, base, quota)  # fills the stage cache
        times = []
        for i in range(repeat):
            result, spent = _timed(module.recompute, base, quota)
            times.append(spent)
            log(f"  [4] run {i + 1}/{repeat}: recompute {spent * 1000:.1f} ms")
        ranked = int(result.counties["is_ranked"].sum())
        trim_count = 1 if params.scoring.trim.count == 0 else 0
        trim = module.Scenario.of({"scoring.trim.count": trim_count,
                                   "scoring.trim.min_evaluators": max(3, params.scoring.trim.min_evaluators)})
        _, trim_s = _timed(module.recompute, base, trim)
        dimension = params.rubric.dimensions[0]
        weight = module.Scenario.of({f"rubric.dimensions.{dimension.id}.weight": dimension.weight + 1})
        _, weight_s = _timed(module.recompute, base, weight)
        criterion = params.rubric.criteria[0]
        maximum = module.Scenario.of({f"rubric.criteria.{criterion.id}.max": criterion.max + 1})
        _, reread_s = _timed(module.recompute, base, maximum)
        _, cached_max_s = _timed(module.recompute, base, maximum)
        table, robust_s = _timed(robustness.robustness, base, runs=50)
    except Exception as error:  # report, never fail
        return Figure(NAME, "available, call failed", note=f"{type(error).__name__}: {error}")
    what_if, whole = median(times), median(engine)
    variants = int(table["variants"].iloc[0]) if len(table) else 0
    return Figure(NAME, f"{what_if * 1000:.1f} ms", seconds(whole), f"{what_if / whole:.3f}×",
                  note=f"medians of {repeat}; tiers.model.quota={params.tiers.model.quota + 2}, {ranked} ranked "
                       f"counties; prepare {_ms(prepare_s)} once, first recompute {_ms(first_s)}; a trimming "
                       f"change (new means) {_ms(trim_s)}, a dimension weight {_ms(weight_s)}, a criterion "
                       f"maximum {_ms(reread_s)} (re-reads the inputs) then {_ms(cached_max_s)}; robustness "
                       f"({variants} variants) {seconds(robust_s)}")
