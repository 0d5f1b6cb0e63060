"""``landassess batch``: several years in parallel, then ``index.html`` across the years.

Each year runs as its own ``landassess run`` process (its own kernel; one year's failure cannot
disturb another), as many at once as there are cores. The index page links each year's report and shows titles per county over the years, repeat winners
and score trends; like the reports it is self-contained (fonts and charts inlined).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from landassess.paths import ParamsFiles, override_files
from landassess.publish.index import index_html
from landassess.run.ownership import write_owned_file


def _run_one(year: int, data: Path, out: Path, params: ParamsFiles,
             as_of: dt.date, pdf: bool = False) -> tuple[int, float, str, int]:
    """One year as a ``landassess run`` process: (year, seconds, message, exit code).

    The process checks and locks its year's folder itself (SPEC 7.1).
    """
    command = [sys.executable, "-m", "landassess.cli", "run", "--year", str(year), "--data", str(data),
               "--out", str(out), "--as-of", as_of.isoformat()] + [arg for path in override_files(params) for arg in ("--params", str(path))] \
        + (["--pdf"] if pdf else [])
    started = time.perf_counter()
    # The child speaks UTF-8 whatever the console's code page (Windows: cp936), and is read as UTF-8.
    proc = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                          stdin=subprocess.DEVNULL, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    message = proc.stderr.strip() if proc.returncode != 0 else ""
    return year, time.perf_counter() - started, message, proc.returncode


def default_jobs(years: int, cores: int | None = None) -> int:
    """Processes for ``years`` years: one per core and one more, never more than the years.

    A year's run waits part of the time (its kernel starting, messages between the command line
    and the kernel), so with one process per core a core idles; one more keeps both cores of an
    office PC busy: three years on two cores in about 0.85 of the time (issue 22).
    """
    return max(1, min(years, (cores or os.cpu_count() or 1) + 1))


def run_batch(years: list[int], data_root: Path, out_root: Path, params: ParamsFiles = None,
              jobs: int | None = None, as_of: dt.date | None = None, pdf: bool = False) -> dict[int, int]:
    """Run the years in parallel with a progress bar; write ``out_root/index.html``.

    ``out_root`` must be a folder landassess owns (its year folders, ``index.html``); every year
    runs with the same as-of date; with ``pdf`` each year also writes ``report.pdf``. Returns each
    year's exit code (the command line decides the batch's own).
    """
    from tqdm import tqdm

    from landassess.clock import parse_as_of
    from landassess.run.ownership import ROOT, check_owned

    as_of = parse_as_of(as_of)
    out_root = check_owned(out_root, ROOT, protect=[Path(data_root)])
    jobs = jobs or default_jobs(len(years))
    failures: dict[int, str] = {}
    exit_codes: dict[int, int] = {}
    print(f"批量评估 {len(years)} 个年度（{', '.join(map(str, years))}），并行 {jobs} 个进程", flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, y, data_root / str(y), out_root / str(y), params, as_of, pdf) for y in years]
        # The bar on a terminal; in a log, only the line per finished year.
        with tqdm(total=len(futures), desc="年度", unit="年", ncols=70, disable=not sys.stderr.isatty()) as bar:
            for future in as_completed(futures):
                year, seconds, message, code = future.result()
                exit_codes[year] = code
                bar.write(f"  {year}：" + (f"完成（{seconds:.1f} 秒）" if code == 0 else f"失败 — {message}"))
                if code != 0:
                    failures[year] = message
                bar.update(1)
    done = [y for y in years if y not in failures]
    if done:
        index = write_owned_file(out_root, "index.html", index_html(out_root, sorted(done)).encode("utf-8"))
        print(f"汇总页：{index}")
    return exit_codes
