"""Word drafts of the 公示 announcement and the 表彰通报 (SPEC 7.4, 8.4), 公文 per GB/T 9704-2012.

Staff edit these drafts rather than retype them. The page and every part of a 公文 — 版头 (red
发文机关标志, 发文字号, red separator line), 主体 (title, 主送机关, body, 附件说明, 署名 centred over
the 成文日期 with room for the seal) and 版记 (抄送, 印发机关 and 印发日期 between separator lines) —
come from :mod:`landassess.publish.gbt9704`; this module decides what they say. The 公示公告 carries
its list as 附件 (a table: 序号, 设区市, 县（市、区）, 拟命名称号, 备注); the 表彰通报 lists the final
titles in its body.

What they list (SPEC 7.3: a list meant for people shows the current status):

- 公示公告: the units whose current status is 模范 or 先进, by title (模范 first), within a title
  in the official city order (the order of the reference list's city codes, then by county
  code). Units 并列待定 are listed in a separate section as pending (they are on the 公示名单 too,
  so the public sees the same list); a disqualified unit (取消资格) is never listed.
- 表彰通报 (a finalised year only): the final 模范/先进 after verification; disqualified units are
  left out and nobody moves up (不再增补). Units still 并列待定 are not named; a bracketed note asks
  the editor to settle them.

The issuer, 发文字号, the two 成文日期 (``issue_date`` for the 公示, ``notice_date`` for the 通报),
主送机关, 抄送, 印发机关 and 印发日期, 公示期 and the objection channel come from the ``documents``
parameters; an unset one is a 【placeholder】 to fill in, and a parameter's own closing punctuation
never doubles the sentence's. Nothing here reads the scores of single evaluators or
any contact data of the counties: the drafts hold names, cities and titles only.

This module builds the bytes from the year's facts; ``landassess.run.documents`` reads them from
the year folder and writes the files (publish never writes into a year folder by itself).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from landassess.params.models import Documents
from landassess.publish import gbt9704 as gw
from landassess.publish.gbt9704 import LIST_STYLE, PENDING_STYLE, PLACEHOLDER, clause, date_zh
from landassess.vocabulary import STATUS_ZH, TIER_ZH

DEMO_MARK = "【演示数据，非真实评估结果】"
ANNOUNCEMENT, COMMENDATION = "公示公告.docx", "表彰通报.docx"
PLAN = "《江苏省土地执法模范县（市、区）创建活动方案》"
UNITS = "县（市、区）"
TITLES = (("model", "模范"), ("advanced", "先进"))
NUMERALS = "一二三四五六七八九十"
__all__ = ["ANNOUNCEMENT", "COMMENDATION", "DEMO_MARK", "LIST_STYLE", "PENDING_STYLE", "PLACEHOLDER", "YearFacts",
           "announcement_bytes", "commendation_bytes", "current_title", "date_zh", "document_texts", "issuer_line",
           "publicity_period"]


def publicity_period(settings: Documents) -> str:
    """The 公示期: both dates, or the placeholder while either is unset."""
    if settings.publicity_start and settings.publicity_end:
        return f"{date_zh(settings.publicity_start, '')}至{date_zh(settings.publicity_end, '')}"
    return PLACEHOLDER["publicity"]


def issuer_line(settings: Documents) -> str:
    """The issuer line of 公示名单.xlsx: issuer, date and 公示期, placeholders where unset."""
    return (f"发布单位：{settings.issuer or PLACEHOLDER['issuer']}　　"
            f"发布日期：{date_zh(settings.issue_date, PLACEHOLDER['issue_date'])}　　"
            f"公示期：{publicity_period(settings)}")


def current_title(status: str, tier: object, pending_between: str = "") -> str:
    """What a list meant for people shows for a ranked unit: its current status (SPEC 7.3).

    模范/先进 only for a unit whose status is ``model``/``advanced``; a disqualified unit shows
    取消资格 (never its provisional title), a pending tie 并列待定, anything else its status.
    """
    if status in ("model", "advanced"):
        return TIER_ZH[status]
    if status == "tie_pending":
        return "并列待定（" + pending_between + "）" if pending_between else "并列待定"
    return STATUS_ZH[status]


@dataclass(frozen=True)
class YearFacts:
    """What a draft needs of a year: its results.csv, the official city order and its settings."""

    year: int
    results: pd.DataFrame
    cities: list[str]
    settings: Documents
    is_demo: bool = False


def official_order(frame: pd.DataFrame, cities: list[str]) -> pd.DataFrame:
    """Rows in the official city order (reference list), then by county code."""
    rank = {city: i for i, city in enumerate(cities)}
    key = [(rank.get(city, len(rank)), code) for city, code in zip(frame["city"], frame["code"], strict=True)]
    order = sorted(range(len(frame)), key=lambda i: key[i])
    return frame.iloc[order].reset_index(drop=True)


def titled_units(facts: YearFacts) -> dict[str, pd.DataFrame]:
    """Title → the units whose current status is that title, in the official city order."""
    results = facts.results
    return {tier: official_order(results[results["status"] == tier], facts.cities) for tier, _ in TITLES}


def pending_units(facts: YearFacts) -> pd.DataFrame:
    """The units 并列待定 (a tie across a title line, awaiting the committee), in city order."""
    return official_order(facts.results[facts.results["status"] == "tie_pending"], facts.cities)


def unit_label(row) -> str:
    """How a unit is named in a draft: city and county (两个鼓楼区 stay apart), e.g. 无锡市江阴市."""
    return f"{row.city}{row.name}"


# ----------------------------------------------------------------------------- the two drafts


def _count_line(units: dict[str, pd.DataFrame], year: int) -> str:
    return "，".join(f"{len(units[tier])}个{UNITS}为{year}年度江苏省土地执法{zh}{UNITS}" for tier, zh in TITLES)


def _section_heading(document, number: int, text: str) -> None:
    gw.paragraph(document, f"{NUMERALS[number - 1]}、{text}", font=gw.HEADING_FONT)


def _list(document, units: pd.DataFrame, style: str) -> None:
    if units.empty:
        gw.paragraph(document, "（无）", style=style)
    for row in units.itertuples(index=False):
        gw.paragraph(document, unit_label(row), style=style)


def announcement_list(facts: YearFacts) -> list[list[str]]:
    """The 公示's 附件 rows: 序号, 设区市, 县（市、区）, 拟命名称号, 备注 — 模范, 先进, then the pending ties."""
    units, pending = titled_units(facts), pending_units(facts)
    rows = [(row, f"土地执法{zh}{UNITS}", "") for tier, zh in TITLES for row in units[tier].itertuples(index=False)]
    rows += [(row, "待定", f"并列第{row.rank}名，待评审委员会决定" if row.rank else "待评审委员会决定")
             for row in pending.itertuples(index=False)]
    return [[str(number), row.city, row.name, title, note] for number, (row, title, note) in enumerate(rows, start=1)]


def announcement_bytes(facts: YearFacts) -> bytes:
    """公示公告.docx: the provisional list as it stands (附件), 公示期 and the objection channel."""
    year, settings = facts.year, facts.settings
    title = f"关于{year}年度江苏省土地执法模范{UNITS}和先进{UNITS}拟命名名单的公示"
    attachment = f"{year}年度江苏省土地执法模范{UNITS}和先进{UNITS}拟命名名单"
    units, pending = titled_units(facts), pending_units(facts)
    document = gw.new_document(DEMO_MARK if facts.is_demo else None)
    gw.masthead(document, settings.issuer, "", settings.gongshi_number)
    gw.title(document, title)
    gw.addressees(document, settings.addressees)
    gw.paragraph(document, f"根据{PLAN}，经县级申报、设区市推荐和省级评估，拟命名{_count_line(units, year)}，"
                           "现予以公示（名单见附件）。")
    if not pending.empty:
        gw.paragraph(document, f"另有{len(pending)}个单位总分并列且跨越称号名额界线，待评审委员会决定后确定称号，"
                               "决定结果另行公布（见附件“待定”）。")
    gw.paragraph(document, f"公示期为{publicity_period(settings)}。公示期间，将按{PLAN}对部分拟命名单位进行实地查验；"
                           "未通过查验或异议经查属实的，取消其命名资格，不再增补。")
    channel = clause(settings.objection_channel) if settings.objection_channel else PLACEHOLDER["objection_channel"]
    issuer = clause(settings.issuer) if settings.issuer else PLACEHOLDER["issuer"]
    gw.paragraph(document, f"公示期间，对上述拟命名单位有异议的，可通过以下方式向{issuer}反映：{channel}。"
                           "反映情况应实事求是、具体详实；以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名。")
    gw.attachment_note(document, [attachment])
    gw.signature(document, settings.issuer, settings.issue_date)
    gw.attachment_page(document, "附件", attachment)
    gw.table(document, ["序号", "设区市", UNITS, "拟命名称号", "备注"], announcement_list(facts), [16, 24, 30, 48, 38])
    gw.record(document, settings.cc, settings.printer, settings.print_date)
    return gw.docx_bytes(document, year, title)


def commendation_bytes(facts: YearFacts) -> bytes:
    """表彰通报.docx: the final 模范/先进 after verification; the disqualified are not named."""
    year, settings = facts.year, facts.settings
    title = f"关于命名{year}年度江苏省土地执法模范{UNITS}和先进{UNITS}的通报"
    units, pending = titled_units(facts), pending_units(facts)
    disqualified = int((facts.results["status"] == "disqualified").sum())
    document = gw.new_document(DEMO_MARK if facts.is_demo else None)
    gw.masthead(document, settings.issuer, "文件", settings.notice_number)
    gw.title(document, title)
    gw.addressees(document, settings.addressees)
    checked = f"另有{disqualified}个拟命名单位经实地查验或异议核查被取消命名资格，按规定不再增补。" if disqualified else ""
    gw.paragraph(document, f"根据{PLAN}，经县级申报、设区市推荐、省级评估、实地查验和社会公示，"
                           f"决定命名{_count_line(units, year)}。{checked}")
    gw.paragraph(document, "希望受到命名的单位珍惜荣誉，再接再厉，持续提升土地执法监管水平。各地要以先进为榜样，"
                           "严格落实耕地保护责任，依法依规加强土地执法监管，推动全省土地执法工作再上新台阶。")
    for number, (tier, zh) in enumerate(TITLES, start=1):
        _section_heading(document, number, f"土地执法{zh}{UNITS}（{len(units[tier])}个）")
        _list(document, units[tier], LIST_STYLE)
    if not pending.empty:
        gw.paragraph(document, f"【编辑说明：另有{len(pending)}个单位仍为并列待定，未列入本通报；"
                               "请待评审委员会决定并重新评估、定稿后再生成本通报，发文前删除本段。】")
    gw.signature(document, settings.issuer, settings.notice_date)
    gw.record(document, settings.cc, settings.printer, settings.print_date)
    return gw.docx_bytes(document, year, title)


def document_texts(data: bytes) -> Iterable[str]:
    """Every text of a .docx's XML parts (for checks: no phone numbers, no evaluator names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                yield archive.read(name).decode("utf-8")
