r"""``landassess bundle``: one zip that installs landassess on an office PC with no package index (SPEC 8.6).

Run by whoever prepares the installation, on a machine that reaches a package index (or with
``--wheelhouse``, a folder of wheels). The zip holds, under one folder:

- ``wheels/``: every wheel the runtime lock (``requirements.lock``; ``requirements-lab.lock`` with
  ``--with-lab``: JupyterLab as well, for opening the notebooks by hand) needs on the chosen platform
  and Python — the lock's markers evaluated for that platform, not for this machine — downloaded
  with ``pip download --only-binary :all:`` and checked against the lock's hashes, plus the
  landassess wheel built from this project (the demo years ship inside it: ``landassess demo``);
- ``requirements.lock`` (the lock this bundle installs), ``SHA256SUMS.txt``;
- ``安装.bat`` / ``install.sh [TARGET]``: a virtual environment in TARGET (``C:\landassess`` /
  ``~/landassess``) with ``pip --no-index`` from ``wheels/`` only;
- ``启动评估工具.bat`` / ``start.sh [工作文件夹]``: ``landassess app --root`` on the department folder;
- ``安装说明.txt``.

The script texts are in :mod:`landassess.run.bundle_scripts`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from landassess.errors import InputError, UsageError

PYTHONS = ("3.11", "3.12", "3.13")
"""The Python versions the lock is checked for (README, scripts/check_lock.py)."""


@dataclass(frozen=True)
class Platform:
    """A target platform: the marker values the lock is read with and the wheel tags pip may take."""

    name: str
    markers: dict
    tags: tuple[str, ...]


_MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1))
PLATFORMS = {
    "win_amd64": Platform("win_amd64", {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                                        "platform_machine": "AMD64"}, ("win_amd64",)),
    # glibc 2.28 or newer (Debian 10, Ubuntu 20.04, RHEL 8 and later)
    "linux_x86_64": Platform("linux_x86_64", {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                                              "platform_machine": "x86_64"},
                             (*_MANYLINUX, "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64",
                              "linux_x86_64")),
}


def add_arguments(parser) -> None:
    """The ``bundle`` subcommand's options."""
    parser.add_argument("--out", type=Path, required=True, help="安装包（zip）写到的文件夹")
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default="win_amd64",
                        help="目标电脑的系统（默认 win_amd64：Windows 10/11 64 位）")
    parser.add_argument("--python", choices=PYTHONS, default="3.12", help="目标电脑上的 Python 版本（默认 3.12）")
    parser.add_argument("--with-lab", action="store_true",
                        help="同时装入 JupyterLab（手工打开评估笔记本时用；约多 50 MB）。年度工作和评估工作台不需要它")
    parser.add_argument("--wheelhouse", type=Path,
                        help="从这个文件夹取 wheel 文件，不访问软件包索引（默认从 pip 配置的索引下载）")


def command(args) -> int:
    """``landassess bundle``: write the zip, print where it is; exit code 0."""
    zip_path = write_bundle(args.out, args.platform, args.python, args.wheelhouse, lab=args.with_lab)
    size_mb = zip_path.stat().st_size / 1e6
    print(f"已写出离线安装包：{zip_path}（{size_mb:.0f} MB）。复制到目标电脑，解压后按其中的“安装说明.txt”操作。",
          flush=True)
    return 0


def project_root() -> Path:
    """The landassess project folder (with pyproject.toml and requirements.lock) this code runs from."""
    root = Path(__file__).resolve().parents[3]
    if not ((root / "pyproject.toml").is_file() and (root / "requirements.lock").is_file()):
        raise UsageError("landassess bundle 需要在 landassess 项目文件夹（含 pyproject.toml 和 requirements.lock）"
                         "中以开发方式安装（pip install -e .）后运行。")
    return root


def locked_requirements(lock_text: str, platform: Platform, python: str) -> list[str]:
    """The lock's entries (``name==version`` with hashes) whose markers hold on ``platform`` with ``python``.

    A marker on the patch release (``python_full_version < '3.11.5'``) is taken for any patch
    release, so the bundle holds the wheels of either branch; pip on the PC picks the right one.
    """
    from packaging.markers import Marker

    entries = re.split(r"\n(?=[A-Za-z0-9])", "\n" + lock_text.strip())
    selected = []
    for entry in entries:
        lines = [line.strip().rstrip("\\").strip() for line in entry.strip().splitlines()
                 if line.strip() and not line.lstrip().startswith("#")]
        if not lines or "==" not in lines[0]:
            continue
        pin, _, marker = lines[0].partition(";")
        if marker.strip():
            environments = [{**platform.markers, "python_version": python, "python_full_version": f"{python}.{patch}",
                             "implementation_name": "cpython", "platform_python_implementation": "CPython",
                             "extra": ""} for patch in (0, 4, 5, 99)]
            if not any(Marker(marker.strip()).evaluate(env) for env in environments):
                continue
        selected.append(" \\\n    ".join([pin.strip(), *lines[1:]]))
    return selected


def download_wheels(requirements: list[str], platform: Platform, python: str, into: Path,
                    wheelhouse: Path | None = None) -> None:
    """``pip download`` the binary wheels of ``requirements`` for ``platform`` and ``python``, hashes checked.

    Two versions of one package (a marker on the patch release) go to separate ``pip download``
    calls: one call resolves one version per name.
    """
    rounds: list[list[str]] = []
    for requirement in requirements:
        name = re.split(r"[=<>!~ ]", requirement, maxsplit=1)[0].lower()
        free = next((r for r in rounds if name not in {re.split(r"[=<>!~ ]", x, maxsplit=1)[0].lower() for x in r}),
                    None)
        if free is None:
            free = []
            rounds.append(free)
        free.append(requirement)
    for number, chosen in enumerate(rounds):
        listing = into.parent / f"platform-requirements-{number}.txt"
        listing.write_text("\n".join(chosen) + "\n", encoding="utf-8")
        _pip_download(listing, platform, python, into, wheelhouse)


def _pip_download(listing: Path, platform: Platform, python: str, into: Path, wheelhouse: Path | None) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
               # a late patch release: a wheel that requires 3.11.5 or newer is taken too
               "--python-version", f"{python}.99", "--implementation", "cp", "--require-hashes", "-d", str(into),
               "-r", str(listing), *[arg for tag in platform.tags for arg in ("--platform", tag)]]
    if wheelhouse is not None:
        command += ["--no-index", "--find-links", str(wheelhouse)]
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace", check=False)
    if proc.returncode != 0:
        reason = "\n".join(line for line in proc.stderr.splitlines() if "WARNING: Location" not in line)[-1500:]
        source = f"文件夹 {wheelhouse} " if wheelhouse else "软件包索引"
        raise InputError(f"无法从{source}取得 {platform.name} / Python {python} 的全部 wheel 文件"
                         f"（pip download 退出码 {proc.returncode}）：\n{reason}")


def build_landassess_wheel(root: Path, into: Path) -> Path:
    """The landassess wheel built from the project folder (``pip wheel --no-deps``)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(root), "-w", str(into)],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", check=False)
    wheels = sorted(into.glob("landassess-*.whl"))
    if proc.returncode != 0 or not wheels:
        raise InputError(f"无法构建 landassess 的 wheel 文件（pip wheel 退出码 {proc.returncode}）：\n{proc.stderr[-1500:]}")
    return wheels[-1]


def write_bundle(out: Path, platform_name: str = "win_amd64", python: str = "3.12",
                 wheelhouse: Path | None = None, *, lab: bool = False) -> Path:
    """Write ``out/landassess-<version>-<platform>-py<python>[-lab].zip``; its path.

    ``lab``: install from ``requirements-lab.lock`` (the runtime and JupyterLab) instead of
    ``requirements.lock``; inside the zip the lock is ``requirements.lock`` either way.
    """
    from landassess import __version__
    from landassess.run.bundle_scripts import scripts

    if platform_name not in PLATFORMS or python not in PYTHONS:
        raise UsageError(f"不支持的平台或 Python 版本：{platform_name} / {python}"
                         f"（可选 {'、'.join(PLATFORMS)}；Python {'、'.join(PYTHONS)}）")
    platform = PLATFORMS[platform_name]
    root = project_root()
    lock_text = (root / ("requirements-lab.lock" if lab else "requirements.lock")).read_text(encoding="utf-8")
    name = f"landassess-{__version__}-{platform.name}-py{python}{'-lab' if lab else ''}"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="landassess-bundle-") as work:
        wheels = Path(work) / "wheels"
        wheels.mkdir()
        download_wheels(locked_requirements(lock_text, platform, python), platform, python, wheels, wheelhouse)
        own = build_landassess_wheel(root, wheels)
        files = {f"wheels/{w.name}": w.read_bytes() for w in sorted(wheels.glob("*.whl"))}
        files["requirements.lock"] = lock_text.encode("utf-8")
        for filename, text in scripts(python, own.name).items():
            files[filename] = text.encode("utf-8")
        files["SHA256SUMS.txt"] = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n"
                                          for path, data in sorted(files.items())).encode("utf-8")
        temporary = out / f".{name}.zip.tmp-{os.getpid()}"
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, data in files.items():
                info = zipfile.ZipInfo(f"{name}/{path}", date_time=(2026, 1, 1, 0, 0, 0))
                # wheels are compressed already; the scripts are executable on Linux
                info.compress_type = zipfile.ZIP_STORED if path.endswith(".whl") else zipfile.ZIP_DEFLATED
                info.external_attr = (0o755 if path.endswith(".sh") else 0o644) << 16
                archive.writestr(info, data)
        target = out / f"{name}.zip"
        os.replace(temporary, target)
    return target
