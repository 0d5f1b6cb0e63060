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
