"""The results table: one row per figure, printed as text and written as markdown."""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("figure", "measured", "baseline", "ratio", "goal", "met?")


@dataclass(frozen=True)
class Figure:
    """One benchmark figure; ``met`` is "yes", "no" or "—" (no goal, or not measured)."""

    name: str
    measured: str
    baseline: str = "—"
    ratio: str = "—"
    goal: str = "—"
    met: str = "—"
    note: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.name, self.measured, self.baseline, self.ratio, self.goal, self.met)


def met(ok: bool) -> str:
    return "yes" if ok else "no"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ratio(value: float) -> str:
    return f"{value:.2f}×"


def mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def text_table(figures: list[Figure]) -> str:
    rows = [COLUMNS, *(f.cells() for f in figures)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(COLUMNS))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---" for _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in f.cells()) + " |" for f in figures]
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
