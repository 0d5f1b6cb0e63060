"""``landassess app``: time to the first view in the browser, against Voilà on an empty notebook (item 8).

In one run, alternating: ``landassess app`` on a copy of the demo years (2024 first) is started and
headless Chromium (Debian's, through Playwright) opens its token URL; the time is from starting the
command to the 浏览 view's county table on screen. The baseline is ``voila`` on one empty notebook
(issue 22): from starting the command to the page rendered, its spinner gone. Goal ≤ 2×. JupyterLab
on the same empty notebook (to its kernel idle) is measured too, for the note. Memory per tab: the
app's kernel RSS once the first view is shown. Then what-if interactions in the app: the Python side of one widget change
(``Workbench.model_quota`` set → comparison recomputed and rendered, goal < 100 ms each) and the
browser round trip of typing a new 模范名额 until the comparison shows the change. Benchmarks report,
they never fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import REPO, median
from benchmarks.table import Figure, met, ratio, seconds

RATIO_GOAL, WHATIF_GOAL_MS = 2.0, 100.0
TIMEOUT = 240
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
EMPTY_NOTEBOOK = {"cells": [], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
VOILA_DONE = """() => {
    const loading = document.getElementById('loading');
    return !!document.querySelector('#rendered_cells')
        && (!loading || loading.style.display === 'none' || getComputedStyle(loading).display === 'none');
}"""
KERNEL_IDLE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}"""


@dataclass
class AppTiming:
    app: list[float] = field(default_factory=list)
    lab: list[float] = field(default_factory=list)
    voila: list[float] = field(default_factory=list)
    kernel_mib: list[float] = field(default_factory=list)
    whatif_ms: list[float] = field(default_factory=list)
    browser_whatif_ms: list[float] = field(default_factory=list)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _free_port() -> int:
    from landassess.run.app import free_port

    return free_port()


def _stop(process: subprocess.Popen) -> None:
    for sig in (signal.SIGINT, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=20)
            break
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _start(command: list[str], cwd: Path, log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("wb") as handle:
        return subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _url(log: Path, pattern: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        found = re.search(pattern, log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return found.group(0)
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)
    raise RuntimeError("no URL printed")


def _goto_until(page, url: str, wait) -> None:
    """Open ``url``, retrying while the server is not listening yet, then ``wait()``."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            page.goto(url, wait_until="domcontentloaded", timeout=TIMEOUT * 1000)
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    wait()


def _app_once(chromium, base: Path, env: dict[str, str], timing: AppTiming, interact: bool) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "landassess.cli", "app", "--data-root", str(base / "data"), "--out-root",
               str(base / "out"), "--year", "2024", "--port", str(port), "--no-browser"]
    started = time.perf_counter()
    process = _start(command, base, base / "app.log", env)
    try:
        url = _url(base / "app.log", r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", process)
        page = chromium.new_page()
        table = page.locator(".widget-html", has_text="个申报县")
        _goto_until(page, url, lambda: table.wait_for(state="visible", timeout=TIMEOUT * 1000))
        timing.app.append(time.perf_counter() - started)
        timing.kernel_mib.extend(_kernel_mib(process))
        if interact:
            changes = page.locator(".widget-html", has_text="与正式参数相比")
            slider = page.locator(".widget-slider").filter(has=page.locator(".widget-label", has_text="模范名额"))
            readout = slider.locator(".widget-readout")
            official = int(readout.text_content())
            for value in (official - 1, official, official + 1, official):
                before = changes.inner_html()
                readout.click()
                page.keyboard.press("ControlOrMeta+A")
                page.keyboard.type(str(value))
                clicked = time.perf_counter()
                page.keyboard.press("Enter")
                page.wait_for_function("([el, before]) => el.innerHTML !== before", arg=[changes.element_handle(), before],
                                       timeout=30_000, polling="raf")
                timing.browser_whatif_ms.append((time.perf_counter() - clicked) * 1000)
        page.close()
    finally:
        _stop(process)


def _kernel_mib(process: subprocess.Popen) -> list[float]:
    """The resident memory of each kernel the server runs (one per open tab), in MiB."""
    import psutil

    found = []
    for child in psutil.Process(process.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child.memory_info().rss / 2**20)
        except psutil.Error:
            continue
    return found


def _time_to_page(chromium, command: list[str], base: Path, log: str, env: dict[str, str], url: str,
                  done: str) -> float:
    """Seconds from starting ``command`` (a server in ``base/lab``) until ``done`` holds on ``url``; the server stopped."""
    started = time.perf_counter()
    process = _start(command, base / "lab", base / log, env)
    try:
        page = chromium.new_page()
        _goto_until(page, url, lambda: page.wait_for_function(done, timeout=TIMEOUT * 1000, polling=50))
        elapsed = time.perf_counter() - started
        page.close()
        return elapsed
    finally:
        _stop(process)


def _voila_once(chromium, base: Path, env: dict[str, str], timing: AppTiming) -> None:
    port, token = _free_port(), "benchmark" + str(os.getpid())
    command = [sys.executable, "-m", "voila", str(base / "lab" / "empty.ipynb"), "--no-browser",
               "--Voila.ip=127.0.0.1", f"--port={port}", "--Voila.port_retries=0", f"--token={token}"]
    timing.voila.append(_time_to_page(chromium, command, base, "voila.log", env,
                                      f"http://127.0.0.1:{port}/?token={token}", VOILA_DONE))


def _lab_once(chromium, base: Path, env: dict[str, str], timing: AppTiming) -> None:
    port, token = _free_port(), "benchmark" + str(os.getpid())
    settings = base / "lab-settings"
    notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={base / 'lab'}",
               "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly", "--LabApp.expose_app_in_browser=True",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={base / 'workspaces'}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    timing.lab.append(_time_to_page(chromium, command, base, "lab.log", env,
                                    f"http://127.0.0.1:{port}/lab/tree/empty.ipynb?token={token}", KERNEL_IDLE))


def _whatif_python(timing: AppTiming) -> None:
    from landassess.workbench.views import Workbench

    bench = Workbench(REPO / "demo", 2024)
    official = bench.model_quota.value
    for value in (official - 1, official, official + 1, official, official - 2):
        started = time.perf_counter()
        bench.model_quota.value = value
        timing.whatif_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    bench.dimension_weights[next(iter(bench.dimension_weights))].value = 1.3
    timing.whatif_ms.append((time.perf_counter() - started) * 1000)


def measure_app(repeat: int, log=_say) -> AppTiming | str:
    """The timings, or why they could not be taken."""
    if not CHROMIUM.is_file():
        return f"not measured: {CHROMIUM} is missing"
    try:
        import voila  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        return f"not measured: {error}"
    timing = AppTiming()
    _whatif_python(timing)
    with tempfile.TemporaryDirectory(prefix="landassess-bench-app-") as temp:
        base = Path(temp)
        for year in ("2022", "2023", "2024"):
            shutil.copytree(REPO / "demo" / year, base / "data" / year)
        (base / "lab").mkdir()
        (base / "lab" / "empty.ipynb").write_text(json.dumps(EMPTY_NOTEBOOK), encoding="utf-8")
        env = {**os.environ, "MPLCONFIGDIR": str(base / "mpl"), "JUPYTER_CONFIG_DIR": str(base / "config"),
               "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "IPYTHONDIR": str(base / "ipython")}
        env.pop("JUPYTER_TOKEN", None)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                for run in range(repeat):
                    log(f"    run {run + 1}/{repeat}: landassess app, then voila, then jupyter lab …")
                    _app_once(chromium, base, env, timing, interact=run == 0)
                    _voila_once(chromium, base, env, timing)
                    _lab_once(chromium, base, env, timing)
            finally:
                chromium.close()
    return timing


def app_figures(timing: AppTiming | str, repeat: int) -> list[Figure]:
    """8a: app start to first view vs JupyterLab on an empty notebook (≤ 2×); 8b: what-if interactions."""
    if isinstance(timing, str):
        return [Figure("8a. landassess app to first view vs Voilà on an empty notebook", "—", note=timing)]
    app, lab, voila = median(timing.app), median(timing.lab), median(timing.voila)
    memory = f"; kernel per tab {median(timing.kernel_mib):.0f} MiB" if timing.kernel_mib else ""
    slowest = max(timing.whatif_ms)
    browser = f"; browser round trip {[round(t) for t in timing.browser_whatif_ms]} ms" if timing.browser_whatif_ms else ""
    return [
        Figure("8a. landassess app (demo, 2024) to first view vs Voilà on an empty notebook",
               seconds(app), seconds(voila), ratio(app / voila), f"≤ {RATIO_GOAL:g}×", met(app / voila <= RATIO_GOAL),
               note=(f"medians of {repeat}; app {[round(t, 2) for t in timing.app]} s, Voilà "
                     f"{[round(t, 2) for t in timing.voila]} s, JupyterLab to kernel idle {seconds(lab)}; all from "
                     f"starting the command, in headless Chromium{memory}")),
        Figure("8b. what-if interaction in the workbench (slowest of the widget changes)", f"{slowest:.0f} ms",
               goal=f"< {WHATIF_GOAL_MS:g} ms", met=met(slowest < WHATIF_GOAL_MS),
               note=(f"Python side (widget set → comparison rendered) {[round(t) for t in timing.whatif_ms]} ms"
                     f"{browser}")),
    ]
