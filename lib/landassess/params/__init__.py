"""Parameters of an assessment year: load, merge and validate (SPEC 3).

Defaults live in ``params/base.yaml``; ``params/<year>.yaml`` overrides them for one year and a
file given with ``--params`` overrides on top. The merged mapping is validated into frozen pydantic
models that reject unknown keys, so a typo in a YAML file is an error, not a silent default.

Reading a parameter file is defensive, because parameter files travel between offices: every
invalid file is a :class:`ParamsError` whose Chinese message names the file and, where there is
one, the dotted key (``tiers.model.quota``); never a traceback, a hang or a large allocation.

- Only a regular file of at most 256 KiB is read: the size and kind are checked with ``os.stat``
  before the file is opened (a FIFO, a device such as ``/dev/zero`` or a folder is refused
  without opening it), the file is opened non-blocking and at most limit + 1 bytes are read.
- The text must be UTF-8 (a GBK file is named as such); the top level must be a mapping (an
  empty file means "no overrides").
- YAML is read with a restricted safe loader: aliases (``*name``) and merge keys (``<<``) are
  refused (no "billion laughs"), nesting deeper than 32 levels or more than 20,000 nodes is
  refused, mapping keys must be text and may not repeat (PyYAML would silently keep the last),
  and only the plain YAML types are accepted (no ``!!binary``, ``!!set``, ...).
- Numbers must be finite and sane: decimals within ±10^9 with at most 12 decimal places, counts
  and quotas whole numbers between 0 and 10,000 (``true`` is not a number).
"""

from __future__ import annotations

import datetime as dt
import os
import reprlib
import stat
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from landassess.paths import params_dir
from landassess.problems import InputError

MAX_FILE_BYTES = 256 * 1024
"""Largest parameter file read (``params/base.yaml`` is about 5 KB)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted in a parameter file."""
MAX_NODES = 20_000
"""Most YAML nodes (keys, values, list items) accepted in a parameter file."""
MAX_COUNT = 10_000
"""Largest quota or count accepted (China has fewer than 3,000 county-level divisions)."""
MAX_DECIMAL_ADJUSTED = 9
"""Decimals must be below 10^(this + 1) in magnitude."""
MAX_DECIMAL_PLACES = 12
MAX_DECIMAL_DIGITS = 28
MAX_ERROR_LINES = 20

Sources = dict[tuple[Any, ...], tuple[int, Path]]
"""Key path → (order in which the file was applied, file) of the last file that set it."""


class ParamsError(InputError, ValueError):
    """Parameters that cannot be read or do not validate; the message is in Chinese."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
            raise ValueError(f"不是数值：{_short(value)}") from error
        if not number.is_finite():
            raise ValueError(f"不是有限数值：{_short(value)}")
        if number.is_zero():
            return Decimal(0) if number.as_tuple().exponent < -MAX_DECIMAL_PLACES else number
        if number.adjusted() > MAX_DECIMAL_ADJUSTED:
            raise ValueError(f"数值过大：{_short(value)}")
        if len(number.as_tuple().digits) > MAX_DECIMAL_DIGITS:
            raise ValueError(f"有效数字过多：{_short(value)}")
        if number.normalize().as_tuple().exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]
            raise ValueError(f"小数位数过多（最多 {MAX_DECIMAL_PLACES} 位）：{_short(value)}")
        if number.as_tuple().exponent > 0:  # type: ignore[operator]
            number = number.quantize(Decimal(1))  # "1e3" is shown as 1000, not 1E+3
        return number
    raise ValueError(f"需要数值，得到{_type_name(value)}")


def _non_negative_decimal(value: Any) -> Decimal:
    number = _exact_decimal(value)
    if number < 0:
        raise ValueError("不能为负数")
    return number


def _count(**bounds: int) -> Any:
    """A whole number field: strict (no ``true``, no ``"3"``, no ``3.0``), bounded."""
    return Field(strict=True, le=MAX_COUNT, **bounds)


_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlong = 40
_REPR.maxlevel = 1


def _short(value: Any) -> str:
    """A short, bounded rendering of a value for a message."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _REPR.repr(value)


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _type_name(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "布尔值"
    if isinstance(value, (int, float, Decimal)):
        return "数值"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, dict):
        return "键值映射"
    if isinstance(value, (list, tuple)):
        return "列表"
    return type(value).__name__


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
            raise ValueError(f"应为“月-日”，如 01-15，得到 {_short(value)}") from error
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


class _Refused(Exception):
    """A parameter file refused while reading; the message (Chinese) does not name the file yet."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                         "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
                         "tag:yaml.org,2002:timestamp"})


class _ParamsLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases and caps nesting and size while composing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"第 {event.start_mark.line + 1} 行使用了 YAML 别名 *{event.anchor}，"
                           "参数文件不支持锚点引用，请直接写出数值")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"内容过多（超过 {MAX_NODES} 个键或值，第 {event.start_mark.line + 1} 行）")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"嵌套过深（超过 {MAX_DEPTH} 层，第 {event.start_mark.line + 1} 行）")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_nodes(node: yaml.Node, path: tuple[str | int, ...] = ()) -> None:
    """Refuse repeated or non-text keys, merge keys, exotic tags and huge integers (depth is capped)."""
    where = _dotted(path) or "顶层"
    line = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(f"{where}（第 {line} 行）：不支持的 YAML 标签 {_short(node.tag)}")
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > 200:  # int() refuses > 4300 digits
            raise _Refused(f"{where}（第 {line} 行）：数值过大")
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_nodes(item, (*path, index))
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                raise _Refused(f"{where}（第 {key_line} 行）：不支持 YAML 合并键 <<")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "（复合键）"
                raise _Refused(f"{where}（第 {key_line} 行）：键 {_short(shown)} 应为文本")
            key = key_node.value
            if key in seen:
                raise _Refused(f"键 {_dotted((*path, key))} 重复（第 {seen[key]} 行与第 {key_line} 行）；"
                               "YAML 只会保留后一个，请删去多余的一个")
            seen[key] = key_line
            _check_nodes(value_node, (*path, key))


def _dotted(path: tuple[Any, ...]) -> str:
    """``('rubric', 'dimensions', 0, 'id')`` → ``rubric.dimensions[0].id``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _read_bytes(path: Path) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of a regular file, checked by ``stat`` before opening."""
    try:
        info = os.stat(path)
    except FileNotFoundError as error:
        raise _Refused("不存在") from error
    except (OSError, ValueError) as error:
        raise _Refused(f"无法读取：{getattr(error, 'strerror', None) or error}") from error
    _check_kind(info)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _Refused(f"无法读取：{error.strerror or error}") from error
    try:
        _check_kind(os.fstat(fd))  # the file may have been swapped since the stat
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise _Refused(f"无法读取：{error.strerror or error}") from error
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise _Refused(f"过大（超过 {MAX_FILE_BYTES // 1024} KiB），不是参数文件")
    return b"".join(chunks)


def _check_kind(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise _Refused("是文件夹，不是文件")
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("不是普通文件（可能是管道、设备或套接字），不予读取")
    if info.st_size > MAX_FILE_BYTES:
        raise _Refused(f"过大（{info.st_size} 字节，上限 {MAX_FILE_BYTES // 1024} KiB），不是参数文件")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        hint = ""
        if b"\x00" not in raw:
            try:
                raw.decode("gb18030")
                hint = "，看起来是 GBK/GB18030 编码，请另存为 UTF-8"
            except UnicodeDecodeError:
                pass
        raise _Refused(f"不是 UTF-8 编码的文本（第 {line} 行有无法识别的字节{hint}）") from error


def _parse(text: str) -> Any:
    loader: _ParamsLoader | None = None
    try:
        loader = _ParamsLoader(text)  # the reader refuses control characters here already
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise _Refused(f"含有不允许的控制字符 #x{error.character:04x}（第 {line} 行），不是文本参数文件") from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
        problem = error.problem or error.context or ""
        raise _Refused(f"不是有效的 YAML（{where}{_clip(problem)}）") from error
    except yaml.YAMLError as error:
        raise _Refused(f"不是有效的 YAML（{_clip(str(error))}）") from error
    except RecursionError as error:  # pragma: no cover - the depth cap comes first
        raise _Refused("嵌套过深") from error
    except (ValueError, TypeError, OverflowError) as error:
        raise _Refused(f"含有无法读取的值（{_clip(str(error))}）") from error
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping safely; an empty file is an empty mapping (raises ParamsError)."""
    try:
        data = _parse(_decode(_read_bytes(Path(path))))
    except _Refused as error:
        raise ParamsError(f"参数文件 {path}：{error}") from None
    except MemoryError:  # pragma: no cover - the size caps come first
        raise ParamsError(f"参数文件 {path} 过大，无法读取") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"参数文件 {path} 的顶层应为键值映射（如 tiers: ...），得到{_type_name(data)}")
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
    sources: Sources = {}
    for rank, path in enumerate(parameter_files(year, params_file, root)):
        data = read_yaml(path)
        divisions = data.get("divisions")
        file = divisions.get("file") if isinstance(divisions, dict) else None
        if isinstance(file, str) and file:
            try:
                confined = confined_path(file, Path(path).parent)
            except ParamsError as error:
                raise ParamsError(f"参数文件 {path} 的 divisions.file：{error}") from None
            data = deep_merge(data, {"divisions": {"file": str(confined)}})
        _record_sources(data, (rank, path), (), sources)
        merged = deep_merge(merged, data)
    return validate_params(merged, sources)


def _record_sources(data: dict[str, Any], source: tuple[int, Path], prefix: tuple[Any, ...],
                    sources: Sources) -> None:
    """Remember which file set each key (a later file wins), to name it in messages."""
    for key, value in data.items():
        where = (*prefix, key)
        sources[where] = source
        if isinstance(value, dict):
            _record_sources(value, source, where, sources)


def _source_of(loc: tuple[Any, ...], sources: Sources) -> Path | None:
    """The last-applied file that set ``loc``, a key above it or a key below it."""
    related = [source for key, source in sources.items() if key[:len(loc)] == loc or loc[:len(key)] == key]
    return max(related, key=lambda source: source[0])[1] if related else None


def confined_path(value: str, folder: Path) -> Path:
    """A path named in a parameter file, resolved against and confined to that file's folder.

    Parameters travel between offices: a file must not make the tool read (or write) outside the
    folder it came with.
    """
    folder = folder.resolve()
    try:
        path = (folder / value).resolve()
    except (OSError, ValueError) as error:
        raise ParamsError(f"参数中的路径 {_short(value)} 无效：{error}") from None
    if not path.is_relative_to(folder):
        raise ParamsError(f"参数中的路径“{value}”指向参数文件所在文件夹（{folder}）之外，不予使用")
    return path


_MESSAGES = {
    "extra_forbidden": "未知参数",
    "missing": "缺少必需的参数",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "finite_number": "应为有限数值",
}


def _message(item: dict[str, Any]) -> str:
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind in _MESSAGES:
        text = _MESSAGES[kind]
    elif kind == "greater_than_equal":
        text = f"应不小于 {ctx.get('ge')}"
    elif kind == "less_than_equal":
        text = f"应不大于 {ctx.get('le')}"
    elif kind == "literal_error":
        text = f"应为以下之一：{ctx.get('expected')}"
    elif kind == "too_short":
        text = f"至少需要 {ctx.get('min_length')} 项"
    elif kind == "too_long":
        text = f"最多 {ctx.get('max_length')} 项"
    elif kind == "string_pattern_mismatch":
        text = f"格式不符（应为字母开头的字母、数字、下划线：{ctx.get('pattern')}）"
    elif kind == "value_error":
        text = str(ctx.get("error", item["msg"]))
    else:
        text = item["msg"]
    if kind not in ("extra_forbidden", "missing", "value_error") and "input" in item:
        value = item["input"]
        text += f"，得到{_type_name(value)}" if isinstance(value, (dict, list, tuple)) else f"，得到 {_short(value)}"
    return text


def validate_params(data: dict[str, Any], sources: Sources | None = None) -> Params:
    """Validate a merged mapping into :class:`Params`, with a Chinese message on failure.

    ``sources`` (from :func:`load_params`) maps key paths to the file that set them, so that each
    message names the file as well as the dotted key.
    """
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ParamsError(f"参数校验失败：顶层应为键值映射，得到{_type_name(data)}")
    try:
        return Params.model_validate(data)
    except ValidationError as error:
        items = error.errors(include_url=False)
        order = [path for _, path in sorted(set((sources or {}).values()), key=lambda source: source[0])]
        lines = []
        for item in items[:MAX_ERROR_LINES]:
            loc = tuple(item["loc"])
            source = _source_of(loc, sources) if sources else None
            where = (_dotted(loc) or "顶层") + (f"（{source}）" if source is not None else "")
            lines.append(f"  {where}：{_message(item)}")
        if len(items) > MAX_ERROR_LINES:
            lines.append(f"  ……另有 {len(items) - MAX_ERROR_LINES} 处")
        files = f"（参数文件：{'、'.join(str(f) for f in order)}）" if order else ""
        raise ParamsError(f"参数校验失败{files}：\n" + "\n".join(lines)) from None
    except RecursionError:
        raise ParamsError("参数校验失败：嵌套过深") from None


def params_as_dict(params: Params) -> dict[str, Any]:
    """The resolved parameters as plain JSON-friendly data (decimals as strings)."""
    return params.model_dump(mode="json")
