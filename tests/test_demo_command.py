"""``landassess demo`` (issue 13): ``pip install`` then ``landassess demo`` works without ``make``.

The wheel is built from the project and installed, without dependencies, into a fresh virtual
environment; the dependencies come from the project's ``.venv`` through ``PYTHONPATH`` (a
``.pth``-based editable install there is not seen, so ``landassess`` is the wheel's) and their
data files through ``JUPYTER_PATH``. The demo
then runs from an unrelated working folder, into a folder whose name has a space and Chinese.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
YEARS = (2022, 2023, 2024)


def _scripts(env_dir: Path) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(out)],
                   check=True, cwd=out, timeout=600)
    (found,) = out.glob("landassess-*.whl")
    return found


def test_the_wheel_carries_the_demo_and_the_jupyterlab_defaults(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for year in YEARS:
        assert f"landassess/_resources/demo/{year}/declarations.csv" in names
    assert "landassess/_resources/demo/collect-2024/land_stats.csv" in names
    assert any(n.startswith("landassess/_resources/demo/returned/2024/评委评分表/") for n in names)
    assert "landassess/data/jupyterlab/landassess.json" in names
    assert any(n.endswith(".data/data/share/jupyter/lab/settings/overrides.d/landassess.json") for n in names)


@pytest.mark.slow
def test_pip_install_then_landassess_demo(wheel, tmp_path):
    env_dir = tmp_path / "v"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = _scripts(env_dir) / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, timeout=300)
    # The lab defaults came with the wheel, into the new environment (not the project's).
    assert (env_dir / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "landassess.json").is_file()
    site = sysconfig.get_paths()["purelib"]
    env = {k: v for k, v in os.environ.items() if k not in ("LANDASSESS_HOME", "PYTHONHOME")}
    env["PYTHONPATH"] = site
    # The dependencies' data files (nbconvert's templates) are in the project's prefix, as they
    # would be in the new one after a full ``pip install``.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    cwd = tmp_path / "某个 文件夹"
    cwd.mkdir()
    out = tmp_path / "演示 输出"
    proc = subprocess.run([str(_scripts(env_dir) / "landassess"), "demo", "--out", str(out), "--no-browser"],
                          cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (out / "index.html").is_file()
    for year in YEARS:
        assert (out / str(year) / "results.csv").is_file()
    assert (out / "2024-collected" / "results.csv").is_file()
    assert (out / "2024-collected" / "results.csv").read_bytes() == (out / "2024" / "results.csv").read_bytes()
    assert "演示完成" in proc.stdout
    assert list(cwd.iterdir()) == []  # nothing written into the working folder
    # The package's own demo folder (inside the new environment) was only read.
    demo = next(env_dir.rglob("_resources/demo"))
    assert sorted(p.name for p in demo.iterdir()) == sorted(p.name for p in (ROOT / "demo").iterdir())
    # Run again into the same folder: it is landassess's own, so it is replaced, not refused.
    again = subprocess.run([str(_scripts(env_dir) / "landassess"), "demo", "--out", str(out), "--no-browser"],
                           cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=900)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]


def test_demo_dir_follows_landassess_home(tmp_path, monkeypatch):
    from landassess import paths

    monkeypatch.setenv("LANDASSESS_HOME", str(tmp_path))
    assert paths.demo_dir() == tmp_path.resolve() / "demo"
    monkeypatch.delenv("LANDASSESS_HOME")
    assert (paths.demo_dir() / "2024").is_dir()


def test_demo_refuses_an_incomplete_install(tmp_path, monkeypatch):
    from landassess.errors import InputError
    from landassess.run import demo

    monkeypatch.setenv("LANDASSESS_HOME", str(tmp_path))
    with pytest.raises(InputError, match="找不到演示数据"):
        demo.demo_inputs()


def test_demo_refuses_a_folder_it_does_not_own(tmp_path, monkeypatch):
    from landassess.cli import main

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("a user's file", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out", str(out), "--no-browser"]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
