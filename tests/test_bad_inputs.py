"""The bad-input corpus (issue 4, SPEC 4): every case gets a located Chinese message, row
problems make only their county ``incomplete``, year-level problems stop the run (exit code 3).

The cases live in ``bad_inputs/cases.py``; each mutates a copy of the golden year 2025.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from bad_inputs.cases import CASES, Case
from landassess.assessment import Assessment, run_assessment
from landassess.cli import main
from landassess.problems import InputError, Problem
from landassess.vocabulary import ERROR, FATAL, TABLE_ZH

GOLDEN = Path(__file__).parent / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
YEAR = 2025
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def base() -> Assessment:
    assessment = run_assessment(YEAR, GOLDEN / "input", PARAMS)
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(assessment.results(), expected)  # the base year is the golden one
    return assessment


def make_year(tmp_path: Path, case: Case) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", folder)
    case.mutate(folder)
    return folder


def _errors(problems: list[Problem]) -> Counter:
    return Counter((p.table, p.code, p.message) for p in problems if p.severity in (ERROR, FATAL))


def _matches(problem: Problem, case: Case, severity: str) -> bool:
    default_file = f"{case.table}.csv"
    code = case.code if case.code is not None else (case.target or "")
    return (problem.severity == severity and problem.table == case.table
            and problem.file == (case.file if case.file is not None else default_file)
            and (case.column is None or problem.column == case.column)
            and (case.row is None or problem.row == case.row)
            and case.text in problem.message
            and problem.code == code)


def test_corpus_is_large_and_covers_every_table():
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    assert set(TABLE_ZH) - {"params", "divisions"} <= {c.table for c in CASES}
    assert {"fatal", "row", "listed", "clean"} == {c.kind for c in CASES}


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, base: Assessment, capsys: pytest.CaptureFixture[str]):
    folder = make_year(tmp_path, case)
    if case.kind == "fatal":
        with pytest.raises(InputError) as caught:
            run_assessment(YEAR, folder, PARAMS)
        fatal = [p for p in caught.value.problems if p.severity == FATAL and p.table == case.table]
        assert fatal, caught.value.problems
        problem = fatal[0]
        assert case.text in problem.message, problem.located()
        assert problem.file == (case.file if case.file is not None else f"{case.table}.csv")
        assert CJK.search(problem.message) and problem.expected
        assert TABLE_ZH[case.table] in problem.message
        # Through the command line: exit code 3, the located message, no traceback.
        assert main(["validate", "--year", str(YEAR), "--data", str(folder), "--params", str(PARAMS)]) == 3
        err = capsys.readouterr().err
        assert problem.message in err and "Traceback" not in err
        return

    assessment = run_assessment(YEAR, folder, PARAMS)
    results, expected = assessment.results(), base.results()
    for problem in assessment.problems:
        assert CJK.search(problem.message), problem
        assert problem.file, problem
    if case.kind == "row":
        status = dict(zip(results["code"], results["status"], strict=True))
        assert status[case.target] == case.status
        others = results[results["code"] != case.target].reset_index(drop=True)
        pd.testing.assert_frame_equal(others, expected[expected["code"] != case.target].reset_index(drop=True))
    else:
        pd.testing.assert_frame_equal(results, expected)
    if case.kind == "clean":
        assert _errors(assessment.problems) == _errors(base.problems)
        return
    severity = ERROR if case.kind == "row" else case.severity
    found = [p for p in assessment.problems if _matches(p, case, severity)]
    assert found, "\n".join(p.located() for p in assessment.problems if p.table == case.table)
    problem = found[0]
    assert problem.expected or severity != ERROR, problem.located()
    if case.kind == "row" and case.status == "incomplete" and problem.code:
        assert problem.affects_status


def test_row_numbers_are_those_the_user_sees(tmp_path: Path):
    """A bad value after a title line and blank lines is reported on its line in the file."""
    case = next(c for c in CASES if c.id == "header-title-line-and-blank-lines-csv-declarations")
    folder = make_year(tmp_path, case)
    lines = (folder / "declarations.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, start=1) if text.startswith("321322,"))
    assessment = run_assessment(YEAR, folder, PARAMS)
    problem = next(p for p in assessment.problems if p.table == "declarations" and p.code == "321322"
                   and p.severity == ERROR)
    assert problem.row == line == 18
    assert problem.cell == "D18"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["validate", "run"])
def test_command_line_stops_with_exit_code_3_and_no_traceback(command: str, tmp_path: Path):
    case = next(c for c in CASES if c.id == "file-missing-required-table-land-stats")
    folder = make_year(tmp_path, case)
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.csv").write_text("earlier output\n", encoding="utf-8")
    # An earlier landassess output (SPEC 7.1: a folder of foreign files would be refused with exit 2).
    (out / "manifest.json").write_text('{"generator": "landassess", "kind": "year", "year": 2025, '
                                       '"outputs": {"results.csv": ""}}', encoding="utf-8")
    args = [sys.executable, "-m", "landassess.cli", command, "--year", str(YEAR), "--data", str(folder),
            "--params", str(PARAMS)] + (["--out", str(out)] if command == "run" else [])
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "耕地数据" in proc.stderr and "land_stats" in proc.stderr
    assert (out / "results.csv").read_text(encoding="utf-8") == "earlier output\n"
