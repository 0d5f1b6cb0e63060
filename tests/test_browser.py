"""The report in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

One year is built from the golden 2025 input with hostile HTML/JS in every free-text field the
report prints (``fixtures_xss``), assessed once through the command line, and its report.html is
opened from disk with the network off. The report must load without any network request, run no
script from the input, show the payloads as literal text, never show contact data, show its
charts and its embedded Chinese font, and print to A4.

A full-page screenshot goes to the test's tmp dir and to <temp>/landassess-screenshots/report-2025.png.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from browser_support import launched_chromium, require_browser
from fixtures_xss import CONTACT_MARKERS, GOLDEN, PAYLOADS, contact_values, write_hostile_year

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
# Kept for a person to look at, outside the working tree (tests never write into outputs/).
SCREENSHOT = Path(tempfile.gettempdir()) / "landassess-screenshots" / "report-2025.png"
FONT_FAMILY = "Landassess Noto Sans SC"
SECTIONS = ("一、概览", "二、公示名单与排名", "三、一票否决", "四、推荐名额", "五、评分", "六、加分",
            "七、实地查验与异议", "八、数据问题", "九、逐县说明", "十、假设与口径", "十一、溯源")

sync_api = require_browser()


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> tuple[Path, Path]:
    """(input folder, output folder) of one ``landassess run`` on the hostile year."""
    base = tmp_path_factory.mktemp("xss")
    data = write_hostile_year(base / "input")
    out = base / "out" / "2025"
    proc = subprocess.run(
        [sys.executable, "-m", "landassess.cli", "run", "--year", "2025", "--data", str(data),
         "--params", str(GOLDEN / "params.yaml"), "--out", str(out)],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert (out / "report.html").is_file()
    return data, out


@pytest.fixture(scope="module")
def browser():
    with launched_chromium(sync_api) as chromium:
        yield chromium


class OpenedReport:
    """A page holding report.html, with everything the page tried to do recorded."""

    def __init__(self, browser, report: Path):
        self.blocked: list[str] = []      # requests that were not file:// or data:
        self.requests: list[str] = []     # every request the page made
        self.dialogs: list[str] = []
        self.page_errors: list[str] = []
        self.context = browser.new_context(offline=True, viewport={"width": 1280, "height": 1600},
                                           locale="zh-CN", java_script_enabled=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.goto(report.as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def opened(browser, hostile_run):
    _, out = hostile_run
    report = OpenedReport(browser, out / "report.html")
    yield report
    report.close()


@pytest.fixture(scope="module")
def inner_text(opened) -> str:
    return opened.page.evaluate("document.body.innerText")


# ----------------------------------------------------------------------------- tests


def test_report_makes_no_network_request(opened):
    outside = [u for u in opened.requests if not u.startswith(("file:", "data:"))]
    assert opened.blocked == [], f"the report tried to reach the network: {opened.blocked}"
    assert outside == [], f"the report requested: {outside}"


def test_no_script_from_the_input_runs(opened):
    page = opened.page
    # javascript: links only run when followed: click every one that got through, then look.
    for link in page.query_selector_all('a[href^="javascript:" i]'):
        link.click(no_wait_after=True)
    assert page.evaluate("typeof window.__xss") == "undefined", page.evaluate("String(window.__xss)")
    assert opened.dialogs == []
    assert opened.page_errors == []
    hostile = page.evaluate("""() => {
        const found = [];
        for (const el of document.querySelectorAll('script, iframe, object, embed')) found.push(el.outerHTML.slice(0, 120));
        for (const el of document.querySelectorAll('*')) {
            for (const attr of el.attributes) {
                if (/^on/i.test(attr.name) || /^\\s*javascript:/i.test(attr.value)) found.push(el.outerHTML.slice(0, 120));
            }
        }
        return found;
    }""")
    assert hostile == []


def test_key_sections_are_present(opened):
    headings = [h.strip() for h in opened.page.eval_on_selector_all("h2", "els => els.map(e => e.innerText)")]
    missing = [s for s in SECTIONS if not any(h.startswith(s) for h in headings)]
    assert missing == [], f"missing sections {missing}; headings: {headings}"
    for section in SECTIONS:
        assert opened.page.get_by_role("heading", name=section, exact=False).first.is_visible(), section


def test_payloads_are_shown_as_literal_text(hostile_run, opened, inner_text):
    _, out = hostile_run
    source = (out / "report.html").read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload in inner_text, f"payload not visible as text: {payload}"
        assert payload not in source, f"payload written into the HTML unescaped: {payload}"


def test_contact_data_never_appears(hostile_run, opened, inner_text):
    data, out = hostile_run
    source = (out / "report.html").read_text(encoding="utf-8")
    golden_contacts = contact_values(GOLDEN / "input")
    for value in sorted(contact_values(data) | golden_contacts):
        for form in {value, html.escape(value), html.escape(value, quote=False)}:
            assert form not in source, f"contact data in report.html: {form}"
        assert value not in inner_text
    for marker in CONTACT_MARKERS:
        assert marker not in source and marker not in inner_text, marker


def test_charts_are_images_that_loaded(opened):
    images = opened.page.evaluate(
        "[...document.images].map(i => ({src: i.src.slice(0, 30), complete: i.complete, width: i.naturalWidth}))")
    loaded = [i for i in images if i["complete"] and i["width"] > 0]
    assert len(loaded) >= 3, images
    assert all(i["src"].startswith("data:image/") for i in loaded), images


def test_embedded_font_is_loaded(opened):
    page = opened.page
    faces = page.evaluate("""() => [...document.fonts].map(f => ({family: f.family.replace(/^["']|["']$/g, ''),
                                                                  status: f.status}))""")
    ours = [f for f in faces if f["family"] == FONT_FAMILY]
    assert ours, f"no @font-face {FONT_FAMILY!r}: {faces}"
    assert any(f["status"] == "loaded" for f in ours), ours
    assert page.evaluate(f"document.fonts.check('16px \"{FONT_FAMILY}\"', '县')")
    family = page.eval_on_selector("h2", "h => getComputedStyle(h).fontFamily")
    assert FONT_FAMILY in family, family


def test_report_text_shows_no_nan(inner_text):
    """Blank cells must stay blank: a pandas NaN must never reach the reader as "nan"."""
    hits = [inner_text[max(m.start() - 40, 0):m.end() + 10].replace("\n", " ")
            for m in re.finditer(r"(?<![A-Za-z])nan(?![A-Za-z])", inner_text, re.I)]
    assert hits == [], "“nan” shown in the report:\n" + "\n".join(hits)


def test_text_payloads_do_not_change_the_results(hostile_run):
    """Only free text was changed, so the results are the golden year's."""
    _, out = hostile_run
    got = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig").set_index("code")
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False).set_index("code")
    assert list(got.columns) == list(expected.columns) and list(got.index) == list(expected.index)
    changed = got.compare(expected, result_names=("hostile year", "golden"))
    assert changed.empty, "results differ from the golden year:\n" + changed.to_string()


def test_full_page_screenshot(opened, tmp_path):
    shot = tmp_path / "report.png"
    png = opened.page.screenshot(path=str(shot), full_page=True)
    assert png.startswith(b"\x89PNG") and shot.stat().st_size > 50_000
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)


def test_print_view_makes_a4_pdf(browser, hostile_run, tmp_path):
    _, out = hostile_run
    report = OpenedReport(browser, out / "report.html")
    try:
        report.page.emulate_media(media="print")
        pdf = report.page.pdf(format="A4", print_background=True)
        assert report.blocked == [] and report.dialogs == [] and report.page_errors == []
    finally:
        report.close()
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert len(boxes) > 1, "expected several pages"
    for width, height in boxes:  # A4 = 210 mm × 297 mm = 595.28 pt × 841.89 pt; wide sections landscape
        size = sorted((float(width), float(height)))
        assert abs(size[0] - 595.28) < 1.5 and abs(size[1] - 841.89) < 1.5, (width, height)
    assert any(float(w) < float(h) for w, h in boxes), "the report starts on portrait pages"
