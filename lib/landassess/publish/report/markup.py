"""The report's HTML building blocks: escaped tables, number formats and sections.

Every input string goes through ``html.escape``; every fragment masks phone numbers and each
section scrubs the year's declared contact values (:mod:`.privacy`).
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.report.privacy import mask_phone_numbers, personal_values, scrub_personal_values
from landassess.rules.scoring import round_half_up

NOTICE_TITLE = "《江苏省土地执法模范县（市、区）创建活动方案》（江苏省自然资源厅，2022年1月14日）"
DEMO_BANNER = "演示数据，非真实评估结果（虚构数字，真实地名）"


class HTMLFragment:
    """A piece of HTML that Jupyter displays as rich output; phone numbers are always masked."""

    def __init__(self, markup: str, keep: tuple[str, ...] = ()):
        self.markup = mask_phone_numbers(markup, keep)

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, *, empty: str = "（无）", row_classes: list[str] | None = None) -> str:
    """An HTML table with every header and cell escaped; optional CSS class per row."""
    if frame.empty:
        return f'<p class="la-note">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    classes = row_classes or [""] * len(frame)
    body = []
    for cls, row in zip(classes, frame.itertuples(index=False), strict=True):
        cells = "".join(f"<td>{_e(x)}</td>" for x in row)
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return (f'<table class="la-table" data-columns="{len(frame.columns)}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


WIDE_COLUMNS = 9
"""A section with a table of this many columns or more prints on landscape A4 pages (report.css)."""


def _is_wide(markup: str) -> bool:
    return any(int(n) >= WIDE_COLUMNS for n in re.findall(r'data-columns="(\d+)"', markup))


def _pct(ratio: Fraction | None) -> str:
    if ratio is None:
        return "∞（新增建设用地占用耕地为0而违法占用耕地>0）"
    if isinstance(ratio, float) and pd.isna(ratio):
        return ""
    return f"{round_half_up(Fraction(ratio) * 100, 4)}%"


def _num(value: Decimal | Fraction | None, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(round_half_up(value, decimals)) if isinstance(value, Fraction) else f"{value.normalize():f}"


def _share_pct(share: Decimal) -> str:
    """0.4 → 40%, 0.35 → 35%."""
    return f"{(share * 100).normalize():f}%"


def decimals_zh(decimals: int) -> str:
    """``scoring.score_decimals`` in words: 2 → 两位小数 (the notice's usual reading), 1 → 1 位小数, 0 → 整数."""
    if decimals == 2:
        return "两位小数"
    return "整数" if decimals == 0 else f"{decimals} 位小数"


def _source_zh(source: str) -> str:
    """A parameter's source for the reader: "assumption" becomes a Chinese note."""
    return source.replace("assumption", "假设（方案未规定）") if source else ""


def _section(anchor: str, title: str, body: str, a: Assessment | None = None,
             keep: tuple[str, ...] = ()) -> HTMLFragment:
    """A report section; the declared contact values of ``a`` are scrubbed, phones masked."""
    markup = f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'
    if _is_wide(body):
        markup = f'<div class="la-wide">{markup}</div>'  # printed on landscape pages (report.css)
    if a is not None:
        markup = scrub_personal_values(markup, personal_values(a))
    return HTMLFragment(markup, keep)


def _name(assessment: Assessment, code: str) -> str:
    return assessment.divisions.name_of().get(code, code)


def with_names(assessment: Assessment, text: str) -> str:
    """``text`` with each six-digit division code replaced by the division's name (tie explanations)."""
    names = assessment.divisions.name_of()
    return re.sub(r"(?<!\d)(\d{6})(?!\d)", lambda m: names.get(m.group(1), m.group(1)), text)

