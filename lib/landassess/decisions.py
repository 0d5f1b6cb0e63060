"""Committee decisions recorded as data (SPEC 4 ``decisions``), never as code edits.

The workbench appends a row to ``decisions.csv`` in the year's input folder; ``landassess run``
then applies it (settles a ``tie_pending`` unit or overrides a title) and the report lists it
with its reason.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from landassess.divisions import Divisions
from landassess.intake import DECISIONS

DECISION_ZH = DECISIONS  # model/advanced/not_selected → 模范/先进/未入选, the decisions table's vocabulary
HEADER = ["code", "decision", "reason", "decided_by", "decided_on"]


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message is Chinese."""


def record_decision(folder: Path, divisions: Divisions, code: str, decision: str, reason: str,
                    decided_by: str, decided_on: dt.date | None = None) -> Path:
    """Append one decision to ``folder/decisions.csv`` (created with a header if absent)."""
    folder = Path(folder)
    if code not in divisions.name_of():
        raise DecisionError(f"县级代码 {code} 不在区划名单中")
    if decision not in DECISION_ZH:
        raise DecisionError(f"决定应为 模范、先进 或 未入选，而不是“{decision}”")
    if not reason.strip():
        raise DecisionError("评审决定必须写明理由")
    if not decided_by.strip():
        raise DecisionError("请填写决定人（如 评审委员会）")
    if (folder / "decisions.xlsx").exists():
        raise DecisionError("该年度的评审决定保存在 decisions.xlsx 中，请直接在其中添加一行")
    path = folder / "decisions.csv"
    values = {"code": code, "decision": decision, "reason": reason.strip(), "decided_by": decided_by.strip(),
              "decided_on": (decided_on or dt.date.today()).isoformat()}
    order = _existing_order(path) if path.exists() else HEADER
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if not path.stat().st_size:
            writer.writerow(HEADER)
        writer.writerow([values.get(name, "") for name in order])
    return path


def _existing_order(path: Path) -> list[str | None]:
    """The English column names of an existing decisions.csv, in its column order."""
    from landassess.intake import TABLES, decode_csv_bytes, map_header

    text, encoding = decode_csv_bytes(path.read_bytes())
    if not encoding.startswith("utf-8"):
        raise DecisionError(f"{path.name} 不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”后再记录决定")
    if not text.strip():
        return HEADER
    if not text.endswith("\n"):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n")
    header = next(csv.reader([text.splitlines()[0]]))
    mapping = map_header(TABLES["decisions"], header)
    return [mapping.get(i) for i in range(len(header))]
