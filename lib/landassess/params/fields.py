"""The base of every parameter model and the readers of its numbers (SPEC 3).

Frozen pydantic models that reject unknown keys and control characters; numbers read as exact
decimals, finite and sane.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from landassess.names import control_characters
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
