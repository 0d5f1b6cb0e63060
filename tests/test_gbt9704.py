"""GB/T 9704 in full for both Word drafts (SPEC 8.4, issue 19), checked in the docx XML.

Expected values are the standard's, worked by hand: the 发文机关标志 in red above the 发文字号 and
a red separator line; the 主送机关 ending in one full-width colon; the 附件说明 and the 附件 on its own
page; the 署名 centred over the 成文日期, the date 右空四字 — for 江苏省自然资源厅 (8 characters) over
2026年3月2日 (年 月 日 full width, the six digits half width: 3 + 6 × ½ = 6 characters wide) the 署名's
right indent is 4 + (6 − 8) / 2 = 3 characters, 48 pt at 16 pt (over 2026年4月15日, 6½ wide: 3¼, 52 pt); the 版记 with 抄送 and 印发 between a
thick line, a thin one and a thick one. The golden year's results (WORKED.md) are the facts.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from landassess.divisions import load_divisions
from landassess.params.models import Documents
from landassess.publish import documents as drafts
from landassess.publish import gbt9704

GOLDEN = Path(__file__).parent / "golden" / "2025"
SET = dict(issuer="江苏省自然资源厅", issue_date="2026-03-02", notice_date="2026-04-15",
           gongshi_number="苏自然资公〔2026〕3号", notice_number="苏自然资发〔2026〕20号",
           addressees="各设区市自然资源和规划局：", cc="自然资源部国家自然资源督察南京局。",
           printer="江苏省自然资源厅办公室", print_date="2026-04-16", publicity_start="2026-03-03",
           publicity_end="2026-03-09", objection_channel="电话025-00000000（演示）。")
"""Every documents parameter set, several ending in their own punctuation (as staff type them)."""


def _facts(**settings) -> drafts.YearFacts:
    results = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    return drafts.YearFacts(2025, results, load_divisions().cities, Documents(**settings))


@pytest.fixture(scope="module")
def issued():
    facts = _facts(**SET)
    return {"公示": Document(io.BytesIO(drafts.announcement_bytes(facts))),
            "通报": Document(io.BytesIO(drafts.commendation_bytes(facts)))}


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _all_text(document) -> str:
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([*_texts(document), *cells])


@pytest.mark.parametrize(("kind", "mark", "number"), [("公示", "江苏省自然资源厅", "苏自然资公〔2026〕3号"),
                                                      ("通报", "江苏省自然资源厅文件", "苏自然资发〔2026〕20号")])
def test_the_masthead_red_mark_number_and_red_line(issued, kind, mark, number):
    paragraphs = issued[kind].paragraphs
    first = paragraphs[0]
    assert first.text == mark
    run = first.runs[0]._r
    assert run.rPr.find(qn("w:color")).get(qn("w:val")) == "FF0000"
    assert run.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    numbered = next(p for p in paragraphs if p.text == number)
    assert paragraphs.index(numbered) == 3  # 标志, two empty lines, 发文字号
    bottom = numbered._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:val")) == "single"


def test_paragraph_properties_are_in_schema_order(issued):
    """Word refuses a document whose pPr children are out of order: pBdr and snapToGrid before spacing, ind, jc."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr", "shd", "snapToGrid",
             "spacing", "ind", "jc"]
    for document in issued.values():
        body = document.element.body
        for ppr in body.iter(qn("w:pPr")):
            names = [child.tag.split("}")[1] for child in ppr if child.tag.split("}")[1] in order]
            assert names == sorted(names, key=order.index), names


@pytest.mark.parametrize("kind", ["公示", "通报"])
def test_addressees_attachment_signature_and_dates(issued, kind):
    texts = _texts(issued[kind])
    assert "各设区市自然资源和规划局：" in texts  # the parameter's own colon is not doubled
    date = {"公示": "2026年3月2日", "通报": "2026年4月15日"}[kind]
    other = {"公示": "2026年4月15日", "通报": "2026年3月2日"}[kind]
    at = texts.index(date)
    assert texts[at - 1] == "江苏省自然资源厅" and texts[at - 4:at - 1] == ["", "", ""]  # room for the seal
    assert other not in _all_text(issued[kind])  # two documents, two dates
    signature, dated = issued[kind].paragraphs[at - 1], issued[kind].paragraphs[at]
    assert dated.paragraph_format.right_indent.pt == pytest.approx(4 * 16)  # 右空四字
    # Centred over the date (hand-worked): 2026年3月2日 is 6 characters wide, 2026年4月15日 6½; the 署名 8.
    centred = {"公示": 4 + (6 - 8) / 2, "通报": 4 + (6.5 - 8) / 2}[kind]
    assert signature.paragraph_format.right_indent.pt == pytest.approx(centred * 16)
    if kind == "公示":
        note = next(t for t in texts if t.startswith("附件："))
        assert texts.index(note) < at  # 附件说明 before the 署名
        assert note == "附件：2025年度江苏省土地执法模范县（市、区）和先进县（市、区）拟命名名单"
        assert texts[at + 1:at + 5] == ["", "附件", "", note.removeprefix("附件：")]  # its own page: 附件, title
        assert any(br.get(qn("w:type")) == "page" for br in issued[kind].element.body.iter(qn("w:br")))
        header = [c.text for c in issued[kind].tables[0].rows[0].cells]
        assert header == ["序号", "设区市", "县（市、区）", "拟命名称号", "备注"]
        assert issued[kind].tables[0].rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated per page


@pytest.mark.parametrize("kind", ["公示", "通报"])
def test_the_record_cc_printer_and_print_date_between_lines(issued, kind):
    record = issued[kind].tables[-1]
    cc_cells = {id(c._tc): c for c in record.rows[0].cells}
    assert [c.text for c in cc_cells.values()] == ["抄送：自然资源部国家自然资源督察南京局。"]
    assert [c.text for c in record.rows[1].cells] == ["江苏省自然资源厅办公室", "2026年4月16日印发"]
    borders = [{e.tag.split("}")[1]: int(e.get(qn("w:sz"))) for e in c._tc.tcPr.find(qn("w:tcBorders"))}
               for c in [*cc_cells.values(), record.rows[1].cells[0]]]
    assert borders == [{"top": 8, "bottom": 6}, {"bottom": 8}]  # thick, thin, thick
    assert issued[kind].element.body.index(record._tbl) > \
        max(issued[kind].element.body.index(p._p) for p in issued[kind].paragraphs if p.text)  # 版记 comes last


@pytest.mark.parametrize("kind", ["公示", "通报"])
def test_punctuation_is_joined_whatever_a_parameter_ends_with(issued, kind):
    text = _all_text(issued[kind])
    assert not re.search(r"[。．.；;，,：:][。：]", text), re.findall(r".{6}[。．.；;，,：:][。：].{3}", text)
    if kind == "公示":
        assert "反映：电话025-00000000（演示）。反映情况" in text


@pytest.mark.parametrize("kind", ["公示", "通报"])
def test_every_unset_element_is_a_visible_placeholder(kind):
    facts = _facts()
    data = drafts.announcement_bytes(facts) if kind == "公示" else drafts.commendation_bytes(facts)
    text = _all_text(Document(io.BytesIO(data)))
    for placeholder in ("【发文机关】", "【发文字号】", "【主送机关】：", "【成文日期】", "抄送：【抄送机关】。",
                        "【印发机关】", "【印发日期】印发"):
        assert placeholder in text, placeholder
    assert ("【公示期起止日期】" in text) == (kind == "公示")


def test_a_long_issuer_keeps_two_characters_and_the_date_centres_under_it():
    document = gbt9704.new_document()
    gbt9704.signature(document, "江苏省自然资源厅江苏省农业农村厅", None)  # 16 characters over 【成文日期】 (6)
    name, date = document.paragraphs[-2:]
    assert name.paragraph_format.right_indent.pt == pytest.approx(2 * 16)
    assert date.paragraph_format.right_indent.pt == pytest.approx((2 + (16 - 6) / 2) * 16)


def test_the_attachment_agrees_with_results_csv(issued):
    """SPEC 7.3: the 附件 names, in order, exactly the units results.csv gives each title (WORKED.md)."""
    results = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    rows = [[c.text for c in r.cells] for r in issued["公示"].tables[0].rows[1:]]
    by_title = {t: sorted(row[2] for row in rows if row[3] == t) for t in {row[3] for row in rows}}
    assert by_title == {
        "土地执法模范县（市、区）": sorted(results.loc[results["status"] == "model", "name"]),
        "土地执法先进县（市、区）": sorted(results.loc[results["status"] == "advanced", "name"]),
        "待定": sorted(results.loc[results["status"] == "tie_pending", "name"])}
