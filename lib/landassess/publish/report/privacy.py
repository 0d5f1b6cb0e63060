"""Personal data in the shared report (SPEC 4): phone masking, declared contacts scrubbed, problems shared safely.

Contacts and phones are never shown: every fragment masks phone-shaped numbers, each section
scrubs the contact values declared this year, and a problem in the declarations table quotes its
cell only for the columns that hold no personal data.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import veto_descriptions
from landassess.vocabulary import DECISIONS, SEVERITY_ZH, STATUS_ZH, TABLE_ZH, TIER_ZH

# The last line of defence (SPEC 4: contact details never appear in a shared report): anything
# shaped like a Chinese mobile or landline number is masked in every fragment. Runs of 24 or more
# hex digits (sha256 values, commit ids) are matched first and left alone, and a number is only
# masked when no digit touches it, so county codes, dates, scores, document numbers and hashes
# survive.
_SEP = r"[\s\-\u2010-\u2015\uff0d.]"  # space, hyphens and dashes (also full-width), dots
_PHONE = re.compile(
    r"(?P<hex>[0-9A-Fa-f]{24,})"
    rf"|(?P<mobile>(?<!\d)(?:[+＋]?(?:00)?[8８][6６]{_SEP}*)?(?P<m>[1１][3-9３-９]\d(?:{_SEP}?\d){{8}})(?!\d))"
    rf"|(?P<land>(?<!\d)(?:[+＋]?(?:00)?[8８][6６]{_SEP}*)?(?:[(（][0０]\d{{2,3}}[)）]|[0０]\d{{2,3}}){_SEP}?"
    rf"\d{{3,4}}{_SEP}?\d{{4}}(?:{_SEP}?\d)?(?!\d))")
PHONE_MASK = "［已隐去电话号码］"
HIDDEN_VALUE = "［已隐去］"


def mask_phone_numbers(text: str, keep: tuple[str, ...] = ()) -> str:
    """``text`` with phone-shaped numbers masked: 13812345678 → 138****5678, landlines → ［已隐去电话号码］.

    A match that is part of one of the ``keep`` strings (the published draw seed) is kept.
    """

    def replace(match: re.Match) -> str:
        found = match.group()
        if match.group("hex") or any(found in k for k in keep if k):
            return found
        if match.group("mobile"):
            digits = re.sub(r"\D", "", match.group("m"))
            return f"{digits[:3]}****{digits[-4:]}"
        return PHONE_MASK

    return _PHONE.sub(replace, text)



_PROTECTED_WORDS = (
    "评审委员会", "省厅", "自然资源", "未填写", "概览", "公示名单与排名", "一票否决", "推荐名额", "评分", "加分",
    "实地查验与异议", "数据问题", "逐县说明", "假设与口径", "溯源", "县级代码", "县（市、区）", "设区市", "名次",
    "总分", "基础得分", "状态", "说明", "文件", "应为", "单元格", "级别", "结论", "理由", "决定人", "日期",
)
"""Report wording a contact value is never scrubbed from (a hostile contact must not deface the report)."""


def personal_values(a: Assessment) -> tuple[str, ...]:
    """The contact and phone values declared this year, as they may appear in the report.

    Only values that cannot be confused with report wording: at least two characters, a phone
    with at least five digits, a contact with a letter or CJK character and not part of a
    division or city name, a status or a title. Longest first (a value inside another is
    scrubbed with it).
    """
    table = a.inputs.tables.get("declarations")
    if table is None:
        return ()
    vocabulary = [*a.divisions.name_of().values(), *a.divisions.cities, *STATUS_ZH.values(),
                  *TIER_ZH.values(), *DECISIONS.values(), *TABLE_ZH.values(), *SEVERITY_ZH.values(),
                  *veto_descriptions(a.params).values(), *_PROTECTED_WORDS]
    found: set[str] = set()
    for column in ("contact", "phone"):
        if column not in table:
            continue
        for value in table[column].dropna():
            text = str(value).strip()
            if len(text) < 2:
                continue
            if column == "phone" or not re.search(r"[^\W\d_]", text):
                if sum(ch.isdigit() for ch in text) >= 7:
                    found.add(text)
                continue
            if any(text in word for word in vocabulary):
                continue
            found.add(text)
    return tuple(sorted(found, key=lambda t: (-len(t), t)))


def scrub_personal_values(markup: str, values: tuple[str, ...]) -> str:
    """Replace every declared contact/phone value in the text of ``markup`` (not in its tags).

    Hex runs (hashes) are left whole, and a value that starts or ends with a digit is not
    matched inside a longer number.
    """
    if not values:
        return markup
    alternatives = []
    for value in values:
        escaped = re.escape(html.escape(value))
        before = r"(?<!\d)" if value[0].isdigit() else ""
        after = r"(?!\d)" if value[-1].isdigit() else ""
        alternatives.append(before + escaped + after)
    pattern = re.compile(r"(?P<hex>[0-9A-Fa-f]{24,})|(?P<value>" + "|".join(alternatives) + ")")

    def text_node(match: re.Match) -> str:
        return pattern.sub(lambda m: m.group() if m.group("hex") else HIDDEN_VALUE, match.group())

    return re.sub(r"(?<=>)[^<]+|^[^<]+", text_node, markup)



_SHAREABLE_DECLARATION_COLUMNS = frozenset({
    "code", "name", "city", "declared_on", "self_illegal_cultivated_area", "self_construction_cultivated_area"})
"""Declarations columns whose cell values a shared report may quote; contact, phone, the unit and
any column that is not one of these (unknown, header-less, a title row) may hold personal data."""


def _declaration_column(label: str) -> str | None:
    from landassess.intake import TABLES, map_header

    return map_header(TABLES["declarations"], [label]).get(0) if label else None


def shareable_value_and_message(table: str, column: str, value: str, message: str) -> tuple[str, str]:
    """A problem's value and message as a shared report may show them (personal data hidden).

    A problem in the declarations table quotes its cell (in 值 and in its message) only for the
    columns of :data:`_SHAREABLE_DECLARATION_COLUMNS`; otherwise the value, and anything the
    message quotes (a formula, a shortened value), is replaced by ［已隐去］. problems.csv, for the
    evaluators, keeps them.
    """
    value, message = value or "", message or ""
    if table != "declarations" or not value or _declaration_column(column) in _SHAREABLE_DECLARATION_COLUMNS:
        return value, message
    message = re.sub(r"“[^”]*”", "“" + HIDDEN_VALUE + "”", message.replace(value, HIDDEN_VALUE))
    return HIDDEN_VALUE, message


def shareable_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems table as the shared report shows it (see :func:`shareable_value_and_message`)."""
    out = problems.copy()
    for index, row in out.iterrows():
        out.at[index, "value"], out.at[index, "message"] = shareable_value_and_message(
            row["table"], row["column"], row["value"], row["message"])
    return out

