"""``index.html``: the years of a batch side by side (links, titles per county, repeat winners, trends).

Like the reports it is self-contained (fonts and the chart inlined); ``landassess batch`` writes it
through the owner check of the output root (SPEC 7.1).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pandas as pd

from landassess.paths import TEMPLATES_DIR
from landassess.vocabulary import STATUS_ZH, TIER_ZH

TITLES = tuple(TIER_ZH)
MAX_LINES = 12
"""The cross-year chart draws at most this many units, each named."""



def cross_year_table(out_root: Path, years: list[int]) -> pd.DataFrame:
    """One row per division that declared in any year: status and total per year."""
    frames = []
    for year in years:
        results = pd.read_csv(out_root / str(year) / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        results["year"] = year
        frames.append(results)
    return pd.concat(frames, ignore_index=True)


def _trend_chart(long: pd.DataFrame) -> str:
    """Totals over the years of the counties titled at least once, as an inline PNG."""
    from landassess.publish.figures import new_figure, setup_fonts

    setup_fonts()
    # SPEC 7.3: a lost title is not a title. Every line is named (legend and line end); with more
    # than MAX_LINES titled units only those titled most often are drawn, and the title says so.
    counts = long[long["status"].isin(TITLES)].groupby("code").size().sort_values(ascending=False, kind="stable")
    shown = list(counts.index[:MAX_LINES])
    fig, ax = new_figure((10, 4.8))
    for code in shown:
        group = long[(long["code"] == code) & (long["total"] != "")].sort_values("year")
        if group.empty:
            continue
        name = group["name"].iloc[0]
        line, = ax.plot(group["year"], group["total"].astype(float), marker="o", linewidth=1.2, alpha=0.8, label=name)
        ax.annotate(name, (group["year"].iloc[-1], float(group["total"].iloc[-1])), xytext=(4, 0),
                    textcoords="offset points", fontsize=7, color=line.get_color(), va="center")
    years = sorted(long["year"].unique())
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(min(years) - 0.3, max(years) + 0.6)
    ax.set_ylabel("总分")
    more = f"（获称号次数最多的 {MAX_LINES} 个，共 {len(counts)} 个）" if len(counts) > MAX_LINES else ""
    ax.set_title("曾获称号单位的总分变化" + more)
    if shown:
        ax.legend(fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def index_html(out_root: Path, years: list[int]) -> str:
    """``index.html``: links to each year's report and the cross-year view (the page's text)."""
    import jinja2

    from landassess.publish.webfont import subset_font_css

    long = cross_year_table(out_root, years)
    declared = long[long["status"] != "not_declared"]
    codes = sorted(declared["code"].unique())
    status_zh = {**STATUS_ZH, "not_declared": "—"}
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
    return html


def template_text() -> str:
    """The index template's own text (its Chinese labels need glyphs too)."""
    return (TEMPLATES_DIR / "landassess_index" / "index.html.j2").read_text(encoding="utf-8")
