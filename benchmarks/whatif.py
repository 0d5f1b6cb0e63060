"""The workbench's what-if recomputation (issue 6, item 4).

``landassess.workbench.whatif.recompute`` is issue 5's work and may not exist yet: then the figure says
"not available yet". When it exists with the API of issue 5 (``prepare(assessment)`` once, then
``recompute(base, Scenario(...))`` per change), a changed scenario (model quota + 2) is timed on the
demo year and compared with running the whole engine (``run_assessment``) on that year; ``prepare``
and a trimming change (which recomputes the criterion means) are reported in the note.
Any other shape of the API is reported, not guessed at.
"""

from __future__ import annotations

import importlib
import inspect
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
    if not callable(getattr(module, "recompute", None)):
        return None, "not available yet (landassess.workbench.whatif has no recompute)"
    return module, ""


def _timed(function, *arguments) -> tuple[object, float]:
    started = time.perf_counter()
    value = function(*arguments)
    return value, time.perf_counter() - started


def measure_whatif(repeat: int, year: int = 2024, data: Path = REPO / "demo" / "2024",
                   log=_say) -> Figure:
    module, reason = find_whatif()
    if module is None:
        return Figure(NAME, "not available yet" if "not available yet" in reason else "fails to import",
                      note=reason)
    if not all(callable(getattr(module, name, None)) for name in ("prepare", "Scenario")):
        signature = inspect.signature(module.recompute)
        return Figure(NAME, "available, not timed",
                      note=f"recompute{signature}: no prepare/Scenario beside it, call shape not recognised")
    from landassess.assessment import run_assessment

    try:
        engine, assessments = [], []
        for _ in range(repeat):
            assessment, spent = _timed(run_assessment, year, data)
            engine.append(spent)
            assessments.append(assessment)
        base, prepare_s = _timed(module.prepare, assessments[-1])
        params = assessments[-1].params
        quota = module.Scenario(model_quota=params.tiers.model.quota + 2)
        _, first_s = _timed(module.recompute, base, quota)  # computes the criterion means once
        times = []
        for i in range(repeat):
            result, spent = _timed(module.recompute, base, quota)
            times.append(spent)
            log(f"  [4] run {i + 1}/{repeat}: recompute {spent * 1000:.1f} ms")
        trim = module.Scenario(trim_count=1, trim_min_evaluators=3)
        _, trim_s = _timed(module.recompute, base, trim)
    except Exception as error:  # report, never fail
        return Figure(NAME, "available, call failed", note=f"{type(error).__name__}: {error}")
    what_if, whole = median(times), median(engine)
    return Figure(NAME, f"{what_if * 1000:.1f} ms", seconds(whole), f"{what_if / whole:.3f}×",
                  note=f"medians of {repeat}; Scenario(model_quota={params.tiers.model.quota + 2}), "
                       f"{len(result)} ranked rows; prepare {prepare_s * 1000:.0f} ms once, first recompute "
                       f"{first_s * 1000:.0f} ms, a trimming change (new means) {trim_s * 1000:.0f} ms")

