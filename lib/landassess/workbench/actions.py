"""The year's actions as buttons (``landassess app``): 检查数据, 运行评估, 定稿, 打开报告, 收集材料.

Every button goes through the functions the command line uses, so through the same owner-checked
writer and folder lock (SPEC 7.1): :func:`~landassess.run.validation.validate_year` with a notices
folder under the output root, ``python -m landassess.cli run`` in a child process (the kernel
stays free and papermill's kernel is not nested in this one), :func:`~landassess.run.versions.finalize`
after a confirmation, and :func:`~landassess.run.collect.collect_year`. Each action runs in a
thread; the page shows progress and stays responsive. Errors are shown in Chinese: a
:class:`~landassess.errors.LandassessError` by its ``message``, anything else as one 内部错误 line,
never a traceback.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from landassess.errors import LandassessError

SCRATCH = Path(tempfile.gettempdir()) / "landassess-workbench"
"""Output root when none is given (a notebook opened in JupyterLab): never the user's ``outputs/``."""
EXPECTED_RUN_SECONDS = 30.0
"""How long a year's run usually takes: the progress bar's scale (it stops short of full until done)."""
BUTTON_LAYOUT = {"width": "auto", "min_width": "96px"}
LINK_STYLE = ("display:inline-block;padding:4px 14px;background:#2e7d32;color:#fff;border-radius:2px;"
              "text-decoration:none;font-weight:bold")
"""打开报告 is a link (a new tab on the report route), drawn like the buttons beside it."""


def error_html(message: str) -> str:
    return f'<p class="la-error" style="color:#b3261e;white-space:pre-wrap">{html.escape(message)}</p>'


def internal_error(error: BaseException) -> str:
    return f"内部错误（程序缺陷，请把这一行发给维护人员）：{type(error).__name__}: {error}"


def validation_html(report: str) -> str:
    """The validation report: its heading, the problems as a table, then what happened to the notices."""
    lines = report.splitlines()
    heading, rest = (lines[0], lines[1:]) if lines else ("", [])
    notes = ("已生成", "补正通知文件夹", "材料不全", "未发现")
    problems = [line for line in rest if not line.startswith(notes)]
    parts = [f"<p><b>{html.escape(heading)}</b></p>"]
    if problems:
        rows = "".join(f"<tr><td>{i}</td><td>{html.escape(line)}</td></tr>" for i, line in enumerate(problems, 1))
        parts.append(f'<table class="la-table"><thead><tr><th>序号</th><th>问题（文件、位置、说明）</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>")
    parts.extend(f"<p>{html.escape(line)}</p>" for line in rest if line.startswith(notes))
    return "".join(parts)


class Actions:
    """The action buttons over one workbench and one output root (one sub-folder per year)."""

    def __init__(self, workbench, out_root: str | Path | None = None, report_url: str | None = None):
        import ipywidgets as w

        self.workbench = workbench
        self.out_root = Path(out_root) if out_root else SCRATCH
        self.report_url = (report_url or "").rstrip("/") or None
        layout = w.Layout(**BUTTON_LAYOUT)
        self.validate_button = w.Button(description="检查数据", button_style="info", layout=layout)
        self.run_button = w.Button(description="运行评估", button_style="primary", layout=layout)
        self.finalize_button = w.Button(description="定稿", button_style="warning", layout=layout)
        self.confirm_button = w.Button(description="确认定稿", button_style="danger", layout=layout)
        self.cancel_button = w.Button(description="取消", layout=layout)
        self.confirm_box = w.HBox([w.HTML("<b>定稿后结果锁定，之后重新运行需加 --force 并另存版本。确定吗？</b>"),
                                   self.confirm_button, self.cancel_button], layout=w.Layout(display="none"))
        self.collect_from = w.Text(description="交回材料", placeholder="交回的工作簿所在文件夹（含子文件夹）",
                                   layout=w.Layout(width="520px"))
        self.collect_button = w.Button(description="收集材料", layout=layout)
        self.report_link = w.HTML()
        self.status = w.HTML()
        self.progress = w.FloatProgress(value=0, min=0, max=100, description="进度",
                                        layout=w.Layout(display="none", width="420px"))
        self.message = w.HTML()
        self.buttons = [self.validate_button, self.run_button, self.finalize_button, self.confirm_button,
                        self.collect_button]
        self._thread: threading.Thread | None = None
        self.validate_button.on_click(lambda _: self.start("检查数据", self.validate))
        self.run_button.on_click(lambda _: self.start("运行评估", self.run))
        self.finalize_button.on_click(lambda _: self.ask_to_finalize())
        self.confirm_button.on_click(lambda _: self.start("定稿", self.finalize))
        self.cancel_button.on_click(lambda _: self._hide_confirmation())
        self.collect_button.on_click(lambda _: self.start("收集材料", self.collect))
        workbench.year.observe(lambda _: self.refresh_report_link(), names="value")
        self.refresh_report_link()

    # ------------------------------------------------------------------ where

    @property
    def year(self) -> int:
        return self.workbench.year.value

    @property
    def data(self) -> Path:
        return self.workbench.data_root / str(self.year)

    @property
    def params(self) -> tuple[Path, ...]:
        """The parameter files over the packaged defaults (the department's and ``--params``), in order."""
        return self.workbench.params_files(self.year)

    @property
    def out(self) -> Path:
        return self.out_root / str(self.year)

    @property
    def notices(self) -> Path:
        return self.out_root / f"{self.year}-补正通知"

    # ------------------------------------------------------------------ running an action

    def start(self, name: str, action) -> None:
        """Run ``action`` in a thread, buttons disabled meanwhile; its errors shown in Chinese."""
        if self._thread is not None and self._thread.is_alive():
            self.status.value = "<p>请等待当前操作完成。</p>"
            return
        self._hide_confirmation()
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
            self.refresh_report_link()

    def wait(self, timeout: float | None = None) -> None:
        """Block until the current action is done (for tests and scripts)."""
        if self._thread is not None:
            self._thread.join(timeout)

    # ------------------------------------------------------------------ the actions

    def validate(self) -> None:
        from landassess.run.validation import validate_year

        report, _ = validate_year(self.year, self.data, self.params, self.notices)
        self.message.value = validation_html(report)

    def run_command(self) -> list[str]:
        """The command line the run button starts (the CLI's own ``run``)."""
        command = [sys.executable, "-m", "landassess.cli", "run", "--year", str(self.year), "--data", str(self.data),
                   "--out", str(self.out)]
        return command + [arg for path in self.params for arg in ("--params", str(path))]

    def run(self) -> None:
        """``landassess run`` in a child process; progress shown every half second until it ends."""
        env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUTF8": "1"}
        self.progress.value, self.progress.bar_style = 0, "info"
        self.progress.layout.display = None
        started = time.monotonic()
        process = subprocess.Popen(self.run_command(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace", env=env,
                                   creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        reader = threading.Thread(target=lambda: setattr(self, "_output", process.communicate()), daemon=True)
        reader.start()
        while reader.is_alive():
            elapsed = time.monotonic() - started
            self.progress.value = min(95.0, 100 * elapsed / EXPECTED_RUN_SECONDS)
            self.status.value = f"<p><b>运行评估</b>：运行中… 已用 {elapsed:.0f} 秒</p>"
            reader.join(0.5)
        stdout, stderr = self._output
        self.progress.value = 100
        if process.returncode == 0:
            self.progress.bar_style = "success"
            self.message.value = f'<p style="white-space:pre-wrap">{html.escape(stdout.strip())}</p>'
            return
        self.progress.bar_style = "danger"
        lines = [line for line in stderr.strip().splitlines() if line.strip()] or [f"运行失败（退出码 {process.returncode}）"]
        raise LandassessError("\n".join(lines[-12:]))

    def ask_to_finalize(self) -> None:
        self.confirm_box.layout.display = None
        self.message.value = f"<p>将定稿 {self.year} 年度：{html.escape(str(self.out))}</p>"

    def _hide_confirmation(self) -> None:
        self.confirm_box.layout.display = "none"

    def finalize(self) -> None:
        from landassess.run.versions import finalize

        record = finalize(self.out, self.year)
        again = "（此前已定稿）" if record.get("reissued") else ""
        self.message.value = (f"<p>{self.year} 年度已定稿{again}：第 {record['version']} 版，results.csv "
                              f"sha256 {html.escape(str(record['results_sha256'])[:16])}…</p>")

    def collect(self) -> None:
        from landassess.run.collect import collect_year, format_collected

        source = self.collect_from.value.strip()
        if not source:
            raise LandassessError("请先填写交回的工作簿所在文件夹。")
        collected, written = collect_year(self.year, Path(source), self.data, self.params)
        self.message.value = f'<p style="white-space:pre-wrap">{html.escape(format_collected(collected, self.data, written))}</p>'
        self.workbench.reload()

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

        where = "（临时文件夹，不写入正式 outputs/）" if self.out_root == SCRATCH else ""
        return w.VBox([
            w.HTML(f"<h3>操作</h3><p class='la-note'>输入：{html.escape(str(self.workbench.data_root))}　"
                   f"输出：{html.escape(str(self.out_root))}{where}</p>"),
            w.HBox([self.validate_button, self.run_button, self.finalize_button]), self.confirm_box,
            w.HBox([self.collect_from, self.collect_button]), self.report_link, self.status, self.progress,
            self.message])
