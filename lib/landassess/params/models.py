"""The parameter models (SPEC 3): frozen pydantic models that reject unknown keys.

Each group carries its ``source`` (the clause of the notice, or "assumption"). Numbers are read
as exact decimals and must be finite and sane: decimals within ±10^9 with at most 12 decimal
places, counts and quotas whole numbers between 0 and 10,000 (``true`` is not a number).
The shared base and number readers are in :mod:`.fields`; the vetoes and their clauses in :mod:`.vetoes`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from landassess.names import canonical, control_characters
from landassess.params.errors import short_value, type_name_zh
from landassess.params.fields import (
    MAX_COUNT,
    MAX_DECIMAL_ADJUSTED,
    MAX_DECIMAL_DIGITS,
    MAX_DECIMAL_PLACES,
    _count,
    _exact_decimal,
    _Model,
    _non_negative_decimal,
)
from landassess.params.vetoes import EventClause, Vetoes


class Divisions(_Model):
    """Which reference list of county-level divisions is used (五)."""

    file: str | None = None
    province: str = "江苏省"
    source: str


class Deadlines(_Model):
    """Deadlines in year Y+1, as month-day (六(一), 六(二))."""

    declaration: str = "01-15"
    recommendation: str = "01-31"
    source: str

    @field_validator("declaration", "recommendation")
    @classmethod
    def _month_day(cls, value: str) -> str:
        try:
            dt.date.fromisoformat(f"2001-{value}")
        except ValueError as error:
            raise ValueError(f"应为“月-日”，如 01-15，得到 {short_value(value)}") from error
        return value

    def declaration_date(self, year: int) -> dt.date:
        """Declaration deadline for assessed year ``year``."""
        return dt.date.fromisoformat(f"{year + 1}-{self.declaration}")

    def recommendation_date(self, year: int) -> dt.date:
        """Recommendation deadline for assessed year ``year``."""
        return dt.date.fromisoformat(f"{year + 1}-{self.recommendation}")


class LevelPoints(_Model):
    national: Decimal
    provincial: Decimal

    _decimals = field_validator("national", "provincial", mode="before")(_non_negative_decimal)


class BonusPoints(_Model):
    commendation: LevelPoints
    typical_experience: LevelPoints


class Bonus(_Model):
    """Bonus points per counted document (七(二)); ``cap`` limits a county's sum."""

    cap: Decimal | None = None
    points: BonusPoints
    source: str

    @field_validator("cap", mode="before")
    @classmethod
    def _cap(cls, value: Any) -> Decimal | None:
        if value is None:
            return None
        cap = _exact_decimal(value)
        if cap < 0:
            raise ValueError("bonus.cap 不能为负数")
        return cap


class Recommendation(_Model):
    """City quota share (六(二))."""

    quota_share: Decimal
    source: str

    _decimals = field_validator("quota_share", mode="before")(_exact_decimal)

    @field_validator("quota_share")
    @classmethod
    def _share(cls, value: Decimal) -> Decimal:
        if not (0 < value <= 1):
            raise ValueError("quota_share 应在 (0, 1] 之内")
        return value


class Tier(_Model):
    quota: int = _count(ge=0)
    min_total: Decimal | None = None

    @field_validator("min_total", mode="before")
    @classmethod
    def _min(cls, value: Any) -> Decimal | None:
        return None if value is None else _non_negative_decimal(value)


class Tiers(_Model):
    """Title quotas (三: 模范、先进各不超过10个)."""

    model: Tier
    advanced: Tier
    source: str


class Trim(_Model):
    count: int = _count(default=0, ge=0)
    min_evaluators: int = _count(default=5, ge=1)

    @model_validator(mode="after")
    def _enough(self) -> Trim:
        if self.count and self.min_evaluators <= 2 * self.count:
            raise ValueError("去极值后至少要留下一个评分：min_evaluators 应大于 2 × count")
        return self


class Scoring(_Model):
    method: Literal["mean"] = "mean"
    trim: Trim = Trim()
    score_decimals: int = Field(default=2, ge=0, le=6, strict=True)
    source: str


class TieBreak(_Model):
    order: tuple[Literal["effectiveness_subtotal_desc", "cultivated_ratio_asc"], ...]
    source: str


class SpotCheck(_Model):
    """Random on-site check draw (六(三), SPEC 3.5)."""

    seed: str | None = None
    count: int = _count(default=4, ge=0)
    pool: Literal["titled"] = "titled"
    source: str

    @field_validator("seed", mode="before")
    @classmethod
    def _seed_text(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError("seed 应为文本或整数")
        if isinstance(value, int) and abs(value) >= 10**200 or isinstance(value, str) and len(value) > 1000:
            raise ValueError("seed 过长")
        text = str(value).strip()
        return text or None


class Criterion(_Model):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    name: str
    max: Decimal
    source: str

    _decimals = field_validator("max", mode="before")(_exact_decimal)

    @field_validator("max")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("指标满分应为正数")
        return value


class Dimension(_Model):
    id: str
    name: str
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=200)
    weight: Decimal = Decimal(1)
    """Multiplier of the dimension's subtotal in the base score (1 in the notice; a what-if may change it)."""

    _weight_decimal = field_validator("weight", mode="before")(_exact_decimal)

    @field_validator("weight")
    @classmethod
    def _positive_weight(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("维度权重应为正数")
        return value


class Rubric(_Model):
    """The 13 criteria in 5 dimensions (四); an assumption until the official 评估细则 is supplied."""

    source: str
    dimensions: tuple[Dimension, ...] = Field(min_length=1, max_length=200)
    effectiveness_dimension: str = "effectiveness"

    @model_validator(mode="after")
    def _unique(self) -> Rubric:
        dimension_ids = [d.id for d in self.dimensions]
        criterion_ids = [c.id for c in self.criteria]
        for label, ids in (("维度", dimension_ids), ("指标", criterion_ids)):
            duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
            if duplicates:
                raise ValueError(f"{label}编号重复：{', '.join(duplicates)}")
        if self.effectiveness_dimension not in dimension_ids:
            raise ValueError(f"effectiveness_dimension {self.effectiveness_dimension} 不是已定义的维度")
        return self

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria in rubric order."""
        return tuple(c for d in self.dimensions for c in d.criteria)

    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    def max_by_criterion(self) -> dict[str, Decimal]:
        return {c.id: c.max for c in self.criteria}

    def dimension_of(self) -> dict[str, str]:
        return {c.id: d.id for d in self.dimensions for c in d.criteria}

    def total_max(self) -> Decimal:
        return sum((c.max for c in self.criteria), Decimal(0))


class Report(_Model):
    spread_flag_share: Decimal = Decimal("0.3")
    source: str = "assumption"

    _decimals = field_validator("spread_flag_share", mode="before")(_exact_decimal)


class Documents(_Model):
    """The drafts of ``landassess documents`` (SPEC 8.4): issuer, numbers, dates, addressees, 版记.

    Every field is optional: a draft shows a placeholder such as 【发文字号】 where one is unset.
    Set them in ``params/<year>.yaml`` once they are decided. ``issue_date`` dates the 公示,
    ``notice_date`` the 表彰通报 (two documents, two dates).
    """

    issuer: str | None = Field(default=None, max_length=200)
    issue_date: dt.date | None = None
    notice_date: dt.date | None = None
    gongshi_number: str | None = Field(default=None, max_length=100)
    notice_number: str | None = Field(default=None, max_length=100)
    addressees: str | None = Field(default=None, max_length=500)
    cc: str | None = Field(default=None, max_length=500)
    printer: str | None = Field(default=None, max_length=200)
    print_date: dt.date | None = None
    publicity_start: dt.date | None = None
    publicity_end: dt.date | None = None
    objection_channel: str | None = Field(default=None, max_length=1000)
    source: str = "assumption"

    @field_validator("issuer", "objection_channel", "gongshi_number", "notice_number", "addressees", "cc", "printer")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if isinstance(value, str) else value

    @model_validator(mode="after")
    def _period_in_order(self) -> Documents:
        if self.publicity_start and self.publicity_end and self.publicity_end < self.publicity_start:
            raise ValueError("公示期结束日期早于开始日期")
        return self


class Params(_Model):
    """All parameters of one assessment year."""

    divisions: Divisions
    deadlines: Deadlines
    vetoes: Vetoes
    bonus: Bonus
    recommendation: Recommendation
    tiers: Tiers
    scoring: Scoring
    tie_break: TieBreak
    spot_check: SpotCheck
    rubric: Rubric
    report: Report = Report()
    documents: Documents = Documents()
    evaluators: tuple[str, ...] = Field(default=(), max_length=200)
    """The year's evaluators, in the order score sheets and lists use (empty: as they first appear)."""

    @field_validator("evaluators", mode="before")
    @classmethod
    def _evaluator_names(cls, value: Any) -> Any:
        if value is None:
            return ()
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"评委名单应为列表（每行一个“- 姓名”），得到{type_name_zh(value)}")
        names = []
        for item in value:
            if not isinstance(item, str) or not canonical(item):
                raise ValueError(f"评委姓名应为非空文本，得到 {short_value(item)}")
            if control_characters(item):
                raise ValueError(f"评委姓名“{short_value(item)}”含有控制字符")
            name = canonical(item)  # SPEC 8.0: 评委甲 and 评委\u200b甲 are one evaluator
            if name in names:
                raise ValueError(f"评委“{name}”在名单中出现了两次")
            names.append(name)
        return tuple(names)


__all__ = ["MAX_COUNT", "MAX_DECIMAL_ADJUSTED", "MAX_DECIMAL_DIGITS", "MAX_DECIMAL_PLACES", "EventClause", "Vetoes"]
