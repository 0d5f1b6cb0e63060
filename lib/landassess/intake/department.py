"""The department's own records (SPEC 8.0): ``data/<Y>/省厅记录/``.

What the province keeps itself lives in a sub-folder of the year's data folder that ``collect``
never writes into:

- ``veto_events.csv`` and ``bonus_events.csv``: events the department knows of (挂牌督办, 约谈问责,
  媒体曝光, its own commendations). They are **added** to the rows collected from the counties,
  never replace them; each row's file reads ``省厅记录/<name>``, so the ledger and the report show
  where it came from. A bonus document in both is counted once (七(二): one 文号, once).
- ``recusals.csv``, ``decisions.csv``, ``land_stats.csv``, ``verification.csv``: read from there exactly
  as from the data folder; the same table in both places is a fatal problem (which one counts?),
  unless the department's is the header-only file ``landassess init`` wrote (no rows: nothing to choose).
- ``收集确认.csv`` is read by ``collect`` (which copy of a doubtful return counts).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from landassess.intake.files import fatal, find_table_file
from landassess.problems import Problem

FOLDER = "省厅记录"
ADDED = ("veto_events", "bonus_events")
"""Tables whose department rows are added to the collected rows."""
ALTERNATIVE = ("recusals", "decisions", "land_stats", "verification")
"""Tables the department may keep in its folder instead of the data folder."""


def department_folder(folder: Path) -> Path | None:
    """``<data>/省厅记录`` when it is a real folder (not a link, not a file), else None."""
    path = Path(folder) / FOLDER
    return path if path.is_dir() and not path.is_symlink() else None


def department_file(folder: Path, spec) -> Path | list[Path] | None:
    """The table's file in the department's folder (a list when ambiguous), or None."""
    own = department_folder(folder)
    return find_table_file(own, spec) if own is not None and spec.name in (*ADDED, *ALTERNATIVE) else None


def header_only(path: Path) -> bool:
    """A small CSV file with at most one non-blank line (its header): what ``init`` wrote, not filled in."""
    try:
        if path.suffix.lower() != ".csv" or not path.is_file() or path.stat().st_size > 64 * 1024:
            return False
        raw = path.read_bytes()
    except OSError:
        return False
    lines = [line for line in raw.splitlines() if line.strip(b" ,;\t\r\xef\xbb\xbf")]
    return len(lines) <= 1


def both_places(name: str, zh: str, found: Path, own: Path) -> Problem:
    return fatal(name, f"{zh}表同时出现在输入文件夹（{found.name}）和 {FOLDER}/（{own.name}）中，不知道该读哪一个",
                 None, f"只保留一处（省厅自己的表放在 {FOLDER}/ 中）", reason="file.ambiguous")


def shown_as_department(table: pd.DataFrame, problems: list[Problem], start: int, path: Path) -> pd.DataFrame:
    """Rows and problems of a department file cite it as ``省厅记录/<name>``."""
    shown = f"{FOLDER}/{path.name}"
    problems[start:] = [dataclasses.replace(p, file=shown) if p.file == path.name else p for p in problems[start:]]
    if "file" in table.columns:
        table = table.assign(file=shown)
    return table


def combined(collected: pd.DataFrame, own: pd.DataFrame) -> pd.DataFrame:
    """The counties' rows, then the department's (row numbers stay those of each file)."""
    if not len(collected):
        return own.reset_index(drop=True)
    return pd.concat([collected, own], ignore_index=True)
