"""The page and the parts of a 公文 per GB/T 9704-2012, for the Word drafts (SPEC 8.4).

A draft is built top to bottom with these pieces; :mod:`landassess.publish.documents` decides what
they say.

- **页面**: A4, margins 37/35/28/26 mm (天头 37 mm, 订口 28 mm), 22 lines × 28 characters (a document
  grid and an exact line spacing of 28.95 pt), 仿宋_GB2312 三号 (16 pt) body, page numbers “— n —”
  in 宋体 四号, right on odd pages and left on even ones (7.5).
- **版头** (7.2): the 发文机关标志 centred in red 方正小标宋简体, two empty lines, the 发文字号 centred,
  then the red separator line the width of the text area (a red bottom border, 4 pt).
- **主体** (7.3): the title in 方正小标宋简体 二号 centred, an empty line, the 主送机关 flush left ending
  in a full-width colon, the body, the 附件说明 (“附件：…” indented two characters), then — after
  three empty lines for the 印章 — the 发文机关署名 centred over the 成文日期, the date right-aligned
  with four characters of space (7.3.5.1); when the 署名 is the longer, it keeps two characters of space
  and the date is centred under it.
- **附件** (7.3.6, 7.4): a new page, “附件” in 黑体 flush left, the attachment's title centred.
- **版记** (7.4): 抄送 and the 印发机关/印发日期 line between separator lines — the first and last thick
  (0.35 mm), the one between thin (0.25 mm) — as a borderless table the width of the text area.

An unset parameter is a visible 【placeholder】 (:data:`PLACEHOLDER`). Fonts are referenced by name
(the East Asian name through ``w:eastAsia``), never embedded.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

from landassess.publish.workbooks import restamp_zip

TITLE_FONT, BODY_FONT, HEADING_FONT, PAGE_NUMBER_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
TITLE_PT, BODY_PT, PAGE_NUMBER_PT, MARK_PT, RECORD_PT = 22, 16, 14, 36, 14
LINE_PITCH_PT = 28.95
"""Exact line spacing: 22 lines in the 225 mm text area (GB/T 9704 7.1)."""
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
RED = "FF0000"
"""The 发文机关标志 and the separator line under the 版头 (GB/T 9704 7.2.3, 7.2.5)."""
LIST_STYLE, PENDING_STYLE = "名单", "待定名单"
"""Paragraph styles of the listed units (titled, pending): an editor can restyle them at once."""
PLACEHOLDER = {
    "issuer": "【发文机关】", "issue_date": "【成文日期】", "publicity": "【公示期起止日期】",
    "objection_channel": "【异议受理电话、通信地址、电子邮箱】", "number": "【发文字号】",
    "addressees": "【主送机关】", "cc": "【抄送机关】", "printer": "【印发机关】", "print_date": "【印发日期】",
}
_CLOSING = "。．.；;，,、：:！!？?"
"""Punctuation a parameter may end with; a sentence built around it drops it before its own."""


def date_zh(day: dt.date | None, placeholder: str = PLACEHOLDER["issue_date"]) -> str:
    """2026年3月10日 (Arabic numerals, GB/T 9704 7.3.5.2); the placeholder when unset."""
    return f"{day.year}年{day.month}月{day.day}日" if day else placeholder


def clause(text: str) -> str:
    """A parameter's text to be set inside a sentence: trailing punctuation and spaces removed."""
    return text.strip().rstrip(_CLOSING + " 　").strip()


def width(text: str) -> float:
    """Width in characters of the body font: full-width 1, half-width (digits, Latin) ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


# ----------------------------------------------------------------------------- runs, paragraphs, the page


def fonts(element, name: str, size: float | None = None, *, bold: bool | None = None, color: str | None = None) -> None:
    """Set the font of a run or style by name, the East Asian name included (``w:eastAsia``)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rpr = element.get_or_add_rPr()
    names = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        names.set(qn(attribute), name)
    if size is not None:
        rpr.sz_val = Pt(size)
    if bold is not None:
        rpr.b_val = bold
    if color is not None:
        rpr._remove_color()
        rpr._add_color().set(qn("w:val"), color)


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
        fonts(run._r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        if part is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), " PAGE ")
            run._r.addprevious(field)
            field.append(run._r)


def new_document(warning: str | None = None):
    """An A4 document with the margins, grid, styles and page numbers of GB/T 9704, empty but for ``warning``.

    ``warning`` (the demo mark) is the first line of the first page, above the 版头, in 黑体.
    """
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
    fonts(normal.element, BODY_FONT, BODY_PT)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(LINE_PITCH_PT)
    layout.space_before = layout.space_after = Pt(0)
    layout.widow_control = True
    for name in (LIST_STYLE, PENDING_STYLE):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        fonts(style.element, BODY_FONT, BODY_PT)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)  # odd pages: right (空一字)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)  # even pages: left
    if warning:
        paragraph(document, warning, font=HEADING_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    return document


def paragraph(document, text: str, *, font: str = BODY_FONT, size: float = BODY_PT, indent: bool = True,
              align=None, style: str | None = None, bold: bool | None = None, right_chars: float = 0,
              color: str | None = None):
    from docx.shared import Pt

    added = document.add_paragraph(style=style)
    if align is not None:
        added.alignment = align
    if indent and style is None:
        added.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    if right_chars:
        added.paragraph_format.right_indent = Pt(right_chars * BODY_PT)
    if text:
        fonts(added.add_run(text)._r, font, size, bold=bold, color=color)
    return added


def _off_grid(line) -> None:
    """A table paragraph not stretched to the page's character grid (``w:snapToGrid w:val=0``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    off = OxmlElement("w:snapToGrid")
    off.set(qn("w:val"), "0")
    line._p.get_or_add_pPr().insert_element_before(
        off, "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange")


def _border(paragraph_or_cell_pr, edge: str, size_eighths: int, color: str) -> None:
    """A single line on one edge of a paragraph (``w:pBdr``) or table cell (``w:tcBorders``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    paragraph_or_cell_pr.append(line)


# ----------------------------------------------------------------------------- the parts of a 公文


def masthead(document, issuer: str | None, mark_suffix: str, number: str | None) -> None:
    """版头: the 发文机关标志 in red, 发文字号, the red separator line (GB/T 9704 7.2)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    mark = paragraph(document, f"{issuer or PLACEHOLDER['issuer']}{mark_suffix}", font=TITLE_FONT, size=MARK_PT,
                     indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    mark.paragraph_format.line_spacing = Pt(MARK_PT * 1.5)
    paragraph(document, "", indent=False)
    paragraph(document, "", indent=False)
    line = paragraph(document, number or PLACEHOLDER["number"], indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    borders = OxmlElement("w:pBdr")
    _border(borders, "bottom", 32, RED)  # 4 pt: the red separator line under the 发文字号, the text area's width
    # In schema order (Word refuses a pPr whose children are out of order): before shd … jc.
    line._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange")


def title(document, text: str) -> None:
    """The title centred in 方正小标宋简体 二号, an empty line above (after the red line) and under it (7.3.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph(document, "", indent=False)
    paragraph(document, text, font=TITLE_FONT, size=TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "", indent=False)


def addressees(document, text: str | None) -> None:
    """主送机关: flush left, ending in one full-width colon whatever the parameter ends with (7.3.2)."""
    paragraph(document, f"{clause(text) if text else PLACEHOLDER['addressees']}：", indent=False)


def attachment_note(document, names: list[str]) -> None:
    """附件说明: “附件：” indented two characters; several attachments numbered (7.3.4)."""
    paragraph(document, "", indent=False)
    if len(names) == 1:
        paragraph(document, f"附件：{clause(names[0])}")
        return
    for number, name in enumerate(names, start=1):
        paragraph(document, f"{'附件：' if number == 1 else '　　　'}{number}．{clause(name)}")


def signature(document, issuer: str | None, day: dt.date | None) -> None:
    """印章 space, then the 署名 centred over the 成文日期, the date 右空四字 (7.3.5.1)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    name = clause(issuer) if issuer else PLACEHOLDER["issuer"]
    date = date_zh(day)
    for _ in range(3):  # the seal is pressed over the 署名 and date; three lines leave it room
        paragraph(document, "", indent=False)
    name_w, date_w = width(name), width(date)
    if name_w <= date_w + 4:
        name_right, date_right = 4 + (date_w - name_w) / 2, 4.0
    else:  # a long 署名: 右空二字, the date centred under it
        name_right, date_right = 2.0, 2 + (name_w - date_w) / 2
    paragraph(document, name, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=max(name_right, 0))
    paragraph(document, date, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=date_right)


def attachment_page(document, label: str, heading: str) -> None:
    """A new page: “附件” (or 附件1) in 黑体 flush left, then the attachment's title centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    paragraph(document, label, font=HEADING_FONT, indent=False)
    paragraph(document, "", indent=False)
    paragraph(document, heading, font=TITLE_FONT, size=TITLE_PT, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "", indent=False)


def table(document, header: list[str], rows: list[list[str]], widths_mm: list[float]):
    """A plain bordered table of the attachment, header row repeated on every page, 仿宋 四号."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    added = document.add_table(rows=1 + len(rows), cols=len(header))
    added.style = "Table Grid"
    added.alignment = WD_TABLE_ALIGNMENT.CENTER
    added.autofit = False  # the widths given, in Word, WPS and LibreOffice alike
    for column, width_mm in zip(added.columns, widths_mm, strict=True):
        column.width = Mm(width_mm)
    for row_index, values in enumerate([header, *rows]):
        row = added.rows[row_index]
        for column, value in enumerate(values):
            cell = row.cells[column]
            cell.width = Mm(widths_mm[column])
            text = cell.paragraphs[0]
            text.alignment = WD_ALIGN_PARAGRAPH.CENTER
            text.paragraph_format.first_line_indent = Pt(0)
            text.paragraph_format.line_spacing = Pt(RECORD_PT * 1.5)
            _off_grid(text)
            fonts(text.add_run(str(value))._r, HEADING_FONT if row_index == 0 else BODY_FONT, RECORD_PT)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    added.rows[0]._tr.get_or_add_trPr().append(repeat)
    return added


def record(document, cc: str | None, printer: str | None, print_day: dt.date | None) -> None:
    """版记 (7.4): 抄送, then 印发机关 left and 印发日期 right, between separator lines."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Mm, Pt

    paragraph(document, "", indent=False)
    text_mm = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
    added = document.add_table(rows=2, cols=2)
    cc_row, print_row = added.rows
    merged = cc_row.cells[0].merge(cc_row.cells[1])
    cells = [(merged, f"抄送：{clause(cc) if cc else PLACEHOLDER['cc']}。", WD_ALIGN_PARAGRAPH.LEFT),
             (print_row.cells[0], clause(printer) if printer else PLACEHOLDER["printer"], WD_ALIGN_PARAGRAPH.LEFT),
             (print_row.cells[1], f"{date_zh(print_day, PLACEHOLDER['print_date'])}印发", WD_ALIGN_PARAGRAPH.RIGHT)]
    for cell, text, align in cells:
        line = cell.paragraphs[0]
        line.alignment = align
        line.paragraph_format.first_line_indent = Pt(0)
        _off_grid(line)
        line.paragraph_format.left_indent = line.paragraph_format.right_indent = Pt(RECORD_PT)  # 左右各空一字
        fonts(line.add_run(text)._r, BODY_FONT, RECORD_PT)
    added.autofit = False
    for column, share in zip(added.columns, (0.55, 0.45), strict=True):
        column.width = Mm(text_mm * share)
    print_row.cells[0].width, print_row.cells[1].width = Mm(text_mm * 0.55), Mm(text_mm * 0.45)
    # Lines: thick above 抄送 and below 印发 (0.35 mm ≈ 1 pt = 8 eighths), thin between (0.25 mm ≈ 6 eighths).
    for row, edges in ((cc_row, (("top", 8), ("bottom", 6))), (print_row, (("bottom", 8),))):
        for cell in {id(c): c for c in row.cells}.values():
            borders = OxmlElement("w:tcBorders")
            for edge, size in edges:
                _border(borders, edge, size, "000000")
            cell._tc.get_or_add_tcPr().append(borders)


def docx_bytes(document, year: int, title_text: str) -> bytes:
    """The .docx bytes, the same for the same facts: fixed properties and zip entry dates."""
    stamp = dt.datetime(year + 1, 1, 1)
    properties = document.core_properties
    properties.author = properties.last_modified_by = "landassess"
    properties.title, properties.revision = title_text, 1
    properties.created = properties.modified = stamp
    properties.last_printed = stamp
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/thumbnail"):
            del package.rels[key]  # the template's thumbnail of an empty page
    raw = io.BytesIO()
    document.save(raw)
    return restamp_zip(raw.getvalue(), stamp)
