"""What-if (issue 10): a parameter override run through the same rules as the official run.

The property: for random scenarios, the what-if result equals a fresh full run whose parameters
are written as a ``--params`` file by the test itself (not through the scenario code). The
command: no ``--set`` reports no change (also with committee decisions, trimming and a replaced
rubric), and ``--set tiers.model.quota=8`` on the golden year lists the counties hand-computed
from WORKED.md section 6.
"""

from __future__ import annotations

import copy
import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landassess.assessment import run_assessment
from landassess.cli import main
from landassess.params import ParamsError, params_as_dict
from landassess.workbench import whatif

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
AS_OF = "2026-06-30"
YEARS = {
    "golden-2025": (2025, GOLDEN / "input", GOLDEN / "params.yaml"),
    "demo-2022": (2022, ROOT / "demo" / "2022", None),
    "demo-2023": (2023, ROOT / "demo" / "2023", None),
    "demo-2024": (2024, ROOT / "demo" / "2024", None),
}
COMPARED = ["code", "status", "vetoes", "base_score", "bonus", "total", "rank", "tier", "spot_check"]


@pytest.fixture(scope="module")
def prepared():
    """One what-if base per year, kept across examples so the stage cache is exercised."""
    return {name: whatif.prepare(run_assessment(year, data, params_file, as_of=AS_OF))
            for name, (year, data, params_file) in YEARS.items()}


@st.composite
def scenarios(draw):
    trim_count = draw(st.integers(0, 2))
    return {
        "model_quota": draw(st.integers(0, 12)),
        "advanced_quota": draw(st.integers(0, 12)),
        "trim_count": trim_count,
        "trim_min": draw(st.integers(max(1, 2 * trim_count + 1), 2 * trim_count + 3)),
        "cap": draw(st.sampled_from([None, "0", "0.5", "1", "2"])),
        "share": str(Decimal(draw(st.integers(4, 12))) * Decimal("0.05")),
        "weights": draw(st.lists(st.integers(5, 20), min_size=5, max_size=5)),  # tenths: 0.5–2
        "decimals": draw(st.integers(0, 3)),
        "c01_max": draw(st.sampled_from([None, None, "4", "6"])),  # 4 < some scores: intake re-reads
    }


def _params_file(folder: Path, official, given_file: Path | None, s: dict) -> Path:
    """The scenario written the way a user writes a --params file: the year's file plus the changes."""
    data = yaml.safe_load(given_file.read_text(encoding="utf-8")) if given_file else {}
    data = copy.deepcopy(data or {})
    data.setdefault("tiers", {}).setdefault("model", {})["quota"] = s["model_quota"]
    data["tiers"].setdefault("advanced", {})["quota"] = s["advanced_quota"]
    data.setdefault("scoring", {})["trim"] = {"count": s["trim_count"], "min_evaluators": s["trim_min"]}
    data["scoring"]["score_decimals"] = s["decimals"]
    data.setdefault("bonus", {})["cap"] = s["cap"]
    data.setdefault("recommendation", {})["quota_share"] = s["share"]
    rubric = params_as_dict(official.params)["rubric"]
    for dimension, tenths in zip(rubric["dimensions"], s["weights"], strict=False):
        dimension["weight"] = str(Decimal(tenths) / 10)
    if s["c01_max"] is not None:
        rubric["dimensions"][0]["criteria"][0]["max"] = s["c01_max"]
    data["rubric"] = rubric
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _overrides(official, s: dict) -> dict:
    out = {"tiers.model.quota": s["model_quota"], "tiers.advanced.quota": s["advanced_quota"],
           "scoring.trim.count": s["trim_count"], "scoring.trim.min_evaluators": s["trim_min"],
           "scoring.score_decimals": s["decimals"], "bonus.cap": None if s["cap"] is None else Decimal(s["cap"]),
           "recommendation.quota_share": Decimal(s["share"])}
    for dimension, tenths in zip(official.params.rubric.dimensions, s["weights"], strict=False):
        out[f"rubric.dimensions.{dimension.id}.weight"] = Decimal(tenths) / 10
    if s["c01_max"] is not None:
        out["rubric.dimensions.0.criteria.0.max"] = Decimal(s["c01_max"])
    return out


@pytest.mark.parametrize("year", list(YEARS))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=scenarios())
def test_whatif_equals_a_full_run_with_the_same_parameters(prepared, tmp_path_factory, year, s):
    base = prepared[year]
    number, data, given_file = YEARS[year]
    result = whatif.recompute(base, whatif.Scenario.of(_overrides(base.official, s)))
    folder = tmp_path_factory.mktemp("scenario")
    full = run_assessment(number, data, _params_file(folder, base.official, given_file, s), as_of=AS_OF)
    assert result.params == full.params
    assert result.results()[COMPARED].equals(full.results()[COMPARED])
    columns = ["code", "status", "rank", "tier", "is_tie_pending", "total", "base_score"]
    assert result.counties[columns].astype(str).equals(full.counties[columns].astype(str))
    assert [(p.reason, p.code, p.row) for p in result.problems] == [(p.reason, p.code, p.row) for p in full.problems]


def test_every_rule_problem_has_a_reason_code(prepared):
    for base in prepared.values():
        result = whatif.recompute(base, whatif.Scenario.of({"tiers.model.quota": 1}))
        derived = [p for p in result.problems if p not in base.official.inputs.problems]
        assert all(p.reason and "." in p.reason for p in derived), [p.message for p in derived if not p.reason]


@pytest.mark.parametrize(("assignment", "key"), [
    pytest.param("tiers.modle.quota=3", "tiers.modle.quota", id="unknown-key"),
    pytest.param("tiers.model.quota=-1", "tiers.model.quota", id="negative-quota"),
    pytest.param("tiers.model.quota=many", "tiers.model.quota", id="not-a-number"),
    pytest.param("scoring.trim.count=3", "scoring.trim.count", id="trim-leaves-nobody"),
    pytest.param("rubric.dimensions.nowhere.weight=1", "rubric.dimensions.nowhere.weight", id="unknown-dimension"),
    pytest.param("rubric.dimensions.effectiveness.weight=0", "rubric.dimensions.effectiveness.weight",
                 id="zero-weight"),
    pytest.param("divisions.file=other.csv", "divisions.file", id="divisions-not-a-scenario"),
    pytest.param("tiers.model=3", "tiers.model", id="a-group-not-a-value"),
])
def test_an_invalid_override_names_its_key(prepared, assignment, key):
    base = prepared["golden-2025"]
    with pytest.raises(ParamsError, match=key.replace(".", r"\.")):
        whatif.Scenario.parse([assignment]).apply(base.official.params)


def test_changed_parameters_list_only_what_changed(prepared):
    params = prepared["golden-2025"].official.params
    scenario = whatif.Scenario.of({"tiers.model.quota": 3, "bonus.cap": Decimal(1),
                                   "rubric.criteria.C09.max": 20}).apply(params)
    changed = whatif.changed_parameters(params, scenario)
    assert changed.values.tolist() == [["bonus.cap", "不设", "1"],
                                       ["rubric.dimensions.effectiveness.criteria.C09.max", "15", "20"]]


# ----------------------------------------------------------------------------- the command


def _whatif(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["whatif", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _golden(*extra: str) -> list[str]:
    return ["--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"),
            "--as-of", AS_OF, *extra]


def test_whatif_without_set_reports_no_change(capsys):
    code, out, _ = _whatif(capsys, *_golden())
    assert code == 0
    assert "未更改任何参数" in out and "没有变化" in out


def test_whatif_model_quota_8_lists_the_hand_computed_counties(capsys):
    # WORKED.md section 6: positions 1 昆山 2 海安 3 江阴 4 兴化 5 丰县 6–7 江宁/溧水 (tie) 8 泗洪 9 沭阳.
    # 8 模范 places: positions 1–8 are 模范 (the tie fits: 7 places used, then 泗洪 the 8th); 沭阳 is
    # the only 先进 (quota 3). Against the official 3/3: 兴化, 丰县 先进 → 模范; 江宁, 溧水 并列待定 → 模范;
    # 泗洪 未入选 → 模范; 沭阳 未入选 → 先进. 海安 stays disqualified (模范 tier, failed check).
    code, out, _ = _whatif(capsys, *_golden("--set", "tiers.model.quota=8"))
    assert code == 0
    assert "tiers.model.quota：3 → 8" in out
    detail = [line.strip() for line in out.splitlines() if line.startswith("  32")]
    assert detail == [
        "320115 江宁区：并列待定 → 模范（进入模范）",
        "320117 溧水区：并列待定 → 模范（进入模范）",
        "320321 丰县：先进 → 模范（先进 → 模范）",
        "321281 兴化市：先进 → 模范（先进 → 模范）",
        "321322 沭阳县：未入选 → 先进（进入先进）",
        "321324 泗洪县：未入选 → 模范（进入模范）",
    ]
    assert "先进：进入 沭阳县（321322）；离开 丰县（320321）、兴化市（321281）" in out


@pytest.mark.parametrize("assignment", ["tiers.model.quota=x", "nope.key=1", "tiers.model.quota"])
def test_whatif_bad_set_is_exit_3_naming_the_key(capsys, assignment):
    code, out, err = _whatif(capsys, *_golden("--set", assignment))
    assert code == 3
    assert assignment.split("=")[0] in err and out == ""


def _replaced_rubric() -> dict:
    """The 13 criteria regrouped into 3 dimensions with other maxima (all golden scores fit)."""
    maxima = {"C01": 6, "C02": 6, "C03": 9, "C04": 7, "C05": 7, "C06": 9, "C07": 10, "C08": 9, "C09": 16,
              "C10": 11, "C11": 11, "C12": 7, "C13": 5}
    groups = {"governance": ["C01", "C02", "C03", "C04", "C05"],
              "effectiveness": ["C06", "C07", "C08", "C09", "C10", "C11"], "tasks": ["C12", "C13"]}
    return {"source": "test: a replaced rubric", "effectiveness_dimension": "effectiveness", "dimensions": [
        {"id": dimension, "name": dimension, "criteria": [
            {"id": c, "name": c, "max": maxima[c], "source": "test"} for c in criteria]}
        for dimension, criteria in groups.items()]}


def test_whatif_without_set_no_change_with_decisions_trimming_and_a_replaced_rubric(tmp_path, capsys):
    data = tmp_path / "2025"
    shutil.copytree(GOLDEN / "input", data)
    with (data / "decisions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "decision", "reason"])
        writer.writerow(["320115", "advanced", "评审委员会表决"])
        writer.writerow(["320117", "not_selected", "评审委员会表决"])
    params = yaml.safe_load((GOLDEN / "params.yaml").read_text(encoding="utf-8"))
    params["scoring"] = {"trim": {"count": 1, "min_evaluators": 3}}
    params["rubric"] = _replaced_rubric()
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    official = run_assessment(2025, data, params_file, as_of=AS_OF)
    assert set(official.decisions["is_applied"]) == {True}  # the decisions are in force
    assert official.scores.evaluator_scores["is_trimmed"].any()  # and trimming is
    args = ["--year", "2025", "--data", str(data), "--params", str(params_file), "--as-of", AS_OF]
    code, out, _ = _whatif(capsys, *args)
    assert code == 0 and "没有变化" in out
    # With a change, the what-if agrees with a full run under the same parameters.
    code, out, _ = _whatif(capsys, *args, "--set", "tiers.advanced.quota=1")
    params["tiers"]["advanced"]["quota"] = 1
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    full = run_assessment(2025, data, params_file, as_of=AS_OF)
    changed = full.counties.merge(official.counties, on="code", suffixes=("", "_official"))
    changed = changed[changed["status"] != changed["status_official"]]
    assert code == 0
    assert sorted(line.split()[0] for line in out.splitlines() if line.startswith("  32")) == sorted(changed["code"])
