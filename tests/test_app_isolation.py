"""``landassess app`` is ours alone (SPEC 8.5): no configuration from the working folder or the user's folders.

An attacker (or a careless colleague) puts Jupyter and Voilà configuration where the app might read
it: ``voila.json``, ``voila.py`` and ``jupyter_server_config.py`` in the folder the app is started
from, the same in the user's ``~/.jupyter``, an IPython startup script in ``~/.ipython``, and
``JUPYTER_TOKEN=""`` / ``JUPYTER_CONFIG_DIR`` in the environment. Each asks for 0.0.0.0 and no
token, and each Python file writes a marker file when executed. The app must still listen on
127.0.0.1 only, refuse every route without its token, execute none of the files, and shut a kernel
down within 30 s once no tab is connected to it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from landassess.run.app import CULL_IDLE_SECONDS, CULL_INTERVAL_SECONDS, HOST, AppPlan, free_port, prepare

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
YEAR = 2025
HOSTILE_JSON = {"LandassessVoila": {"ip": "0.0.0.0", "token": "", "open_browser": True},
                "Voila": {"ip": "0.0.0.0", "token": ""}, "ServerApp": {"ip": "0.0.0.0", "token": ""},
                "IdentityProvider": {"token": ""}}


def _hostile_python(marker: Path) -> str:
    return (f"import pathlib\npathlib.Path({str(marker)!r}).write_text('executed')\n"
            "c = get_config()\n"
            "for section in ('LandassessVoila', 'Voila', 'ServerApp'):\n"
            "    c[section].ip = '0.0.0.0'\n    c[section].token = ''\n")


def _plant(folder: Path, markers: Path, label: str) -> None:
    """Hostile configuration in ``folder``; every Python file there writes ``markers/<label>-<file>``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("voila.json", "jupyter_server_config.json", "jupyter_config.json"):
        (folder / name).write_text(json.dumps(HOSTILE_JSON), encoding="utf-8")
    for name in ("voila.py", "jupyter_server_config.py", "jupyter_config.py", "ipython_config.py",
                 "ipython_kernel_config.py"):
        (folder / name).write_text(_hostile_python(markers / f"{label}-{name}"), encoding="utf-8")


def _status(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _kernels(pid: int) -> list:
    import psutil

    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    found = []
    for child in children:
        try:
            if "ipykernel" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """``landassess app`` started from a hostile folder, with a hostile home and environment."""
    base = tmp_path_factory.mktemp("hostile-app")
    markers = base / "markers"
    markers.mkdir()
    start_in, home = base / "start-here", base / "home"
    _plant(start_in, markers, "cwd")
    _plant(home / ".jupyter", markers, "home-jupyter")
    _plant(home / ".local" / "etc" / "jupyter", markers, "home-local-etc")
    _plant(base / "evil-config-dir", markers, "env-config-dir")
    startup = home / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-evil.py").write_text(f"open({str(markers / 'ipython-startup')!r}, 'w').write('executed')\n",
                                        encoding="utf-8")
    (home / ".ipython" / "profile_default" / "ipython_kernel_config.py").write_text(
        _hostile_python(markers / "ipython-profile"), encoding="utf-8")
    data_root = start_in / "data"
    shutil.copytree(GOLDEN / "input", data_root / str(YEAR))
    port = free_port()
    env = {**os.environ, "HOME": str(home), "USERPROFILE": str(home), "PYTHONUNBUFFERED": "1",
           "JUPYTER_TOKEN": "", "JUPYTER_CONFIG_DIR": str(base / "evil-config-dir"),
           "JUPYTER_CONFIG_PATH": str(start_in), "IPYTHONDIR": str(home / ".ipython"),
           "MPLCONFIGDIR": str(base / "mpl")}
    log = base / "app.log"
    command = [sys.executable, "-m", "landassess.cli", "app", "--data-root", "data", "--out-root", "out",
               "--year", str(YEAR), "--params", str(GOLDEN / "params.yaml"), "--port", str(port), "--no-browser"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=start_in, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, url = time.monotonic() + 120, None
        while time.monotonic() < deadline and url is None:
            assert process.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", log.read_text(encoding="utf-8", errors="replace"))
            url = found.group(0) if found else None
            time.sleep(0.2)
        assert url, log.read_text(encoding="utf-8", errors="replace")
        while time.monotonic() < deadline:
            try:
                _status(f"http://{HOST}:{port}/voila/static/voila.js")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        yield {"process": process, "port": port, "url": url, "markers": markers, "log": log}
    finally:
        for sig in (signal.SIGINT, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=20)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue


pytestmark = pytest.mark.slow


def test_it_listens_on_127_0_0_1_only(hostile_app):
    import psutil

    listening = [c.laddr for c in psutil.Process(hostile_app["process"].pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and {address.ip for address in listening} == {HOST}
    assert {address.port for address in listening} == {hostile_app["port"]}


@pytest.mark.parametrize("path", ["/", "/voila/render/workbench.ipynb", "/voila/files/workbench.ipynb",
                                  f"/landassess/report/{YEAR}/report.html", "/api/kernels", "/tree",
                                  f"/landassess/files/outputs/{YEAR}/results.csv"])
def test_every_route_asks_for_the_token(hostile_app, path):
    code = _status(f"http://{HOST}:{hostile_app['port']}{path}")
    assert code in (302, 403, 404), (path, code)  # a redirect to the login page, refused, or absent
    assert code != 200


def test_no_hostile_file_is_executed_and_a_closed_tabs_kernel_ends(hostile_app):
    """The page with the token runs the notebook in a kernel; once no tab is connected, it ends within 30 s."""
    assert _status(hostile_app["url"]) == 200
    assert list(hostile_app["markers"].iterdir()) == []  # neither the server nor the kernel ran any of them
    pid = hostile_app["process"].pid
    assert _kernels(pid), "the page started no kernel"
    deadline = time.monotonic() + 30
    while _kernels(pid) and time.monotonic() < deadline:
        time.sleep(1)
    assert _kernels(pid) == [], "a kernel with no tab outlived 30 s"
    assert list(hostile_app["markers"].iterdir()) == []


def test_the_app_environment_drops_foreign_settings(tmp_path):
    plan = AppPlan(tmp_path / "data", tmp_path / "out", YEAR, (), None, 8888, "tok", tmp_path / "work")
    env = plan.environment({"PATH": "/usr/bin", "JUPYTER_TOKEN": "", "JUPYTER_CONFIG_PATH": "/evil",
                            "IPYTHONDIR": "/evil", "VOILA_APP_IP": "0.0.0.0", "jupyter_config_dir": "/evil"})
    assert env["PATH"] == "/usr/bin"
    assert "JUPYTER_TOKEN" not in env and "JUPYTER_CONFIG_PATH" not in env and "VOILA_APP_IP" not in env
    assert "jupyter_config_dir" not in env
    assert env["IPYTHONDIR"].startswith(str(plan.workdir)) and env["JUPYTER_CONFIG_DIR"].startswith(str(plan.workdir))
    assert env["JUPYTER_NO_CONFIG"] == "1"


def test_the_command_line_binds_and_guards_under_the_apps_own_name(tmp_path):
    (tmp_path / "data" / str(YEAR)).mkdir(parents=True)
    plan = prepare(tmp_path / "data", tmp_path / "out", YEAR, workdir=tmp_path / "work")
    argv = plan.argv()
    assert f"--LandassessVoila.ip={HOST}" in argv and f"--LandassessVoila.token={plan.token}" in argv
    assert len(plan.token) >= 24
    assert CULL_IDLE_SECONDS + CULL_INTERVAL_SECONDS < 30
    assert f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv
