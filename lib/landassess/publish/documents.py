"""Word drafts of the 公示 announcement and the 表彰通报 (SPEC 7.4), laid out per GB/T 9704-2012.

Staff edit these drafts rather than retype them: A4, margins 37/35/28/26 mm, title 方正小标宋简体
二号 (22 pt), body 仿宋_GB2312 三号 (16 pt), headings 黑体, 22 lines × 28 characters (a document grid
and an exact line spacing of 28.95 pt), page numbers “— n —”. Fonts are referenced by name (the
East Asian name set through ``w:eastAsia``), never embedded: Word and WPS use the installed
official fonts.

What they list (SPEC 7.3: a list meant for people shows the current status):

- 公示公告: the units whose current status is 模范 or 先进, by title (模范 first), within a title
  in the official city order (the order of the reference list's city codes, then by county
  code). Units 并列待定 are listed in a separate section as pending (they are on the 公示名单 too,
  so the public sees the same list); a disqualified unit (取消资格) is never listed.
- 表彰通报 (a finalised year only): the final 模范/先进 after verification; disqualified units are
  left out and nobody moves up (不再增补). Units still 并列待定 are not named; a bracketed note asks
  the editor to settle them.

The issuer, dates, 公示期 and the objection channel come from the ``documents`` parameters; an
unset one is a 【placeholder】 to fill in. Nothing here reads the scores of single evaluators or
any contact data of the counties: the drafts hold names, cities and titles only.

This module builds the bytes from the year's facts; ``landassess.run.documents`` reads them from
the year folder and writes the files (publish never writes into a year folder by itself).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from landassess.params.models import Documents
from landassess.publish.workbooks import restamp_zip

DEMO_MARK = "【演示数据，非真实评估结果】"
TITLE_FONT, BODY_FONT, HEADING_FONT, PAGE_NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
TITLE_PT, BODY_PT, PAGE_NUMBER_PT = 22, 16, 14
LINE_PITCH_PT = 28.95
"""Exact line spacing: 22 lines in the 225 mm text area (GB/T 9704 7.1)."""
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LIST_STYLE, PENDING_STYLE = "名单", "待定名单"
"""Paragraph styles of the listed units (titled, pending): an editor can restyle them at once."""
ANNOUNCEMENT, COMMENDATION = "公示公告.docx", "表彰通报.docx"
PLAN = "《江苏省土地执法模范县（市、区）创建活动方案》"
UNITS = "县（市、区）"
PLACEHOLDER = {
    "issuer": "【发文机关】", "issue_date": "【成文日期】", "publicity": "【公示期起止日期】",
    "objection_channel": "【异议受理电话、通信地址、电子邮箱】",
}
TITLES = (("model", "模范"), ("advanced", "先进"))
NUMERALS = "一二三四五六七八九十"


def date_zh(day: dt.date | None, placeholder: str) -> str:
    """2026年3月10日 (Arabic numerals, GB/T 9704 7.3.5.2); the placeholder when unset."""
    return f"{day.year}年{day.month}月{day.day}日" if day else placeholder


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


# ----------------------------------------------------------------------------- layout (GB/T 9704)


def _fonts(element, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Set the font of a run or style by name, the East Asian name included (``w:eastAsia``)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    if size is not None:
        rpr.sz_val = Pt(size)
    if bold is not None:
        rpr.b_val = bold


def _grid(section) -> None:
    """22 lines × 28 characters: the section's document grid (linePitch in twips, charSpace in 1/4096 pt)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    text_width_pt = (PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 72
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(round((text_width_pt / CHARS_PER_LINE - BODY_PT) * 4096)))


def _page_number(footer, align) -> None:
    """“— n —” in 宋体 四号 (GB/T 9704 7.5): a PAGE field between two dashes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
    for part in ("— ", None, " —"):
        run = paragraph.add_run(part or "1")
        _fonts(run._r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        if part is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), " PAGE ")
            run._r.addprevious(field)
            field.append(run._r)


def _document():
    """An empty A4 document with the margins, grid, styles and page numbers of GB/T 9704."""
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(28)
    _grid(section)
    normal = document.styles["Normal"]
    _fonts(normal.element, BODY_FONT, BODY_PT)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(LINE_PITCH_PT)
    layout.space_before = layout.space_after = Pt(0)
    layout.widow_control = True
    for name in (LIST_STYLE, PENDING_STYLE):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        _fonts(style.element, BODY_FONT, BODY_PT)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: right (空一字)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)  # even pages: left
    return document


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = BODY_PT, indent: bool = True,
               align=None, style: str | None = None, bold: bool | None = None, right_chars: int = 0):
    from docx.shared import Pt

    paragraph = document.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if indent and style is None:
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    if right_chars:
        paragraph.paragraph_format.right_indent = Pt(right_chars * BODY_PT)
    if text:
        _fonts(paragraph.add_run(text)._r, font, size, bold=bold)
    return paragraph


def _heading(document, title: str, demo: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if demo:
        _paragraph(document, DEMO_MARK, font=HEADING_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, title, font=TITLE_FONT, size=TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "", indent=False)  # 标题下空一行


def _section_heading(document, number: int, text: str) -> None:
    _paragraph(document, f"{NUMERALS[number - 1]}、{text}", font=HEADING_FONT)


def _list(document, units: pd.DataFrame, style: str, suffix=lambda row: "") -> None:
    if units.empty:
        _paragraph(document, "（无）", style=style)
    for row in units.itertuples(index=False):
        _paragraph(document, unit_label(row) + suffix(row), style=style)


def _signature(document, settings: Documents) -> None:
    """Issuer and date, right-aligned (成文日期右空四字; the issuer above it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _paragraph(document, "", indent=False)
    _paragraph(document, "", indent=False)
    _paragraph(document, settings.issuer or PLACEHOLDER["issuer"], indent=False,
               align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _paragraph(document, date_zh(settings.issue_date, PLACEHOLDER["issue_date"]), indent=False,
               align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)


def _bytes(document, year: int, title: str) -> bytes:
    """The .docx bytes, the same for the same facts: fixed properties and zip entry dates."""
    stamp = dt.datetime(year + 1, 1, 1)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "landassess"
    properties.title, properties.revision = title, 1
    properties.created = properties.modified = stamp
    properties.last_printed = stamp
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/thumbnail"):
            del package.rels[key]  # the template's thumbnail of an empty page
    raw = io.BytesIO()
    document.save(raw)
    return restamp_zip(raw.getvalue(), stamp)


# ----------------------------------------------------------------------------- the two drafts


def _count_line(units: dict[str, pd.DataFrame], year: int) -> str:
    return "，".join(f"{len(units[tier])}个{UNITS}为{year}年度江苏省土地执法{zh}{UNITS}" for tier, zh in TITLES)


def announcement_bytes(facts: YearFacts) -> bytes:
    """公示公告.docx: the provisional list as it stands, 公示期 and the objection channel."""
    year, settings = facts.year, facts.settings
    title = f"关于{year}年度江苏省土地执法模范{UNITS}和先进{UNITS}拟命名名单的公示"
    units, pending = titled_units(facts), pending_units(facts)
    document = _document()
    _heading(document, title, facts.is_demo)
    _paragraph(document, f"根据{PLAN}，经县级申报、设区市推荐和省级评估，拟命名{_count_line(units, year)}，现予以公示。")
    number = 0
    for tier, zh in TITLES:
        number += 1
        _section_heading(document, number, f"土地执法{zh}{UNITS}（{len(units[tier])}个）")
        _list(document, units[tier], LIST_STYLE)
    if not pending.empty:
        number += 1
        _section_heading(document, number, f"并列待定单位（{len(pending)}个）")
        _paragraph(document, "下列单位总分并列且跨越称号名额界线，待评审委员会决定后确定称号，决定结果另行公布：")
        _list(document, pending, PENDING_STYLE, lambda row: f"（并列第{row.rank}名）" if row.rank else "")
    _paragraph(document, f"公示期为{publicity_period(settings)}。公示期间，将按{PLAN}对部分拟命名单位进行实地查验；"
                         "未通过查验或异议经查属实的，取消其命名资格，不再增补。")
    _paragraph(document, f"公示期间，对上述拟命名单位有异议的，可通过以下方式向"
                         f"{settings.issuer or PLACEHOLDER['issuer']}反映："
                         f"{settings.objection_channel or PLACEHOLDER['objection_channel']}。"
                         "反映情况应实事求是、具体详实；以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名。")
    _signature(document, settings)
    return _bytes(document, year, title)


def commendation_bytes(facts: YearFacts) -> bytes:
    """表彰通报.docx: the final 模范/先进 after verification; the disqualified are not named."""
    year, settings = facts.year, facts.settings
    title = f"关于命名{year}年度江苏省土地执法模范{UNITS}和先进{UNITS}的通报"
    units, pending = titled_units(facts), pending_units(facts)
    disqualified = int((facts.results["status"] == "disqualified").sum())
    document = _document()
    _heading(document, title, facts.is_demo)
    _paragraph(document, "各设区市自然资源和规划局：", indent=False)
    checked = f"另有{disqualified}个拟命名单位经实地查验或异议核查被取消命名资格，按规定不再增补。" if disqualified else ""
    _paragraph(document, f"根据{PLAN}，经县级申报、设区市推荐、省级评估、实地查验和社会公示，"
                         f"决定命名{_count_line(units, year)}。{checked}")
    _paragraph(document, "希望受到命名的单位珍惜荣誉，再接再厉，持续提升土地执法监管水平。各地要以先进为榜样，"
                         "严格落实耕地保护责任，依法依规加强土地执法监管，推动全省土地执法工作再上新台阶。")
    for number, (tier, zh) in enumerate(TITLES, start=1):
        _section_heading(document, number, f"土地执法{zh}{UNITS}（{len(units[tier])}个）")
        _list(document, units[tier], LIST_STYLE)
    if not pending.empty:
        _paragraph(document, f"【编辑说明：另有{len(pending)}个单位仍为并列待定，未列入本通报；"
                             "请待评审委员会决定并重新评估、定稿后再生成本通报，发文前删除本段。】")
    _signature(document, settings)
    return _bytes(document, year, title)


def document_texts(data: bytes) -> Iterable[str]:
    """Every text of a .docx's XML parts (for checks: no phone numbers, no evaluator names)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                yield archive.read(name).decode("utf-8")
