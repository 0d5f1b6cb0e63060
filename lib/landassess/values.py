"""Tolerant readers for single cell values, as people type them (SPEC 4).

Each reader takes one raw cell (text, number, date or None) and returns the typed value, or
raises :class:`BadValue` carrying what was expected, in Chinese. ``None`` means the cell is blank.
Readers are pure and are applied once per distinct raw value of a column (see ``intake``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any


class BadValue(ValueError):
    """A cell that cannot be read; ``expected`` says what would have been accepted."""

    def __init__(self, expected: str, message: str | None = None):
        super().__init__(message or expected)
        self.expected = expected
        self.message = message


def normalize_text(raw: Any) -> str | None:
    """Cell as text: NFKC (full-width → half-width), trimmed; blank → None."""
    if raw is None:
        return None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        text = repr(raw) if not raw.is_integer() else str(int(raw))
    elif isinstance(raw, (dt.datetime, dt.date)):
        text = raw.isoformat()
    else:
        text = str(raw)
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ").strip()
    return text or None


def is_blank(raw: Any) -> bool:
    return normalize_text(raw) is None


_CODE = re.compile(r"\d{6}")


def parse_code(raw: Any) -> str:
    """A 6-digit division code, as text or as an Excel number (320102 or 320102.0)."""
    text = normalize_text(raw)
    if text is None:
        raise BadValue("6位县级行政区划代码", "县级代码为空")
    if re.fullmatch(r"\d{6}\.0+", text):
        text = text.split(".")[0]
    if not _CODE.fullmatch(text):
        raise BadValue("6位县级行政区划代码", f"“{text}”不是6位区划代码")
    return text


_TRUE = {"是", "y", "yes", "true", "t", "1", "√", "✓", "对", "已查实", "通过", "成立"}
_FALSE = {"否", "n", "no", "false", "f", "0", "×", "✗", "错", "未查实", "不通过", "不成立"}


def parse_bool(raw: Any) -> bool:
    """是/否, Y/N, yes/no, true/false, 1/0 (Excel booleans too)."""
    if isinstance(raw, bool):
        return raw
    text = normalize_text(raw)
    if text is None:
        raise BadValue("是/否", "是/否 为空")
    key = text.lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue("是/否（或 Y/N、true/false、1/0）", f"“{text}”不是 是/否")


_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?: 00:00(?::00)?)?"),
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
)
DATE_EXPECTED = "日期，如 2024-03-05、2024/3/5 或 2024年3月5日"


def parse_date(raw: Any) -> dt.date:
    """Excel date cells, 2024-03-05, 2024/3/5, 2024年3月5日 (and 2024.3.5)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = normalize_text(raw)
    if text is None:
        raise BadValue(DATE_EXPECTED, "日期为空")
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError as error:
                raise BadValue(DATE_EXPECTED, f"“{text}”不是存在的日期") from error
    raise BadValue(DATE_EXPECTED, f"“{text}”无法识别为日期")


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
    text = normalize_text(raw)
    if text is None:
        return UNIT_MU
    unit = _UNITS.get(text.lower())
    if unit is None:
        raise BadValue(UNIT_EXPECTED, f"“{text}”不是可识别的面积单位")
    return unit


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_UNIT_SUFFIX = re.compile(r"^(?P<number>.*?)\s*(?P<unit>亩|公顷|mu|ha|hm2|hm²)$", re.IGNORECASE)
NUMBER_EXPECTED = "数值（可含千位分隔符、全角数字）"


def parse_decimal(raw: Any) -> Decimal:
    """An exact decimal: full-width digits and thousands separators accepted."""
    if isinstance(raw, bool):
        raise BadValue(NUMBER_EXPECTED, f"“{raw}”不是数值")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise BadValue(NUMBER_EXPECTED, f"“{raw}”不是有限数值")
        return Decimal(repr(raw))
    text = normalize_text(raw)
    if text is None:
        raise BadValue(NUMBER_EXPECTED, "数值为空")
    text = text.replace("，", ",").replace(" ", "")
    if not _NUMBER.fullmatch(text):
        raise BadValue(NUMBER_EXPECTED, f"“{text}”不是数值")
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern already excludes this
        raise BadValue(NUMBER_EXPECTED, f"“{text}”不是数值") from error


def parse_area(raw: Any) -> tuple[Decimal, str | None]:
    """A non-negative area, optionally with its unit written in the cell (12.5亩, 3 公顷)."""
    unit = None
    text = normalize_text(raw) if not isinstance(raw, (int, float)) else None
    if text is not None:
        match = _UNIT_SUFFIX.match(text)
        if match:
            unit = parse_unit(match["unit"])
            raw = match["number"]
    value = parse_decimal(raw)
    if value < 0:
        raise BadValue("非负面积", f"面积 {value} 为负数")
    return value, unit


LEVEL_NATIONAL, LEVEL_PROVINCIAL, LEVEL_CITY = "national", "provincial", "city"
LEVEL_ZH = {LEVEL_NATIONAL: "国家级", LEVEL_PROVINCIAL: "省级", LEVEL_CITY: "市级", "county": "县级"}
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
    text = normalize_text(raw)
    if text is None:
        raise BadValue(LEVEL_EXPECTED, "层级为空")
    level = _LEVELS.get(text.lower())
    if level is None:
        raise BadValue(LEVEL_EXPECTED, f"“{text}”不是可识别的层级")
    return level


def parse_choice(raw: Any, choices: dict[str, str], expected: str) -> str:
    """A value from a fixed vocabulary (ids or Chinese names, case-insensitive)."""
    text = normalize_text(raw)
    if text is None:
        raise BadValue(expected, "取值为空")
    value = choices.get(text.lower())
    if value is None:
        raise BadValue(expected, f"“{text}”不是可识别的取值")
    return value


def parse_positive_int(raw: Any) -> int:
    """A positive whole number (a recommendation order)."""
    value = parse_decimal(raw)
    if value != value.to_integral_value() or value < 1:
        raise BadValue("正整数", f"“{normalize_text(raw)}”不是正整数")
    return int(value)


def parse_text(raw: Any) -> str | None:
    """Free text, normalised; blank → None."""
    return normalize_text(raw)


_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕",
                           "{": "〔", "}": "〕", "［": "〔", "］": "〕", "（": "〔", "）": "〕",
                           "〖": "〔", "〗": "〕", "﹝": "〔", "﹞": "〕"})


def normalize_document_number(raw: Any) -> str:
    """Canonical 文号 for de-duplication (七(二)): NFKC, every bracket style → 〔〕, no spaces."""
    text = normalize_text(raw)
    if text is None:
        raise BadValue("文号，如 苏自然资函〔2024〕12号", "文号为空")
    text = text.translate(_BRACKETS)
    return re.sub(r"\s+", "", text)
