"""Tolerant readers for single cell values, as people type them (SPEC 4).

Each reader takes one raw cell (text, number, date or None) and returns the typed value, or
raises :class:`BadValue` carrying what was expected, in Chinese. ``None`` means the cell is blank.
Readers are pure and are applied once per distinct raw value of a column (see ``intake``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from landassess.names import canonical as canonical_name
from landassess.vocabulary import LEVEL_CITY, LEVEL_NATIONAL, LEVEL_PROVINCIAL


class BadValue(ValueError):
    """A cell that cannot be read; ``expected`` says what would have been accepted.

    ``reason`` is the stable reason code of the problem it becomes (``intake.reasons``).
    """

    def __init__(self, expected: str, message: str | None = None, *, reason: str):
        super().__init__(message or expected)
        self.expected = expected
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class FormulaCell:
    """An Excel formula cell saved without its computed (cached) value.

    Files written by programs such as openpyxl keep the formula only; Excel computes and stores
    the value when it saves. Intake cannot compute formulas, so such a cell cannot be read.
    """

    formula: str

    def __str__(self) -> str:
        return self.formula if self.formula.startswith("=") else f"={self.formula}"


FORMULA_EXPECTED = "单元格的值（请在 Excel 中打开并保存以计算公式，或复制后“选择性粘贴为数值”）"


def check_readable(raw: Any) -> None:
    """Raise :class:`BadValue` for a cell whose value cannot be known (a formula without value)."""
    if isinstance(raw, FormulaCell):
        raise BadValue(FORMULA_EXPECTED, f"公式“{raw}”没有保存计算结果，无法读取单元格的值",
                       reason="cell.formula")


def format_float(raw: float) -> str:
    """A float cell as Excel shows it: integers without ``.0``, else 15 significant digits.

    Excel keeps 15 significant digits, so a cached value such as 0.30000000000000004 is what
    the user sees and typed as 0.3.
    """
    if math.isfinite(raw) and raw.is_integer():
        return str(int(raw))
    return format(raw, ".15g")


def normalize_text(raw: Any) -> str | None:
    """Cell as text: NFKC (full-width → half-width), format characters removed, trimmed; blank → None.

    The same canonical form as :func:`landassess.names.canonical` (SPEC 8.0): a zero-width space
    inside a name, a code or a number is not part of it.
    """
    if raw is None:
        return None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        text = format_float(raw)
    elif isinstance(raw, (dt.datetime, dt.date)):
        text = raw.isoformat()
    else:
        text = str(raw)
    text = canonical_name(text)
    return text or None


def is_blank(raw: Any) -> bool:
    return normalize_text(raw) is None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
DISPLAY_LIMIT = 200


def display_value(raw: Any, limit: int = DISPLAY_LIMIT) -> str:
    """A cell value as shown in a problem: control characters escaped, long text shortened."""
    text = normalize_text(raw) or ""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 个字符）"


_CODE = re.compile(r"\d{6}")


def parse_code(raw: Any) -> str:
    """A 6-digit division code, as text or as an Excel number (320102 or 320102.0).

    Also accepted: Excel's text marker (``'320102``) and the 12-digit statistical code whose
    last six digits are zero (320102000000).
    """
    check_readable(raw)
    if isinstance(raw, bool):
        raise BadValue("6位县级行政区划代码", f"“{raw}”不是6位区划代码", reason="cell.code")
    text = normalize_text(raw)
    if text is None:
        raise BadValue("6位县级行政区划代码", "县级代码为空", reason="cell.empty")
    text = text.lstrip("'").strip()
    if re.fullmatch(r"\d{6}\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"\d{6}0{6}", text):
        text = text[:6]
    if not _CODE.fullmatch(text):
        raise BadValue("6位县级行政区划代码", f"“{display_value(text)}”不是6位区划代码",
                       reason="cell.code")
    return text


_TRUE = {"是", "y", "yes", "true", "t", "1", "√", "✓", "对", "已查实", "通过", "成立"}
_FALSE = {"否", "n", "no", "false", "f", "0", "×", "✗", "错", "未查实", "不通过", "不成立"}


def parse_bool(raw: Any) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0 (Excel booleans too)."""
    check_readable(raw)
    if isinstance(raw, bool):
        return raw
    text = normalize_text(raw)
    if text is None:
        raise BadValue("是/否", "是/否 为空", reason="cell.empty")
    key = text.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue("是/否（或 Y/N、true/false、1/0）", f"“{display_value(text)}”不是 是/否", reason="cell.bool")


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})" + _TIME),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
)
DATE_EXPECTED = "日期，如 2024-03-05、2024/3/5 或 2024年3月5日"


def parse_date(raw: Any) -> dt.date:
    """Excel date cells, 2024-03-05, 2024/3/5, 2024年3月5日 (and 2024.3.5; a time of day is dropped)."""
    check_readable(raw)
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = normalize_text(raw)
    if text is None:
        raise BadValue(DATE_EXPECTED, "日期为空", reason="cell.empty")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError as error:
                raise BadValue(DATE_EXPECTED, f"“{display_value(text)}”不是存在的日期",
                               reason="cell.date_impossible") from error
    raise BadValue(DATE_EXPECTED, f"“{display_value(text)}”无法识别为日期", reason="cell.date")


UNIT_MU = "亩"
UNIT_HECTARE = "公顷"
_UNITS = {
    "亩": UNIT_MU, "mu": UNIT_MU, "畝": UNIT_MU,
    "公顷": UNIT_HECTARE, "ha": UNIT_HECTARE, "hm2": UNIT_HECTARE, "hm²": UNIT_HECTARE,
    "hectare": UNIT_HECTARE, "hectares": UNIT_HECTARE,
}
UNIT_EXPECTED = "面积单位：亩 或 公顷"


def parse_unit(raw: Any) -> str:
    """Area unit 亩 or 公顷; blank means 亩 (SPEC 4)."""
    check_readable(raw)
    text = normalize_text(raw)
    if text is None:
        return UNIT_MU
    unit = _UNITS.get(text.lower())
    if unit is None:
        raise BadValue(UNIT_EXPECTED, f"“{display_value(text)}”不是可识别的面积单位", reason="cell.unit")
    return unit


_NUMBER = re.compile(r"[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_UNIT_SUFFIX = re.compile(r"^(?P<number>.*?)\s*(?P<unit>亩|公顷|mu|ha|hm2|hm²)$", re.IGNORECASE)
NUMBER_EXPECTED = "数值（可含千位分隔符、全角数字）"
MAX_MAGNITUDE = Decimal(10) ** 12
"""Largest absolute value read (exclusive): no area, score or order comes near it."""
MAX_DECIMALS = 10
"""Most decimal places read: scores and areas are written with a few; more is a typing error."""


def _bounded(value: Decimal, shown: str) -> Decimal:
    """``value`` when it is finite, below MAX_MAGNITUDE and has at most MAX_DECIMALS places."""
    if not value.is_finite():
        raise BadValue(NUMBER_EXPECTED, f"“{shown}”不是有限数值", reason="cell.number")
    if abs(value) >= MAX_MAGNITUDE:
        raise BadValue(f"绝对值小于 {MAX_MAGNITUDE:,.0f} 的数值", f"“{shown}”超出可处理的数值范围",
                       reason="cell.out_of_range")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # 1E+3 → 1000
        return value.quantize(Decimal(1))
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        value = value.normalize()  # trailing zeros do not count
        if value.as_tuple().exponent < -MAX_DECIMALS:
            raise BadValue(f"最多 {MAX_DECIMALS} 位小数的数值", f"“{shown}”小数位数过多", reason="cell.decimals")
    return value


def parse_decimal(raw: Any) -> Decimal:
    """An exact decimal: full-width digits and thousands separators accepted.

    Excel numbers are read as Excel shows them (15 significant digits). Values of 10^12 or more,
    and values with more than 10 decimal places, are rejected as out of range.
    """
    check_readable(raw)
    if isinstance(raw, bool):
        raise BadValue(NUMBER_EXPECTED, f"“{raw}”不是数值", reason="cell.number")
    if isinstance(raw, int):
        return _bounded(Decimal(raw), str(raw))
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise BadValue(NUMBER_EXPECTED, f"“{raw}”不是有限数值", reason="cell.number")
        return _bounded(Decimal(format_float(raw)), format_float(raw))
    if isinstance(raw, Decimal):
        return _bounded(raw, str(raw))
    text = normalize_text(raw)
    if text is None:
        raise BadValue(NUMBER_EXPECTED, "数值为空", reason="cell.empty")
    text = text.replace("，", ",").replace(" ", "").replace("\u2212", "-")
    shown = display_value(text)
    if not _NUMBER.fullmatch(text):
        raise BadValue(NUMBER_EXPECTED, f"“{shown}”不是数值", reason="cell.number")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern already excludes this
        raise BadValue(NUMBER_EXPECTED, f"“{shown}”不是数值", reason="cell.number") from error
    return _bounded(value, shown)


def parse_area(raw: Any) -> tuple[Decimal, str | None]:
    """A non-negative area, optionally with its unit written in the cell (12.5亩, 3 公顷)."""
    check_readable(raw)
    unit = None
    text = normalize_text(raw) if not isinstance(raw, (int, float)) else None
    if text is not None:
        match = _UNIT_SUFFIX.match(text)
        if match:
            unit = parse_unit(match["unit"])
            raw = match["number"]
    value = parse_decimal(raw)
    if value < 0:
        raise BadValue("非负面积", f"面积 {value} 为负数", reason="cell.negative")
    return value, unit


_LEVELS = {
    "国家": LEVEL_NATIONAL, "国家级": LEVEL_NATIONAL, "部": LEVEL_NATIONAL, "部级": LEVEL_NATIONAL,
    "中央": LEVEL_NATIONAL, "national": LEVEL_NATIONAL,
    "省": LEVEL_PROVINCIAL, "省级": LEVEL_PROVINCIAL, "省厅": LEVEL_PROVINCIAL,
    "provincial": LEVEL_PROVINCIAL, "province": LEVEL_PROVINCIAL,
    "市": LEVEL_CITY, "市级": LEVEL_CITY, "设区市": LEVEL_CITY, "city": LEVEL_CITY,
    "县": "county", "县级": "county", "county": "county",
}
LEVEL_EXPECTED = "层级：国家(级)、省(级) 或 市(级)"


def parse_level(raw: Any) -> str:
    """Authority or document level: national, provincial, city (or county)."""
    return parse_choice(raw, _LEVELS, LEVEL_EXPECTED, what="层级")


def parse_choice(raw: Any, choices: dict[str, str], expected: str, what: str = "取值") -> str:
    """A value from a fixed vocabulary (ids or Chinese names, case-insensitive)."""
    check_readable(raw)
    text = normalize_text(raw)
    if text is None:
        raise BadValue(expected, f"{what}为空", reason="cell.empty")
    value = choices.get(text.lower())
    if value is None:
        raise BadValue(expected, f"“{display_value(text)}”不是可识别的{what}", reason="cell.choice")
    return value


def parse_positive_int(raw: Any) -> int:
    """A positive whole number (a recommendation order)."""
    value = parse_decimal(raw)
    if value != value.to_integral_value() or value < 1:
        raise BadValue("正整数", f"“{display_value(raw)}”不是正整数", reason="cell.integer")
    return int(value)


def parse_text(raw: Any) -> str | None:
    """Free text as typed (full-width punctuation kept), trimmed; blank → None."""
    check_readable(raw)
    if normalize_text(raw) is None:
        return None
    if isinstance(raw, str):
        return raw.replace("\u3000", " ").strip()
    return normalize_text(raw)


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕",
                           "{": "〔", "}": "〕", "［": "〔", "］": "〕", "（": "〔", "）": "〕",
                           "〖": "〔", "〗": "〕", "﹝": "〔", "﹞": "〕"})


def normalize_document_number(raw: Any) -> str:
    """Canonical 文号 for de-duplication (七(二)): NFKC, every bracket style → 〔〕, no spaces."""
    check_readable(raw)
    text = normalize_text(raw)
    if text is None:
        raise BadValue("文号，如 苏自然资函〔2024〕12号", "文号为空", reason="cell.empty")
    text = text.translate(_BRACKETS)
    return re.sub(r"\s+", "", text)


def choice_parser(choices: dict[str, str], expected: str) -> Callable[[Any], str]:
    """A reader of one column's fixed vocabulary (veto types, bonus kinds, decisions)."""
    def parse(raw: Any) -> str:
        return parse_choice(raw, choices, expected)
    return parse


def required_text(what: str, *, canonical: bool = False) -> Callable[[Any], str]:
    """A required text cell; ``canonical`` folds full-width forms (names, evaluators) for matching."""
    def parse(raw: Any) -> str:
        text = parse_text(raw)
        if canonical and text is not None:
            text = normalize_text(text)
        if text is None:
            raise BadValue(f"{what}（不能为空）", f"{what}为空", reason="cell.empty")
        return text
    return parse


def city_parser(cities: Iterable[str]) -> Callable[[Any], str]:
    """A reader of the province's city names, with or without their trailing 市."""
    known = set(cities)

    def parse(raw: Any) -> str:
        check_readable(raw)
        text = normalize_text(raw)
        if text is None:
            raise BadValue("设区市名称", "设区市为空", reason="cell.empty")
        for name in (text, text + "市"):
            if name in known:
                return name
        raise BadValue("设区市名称，如 南京市", f"“{display_value(text)}”不是本省设区市", reason="cell.city")
    return parse
