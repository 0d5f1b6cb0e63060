"""End-to-end figures (issue 6, items 1, 2 and 5): commands run as a user runs them.

Every measurement is a fresh subprocess, so interpreter and kernel start-up count on both sides
of each ratio. Runs of the two sides alternate (A B A B …) so that a noisy machine disturbs both.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.measure import REPO, Run, landassess_command, median, run_command
from benchmarks.table import Figure, met, mib, ratio, seconds

DEMO = REPO / "demo"
FLOOR_SCRIPT = Path(__file__).resolve().parent / "floor.py"
YEAR_GOAL = 1.5
BATCH_GOAL = 2.0


@dataclass
class YearRuns:
    """Item 1: ``landassess run`` against the empty-notebook floor."""

    runs: list[Run]
    floors: list[Run]
    report_bytes: int
    floor_report_bytes: int
    notebook_seconds: list[float]  # papermill's own duration of the executed notebook, per run
    floor_notebook_seconds: list[float]
    cell_seconds: dict[str, list[float]]  # first line of each cell → its duration, per run


def notebook_durations(path: Path) -> tuple[float, dict[str, float]]:
    """Papermill's recorded duration of an executed notebook and of each of its cells."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = {}
    for n, cell in enumerate(notebook["cells"]):
        source = "".join(cell.get("source", ""))
        label = (source.strip().splitlines() or [""])[0][:60]
        cells[f"{n:02d} {label}"] = float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0)
    return float(notebook["metadata"].get("papermill", {}).get("duration") or 0), cells


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_year(repeat: int, year: int = 2024, log=_say) -> YearRuns:
    """Run one demo year and the floor ``repeat`` times each, alternating."""
    runs, floors = [], []
    report_bytes = floor_bytes = 0
    notebook_s, floor_notebook_s, cell_s = [], [], {}
    with tempfile.TemporaryDirectory(prefix="landassess-bench-") as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"run{i}"
            run = run_command([*landassess_command(), "run", "--year", str(year),
                               "--data", str(DEMO / str(year)), "--out", str(out)])
            if not run.ok:
                raise RuntimeError(f"landassess run failed: {run.last_error_line()}\n{run.stderr[-2000:]}")
            runs.append(run)
            report_bytes = (out / "report.html").stat().st_size
            total, cells = notebook_durations(out / "assessment.ipynb")
            notebook_s.append(total)
            for label, duration in cells.items():
                cell_s.setdefault(label, []).append(duration)
            floor_out = Path(tmp) / f"floor{i}"
            floor = run_command([sys.executable, str(FLOOR_SCRIPT), str(floor_out)])
            if not floor.ok:
                raise RuntimeError(f"floor run failed: {floor.last_error_line()}\n{floor.stderr[-2000:]}")
            floors.append(floor)
            floor_bytes = (floor_out / "report.html").stat().st_size
            floor_notebook_s.append(notebook_durations(floor_out / "executed.ipynb")[0])
            log(f"  [1] run {i + 1}/{repeat}: landassess run {run.seconds:.2f} s, floor {floor.seconds:.2f} s")
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(floor_out, ignore_errors=True)
    return YearRuns(runs, floors, report_bytes, floor_bytes, notebook_s, floor_notebook_s, cell_s)


def year_figures(result: YearRuns, repeat: int) -> list[Figure]:
    """Item 1 and item 5 rows."""
    run_s = median([r.seconds for r in result.runs])
    floor_s = median([r.seconds for r in result.floors])
    quotient = run_s / floor_s
    nb_s, floor_nb_s = median(result.notebook_seconds), median(result.floor_notebook_seconds)
    cell_medians = {label: median(values) for label, values in result.cell_seconds.items()}
    cells_s = sum(cell_medians.values())
    slowest = "; ".join(f"{label} {value:.2f} s" for label, value in
                        sorted(cell_medians.items(), key=lambda item: -item[1])[:4])
    rss = max(r.max_rss_kib for r in result.runs)
    floor_rss = max(r.max_rss_kib for r in result.floors)
    tree = max(r.tree_rss_kib for r in result.runs)
    floor_tree = max(r.tree_rss_kib for r in result.floors)
    figures = [
        Figure("1. demo year 2024 end to end (landassess run vs empty-notebook floor)",
               seconds(run_s), seconds(floor_s), ratio(quotient), f"≤ {YEAR_GOAL}×",
               met(quotient <= YEAR_GOAL),
               note=f"medians of {repeat}; runs {_list(result.runs)}; floor {_list(result.floors)}. "
                    f"Inside: papermill notebook {seconds(nb_s)} (floor {seconds(floor_nb_s)}), of which "
                    f"cells {seconds(cells_s)}; the rest ({seconds(run_s - nb_s)} vs floor "
                    f"{seconds(floor_s - floor_nb_s)}) is CLI start-up, HTML export and outputs. "
                    f"Slowest cells: {slowest}"),
        Figure("5a. report size (report.html of item 1; baseline: floor HTML)",
               f"{result.report_bytes:,} B", f"{result.floor_report_bytes:,} B",
               ratio(result.report_bytes / result.floor_report_bytes) if result.floor_report_bytes else "—"),
        Figure("5b. peak memory, largest process (max RSS via wait4)",
               mib(rss), mib(floor_rss), ratio(rss / floor_rss) if floor_rss else "—",
               note="the CLI process or its kernel, whichever is larger; max over runs"),
    ]
    if tree:
        figures.append(Figure("5c. peak memory, process tree (CLI + kernel, sampled 20 Hz)",
                              mib(tree), mib(floor_tree) if floor_tree else "—",
                              ratio(tree / floor_tree) if floor_tree else "—"))
    return figures


def batch_available() -> tuple[bool, str]:
    """Whether ``landassess batch`` exists: its ``--help`` must succeed."""
    help_run = run_command([*landassess_command(), "batch", "--help"])
    if not help_run.ok:
        return False, f"`landassess batch --help` failed: {help_run.last_error_line()}"
    return True, ""


def measure_batch(repeat: int, years: str = "2022-2024", single: str = "2024",
                  log=_say) -> tuple[list[Run], list[Run], str]:
    """``landassess batch`` over three years and over one year, alternating.

    Returns the two lists of runs and, when the command is not usable, the reason (lists empty).
    """
    available, reason = batch_available()
    if not available:
        return [], [], reason
    many, one = [], []
    with tempfile.TemporaryDirectory(prefix="landassess-bench-batch-") as tmp:
        for i in range(repeat):
            for span, bucket in ((years, many), (single, one)):
                out = Path(tmp) / f"{span}-{i}"
                run = run_command([*landassess_command(), "batch", "--years", span,
                                   "--data-root", str(DEMO), "--out-root", str(out)])
                if not run.ok:
                    return [], [], f"`landassess batch --years {span}` exit {run.returncode}: {run.last_error_line()}"
                bucket.append(run)
                shutil.rmtree(out, ignore_errors=True)
            log(f"  [2] run {i + 1}/{repeat}: batch {years} {many[-1].seconds:.2f} s, "
                f"batch {single} {one[-1].seconds:.2f} s")
    return many, one, ""


def batch_figures(many: list[Run], one: list[Run], reason: str, repeat: int,
                  years: str = "2022-2024") -> list[Figure]:
    name = f"2. landassess batch {years} vs one year (batch --years 2024)"
    if reason:
        return [Figure(name, "not available", goal=f"≤ {BATCH_GOAL}×", note=reason)]
    many_s, one_s = median([r.seconds for r in many]), median([r.seconds for r in one])
    quotient = many_s / one_s
    return [Figure(name, seconds(many_s), seconds(one_s), ratio(quotient), f"≤ {BATCH_GOAL}×",
                   met(quotient <= BATCH_GOAL),
                   note=f"medians of {repeat}; 3 years {_list(many)}; 1 year {_list(one)}; "
                        f"peak tree RSS {mib(max(r.tree_rss_kib for r in many))}")]


def _list(runs: list[Run]) -> str:
    return "[" + ", ".join(f"{r.seconds:.2f}" for r in runs) + "] s"
