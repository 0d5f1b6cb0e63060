"""A copy of the 2025 golden year whose free-text cells carry hostile HTML/JS payloads.

Used by ``test_browser.py``. Only text columns the report prints are changed (plus the contact
columns, which the report must never print); codes, dates, areas and flags stay as in the golden
year, so every row is still valid and the assessment results do not change.

Each payload sets ``window.__xss`` to its own number if it ever runs as markup.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "2025"

SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=2">'
LINK = '<a href="javascript:window.__xss=3">点我</a>'
SVG = '"><svg onload=window.__xss=4>'
PAYLOADS = (SCRIPT, IMG, LINK, SVG)

# Contact data must not reach the report at all, hostile or not. The markers are unique to them.
CONTACT_MARKERS = ("window.__xss=5", "window.__xss=6")
HOSTILE_CONTACT = "联系人甲<script>window.__xss=5</script>"
HOSTILE_PHONE = '<img src=x onerror="window.__xss=6">025-00000001'

# (file, column header as written in the golden file, row selector, new value)
Row = dict[str, str]
EDITS: list[tuple[str, str, Callable[[Row], bool], Callable[[str], str]]] = [
    # veto_events: one counted event (常熟 重点管理县) and one not counted (昆山, 未查实)
    ("veto_events.csv", "文号或出处", lambda r: r["县级代码"] == "320581" and r["类型"] == "重点管理县",
     lambda old: old + SCRIPT),
    ("veto_events.csv", "说明", lambda r: r["县级代码"] == "320581" and r["类型"] == "重点管理县",
     lambda old: old + IMG),
    ("veto_events.csv", "文号或出处", lambda r: r["县级代码"] == "320583", lambda old: LINK + old),
    ("veto_events.csv", "说明", lambda r: r["县级代码"] == "320583", lambda old: old + SVG),
    # bonus_events: one counted document (江阴) and one not counted (泗洪, 2024 document)
    ("bonus_events.csv", "title", lambda r: r["code"] == "320281", lambda old: old + LINK),
    ("bonus_events.csv", "document_no", lambda r: r["code"] == "320281", lambda old: old + SVG),
    ("bonus_events.csv", "title", lambda r: r["code"] == "321324", lambda old: IMG + old),
    ("bonus_events.csv", "document_no", lambda r: r["code"] == "321324", lambda old: old + SCRIPT),
    # land_stats source: the rows behind the land vetoes (their evidence quotes the source)
    ("land_stats.csv", "数据来源", lambda r: r["县级代码"] == "320382", lambda old: old + SCRIPT),
    ("land_stats.csv", "数据来源", lambda r: r["县级代码"] == "320322", lambda old: old + IMG),
    ("land_stats.csv", "数据来源", lambda r: r["县级代码"] == "320981", lambda old: old + LINK),
    ("land_stats.csv", "数据来源", lambda r: r["县级代码"] == "321202", lambda old: old + SVG),
    # declarations: contact data, never to be shown
    ("declarations.csv", "联系人", lambda r: r["县级代码"] == "320115", lambda old: HOSTILE_CONTACT),
    ("declarations.csv", "联系电话", lambda r: r["县级代码"] == "320115", lambda old: HOSTILE_PHONE),
    # verification: the unit that failed its check gets a written reason
    ("verification.csv", "取消资格原因", lambda r: r["县级代码"] == "320685",
     lambda old: "实地查验未通过" + SCRIPT + SVG),
]


def _read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def write_hostile_year(folder: Path) -> Path:
    """Copy the golden 2025 input to ``folder`` and plant the payloads; return ``folder``."""
    shutil.copytree(GOLDEN / "input", folder)
    for name in sorted({edit[0] for edit in EDITS}):
        header, rows = _read(folder / name)
        for file, column, selects, change in EDITS:
            if file != name:
                continue
            assert column in header, (name, column)
            hits = [row for row in rows if selects(row)]
            assert hits, f"{name}: no row for the {column} edit"
            for row in hits:
                row[column] = change(row[column] or "")
        _write(folder / name, header, rows)
    return folder


def contact_values(folder: Path) -> set[str]:
    """Every non-empty contact and phone in ``folder``/declarations.csv."""
    _, rows = _read(folder / "declarations.csv")
    return {row[c] for row in rows for c in ("联系人", "联系电话") if row[c]}
