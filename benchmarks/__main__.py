"""``python -m benchmarks``: measure, print the table, optionally write benchmarks/results.md."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks import app, collect, endtoend, engine, pdf, whatif
from benchmarks.measure import load_average, machine
from benchmarks.table import Figure, markdown_table, text_table

RESULTS_FILE = Path(__file__).resolve().parent / "results.md"
ITEMS = (1, 2, 3, 4, 5, 6, 7, 8)


def _items(text: str) -> set[int]:
    try:
        chosen = {int(x) for x in text.split(",") if x.strip()}
    except ValueError as error:
        raise argparse.ArgumentTypeError("items are numbers 1–8, e.g. 1,3") from error
    if not chosen or not chosen <= set(ITEMS):
        raise argparse.ArgumentTypeError("items are numbers 1–8, e.g. 1,3")
    return chosen


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of landassess (issue 6). They report; they never fail on time.")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; medians are reported (default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: one run each, a synthetic province of 600 (and 60) divisions")
    parser.add_argument("--write", action="store_true", help=f"also write the table to {RESULTS_FILE.name}")
    parser.add_argument("--only", type=_items, default=set(ITEMS), metavar="1,2,…",
                        help="measure only these items (5 comes with 1)")
    parser.add_argument("--divisions", type=int, default=3000, help="synthetic province size for item 3 (default 3000)")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of one engine run on the synthetic province (item 3)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    repeat = 1 if args.quick else max(1, args.repeat)
    large = 600 if args.quick else args.divisions
    small = max(1, large // 10)
    info = machine()
    load_at_start = load_average()
    started = time.perf_counter()
    _say(f"landassess benchmarks: repeat {repeat}, items {sorted(args.only)}, {info['cores']} cores")

    figures: list[Figure] = []
    if args.only & {1, 5}:
        _say("[1] landassess run --year 2024 vs the empty-notebook floor …")
        figures += endtoend.year_figures(endtoend.measure_year(repeat), repeat)
    if 2 in args.only:
        _say("[2] landassess batch 2022-2024 vs 2024 …")
        many, one, reason = endtoend.measure_batch(repeat)
        figures += endtoend.batch_figures(many, one, reason, repeat)
    if 3 in args.only:
        _say(f"[3] engine on synthetic provinces of {large} and {small} divisions …")
        big, little = engine.measure_engine(repeat, large=large, small=small)
        figures += engine.engine_figures(big, little, repeat, full_size=large >= 3000)
    if 4 in args.only:
        _say("[4] what-if recomputation …")
        figures.append(whatif.measure_whatif(repeat))
    if 6 in args.only:
        _say("[6] landassess collect of the returned workbooks vs reading the same tables flat …")
        figures += collect.collect_figures(collect.measure_collect(repeat), repeat)
    if 7 in args.only:
        _say("[7] landassess run --pdf vs landassess run …")
        figures += pdf.pdf_figures(pdf.measure_pdf(repeat), repeat)
    if 8 in args.only:
        _say("[8] landassess app to first view vs JupyterLab on an empty notebook; what-if interactions …")
        figures += app.app_figures(app.measure_app(repeat), repeat)
    figures.sort(key=lambda f: f.name)

    elapsed = time.perf_counter() - started
    info["load average"] = f"{load_at_start} at start, {load_average()} at end (1, 5, 15 min)"
    print()
    for key, value in info.items():
        print(f"{key:>24}: {value}")
    print(f"{'benchmark time':>24}: {elapsed:.0f} s (repeat {repeat}{', quick' if args.quick else ''})")
    print()
    print(text_table(figures))
    notes = [f"{f.name.split('.')[0]}. {f.note}" for f in figures if f.note]
    if notes:
        print()
        print("\n".join(notes))
    if args.profile:
        print()
        print(engine.profile_engine(large))
    if args.write:
        RESULTS_FILE.write_text(_markdown(figures, info, repeat, args.quick, elapsed), encoding="utf-8")
        print(f"\nwritten: {RESULTS_FILE}")
    return 0


def _markdown(figures: list[Figure], info: dict[str, str], repeat: int, quick: bool, elapsed: float) -> str:
    lines = [
        "# landassess benchmarks",
        "",
        "Written by `python -m benchmarks --write` (issue 6). Numbers depend on the machine: re-run",
        "to compare, and compare ratios rather than seconds. Benchmarks report; they never fail on time.",
        "",
        *(f"- **{key}**: {value}" for key, value in info.items()),
        f"- **runs**: medians of {repeat}{' (quick smoke run)' if quick else ''}; whole benchmark {elapsed:.0f} s",
        "",
        markdown_table(figures),
        "",
        "Notes:",
        "",
        *(f"- {f.name.split('.')[0]}. {f.note}" for f in figures if f.note),
        "",
        "How each figure is measured: see `benchmarks/__init__.py`; the floor of item 1 is",
        "`benchmarks/floor.py`, the synthetic province of item 3 is `benchmarks/synthetic.py`, the",
        "returned workbooks of item 6 are built in `benchmarks/collect.py`.",
        "",
    ]
    return "\n".join(lines)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
