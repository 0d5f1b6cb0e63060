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

import os
from pathlib import Path

from landassess.errors import UsageError
from landassess.paths import PACKAGE_DIR, ParamsFiles, department_files, notebooks_dir, override_files

# The command line imports this module to build its parser: everything else is imported when used.

HOST = "127.0.0.1"
TEMPLATE = "landassess"
"""The Voilà template name the app uses; its files are ``templates/voila_landassess``."""
TEMPLATE_SOURCE = PACKAGE_DIR / "templates" / "voila_landassess"
NOTEBOOK = "workbench.ipynb"
REPORT_ROUTE = "landassess/report"
"""Where the server answers with a year's report: ``/landassess/report/<year>/report.html``."""
CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS = 15, 5
"""A kernel no tab is connected to is shut down once idle this long, checked this often (≤ 20 s < 30 s)."""
_FOREIGN_ENVIRONMENT = ("JUPYTER_", "IPYTHON", "VOILA_", "JPY_")
"""Environment variables that would point Jupyter, IPython or Voilà at other configuration."""


class AppPlan:
    """Everything one app server needs: its folder, notebook copy, address and token."""

    def __init__(self, data_root: Path, out_root: Path, year: int, params: tuple[Path, ...], department: Path | None,
                 port: int, token: str, workdir: Path):
        self.data_root, self.out_root, self.year, self.params = data_root, out_root, year, params
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
            f"--LandassessVoila.out_root={self.out_root}",
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


def prepare(data_root: Path, out_root: Path, year: int, params: ParamsFiles = None, port: int | None = None,
            workdir: Path | None = None, department: Path | None = None) -> AppPlan:
    """Check the folders, then write the notebook copy and the template into a new work folder."""
    import secrets
    import shutil
    import tempfile

    from landassess.params import load_params
    from landassess.run.ownership import absolute

    data_root, out_root = absolute(data_root), absolute(out_root)
    if not (data_root / str(year)).is_dir():
        raise UsageError(f"找不到 {year} 年度的输入文件夹：{data_root / str(year)}（--data-root 下每个年度一个子文件夹）")
    for path in override_files(params):
        if not absolute(path).is_file():
            raise UsageError(f"参数文件不存在：{path}")
    files = tuple(absolute(path) for path in override_files(params))
    department = absolute(department) if department is not None and department_files(year, department) else None
    # An invalid parameter file: exit 3 now, not an error page later.
    load_params(year, [*(department_files(year, department) if department else []), *files])
    if out_root == data_root or data_root in out_root.parents or out_root in data_root.parents:
        raise UsageError(f"输出根文件夹 {out_root} 不能与输入根文件夹 {data_root} 重合或互相包含")
    plan = AppPlan(data_root, out_root, year, files, department, _port(port),
                   secrets.token_urlsafe(24), Path(workdir or tempfile.mkdtemp(prefix="landassess-app-")))
    write_notebook(plan)
    template = plan.jupyter_path / "voila" / "templates" / TEMPLATE
    template.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TEMPLATE_SOURCE, template, dirs_exist_ok=True)
    for folder in ("config", "data", "runtime", "ipython", "tmp"):
        (plan.workdir / folder).mkdir(exist_ok=True)
    return plan


def injected_parameters(plan: AppPlan) -> dict[str, object]:
    """The ``parameters`` cell's values for this app."""
    return {"data_root": str(plan.data_root), "year": plan.year, "params_file": [str(path) for path in plan.params] or "",
            "department_params": str(plan.department or ""),
            "out_root": str(plan.out_root), "report_url": f"/{REPORT_ROUTE}"}


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


def _voila_class(plan: AppPlan):
    """Voilà with one more handler (the year's report, behind the token), configured by this plan only."""
    import re

    from jupyter_server.base.handlers import JupyterHandler
    from jupyter_server.utils import url_path_join
    from tornado import web
    from traitlets import List, Unicode, default
    from voila.app import Voila

    class ReportHandler(JupyterHandler):
        def initialize(self, out_root: str) -> None:
            self.out_root = Path(out_root)

        @web.authenticated
        def get(self, year: str) -> None:
            if not re.fullmatch(r"\d{4}", year):
                raise web.HTTPError(404)
            path = self.out_root / year / "report.html"
            if not path.is_file() or path.is_symlink():
                self.set_status(404)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.finish(f"<p>{year} 年度还没有报告：请先点击“运行评估”。</p>")
                return
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(path.read_bytes())

    class LandassessVoila(Voila):
        out_root = Unicode("", config=True, help="Output root: one sub-folder per year holding report.html.")
        config_file_paths = List(Unicode(), help="Only the app's own (empty) folder, never the working folder.")

        @default("config_file_paths")
        def _own_config_only(self) -> list[str]:
            return [str(plan.config_dir)]

        def initialize(self, argv=None) -> None:
            super().initialize(argv)
            # Whatever a configuration said: this address, this token, no browser opened by Voilà.
            self.ip, self.port, self.token, self.open_browser = HOST, plan.port, plan.token, False

        def init_handlers(self) -> list:
            route = url_path_join(self.server_url or self.base_url, rf"/{REPORT_ROUTE}/(\d{{4}})/report\.html")
            return [(route, ReportHandler, {"out_root": self.out_root}), *super().init_handlers()]

    return LandassessVoila


def _open_when_up(url: str, port: int, timeout: float = 120) -> None:
    """Open the default browser once the server answers (in a thread: the server runs meanwhile)."""
    import socket
    import time
    import webbrowser

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(0.3)


def serve(plan: AppPlan, open_browser: bool = True) -> None:
    """Run the Voilà server in this process, from its own folder and environment, until interrupted (Ctrl+C)."""
    import shutil
    import site
    import tempfile
    import threading

    environment = plan.environment(dict(os.environ))
    os.environ.clear()
    os.environ.update(environment)
    site.ENABLE_USER_SITE = False  # jupyter_core would add the user's ~/.local/etc/jupyter (already imported: no effect on imports)
    tempfile.tempdir = environment["TMPDIR"]
    os.chdir(plan.workdir)  # nothing is read from the folder the command was started in
    if open_browser:
        threading.Thread(target=_open_when_up, args=(plan.url, plan.port), daemon=True).start()
    try:
        _voila_class(plan).launch_instance(argv=plan.argv())
    finally:
        os.chdir(plan.workdir.parent)
        shutil.rmtree(plan.workdir, ignore_errors=True)


def add_arguments(parser, year_type) -> None:
    """The ``app`` subcommand's options (the command line's ``_year`` check passed in)."""
    parser.add_argument("--data-root", type=Path, default=Path("data"), help="输入根文件夹，每个年度一个子文件夹（默认 data/）")
    parser.add_argument("--out-root", type=Path, default=Path("outputs"), help="输出根文件夹（默认 outputs/）")
    parser.add_argument("--year", type=year_type, help="首先显示的年度（默认最近的年度）")
    parser.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件")
    parser.add_argument("--port", type=int, default=0, help="端口（默认自动选择空闲端口）")
    parser.add_argument("--no-browser", action="store_true", help="不打开浏览器，只打印网址")


def latest_year(data_root: Path) -> int:
    """The most recent year folder under the data root."""
    years = sorted(int(p.name) for p in Path(data_root).glob("[0-9][0-9][0-9][0-9]") if p.is_dir())
    if not years:
        raise UsageError(f"输入根文件夹 {data_root} 下没有年度子文件夹（如 2024/）：请用 --data-root 指定")
    return years[-1]


def launch(data_root: Path, out_root: Path, year: int | None = None, params: ParamsFiles = None,
           port: int | None = None, open_browser: bool = True) -> int:
    """``landassess app``: prepare, print the address with its token, serve until Ctrl+C; exit code 0."""
    plan = prepare(data_root, out_root, year or latest_year(data_root), params, port, department=Path("params"))
    print(f"评估工作台：{plan.url}", flush=True)
    print(f"（只在本机可访问；网址中的令牌即访问口令，请勿外传。输入 {plan.data_root}，输出 {plan.out_root}；"
          "按 Ctrl+C 停止。）", flush=True)
    serve(plan, open_browser=open_browser)
    return 0
