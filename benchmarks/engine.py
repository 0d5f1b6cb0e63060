"""The engine alone (issue 6, item 3): intake to results table, no notebook, no kernel.

Times ``load_params`` + ``load_divisions`` + ``load_year`` (intake) and ``assess_year`` +
``Assessment.results()`` (rules) in this process on a synthetic province, at a large size and at a
tenth of it, to show that the time grows linearly with the data.
"""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import median
from benchmarks.synthetic import Province, write_province
from benchmarks.table import Figure, met, ratio, seconds

ENGINE_GOAL_S = 3.0
GROWTH_GOAL = 12.0


@dataclass
class EngineTiming:
    """Medians of a size: total, intake and rules seconds."""

    divisions: int
    score_rows: int
    total: list[float]
    intake: list[float]
    rules: list[float]
    results_rows: int


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def assess_once(province: Province):
    """Intake and rules for the province's year; returns (results, intake_s, rules_s)."""
    from landassess.assessment import assess_year
    from landassess.divisions import load_divisions
    from landassess.intake import load_year
    from landassess.params import load_params

    gc.collect()  # start from a clean heap: not the generator's or the previous run's garbage
    started = time.perf_counter()
    params = load_params(province.year, province.params_file)
    divisions = load_divisions(params.divisions.file)
    inputs = load_year(province.data_dir, province.year, params, divisions)
    loaded = time.perf_counter()
    results = assess_year(inputs, params, divisions).results()
    done = time.perf_counter()
    return results, loaded - started, done - loaded


def measure_engine(repeat: int, large: int = 3000, small: int = 300, evaluators: int = 20,
                   log=_say) -> tuple[EngineTiming, EngineTiming]:
    """Write both provinces, then time them alternately (small, large, small, …).

    Alternating keeps a change of load on a shared machine from biasing the growth ratio.
    """
    import landassess.assessment  # noqa: F401  (imports are not part of the engine's time)

    with tempfile.TemporaryDirectory(prefix="landassess-bench-engine-") as tmp:
        provinces, timings = [], []
        for size in (small, large):
            started = time.perf_counter()
            province = write_province(Path(tmp) / f"p{size}", divisions=size, evaluators=evaluators)
            log(f"  [3] synthetic province: {size} divisions, {province.cities} cities, "
                f"{province.score_rows:,} score rows (written in {time.perf_counter() - started:.1f} s)")
            provinces.append(province)
            timings.append(EngineTiming(size, province.score_rows, [], [], [], 0))
        for i in range(repeat):
            for province, timing in zip(provinces, timings, strict=True):
                results, intake_s, rules_s = assess_once(province)
                timing.intake.append(intake_s)
                timing.rules.append(rules_s)
                timing.total.append(intake_s + rules_s)
                timing.results_rows = len(results)
                log(f"  [3] {province.divisions} divisions, run {i + 1}/{repeat}: {intake_s + rules_s:.2f} s "
                    f"(intake {intake_s:.2f} s, rules {rules_s:.2f} s)")
    return timings[1], timings[0]


def engine_figures(large: EngineTiming, small: EngineTiming, repeat: int, full_size: bool) -> list[Figure]:
    big, little = median(large.total), median(small.total)
    growth = big / little
    scale = large.divisions / small.divisions
    goal_note = "" if full_size else " (goal is for 3,000 divisions; --quick runs a smaller province)"
    return [
        Figure(f"3a. engine, {large.divisions:,} divisions, {large.score_rows:,} score rows "
               f"(intake → results table)",
               seconds(big), goal=f"< {ENGINE_GOAL_S:g} s" if full_size else "—",
               met=met(big < ENGINE_GOAL_S) if full_size else "—",
               note=f"medians of {repeat}: intake {seconds(median(large.intake))}, rules "
                    f"{seconds(median(large.rules))}; "
                    f"{large.results_rows} results rows{goal_note}"),
        Figure(f"3b. engine growth, {small.divisions:,} → {large.divisions:,} divisions ({scale:g}× data)",
               seconds(big), seconds(little), ratio(growth), f"≤ {GROWTH_GOAL * scale / 10:g}×",
               met(growth <= GROWTH_GOAL * scale / 10),
               note=f"small: intake {seconds(median(small.intake))}, rules {seconds(median(small.rules))}"),
    ]


def profile_engine(divisions: int = 3000, evaluators: int = 20, top: int = 25) -> str:
    """cProfile of one engine run on a synthetic province: top functions by own and cumulative time."""
    import landassess.assessment  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="landassess-bench-profile-") as tmp:
        province = write_province(Path(tmp) / "p", divisions=divisions, evaluators=evaluators)
        profiler = cProfile.Profile()
        profiler.enable()
        assess_once(province)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    text.write(f"cProfile of one engine run, {divisions} divisions (profiler overhead inflates "
               f"per-call costs; compare shares, not seconds)\n")
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"landassess[/\\]", top)
    return text.getvalue()
