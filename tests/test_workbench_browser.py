"""The workbench notebook in a real JupyterLab, driven by headless Chromium (issue 5).

A JupyterLab server is started on localhost with a random token, its root a temporary copy of the
repository's ``notebooks/`` and ``demo/`` folders (so the notebook's ``data_root = "../demo"``
works and nothing in the repository is touched), with every outgoing request of its own turned
off (news, update check, PyPI extension manager) and its settings, workspaces and runtime files
in the temporary folder. Chromium (Debian's /usr/bin/chromium, through Playwright) opens
``notebooks/workbench.ipynb``, waits for the kernel, runs all cells and waits for the widgets.
Then the "模范名额" slider is lowered by one through its readout and the what-if comparison
("与正式参数相比") must change from "称号名单与正式参数的结果相同" to the rows the Python
:class:`~landassess.workbench.views.Workbench` computes for the same quota (a 模范 county becomes 先进).
"恢复正式参数" must bring the official result back.

Assertions read DOM text, not pixels: the machine may have no CJK system font, in which case
JupyterLab draws Chinese as boxes. Two screenshots of the what-if view after the change go to the
test's tmp dir: ``workbench-system-fonts.png`` as this machine draws it, and ``workbench.png`` after
the test (only for legibility, after every assertion) puts the packaged Noto Sans SC, for Han
characters and CJK punctuation only, in front of JupyterLab's font variables in the page; the
latter is copied to <temp>/landassess-screenshots/workbench.png.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
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
# Kept for a person to look at, outside the working tree (tests never write into outputs/).
SCREENSHOT = Path(tempfile.gettempdir()) / "landassess-screenshots" / "workbench.png"
NOTEBOOK = "notebooks/workbench.ipynb"
DATA_ROOT, YEAR = "demo", 2024            # the notebook's parameters: data_root="../demo", year=2024
START_TIMEOUT = 120                       # seconds: server start, first kernel start, first run
UPDATE_TIMEOUT = 30                       # seconds: one widget change round trip
SAME = "称号名单与正式参数的结果相同"
SCREENSHOT_FONT = "Landassess Test CJK"   # the packaged font, added to the page for the screenshot only
CJK_RANGES = "U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF"  # the font serves only these

sync_api = require_browser()
pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install -e .)", exc_type=ImportError)
pytest.importorskip("ipywidgets", reason="ipywidgets is not installed (pip install -e .)", exc_type=ImportError)

# JupyterLab user settings: no news / update toast, no autosave, every cell attached to the DOM.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


# ----------------------------------------------------------------------------- JupyterLab server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab process in its own process group, its log in a file."""

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "root"
        self.root.mkdir()
        shutil.copytree(ROOT / "notebooks", self.root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copytree(ROOT / DATA_ROOT, self.root / DATA_ROOT)
        settings = base / "user-settings"
        for plugin, values in USER_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        self.port = _free_port()
        self.token = secrets.token_hex(24)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = base / "jupyterlab.log"
        env = dict(os.environ)
        for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl")):
            env[var] = str(base / sub)
        env.pop("JUPYTER_TOKEN", None)
        command = [
            sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
            "--port-retries=0", f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False", "--ServerApp.terminals_enabled=False",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
        ]
        if os.geteuid() == 0:  # containers and CI often run as root; Jupyter refuses that unless told
            command.append("--allow-root")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_until_up(self, timeout: float = START_TIMEOUT) -> None:
        status = f"{self.url}/api/status?token={self.token}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterLab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(status, timeout=5) as response:
                    if response.status == 200 and "started" in json.loads(response.read()):
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
                pass
            time.sleep(0.3)
        raise AssertionError(f"JupyterLab did not answer {self.url}/api/status in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the whole process group (server and kernel), then kill what is left."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:  # the kernel may outlive the server by a moment
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium(sync_api) as chromium:
        yield chromium


class LabPage:
    """One browser page on the lab, with its outside requests blocked and its errors recorded."""

    def __init__(self, browser, lab: LabServer):
        self.lab = lab
        self.blocked: list[str] = []
        self.page_errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    @property
    def font_url(self) -> str:
        return f"{self.lab.url}/__landassess_test__/NotoSansSC-Regular.otf"

    def _route(self, route):
        url = route.request.url
        if url == self.font_url:
            from landassess.publish.fonts import cjk_font_path

            route.fulfill(status=200, content_type="font/otf", body=cjk_font_path().read_bytes())
        elif url.startswith((self.lab.url + "/", f"ws://127.0.0.1:{self.lab.port}/", "data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def diagnostics(self) -> str:
        return (f"\nblocked requests: {self.blocked}\npage errors: {self.page_errors}\n"
                f"--- JupyterLab log (tail) ---\n{self.lab.log_tail()}")


@pytest.fixture
def lab_page(browser, lab):
    opened = LabPage(browser, lab)
    try:
        yield opened
    finally:
        opened.context.close()


# ----------------------------------------------------------------------------- expectations


@pytest.fixture(scope="module")
def expected():
    """The official quota and the comparison rows for one 模范 place fewer, from Python."""
    from landassess.workbench.views import Workbench

    bench = Workbench(ROOT / DATA_ROOT, YEAR)
    official = bench.model_quota.value
    assert SAME in bench.whatif_changes.value
    bench.model_quota.value = official - 1
    rows = re.findall(r"<tr><td[^>]*>(.*?)</td></tr>", bench.whatif_changes.value)
    rows = [tuple(html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.split(r"</td><td[^>]*>", row)) for row in rows]
    assert any(row[-1] == "模范 → 先进" for row in rows), rows
    return official, rows


# ----------------------------------------------------------------------------- the test

NOTEBOOK_READY = """(path) => {
    const app = window.jupyterapp;
    const panel = app && app.shell.currentWidget;
    if (!panel || !panel.sessionContext || !panel.context || panel.context.path !== path) return false;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    return panel.context.isReady && !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""

# Run All stops at a cell that raises: wait until every code cell ran or one of them failed.
CELLS_SETTLED = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    if (panel.sessionContext.session.kernel.status !== 'idle') return false;
    const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
    const ran = cells.every(c => c.model.executionCount !== null
                                 && !c.node.querySelector('.jp-InputPrompt').textContent.includes('*'));
    return failed || ran;
}"""

CELL_ERRORS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => `${o.ename}: ${o.evalue}`))"""


def _table_rows(locator) -> list[tuple[str, ...]]:
    return [tuple(row) for row in locator.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")]


def _type_into_readout(readout, value: int) -> None:
    """Set a slider the way a user types it: its readout is contenteditable (ipywidgets 8)."""
    readout.click()
    readout.page.keyboard.press("ControlOrMeta+A")
    readout.page.keyboard.type(str(value))
    readout.page.keyboard.press("Enter")
    sync_api.expect(readout).to_have_text(str(value), timeout=UPDATE_TIMEOUT * 1000)


def test_workbench_runs_in_jupyterlab_and_reacts_to_the_model_quota(lab, lab_page, expected, tmp_path):
    official, expected_rows = expected
    page, expect = lab_page.page, sync_api.expect
    started = time.monotonic()

    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?token={lab.token}", wait_until="domcontentloaded",
              timeout=START_TIMEOUT * 1000)
    try:
        page.wait_for_function(NOTEBOOK_READY, arg=NOTEBOOK, timeout=START_TIMEOUT * 1000, polling=250)
    except sync_api.TimeoutError:
        pytest.fail("the notebook or its kernel never became ready" + lab_page.diagnostics())

    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    try:
        page.wait_for_function(CELLS_SETTLED, timeout=START_TIMEOUT * 1000, polling=250)
    except sync_api.TimeoutError:
        pytest.fail("Run All Cells did not finish" + lab_page.diagnostics())
    errors = page.evaluate(CELL_ERRORS)
    assert errors == [], "a cell raised:\n" + "\n".join(errors) + lab_page.diagnostics()

    # Browse: the county table; what if: the official comparison.
    browse = page.locator(".widget-html", has_text="个申报县")
    expect(browse).to_have_count(1, timeout=UPDATE_TIMEOUT * 1000)
    assert re.search(r"\d+ 个申报县", browse.text_content()), browse.text_content()[:200]
    changes = page.locator(".widget-html", has_text="与正式参数相比")
    expect(changes).to_have_count(1, timeout=UPDATE_TIMEOUT * 1000)
    expect(changes).to_contain_text(SAME)
    for heading in ("浏览", "假如（仅供探索，不改变正式结果）", "稳健性", "记录评审决定"):
        expect(page.locator(".widget-html h3", has_text=heading)).to_have_count(1)

    # Lower "模范名额" by one through the slider's editable readout.
    slider = page.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text=re.compile(r"^模范名额$")))
    expect(slider).to_have_count(1)
    readout = slider.locator(".widget-readout")
    expect(readout).to_have_text(str(official))
    _type_into_readout(readout, official - 1)

    expect(changes).not_to_contain_text(SAME, timeout=UPDATE_TIMEOUT * 1000)
    expect(changes).to_contain_text("模范 → 先进")
    assert _table_rows(changes) == expected_rows, lab_page.diagnostics()
    assert any(row[-1] == "模范 → 先进" for row in _table_rows(changes))

    # "恢复正式参数" brings the official quota and the official comparison back; then lower it again.
    page.locator("button.widget-button", has_text="恢复正式参数").click()
    expect(readout).to_have_text(str(official), timeout=UPDATE_TIMEOUT * 1000)
    expect(changes).to_contain_text(SAME, timeout=UPDATE_TIMEOUT * 1000)
    _type_into_readout(readout, official - 1)
    expect(changes).to_contain_text("模范 → 先进", timeout=UPDATE_TIMEOUT * 1000)

    assert lab_page.blocked == [], f"the page tried to reach the network: {lab_page.blocked}"
    assert lab_page.page_errors == [], lab_page.page_errors
    print(f"\nworkbench in JupyterLab: ready, run, changed and reset in {time.monotonic() - started:.1f} s")

    # Screenshots of the what-if view: as this machine draws it, then legible with the packaged font.
    page.locator(".widget-html h3", has_text="假如").evaluate("h => h.scrollIntoView({block: 'start'})")
    page.mouse.move(0, 0)
    raw = page.screenshot(path=str(tmp_path / "workbench-system-fonts.png"))
    assert raw.startswith(b"\x89PNG")
    page.add_style_tag(content=f'@font-face {{ font-family: "{SCREENSHOT_FONT}"; unicode-range: {CJK_RANGES}; '
                               f'src: url("{lab_page.font_url}") format("opentype"); }} '
                               '.jupyter-widgets select { font-family: var(--jp-ui-font-family); }')
    loaded = page.evaluate("""async (family) => {
        const root = document.documentElement, style = getComputedStyle(root);
        for (const name of ['--jp-ui-font-family', '--jp-content-font-family', '--jp-code-font-family',
                            '--jp-widgets-font-family']) {
            const value = style.getPropertyValue(name).trim();
            if (value) root.style.setProperty(name, `"${family}", ${value}`);
        }
        await document.fonts.load(`16px "${family}"`, '县');
        await document.fonts.ready;
        return document.fonts.check(`16px "${family}"`, '县');
    }""", SCREENSHOT_FONT)
    assert loaded, "the packaged Chinese font did not load in the page"
    shot = tmp_path / "workbench.png"
    png = page.screenshot(path=str(shot))
    assert png.startswith(b"\x89PNG") and shot.stat().st_size > 20_000
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
