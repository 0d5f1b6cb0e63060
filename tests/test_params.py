"""Parameters: defaults with sources, per-year and command-line overrides, strict validation."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from landassess.params import ParamsError, deep_merge, load_params, validate_params

ROOT = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((ROOT / "params" / "base.yaml").read_text(encoding="utf-8"))


def test_defaults_are_the_notice():
    params = load_params(2024)
    assert params.vetoes.cultivated_ratio_threshold == Decimal("0.15")  # 七(一)2
    assert params.vetoes.cultivated_area_threshold_mu == Decimal(100)
    assert params.recommendation.quota_share == Decimal("0.4")  # 六(二)
    assert (params.tiers.model.quota, params.tiers.advanced.quota) == (10, 10)  # 三
    assert params.bonus.points.commendation.national == Decimal(1)  # 七(二)1
    assert params.bonus.points.typical_experience.provincial == Decimal("0.5")  # 七(二)2
    assert params.bonus.cap is None and params.spot_check.seed is None
    assert len(params.rubric.criteria) == 13 and params.rubric.total_max() == Decimal(100)


def test_every_group_names_its_source():
    groups = [k for k, v in BASE.items() if isinstance(v, dict)]
    assert all(BASE[g].get("source") for g in groups)
    assert all(c["source"] for d in BASE["rubric"]["dimensions"] for c in d["criteria"])


def test_command_line_file_overrides_the_spec_keys(tmp_path):
    override = tmp_path / "p.yaml"
    override.write_text("spot_check: {seed: 20250301, count: 3}\ntiers: {model: {quota: 8}, advanced: {quota: 12}}\n"
                        "bonus: {cap: 1.5}\n", encoding="utf-8")
    params = load_params(2024, override)
    assert params.spot_check.seed == "20250301" and params.spot_check.count == 3
    assert (params.tiers.model.quota, params.tiers.advanced.quota) == (8, 12)
    assert params.bonus.cap == Decimal("1.5")  # exact, not the float 1.5
    assert params.tiers.model.min_total is None  # untouched keys keep their defaults


@pytest.mark.parametrize("change, message", [
    pytest.param({"tiers": {"model": {"quotaa": 3}}}, "未知参数", id="unknown-key"),
    pytest.param({"rubric": {"dimensions": [{"id": "a", "name": "甲", "criteria": [
        {"id": "C01", "name": "x", "max": "5", "source": "s"}, {"id": "C01", "name": "y", "max": "5", "source": "s"}]}]}},
        "指标编号重复", id="duplicate-criterion"),
    pytest.param({"rubric": {"dimensions": [{"id": "effectiveness", "name": "甲", "criteria": [
        {"id": "C01", "name": "x", "max": "0", "source": "s"}]}]}}, "正数", id="max-not-positive"),
    pytest.param({"vetoes": {"cultivated_ratio_threshold": "1.5"}}, "(0, 1]", id="ratio-above-one"),
    pytest.param({"scoring": {"trim": {"count": 2, "min_evaluators": 4}}}, "至少要留下", id="trim-too-deep"),
    pytest.param({"bonus": {"cap": -1}}, "不能为负数", id="negative-cap"),
])
def test_invalid_parameters_are_refused_with_a_chinese_message(change, message):
    with pytest.raises(ParamsError) as error:
        validate_params(deep_merge(BASE, change))
    assert message in str(error.value)


def test_models_are_immutable():
    params = load_params(2024)
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        params.tiers.model.quota = 11


def test_a_validation_message_names_the_file_that_set_the_key(tmp_path):
    override = tmp_path / "override.yaml"
    override.write_text("tiers:\n  model:\n    quota: lots\n", encoding="utf-8")
    with pytest.raises(ParamsError) as error:
        load_params(2024, override)
    line = next(line for line in str(error.value).splitlines() if "tiers.model.quota" in line)
    assert str(override) in line  # the override, not base.yaml, set the bad value


def test_list_positions_are_shown_in_the_key_path():
    change = {"rubric": {"dimensions": [{"id": "effectiveness", "name": "甲", "criteria": [
        {"id": "C01", "name": "x", "max": "5", "source": "s"}, {"id": "C02", "name": "y", "max": [], "source": "s"}]}]}}
    with pytest.raises(ParamsError) as error:
        validate_params(deep_merge(BASE, change))
    assert "rubric.dimensions[0].criteria[1].max" in str(error.value)


def test_sane_values_at_the_edges_are_still_accepted(tmp_path):
    override = tmp_path / "edges.yaml"
    override.write_text("tiers: {model: {quota: 0, min_total: '84.330000'}, advanced: {quota: 10000}}\n"
                        "bonus: {cap: '0', points: {commendation: {national: 0.25}}}\n"
                        "spot_check: {seed: 123456789012345678901234567890123456789012345, count: 0}\n"
                        "vetoes: {cultivated_area_threshold_mu: '1e3'}\n", encoding="utf-8")
    params = load_params(2024, override)
    assert (params.tiers.model.quota, params.tiers.advanced.quota) == (0, 10000)
    assert params.tiers.model.min_total == Decimal("84.33") and params.bonus.cap == 0
    assert params.bonus.points.commendation.national == Decimal("0.25")
    assert params.spot_check.seed == "123456789012345678901234567890123456789012345"
    assert params.vetoes.cultivated_area_threshold_mu == Decimal(1000)


def test_the_golden_parameters_still_load():
    params = load_params(2025, ROOT / "tests" / "golden" / "2025" / "params.yaml")
    assert params.spot_check.seed == "golden-2025" and params.tiers.model.quota == 3
