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
    """A piece of HTML that Jupyter displays as rich output; phone numbers are always masked.

    Then, in table cells and list items, codes, clauses, dates and numbers are kept whole
    (:func:`keep_tokens_whole`).
    """

    def __init__(self, markup: str, keep: tuple[str, ...] = ()):
        self.markup = keep_tokens_whole(mask_phone_numbers(markup, keep))

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


# Issue 19: in print a code, a clause, a date, a document number, a file name, a cell or a number
# never breaks inside itself (32011/6, 七(一)/3). Longest forms first; a run of hex digits (a
# sha256) is never one of them and may still break anywhere (it is not kept whole).
_UNBREAKABLE = re.compile(
    r"(?<!\d)\d{3}\*{4}\d{4}(?!\d)"  # a masked mobile number, 138****5678 (privacy.PHONE masking)
    r"|(?:[\w\-.]{1,30}/){0,2}[\w\-.]{1,40}\.(?:csv|xlsx|xls|yaml|yml|json|docx|pdf|ipynb)(?![\w])"  # files
    r"|[\w]{1,31}!\$?[A-Z]{1,3}\$?\d{1,7}(?![\w])"  # sheet!cell
    r"|[\u4e00-\u9fff]{0,10}[〔［\[]\d{4}[〕］\]]\s?\d{1,6}\s?号"  # document numbers: 苏自然资函〔2024〕901号
    r"|[一二三四五六七八九十]{1,3}[(（][一二三四五六七八九十]{1,3}[)）](?:\d{1,2}(?:[、，]\d{1,2})*)?"  # clauses
    r"|(?<![0-9A-Za-z])\d{4}(?:-\d{1,2}-\d{1,2}(?:T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2})?)?"
    r"|/\d{1,2}/\d{1,2}|年\d{1,2}月(?:\d{1,2}日)?)(?![0-9A-Za-z])"  # dates
    r"|第\s?\d{1,7}\s?(?:行|名|页|号|项|顺位|版)"  # 第24行
    r"|(?<![0-9A-Za-z.])[-+−]?\d{1,15}(?:[.,]\d{1,15})*(?:\s?(?:%|‰|亩|公顷|分|项|个|人))?(?![0-9A-Za-z])")
NOWRAP_CELL_CHARS = 6
"""A table cell of at most this many characters (状态 一票否决, a county's name) is kept on one line."""
_TAG = re.compile(r"(<[^>]*>)")
_WHOLE_IN = ("td", "th", "li")
"""Elements whose text gets its codes, clauses, dates and numbers kept whole (not <pre>, not headings)."""


def keep_tokens_whole(markup: str) -> str:
    """``markup`` with the codes, clauses, dates and numbers of its table cells and list items kept whole.

    Each code, clause, date, document number, file name, cell and number is wrapped in
    ``<span class="la-nowrap">``, so that it never breaks across lines (report.css). Run on finished markup, after phone masking and contact scrubbing (a span must never split
    what those look for); text in ``<pre>`` and in spans already kept whole is left alone.
    """
    parts = _TAG.split(markup)
    open_in = {"td": 0, "th": 0, "li": 0, "pre": 0}
    whole = 0  # open elements already kept whole: a <td class="la-nowrap">, a <span class="la-nowrap">
    spans: list[bool] = []  # for each open <span>: is it kept whole?
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag, closing, is_whole = (name.group(1).lower() if name else ""), part.startswith("</"), "la-nowrap" in part
            if tag == "span":
                spans.append(is_whole) if not closing else spans and spans.pop()
            elif tag in open_in:
                open_in[tag] = max(0, open_in[tag] + (-1 if closing else 1))
                if tag in ("td", "th"):
                    whole = 0 if closing else int(is_whole)
            continue
        if part and not whole and not any(spans) and not open_in["pre"] and any(open_in[t] for t in _WHOLE_IN):
            parts[i] = _UNBREAKABLE.sub(lambda m: f'<span class="la-nowrap">{m.group()}</span>', part)
    return "".join(parts)


def _cell(tag: str, value: object) -> str:
    """One table cell, escaped; kept whole on one line when short or a single code, clause, date or number."""
    text = _e(value) and str(value)
    if text and "\n" not in text and (len(text) <= NOWRAP_CELL_CHARS or _UNBREAKABLE.fullmatch(text)):
        return f'<{tag} class="la-nowrap">{html.escape(text)}</{tag}>'
    return f"<{tag}>{html.escape(text)}</{tag}>"


def _table(frame: pd.DataFrame, *, empty: str = "（无）", row_classes: list[str] | None = None) -> str:
    """An HTML table with every header and cell escaped; optional CSS class per row.

    A short cell, or one holding a single code, clause, date or number, is kept on one line; in a
    longer cell each of them is kept whole by :class:`HTMLFragment` (:func:`keep_tokens_whole`).
    """
    if frame.empty:
        return f'<p class="la-note">{_e(empty)}</p>'
    head = "".join(_cell("th", c) for c in frame.columns)
    classes = row_classes or [""] * len(frame)
    body = []
    for cls, row in zip(classes, frame.itertuples(index=False), strict=True):
        cells = "".join(_cell("td", x) for x in row)
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

