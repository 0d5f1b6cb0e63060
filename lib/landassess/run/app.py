"""``landassess app``: the evaluator workbench as a web app with no code on screen (SPEC 7.4).

Voilà serves a copy of ``notebooks/workbench.ipynb`` whose ``parameters`` cell holds the chosen
data root, year, parameters file, output root and report address (every other cell unchanged), on
127.0.0.1 only, behind a random Jupyter server token. Sources are stripped, and the page uses the
``landassess`` Voilà template (``templates/voila_landassess``): Voilà's lab template without its
CDN stylesheet links, with Chinese loading text, so the page asks nothing of any other host.

The server also answers ``/landassess/report/<year>/report.html`` with the year's report from the
output root, behind the same token (Voilà's own ``/voila/files/`` handler asks for no token), so
the workbench's 打开报告 link opens the report in a new tab.

The server is ours alone (SPEC 8.5): it reads its configuration from its own work folder only,
never from the folder it is started in (a ``voila.json`` or ``voila.py`` there is not read) or the
user's Jupyter and IPython folders; its kernels get the same environment. Whatever a configuration
or the environment says, it binds 127.0.0.1 and asks for its token on every route, and a kernel
whose tab was closed is shut down within 30 s (culled once idle and unconnected).

This module starts the server; it does not import the workbench (``run`` may not import
``workbench``): the kernel Voilà starts runs the notebook, and the notebook imports the workbench.
"""

from __future__ import annotations

from pathlib import Path

from landassess.errors import UsageError
from landassess.paths import PACKAGE_DIR, ParamsFiles, department_files, notebooks_dir, override_files
from landassess.run.appserver import FILE_ROUTE, HOST, REPORT_ROUTE, SERVED_AREAS  # noqa: F401 - the app's addresses

# The command line imports this module to build its parser: everything else is imported when used.

TEMPLATE = "landassess"
"""The Voilà template name the app uses; its files are ``templates/voila_landassess``."""
TEMPLATE_SOURCE = PACKAGE_DIR / "templates" / "voila_landassess"
NOTEBOOK = "workbench.ipynb"
DEMO_FOLDER = "演示工作文件夹"
DEMO_NOTE = ("没有找到省厅工作文件夹（当前文件夹中没有 data/），现在打开的是演示数据的临时副本，关闭后即删除。"
             "2022、2023 年度可直接浏览；2024 年度从“收集材料”开始演练完整流程。正式使用请在省厅工作文件夹中启动，"
             "或用 landassess app --root 文件夹。")
CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS = 15, 5
"""A kernel no tab is connected to is shut down once idle this long, checked this often (≤ 20 s < 30 s)."""
_FOREIGN_ENVIRONMENT = ("JUPYTER_", "IPYTHON", "VOILA_", "JPY_")
"""Environment variables that would point Jupyter, IPython or Voilà at other configuration."""


class AppPlan:
    """Everything one app server needs: its folder, notebook copy, address and token."""

    def __init__(self, data_root: Path, out_root: Path, year: int | None, params: tuple[Path, ...], department: Path | None,
                 port: int, token: str, workdir: Path, root: Path | None = None, note: str = ""):
        self.data_root, self.out_root, self.year, self.params = data_root, out_root, year, params
        self.root = root or data_root.parent  # the department folder (SPEC 8.0)
        self.note = note
        self.department = department  # the department's params/ folder, when it holds this year's files
        self.port, self.token, self.workdir = port, token, workdir
        self.notebook = workdir / "notebook" / NOTEBOOK

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def url(self) -> str:
        """The address to open, with the token (the server sets a cookie on the first visit)."""
        return f"{self.base}?token={self.token}"

    @property
    def jupyter_path(self) -> Path:
        """The Jupyter data folder holding the app's Voilà template (the only JUPYTER_PATH)."""
        return self.workdir / "jupyter"

    @property
    def config_dir(self) -> Path:
        """The only folder the server and its kernels read Jupyter configuration from (empty)."""
        return self.workdir / "config"

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` without anything that points Jupyter, IPython or Voilà elsewhere, and the app's own folders.

        The kernels Voilà starts inherit it: they read no ``ipython_config.py``, startup script or
        Jupyter configuration of the user's either.
        """
        env = {k: v for k, v in base.items() if not k.upper().startswith(_FOREIGN_ENVIRONMENT)}
        temp = str(self.workdir / "tmp")
        env.update({
            "JUPYTER_NO_CONFIG": "1",  # jupyter_core: one blank configuration folder, no user or cwd config
            "JUPYTER_CONFIG_DIR": str(self.config_dir), "JUPYTER_PATH": str(self.jupyter_path),
            "JUPYTER_DATA_DIR": str(self.workdir / "data"), "JUPYTER_RUNTIME_DIR": str(self.workdir / "runtime"),
            "IPYTHONDIR": str(self.workdir / "ipython"), "TMPDIR": temp, "TEMP": temp, "TMP": temp,
            "PYTHONSAFEPATH": "1",  # a kernel never imports a module from its working folder
        })
        return env

    def argv(self) -> list[str]:
        """Voilà's command line: 127.0.0.1, this port, the token, sources stripped, our template.

        Given under the class's own name (``LandassessVoila``), the most specific section, so a
        configuration for ``Voila`` or ``LandassessVoila`` could not override it even if one were read.
        """
        return [
            str(self.notebook),
            f"--LandassessVoila.ip={HOST}", f"--LandassessVoila.port={self.port}", "--LandassessVoila.port_retries=0",
            "--LandassessVoila.open_browser=False", f"--LandassessVoila.token={self.token}",
            f"--LandassessVoila.root_dir={self.notebook.parent}",
            "--VoilaConfiguration.strip_sources=True", f"--VoilaConfiguration.template={TEMPLATE}",
            "--VoilaConfiguration.theme=light", "--VoilaConfiguration.show_tracebacks=False",
            "--VoilaConfiguration.file_allowlist=(?!)",  # a pattern matching nothing: no file served without the token
            "--VoilaConfiguration.allow_template_override=NO", "--VoilaConfiguration.allow_theme_override=NO",
            f"--LandassessVoila.out_root={self.out_root}", f"--LandassessVoila.department_root={self.root}",
            f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
            f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
            "--MappingKernelManager.cull_connected=False", "--MappingKernelManager.cull_busy=False",
        ]


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _port(port: int | None) -> int:
    import socket

    if not port:
        return free_port()
    if not 1024 <= port <= 65535:
        raise UsageError(f"端口 {port} 无效，应为 1024–65535 之间的整数")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            raise UsageError(f"端口 {port} 已被占用：请换一个端口（--port），或不加 --port 自动选择") from None
    return port


def prepare(data_root: Path, out_root: Path, year: int | None, params: ParamsFiles = None, port: int | None = None,
            workdir: Path | None = None, department: Path | None = None, root: Path | None = None,
            demo: bool = False) -> AppPlan:
    """Check the folders, then write the notebook copy and the template into a new work folder.

    With ``demo``, the department folder is a scratch copy of the packaged demo years inside the
    work folder (removed with it). Refused before any server starts: a data root whose year folders
    hold outputs (exit 2), a year that is not there (exit 2), an invalid parameter file (exit 3).
    """
    import secrets
    import shutil
    import tempfile

    from landassess.params import load_params
    from landassess.run.ownership import absolute

    workdir = Path(workdir or tempfile.mkdtemp(prefix="landassess-app-"))
    note = ""
    if demo:
        root = copy_demo(workdir / DEMO_FOLDER)
        data_root, out_root, department, note = root / "data", root / "outputs", root / "params", DEMO_NOTE
    data_root, out_root = absolute(data_root), absolute(out_root)
    root = absolute(root) if root is not None else data_root.parent
    check_data_root(data_root)
    if year is not None and not (data_root / str(year)).is_dir():
        raise UsageError(f"找不到 {year} 年度的输入文件夹：{data_root / str(year)}（--data-root 下每个年度一个子文件夹）")
    for path in override_files(params):
        if not absolute(path).is_file():
            raise UsageError(f"参数文件不存在：{path}")
    files = tuple(absolute(path) for path in override_files(params))
    department = absolute(department) if department is not None else None
    # An invalid parameter file: exit 3 now, not an error page later (every year the app may show;
    # with none laid out yet, the --params files for the year 建立年度 would offer first).
    from landassess.clock import china_today

    for shown in ([year] if year is not None else _years(data_root)) or [china_today().year]:
        load_params(shown, [*(department_files(shown, department) if department else []), *files])
    if out_root == data_root or data_root in out_root.parents or out_root in data_root.parents:
        raise UsageError(f"输出根文件夹 {out_root} 不能与输入根文件夹 {data_root} 重合或互相包含")
    plan = AppPlan(data_root, out_root, year, files, department, _port(port), secrets.token_urlsafe(24), workdir,
                   root, note)
    write_notebook(plan)
    template = plan.jupyter_path / "voila" / "templates" / TEMPLATE
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TEMPLATE_SOURCE, template, dirs_exist_ok=True)
    for folder in ("config", "data", "runtime", "ipython", "tmp"):
        (plan.workdir / folder).mkdir(exist_ok=True)
    return plan


def _years(data_root: Path) -> list[int]:
    return sorted(int(p.name) for p in data_root.glob("[0-9][0-9][0-9][0-9]") if p.is_dir()) if data_root.is_dir() else []


OUTPUT_MARKS = ("manifest.json", "report.html", "results.csv", "FINALIZED.json")
"""Files only a year's output folder holds: a data root holding them is the wrong folder."""


def check_data_root(data_root: Path) -> None:
    """Refuse a data root whose year folders hold outputs (``landassess demo --out`` writes such a folder)."""
    for year in _years(data_root):
        marks = [name for name in OUTPUT_MARKS if (data_root / str(year) / name).exists()]
        if marks:
            raise UsageError(f"{data_root / str(year)} 中有 {'、'.join(marks)}：这是评估结果文件夹，不是输入材料文件夹。"
                             "请在省厅工作文件夹中启动 landassess app，或用 --root 指定它（其中 data/<年度>/ 是输入）；"
                             "不带参数启动则打开演示数据的临时副本。")


def copy_demo(target: Path) -> Path:
    """A department folder laid out from the packaged demo: 2022 and 2023 complete, 2024 before collect."""
    import shutil

    from landassess.run.demo import CYCLE_YEAR, DEMO_YEARS, demo_inputs

    demo = demo_inputs()
    for year in DEMO_YEARS:
        source = demo / (f"collect-{year}" if year == CYCLE_YEAR else str(year))
        shutil.copytree(source, target / "data" / str(year))
    shutil.copytree(demo / "returned" / str(CYCLE_YEAR), target / "returned" / str(CYCLE_YEAR))
    for folder in ("params", "outputs", f"templates/{CYCLE_YEAR}"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    return target


def injected_parameters(plan: AppPlan) -> dict[str, object]:
    """The ``parameters`` cell's values for this app."""
    return {"root": str(plan.root), "data_root": str(plan.data_root), "year": plan.year or 0,
            "params_file": [str(path) for path in plan.params] or "", "department_params": str(plan.department or ""),
            "out_root": str(plan.out_root), "report_url": f"/{REPORT_ROUTE}", "file_url": f"/{FILE_ROUTE}",
            "note": plan.note}


def write_notebook(plan: AppPlan) -> Path:
    """The workbench notebook with its ``parameters`` cell's literals replaced, every other cell unchanged."""
    import json

    notebook = json.loads((notebooks_dir() / NOTEBOOK).read_text(encoding="utf-8"))
    values = injected_parameters(plan)
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = "".join(cell["source"]).splitlines()
            for number, line in enumerate(lines):
                name = line.split("=", 1)[0].strip()
                if "=" in line and name in values:
                    comment = line.split("#", 1)[1] if "#" in line else ""
                    lines[number] = f"{name} = {values[name]!r}" + (f"  #{comment}" if comment else "")
            cell["source"] = "\n".join(lines) + "\n"
    plan.notebook.parent.mkdir(parents=True, exist_ok=True)
    plan.notebook.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    return plan.notebook


def add_arguments(parser, year_type) -> None:
    """The ``app`` subcommand's options (the command line's ``_year`` check passed in)."""
    parser.add_argument("--root", type=Path, help="省厅工作文件夹（含 params/、data/、returned/、templates/、outputs/；默认当前文件夹）")
    parser.add_argument("--data-root", type=Path, help="输入根文件夹，每个年度一个子文件夹（默认 <工作文件夹>/data/）")
    parser.add_argument("--out-root", type=Path, help="输出根文件夹（默认 <工作文件夹>/outputs/）")
    parser.add_argument("--year", type=year_type, help="首先显示的年度（默认最近的年度）")
    parser.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件")
    parser.add_argument("--port", type=int, default=0, help="端口（默认自动选择空闲端口）")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器，只打印网址")


def latest_year(data_root: Path) -> int | None:
    """The most recent year folder under the data root; None when there is none (the app opens on 建立年度)."""
    years = _years(Path(data_root))
    return years[-1] if years else None


def launch(root: Path | None = None, data_root: Path | None = None, out_root: Path | None = None,
           year: int | None = None, params: ParamsFiles = None, port: int | None = None,
           open_browser: bool = True) -> int:
    """``landassess app``: prepare, print the address with its token, serve until Ctrl+C; exit code 0.

    The department folder is ``--root``, else the working folder; ``--data-root``/``--out-root``
    override its ``data/`` and ``outputs/``. Started with none of them where there is no department
    folder (no ``data/`` in the working folder), it opens a scratch copy of the demo.
    """
    from landassess.run.ownership import absolute

    explicit = root is not None or data_root is not None or out_root is not None
    base = absolute(root if root is not None else Path.cwd())
    if root is not None and not base.is_dir():
        raise UsageError(f"省厅工作文件夹不存在：{base}（可先运行 landassess init --year 年度 --root {root}）")
    demo = not explicit and not (base / "data").is_dir()  # init lays out data/<Y>/: no data/, no department yet
    data_root = data_root if data_root is not None else base / "data"
    out_root = out_root if out_root is not None else base / "outputs"
    plan = prepare(data_root, out_root, year or (None if demo else latest_year(data_root)), params, port,
                   department=base / "params", root=base, demo=demo)
    print(f"评估工作台：{plan.url}", flush=True)
    where = f"演示数据的临时副本 {plan.root}" if demo else f"省厅工作文件夹 {plan.root}"
    print(f"（只在本机可访问；网址中的令牌即访问口令，请勿外传。{where}；按 Ctrl+C 停止。）", flush=True)
    from landassess.run.appserver import serve

    serve(plan, open_browser=open_browser)
    return 0
