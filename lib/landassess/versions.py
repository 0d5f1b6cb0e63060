"""Finalised years and re-issued results (after an objection, 六(三)).

``landassess finalize --year Y`` writes ``FINALIZED.json`` into the year's output folder. A later
run refuses to overwrite a finalised year unless ``--force`` is given; then the finalised outputs
are kept as ``versions/v1`` (``v2`` …) inside the new output folder, and the new report lists
what changed against that version: statuses, ranks and titles.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from landassess.paths import sha256_file

if TYPE_CHECKING:  # the CLI checks locks before the kernel starts: keep pandas out of its start-up
    import pandas as pd

LOCK_FILE = "FINALIZED.json"
VERSIONS_DIR = "versions"
COMPARED = ("status", "rank", "tier")


class FinalizeError(Exception):
    """A year that cannot be finalised (no results yet); the message is Chinese."""


def is_finalized(out: Path) -> bool:
    return (Path(out) / LOCK_FILE).is_file()


def version_count(out: Path) -> int:
    """How many earlier versions ``out`` keeps."""
    folder = Path(out) / VERSIONS_DIR
    return len([p for p in folder.iterdir() if p.is_dir()]) if folder.is_dir() else 0


def finalize(out: Path, year: int) -> dict:
    """Lock a year's outputs: record the hash of results.csv and the time."""
    out = Path(out)
    results = out / "results.csv"
    if not results.is_file():
        raise FinalizeError(f"{out} 中没有 results.csv，请先运行 landassess run --year {year}")
    record = {
        "year": year,
        "finalized_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "results_sha256": sha256_file(results),
        "version": version_count(out) + 1,
    }
    (out / LOCK_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record


def archive_into(old: Path, new: Path) -> str:
    """Copy the old folder's versions and its finalised files into ``new/versions``; the new label."""
    old, new = Path(old), Path(new)
    (new / VERSIONS_DIR).mkdir(exist_ok=True)
    if (old / VERSIONS_DIR).is_dir():
        shutil.copytree(old / VERSIONS_DIR, new / VERSIONS_DIR, dirs_exist_ok=True)
    label = f"v{version_count(new) + 1}"
    target = new / VERSIONS_DIR / label
    target.mkdir()
    for item in old.iterdir():
        if item.name != VERSIONS_DIR and item.is_file():
            shutil.copy2(item, target / item.name)
    return label


def compare_results(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Per county and field (status, rank, tier): the value before and after, where it changed."""
    import pandas as pd

    merged = previous.merge(current, on="code", how="outer", suffixes=("_before", "_after"))
    rows = []
    for field in COMPARED:
        before = merged[f"{field}_before"].fillna("")
        after = merged[f"{field}_after"].fillna("")
        changed = merged[before != after]
        for code, b, a in zip(changed["code"], before[before != after], after[before != after], strict=True):
            rows.append({"code": code, "field": field, "before": b, "after": a})
    return pd.DataFrame(rows, columns=["code", "field", "before", "after"]).sort_values(
        ["code", "field"], ignore_index=True)
