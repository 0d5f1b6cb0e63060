"""The problems table: every input problem, located, in Chinese (SPEC 4).

Three severities:

- ``fatal``: the year cannot be assessed (a required table is missing, a file cannot be read);
  the run stops with a non-zero exit and earlier outputs stay as they were.
- ``error``: a row cannot be used; the county it names becomes ``incomplete`` (材料不全).
- ``notice``: worth the evaluators' attention, changes no status (a late declaration, a score
  for a county that is not assessed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from landassess.errors import InputError  # noqa: F401 - the input errors' base class, re-exported
from landassess.vocabulary import ERROR, FATAL, NOTICE, SEVERITY_ZH, TABLE_ZH

COLUMNS = [
    "severity", "table", "file", "sheet", "row", "column", "cell", "value", "expected",
    "message", "code", "affects_status", "reason", "party",
]


@dataclass(frozen=True)
class Problem:
    """One located problem. ``row`` is the row number as the user sees it in the file.

    CSV: the record number, the first line being 1 (the header, unless title lines come first);
    .xlsx: the row number of the sheet. ``cell`` is the Excel-style reference (``D18``).
    """

    severity: str
    table: str
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    cell: str = ""
    value: str = ""
    expected: str = ""
    code: str = ""
    affects_status: bool = field(default=False)
    reason: str = ""
    """A stable reason code (``score.missing``, ``land.missing``, ``cell.date``): code decides by it."""
    party: str = ""
    """Who must correct it when that is not the county: the recommending city (设区市)."""

    def located(self) -> str:
        """One line: where, what was found, what was expected."""
        where = self.file or TABLE_ZH.get(self.table, self.table)
        if self.sheet:
            where += f"［{self.sheet}］"
        if self.row is not None:
            where += f" 第{self.row}行"
        if self.column:
            where += f" 列“{self.column}”"
        if self.cell:
            where += f"（{self.cell}）"
        parts = [f"{SEVERITY_ZH[self.severity]}：{where}"]
        if self.code:
            parts.append(f"县级代码 {self.code}")
        parts.append(self.message)
        if self.value:
            parts.append(f"值“{self.value}”")
        if self.expected:
            parts.append(f"应为：{self.expected}")
        return "；".join(parts)


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table, fatal first, then by table, file and row."""
    frame = pd.DataFrame([asdict(p) for p in problems], columns=COLUMNS)
    if frame.empty:
        return frame.astype({"row": "Int64", "affects_status": bool})
    order = {FATAL: 0, ERROR: 1, NOTICE: 2}
    frame["row"] = frame["row"].astype("Int64")
    frame = frame.sort_values(
        ["severity", "table", "file", "row", "column"],
        key=lambda s: s.map(order) if s.name == "severity" else s,
        kind="stable",
        na_position="first",
    )
    return frame.reset_index(drop=True)
