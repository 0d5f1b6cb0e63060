"""What if: the year's assessment under changed parameters, through the same rules (issue 10).

A :class:`Scenario` is a validated override of the year's :class:`~landassess.params.Params`:
dotted keys → values (``tiers.model.quota=8``, ``scoring.trim.count=1``, ``bonus.cap=1``,
``recommendation.quota_share=0.5``, ``rubric.dimensions.effectiveness.weight=1.2``,
``rubric.criteria.C09.max=20``, ``scoring.score_decimals=1``), merged with
:func:`~landassess.params.deep_merge` and checked by :func:`~landassess.params.validate_params`.

:func:`recompute` runs :func:`landassess.assessment.assess_year` — the official arithmetic, the
only one — on the year's already-parsed inputs with the scenario's parameters. The fast path is the
assessment's stage cache: what a scenario does not change (vetoes, recommendations, criterion
means, bonus judgements) is computed once. A parameter that intake uses to read the cells (the
rubric's criteria and maxima, deadlines, the 公顷 factor) re-reads the inputs with the new
parameters, so that a what-if always equals a full run. :func:`compare` says who enters or leaves
each title against the official result. These are explorations for the committee: the official
result is ``landassess run``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from landassess.assessment import Assessment, assess_year, criteria_key
from landassess.clock import china_today
from landassess.intake import YearInputs, load_year
from landassess.params import Params, ParamsError, deep_merge, validate_params
from landassess.vocabulary import STATUS_ZH, TIER_ZH

SCENARIO_GROUPS = ("tiers", "scoring", "bonus", "recommendation", "rubric", "tie_break", "vetoes", "spot_check",
                   "deadlines", "report")
"""Parameter groups a scenario may change (the divisions list is the year's, not a scenario's)."""
NONE_WORDS = ("none", "null", "~", "不设", "无")
"""Values read as "not set" (``bonus.cap=none``: no cap)."""
TITLES = ("model", "advanced")
MAX_READINGS = 8
"""Parsed inputs kept per year (one per distinct rubric/deadline setting tried)."""


def parse_value(text: str) -> Any:
    """A ``--set`` value: none, an integer, an exact decimal, true/false, or text."""
    value = text.strip()
    if value.lower() in NONE_WORDS or value == "":
        return None
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        pass
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return number if number.is_finite() else value


@dataclass(frozen=True)
class Scenario:
    """Parameter overrides, dotted key → value, in the order given; empty: the official parameters."""

    overrides: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, overrides: Mapping[str, Any] | None = None) -> Scenario:
        return cls(tuple((overrides or {}).items()))

    @classmethod
    def parse(cls, assignments: Iterable[str]) -> Scenario:
        """``["tiers.model.quota=8", "bonus.cap=none"]`` → a scenario (ParamsError without ``=``)."""
        pairs = []
        for assignment in assignments:
            key, sep, value = assignment.partition("=")
            if not sep or not key.strip():
                raise ParamsError(f"假如参数“{assignment}”应写成 键=值，如 tiers.model.quota=8")
            pairs.append((key.strip(), parse_value(value)))
        return cls(tuple(pairs))

    def apply(self, params: Params) -> Params:
        """The year's parameters with the overrides, validated (ParamsError naming the key)."""
        if not self.overrides:
            return params
        plain = _plain(params.model_dump())
        tree = _override_tree(plain, self.overrides)  # an unknown key: ParamsError naming it
        try:
            return validate_params(deep_merge(plain, tree))
        except ParamsError as error:
            culprits = [key for key, value in self.overrides if _fails(plain, key, value)]
            named = "、".join(culprits or [key for key, _ in self.overrides])
            raise ParamsError(f"假如参数 {named} 无效：{error}") from None


def _plain(value: Any) -> Any:
    """Dumped parameters with tuples as lists, so that a list item can be replaced."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _fails(plain: dict[str, Any], key: str, value: Any) -> bool:
    try:
        validate_params(deep_merge(plain, _override_tree(plain, ((key, value),))))
    except ParamsError:
        return True
    return False


def _override_tree(plain: dict[str, Any], overrides: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The overrides as a nested mapping for ``deep_merge``; a group holding lists is replaced whole."""
    groups: dict[str, Any] = {}
    for key, value in overrides:
        parts = key.split(".")
        if parts[0] not in SCENARIO_GROUPS:
            known = "、".join(SCENARIO_GROUPS)
            raise ParamsError(f"假如参数 {key}：未知或不可更改的参数组“{parts[0]}”（可更改：{known}）")
        group = groups.setdefault(parts[0], _plain(plain[parts[0]]))
        _assign(group, parts[1:], value, key)
    return groups


def _assign(node: Any, parts: list[str], value: Any, key: str) -> None:
    if not parts:
        raise ParamsError(f"假如参数 {key}：应指向一个参数值，如 tiers.model.quota")
    if parts[0] == "criteria" and isinstance(node, dict) and "dimensions" in node and len(parts) > 1:
        # rubric.criteria.<id>.max: a shortcut through the dimension that holds the criterion.
        holder = next((d for d in node["dimensions"] if any(c["id"] == parts[1] for c in d["criteria"])), None)
        if holder is None:
            raise ParamsError(f"假如参数 {key}：没有编号为“{parts[1]}”的指标")
        _assign(holder, parts, value, key)
        return
    head, rest = parts[0], parts[1:]
    if isinstance(node, list):
        index = int(head) if head.isdigit() else next(
            (i for i, item in enumerate(node) if isinstance(item, dict) and item.get("id") == head), None)
        if index is None or index >= len(node):
            raise ParamsError(f"假如参数 {key}：没有编号或序号为“{head}”的项")
        head = index
    elif not isinstance(node, dict) or head not in node:
        raise ParamsError(f"假如参数 {key}：未知参数“{head}”")
    if rest:
        _assign(node[head], rest, value, key)
    elif isinstance(node[head], (dict, list)):
        raise ParamsError(f"假如参数 {key}：是一组参数，应指向其中一个值")
    else:
        node[head] = value


def changed_parameters(official: Params, scenario: Params) -> pd.DataFrame:
    """Every parameter value that differs: key (dotted, list items by id), official, scenario."""
    before, after = _flat(_plain(official.model_dump())), _flat(_plain(scenario.model_dump()))
    keys = [k for k in after if before.get(k) != after.get(k)] + [k for k in before if k not in after]
    return pd.DataFrame({"key": keys, "official": [_shown(before.get(k)) for k in keys],
                         "scenario": [_shown(after.get(k)) for k in keys]})


def _flat(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out |= _flat(value, f"{prefix}.{key}" if prefix else key)
        return out
    if isinstance(node, list) and all(isinstance(item, dict) and "id" in item for item in node) and node:
        out = {}
        for item in node:
            out |= _flat(item, f"{prefix}.{item['id']}")
        return out
    return {prefix: node}


def _shown(value: Any) -> str:
    if value is None:
        return "不设"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_shown(v) for v in value) or "（空）"
    return str(value)


def intake_key(params: Params) -> tuple:
    """The parameters intake reads the cells with: a change of any of them re-reads the inputs."""
    clauses = tuple((k, c.label, c.aliases, c.requires) for k, c in params.vetoes.event_clauses.items())
    return (params.divisions, params.deadlines, params.vetoes.hectare_to_mu, clauses, criteria_key(params.rubric))


@dataclass
class WhatIf:
    """One year prepared for what-if: the official result, parsed inputs and the stage cache."""

    official: Assessment
    as_of: dt.date
    cache: dict = field(default_factory=dict)  # assess_year's stage cache
    readings: dict[tuple, YearInputs] = field(default_factory=dict)  # intake_key → parsed inputs

    def inputs_for(self, params: Params) -> YearInputs:
        """The year's inputs as intake reads them under ``params`` (re-read when reading changes)."""
        key = intake_key(params)
        if key not in self.readings:
            if len(self.readings) >= MAX_READINGS:
                self.readings = {intake_key(self.official.params): self.official.inputs}
                self.cache.clear()
            self.readings[key] = load_year(self.official.inputs.folder, self.official.year, params,
                                           self.official.divisions, today=self.as_of)
        return self.readings[key]


def prepare(official: Assessment, as_of: dt.date | None = None) -> WhatIf:
    """Keep a year's official assessment for fast what-if recomputation."""
    as_of = as_of or official.as_of or china_today()
    return WhatIf(official, as_of, readings={intake_key(official.params): official.inputs})


def recompute(base: WhatIf, scenario: Scenario | Params, inputs: YearInputs | None = None) -> Assessment:
    """The year's assessment under ``scenario``: ``assess_year`` on the inputs, with the stage cache.

    ``inputs`` replaces the year's parsed inputs (a variant such as the scores without one
    evaluator); it must have been read with the same reading parameters.
    """
    params = scenario if isinstance(scenario, Params) else scenario.apply(base.official.params)
    if inputs is None:
        inputs = base.inputs_for(params)
    elif intake_key(params) != intake_key(base.official.params):
        raise ValueError("a variant of the inputs is read with the official reading parameters")
    result = assess_year(inputs, params, base.official.divisions, base.cache)
    result.as_of = base.as_of
    return result


def ranking_table(result: Assessment) -> pd.DataFrame:
    """The ranked counties, best first: code, name, rank, total (as shown), tier, status, title."""
    ranked = result.counties[result.counties["is_ranked"]].sort_values(["position", "code"])
    titled = ranked["status"].isin([*TITLES, "tie_pending", "disqualified"])
    return pd.DataFrame({
        "code": ranked["code"], "name": ranked["name"], "rank": ranked["rank"].astype(int),
        "total": ranked["total"], "tier": ranked["tier"], "is_tie_pending": ranked["is_tie_pending"].astype(bool),
        "status": ranked["status"], "title": ranked["status_zh"].where(titled, ""),
    }).reset_index(drop=True)


def compare(base: WhatIf, result: Assessment) -> pd.DataFrame:
    """Every county whose status differs from the official one, with who enters or leaves each title.

    ``change`` is ``进入模范``, ``离开先进``, ``模范 → 先进`` or, when no title moves, ``状态：X → Y``.
    """
    official = base.official.counties.set_index("code")["status"]
    scenario = result.counties.set_index("code")["status"]
    names = base.official.divisions.name_of()
    rows = []
    for code in sorted(set(official.index) | set(scenario.index)):
        before, after = official.get(code, "not_declared"), scenario.get(code, "not_declared")
        if before == after:
            continue
        rows.append({"code": code, "name": names.get(code, ""), "official": STATUS_ZH[before],
                     "scenario": STATUS_ZH[after], "change": _change(before, after)})
    return pd.DataFrame(rows, columns=["code", "name", "official", "scenario", "change"])


def _change(before: str, after: str) -> str:
    was, now = before if before in TITLES else None, after if after in TITLES else None
    if was and now:
        return f"{TIER_ZH[was]} → {TIER_ZH[now]}"
    if now:
        return "进入" + TIER_ZH[now]
    if was:
        return "离开" + TIER_ZH[was]
    return f"状态：{STATUS_ZH[before]} → {STATUS_ZH[after]}"


def describe(base: WhatIf, result: Assessment) -> str:
    """The comparison in Chinese, for the command line: changed parameters, then who moves."""
    lines = [f"{base.official.year} 年度假如分析（仅供探索，不改变正式结果）"]
    changed = changed_parameters(base.official.params, result.params)
    if changed.empty:
        lines.append("参数：与正式参数相同（未更改任何参数）")
    else:
        lines.append("更改的参数：")
        lines += [f"  {r.key}：{r.official} → {r.scenario}" for r in changed.itertuples()]
    changes = compare(base, result)
    if changes.empty:
        lines.append("结果：称号名单与正式结果相同，没有变化。")
        return "\n".join(lines)
    for title in TITLES:
        zh = TIER_ZH[title]
        entering = changes[changes["scenario"] == STATUS_ZH[title]]
        leaving = changes[changes["official"] == STATUS_ZH[title]]
        lines.append(f"{zh}：进入 {_names(entering)}；离开 {_names(leaving)}")
    lines.append("变化明细：")
    lines += [f"  {r.code} {r.name}：{r.official} → {r.scenario}（{r.change}）" for r in changes.itertuples()]
    return "\n".join(lines)


def _names(rows: pd.DataFrame) -> str:
    return "、".join(f"{r.name}（{r.code}）" for r in rows.itertuples()) or "无"
