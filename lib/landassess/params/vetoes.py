"""The vetoes of a year (七(一)): the land thresholds and the event clauses, each declared once (SPEC 8.7).

An event clause is one declaration — its label, clause, description, the levels at which an event
vetoes, the fields an event needs to count, whether it is in force, and its wording for counties
and for the report. The packaged defaults are the event vetoes of :data:`landassess.vocabulary.VETOES`;
a year's parameter file changes a clause or adds one under ``vetoes.event_clauses.<id>`` (only the
keys it writes change). Intake, the rule, the templates, the report, the ledger and the app all ask
:func:`event_clauses` (or the helpers below); none keeps its own list.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from landassess.params.errors import short_value, type_name_zh
from landassess.params.fields import _exact_decimal, _Model
from landassess.vocabulary import LEVEL_WORD, VETO_ORDER, VETOES

LevelWord = Literal["国家", "省", "市", "县"]
Requirement = Literal["verified", "reference"]
REQUIREMENT_ZH = {"verified": "是否查实", "reference": "文号或出处"}
"""The events table's column each requirement needs (intake/schema.py, veto_events)."""
_WORD_LEVEL = {word: level for level, word in LEVEL_WORD.items()}


class EventClause(_Model):
    """One clause of 七(一) judged from recorded events (SPEC 8.7)."""

    label: str = Field(min_length=1, max_length=40)
    """Its name in tables, drop-downs and the report (the events table's 类型)."""
    clause: str = Field(min_length=1, max_length=40)
    description: str = Field(min_length=1, max_length=500)
    levels: tuple[LevelWord, ...] | None = None
    """The authority levels at which an event vetoes, as the events table writes them; None: any level."""
    requires: tuple[Requirement, ...] = ()
    in_force: bool = Field(default=True, strict=True)
    aliases: tuple[str, ...] = Field(default=(), max_length=50)
    county_note: str | None = Field(default=None, max_length=500)
    """The template's instruction to counties; None: worded from the levels and requirements."""
    level_reason: str | None = Field(default=None, max_length=500)
    """The report's reason when an event's level does not count; None: worded from the levels."""
    source: str = "七(一)"

    @field_validator("label", "aliases")
    @classmethod
    def _one_cell_word(cls, value: Any) -> Any:
        """A label is offered in a drop-down list: no half-width comma or quote (，and “” are fine)."""
        for word in (value,) if isinstance(value, str) else value:
            if "," in word or '"' in word or not word.strip():
                raise ValueError(f"名称“{short_value(word)}”不能为空，也不能含半角逗号或引号（可用全角“，”）")
        return value

    @field_validator("levels", mode="before")
    @classmethod
    def _level_words(cls, value: Any) -> Any:
        """国家级 is 国家: the level words as the events table accepts them."""
        if isinstance(value, (list, tuple)):
            return tuple(str(v).removesuffix("级") if isinstance(v, str) else v for v in value)
        return value

    @property
    def level_ids(self) -> frozenset[str] | None:
        """The levels as the events table's parsed values (national, provincial, city, county)."""
        return None if self.levels is None else frozenset(_WORD_LEVEL[w] for w in self.levels)

    def level_reason_zh(self) -> str:
        """Why an event at another level does not count."""
        if self.level_reason:
            return self.level_reason
        return f"非{'、'.join(w + '级' for w in self.levels or ())}{self.label}，不属{self.clause}所列情形，不计"

    def county_note_zh(self) -> str:
        """The instruction to counties on this clause ("" when there is nothing to say)."""
        if self.county_note is not None:
            return self.county_note
        parts = [f"须为{'、'.join(w + '级' for w in self.levels)}" if self.levels is not None else ""]
        parts += [f"须填写{REQUIREMENT_ZH[r]}" for r in self.requires]
        return f"{self.label}" + "，".join(p for p in parts if p) if any(parts) else ""


def _default_clauses() -> dict[str, dict[str, Any]]:
    """The notice's own event clauses (SPEC 3.1), from the vocabulary."""
    return {v.id: {
        "label": v.short_zh, "clause": v.clause, "description": v.long_zh,
        "levels": None if v.levels is None else [LEVEL_WORD[x] for x in sorted(v.levels, key=list(LEVEL_WORD).index)],
        "requires": list(v.requires), "in_force": True, "aliases": list(v.aliases),
        "county_note": v.county_note, "level_reason": v.level_reason or None, "source": v.clause,
    } for v in VETOES.values() if v.is_event}


class Vetoes(_Model):
    """Thresholds of the land vetoes (七(一)2) and the event clauses (七(一)1、3 and any a year adds)."""

    cultivated_ratio_threshold: Decimal
    cultivated_area_threshold_mu: Decimal
    hectare_to_mu: Decimal
    event_clauses: dict[str, EventClause] = Field(default_factory=dict, validate_default=True)
    source: str

    _decimals = field_validator(
        "cultivated_ratio_threshold", "cultivated_area_threshold_mu", "hectare_to_mu", mode="before"
    )(_exact_decimal)

    def __hash__(self) -> int:
        """Hashable like every parameter group (the stage cache keys on it), the clauses as pairs."""
        return hash((self.cultivated_ratio_threshold, self.cultivated_area_threshold_mu, self.hectare_to_mu,
                     tuple(self.event_clauses.items()), self.source))

    @staticmethod
    def _with_defaults(value: Any) -> dict[str, Any]:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise ValueError(f"event_clauses 应为“编号: 条款”的映射，得到{type_name_zh(value)}")
        merged: dict[str, Any] = _default_clauses()
        for key, entry in value.items():
            if not isinstance(key, str) or not key.isascii() or not key.replace("_", "").isalnum() \
                    or not key[:1].isalpha() or key != key.lower():
                raise ValueError(f"条款编号应为小写英文字母、数字和下划线，得到 {short_value(key)}")
            if key in VETOES and not VETOES[key].is_event:
                raise ValueError(f"{key} 是按耕地数据判断的否决，不能作为事项条款")
            base = dict(merged.get(key, {}))
            if isinstance(entry, dict):  # wording written for the old levels or requirements is worded anew
                if {"levels", "requires"} & set(entry) and "county_note" not in entry:
                    base.pop("county_note", None)
                if "levels" in entry and "level_reason" not in entry:
                    base.pop("level_reason", None)
            merged[key] = {**base, **entry} if isinstance(entry, dict) else entry
        return merged

    @field_validator("event_clauses", mode="before")
    @classmethod
    def _defaults_first(cls, value: Any) -> dict[str, Any]:
        """The packaged clauses, each changed by what the parameter file writes, then the added ones."""
        return cls._with_defaults(value)

    @model_validator(mode="after")
    def _positive(self) -> Vetoes:
        if not (0 < self.cultivated_ratio_threshold <= 1):
            raise ValueError("cultivated_ratio_threshold 应在 (0, 1] 之内")
        if self.cultivated_area_threshold_mu <= 0 or self.hectare_to_mu <= 0:
            raise ValueError("面积阈值与换算系数应为正数")
        seen: dict[str, str] = {VETOES[k].short_zh: k for k in VETO_ORDER if not VETOES[k].is_event}
        for key, clause in self.event_clauses.items():
            for word in (key, clause.label, *clause.aliases):
                word = word.strip().lower()
                if seen.setdefault(word, key) != key:
                    raise ValueError(f"“{word}”同时是 {seen[word]} 与 {key} 的名称，类型无法区分")
        return self


def event_clauses(params: Any) -> dict[str, EventClause]:
    """The year's event clauses (七(一)), by id, in force or not: the packaged ones first, then those added.

    ``params`` is a year's :class:`~landassess.params.Params` or its ``vetoes``; None: the packaged clauses.
    """
    if params is None:
        return default_event_clauses()
    vetoes = getattr(params, "vetoes", params)
    return dict(vetoes.event_clauses)


def default_event_clauses() -> dict[str, EventClause]:
    """The packaged event clauses alone (the notice's own, SPEC 3.1)."""
    return {k: EventClause.model_validate(v) for k, v in _default_clauses().items()}


def clauses_in_force(params: Any) -> dict[str, EventClause]:
    """The event clauses counties are asked about (the templates' drop-down)."""
    return {k: c for k, c in event_clauses(params).items() if c.in_force}


def veto_order(params: Any) -> tuple[str, ...]:
    """Every veto id of the year: SPEC 3.1's order, then the clauses a parameter file added."""
    return (*VETO_ORDER, *(k for k in event_clauses(params) if k not in VETO_ORDER))


def veto_labels(params: Any) -> dict[str, str]:
    """Veto id → its label (媒体披露, 违法占用耕地比例, …) for the year."""
    clauses = event_clauses(params)
    return {k: clauses[k].label if k in clauses else VETOES[k].short_zh for k in veto_order(params)}


def veto_descriptions(params: Any) -> dict[str, str]:
    """Veto id → the situation as the notice states it, for the year."""
    clauses = event_clauses(params)
    return {k: clauses[k].description if k in clauses else VETOES[k].long_zh for k in veto_order(params)}


def veto_clauses(params: Any) -> dict[str, str]:
    """Veto id → its clause (七(一)1 …), for the year."""
    clauses = event_clauses(params)
    return {k: clauses[k].clause if k in clauses else VETOES[k].clause for k in veto_order(params)}


def type_words(params: Any) -> dict[str, str]:
    """How the events table may write a clause (id, label, aliases; lower case) → its id."""
    words: dict[str, str] = {}
    for key, clause in event_clauses(params).items():
        for word in (key, clause.label, *clause.aliases):
            words.setdefault(word.strip().lower(), key)
    return words


def county_instructions(params: Any) -> list[str]:
    """What the templates tell counties about the events table (SPEC 8.7: from the clauses)."""
    clauses = clauses_in_force(params)
    notes = [c.county_note_zh() for c in clauses.values()]
    return [
        "类型：" + "、".join(c.label for c in clauses.values()) + "（方案七(一)）。",
        "层级：国家、省、市；" + "。".join(n for n in notes if n) + "。",
        "日期：只计评估年度内的事项。",
    ]
