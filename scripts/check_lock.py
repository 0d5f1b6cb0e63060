"""Check that requirements.lock resolves to binary wheels on every supported platform and Python (issue 21).

For Windows x64, Linux x64 and macOS (Apple silicon and Intel), Python 3.11, 3.12 and 3.13:
``uv pip install --dry-run --only-binary :all: --python-platform P --python-version V -r LOCK``.
uv evaluates the lock's markers for the target platform (pip's ``--platform`` evaluates them for
the running machine and would skip Windows-only packages such as pywinpty). Intel Macs are covered
because ``constraints.txt`` keeps argon2-cffi-bindings (under jupyter-server) below 26, whose wheels
leave them out. Needs uv and a package
index; without network access it says so and exits 0 (the check is skipped, not passed).

    python scripts/check_lock.py [--uv PATH] [LOCK ...]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("x86_64-pc-windows-msvc", "x86_64-unknown-linux-gnu", "aarch64-apple-darwin", "x86_64-apple-darwin")
PYTHONS = ("3.11", "3.12", "3.13")
INDEX = "https://pypi.org/simple/pip/"


def _online() -> bool:
    try:
        with urllib.request.urlopen(INDEX, timeout=15):
            return True
    except OSError:
        return False


def _check(uv: str, lock: Path, platform: str, python: str) -> str | None:
    with tempfile.TemporaryDirectory(prefix="landassess-lock-") as target:
        proc = subprocess.run([uv, "pip", "install", "--dry-run", "--only-binary", ":all:", "--python-platform",
                               platform, "--python-version", python, "--target", target, "-r", str(lock)],
                              capture_output=True, text=True, check=False, timeout=600)
    if proc.returncode == 0:
        return None
    return f"{lock.name} {platform} Python {python}:\n{proc.stderr.strip()[-2000:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=shutil.which("uv"), help="the uv executable")
    parser.add_argument("locks", nargs="*", type=Path, default=[ROOT / "requirements.lock"])
    args = parser.parse_args(argv)
    if not args.uv:
        print("check_lock: uv not found (pip install uv, or --uv PATH)", file=sys.stderr)
        return 2
    if not _online():
        print(f"check_lock: SKIPPED — {INDEX} is not reachable; the lock was not checked", file=sys.stderr)
        return 0
    jobs = [(lock, platform, python) for lock in args.locks for platform in PLATFORMS for python in PYTHONS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(lambda job: _check(args.uv, *job), jobs) if f]
    for failure in failures:
        print(failure, file=sys.stderr)
    print(f"check_lock: {len(jobs) - len(failures)} of {len(jobs)} platform × Python combinations resolve to "
          f"binary wheels ({', '.join(PLATFORMS)}; Python {', '.join(PYTHONS)})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
