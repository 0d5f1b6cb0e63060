"""``landassess bundle`` (issue 21, SPEC 8.6): one zip that installs on an office PC with no package index.

The platform selection and the scripts are checked as text (the ``.bat`` files cannot run here:
CRLF, ``chcp 65001``, quoted paths). The slow test builds the linux_x86_64 bundle for this
machine's Python from the package index (pip's cache in the system's temporary folder, never the
user's home; skipped with the reason when the index is unreachable), installs it with its own
``install.sh`` and no index into a folder with a space and Chinese in its name, and runs the
installed ``landassess demo`` and the hand-worked golden year (same results as expected).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from landassess.run import bundle
from landassess.run.bundle_scripts import MAX_TARGET_CHARS, scripts

ROOT = Path(__file__).resolve().parent.parent
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")
PATH_VARIABLES = re.compile(r"%(TARGET|HERE|LA|ROOT|~dp0|~1)%?")


def _names(platform: str, python: str) -> set[str]:
    return {r.split(" ")[0] for r in bundle.locked_requirements(LOCK, bundle.PLATFORMS[platform], python)}


def test_the_lock_is_read_for_the_target_platform_not_this_machine():
    windows = _names("win_amd64", "3.12")
    assert {"pywinpty==3.1.2", "colorama==0.4.6", "numpy==2.5.5", "aiohttp==3.14.5"} <= windows
    assert not {"pexpect==4.9.0", "appnope==1.0.0", "numpy==2.4.6"} & windows
    linux = _names("linux_x86_64", "3.11")
    assert {"pexpect==4.9.0", "numpy==2.4.6", "soupsieve==2.10", "soupsieve==4.1.3"} <= linux  # either patch release
    assert not {"pywinpty==3.1.2", "colorama==0.4.6", "aiohttp==3.14.5"} & linux
    assert not any(n.startswith(("playwright==", "pytest==", "ruff==")) for n in windows | linux)
    selected = bundle.locked_requirements(LOCK, bundle.PLATFORMS["win_amd64"], "3.13")
    assert all("--hash=sha256:" in r and ";" not in r.splitlines()[0] for r in selected)


@pytest.mark.parametrize("name", ["安装.bat", "启动评估工具.bat"])
def test_the_bat_files_are_crlf_utf8_and_quote_every_path(name):
    text = scripts("3.12", "landassess-0.1.0-py3-none-any.whl")[name]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF only
    lines = text.split("\r\n")
    assert lines[0] == "@echo off" and lines[1] == "chcp 65001 >nul"  # UTF-8 before any Chinese is printed
    for line in lines:
        if line.startswith("rem "):
            continue
        unquoted = re.sub(r'"[^"]*"', "", line)
        assert not PATH_VARIABLES.search(unquoted), f"{name}: a path outside quotes: {line}"
        assert not line.rstrip().endswith("(") and not line.lstrip().startswith(")"), "no blocks: goto only"
    if name == "安装.bat":
        assert 'py -%PYVER% -m venv "%TARGET%\\venv"' in text and 'set "PYVER=3.12"' in text
        assert "--no-index" in text and "--require-hashes" in text and f"<= {MAX_TARGET_CHARS}" in text
        # no bytecode written at install time, pip's own included: the install stays under 500 MB (issue 21)
        assert text.count("python.exe\" -B -m pip install --quiet --no-compile") == 2
        assert 'set "TARGET=C:\\landassess"' in text
    else:
        assert '"%LA%" app --root "%ROOT%"' in text


def test_the_install_location_limit_keeps_the_deepest_file_under_260_characters():
    site = Path(sys.prefix)
    deepest = max(len(str(Path(d, f).relative_to(site))) for d, _, files in os.walk(site) for f in files)
    assert MAX_TARGET_CHARS + len("\\venv\\") + deepest <= 260 + 10, deepest  # Lib\ is shorter than lib/python3.x/


def test_install_sh_writes_no_bytecode_at_install_time_and_installs_from_the_bundle_only():
    text = scripts("3.12", "landassess-0.1.0-py3-none-any.whl")["install.sh"]
    assert text.count('venv/bin/python" -B -m pip install --quiet --no-compile --no-index') == 2
    assert "PIP_NO_INDEX=1" in text and '-r "$HERE/requirements.lock"' in text


def test_the_guide_is_a_bom_utf8_crlf_text_naming_the_python_version():
    text = scripts("3.13", "landassess-0.1.0-py3-none-any.whl")["安装说明.txt"]
    assert text.startswith("\ufeff") and "\r\n" in text and "Python 3.13" in text and "安装.bat" in text


def test_an_unknown_platform_is_a_usage_error(tmp_path):
    from landassess.errors import UsageError

    with pytest.raises(UsageError, match="不支持"):
        bundle.write_bundle(tmp_path, "win_arm64", "3.12")


def test_with_lab_the_bundle_installs_the_lab_lock(tmp_path, monkeypatch):
    """``--with-lab``: requirements-lab.lock (JupyterLab too) goes in as the bundle's requirements.lock."""
    chosen = []
    monkeypatch.setattr(bundle, "download_wheels", lambda requirements, *args, **kwargs: chosen.extend(requirements))

    def fake_wheel(root, into):
        (into / "landassess-0.0.0-py3-none-any.whl").write_bytes(b"wheel")
        return into / "landassess-0.0.0-py3-none-any.whl"

    monkeypatch.setattr(bundle, "build_landassess_wheel", fake_wheel)
    plain = bundle.write_bundle(tmp_path, "win_amd64", "3.12")
    assert not any(r.startswith("jupyterlab==") for r in chosen)
    chosen.clear()
    lab = bundle.write_bundle(tmp_path, "win_amd64", "3.12", lab=True)
    assert lab.name.endswith("-win_amd64-py3.12-lab.zip") and plain.name.endswith("-win_amd64-py3.12.zip")
    assert any(r.startswith("jupyterlab==") for r in chosen)
    with zipfile.ZipFile(lab) as archive:
        inside = archive.read(f"{lab.stem}/requirements.lock").decode("utf-8")
    assert inside == (ROOT / "requirements-lab.lock").read_text(encoding="utf-8")


def _index_reachable() -> bool:
    try:
        with urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=15):
            return True
    except OSError:
        return False


@pytest.mark.slow
def test_the_linux_bundle_installs_offline_and_runs_the_demo(tmp_path):
    if not _index_reachable():
        pytest.skip("https://pypi.org is not reachable: the bundle's wheels cannot be downloaded here")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CACHE_DIR"] = str(Path(tempfile.gettempdir()) / "landassess-test-pip-cache")  # never ~/.cache
    made = subprocess.run([sys.executable, "-m", "landassess.cli", "bundle", "--out", str(tmp_path / "out"),
                           "--platform", "linux_x86_64", "--python", python], capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT / "lib")}, check=False, timeout=300)
    assert made.returncode == 0, made.stderr
    (zip_path,) = (tmp_path / "out").glob("*.zip")
    assert "离线安装包" in made.stdout and zip_path.name == f"landassess-{_version()}-linux_x86_64-py{python}.zip"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(tmp_path / "unpacked")
    (folder,) = (tmp_path / "unpacked").iterdir()
    names = {p.name for p in folder.iterdir()}
    assert {"安装.bat", "启动评估工具.bat", "install.sh", "start.sh", "安装说明.txt", "requirements.lock",
            "SHA256SUMS.txt", "wheels"} <= names
    wheels = sorted(p.name for p in (folder / "wheels").glob("*.whl"))
    assert any(w.startswith("landassess-") for w in wheels) and not any(w.startswith("playwright") for w in wheels)
    assert not any(w.startswith("jupyterlab-") for w in wheels)  # the `lab` extra: `bundle --with-lab`
    for line in (folder / "SHA256SUMS.txt").read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ", 1)
        assert hashlib.sha256((folder / path).read_bytes()).hexdigest() == digest, path

    target = tmp_path / "安装 位置"
    offline = {**env, "PIP_NO_INDEX": "1", "PYTHON": sys.executable, "PYTHONPATH": ""}
    offline.pop("PYTHONDONTWRITEBYTECODE", None)  # as on an office PC: Python caches what it imports
    installed = subprocess.run(["sh", str(folder / "install.sh"), str(target)], capture_output=True, text=True,
                               env=offline, check=False, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "安装完成" in installed.stdout and (target / "start.sh").is_file()
    # Issue 21: the default install is at most 500 MB (the fresh environment, as `du` counts it).
    print(f"installed environment: {_megabytes(target / 'venv'):.0f} MB")
    assert _megabytes(target / "venv") <= INSTALL_LIMIT_MB, _megabytes(target / "venv")

    work = tmp_path / "工作 目录"
    work.mkdir()
    installed_tool = str(target / "venv" / "bin" / "landassess")
    golden = ROOT / "tests" / "golden" / "2025"
    # The demo, and the hand-worked golden year, side by side (the test stays near 90 s).
    commands = {"demo": [installed_tool, "demo", "--out", str(tmp_path / "演示"), "--no-browser"],
                "golden": [installed_tool, "run", "--year", "2025", "--data", str(golden / "input"), "--params",
                           str(golden / "params.yaml"), "--as-of", "2026-03-01", "--out", str(tmp_path / "golden")]}
    running = {name: subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=offline,
                                      cwd=work) for name, command in commands.items()}
    _the_app_serves_its_page_without_jupyterlab(target / "venv", work, offline)
    finished = {name: (process, *process.communicate(timeout=300)) for name, process in running.items()}
    for name, (process, stdout, stderr) in finished.items():
        assert process.returncode == 0, (name, stdout + stderr)
    assert "演示完成" in finished["demo"][1] and (tmp_path / "演示" / "index.html").is_file()
    assert (tmp_path / "演示" / "2024-collected" / "results.csv").is_file()
    # The golden year gives the expected results with the installed tool, as with the developer's.
    got = pd.read_csv(tmp_path / "golden" / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    expected = pd.read_csv(golden / "expected_results.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, expected)
    # Python caches the bytecode of what it imports (pip was told --no-compile): still under the limit.
    print(f"installed environment: {_megabytes(target / 'venv'):.0f} MB")
    assert _megabytes(target / "venv") <= INSTALL_LIMIT_MB, _megabytes(target / "venv")


INSTALL_LIMIT_MB = 500


def _the_app_serves_its_page_without_jupyterlab(venv: Path, work: Path, env: dict) -> None:
    """The office install has no JupyterLab (the `lab` extra); the app (Voilà) starts and answers."""
    from landassess.run.app import free_port

    python = venv / "bin" / "python"
    assert subprocess.run([str(python), "-c", "import jupyterlab"], capture_output=True, env=env).returncode != 0
    app = subprocess.Popen([str(venv / "bin" / "landassess"), "app", "--no-browser", "--port", str(free_port())],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=work)
    try:
        url = next((m[0] for line in app.stdout if (m := re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line))), None)
        assert url, "the app printed no address"
        for _ in range(240):  # the address is printed before the server listens
            try:
                with urllib.request.urlopen(url, timeout=120) as page:
                    assert page.status == 200 and "voila" in page.read().decode("utf-8", "replace").lower()
                break
            except ConnectionRefusedError:
                time.sleep(0.5)
            except urllib.error.URLError as error:
                if not isinstance(error.reason, ConnectionRefusedError):
                    raise
                time.sleep(0.5)
        else:
            raise AssertionError(f"the app never answered at {url}")
    finally:
        app.terminate()
        app.wait(timeout=30)


def _megabytes(folder: Path) -> float:
    """Disk space taken under ``folder`` as ``du`` counts it (allocated blocks; links not followed)."""
    used = 0
    for directory, _, files in os.walk(folder):
        for name in files:
            info = os.lstat(os.path.join(directory, name))
            used += getattr(info, "st_blocks", 0) * 512 or info.st_size
    return used / 1_000_000


def _version() -> str:
    from landassess import __version__

    return __version__
