"""The whole year through ``landassess app`` in headless Chromium (SPEC 8.5, issue 20).

``landassess app`` is started with no arguments in an empty folder: there is no department folder,
so it opens a scratch copy of the demo (2022, 2023 complete; 2024 from 收集材料 on) and says so.
The test clicks every step of the year in the page — 生成模板, 收集材料 (the folder chosen from a
list), 检查数据, 运行评估 (with PDF), 起草公文, 定稿, 重新发布 (reason, confirmation) — checks what
each wrote, that no internal id is on screen, and screenshots each step into
``<temp>/landassess-screenshots/year-*.png`` (artefacts for a person, not in the repository).
Then 11 tabs are opened and closed: at most 2 kernels may be left 30 s later.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from browser_support import launched_chromium, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(tempfile.gettempdir()) / "landassess-screenshots"
START, RUN, STEP = 180, 300, 120  # seconds
FONT_PATH = "/__landassess_test__/NotoSansSC-Regular.otf"

sync_api = require_browser()
pytest.importorskip("voila", reason="voila is not installed (pip install -e .)", exc_type=ImportError)


def _internal_ids() -> set[str]:
    from landassess.vocabulary import STATUSES, VETOES

    ids = set(STATUSES) | set(VETOES) | {"model", "advanced", "tie_pending", "disqualified"}
    return {i for i in ids if "_" in i or len(i) > 6}


class App:
    def __init__(self, cwd: Path, *args: str):
        from landassess.run.app import free_port

        self.port = free_port()
        self.log = cwd.parent / f"{cwd.name}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLCONFIGDIR": str(cwd.parent / "mpl")}
        env.pop("JUPYTER_TOKEN", None)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "landassess.cli", "app", *args, "--port",
                                             str(self.port), "--no-browser"], cwd=cwd, env=env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline, self.url = time.monotonic() + 120, None
        while time.monotonic() < deadline and self.url is None:
            assert self.process.poll() is None, self.tail()
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", self.tail())
            self.url = found.group(0) if found else None
            time.sleep(0.2)
        assert self.url, self.tail()
        self.root = Path(re.search(r"演示数据的临时副本 (\S+)；", self.tail()).group(1))
        while time.monotonic() < deadline + START:  # the server answers
            assert self.process.poll() is None, self.tail()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)

    def tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        for sig in (signal.SIGINT, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=20)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("empty-folder")
    server = App(cwd)
    try:
        yield server
    finally:
        server.stop()


def _shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.add_style_tag(content=(f'@font-face {{ font-family: "LA Shot CJK"; src: url("{FONT_PATH}"); }} '
                                'body, button, input, select, textarea { font-family: "LA Shot CJK", sans-serif; }'))
    path = SHOTS / f"year-{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def _step(page, button: str, done: str, timeout: int = STEP) -> str:
    expect = sync_api.expect
    page.get_by_role("button", name=button, exact=True).click()
    status = page.locator(".widget-html", has_text=re.compile(f"{done}：(已完成|未完成)"))
    expect(status).to_have_count(1, timeout=timeout * 1000)
    return page.locator("body").inner_text()


def test_the_whole_year_in_the_page(app):
    from landassess.publish.fonts import cjk_font_path

    expect = sync_api.expect
    ids = _internal_ids()
    with launched_chromium(sync_api) as chromium:
        context = chromium.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN")

        def route(route):
            if route.request.url.endswith(FONT_PATH):
                route.fulfill(status=200, content_type="font/otf", body=cjk_font_path().read_bytes())
            elif route.request.url.startswith((f"http://127.0.0.1:{app.port}/", f"ws://127.0.0.1:{app.port}/",
                                               "data:", "blob:")):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto(app.url, wait_until="domcontentloaded", timeout=START * 1000)
        expect(page.get_by_role("button", name="建立年度")).to_have_count(1, timeout=START * 1000)
        text = page.locator("body").inner_text()
        assert "演示数据的临时副本" in text and "收集材料后显示" in text
        shots = [_shot(page, "0-opened")]

        for button, check in (("生成模板", lambda: (app.root / "templates" / "2024" / "县级申报材料").is_dir()),
                              ("收集材料", lambda: (app.root / "data" / "2024" / "declarations.csv").is_file()),
                              ("检查数据", lambda: (app.root / "outputs" / "2024-补正通知").is_dir())):
            text = _step(page, button, button)
            assert f"{button}：已完成" in text, text[-2000:]
            assert check(), button
            shots.append(_shot(page, f"{len(shots)}-{button}"))
        expect(page.locator("h3", has_text="稳健性")).to_have_count(1, timeout=STEP * 1000)  # views appeared

        page.get_by_label("同时生成 PDF").check()
        text = _step(page, "运行评估", "运行评估", RUN)
        assert "运行评估：已完成" in text, text[-2000:]
        out = app.root / "outputs" / "2024"
        assert (out / "report.html").is_file() and (out / "report.pdf").is_file()
        shots.append(_shot(page, f"{len(shots)}-运行评估"))

        text = _step(page, "起草公文", "起草公文")
        assert (out / "公示" / "公示公告.docx").is_file(), text[-2000:]
        with page.expect_download(timeout=STEP * 1000) as download:  # the link to what it wrote, behind the token
            page.get_by_role("link", name="公示公告.docx").click()
        assert download.value.suggested_filename == "公示公告.docx"
        shots.append(_shot(page, f"{len(shots)}-起草公文"))

        page.get_by_role("button", name="定稿", exact=True).click()
        expect(page.get_by_role("button", name="确认定稿")).to_be_visible()
        text = _step(page, "确认定稿", "定稿")
        assert "2024 年度已定稿" in text and (out / "FINALIZED.json").is_file()
        shots.append(_shot(page, f"{len(shots)}-定稿"))

        page.get_by_placeholder(re.compile("重新发布的原因")).fill("异议成立（浏览器测试）")
        page.get_by_role("button", name="重新发布", exact=True).click()
        expect(page.get_by_role("button", name="确认重新发布")).to_be_visible()
        text = _step(page, "确认重新发布", "重新发布", RUN)
        assert "重新发布：已完成" in text and "与原定稿结果（v1" in text, text[-2000:]
        assert (out / "versions" / "v1" / "report.html").is_file()
        shots.append(_shot(page, f"{len(shots)}-重新发布"))

        visible = page.locator("body").inner_text()
        assert not [i for i in ids if re.search(rf"\b{re.escape(i)}\b", visible)]
        assert "--force" not in visible
        context.close()
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in shots)
    print(f"\nscreenshots: {SHOTS}/year-*.png")


def test_closed_tabs_leave_at_most_two_kernels(app):
    import psutil

    def kernels() -> int:
        found = 0
        for child in psutil.Process(app.process.pid).children(recursive=True):
            try:  # a kernel that is just ending may be a zombie for a moment: not a running kernel
                found += child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline())
            except psutil.Error:
                continue
        return found

    with launched_chromium(sync_api) as chromium:
        context = chromium.new_context()
        opened = 0
        for batch in (3, 3, 3, 2):  # 11 tabs, a few at a time (each starts a kernel that runs the notebook)
            pages = [context.new_page() for _ in range(batch)]
            for page in pages:
                page.goto(app.url, wait_until="commit", timeout=START * 1000)
            for page in pages:
                sync_api.expect(page.get_by_role("button", name="建立年度")).to_have_count(1, timeout=START * 1000)
            opened += batch
            for page in pages:
                page.close()
        assert opened == 11
        context.close()
    deadline = time.monotonic() + 30
    while kernels() > 2 and time.monotonic() < deadline:
        time.sleep(1)
    assert kernels() <= 2
