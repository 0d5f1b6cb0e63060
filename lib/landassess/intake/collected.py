"""What ``collect`` left for validate and run (SPEC 8.2): its problems that make a county incomplete.

``landassess collect`` writes ``collected.json`` beside the tables it wrote. Besides the tables'
hashes it records the problems of the returned workbooks that carry a county code and affect its
status (another county's form, an extra declaration row, a hidden row, a formula without a value,
a return in another format …) and the counties whose returns are doubtful (two differing copies, a
file named for another county) until ``省厅记录/收集确认.csv`` settles them. Reading a year's
folder adds these problems, so such a county is ``incomplete`` in ``validate`` and ``run`` too,
and a doubtful county counts as declared while nothing of its returns is used.

The record is read only when it is a regular file of a sane size (a FIFO or a link is never
opened) and says it is collect's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from pathlib import Path

from landassess.problems import Problem
from landassess.vocabulary import ERROR, NOTICE

RECORD = "collected.json"
MAX_RECORD_BYTES = 16 * 1024 * 1024
_FIELDS = {f.name for f in dataclasses.fields(Problem)}


def is_regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file of its own (no symlink, FIFO, device), without opening it."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read_record(path: Path) -> dict | None:
    """The record collect keeps, as a dict, or None when absent, not a regular file, too large or not JSON."""
    if not is_regular_file(path) or path.stat().st_size > MAX_RECORD_BYTES:
        return None
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def collected_problems(folder: Path, year: int, codes: set[str]) -> tuple[list[Problem], frozenset[str], Path | None]:
    """The problems collect recorded for this year's folder, the doubtful counties, and the record's path."""
    path = Path(folder) / RECORD
    if not os.path.lexists(path):
        return [], frozenset(), None
    record = read_record(path)
    if record is None or record.get("generator") != "landassess" or record.get("kind") != "collected":
        return [Problem(NOTICE, "declarations", f"{RECORD} 不是 landassess collect 写入的记录，已忽略", file=RECORD,
                        expected="由 landassess collect 生成", reason="collect.record_unreadable")], frozenset(), None
    if record.get("year") != year:
        return [Problem(NOTICE, "declarations", f"{RECORD} 记录的是 {record.get('year')} 年度的收集，不是 {year} 年度的，已忽略",
                        file=RECORD, reason="collect.record_unreadable")], frozenset(), None
    problems = []
    for item in record.get("problems") or []:
        if not isinstance(item, dict):
            continue
        fields = {k: v for k, v in item.items() if k in _FIELDS}
        severity = fields.get("severity")
        if severity not in (ERROR, NOTICE) or fields.get("code") not in codes or not isinstance(fields.get("message"), str):
            continue
        fields["row"] = fields["row"] if isinstance(fields.get("row"), int) else None
        problems.append(Problem(**{k: v if k in ("row", "affects_status") else str(v) for k, v in fields.items()}
                                | {"affects_status": severity == ERROR}))
    doubtful = frozenset(c for c in record.get("doubtful") or [] if isinstance(c, str) and c in codes)
    return problems, doubtful, path
