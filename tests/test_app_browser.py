"""``landassess app`` in headless Chromium: token, no code on screen, no outside request, and a decision
driven through to the report (issue 13).

The golden year (``tests/golden/2025``: 江宁区 and 溧水区 tie across the 先进 line) is copied to
``<tmp>/data/2025`` and served with its parameters; outputs go to ``<tmp>/out`` (never the
repository's ``outputs/``). The test reads the token URL the command prints, checks that the page
and the report route refuse a request without the token, then opens the app, records every request
the page makes (anything not on 127.0.0.1 is blocked and fails the test), and clicks through
检查数据 → 运行评估 → 记录决定 (the tie settled with a reason) → 运行评估 → 打开报告 → 定稿 / 确认定稿.

Screenshots of each view go to ``<temp>/landassess-screenshots/app-*.png`` for a person to look
at; for them only (after the assertions of each step), the packaged Noto Sans SC is put in front of
the page's fonts, as the machine may have no CJK system font.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from browser_support import launched_chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
YEAR = 2025
SHOTS = Path(tempfile.gettempdir()) / "landassess-screenshots"
START_TIMEOUT = 180   # seconds: server start, kernel start, the notebook's cells
RUN_TIMEOUT = 300     # seconds: one `landassess run` of the year (a child process on a busy machine)
STEP_TIMEOUT = 60     # seconds: one widget round trip that runs the assessment (validate, decide)
REASON = "评审委员会经现场复核，认定该县整改成效更为突出（浏览器测试）"
CODE_TEXT = ("from landassess", "Workbench(", "actions_view", "browse_view", "params_file or None")
FONT_PATH = "/__landassess_test__/NotoSansSC-Regular.otf"
CJK_RANGES = "U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF"

sync_api = require_browser()
pytest.importorskip("voila", reason="voila is not installed (pip install -e .)", exc_type=ImportError)


class App:
    """``landassess app`` as a child process in its own process group; its output in a file."""

    def __init__(self, base: Path):
        self.data_root, self.out_root = base / "data", base / "out"
        shutil.copytree(GOLDEN / "input", self.data_root / str(YEAR))
        from landassess.run.app import free_port

        self.port = free_port()
        self.log = base / "app.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLCONFIGDIR": str(base / "mpl")}
        env.pop("JUPYTER_TOKEN", None)
        command = [sys.executable, "-m", "landassess.cli", "app", "--data-root", str(self.data_root),
                   "--out-root", str(self.out_root), "--year", str(YEAR), "--params", str(GOLDEN / "params.yaml"),
                   "--port", str(self.port), "--no-browser"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=base, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()
        self.url = self._printed_url()
        self.base = f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def _printed_url(self) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", self.log_tail(100_000))
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                raise AssertionError(f"landassess app exited with {self.process.returncode}:\n{self.log_tail()}")
            time.sleep(0.2)
        raise AssertionError(f"landassess app printed no URL:\n{self.log_tail()}")

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"landassess app exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                status(self.base + "/voila/static/voila.js")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise AssertionError(f"landassess app did not answer in {START_TIMEOUT} s:\n{self.log_tail()}")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        try:  # the kernel may outlive the server by a moment
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def status(url: str) -> tuple[int, str]:
    """The status of a GET that follows no redirect, and where a redirect points."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    server = App(tmp_path_factory.mktemp("app"))
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


def _route_local_only(context, app: App, outside: list[str], requests: list[str]):
    from landassess.publish.fonts import cjk_font_path

    def route(route):
        url = route.request.url
        requests.append(url)
        if url == app.base + FONT_PATH:
            route.fulfill(status=200, content_type="font/otf", body=cjk_font_path().read_bytes())
        elif url.startswith((app.base + "/", f"ws://127.0.0.1:{app.port}/", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", route)


def _legible(page) -> None:
    """For the screenshots only: the packaged CJK font in front of the page's fonts."""
    page.add_style_tag(content=(
        f'@font-face {{ font-family: "LA Shot CJK"; unicode-range: {CJK_RANGES}; src: url("{FONT_PATH}"); }} '
        'body, button, input, select, textarea, .jupyter-widgets, .widget-label, .widget-html-content, '
        '.widget-button, .widget-dropdown select { font-family: "LA Shot CJK", sans-serif !important; }'))
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(300)


def _shot(page, heading: str, name: str) -> Path:
    """A screenshot of the view under ``heading`` (its whole output)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    view = page.locator(".jp-OutputArea-output").filter(has=page.locator("h3", has_text=heading)).first
    view.scroll_into_view_if_needed()
    path = SHOTS / f"app-{name}.png"
    view.screenshot(path=str(path))
    return path


def test_app_requires_the_token(app):
    assert app.url.startswith(f"http://127.0.0.1:{app.port}/?token=")
    for path in ("/", "/?token=wrong", f"/landassess/report/{YEAR}/report.html", "/voila/files/workbench.ipynb"):
        code, location = status(app.base + path)
        assert code in (302, 401, 403), (path, code)
        assert code != 302 or "/login" in location, (path, location)


def test_app_shows_the_views_without_code_and_drives_a_decision_to_the_report(app):
    expect = sync_api.expect
    outside: list[str] = []
    requests: list[str] = []
    with launched_chromium(sync_api) as chromium:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        _route_local_only(context, app, outside, requests)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(app.url, wait_until="domcontentloaded", timeout=START_TIMEOUT * 1000)
        expect(page.locator("h3", has_text="记录评审决定")).to_have_count(1, timeout=START_TIMEOUT * 1000)
        shown = time.monotonic() - app.started
        assert page.title() == "评估工作台"
        for heading in ("操作", "浏览", "假如", "稳健性", "记录评审决定"):
            expect(page.locator(".widget-html h3", has_text=heading).first).to_be_visible()

        # No code: no input area or prompt visible, no Python source in the page's text.
        for selector in (".jp-InputArea", ".jp-InputPrompt", ".jp-CodeCell .jp-Editor", ".CodeMirror", ".cm-editor"):
            assert page.locator(f"{selector}:visible").count() == 0, selector
        text = page.locator("body").inner_text()
        assert not [code for code in CODE_TEXT if code in text], text[:500]

        # 检查数据: the validation report in the page.
        messages = page.locator(".widget-html", has_text=re.compile("年度输入校验|输入无法评估"))
        page.get_by_role("button", name="检查数据").click()
        expect(messages).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        expect(messages).to_contain_text(f"{YEAR} 年度输入校验")
        done = page.locator(".widget-html", has_text="已完成")

        # 运行评估: progress while it runs, then the summary; the report link appears.
        page.get_by_role("button", name="运行评估").click()
        expect(page.locator(".widget-html", has_text="运行中")).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        expect(page.locator(".widget-html", has_text="运行评估：已完成")).to_have_count(1, timeout=RUN_TIMEOUT * 1000)
        report = app.out_root / str(YEAR) / "report.html"
        assert report.is_file()
        assert "并列待定" in report.read_text(encoding="utf-8")
        expect(page.locator("a.la-report-link")).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        _legible(page)
        shots = [_shot(page, "操作", "actions"), _shot(page, "浏览", "browse"), _shot(page, "假如", "whatif")]

        # 稳健性: computed on a click.
        page.get_by_role("button", name="计算稳健性").click()
        expect(page.locator(".widget-html", has_text="仅供评审参考")).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        shots.append(_shot(page, "稳健性", "robustness"))

        # 记录决定: the tie (positions 6 and 7, across the 先进 line): its preselected county becomes 先进.
        decide = page.locator(".jp-OutputArea-output").filter(has=page.locator("h3", has_text="记录评审决定")).first
        county = decide.locator("select").first.evaluate("s => s.options[s.selectedIndex].text")
        assert "并列待定" in county, county
        decide.locator("select").nth(1).select_option(label="先进")
        decide.locator("textarea").fill(REASON)
        decide.get_by_role("button", name="记录决定").click()
        recorded = decide.locator(".widget-html", has_text=re.compile("已记录到|未记录"))
        expect(recorded).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        expect(recorded).to_contain_text("已记录到")
        shots.append(_shot(page, "记录评审决定", "decide"))

        # 运行评估 again: the decision and its reason are in the new report.
        page.get_by_role("button", name="运行评估").click()
        expect(done).to_have_count(0, timeout=STEP_TIMEOUT * 1000)
        expect(page.locator(".widget-html", has_text="运行评估：已完成")).to_have_count(1, timeout=RUN_TIMEOUT * 1000)
        new_report = report.read_text(encoding="utf-8")
        assert REASON in new_report
        assert county.split()[1].split("（")[0] in new_report

        # 打开报告: a new tab from the same server, behind the same token (the page's cookie).
        with context.expect_page(timeout=STEP_TIMEOUT * 1000) as opened:
            page.locator("a.la-report-link").click()
        tab = opened.value
        tab.wait_for_load_state("domcontentloaded")
        assert REASON in tab.content()
        tab.close()

        # 定稿 asks first; 确认定稿 finalises through the CLI's function.
        page.get_by_role("button", name="定稿", exact=True).click()
        expect(page.get_by_role("button", name="确认定稿")).to_be_visible()
        page.get_by_role("button", name="确认定稿").click()
        expect(page.locator(".widget-html", has_text="年度已定稿")).to_have_count(1, timeout=STEP_TIMEOUT * 1000)
        shots.append(_shot(page, "操作", "finalized"))
        assert (app.out_root / str(YEAR) / "FINALIZED.json").is_file()
        context.close()

    assert outside == [], f"requests outside 127.0.0.1: {outside}"
    assert requests, "no request recorded"
    assert errors == [], errors
    assert "Traceback" not in app.log_tail(200_000)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in shots)
    print(f"\napp: first view shown {shown:.1f} s after start; {len(requests)} requests, all on 127.0.0.1; "
          f"screenshots in {SHOTS}")
