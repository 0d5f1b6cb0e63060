"""``landassess run --pdf`` (issue 12): an A4 report.pdf holding every ledger and veto, with selectable Chinese.

The golden year (tests/golden/2025, WORKED.md) is run once with ``--pdf``; the PDF is read with
Debian ``poppler-utils`` (``pdfinfo``, ``pdftotext``, ``pdffonts``, ``pdftoppm``). Without a
browser or poppler the browser tests are skipped with the reason; the no-browser path is tested
everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from landassess.run import pdf as pdf_module
from landassess.vocabulary import VETOES

GOLDEN = Path(__file__).parent / "golden" / "2025"
A4 = (595, 842)  # points, portrait; landscape pages are 842 × 595
POPPLER = ("pdfinfo", "pdftotext", "pdffonts", "pdftoppm")


def _require_browser_and_poppler() -> None:
    if pdf_module.find_browser() is None:
        pytest.skip("no Chromium, Chrome or Edge found (Debian: apt-get install chromium)")
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} missing (Debian: apt-get install poppler-utils)")


def _run(out: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "landassess.cli", "run", "--year", "2025", "--data", str(GOLDEN / "input"),
               "--params", str(GOLDEN / "params.yaml"), "--as-of", "2026-03-01", "--out", str(out), *extra]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    _require_browser_and_poppler()
    out = tmp_path_factory.mktemp("pdf") / "2025"
    proc = _run(out, "--pdf")
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.pdf").is_file(), proc.stdout + proc.stderr
    return out


def _tool(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_text(printed) -> str:
    """The PDF's text without white space (pdftotext breaks lines inside table cells)."""
    return re.sub(r"\s+", "", _tool("pdftotext", str(printed / "report.pdf"), "-"))


def _page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = _tool("pdfinfo", "-f", "1", "-l", "9999", str(pdf))
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", info)]


def _ranked(out: Path) -> pd.DataFrame:
    results = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return results[results["rank"] != ""]


class _Ledgers(HTMLParser):
    """Each county's ledger in report.html: its summary line and its 排名 step, by county code."""

    def __init__(self):
        super().__init__()
        self.code, self.tag, self.ledgers = None, None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details" and (attrs.get("id") or "").startswith("county-"):
            self.code = attrs["id"].removeprefix("county-")
            self.ledgers[self.code] = {"summary": "", "steps": []}
        elif self.code and tag in ("summary", "li"):
            self.tag = tag
            if tag == "li":
                self.ledgers[self.code]["steps"].append("")

    def handle_endtag(self, tag):
        if tag == "details":
            self.code = None
        if tag == self.tag:
            self.tag = None

    def handle_data(self, data):
        if self.code and self.tag == "summary":
            self.ledgers[self.code]["summary"] += data
        elif self.code and self.tag == "li":
            self.ledgers[self.code]["steps"][-1] += data


@pytest.mark.browser
def test_every_page_is_a4(printed):
    sizes = _page_sizes(printed / "report.pdf")
    assert sizes
    for width, height in sizes:
        assert (round(width), round(height)) in (A4, A4[::-1]), (width, height)
    assert any(w < h for w, h in sizes), "the report starts on portrait pages"


@pytest.mark.browser
def test_every_ranked_units_ledger_is_printed(printed, pdf_text):
    ranked = _ranked(printed)
    assert len(ranked) == 9  # WORKED 6
    assert len(_page_sizes(printed / "report.pdf")) >= len(ranked)
    parser = _Ledgers()
    parser.feed((printed / "report.html").read_text(encoding="utf-8"))
    for row in ranked.itertuples():
        ledger = parser.ledgers[row.code]
        rank_step = next(s for s in ledger["steps"] if s.startswith("排名："))
        for phrase in (ledger["summary"], rank_step, f"{row.name}（{row.city}）"):
            assert re.sub(r"\s+", "", phrase) in pdf_text, (row.name, phrase)
        assert f"第{int(row.rank)}名" in pdf_text


@pytest.mark.browser
def test_every_veto_is_printed_with_its_clause(printed, pdf_text):
    results = pd.read_csv(printed / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    vetoes = {v for cell in results["vetoes"] if cell for v in cell.split(";")}
    # WORKED 2.3: 七(一)1 媒体披露, 七(一)2 ratio and area, 七(一)3 重点管理县.
    assert {VETOES[v].clause for v in vetoes} == {"七(一)1", "七(一)2", "七(一)3"}
    for veto in vetoes:
        assert f"{VETOES[veto].long_zh}（{VETOES[veto].clause}）" in pdf_text, veto
    # The parameters used, as a table in words (issue 19): the ratio threshold 0.15 of params/base.yaml.
    assert "本次使用的参数" in pdf_text and "违法占用耕地比例否决线（含）" in pdf_text and "0.15（15%）" in pdf_text


@pytest.mark.browser
def test_text_is_selectable_chinese_in_an_embedded_font(printed, pdf_text):
    fonts = _tool("pdffonts", str(printed / "report.pdf")).splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts  # emb
    assert all(line.split()[-3] == "yes" for line in fonts), fonts  # a ToUnicode map: text can be copied
    assert "2025年度江苏省土地执法模范县（市、区）创建活动评估报告" in pdf_text
    assert "第1页，共" in pdf_text  # the page numbers, in Chinese
    assert "九、逐县说明" in pdf_text and "十一、溯源" in pdf_text


@pytest.mark.browser
def test_no_page_is_wider_than_a4_and_nothing_touches_the_right_edge(printed, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "50", "-png", str(printed / "report.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(_page_sizes(printed / "report.pdf"))
    for page in pages:
        with Image.open(page) as image:
            width, height = image.size
            portrait = width < height
            limit = round((A4[0] if portrait else A4[1]) / 72 * 50) + 1
            assert width <= limit, (page.name, width)
            # The right margin (12 mm ≈ 24 px at 50 dpi): its outer 8 mm stay white, so no table
            # ran past the page's printable width and was cut off.
            edge = image.convert("L").crop((width - 16, 0, width, height))
            assert edge.getextrema()[0] > 235, f"{page.name}: something is printed in the right margin"


@pytest.mark.browser
def test_the_manifest_lists_the_pdf(printed):
    import json

    manifest = json.loads((printed / "manifest.json").read_text(encoding="utf-8"))
    assert "report.pdf" in manifest["outputs"]


def test_run_without_a_browser_writes_the_html_and_says_what_to_install(tmp_path):
    """The finder patched to find nothing, in a process of its own."""
    out = tmp_path / "2025"
    argv = ["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"),
            "--as-of", "2026-03-01", "--out", str(out), "--pdf"]
    script = ("import sys; from landassess.run import pdf; pdf.find_browser = lambda: None; "
              f"from landassess.cli import main; sys.exit(main({argv!r}))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").is_file() and (out / "results.csv").is_file()
    assert not (out / "report.pdf").exists()
    assert "report.pdf" not in (out / "manifest.json").read_text(encoding="utf-8")
    warning = proc.stderr
    assert "未找到可用于生成 PDF 的浏览器" in warning and "apt-get install chromium" in warning
    assert "Edge" in warning and "report.html" in warning


def test_write_pdf_without_a_browser_returns_the_chinese_message(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_module, "find_browser", lambda: None)
    (tmp_path / "report.html").write_text("<p>报告</p>", encoding="utf-8")
    assert pdf_module.write_pdf(tmp_path) == pdf_module.NO_BROWSER_MESSAGE
    assert not (tmp_path / "report.pdf").exists()


def test_the_finder_honours_landassess_browser(monkeypatch, tmp_path):
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("LANDASSESS_BROWSER", str(fake))
    assert pdf_module.find_browser().executable_path == str(fake)
    monkeypatch.setenv("LANDASSESS_BROWSER", str(tmp_path / "missing"))
    assert pdf_module.find_browser() is None


def test_a_browser_that_does_not_start_is_a_warning(tmp_path):
    (tmp_path / "report.html").write_text("<p>报告</p>", encoding="utf-8")
    broken = pdf_module.Browser("坏的浏览器", executable_path=str(tmp_path / "no-such-browser"))
    warning = pdf_module.write_pdf(tmp_path, broken)
    assert warning and "未找到可用于生成 PDF 的浏览器" in warning and "坏的浏览器" in warning
    assert not (tmp_path / "report.pdf").exists()


def _tiny_report(folder: Path, body: str = "") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.html").write_text(f"<html><head><title>报告</title></head><body><h1>报告</h1>"
                                        f"<details><summary>逐县说明</summary><p>内容</p></details>{body}"
                                        f"</body></html>", encoding="utf-8")


@pytest.mark.browser
def test_printing_needs_no_playwright(tmp_path):
    """Issue 21: the browser is driven through its DevTools protocol; playwright is a test tool only."""
    if pdf_module.find_browser() is None or shutil.which("pdfinfo") is None:
        pytest.skip("no Chromium, Chrome or Edge, or no pdfinfo (Debian: apt-get install chromium poppler-utils)")
    _tiny_report(tmp_path)
    script = ("import sys; sys.modules['playwright'] = None; from pathlib import Path; "
              "from landassess.run.pdf import write_pdf; "
              f"print(write_pdf(Path({str(tmp_path)!r}))); assert 'playwright' not in sys.modules or "
              "sys.modules['playwright'] is None")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "None", proc.stdout + proc.stderr
    info = _tool("pdfinfo", str(tmp_path / "report.pdf"))
    assert "Tagged:          yes" in info and re.search(r"Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)", info), info


@pytest.mark.browser
def test_the_printed_page_sees_no_network(tmp_path):
    """A request to a server on this machine is failed before it leaves the browser."""
    import http.server
    import threading

    if pdf_module.find_browser() is None:
        pytest.skip("no Chromium, Chrome or Edge found (Debian: apt-get install chromium)")
    seen: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            seen.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        _tiny_report(tmp_path, f'<img src="{base}/image.png"><link rel="stylesheet" href="{base}/style.css">'
                               f'<img src="https://example.com/remote.png">')
        assert pdf_module.write_pdf(tmp_path) is None
    finally:
        server.shutdown()
    assert (tmp_path / "report.pdf").is_file()
    assert seen == []


def test_a_browser_that_exits_at_once_is_a_warning_naming_its_last_words(tmp_path):
    fake = tmp_path / "fake-chrome"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    _tiny_report(tmp_path / "year")
    warning = pdf_module.write_pdf(tmp_path / "year", pdf_module.Browser("假浏览器", str(fake)))
    assert warning.startswith(pdf_module.NO_BROWSER_MESSAGE)
    assert "假浏览器 无法启动" in warning and "退出码 1" in warning and "cannot open display" in warning
    assert not (tmp_path / "year" / "report.pdf").exists()


def test_a_browser_that_never_answers_is_stopped_and_its_profile_removed(tmp_path, monkeypatch):
    from landassess.run import devtools

    fake = tmp_path / "silent-chrome"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    monkeypatch.setattr(devtools.tempfile, "tempdir", str(profiles))
    with pytest.raises(devtools.DevToolsError, match="秒内未就绪"):
        devtools.HeadlessBrowser(str(fake), start_seconds=1)
    assert list(profiles.iterdir()) == []
