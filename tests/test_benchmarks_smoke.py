"""Smoke test of the benchmarks' synthetic province (issue 6): the engine runs on it. Not timed."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks/` sits beside `tests/`, not inside the package
    sys.path.insert(0, str(ROOT))

from benchmarks.engine import assess_once  # noqa: E402
from benchmarks.synthetic import CRITERIA_MAX, write_province  # noqa: E402


def test_engine_completes_on_a_small_synthetic_province(tmp_path):
    province = write_province(tmp_path, divisions=60, evaluators=5)

    divisions = pd.read_csv(province.divisions_file, dtype=str)
    assert len(divisions) == 60
    assert divisions["code"].str.fullmatch(r"\d{6}").all()
    assert province.score_rows == 60 * 5 * len(CRITERIA_MAX)

    results, _, _ = assess_once(province)

    assert sorted(results["code"]) == sorted(divisions["code"])  # one row per division
    assert results["code"].is_unique
    assert (results["status"] != "not_declared").all()  # every synthetic division declares
    assert results["status"].isin(["model", "advanced"]).any()  # scoring and ranking ran


def test_collect_benchmark_reports_a_ratio_on_a_tiny_year(capsys):
    """Item 6 (issues 11, 22) on a tiny synthetic year: the report's shape and a correct collection, not its time."""
    from benchmarks.collect import collect_figures, measure_collect
    from benchmarks.table import COLUMNS

    timing = measure_collect(1, divisions=12, cities=2, evaluators=3, log=lambda text: None)

    assert (timing.counties, timing.cities, timing.evaluators) == (12, 2, 3)
    assert timing.scored_counties >= 1 and timing.score_cells == timing.scored_counties * 3 * len(CRITERIA_MAX)
    assert timing.same_results  # the collected year assesses as the flat one
    figures = collect_figures(timing, 1)
    assert [f.name.split(".")[0] for f in figures] == ["6a", "6b"]
    ratio_figure = figures[0]
    assert len(ratio_figure.cells()) == len(COLUMNS)
    assert ratio_figure.measured.endswith(" s") and ratio_figure.baseline.endswith(" s")
    assert ratio_figure.ratio.endswith("×") and ratio_figure.goal == "≤ 1.5×"
    assert ratio_figure.met in ("yes", "no")
    assert "same results as the flat year: yes" in ratio_figure.note


def test_pdf_benchmark_reports_run_pdf_against_run_on_the_golden_year():
    """Item 7 (issue 12) once on the golden year: the figure's shape, not its time."""
    from benchmarks.pdf import measure_pdf, pdf_figures
    from benchmarks.table import COLUMNS

    golden = Path(__file__).parent / "golden" / "2025"
    timing = measure_pdf(1, year=2025, data=golden / "input", params=golden / "params.yaml", log=lambda text: None)
    figures = pdf_figures(timing, 1)
    assert [f.name.split(".")[0] for f in figures] == ["7"]
    figure = figures[0]
    assert len(figure.cells()) == len(COLUMNS)
    if timing.skipped:  # no browser here: the figure says why
        assert figure.measured == "—" and "not measured" in figure.note
        return
    assert len(timing.html) == len(timing.pdf) == 1 and timing.pages >= 9  # one page per ranked unit at least
    assert figure.measured.endswith(" s") and figure.baseline.endswith(" s")
    assert figure.ratio.endswith("×") and figure.goal == "≤ 2×" and figure.met in ("yes", "no")


def test_app_benchmark_figures_have_the_table_shape():
    """Item 8 (issue 13): the figures' shape from given timings (no server or browser started)."""
    from benchmarks.app import AppTiming, app_figures
    from benchmarks.table import COLUMNS

    figures = app_figures(AppTiming(app=[6.0, 5.0, 7.0], lab=[9.0, 9.5, 8.5], voila=[4.0, 4.5, 3.5],
                                    kernel_mib=[180.0, 190.0], whatif_ms=[12.0, 30.0], browser_whatif_ms=[60.0]), 3)
    assert [f.name.split(".")[0] for f in figures] == ["8a", "8b"]
    assert all(len(f.cells()) == len(COLUMNS) for f in figures)
    assert figures[0].measured == "6.00 s" and figures[0].baseline == "4.00 s" and figures[0].ratio == "1.50×"
    assert figures[0].goal == "≤ 2×" and figures[0].met == "yes"
    assert "Voilà" in figures[0].name and "JupyterLab to kernel idle 9.00 s" in figures[0].note
    assert "kernel per tab 185 MiB" in figures[0].note
    assert figures[1].measured == "30 ms" and figures[1].met == "yes"
    assert app_figures("not measured: no chromium", 1)[0].note == "not measured: no chromium"
