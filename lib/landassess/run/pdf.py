"""``landassess run --pdf``: print the year's ``report.html`` to an A4 ``report.pdf`` with a headless browser.

The browser is one already on the machine, driven through its DevTools protocol
(:mod:`landassess.run.devtools`; no Playwright): Debian ``/usr/bin/chromium``, ``chromium-browser``,
Google Chrome, or Microsoft Edge (present on every Windows 10/11 PC). ``LANDASSESS_BROWSER`` may
name the executable. The page is printed offline: every request that is not ``file:`` or ``data:``
is failed. The print styles of the report
(``report.css``) expand every collapsed section, repeat table headers and put wide tables on
landscape pages; :func:`page_margin_style` adds the running header (year, 演示数据) and the page
numbers, in an inlined font so they are Chinese too; the browser adds the section bookmarks.

When no browser is found, :func:`write_pdf` returns a Chinese message saying what to install;
the run still writes its HTML report and exits 0 with that warning (README, ``--pdf``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

_POSIX_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge",
                "microsoft-edge-stable")
_POSIX_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium",
                "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
                "/Applications/Chromium.app/Contents/MacOS/Chromium")
_WINDOWS_PATHS = (r"Microsoft\Edge\Application\msedge.exe", r"Google\Chrome\Application\chrome.exe")

NO_BROWSER_MESSAGE = (
    "警告：未找到可用于生成 PDF 的浏览器（Chromium、Chrome 或 Edge），本次未写出 report.pdf；"
    "report.html 等结果已正常写出。\n"
    "安装方法：Debian/Ubuntu 运行 sudo apt-get install chromium；Windows 通常已自带 Microsoft Edge，"
    "如没有请安装 Google Chrome 或 Edge；也可用环境变量 LANDASSESS_BROWSER 指定浏览器程序的路径。"
    "之后重新运行 landassess run ... --pdf。"
)


class BrowserLaunchError(RuntimeError):
    """The browser found could not be started."""


@dataclass(frozen=True)
class Browser:
    """A browser executable on this machine, and the name a message gives it."""

    label: str
    executable_path: str


def find_browser() -> Browser | None:
    """The first browser found on this machine, or ``None``."""
    chosen = os.environ.get("LANDASSESS_BROWSER", "").strip()
    if chosen:
        path = shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
        return Browser(chosen, executable_path=path) if path else None
    if sys.platform == "win32":
        roots = [os.environ.get(v) for v in ("PROGRAMFILES(X86)", "PROGRAMFILES", "LOCALAPPDATA")]
        for relative in _WINDOWS_PATHS:
            for root in filter(None, roots):
                if (Path(root) / relative).is_file():
                    return Browser(relative.split("\\")[0], executable_path=str(Path(root) / relative))
        found = shutil.which("msedge") or shutil.which("chrome")
        return Browser(Path(found).stem, executable_path=found) if found else None
    for path in _POSIX_PATHS:
        if Path(path).is_file() and os.access(path, os.X_OK):
            return Browser(Path(path).name, executable_path=path)
    for name in _POSIX_NAMES:
        found = shutil.which(name)
        if found:
            return Browser(name, executable_path=found)
    return None


HEADER_FAMILY = "Landassess PDF Header"


_HEADER_TEXT = "0123456789 年度江苏省土地执法模范县（市、区）创建活动评估报告演示数据，非真实评估结果第页共定稿版·"


def header_font_css() -> str:
    """The ``@font-face`` of the header and footer: the report's font cut to their characters."""
    from landassess.publish.webfont import FAMILY, subset_font_css

    return subset_font_css(_HEADER_TEXT).replace(f'font-family: "{FAMILY}"', f'font-family: "{HEADER_FAMILY}"')


def page_margin_style(folder: Path, font_css: str | None = None) -> str:
    """CSS for the running header (year, 定稿 第N版, 演示数据) and the page numbers, with their glyphs inlined.

    Chromium 156 draws ``page.pdf(header_template=...)`` before an inlined ``@font-face`` has
    loaded (the Chinese came out as empty boxes), so the header and footer are CSS page-margin
    boxes of the report itself, set in a font cut to their own characters.
    """
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    title = f"{manifest.get('year', '')} 年度江苏省土地执法模范县（市、区）创建活动评估报告".strip()
    demo = "演示数据，非真实评估结果" if manifest.get("is_demo") else ""
    edition = _final_label(folder)
    demo = " · ".join(part for part in (edition, demo) if part)
    font = font_css or header_font_css()
    box = f"font-family: '{HEADER_FAMILY}', sans-serif; font-size: 7.5pt; color: #5f6b7a;"
    return (f"{font}\n@page {{ @top-left {{ content: {_css_string(title)}; {box} }}"
            f" @top-right {{ content: {_css_string(demo)}; {box} color: #8a4b00; font-weight: bold; }}"
            f' @bottom-center {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页"; {box} }} }}')


def _final_label(folder: Path) -> str:
    """``定稿 第N版`` when ``folder`` is finalised (its FINALIZED.json), else empty (SPEC 8.4)."""
    from landassess.paths import LOCK_FILE
    from landassess.publish.report.edition import final_label

    try:
        return final_label(json.loads((folder / LOCK_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_pdf(report: Path, pdf: Path, browser: Browser) -> None:
    """Print ``report`` (an HTML file) to ``pdf`` with ``browser``; the page sees no network."""
    printer = PdfPrinter(browser)
    try:
        warning = printer.print(report.parent, report, pdf)
    finally:
        printer.close()
    if warning:
        raise BrowserLaunchError(warning)


def write_pdf(folder: Path, browser: Browser | None = None) -> str | None:
    """``folder/report.pdf`` from ``folder/report.html``; a Chinese warning instead when it cannot be printed."""
    printer = PdfPrinter(browser)
    try:
        return printer.print(folder)
    finally:
        printer.close()


class PdfPrinter:
    """A browser started in a background thread (while the notebook runs) that prints one report.

    :meth:`print` hands the thread the folder and returns ``None`` or the Chinese warning;
    :meth:`close` stops the browser if it was not used.
    """

    def __init__(self, browser: Browser | None = None):
        import queue
        import threading
        from concurrent.futures import Future

        self._requests: queue.Queue = queue.Queue()
        self._result: Future = Future()
        self._thread = threading.Thread(target=self._work, args=(browser,), name="landassess-pdf", daemon=True)
        self._thread.start()

    def print(self, folder: Path, report: Path | None = None, pdf: Path | None = None) -> str | None:
        """Print ``folder/report.html`` to ``folder/report.pdf``; ``None``, or why it could not."""
        self._requests.put((folder, report or folder / "report.html", pdf or folder / "report.pdf"))
        return self._result.result()

    def close(self) -> None:
        self._requests.put(None)
        self._thread.join(timeout=30)

    def _work(self, browser: Browser | None) -> None:
        try:
            self._result.set_result(self._print_when_asked(browser))
        except BaseException as error:  # noqa: BLE001 - handed to the caller of print()
            self._result.set_exception(error)

    def _print_when_asked(self, browser: Browser | None) -> str | None:
        from landassess.run.devtools import DevToolsError, HeadlessBrowser

        browser = browser or find_browser()
        if browser is None:
            return NO_BROWSER_MESSAGE
        try:
            headless = HeadlessBrowser(browser.executable_path)
        except DevToolsError as error:
            return NO_BROWSER_MESSAGE + f"\n（{browser.label} 无法启动：{error}）"
        try:
            font = header_font_css()  # while the notebook still runs
            request = self._requests.get()
            if request is None:
                return None
            folder, report, pdf = request
            try:
                headless.print_to_pdf(report, pdf, page_margin_style(folder, font), f"8pt '{HEADER_FAMILY}'")
            except DevToolsError as error:
                pdf.unlink(missing_ok=True)
                return f"警告：{browser.label} 未能打印 report.pdf（{error}）；report.html 等结果已正常写出。"
        finally:
            headless.close()
        return None
