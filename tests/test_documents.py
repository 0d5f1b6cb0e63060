"""``landassess documents`` (issue 12): the 公示 and 通报 drafts, opened with python-docx.

The golden year is run once through the command line, then drafted before and after
``landassess finalize``. Expected lists come from WORKED.md (section 7 and the verification
table): 模范 昆山市 (苏州), 江阴市 (无锡) — 海安市 取消资格, nobody moves up; 先进 兴化市 (泰州),
丰县 (徐州); 江宁区 and 溧水区 (南京) 并列待定.
"""

import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from landassess.divisions import load_divisions
from landassess.params.models import Documents
from landassess.publish import documents as drafts

GOLDEN = Path(__file__).parent / "golden" / "2025"
LANDASSESS = [sys.executable, "-m", "landassess.cli"]
EXPECTED = {"model": ["无锡市江阴市", "苏州市昆山市"], "advanced": ["徐州市丰县", "泰州市兴化市"]}
"""WORKED.md: the 模范/先进 by current status, in the official city order (无锡 3202 before 苏州 3205)."""
PENDING = ["南京市江宁区", "南京市溧水区"]
PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)")
EVALUATORS = ("评委甲", "评委乙", "评委丙")

pytestmark = pytest.mark.slow


def landassess(*args: str) -> subprocess.CompletedProcess:
    cwd = Path(tempfile.mkdtemp(prefix="landassess-docs-"))
    return subprocess.run([*LANDASSESS, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "2025"
    proc = landassess("run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"),
                      "--as-of", "2026-03-01", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def _copy(golden_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "outputs" / "2025"
    shutil.copytree(golden_run, out)
    return out


@pytest.fixture(scope="module")
def provisional(golden_run, tmp_path_factory):
    """The golden year drafted before it is finalised: the 公示 only."""
    out = _copy(golden_run, tmp_path_factory.mktemp("provisional"))
    proc = landassess("documents", "--year", "2025", "--out", str(out))
    return proc, out


@pytest.fixture(scope="module")
def finalised(golden_run, tmp_path_factory):
    out = _copy(golden_run, tmp_path_factory.mktemp("final"))
    assert landassess("finalize", "--year", "2025", "--out", str(out)).returncode == 0
    proc = landassess("documents", "--year", "2025", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def _listed(path: Path, style: str = drafts.LIST_STYLE) -> dict[str, list[str]]:
    """Heading (一、… 二、…) → the list paragraphs of ``style`` under it."""
    sections: dict[str, list[str]] = {}
    heading = ""
    for paragraph in Document(path).paragraphs:
        if re.match(r"^[一二三四五]、", paragraph.text):
            heading = paragraph.text
        elif paragraph.style.name == style:
            sections.setdefault(heading, []).append(paragraph.text)
    return sections


def _east_asian(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def _xml(path: Path) -> str:
    return "\n".join(drafts.document_texts(path.read_bytes()))


def test_the_announcement_is_written_and_the_commendation_refused_before_finalising(provisional):
    proc, out = provisional
    assert proc.returncode == 0, proc.stderr
    assert (out / "公示" / "公示公告.docx").is_file() and not (out / "表彰通报.docx").exists()
    assert "尚未定稿" in proc.stderr and "表彰通报" in proc.stderr


def test_asking_for_the_commendation_of_a_year_not_finalised_is_refused(golden_run, tmp_path):
    out = _copy(golden_run, tmp_path)
    before = sorted(p.name for p in out.iterdir())
    proc = landassess("documents", "--year", "2025", "--out", str(out), "--only", "通报")
    assert proc.returncode == 2
    assert "尚未定稿" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.parametrize("name", ["公示/公示公告.docx", "表彰通报.docx"])
def test_page_setup_and_fonts_follow_gb_t_9704(finalised, name):
    document = Document(finalised / name)
    section = document.sections[0]
    mm = {k: round(getattr(section, k).mm, 1) for k in
          ("page_width", "page_height", "top_margin", "bottom_margin", "left_margin", "right_margin")}
    assert mm == {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35,
                  "left_margin": 28, "right_margin": 26}
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars" and grid.get(qn("w:linePitch")) == "579"  # 28.95 pt
    normal = document.styles["Normal"]
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312" and normal.font.size.pt == 16
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    title = next(p for p in document.paragraphs if p.text.startswith("关于"))
    assert {_east_asian(r) for r in title.runs} == {"方正小标宋简体"} and {r.font.size.pt for r in title.runs} == {22}
    listed = [p for p in document.paragraphs if p.style.name == drafts.LIST_STYLE]
    if name == "表彰通报.docx":  # the 通报 lists in its body; the 公示 in its 附件 table
        assert listed and {_east_asian(r) for p in listed for r in p.runs} == {"仿宋_GB2312"}
    else:
        cells = [c for row in document.tables[0].rows[1:] for c in row.cells]
        assert cells and {_east_asian(r) for c in cells for p in c.paragraphs for r in p.runs} == {"仿宋_GB2312"}
    body = [p for p in document.paragraphs if p.text.startswith("根据")]
    assert body and {(_east_asian(r), r.font.size.pt) for p in body for r in p.runs} == {("仿宋_GB2312", 16)}
    with zipfile.ZipFile(finalised / name) as archive:  # fonts by name only, never embedded
        assert not any(n.startswith("word/fonts/") for n in archive.namelist())
        assert b"embedTrueTypeFonts" not in archive.read("word/settings.xml")


def _attachment(path: Path) -> list[list[str]]:
    """The 公示's 附件 table, without its header row."""
    return [[cell.text for cell in row.cells] for row in Document(path).tables[0].rows[1:]]


def test_the_announcement_lists_the_titled_units_by_status_in_the_official_city_order(finalised):
    results = pd.read_csv(finalised / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cities = load_divisions().cities
    rows = _attachment(finalised / "公示" / "公示公告.docx")
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]  # 序号
    for tier, zh in (("model", "模范"), ("advanced", "先进")):
        titled = results[results["status"] == tier].copy()
        titled["order"] = [(cities.index(c), code) for c, code in zip(titled["city"], titled["code"], strict=True)]
        from_csv = [f"{r.city}{r.name}" for r in titled.sort_values("order").itertuples()]
        listed = [row[1] + row[2] for row in rows if row[3] == f"土地执法{zh}县（市、区）"]
        assert listed == from_csv == EXPECTED[tier]
    assert [(row[1] + row[2], row[3], row[4]) for row in rows[-2:]] == [
        (n, "待定", "并列第6名，待评审委员会决定") for n in PENDING]
    assert [row[3] for row in rows] == ["土地执法模范县（市、区）"] * 2 + ["土地执法先进县（市、区）"] * 2 + ["待定"] * 2
    text = "\n".join(p.text for p in Document(finalised / "公示" / "公示公告.docx").paragraphs)
    assert "海安市" not in text and "海安市" not in _xml(finalised / "公示" / "公示公告.docx")  # 取消资格: never listed (SPEC 7.3)
    assert "拟命名2个县（市、区）为2025年度江苏省土地执法模范县（市、区），2个" in text and "另有2个单位总分并列" in text
    for placeholder in ("【公示期起止日期】", "【发文机关】", "【成文日期】", "【异议受理电话、通信地址、电子邮箱】",
                        "【发文字号】", "【主送机关】"):
        assert placeholder in text


def test_the_commendation_lists_the_final_titles_and_omits_the_disqualified_unit(finalised):
    sections = _listed(finalised / "表彰通报.docx")
    assert list(sections.values()) == [EXPECTED["model"], EXPECTED["advanced"]]  # 海安 gone, nobody moved up
    assert "海安" not in _xml(finalised / "表彰通报.docx")
    text = "\n".join(p.text for p in Document(finalised / "表彰通报.docx").paragraphs)
    assert "决定命名2个县（市、区）为2025年度江苏省土地执法模范县（市、区），2个" in text
    assert "江宁区" not in text and "并列待定" in text  # a pending tie is not named; the editor is told


@pytest.mark.parametrize("name", ["公示/公示公告.docx", "表彰通报.docx"])
def test_no_contact_data_and_no_evaluator_in_the_document_xml(finalised, name):
    xml = _xml(finalised / name)
    assert PHONE.findall(xml) == []
    declarations = pd.read_csv(GOLDEN / "input" / "declarations.csv", dtype=str, keep_default_na=False)
    for value in [*EVALUATORS, *declarations["联系电话"], *declarations["联系人"]]:
        assert value not in xml


def test_drafts_are_listed_in_the_manifest_and_the_folder_stays_owned(finalised):
    import hashlib
    import json

    from landassess.run.ownership import YEAR, check_owned

    manifest = json.loads((finalised / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"]["表彰通报.docx"] == hashlib.sha256((finalised / "表彰通报.docx").read_bytes()).hexdigest()
    for name in ("公示/公示公告.docx", "公示/公示名单.xlsx"):  # the issued 公示: its own record (SPEC 8.4)
        assert manifest["issued"]["files"][name] == hashlib.sha256((finalised / name).read_bytes()).hexdigest()
    assert manifest["issued"]["results_sha256"] == hashlib.sha256((finalised / "results.csv").read_bytes()).hexdigest()
    assert check_owned(finalised, YEAR) == finalised.resolve()
    assert not [p for p in finalised.parent.iterdir() if ".tmp-" in p.name]


def test_a_foreign_folder_is_refused_and_left_untouched(golden_run, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    shutil.copy(golden_run / "results.csv", out / "results.csv")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    proc = landassess("documents", "--year", "2025", "--out", str(out))
    assert proc.returncode == 2 and "拒绝写入" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "results.csv"]
    other_year = _copy(golden_run, tmp_path)  # a landassess folder of 2025 is not 2024's
    proc = landassess("documents", "--year", "2024", "--out", str(other_year))
    assert proc.returncode == 2 and not (other_year / "公示").exists()


def test_parameters_fill_the_placeholders(golden_run, tmp_path):
    out = _copy(golden_run, tmp_path)
    params = tmp_path / "documents.yaml"
    params.write_text("documents:\n  issuer: 江苏省自然资源厅\n  issue_date: 2026-03-20\n"
                      "  publicity_start: 2026-03-10\n  publicity_end: 2026-03-16\n"
                      "  objection_channel: 书面材料寄送省厅执法监督局（南京市某路1号）\n", encoding="utf-8")
    proc = landassess("documents", "--year", "2025", "--out", str(out), "--params", str(params), "--only", "公示")
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(p.text for p in Document(out / "公示" / "公示公告.docx").paragraphs)
    assert "公示期为2026年3月10日至2026年3月16日。" in text and "向江苏省自然资源厅反映：书面材料寄送" in text
    assert "江苏省自然资源厅\n2026年3月20日\n" in text  # 署名 over 成文日期, before the 附件
    # The other 公文 elements stay placeholders until they are set (SPEC 8.4).
    assert {"【发文字号】", "【主送机关】"} <= set(re.findall(r"【[^】]+】", text))
    assert "【公示期起止日期】" not in text and "【成文日期】" not in text


def test_a_demo_year_is_marked_and_drafts_are_deterministic():
    results = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    facts = drafts.YearFacts(2025, results, load_divisions().cities, Documents(), is_demo=True)
    data = drafts.announcement_bytes(facts)
    assert data == drafts.announcement_bytes(facts)
    first = Document(io.BytesIO(data)).paragraphs[0].text
    assert "演示数据" in first
    plain = drafts.YearFacts(2025, results, load_divisions().cities, Documents())
    assert "演示数据" not in _xml_bytes(drafts.commendation_bytes(plain))


def _xml_bytes(data: bytes) -> str:
    return "\n".join(drafts.document_texts(data))
