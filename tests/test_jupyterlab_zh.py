"""JupyterLab opens in Chinese from the project's environment, without the news pop-up (issue 13).

``landassess setup-lab`` (and a wheel install) writes ``overrides.d/landassess.json`` into the
environment's JupyterLab settings folder. The server test installs it into a scratch prefix,
starts the project's ``jupyter lab`` on it with scratch config and data folders (the user's are
not touched) and asks the settings API what the defaults have become.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from landassess.errors import UsageError
from landassess.paths import jupyterlab_settings_file
from landassess.run import labsettings

TRANSLATION = "@jupyterlab/translation-extension:plugin"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"
SCHEMAS = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"


def test_the_shipped_defaults_name_real_settings_of_this_jupyterlab():
    shipped = json.loads(jupyterlab_settings_file().read_text(encoding="utf-8"))
    assert shipped == {TRANSLATION: {"locale": "zh_CN"}, NOTIFICATION: {"fetchNews": "false", "checkForUpdates": False}}
    for plugin, values in shipped.items():
        package, name = plugin.split(":")
        schema = json.loads((SCHEMAS / package / f"{name}.json").read_text(encoding="utf-8"))
        for key, value in values.items():
            prop = schema["properties"][key]
            allowed = [o["const"] for o in prop.get("oneOf", [])]
            assert not allowed or value in allowed
            assert isinstance(value, {"string": str, "boolean": bool}[prop["type"]])


def test_the_chinese_language_pack_is_installed():
    import jupyterlab_language_pack_zh_CN as pack

    assert (Path(pack.__file__).parent / "locale" / "zh_CN").is_dir()


def test_setup_lab_writes_once_and_never_replaces_a_file_it_did_not_write(tmp_path):
    target, changed = labsettings.install_lab_settings(tmp_path)
    assert changed and target == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "landassess.json"
    assert target.read_bytes() == jupyterlab_settings_file().read_bytes()
    assert labsettings.install_lab_settings(tmp_path) == (target, False)
    target.write_text('{"@jupyterlab/translation-extension:plugin": {"locale": "en"}}', encoding="utf-8")
    with pytest.raises(UsageError, match="拒绝覆盖"):
        labsettings.install_lab_settings(tmp_path)
    assert "en" in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["landassess.json"]  # no temporary left


def test_setup_lab_leaves_the_users_overrides_json_alone_and_says_it_wins(tmp_path):
    settings = labsettings.settings_dir(tmp_path)
    settings.mkdir(parents=True)
    user = settings / "overrides.json"
    user.write_text(json.dumps({TRANSLATION: {"locale": "en"}}), encoding="utf-8")
    before = user.read_bytes()
    message = labsettings.setup_lab(tmp_path)
    assert "已写入" in message and "优先" in message
    assert user.read_bytes() == before


def test_setup_lab_says_when_jupyterlab_is_not_installed(tmp_path, monkeypatch):
    """The office install leaves JupyterLab out (the `lab` extra): the settings wait for it."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    message = labsettings.setup_lab(tmp_path)
    assert "已写入" in message and "未安装 JupyterLab" in message and "requirements-lab.lock" in message
    monkeypatch.undo()
    assert "未安装" not in labsettings.setup_lab(tmp_path)  # this environment has it (make install)


def test_settings_dir_follows_jupyterlab_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTERLAB_DIR", str(tmp_path))
    assert labsettings.settings_dir() == tmp_path.resolve() / "settings"
    monkeypatch.delenv("JUPYTERLAB_DIR")
    assert labsettings.settings_dir() == Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
        return json.loads(response.read().decode("utf-8"))


@pytest.mark.slow
def test_jupyter_lab_serves_chinese_defaults(tmp_path):
    prefix = tmp_path / "prefix"
    labsettings.install_lab_settings(prefix)
    home = tmp_path / "home"
    home.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "HOME": str(home)}
    env.pop("JUPYTERLAB_DIR", None)
    jupyter = Path(sys.executable).parent / ("jupyter.exe" if os.name == "nt" else "jupyter")
    command = [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
               f"--LabApp.app_settings_dir={labsettings.settings_dir(prefix)}"]
    if getattr(os, "geteuid", lambda: 1)() == 0:
        command.append("--allow-root")  # containers and CI run as root
    log = tmp_path / "jupyter.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(command, env=env, cwd=home, stdout=stream, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                translation = _get(f"{base}/lab/api/settings/{TRANSLATION}?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-2000:]
                assert time.monotonic() < deadline, "jupyter lab did not start"
                time.sleep(0.5)
        assert translation["schema"]["properties"]["locale"]["default"] == "zh_CN"
        notification = _get(f"{base}/lab/api/settings/{NOTIFICATION}?token={token}")["schema"]["properties"]
        assert notification["fetchNews"]["default"] == "false"
        assert notification["checkForUpdates"]["default"] is False
        language = _get(f"{base}/lab/api/translations/zh_CN?token={token}")
        assert language["data"], "the zh_CN language pack is not served"
        assert any("文件" in str(v) for v in language["data"].get("jupyterlab", {}).values())
        with pytest.raises(urllib.error.HTTPError):  # the token is required
            _get(f"{base}/lab/api/settings/{TRANSLATION}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_the_projects_environment_has_the_defaults():
    """``make install`` (``landassess setup-lab``) or the wheel's data files put them there."""
    assert labsettings.target_file().read_bytes() == jupyterlab_settings_file().read_bytes()


def test_the_workbench_opens_with_its_code_collapsed():
    """In JupyterLab only the views show; a click on the bar at the left shows the code."""
    import nbformat

    notebook = nbformat.read(Path(__file__).resolve().parent.parent / "notebooks" / "workbench.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.metadata.get("jupyter", {}).get("source_hidden") is True for c in code)
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])  # papermill and Voilà still find the parameters
