"""The parameter models (SPEC 3): frozen pydantic models that reject unknown keys.

Each group carries its ``source`` (the clause of the notice, or "assumption"). Numbers are read
as exact decimals and must be finite and sane: decimals within ±10^9 with at most 12 decimal
places, counts and quotas whole numbers between 0 and 10,000 (``true`` is not a number).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from landassess.names import canonical, control_characters
from landassess.params.errors import short_value, type_name_zh

MAX_COUNT = 10_000
"""Largest quota or count accepted (China has fewer than 3,000 county-level divisions)."""
MAX_DECIMAL_ADJUSTED = 9
"""Decimals must be below 10^(this + 1) in magnitude."""
MAX_DECIMAL_PLACES = 12
MAX_DECIMAL_DIGITS = 28


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        """Text parameters reach the report, the workbooks and the Word drafts: no control characters.

        A control character (U+0000–U+001F, U+007F–U+009F, line breaks included) in any text
        parameter is a parameter error naming its key (exit 3), never a crash in a document writer.
        """
        if isinstance(value, str):
            found = control_characters(value)
            if found:
                raise ValueError(f"含有控制字符（{'、'.join(sorted(set(found)))}），请删除后重试")
        return value


def _exact_decimal(value: Any) -> Decimal:
    """Read a number as an exact decimal (a YAML float is read through its shortest repr).

    The number must be finite and sane: below 10^10 in magnitude, at most 12 decimal places and
    28 significant digits, so that later sums and roundings are exact and cannot overflow.
    """
    if isinstance(value, bool):
        raise ValueError("需要数值，得到布尔值")
    if isinstance(value, int) and abs(value) >= 10 ** (MAX_DECIMAL_ADJUSTED + 1):
        raise ValueError("数值过大")
    if isinstance(value, str) and len(value) > 100:
        raise ValueError("数值文本过长")
    if isinstance(value, (int, str, float, Decimal)):
        try:
            number = Decimal(str(value).strip().replace("_", ""))
        except (ArithmeticError, ValueError) as error:
            raise ValueError(f"不是数值：{short_value(value)}") from error
        if not number.is_finite():
            raise ValueError(f"不是有限数值：{short_value(value)}")
        if number.is_zero():
            return Decimal(0) if number.as_tuple().exponent < -MAX_DECIMAL_PLACES else number
        if number.adjusted() > MAX_DECIMAL_ADJUSTED:
            raise ValueError(f"数值过大：{short_value(value)}")
        if len(number.as_tuple().digits) > MAX_DECIMAL_DIGITS:
            raise ValueError(f"有效数字过多：{short_value(value)}")
        if number.normalize().as_tuple().exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]
            raise ValueError(f"小数位数过多（最多 {MAX_DECIMAL_PLACES} 位）：{short_value(value)}")
        if number.as_tuple().exponent > 0:  # type: ignore[operator]
            number = number.quantize(Decimal(1))  # "1e3" is shown as 1000, not 1E+3
        return number
    raise ValueError(f"需要数值，得到{type_name_zh(value)}")


def _non_negative_decimal(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("不能为负数")
    return number


def _count(**bounds: int) -> Any:
    """A whole number field: strict (no ``true``, no ``"3"``, no ``3.0``), bounded."""
    return Field(strict=True, le=MAX_COUNT, **bounds)


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


class Vetoes(_Model):
    """Thresholds of the land vetoes (七(一)2)."""

    cultivated_ratio_threshold: Decimal
    cultivated_area_threshold_mu: Decimal
    hectare_to_mu: Decimal
    source: str

    _decimals = field_validator(
        "cultivated_ratio_threshold", "cultivated_area_threshold_mu", "hectare_to_mu", mode="before"
    )(_exact_decimal)

    @model_validator(mode="after")
    def _positive(self) -> Vetoes:
        if not (0 < self.cultivated_ratio_threshold <= 1):
            raise ValueError("cultivated_ratio_threshold 应在 (0, 1] 之内")
        if self.cultivated_area_threshold_mu <= 0 or self.hectare_to_mu <= 0:
            raise ValueError("面积阈值与换算系数应为正数")
        return self


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
