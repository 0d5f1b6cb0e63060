"""The year's steps as buttons (``landassess app``, SPEC 8.5).

生成模板, 生成评分表, 收集材料, 检查数据 (with the 补正通知), 运行评估 (with PDF), 起草公文, 定稿 and
重新发布 — each through the functions the command line uses (:mod:`landassess.workbench.steps`), so
through the same owner-checked writer and folder lock (SPEC 7.1). Folders come from the department
folder and the chosen year: 收集材料 offers the folders under ``returned/<Y>/``, nothing is typed.
定稿 and 重新发布 ask for a confirmation; 重新发布 also for its reason. Each step runs in a thread, the
page shows its progress and then its result with links to what it wrote. Errors are shown in
Chinese: a :class:`~landassess.errors.LandassessError` by its ``message``, anything else as one
内部错误 line, never a traceback.
"""

from __future__ import annotations

import html
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from landassess.errors import LandassessError
from landassess.workbench import steps

SCRATCH = Path(tempfile.gettempdir()) / "landassess-workbench"
"""Output root when none is given (a notebook opened in JupyterLab): never the user's ``outputs/``."""
EXPECTED_RUN_SECONDS = 30.0
"""How long a year's run usually takes: the progress bar's scale (it stops short of full until done)."""
BUTTON_LAYOUT = {"width": "auto", "min_width": "96px"}
LINK_STYLE = ("display:inline-block;padding:4px 14px;background:#2e7d32;color:#fff;border-radius:2px;"
              "text-decoration:none;font-weight:bold")
"""打开报告 is a link (a new tab on the report route), drawn like the buttons beside it."""
FINALIZED_RUN = ("本年度已定稿，不能直接重新运行。如异议成立等原因需要按新的材料重新出具，请在下方“重新发布”中写明原因后"
                 "点击“重新发布”（原结果保留为历史版本）。")
validation_html = steps.validation_html  # kept where earlier code and tests found it


def error_html(message: str) -> str:
    return f'<p class="la-error" style="color:#b3261e;white-space:pre-wrap">{html.escape(message)}</p>'


def internal_error(error: BaseException) -> str:
    return f"内部错误（程序缺陷，请把这一行发给维护人员）：{type(error).__name__}: {error}"


class Actions:
    """The step buttons over one year of a department folder; ``desk`` gives the folders and reloads views.

    ``desk`` needs ``folders()`` (a :class:`~landassess.workbench.steps.YearFolders` for the chosen
    year), ``year_changed(callback)`` and ``reload()``; :class:`~landassess.workbench.desk.Desk` is one.
    """

    def __init__(self, desk, report_url: str | None = None):
        import ipywidgets as w

        self.desk = desk
        self.report_url = (report_url or "").rstrip("/") or None
        layout = w.Layout(**BUTTON_LAYOUT)

        def button(text: str, style: str = "") -> w.Button:
            return w.Button(description=text, button_style=style, layout=layout)

        self.template_button = button("生成模板")
        self.sheets_button = button("生成评分表")
        self.collect_from = w.Dropdown(description="交回材料", layout=w.Layout(width="420px"))
        self.collect_button = button("收集材料")
        self.validate_button = button("检查数据", "info")
        self.pdf = w.Checkbox(value=False, description="同时生成 PDF", indent=False, layout=w.Layout(width="auto"))
        self.run_button = button("运行评估", "primary")
        self.documents_button = button("起草公文")
        self.finalize_button = button("定稿", "warning")
        self.confirm_button = button("确认定稿", "danger")
        self.cancel_button = button("取消")
        self.confirm_box = w.HBox([w.HTML("<b>定稿后结果锁定；如异议成立需要重新出具，请用“重新发布”（原结果保留为历史版本）。"
                                          "确定定稿吗？</b>"), self.confirm_button, self.cancel_button],
                                  layout=w.Layout(display="none"))
        self.reason = w.Textarea(description="原因", placeholder="重新发布的原因（必填），如：异议成立，见省厅复核意见",
                                 layout=w.Layout(width="520px", height="60px"))
        self.reissue_button = button("重新发布", "danger")
        self.confirm_reissue_button = button("确认重新发布", "danger")
        self.cancel_reissue_button = button("取消")
        self.reissue_box = w.HBox([w.HTML(), self.confirm_reissue_button, self.cancel_reissue_button],
                                  layout=w.Layout(display="none"))
        self.report_link = w.HTML()
        self.status = w.HTML()
        self.progress = w.FloatProgress(value=0, min=0, max=100, description="进度",
                                        layout=w.Layout(display="none", width="420px"))
        self.message = w.HTML()
        self.buttons = [self.template_button, self.sheets_button, self.collect_button, self.validate_button,
                        self.run_button, self.documents_button, self.finalize_button, self.confirm_button,
                        self.reissue_button, self.confirm_reissue_button]
        self._thread: threading.Thread | None = None
        self._wire()
        desk.year_changed(self.refresh)
        self.refresh()

    def _wire(self) -> None:
        def step(name: str, function, reload: bool = False):
            def act() -> None:
                self.message.value = function(self.folders)
                if reload:
                    self.desk.reload()
            return lambda _: self.start(name, act)

        self.template_button.on_click(step("生成模板", steps.make_templates))
        self.sheets_button.on_click(step("生成评分表", steps.make_score_sheets))
        self.collect_button.on_click(lambda _: self.start("收集材料", self.collect))
        self.validate_button.on_click(step("检查数据", steps.validate))
        self.run_button.on_click(lambda _: self.start("运行评估", self.run))
        self.documents_button.on_click(step("起草公文", steps.draft_documents))
        self.finalize_button.on_click(lambda _: self.ask_to_finalize())
        self.confirm_button.on_click(step("定稿", steps.finalize))
        self.cancel_button.on_click(lambda _: self._hide_confirmation())
        self.reissue_button.on_click(lambda _: self.ask_to_reissue())
        self.confirm_reissue_button.on_click(lambda _: self.start("重新发布", self.reissue))
        self.cancel_reissue_button.on_click(lambda _: self._hide_confirmation())

    # ------------------------------------------------------------------ where

    @property
    def folders(self) -> steps.YearFolders:
        return self.desk.folders()

    @property
    def year(self) -> int:
        return self.folders.year

    @property
    def out(self) -> Path:
        return self.folders.out

    def refresh(self) -> None:
        """After the year changed or a step ended: the folders to collect from and the report link."""
        if self.desk.year_value() is None:
            self.collect_from.options = []
            self.report_link.value = ""
            return
        choices = steps.returned_folders(self.folders)
        self.collect_from.options = choices
        if choices:
            self.collect_from.value = choices[0][1]
        self.refresh_report_link()

    # ------------------------------------------------------------------ running a step

    def start(self, name: str, action) -> None:
        """Run ``action`` in a thread, buttons disabled meanwhile; its errors shown in Chinese."""
        if self._thread is not None and self._thread.is_alive():
            self.status.value = "<p>请等待当前操作完成。</p>"
            return
        self._hide_confirmation()
        if self.desk.year_value() is None:
            self.status.value = "<p>请先建立年度。</p>"
            return
        for button in self.buttons:
            button.disabled = True
        self.status.value = f"<p><b>{html.escape(name)}</b>：进行中…</p>"
        self.message.value = ""
        self.progress.layout.display = "none"
        self._thread = threading.Thread(target=self._guarded, args=(name, action), daemon=True)
        self._thread.start()

    def _guarded(self, name: str, action) -> None:
        try:
            action()
            self.status.value = f"<p><b>{html.escape(name)}</b>：已完成。</p>"
        except LandassessError as error:
            self.status.value = f"<p><b>{html.escape(name)}</b>：未完成。</p>"
            self.message.value = error_html(error.message)
        except Exception as error:  # a bug: one Chinese line, never a traceback in the page
            self.status.value = f"<p><b>{html.escape(name)}</b>：未完成。</p>"
            self.message.value = error_html(internal_error(error))
        finally:
            for button in self.buttons:
                button.disabled = False
            self.refresh()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current step is done (for tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # ------------------------------------------------------------------ the steps that need more than a call

    def collect(self) -> None:
        if not self.collect_from.value:
            raise LandassessError(f"没有可收集的文件夹：请把交回的工作簿放进 {self.folders.returned_root / str(self.year)}，"
                                  "再点击“收集材料”。")
        self.message.value = steps.collect(self.folders, Path(self.collect_from.value))
        self.desk.reload()

    def run(self) -> None:
        from landassess.run.versions import is_finalized

        if is_finalized(self.out):
            raise LandassessError(FINALIZED_RUN)
        self._run_child("运行评估", steps.run_command(self.folders, pdf=self.pdf.value))

    def ask_to_reissue(self) -> None:
        from landassess.run.versions import is_finalized

        if not is_finalized(self.out):
            self.status.value = "<p>本年度尚未定稿：直接点击“运行评估”即可。</p>"
            return
        if not " ".join(self.reason.value.split()):
            self.status.value = "<p>请先在“原因”中写明重新发布的原因。</p>"
            return
        self.reissue_box.children[0].value = (f"<b>将重新发布 {self.year} 年度：原定稿结果保留为历史版本，新结果仍为定稿。"
                                              f"原因：{html.escape(self.reason.value.strip())}。确定吗？</b>")
        self.reissue_box.layout.display = None

    def reissue(self) -> None:
        reason = " ".join(self.reason.value.split())
        if not reason:
            raise LandassessError("请先写明重新发布的原因。")
        self._run_child("重新发布", steps.run_command(self.folders, pdf=self.pdf.value, reason=reason))
        self.message.value += steps.changes_html(self.folders)
        self.reason.value = ""

    def _run_child(self, name: str, command: list[str]) -> None:
        """``landassess run`` in a child process; progress shown every half second until it ends."""
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
        self.progress.value, self.progress.bar_style = 0, "info"
        self.progress.layout.display = None
        started = time.monotonic()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace", env=env,
                                   creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        reader = threading.Thread(target=lambda: setattr(self, "_output", process.communicate()), daemon=True)
        reader.start()
        while reader.is_alive():
            elapsed = time.monotonic() - started
            self.progress.value = min(95.0, 100 * elapsed / EXPECTED_RUN_SECONDS)
            self.status.value = f"<p><b>{name}</b>：运行中… 已用 {elapsed:.0f} 秒</p>"
            reader.join(0.5)
        stdout, stderr = self._output
        self.progress.value = 100
        if process.returncode == 0:
            self.progress.bar_style = "success"
            self.message.value = steps.run_result(self.folders, stdout + ("\n" + stderr if stderr.strip() else ""))
            return
        self.progress.bar_style = "danger"
        lines = [line for line in stderr.strip().splitlines() if line.strip()] or [f"运行失败（退出码 {process.returncode}）"]
        raise LandassessError("\n".join(lines[-12:]))

    def ask_to_finalize(self) -> None:
        self.confirm_box.layout.display = None
        self.message.value = f"<p>将定稿 {self.year} 年度：{html.escape(str(self.out))}</p>"

    def _hide_confirmation(self) -> None:
        self.confirm_box.layout.display = "none"
        self.reissue_box.layout.display = "none"

    # ------------------------------------------------------------------ the report

    def refresh_report_link(self) -> None:
        report = self.out / "report.html"
        if not report.is_file():
            self.report_link.value = f"<p>打开报告：{self.year} 年度还没有报告（先点击“运行评估”）。</p>"
        elif self.report_url:
            href = f"{self.report_url}/{self.year}/report.html"
            self.report_link.value = (f'<p><a class="la-report-link" href="{html.escape(href)}" target="_blank" '
                                      f'rel="noopener" style="{LINK_STYLE}">打开报告（{self.year} 年度）</a>'
                                      f'<span class="la-note">　{html.escape(str(report))}</span></p>')
        else:
            self.report_link.value = f"<p>打开报告：{html.escape(str(report))}</p>"

    def view(self):
        import ipywidgets as w

        row = w.HBox
        return w.VBox([
            w.HTML("<h3>操作</h3><p class='la-note'>按顺序：生成模板 → 收集材料 → 检查数据 → 运行评估 → 起草公文（公示）"
                   " → 查验、异议后再运行评估 → 定稿 → 起草公文（通报）；异议成立需重新出具时用“重新发布”。</p>"),
            row([self.template_button, self.sheets_button]),
            row([self.collect_from, self.collect_button]),
            row([self.validate_button, self.run_button, self.pdf, self.documents_button, self.finalize_button]),
            self.confirm_box,
            row([self.reason, self.reissue_button]), self.reissue_box,
            self.report_link, self.status, self.progress, self.message])
