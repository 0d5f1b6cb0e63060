"""``landassess run --pdf`` against ``landassess run`` on the same year (issue 12, item 7).

Alternately, in one benchmark run: ``landassess run`` (results, report.html) and ``landassess run
--pdf`` (the same, then report.pdf printed by the machine's Chromium, Chrome or Edge). The goal:
the PDF adds at most the time of one HTML run (``run --pdf`` ≤ 2 × ``run``). Without a browser the
figure says why and measures nothing.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import REPO, landassess_command, median, run_command
from benchmarks.table import Figure, met, ratio, seconds

GOAL = 2.0
DEMO = REPO / "demo"


@dataclass
class PdfTiming:
    """Seconds per run of each command; ``skipped`` says why nothing was measured."""

    year: int
    html: list[float] = field(default_factory=list)
    pdf: list[float] = field(default_factory=list)
    pages: int = 0
    skipped: str = ""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _pages(pdf: Path) -> int:
    """Page objects in the PDF (Chromium writes no object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def measure_pdf(repeat: int, year: int = 2024, data: Path | None = None, params: Path | None = None,
                as_of: str = "2026-03-01", log=_say) -> PdfTiming:
    """``run`` and ``run --pdf`` of one year, ``repeat`` times each, alternating."""
    from landassess.run.pdf import find_browser

    timing = PdfTiming(year)
    browser = find_browser()
    if browser is None:
        timing.skipped = "no Chromium, Chrome or Edge on this machine"
        return timing
    data = data or DEMO / str(year)
    base = [*landassess_command(), "run", "--year", str(year), "--data", str(data), "--as-of", as_of]
    base += ["--params", str(params)] if params else []
    with tempfile.TemporaryDirectory(prefix="landassess-bench-pdf-") as tmp:
        for i in range(repeat):
            for with_pdf in (False, True):
                out = Path(tmp) / f"{'pdf' if with_pdf else 'html'}{i}"
                run = run_command([*base, "--out", str(out), *(["--pdf"] if with_pdf else [])])
                if not run.ok or (with_pdf and not (out / "report.pdf").is_file()):
                    raise RuntimeError(f"landassess run{' --pdf' if with_pdf else ''} failed: "
                                       f"{run.last_error_line()}\n{run.stderr[-2000:]}")
                (timing.pdf if with_pdf else timing.html).append(run.seconds)
                if with_pdf:
                    timing.pages = _pages(out / "report.pdf")
                shutil.rmtree(out, ignore_errors=True)
            log(f"  [7] run {i + 1}/{repeat}: run {timing.html[-1]:.2f} s, run --pdf {timing.pdf[-1]:.2f} s")
    return timing


def pdf_figures(timing: PdfTiming, repeat: int) -> list[Figure]:
    name = f"7. landassess run --pdf vs run ({timing.year})"
    if timing.skipped:
        return [Figure(name, "—", note=f"not measured: {timing.skipped}")]
    html, pdf = median(timing.html), median(timing.pdf)
    return [Figure(name, seconds(pdf), seconds(html), ratio(pdf / html), f"≤ {GOAL:g}×", met(pdf <= GOAL * html),
                   note=f"the PDF adds {pdf - html:.2f} s ({timing.pages} A4 pages); medians of {repeat}; goal: "
                        "the PDF adds at most the time of one HTML run")]
