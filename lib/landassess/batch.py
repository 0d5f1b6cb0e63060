"""``landassess batch``: several years in parallel, then ``index.html`` across the years.

Each year runs as its own ``landassess run`` process (its own kernel; one year's failure cannot
disturb another), as many at once as there are cores. The index page links each year's report and shows titles per county over the years, repeat winners
and score trends; like the reports it is self-contained (fonts and charts inlined).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from landassess.ownership import write_owned_file
from landassess.runner import EXIT_EXECUTION, EXIT_OK, TEMPLATES_DIR


def _run_one(year: int, data: Path, out: Path, params: Path | None,
             as_of: dt.date) -> tuple[int, float, str, int]:
    """One year as a ``landassess run`` process: (year, seconds, message, exit code).

    The process checks and locks its year's folder itself (SPEC 7.1).
    """
    command = [sys.executable, "-m", "landassess.cli", "run", "--year", str(year), "--data", str(data),
               "--out", str(out), "--as-of", as_of.isoformat()] + (["--params", str(params)] if params else [])
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    message = proc.stderr.strip() if proc.returncode != EXIT_OK else ""
    return year, time.perf_counter() - started, message, proc.returncode


def run_batch(years: list[int], data_root: Path, out_root: Path, params: Path | None = None,
              jobs: int | None = None, as_of: dt.date | None = None) -> int:
    """Run the years in parallel with a progress bar; write ``out_root/index.html``.

    ``out_root`` must be a folder landassess owns (its year folders, ``index.html``); every year
    runs with the same as-of date.
    """
    from tqdm import tqdm

    from landassess.clock import parse_as_of
    from landassess.ownership import ROOT, check_owned

    as_of = parse_as_of(as_of)
    out_root = check_owned(out_root, ROOT, protect=[Path(data_root)])
    jobs = jobs or min(len(years), os.cpu_count() or 1)
    failures: dict[int, str] = {}
    codes: list[int] = []
    print(f"批量评估 {len(years)} 个年度（{', '.join(map(str, years))}），并行 {jobs} 个进程", flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, y, data_root / str(y), out_root / str(y), params, as_of) for y in years]
        # The bar on a terminal; in a log, only the line per finished year.
        with tqdm(total=len(futures), desc="年度", unit="年", ncols=70, disable=not sys.stderr.isatty()) as bar:
            for future in as_completed(futures):
                year, seconds, message, code = future.result()
                bar.write(f"  {year}：" + (f"完成（{seconds:.1f} 秒）" if code == EXIT_OK else f"失败 — {message}"))
                if code != EXIT_OK:
                    failures[year] = message
                    codes.append(code)
                bar.update(1)
    done = [y for y in years if y not in failures]
    if done:
        index = write_index(out_root, sorted(done))
        print(f"汇总页：{index}")
    if failures:
        return codes[0] if len(set(codes)) == 1 else EXIT_EXECUTION
    return EXIT_OK


def cross_year_table(out_root: Path, years: list[int]) -> pd.DataFrame:
    """One row per division that declared in any year: status and total per year."""
    frames = []
    for year in years:
        results = pd.read_csv(out_root / str(year) / "results.csv", dtype=str, keep_default_na=False)
        results["year"] = year
        frames.append(results)
    return pd.concat(frames, ignore_index=True)


def _trend_chart(long: pd.DataFrame) -> str:
    """Totals over the years of the counties titled at least once, as an inline PNG."""
    from landassess.figures import new_figure, setup_fonts

    setup_fonts()
    titled = long[long["tier"] != ""]["code"].unique()
    fig, ax = new_figure((10, 4.5))
    for _, group in long[long["code"].isin(titled) & (long["total"] != "")].groupby("code"):
        group = group.sort_values("year")
        ax.plot(group["year"], group["total"].astype(float), marker="o", linewidth=1, alpha=0.6,
                label=group["name"].iloc[0])
    years = sorted(long["year"].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylabel("总分")
    ax.set_title("曾获称号单位的总分变化")
    if len(titled) <= 16:
        ax.legend(fontsize=7, ncol=4)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def write_index(out_root: Path, years: list[int]) -> Path:
    """``index.html``: links to each year's report and the cross-year view."""
    import jinja2

    from landassess.webfont import subset_font_css

    long = cross_year_table(out_root, years)
    declared = long[long["status"] != "not_declared"]
    codes = sorted(declared["code"].unique())
    status_zh = {"model": "模范", "advanced": "先进", "vetoed": "否决", "not_recommended": "未推荐",
                 "over_quota": "超名额", "incomplete": "材料不全", "disqualified": "取消资格",
                 "tie_pending": "并列待定", "not_selected": "未入选", "not_declared": "—"}
    rows = []
    for code in codes:
        part = long[long["code"] == code].set_index("year")
        cells = []
        for year in years:
            if year not in part.index:
                cells.append(("", ""))
                continue
            record = part.loc[year]
            text = status_zh[record["status"]] + (f" {record['total']}" if record["total"] else "")
            cells.append((text, record["status"]))
        titles = int(part["status"].isin(["model", "advanced"]).sum())
        rows.append({"code": code, "name": part["name"].iloc[0], "city": part["city"].iloc[0],
                     "cells": cells, "titles": titles})
    repeat = [r for r in rows if r["titles"] >= 2]
    demo = any(json.loads((out_root / str(y) / "manifest.json").read_text(encoding="utf-8")).get("is_demo")
               for y in years)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / "landassess_index")),
                             autoescape=True)
    template = env.get_template("index.html.j2")
    page_text = " ".join(f"{r['name']}{r['city']}" for r in rows) + "".join(status_zh.values())
    html = template.render(
        years=years, rows=rows, repeat=repeat, is_demo=demo, chart=_trend_chart(long),
        font_css=subset_font_css(page_text + template_text()),
        summary=[{"year": y, "titled": int(long[(long["year"] == y) & long["status"].isin(["model", "advanced"])].shape[0]),
                  "declared": int(long[(long["year"] == y) & (long["status"] != "not_declared")].shape[0])}
                 for y in years],
    )
    return write_owned_file(out_root, "index.html", html.encode("utf-8"))


def template_text() -> str:
    """The index template's own text (its Chinese labels need glyphs too)."""
    return (TEMPLATES_DIR / "landassess_index" / "index.html.j2").read_text(encoding="utf-8")
