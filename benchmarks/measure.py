"""Measuring helpers: timed subprocesses with their peak memory, medians, the machine."""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("landassess", "pandas", "numpy", "papermill", "nbconvert", "nbclient", "nbformat",
            "ipykernel", "jupyterlab", "matplotlib", "pydantic")


@dataclass(frozen=True)
class Run:
    """One finished subprocess."""

    seconds: float
    returncode: int
    max_rss_kib: int  # largest single process of the tree (wait4: the process and its reaped children)
    tree_rss_kib: int  # peak sum over the live process tree, sampled (0 when psutil is missing)
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def last_error_line(self) -> str:
        lines = [line for line in (self.stderr or self.stdout).splitlines() if line.strip()]
        return lines[-1].strip() if lines else f"exit code {self.returncode}"


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants (the kernel is a child)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop_event.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak_kib = max(self.peak_kib, total // 1024)
            except psutil.Error:
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()


def run_command(command: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` to completion; wall time from spawn to exit, peak memory from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, process.returncode, int(usage.ru_maxrss), sampler.peak_kib,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def landassess_command() -> list[str]:
    """The ``landassess`` console script next to this interpreter, as a user would type it."""
    script = Path(sys.executable).parent / "landassess"
    if script.exists():
        return [str(script)]
    found = shutil.which("landassess")
    return [found] if found else [sys.executable, "-m", "landassess.cli"]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "unknown"


def load_average() -> str:
    """1, 5 and 15 minute load averages: other work on the machine disturbs the timings."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """What the numbers depend on: cores, date, Python, platform, package versions, commit."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cores": f"{os.cpu_count()} (usable {usable})",
        "python": f"{platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "commit": _commit(),
        "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "unset"),
    }
    info["versions"] = ", ".join(f"{p} {_version(p)}" for p in PACKAGES)
    return info
