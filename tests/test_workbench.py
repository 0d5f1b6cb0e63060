"""The workbench driven from Python (issue 5): set widget values, read what they show."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from landassess.assessment import run_assessment
from landassess.divisions import load_divisions
from landassess.workbench import whatif
from landassess.workbench.decisions import DecisionError, record_decision
from landassess.workbench.views import Workbench, browse_table

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"


@pytest.fixture(scope="module")
def demo_bench():
    return Workbench(ROOT / "demo", 2024)


@pytest.fixture
def golden_root(tmp_path):
    """A data root holding the golden year, free to be written (decisions)."""
    shutil.copytree(GOLDEN / "input", tmp_path / "2025")
    return tmp_path


def test_official_scenario_reproduces_the_official_titles():
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    base = whatif.prepare(a)
    result = whatif.recompute(base, whatif.Scenario())
    assert whatif.compare(base, result).empty
    ranked = whatif.ranking_table(result)
    official = a.counties[a.counties["is_ranked"]].set_index("code")
    assert dict(zip(ranked["code"], ranked["rank"], strict=True)) == official["rank"].astype(int).to_dict()


def test_smaller_model_quota_moves_the_last_models_down():
    # Golden year (quotas 3/3): positions 1 昆山 2 海安 3 江阴 are 模范, 4 兴化 5 丰县 先进, 6–7 tie pending.
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    base = whatif.prepare(a)
    result = whatif.recompute(base, whatif.Scenario.of({"tiers.model.quota": 2}))
    changes = whatif.compare(base, result).set_index("code")
    # With 2 模范 places, 江阴 (3rd) becomes 先进 and the 先进 places 3–5 hold 江阴, 兴化, 丰县: the tie at 6 leaves.
    assert changes.at["320281", "change"] == "模范 → 先进"
    assert "320321" not in changes.index  # 丰县 stays 先进
    assert changes.at["320115", "change"] == "状态：并列待定 → 未入选"
    assert set(changes.index) == {"320281", "320115", "320117"}


def test_bonus_cap_of_zero_removes_bonus_from_totals():
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    base = whatif.prepare(a)
    result = whatif.ranking_table(whatif.recompute(base, whatif.Scenario.of({"bonus.cap": Decimal(0)})))
    result = result.set_index("code")
    # 海安 320685: base 91.50 + national bonus 1 → 91.50 without it; 昆山 320583: 92.00 without its 0.5.
    assert result.at["320685", "total"] == "91.50"
    assert result.at["320583", "total"] == "92.00"


def test_browse_filters_by_city_and_status(demo_bench):
    a = demo_bench.assessment
    table = browse_table(a, city="南京市")
    assert set(table["设区市"]) == {"南京市"}
    models = browse_table(a, status="模范")
    assert set(models["状态"]) == {"模范"} and len(models) == (a.counties["status"] == "model").sum()


def test_widgets_drive_the_views(demo_bench):
    bench = demo_bench
    bench.city.value = "南京市"
    assert "南京市" in bench.table.value and "无锡市" not in bench.table.value
    bench.city.value = "全部"
    bench.reset_whatif()
    assert "称号名单与正式参数的结果相同" in bench.whatif_changes.value
    bench.model_quota.value = bench.assessment.params.tiers.model.quota - 2
    assert "模范 → 先进" in bench.whatif_changes.value
    bench.reset_whatif()
    assert "称号名单与正式参数的结果相同" in bench.whatif_changes.value


def test_scorecard_shows_evaluators_and_history(demo_bench):
    bench = demo_bench
    ranked = bench.assessment.counties[bench.assessment.counties["is_ranked"]]
    bench.county.value = ranked["code"].iloc[0]
    html = bench.scorecard.value
    assert "评委A" in html and "极差" in html and "判定过程" in html and "历年情况" in html


def test_robustness_labels_every_ranked_county(demo_bench):
    bench = demo_bench
    bench.robust_runs.value = 10
    bench.robust_button.click()
    assert "稳定入选" in bench.robust_table.value


def test_recorded_tie_decision_settles_tie_pending(golden_root):
    divisions = load_divisions()
    record_decision(golden_root / "2025", divisions, "320115", "advanced", "评审委员会表决：整改成效更突出",
                    "评审委员会")
    record_decision(golden_root / "2025", divisions, "320117", "not_selected", "评审委员会表决", "评审委员会")
    a = run_assessment(2025, golden_root / "2025", GOLDEN / "params.yaml")
    results = a.results().set_index("code")
    assert (results.at["320115", "status"], results.at["320115", "tier"]) == ("advanced", "advanced")
    assert (results.at["320117", "status"], results.at["320117", "tier"]) == ("not_selected", "")
    assert set(a.decisions["note"]) == {"已采用"}


def test_decision_over_quota_is_refused(golden_root):
    divisions = load_divisions()
    # 先进 quota is 3 and already holds 兴化, 丰县; two more 先进 would make 4.
    for code in ("320115", "320117"):
        record_decision(golden_root / "2025", divisions, code, "advanced", "测试", "评审委员会")
    a = run_assessment(2025, golden_root / "2025", GOLDEN / "params.yaml")
    results = a.results().set_index("code")
    assert results.at["320115", "status"] == "tie_pending" and results.at["320117", "status"] == "tie_pending"
    assert any("超出名额" in p.message for p in a.problems)


@pytest.mark.parametrize("kwargs, message", [
    pytest.param({"code": "999999"}, "不在区划名单", id="unknown-code"),
    pytest.param({"decision": "champion"}, "决定应为", id="bad-decision"),
    pytest.param({"reason": "  "}, "理由", id="no-reason"),
])
def test_bad_decisions_are_not_recorded(golden_root, kwargs, message):
    args = {"code": "320115", "decision": "model", "reason": "理由", "decided_by": "评审委员会"} | kwargs
    with pytest.raises(DecisionError, match=message):
        record_decision(golden_root / "2025", load_divisions(), **args)
    assert not (golden_root / "2025" / "decisions.csv").exists()


def test_workbench_records_through_the_button(golden_root):
    bench = Workbench(golden_root, 2025, str(GOLDEN / "params.yaml"))
    assert bench.decide_county.value in {"320115", "320117"}  # opens on a pending tie
    bench.decide_county.value = "320115"
    bench.decide_value.value = "model"
    bench.decide_reason.value = ""
    bench.decide_button.click()
    assert "未记录" in bench.decide_message.value
    bench.decide_value.value = "not_selected"
    bench.decide_reason.value = "评审委员会表决"
    bench.decide_button.click()
    assert "已记录" in bench.decide_message.value
    saved = pd.read_csv(golden_root / "2025" / "decisions.csv", dtype=str)
    assert saved[["code", "decision", "reason"]].values.tolist() == [["320115", "not_selected", "评审委员会表决"]]


def test_workbench_refuses_a_decision_the_run_would_not_apply(golden_root):
    # 先进 holds 兴化 and 丰县 (quota 3). 江宁 先进 fits and is recorded; then 溧水 先进 would be the 4th.
    bench = Workbench(golden_root, 2025, str(GOLDEN / "params.yaml"))
    bench.decide_county.value = "320115"
    bench.decide_value.value = "advanced"
    bench.decide_reason.value = "评审委员会表决"
    bench.decide_button.click()
    assert "已记录" in bench.decide_message.value
    bench.decide_county.value = "320117"
    bench.decide_value.value = "advanced"
    bench.decide_reason.value = "评审委员会表决"
    bench.decide_button.click()
    assert "未记录" in bench.decide_message.value and "超出名额" in bench.decide_message.value
    saved = pd.read_csv(golden_root / "2025" / "decisions.csv", dtype=str)
    assert saved["code"].tolist() == ["320115"]


def test_a_decision_goes_to_the_departments_own_record_when_init_laid_it_out(tmp_path):
    """SPEC 8.0: 省厅记录/decisions.csv (init's header, no rows) takes the decision, not a second file beside it."""
    from landassess.divisions import load_divisions
    from landassess.run.init import init_year
    from landassess.workbench.decisions import record_decision

    init_year(2025, tmp_path)
    year = tmp_path / "data" / "2025"
    path = record_decision(year, load_divisions(), "320115", "advanced", "现场复核后认定", "评审委员会",
                           dt.date(2026, 3, 2))
    assert path == year / "省厅记录" / "decisions.csv"
    assert not (year / "decisions.csv").exists()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == ["县级代码,决定,理由,决定人,决定日期,依据", "320115,advanced,现场复核后认定,评审委员会,2026-03-02,"]
