"""Parameters of an assessment year: load, merge and validate (SPEC 3).

Defaults live in ``params/base.yaml``; ``params/<year>.yaml`` overrides them for one year and a
file given with ``--params`` overrides on top. The merged mapping is validated into frozen pydantic
models that reject unknown keys, so a typo in a YAML file is an error, not a silent default.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from landassess.paths import params_dir


class ParamsError(ValueError):
    """Parameters that cannot be read or do not validate; the message is in Chinese."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _exact_decimal(value: Any) -> Decimal:
    """Read a number as an exact decimal (a YAML float is read through its shortest repr)."""
    if isinstance(value, bool):
        raise ValueError("需要数值")
    if isinstance(value, (int, str, float, Decimal)):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError as error:
            raise ValueError(f"不是数值：{value!r}") from error
        if not number.is_finite():
            raise ValueError(f"不是有限数值：{value!r}")
        return number
    raise ValueError(f"需要数值，得到 {type(value).__name__}")


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
        dt.date.fromisoformat(f"2001-{value}")
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

    _decimals = field_validator("national", "provincial", mode="before")(_exact_decimal)


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
    quota: int = Field(ge=0)
    min_total: Decimal | None = None

    @field_validator("min_total", mode="before")
    @classmethod
    def _min(cls, value: Any) -> Decimal | None:
        return None if value is None else _exact_decimal(value)


class Tiers(_Model):
    """Title quotas (三: 模范、先进各不超过10个)."""

    model: Tier
    advanced: Tier
    source: str


class Trim(_Model):
    count: int = Field(default=0, ge=0)
    min_evaluators: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _enough(self) -> Trim:
        if self.count and self.min_evaluators <= 2 * self.count:
            raise ValueError("去极值后至少要留下一个评分：min_evaluators 应大于 2 × count")
        return self


class Scoring(_Model):
    method: Literal["mean"] = "mean"
    trim: Trim = Trim()
    score_decimals: int = Field(default=2, ge=0, le=6)
    source: str


class TieBreak(_Model):
    order: tuple[Literal["effectiveness_subtotal_desc", "cultivated_ratio_asc"], ...]
    source: str


class SpotCheck(_Model):
    """Random on-site check draw (六(三), SPEC 3.5)."""

    seed: str | None = None
    count: int = Field(default=4, ge=0)
    pool: Literal["titled"] = "titled"
    source: str

    @field_validator("seed", mode="before")
    @classmethod
    def _seed_text(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError("seed 应为文本或整数")
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
    criteria: tuple[Criterion, ...] = Field(min_length=1)


class Rubric(_Model):
    """The 13 criteria in 5 dimensions (四); an assumption until the official 评估细则 is supplied."""

    source: str
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    effectiveness_dimension: str = "effectiveness"

    @model_validator(mode="after")
    def _unique(self) -> Rubric:
        dimension_ids = [d.id for d in self.dimensions]
        criterion_ids = [c.id for c in self.criteria]
        for label, ids in (("维度", dimension_ids), ("指标", criterion_ids)):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
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


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into ``base`` recursively; lists and scalars are replaced whole."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping safely; an empty file is an empty mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ParamsError(f"参数文件 {path} 无法读取：{error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise ParamsError(f"参数文件 {path} 不是 UTF-8 编码") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ParamsError(f"参数文件 {path} 不是有效的 YAML：{error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"参数文件 {path} 的顶层应为键值映射")
    return data


def parameter_files(year: int, params_file: Path | None = None, root: Path | None = None) -> list[Path]:
    """The files that make up a year's parameters, in the order they are applied."""
    folder = root or params_dir()
    files = [folder / "base.yaml"]
    year_file = folder / f"{year}.yaml"
    if year_file.exists():
        files.append(year_file)
    if params_file is not None:
        files.append(Path(params_file))
    return files


def load_params(year: int, params_file: Path | None = None, root: Path | None = None) -> Params:
    """Load base, year and override files, merge them and validate (raises ParamsError)."""
    merged: dict[str, Any] = {}
    for path in parameter_files(year, params_file, root):
        data = read_yaml(path)
        file = (data.get("divisions") or {}).get("file") if isinstance(data.get("divisions"), dict) else None
        if file:
            data = deep_merge(data, {"divisions": {"file": str(confined_path(file, Path(path).parent))}})
        merged = deep_merge(merged, data)
    return validate_params(merged)


def confined_path(value: str, folder: Path) -> Path:
    """A path named in a parameter file, resolved against and confined to that file's folder.

    Parameters travel between offices: a file must not make the tool read (or write) outside the
    folder it came with.
    """
    folder = folder.resolve()
    path = (folder / value).resolve()
    if not path.is_relative_to(folder):
        raise ParamsError(f"参数中的路径“{value}”指向参数文件所在文件夹（{folder}）之外，不予使用")
    return path


def validate_params(data: dict[str, Any]) -> Params:
    """Validate a merged mapping into :class:`Params`, with a Chinese message on failure."""
    from pydantic import ValidationError

    try:
        return Params.model_validate(data)
    except ValidationError as error:
        lines = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"])
            kind = "未知参数" if item["type"] == "extra_forbidden" else item["msg"]
            lines.append(f"  {where}: {kind}")
        raise ParamsError("参数校验失败：\n" + "\n".join(lines)) from error


def params_as_dict(params: Params) -> dict[str, Any]:
    """The resolved parameters as plain JSON-friendly data (decimals as strings)."""
    return params.model_dump(mode="json")
