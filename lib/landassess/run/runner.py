"""Execute a year's notebook with papermill and export its report, in one Python process.

Start-up dominates a year's run (TOOLCHAIN.md), so execution and HTML export use the papermill
and nbconvert APIs in the same process. Outputs are written to a temporary folder beside the
output folder and moved into place only when the whole run succeeded: a failed run leaves
earlier outputs untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from landassess.errors import FinalizedError, InputError, NotebookError
from landassess.paths import TEMPLATES_DIR, ParamsFiles, notebooks_dir, override_files
from landassess.run.ownership import YEAR

NOTEBOOK = "assessment.ipynb"
_INPUT_ERRORS = {"InputError", "ParamsError", "DivisionsError"}


@dataclass(frozen=True)
class RunResult:
    year: int
    out: Path
    seconds: float
    warnings: tuple[str, ...] = ()
    """Chinese warnings that did not stop the run (``--pdf`` without a browser)."""


class WarmKernel:
    """The year's kernel, started before papermill is imported and told to import the libraries.

    Importing papermill costs this process a couple of seconds; meanwhile the kernel, on the other
    core, starts and imports pandas, matplotlib and landassess. papermill then runs the notebook
    on this kernel (one kernel per year) and finds the imports done.
    """

    WARM_UP = "import pandas, matplotlib.pyplot, landassess.assessment, landassess.publish.report, landassess.publish.figures"
    _used = False
    _early: WarmKernel | None = None

    @classmethod
    def start_early(cls) -> None:
        """Start the process's warm kernel now, before the command line imports the parameters and pandas.

        ``landassess run`` calls this first thing (issue 22): the kernel starts and imports while
        this process reads its parameters. It runs in an empty folder of its own (never the folder
        the command was started in: a ``pandas.py`` there would be imported), removed at shutdown.
        """
        import sys
        import tempfile

        if cls._used or cls._early is not None or "nbclient" in sys.modules:
            return
        cls._early = cls(Path(tempfile.mkdtemp(prefix="landassess-kernel-")), own_folder=True)

    @classmethod
    def discard_early(cls) -> None:
        """Shut down a kernel started early that no run took (the command stopped before it)."""
        if cls._early is not None:
            cls._early.shutdown()
            cls._early = None

    @classmethod
    def first_in_process(cls, cwd: Path) -> WarmKernel | None:
        """A warm kernel for the process's first year; ``None`` after that.

        The command line runs one year per process (``batch`` starts one process per year). A
        synchronous kernel manager handed to papermill's asynchronous client works once per
        process; later years in the same process let papermill start the kernel itself. So does
        a process that has already run a notebook through papermill (a test session, JupyterLab):
        a synchronous kernel manager created after that hangs.
        """
        import sys

        if cls._early is not None:
            early, cls._early, cls._used = cls._early, None, True
            return early
        if cls._used or "nbclient" in sys.modules:
            return None
        cls._used = True
        return cls(cwd)

    def __init__(self, cwd: Path, own_folder: bool = False):
        from jupyter_client.manager import KernelManager

        self._folder = cwd if own_folder else None
        self.manager = KernelManager(kernel_name="python3")
        # The kernel's own log (TCP transport notice, shutdown interrupt) is noise here.
        self.manager.start_kernel(extra_arguments=["--IPKernelApp.log_level=CRITICAL"], cwd=str(cwd))
        self._client = self.manager.client()
        self._client.start_channels()
        self._warm_up = self._client.execute(self.WARM_UP, silent=True, store_history=False)

    def handed_over(self, timeout: float = 60) -> WarmKernel | None:
        """Hand the kernel to papermill once its warm-up has finished and our client is gone; ``None`` if it did not.

        papermill's client then meets an idle kernel with no other client: connecting while the
        warm-up still ran (papermill already imported, as in a test session) could hang it.
        """
        import queue

        deadline = time.monotonic() + timeout
        try:
            while (remaining := deadline - time.monotonic()) > 0:
                reply = self._client.get_shell_msg(timeout=remaining)
                if reply.get("parent_header", {}).get("msg_id") == self._warm_up:
                    self._client.stop_channels()
                    return self
        except queue.Empty:
            pass
        self.shutdown()
        return None

    def shutdown(self) -> None:
        self._client.stop_channels()
        if self.manager.has_kernel:
            self.manager.shutdown_kernel(now=True)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


class FontPrefetch:
    """Cut the report's font in a background thread while the kernel runs (the CLI is idle then)."""

    def __init__(self, data_dir: Path):
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1)
        self._cut = self._pool.submit(self._prefetch, data_dir)
        self._exporter = self._pool.submit(_report_exporter_class)  # nbconvert's import, off the critical path

    @staticmethod
    def _prefetch(data_dir: Path) -> tuple[set[str], str]:
        from landassess.publish.webfont import cjk_and_symbols, predicted_text, subset_font_css

        chars = cjk_and_symbols(predicted_text(data_dir))
        return chars, subset_font_css("".join(sorted(chars)))

    def exporter_class(self):
        return self._exporter.result()

    def css_for(self, text: str) -> str:
        """The font for ``text``: the prefetched cut when it covers the text, else a new one."""
        from landassess.publish.webfont import cjk_and_symbols, subset_font_css

        try:
            chars, css = self._cut.result()
            if cjk_and_symbols(text) <= chars:
                return css
            return subset_font_css(text)
        finally:
            self._pool.shutdown(wait=False)


def _report_exporter_class():
    """HTMLExporter without its final BeautifulSoup pass.

    That pass adds alt texts (the report's template sets its own, in Chinese) and tabindex
    attributes to code cells (the report has none); re-parsing a 700 KB page costs half a second.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def export_html(notebook_path: Path, font: FontPrefetch | None = None, notebook=None) -> str:
    """The report: the executed notebook as self-contained HTML, code cells hidden.

    ``notebook`` is the executed notebook when the caller has it in memory (not read again).
    """
    import copy

    import nbformat

    from landassess.publish.webfont import notebook_text, subset_font_css

    notebook = copy.deepcopy(notebook) if notebook is not None else nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:  # papermill gives its injected cell a random id; keep the page stable
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    exporter = (font.exporter_class() if font else _report_exporter_class())(
        template_name="landassess_report",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="zh",
    )
    resources = {
        "metadata": {"name": notebook_path.stem},
        "landassess_font_css": (font.css_for(notebook_text(notebook)) if font
                                else subset_font_css(notebook_text(notebook))),
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def run_year(year: int, data: Path, out: Path, params_file: ParamsFiles = None,
             force: bool = False, as_of: dt.date | None = None, pdf: bool = False, reason: str = "") -> RunResult:
    """Run one year: execute the notebook, export the report, then move outputs into place.

    ``out`` must be a folder landassess owns (SPEC 7.1); it is locked for the whole run. A
    finalised output folder is only replaced with ``force``; its files are then kept as the next
    ``versions/vN``, earlier versions are carried over, and the re-issued year stays finalised.
    With ``pdf``, ``report.pdf`` is printed into the same staging folder (:mod:`landassess.run.pdf`);
    without a browser the run goes on and the result carries a Chinese warning. ``reason`` (why a
    finalised year is re-issued) goes into the report and the new FINALIZED.json.
    """
    from landassess.clock import parse_as_of
    from landassess.run import versions
    from landassess.run.handedits import keep_hand_edits, kept_message
    from landassess.run.ownership import OwnedFolder

    started = time.perf_counter()
    as_of = parse_as_of(as_of)
    if not Path(data).is_dir():
        raise InputError(f"{year} 年度输入文件夹不存在：{data}")
    protect = [Path(data)]
    folder = OwnedFolder(out, YEAR, protect=protect)  # refuses a folder it does not own (SPEC 7.1)
    _refuse_if_finalized(year, folder.out, force)  # before the lock: a quick answer
    with folder:
        out = folder.out
        locked = _refuse_if_finalized(year, out, force)
        warnings = _execute(year, Path(data), params_file, as_of, out, folder.path, locked, pdf,
                            reason if locked else "")
        versions.carry_over(out, folder.path, archive_current=locked)
        kept = keep_hand_edits(out, folder.path) if out.is_dir() else []
        if kept:
            warnings = (*warnings, kept_message(kept, out))
        if locked:
            _, warning = versions.reissue(folder.path, year, reason)
            warnings = (*warnings, warning) if warning else warnings
        folder.commit()
    return RunResult(year, out, time.perf_counter() - started, warnings)


def _refuse_if_finalized(year: int, out: Path, force: bool) -> bool:
    from landassess.run import versions

    locked = versions.is_finalized(out)
    if locked and not force:
        raise FinalizedError(f"{year} 年度结果已定稿（{out / versions.LOCK_FILE}），不能覆盖；"
                             f"如需重新出具（如异议成立后），请加 --force，原结果将保留为历史版本。")
    return locked


def _execute(year: int, data: Path, params_file: ParamsFiles, as_of: dt.date, out: Path, work: Path,
             locked: bool, pdf: bool = False, reason: str = "") -> tuple[str, ...]:
    """Execute the notebook into the staging folder ``work`` and export the report (and PDF) there."""
    from landassess.run import versions

    executed = work / NOTEBOOK
    parameters = {
        "year": int(year),
        "data_dir": str(data.resolve()),
        "params_file": [str(path.resolve()) for path in override_files(params_file)] or "",
        "output_dir": str(work),
        "output_is_staging": True,
        "as_of": as_of.isoformat(),
        "previous_results": str(out / "results.csv") if locked else "",
        "previous_version": f"v{versions.version_count(out) + 1}" if locked else "",
        "reissue_reason": reason,
    }
    kernel = WarmKernel.first_in_process(work)  # starts importing while this process imports papermill
    printer = None
    try:
        if pdf:
            from landassess.run.pdf import PdfPrinter

            printer = PdfPrinter()  # the browser starts while the notebook runs
        font = FontPrefetch(data)
        import papermill
        from papermill.exceptions import PapermillExecutionError

        kernel = kernel.handed_over() if kernel else None

        try:
            executed_notebook = papermill.execute_notebook(
                str(notebooks_dir() / NOTEBOOK), str(executed), parameters=parameters,
                kernel_name="python3", progress_bar=False, log_output=False,
                # Written once at the end (and on failure), not after every cell: the report's
                # outputs make each save half a megabyte.
                request_save_on_cell_execute=False,
                cwd=str(work), **({"km": kernel.manager} if kernel else {
                    # The kernel's own log (TCP transport notice, shutdown interrupt) is noise here.
                    "extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}),
            )
        except PapermillExecutionError as error:
            if error.ename in _INPUT_ERRORS:
                raise InputError(f"{year} 年度输入有问题，评估未进行：\n{error.evalue}") from error
            failed = _keep_failed_notebook(executed, out)
            raise NotebookError(f"{year} 年度笔记本执行失败（{error.ename}: {error.evalue}）；"
                                f"失败的笔记本已保存到 {failed}") from error
        (work / "report.html").write_text(export_html(executed, font, executed_notebook), encoding="utf-8")
        warning = printer.print(work) if printer else None  # before the manifest, which lists report.pdf
        _write_manifest(work, year)
        return (warning,) if warning else ()
    finally:
        if printer:
            printer.close()
        if kernel:
            kernel.shutdown()


def _keep_failed_notebook(executed: Path, out: Path) -> Path:
    """The failed notebook beside the output folder (``<name>.failed.ipynb``), never over a foreign file."""
    failed = out.parent / f"{out.name}.failed.ipynb"
    if os.path.lexists(failed) and (failed.is_symlink() or not failed.is_file()):
        failed = out.parent / f"{out.name}.failed-{os.getpid()}.ipynb"  # not ours to replace
        if os.path.lexists(failed):
            return executed  # nothing beside the output is ours to write: point at the staging copy
    temporary = failed.with_name(f".{failed.name}.tmp-{os.getpid()}")
    shutil.copyfile(executed, temporary)
    os.replace(temporary, failed)
    return failed


def write_year_outputs(assessment, output_dir: str | Path, output_is_staging: bool = False) -> dict[str, Path]:
    """The assessment notebook's writer for results.csv, the 公示名单, problems and manifest.

    In ``landassess run`` the notebook writes into the runner's staging folder, which the runner
    has checked and locked (``output_is_staging``). Run by hand (JupyterLab, nbval) it never
    writes into a user's folder behind the lock: with no ``output_dir`` it writes into a new
    scratch folder; with one, it goes through the same owner check, lock and finalisation rule
    as ``landassess run`` (the report itself comes from ``landassess run``).
    """
    import tempfile

    from landassess.publish.outputs import write_outputs
    from landassess.run import versions
    from landassess.run.ownership import OwnedFolder

    if output_is_staging:
        return write_outputs(assessment, output_dir)
    if not str(output_dir or "").strip():
        scratch = Path(tempfile.mkdtemp(prefix=f"landassess-{assessment.year}-"))
        print(f"未指定 output_dir：本次结果写入临时文件夹 {scratch}（正式结果请用 landassess run）")
        return write_outputs(assessment, scratch)
    folder = OwnedFolder(output_dir, YEAR, protect=[assessment.inputs.folder])
    _refuse_if_finalized(assessment.year, folder.out, force=False)
    with folder:
        _refuse_if_finalized(assessment.year, folder.out, force=False)
        written = write_outputs(assessment, folder.path)
        versions.carry_over(folder.out, folder.path, archive_current=False)
        _write_manifest(folder.path, assessment.year)
        folder.commit()
    return {name: folder.out / path.name for name, path in written.items()}


def _write_manifest(folder: Path, year: int) -> None:
    """Add the output files and their hashes to ``manifest.json`` (the rest was written by the notebook)."""
    from landassess.publish.provenance import record_outputs

    record_outputs(folder, year)
