"""Parameter errors and their Chinese wording: :class:`ParamsError`, short values, dotted keys.

Every invalid parameter file or value is a :class:`ParamsError` whose Chinese message names the
file and, where there is one, the dotted key (``tiers.model.quota``).
"""

from __future__ import annotations

import datetime as dt
import reprlib
from decimal import Decimal
from typing import Any

from landassess.problems import InputError


class ParamsError(InputError, ValueError):
    """Parameters that cannot be read or do not validate; the message is in Chinese."""


_REPR = reprlib.Repr()
_REPR.maxstring = 40
_REPR.maxother = 40
_REPR.maxlong = 40
_REPR.maxlevel = 1


def short_value(value: Any) -> str:
    """A short, bounded rendering of a value for a message."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return _REPR.repr(value)


def clip_text(text: str, limit: int = 160) -> str:
    """``text`` cut to ``limit`` characters (with …), for a message quoting a parser's words."""
    return text if len(text) <= limit else text[:limit] + "…"


def type_name_zh(value: Any) -> str:
    """The kind of a YAML value in Chinese (文本, 数值, 列表 …), for "得到…" in a message."""
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


def dotted_key(path: tuple[Any, ...]) -> str:
    """``('rubric', 'dimensions', 0, 'id')`` → ``rubric.dimensions[0].id``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_MESSAGES = {
    "extra_forbidden": "未知参数",
    "missing": "缺少必需的参数",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "dict_type": "应为键值映射",
    "model_type": "应为键值映射",
    "model_attributes_type": "应为键值映射",
    "tuple_type": "应为列表",
    "list_type": "应为列表",
    "finite_number": "应为有限数值",
}


def error_message_zh(item: dict[str, Any]) -> str:
    """One pydantic validation error in Chinese, with the value it got where that helps."""
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
        text += f"，得到{type_name_zh(value)}" if isinstance(value, (dict, list, tuple)) else f"，得到 {short_value(value)}"
    return text
