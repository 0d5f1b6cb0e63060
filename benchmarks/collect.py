"""Collecting a year's returned workbooks (issues 11, 17, 22; item 6) against openpyxl's read-only floor.

A synthetic year (``synthetic.write_province``: 95 divisions in 13 cities, every division
declares, 20 evaluators) is written as flat tables; its scores are kept for the counties that
are admitted and not vetoed (the rows of the score sheets). The templates of
``landassess template`` — one declaration workbook per county, one recommendation list per city,
one score sheet per evaluator — are filled from those flat tables with
``landassess.collect.fill.fill_forms``, as the offices would return them. Then, alternately:

- **measured**: ``collect_year`` on the returned folder into a data folder holding only the
  province's ``land_stats`` (recognise, read and merge every workbook, write the tables, the
  收集情况 workbook and ``collected.json``);
- **baseline** (issue 22): the openpyxl read-only floor — every returned workbook opened with
  ``load_workbook(read_only=True)`` and every cell of every sheet read once, nothing else.

The note also gives, measured in the same run, opening every workbook with a full ``load_workbook``
and reading the same year's tables flat (``load_params`` + ``load_divisions`` + ``load_year``: the
old baseline of issue 11, which compared against the wrong floor).

Both sides start from the same data; the benchmark checks that the collected year assesses to the
same results as the flat one (a benchmark that measured a wrong answer would be worthless).
"""

from __future__ import annotations

import csv
import gc
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import median
from benchmarks.synthetic import Province, write_province
from benchmarks.table import Figure, met, ratio, seconds

RATIO_GOAL = 1.5
SECONDS_GOAL = 5.0
SUBFOLDERS = ("县级申报材料", "设区市推荐名单", "评委评分表")


@dataclass
class CollectTiming:
    """What was collected and how long it took (seconds per run)."""

    counties: int
    cities: int
    evaluators: int
    scored_counties: int
    score_cells: int
    collect: list[float] = field(default_factory=list)
    flat: list[float] = field(default_factory=list)
    collected_then_loaded: list[float] = field(default_factory=list)
    openpyxl_full: list[float] = field(default_factory=list)
    openpyxl_read_only: list[float] = field(default_factory=list)
    prepare_s: float = 0.0
    same_results: bool = False


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _keep_scores_of(path: Path, codes: set[str]) -> int:
    """Rewrite the long-form scores CSV with only the rows of ``codes``; returns the rows kept."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    kept = [rows[0]] + [r for r in rows[1:] if r[1] in codes]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(kept)
    return len(kept) - 1


def prepare(root: Path, divisions: int = 95, cities: int = 13, evaluators: int = 20,
            year: int = 2024) -> tuple[Province, Path, Path, CollectTiming]:
    """Write the flat year, the returned workbooks and the province's data folder under ``root``.

    Returns (province, returned folder, data folder to collect into, an empty timing record).
    """
    from landassess.collect.fill import fill_forms
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish import return_forms

    province = write_province(root / "province", divisions=divisions, evaluators=evaluators, year=year,
                              cities=cities)
    params = load_params(year, province.params_file)
    table = load_divisions(params.divisions.file)
    names = [f"评委{e:02d}" for e in range(1, evaluators + 1)]
    counties, chosen, recused = return_forms.score_sheet_plan(province.data_dir, year, params, table, names)
    score_rows = _keep_scores_of(province.data_dir / "scores.csv", {code for code, _ in counties})

    forms = root / "forms"
    for name in SUBFOLDERS:
        (forms / name).mkdir(parents=True)
    sent = return_forms.write_county_forms(forms / SUBFOLDERS[0], year, table, params)
    sent += return_forms.write_city_forms(forms / SUBFOLDERS[1], year, table, params)
    sent += return_forms.write_score_sheets(forms / SUBFOLDERS[2], year, params, counties, chosen, recused)
    filled = fill_forms(sent, province.data_dir, table, params)
    returned = root / "returned"
    for path in filled:  # only what an office would send back
        target = returned / path.relative_to(forms)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    data = root / "collected"
    data.mkdir()
    for name in ("land_stats.csv", "DEMO_DATA.txt"):
        shutil.copy(province.data_dir / name, data / name)

    def count(name: str) -> int:
        return sum(1 for _ in (returned / name).glob("*.xlsx")) if (returned / name).is_dir() else 0

    timing = CollectTiming(count(SUBFOLDERS[0]), count(SUBFOLDERS[1]), count(SUBFOLDERS[2]), len(counties),
                           score_rows)
    return province, returned, data, timing


def _load(folder: Path, province: Province):
    from landassess.divisions import load_divisions
    from landassess.intake import load_year
    from landassess.params import load_params

    params = load_params(province.year, province.params_file)
    divisions = load_divisions(params.divisions.file)
    return load_year(folder, province.year, params, divisions), params, divisions


def _open_all(paths: list[Path], read_only: bool) -> float:
    """Seconds to open every workbook (and, read-only, to read every cell's value)."""
    from openpyxl import load_workbook

    gc.collect()
    started = time.perf_counter()
    for path in paths:
        workbook = load_workbook(path, read_only=read_only)
        if read_only:
            for sheet in workbook.worksheets:
                for _ in sheet.iter_rows(values_only=True):
                    pass
            workbook.close()
    return time.perf_counter() - started


def _results(folder: Path, province: Province):
    from landassess.assessment import assess_year

    inputs, params, divisions = _load(folder, province)
    return assess_year(inputs, params, divisions).results()


def measure_collect(repeat: int, divisions: int = 95, cities: int = 13, evaluators: int = 20,
                    log=_say) -> CollectTiming:
    """Prepare the returned workbooks once, then time collect and the flat reading alternately."""
    import landassess.assessment  # noqa: F401  (imports are not part of either time)
    import landassess.run.collect  # noqa: F401
    from landassess.run.collect import collect_year

    with tempfile.TemporaryDirectory(prefix="landassess-bench-collect-") as tmp:
        started = time.perf_counter()
        province, returned, data, timing = prepare(Path(tmp), divisions, cities, evaluators)
        timing.prepare_s = time.perf_counter() - started
        log(f"  [6] {timing.counties} county, {timing.cities} city and {timing.evaluators} evaluator workbooks "
            f"({timing.score_cells:,} score cells) written and filled in {timing.prepare_s:.1f} s")
        for _ in range(repeat):
            gc.collect()
            started = time.perf_counter()
            _load(province.data_dir, province)
            timing.flat.append(time.perf_counter() - started)
            gc.collect()
            started = time.perf_counter()
            collect_year(province.year, returned, data, province.params_file)
            timing.collect.append(time.perf_counter() - started)
            started = time.perf_counter()
            _load(data, province)
            timing.collected_then_loaded.append(timing.collect[-1] + time.perf_counter() - started)
            workbooks = sorted(returned.rglob("*.xlsx"))
            timing.openpyxl_full.append(_open_all(workbooks, read_only=False))
            timing.openpyxl_read_only.append(_open_all(workbooks, read_only=True))
        flat, collected = _results(province.data_dir, province), _results(data, province)
        timing.same_results = flat.reset_index(drop=True).equals(collected.reset_index(drop=True))
    return timing


def collect_figures(timing: CollectTiming, repeat: int) -> list[Figure]:
    """6a: collect against the openpyxl read-only floor (goal ≤ 1.5×); 6b: collect's own time."""
    collect, flat, floor = median(timing.collect), median(timing.flat), median(timing.openpyxl_read_only)
    whole = median(timing.collected_then_loaded)
    what = f"{timing.counties} county, {timing.cities} city, {timing.evaluators} evaluator workbooks"
    return [
        Figure(f"6a. collect {what} vs openpyxl read-only, every cell read once", seconds(collect), seconds(floor),
               ratio(collect / floor), f"≤ {RATIO_GOAL:g}×",
               met(collect / floor <= RATIO_GOAL and timing.same_results),
               note=(f"medians of {repeat}, alternating; collect {[round(t, 2) for t in timing.collect]} s, read-only "
                     f"floor {[round(t, 2) for t in timing.openpyxl_read_only]} s; full load_workbook of every "
                     f"workbook {median(timing.openpyxl_full):.2f} s; {timing.scored_counties} admitted counties × "
                     f"{timing.evaluators} evaluators = {timing.score_cells:,} score cells; collect then "
                     f"load_year on the collected tables {whole:.2f} s; the same tables read flat {flat:.2f} s; "
                     f"same results as the flat year: {'yes' if timing.same_results else 'NO'}; templates written "
                     f"and filled in {timing.prepare_s:.1f} s (not timed)")),
        Figure(f"6b. collect {what} (recognise, read, merge, write tables)", seconds(collect),
               goal=f"< {SECONDS_GOAL:g} s", met=met(collect < SECONDS_GOAL)),
    ]
