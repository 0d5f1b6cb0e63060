"""The hand-worked golden year (tests/golden/2025, worked in WORKED.md): results.csv cell for cell.

The expected CSV was computed by hand from the rules (docs/rules.md), not by running the code.
"""

from pathlib import Path

import pandas as pd
import pytest

from landassess.assessment import RESULT_COLUMNS, run_assessment

GOLDEN = Path(__file__).parent / "golden" / "2025"


@pytest.fixture(scope="module")
def assessment():
    return run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")


@pytest.fixture(scope="module")
def expected():
    return pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)


def test_columns_and_rows(assessment, expected):
    results = assessment.results()
    assert list(results.columns) == RESULT_COLUMNS == list(expected.columns)
    assert len(results) == 95
    assert results["code"].is_monotonic_increasing


def test_results_match_hand_worked_year_cell_for_cell(assessment, expected):
    results = assessment.results()
    mismatches = [
        (expected.at[i, "code"], column, expected.at[i, column], results.at[i, column])
        for i in range(len(expected)) for column in expected.columns
        if expected.at[i, column] != results.at[i, column]
    ]
    assert mismatches == []


@pytest.mark.parametrize("code", ["320481", "320682", "321183", "321202", "321323"])
def test_validate_names_each_planted_problem(assessment, code):
    from landassess.vocabulary import ERROR

    assert any(p.code == code and p.severity == ERROR for p in assessment.problems)


def test_unplanted_counties_have_no_problems(assessment):
    from landassess.vocabulary import ERROR

    flagged = {p.code for p in assessment.problems if p.severity == ERROR}
    assert flagged == {"320481", "320682", "321183", "321202", "321323"}
