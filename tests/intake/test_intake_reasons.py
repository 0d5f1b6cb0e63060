"""Every problem intake makes carries a stable, dotted reason code that ``intake.reasons`` defines.

The bad-input corpus (tests/bad_inputs/cases.py) and the golden year are read with ``load_year``;
problems of the rules (``score.missing`` …) are not intake's and are not looked at here.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from bad_inputs.cases import CASES, Case
from landassess.divisions import load_divisions
from landassess.intake import REASONS, load_year
from landassess.params import load_params
from landassess.problems import InputError, Problem

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "2025"
INTAKE = Path(__file__).resolve().parent.parent.parent / "lib" / "landassess" / "intake"
YEAR = 2025
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


@pytest.fixture(scope="module")
def reference():
    params = load_params(YEAR, GOLDEN / "params.yaml")
    return params, load_divisions(params.divisions.file)


def _intake_problems(folder: Path, reference, today: dt.date | None = None) -> list[Problem]:
    params, divisions = reference
    try:
        return load_year(folder, YEAR, params, divisions, today=today).problems
    except InputError as error:
        return error.problems


def _assert_coded(problems: list[Problem]) -> None:
    for problem in problems:
        assert CODE.fullmatch(problem.reason), problem
        assert problem.reason in REASONS, problem


def test_every_defined_code_is_dotted_and_described():
    assert len(REASONS) >= 40
    for code, description in REASONS.items():
        assert CODE.fullmatch(code), code
        assert description.strip()


def test_every_code_written_in_intake_is_defined():
    """A ``reason="…"`` keyword anywhere in intake names a defined code (no typo in a rare path)."""
    written = set()
    for path in sorted(INTAKE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "reason" and isinstance(node.value, ast.Constant):
                written.add((path.name, node.value.value))
    assert written, "no reason code found in intake"
    assert sorted((f, c) for f, c in written if c not in REASONS) == []


@pytest.mark.parametrize("today", [None, dt.date(2026, 1, 10), dt.date(2025, 6, 1)],
                         ids=["run-day", "before-deadline", "during-the-year"])
def test_golden_year_problems_have_reason_codes(reference, today):
    problems = _intake_problems(GOLDEN / "input", reference, today)
    assert problems
    _assert_coded(problems)


def test_golden_year_notices_are_told_apart_by_code(reference):
    """During the assessed year the golden declarations are early, and dated after the run day."""
    reasons = {p.reason for p in _intake_problems(GOLDEN / "input", reference, dt.date(2026, 1, 10))}
    assert "date.early" not in reasons and "date.future" in reasons


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_problems_have_reason_codes(case: Case, tmp_path: Path, reference):
    folder = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", folder)
    case.mutate(folder)
    problems = _intake_problems(folder, reference)
    _assert_coded(problems)


def test_a_missing_folder_has_its_code(tmp_path: Path, reference):
    problems = _intake_problems(tmp_path / "nowhere", reference)
    assert [p.reason for p in problems] == ["folder.missing"]
