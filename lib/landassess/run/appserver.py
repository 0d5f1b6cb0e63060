"""The app's server (SPEC 8.5): Voilà with the report and file routes, ours alone, run until Ctrl+C.

:func:`serve` runs it from the plan's own folder and environment (:mod:`landassess.run.app`
prepares both): no configuration from the folder it is started in or the user's Jupyter folders,
127.0.0.1 and the token whatever a configuration says. Besides Voilà's page it answers
``/landassess/report/<Y>/report.html`` (the year's report) and ``/landassess/files/<path>`` (a file
of the department folder's ``outputs/`` or ``templates/``, the links in the step results), both
behind the token; nothing else of the folder is served, no symlink is followed.
"""

from __future__ import annotations

import os
from pathlib import Path

HOST = "127.0.0.1"
REPORT_ROUTE = "landassess/report"
"""Where the server answers with a year's report: ``/landassess/report/<year>/report.html``."""
FILE_ROUTE = "landassess/files"
"""Where the server answers with a file of the department folder's ``outputs/`` or ``templates/`` (behind the token)."""
SERVED_AREAS = ("outputs", "templates")


def _voila_class(plan):
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

    class FileHandler(JupyterHandler):
        """A file of the department folder's ``outputs/`` or ``templates/``: links in the step results."""

        def initialize(self, root: str) -> None:
            self.root = Path(root).resolve()

        @web.authenticated
        def get(self, relative: str) -> None:
            from urllib.parse import unquote

            path = self.root / unquote(relative)
            parts = Path(unquote(relative)).parts
            if (not parts or parts[0] not in SERVED_AREAS or ".." in parts or path.is_symlink()
                    or not path.is_file() or self.root not in path.resolve().parents):
                raise web.HTTPError(404)
            types = {".html": "text/html; charset=utf-8", ".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8",
                     ".json": "application/json; charset=utf-8"}
            self.set_header("Content-Type", types.get(path.suffix.lower(), "application/octet-stream"))
            if path.suffix.lower() not in types:  # a workbook or draft: saved, then opened in Excel/WPS/Word
                from urllib.parse import quote

                self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(path.name)}")
            self.set_header("Cache-Control", "no-store")
            self.finish(path.read_bytes())

    class LandassessVoila(Voila):
        out_root = Unicode("", config=True, help="Output root: one sub-folder per year holding report.html.")
        department_root = Unicode("", config=True, help="The department folder: its outputs/ and templates/ are served.")
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
            files = url_path_join(self.server_url or self.base_url, rf"/{FILE_ROUTE}/(.+)")
            return [(route, ReportHandler, {"out_root": self.out_root}),
                    (files, FileHandler, {"root": self.department_root or str(plan.root)}), *super().init_handlers()]

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


def serve(plan, open_browser: bool = True) -> None:
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
