"""Shared fixtures: the 2025 parameters, the reference list and small hand-written frame builders.

The builders make the parsed tables the rule functions take (the columns ``intake`` produces),
so that unit tests can state their inputs in a few lines. ``write_year`` writes CSV input files
for the realistic route through ``landassess.intake.load_year``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from landassess.assessment import Assessment, assess_year
from landassess.divisions import Divisions, load_divisions
from landassess.intake import TABLES, load_year, values
from landassess.params import Params, deep_merge, load_params, params_as_dict, validate_params

YEAR = 2025
OUTPUTS = Path(__file__).resolve().parent.parent / "outputs"


# ----------------------------------------------------------------------------- outputs/ is the user's


def _outputs_snapshot() -> dict[str, str]:
    """Every entry under the working tree's ``outputs/`` (hidden ones too) → its content hash."""
    import hashlib

    if not OUTPUTS.exists():
        return {}
    snapshot = {}
    for path in sorted(OUTPUTS.rglob("*")):
        key = str(path.relative_to(OUTPUTS))
        if path.is_symlink() or not path.is_file():
            snapshot[key] = "link" if path.is_symlink() else "dir"
        else:
            snapshot[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return snapshot


def pytest_sessionstart(session):
    session.config.stash[_OUTPUTS_KEY] = _outputs_snapshot()


def pytest_sessionfinish(session, exitstatus):
    """SPEC 7.1: tests and notebooks write into scratch folders; ``outputs/`` ends as it started."""
    before = session.config.stash.get(_OUTPUTS_KEY, None)
    if before is None:
        return
    after = _outputs_snapshot()
    if after != before:
        changed = sorted(set(before.items()) ^ set(after.items()))
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"FAILED: the test run changed the working tree's outputs/: {changed[:10]}", red=True)
        session.exitstatus = 1


_OUTPUTS_KEY = pytest.StashKey[dict]()

# The default rubric (SPEC 3.3): criterion → max. Written out here, not read from the params, so a
# test that uses it checks the params as well.
RUBRIC_MAX = {
    "C01": 5, "C02": 5, "C03": 8, "C04": 6, "C05": 6, "C06": 8, "C07": 9, "C08": 8,
    "C09": 15, "C10": 10, "C11": 10, "C12": 6, "C13": 4,
}
CRITERIA = list(RUBRIC_MAX)
EFFECTIVENESS = ("C09", "C10", "C11")


# ----------------------------------------------------------------------------- parameters


@pytest.fixture(scope="session")
def params() -> Params:
    """The 2025 parameters (params/base.yaml, no year file, no override)."""
    return load_params(YEAR)


@pytest.fixture(scope="session")
def divisions() -> Divisions:
    """The packaged Jiangsu reference list (95 divisions, 13 cities)."""
    return load_divisions()


def override_params(base: Params, override: dict[str, Any]) -> Params:
    """``base`` with ``override`` merged in (as a --params YAML file would be), validated."""
    return validate_params(deep_merge(params_as_dict(base), override))


@pytest.fixture(scope="session")
def make_params(params: Params) -> Callable[[dict[str, Any]], Params]:
    """``make_params({"tiers": {"model": {"quota": 1}}})`` → validated Params."""
    return lambda override: override_params(params, override)


# ----------------------------------------------------------------------------- frame builders


def _date(value: str | dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _located(rows: list[dict[str, Any]], file: str) -> pd.DataFrame:
    """Add the location columns intake adds (file, sheet, row as the user sees it, is_valid)."""
    frame = pd.DataFrame(rows)
    frame.insert(0, "file", file)
    frame.insert(1, "sheet", "")
    frame.insert(2, "row", list(range(2, len(rows) + 2)))
    frame.insert(3, "is_valid", True)
    return frame


@pytest.fixture(scope="session")
def veto_events_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (code, type, date, authority_level, verified) → a parsed veto_events table."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "type": kind, "date": _date(date), "authority_level": level,
                    "verified": verified, "reference": None, "description": None}
                   for code, kind, date, level, verified in rows]
        return _located(records, "veto_events.csv")

    return build


@pytest.fixture(scope="session")
def land_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (code, illegal_mu, construction_mu) as text → a parsed land_stats table in 亩."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = []
        for code, illegal, construction in rows:
            records.append({
                "code": code, "area_unit": values.UNIT_MU,
                "illegal_cultivated_area": Decimal(illegal),
                "illegal_cultivated_area_mu": Decimal(illegal),
                "illegal_cultivated_area_unit": values.UNIT_MU,
                "construction_cultivated_area": Decimal(construction),
                "construction_cultivated_area_mu": Decimal(construction),
                "construction_cultivated_area_unit": values.UNIT_MU,
                "source": "test",
            })
        return _located(records, "land_stats.csv")

    return build


@pytest.fixture(scope="session")
def bonus_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (code, kind, level, document_no, date) → a parsed bonus_events table."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "kind": kind, "level": level, "document_no": number,
                    "document_key": values.normalize_document_number(number), "date": _date(date),
                    "title": None}
                   for code, kind, level, number, date in rows]
        return _located(records, "bonus_events.csv")

    return build


@pytest.fixture(scope="session")
def recommendations_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (city, code, order) → a parsed recommendations table (file order = row order)."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "city": city, "order": order, "recommended_on": None}
                   for city, code, order in rows]
        return _located(records, "recommendations.csv")

    return build


@pytest.fixture(scope="session")
def scores_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (evaluator, code, criterion, score as text) → a parsed long-form scores table."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "evaluator": evaluator, "criterion": criterion,
                    "score": Decimal(score)}
                   for evaluator, code, criterion, score in rows]
        frame = _located(records, "scores.csv")
        frame["score"] = frame["score"].astype(object)
        return frame

    return build


@pytest.fixture(scope="session")
def decisions_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (code, decision, reason) → a parsed decisions table."""

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "decision": decision, "reason": reason, "decided_by": None,
                    "decided_on": None}
                   for code, decision, reason in rows]
        if not records:
            return pd.DataFrame(columns=["file", "sheet", "row", "is_valid", "code", "decision",
                                         "reason", "decided_by", "decided_on"])
        return _located(records, "decisions.csv")

    return build


@pytest.fixture(scope="session")
def candidates_frame() -> Callable[[Iterable[Sequence[Any]]], pd.DataFrame]:
    """Rows (code, total, effectiveness, ratio) → the candidates rank_counties takes.

    ``total`` and ``effectiveness`` are rounded 2-dp text; ``ratio`` is text or a Fraction.
    """

    def build(rows: Iterable[Sequence[Any]]) -> pd.DataFrame:
        records = [{"code": code, "total": Decimal(total), "effectiveness": Decimal(eff),
                    "ratio": Fraction(ratio)}
                   for code, total, eff, ratio in rows]
        return pd.DataFrame(records, columns=["code", "total", "effectiveness", "ratio"])

    return build


def _full_scores(code: str, evaluator: str = "评委甲", scores: dict[str, Any] | None = None,
                skip: Iterable[str] = ()) -> list[list[Any]]:
    """Long-form score rows: every criterion at its maximum unless ``scores`` says otherwise."""
    scores = scores or {}
    return [[evaluator, code, c, scores.get(c, RUBRIC_MAX[c])] for c in CRITERIA if c not in skip]


def _scores_for_total(code: str, base: Decimal | str, evaluator: str = "评委甲") -> list[list[Any]]:
    """Score rows whose criterion scores sum to ``base`` (0 ≤ base ≤ 100): the maxima, with the
    shortfall taken from C01, C02, … in turn (each criterion score is exact, so base is exact)."""
    shortfall = Decimal(100) - Decimal(base)
    assert Decimal(0) <= shortfall <= Decimal(100)
    scores: dict[str, Decimal] = {}
    for criterion in CRITERIA:
        take = min(shortfall, Decimal(RUBRIC_MAX[criterion]))
        scores[criterion] = Decimal(RUBRIC_MAX[criterion]) - take
        shortfall -= take
    return _full_scores(code, evaluator, scores)


# ----------------------------------------------------------------------------- whole years

HEADERS = {
    "declarations": ["code", "name", "city", "declared_on", "self_illegal_cultivated_area",
                     "self_construction_cultivated_area", "area_unit"],
    "recommendations": ["city", "code", "order", "recommended_on"],
    "land_stats": ["code", "illegal_cultivated_area", "construction_cultivated_area", "area_unit",
                   "source"],
    "veto_events": [c.name for c in TABLES["veto_events"].columns],  # the schema's columns (SPEC 8.7)
    "bonus_events": ["code", "kind", "level", "document_no", "date"],
    "scores": ["evaluator", "code", "criterion", "score"],
    "verification": ["code", "check_passed", "objection_upheld", "disqualified_reason"],
    "decisions": ["code", "decision", "reason"],
    "recusals": ["evaluator", "code", "city", "reason"],
}
OPTIONAL_TABLES = ("verification", "decisions", "recusals")


def _anchor_tables() -> dict[str, list[list[Any]]]:
    """A minimal valid year: 320102 玄武区 declared, recommended by 南京 (1st), land 1 of 50 亩,
    full marks, and one veto event and one bonus document that do not count (see _padding_rows)."""
    return {
        "declarations": [_declaration("320102", "玄武区", "南京市")],
        "recommendations": [["南京市", "320102", 1, ""]],
        "land_stats": [["320102", "1", "50", "", ""]],
        "scores": _full_scores("320102"),
        **_padding_rows("320102"),
    }


def _write_year(folder: Path, tables: dict[str, list[Sequence[Any]]]) -> Path:
    """Write ``<name>.csv`` for each table (rows under the English header of HEADERS).

    Required tables that are not given get the anchor year's rows (intake refuses a year whose
    declarations, recommendations, land_stats or scores file has no data row); optional ones
    (verification, decisions) are written only when given.
    """
    folder.mkdir(parents=True, exist_ok=True)
    defaults = _anchor_tables()
    for name, header in HEADERS.items():
        if name not in tables and name in OPTIONAL_TABLES:
            continue
        rows = tables[name] if name in tables else defaults[name]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:  # a short row leaves the last columns blank (文号或出处, 说明)
                cells = ["" if cell is None else cell for cell in row]
                writer.writerow(cells + [""] * (len(header) - len(cells)))
    return folder


def _declaration(code: str, name: str, city: str, on: str = "2026-01-10") -> list[Any]:
    """A declarations row (no self-reported areas)."""
    return [code, name, city, on, "", "", ""]


# Padding rows for years built in tests: a veto event and a bonus document that do not count
# (dated in the previous year), so that every year also shows that uncounted rows change nothing.
def _padding_rows(code: str) -> dict[str, list[list[Any]]]:
    return {
        "veto_events": [[code, "约谈问责", "2024-06-01", "省", "是"]],
        "bonus_events": [[code, "通报表扬", "省级", "填充〔2024〕1号", "2024-06-01"]],
    }


@pytest.fixture
def assess_tables(tmp_path: Path, params: Params, divisions: Divisions
                  ) -> Callable[..., Assessment]:
    """Write the tables as CSV files, read them with load_year and assess the year."""

    def run(tables: dict[str, list[Sequence[Any]]], override: dict[str, Any] | None = None,
            folder_name: str = "input") -> Assessment:
        year_params = override_params(params, override) if override else params
        folder = _write_year(tmp_path / folder_name, tables)
        inputs = load_year(folder, YEAR, year_params, divisions)
        return assess_year(inputs, year_params, divisions)

    return run


def _status_of(assessment: Assessment) -> dict[str, str]:
    """Code → status, for the divisions that declared (everybody else is not_declared)."""
    counties = assessment.counties
    return dict(zip(counties["code"], counties["status"], strict=True))


@pytest.fixture(scope="session")
def rubric_max() -> dict[str, int]:
    """Criterion → max of the default rubric, as written in SPEC 3.3."""
    return dict(RUBRIC_MAX)


@pytest.fixture(scope="session")
def full_scores() -> Callable[..., list[list[Any]]]:
    return _full_scores


@pytest.fixture(scope="session")
def scores_for_total() -> Callable[..., list[list[Any]]]:
    return _scores_for_total


@pytest.fixture(scope="session")
def write_year() -> Callable[..., Path]:
    return _write_year


@pytest.fixture(scope="session")
def declaration() -> Callable[..., list[Any]]:
    return _declaration


@pytest.fixture(scope="session")
def padding_rows() -> Callable[[str], dict[str, list[list[Any]]]]:
    return _padding_rows


@pytest.fixture(scope="session")
def status_of() -> Callable[[Assessment], dict[str, str]]:
    return _status_of
