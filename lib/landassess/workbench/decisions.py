"""Committee decisions recorded as data (SPEC 4 ``decisions``), never as code edits.

The workbench appends a row to ``decisions.csv`` in the year's input folder; ``landassess run``
then applies it (settles a ``tie_pending`` unit or overrides a title) and the report lists it
with its reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from landassess.clock import china_today
from landassess.divisions import Divisions
from landassess.publish.workbooks import neutralize_cell
from landassess.vocabulary import DECISIONS

if TYPE_CHECKING:
    from landassess.assessment import Assessment

DECISION_ZH = DECISIONS  # model/advanced/not_selected → 模范/先进/未入选, the decisions table's vocabulary
HEADER = ["code", "decision", "reason", "decided_by", "decided_on"]
_DECISION_COLUMNS = ["file", "sheet", "row", "is_valid", *HEADER]


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message is Chinese."""


def check_decision(assessment: Assessment, code: str, decision: str, reason: str = "理由",
                   decided_by: str = "评审委员会") -> None:
    """Raise :class:`DecisionError` (Chinese) unless the run would apply this decision.

    The check is the run's own: the year's decisions as read from the input folder plus this
    one go through :func:`landassess.rules.verification.apply_decisions` on the ranking before any
    decision (quotas, a ranked unit). A decision is refused when it would not be applied, when
    it would stop an earlier recorded decision from being applied, or when the unit already has
    a recorded decision (a second, different row would make both invalid).
    """
    from landassess.rules import ranking, verification

    a = assessment
    name = a.divisions.name_of().get(code, code)
    if decision not in DECISION_ZH:
        raise DecisionError(f"决定应为 模范、先进 或 未入选，而不是“{decision}”")
    recorded = a.inputs.tables.get("decisions")
    recorded = recorded if recorded is not None else pd.DataFrame(columns=_DECISION_COLUMNS)
    same_unit = recorded[recorded["code"] == code]
    if len(same_unit):
        earlier = "、".join(DECISION_ZH.get(d, str(d)) for d in same_unit["decision"] if isinstance(d, str)) or "无法读取"
        raise DecisionError(f"{code} {name} 已有评审决定（{earlier}，决定表第 {'、'.join(str(r) for r in same_unit['row'])} 行）；"
                            "再记录一行会与之重复或冲突，请直接修改原来的决定行")
    ranked = a.ranked
    if code not in set(ranked["code"]):
        status = a.counties.set_index("code")["status_zh"].get(code, "未知")
        raise DecisionError(f"{code} {name} 未进入排名（{status}），评审决定只对进入排名的单位有效，运行时不会采用")
    candidates = ranked[["code", "base_exact", "bonus_exact", "effectiveness_exact", "ratio", "total_exact", "total",
                         "effectiveness"]].reset_index(drop=True)
    before = ranking.rank_counties(candidates, a.params.tiers, a.params.tie_break).merge(candidates, on="code")
    row = {"file": "decisions.csv", "sheet": "", "row": _next_row(recorded), "is_valid": True, "code": code,
           "decision": decision, "reason": reason, "decided_by": decided_by, "decided_on": None}
    trial = pd.concat([recorded[_DECISION_COLUMNS], pd.DataFrame([row])], ignore_index=True)
    _, judged, _ = verification.apply_decisions(before, trial, a.params.tiers)
    new = judged.loc[judged.index == len(trial) - 1]
    if new.empty or not bool(new["is_applied"].iloc[0]):
        note = new["note"].iloc[0] if len(new) else "决定不适用"
        raise DecisionError(f"{code} {name} 决定为{DECISION_ZH[decision]}：{note}（运行时不会采用，未记录）")
    applied_before = set(a.decisions.loc[a.decisions["is_applied"], "row"]) if len(a.decisions) else set()
    lost = judged[judged["row"].isin(applied_before) & ~judged["is_applied"]]
    if len(lost):
        rows = "、".join(f"{r.code}（第 {r.row} 行）" for r in lost.itertuples())
        raise DecisionError(f"该决定会使已记录的决定 {rows} 不再被采用（{lost['note'].iloc[0]}），未记录")


def _next_row(recorded: pd.DataFrame) -> int:
    rows = [int(r) for r in recorded["row"] if isinstance(r, int) or str(r).isdigit()]
    return max(rows, default=1) + 1


def record_decision(folder: Path, divisions: Divisions, code: str, decision: str, reason: str,
                    decided_by: str, decided_on: dt.date | None = None, *,
                    assessment: Assessment | None = None) -> Path:
    """Append one decision to the year's ``decisions.csv`` (created with a header if absent).

    In a department folder the decisions are the department's own record: ``folder/省厅记录/decisions.csv``
    when ``landassess init`` laid it out (SPEC 8.0), else ``folder/decisions.csv``. With ``assessment``
    (the year as it stands), the decision is first checked as the run would apply it
    (:func:`check_decision`) and refused with a Chinese message if it would not be.
    """
    from landassess.intake.department import FOLDER

    folder = Path(folder)
    if (folder / FOLDER / "decisions.csv").is_file() and not (folder / FOLDER / "decisions.csv").is_symlink():
        folder = folder / FOLDER  # where init laid it out and the guide says to record
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
    if assessment is not None:
        check_decision(assessment, code, decision, reason.strip(), decided_by.strip())
    path = folder / "decisions.csv"
    values = {"code": code, "decision": decision, "reason": neutralize_cell(reason.strip()),
              "decided_by": neutralize_cell(decided_by.strip()),
              "decided_on": (decided_on or china_today()).isoformat()}
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise DecisionError(f"{path} 不是普通文件（可能是快捷方式），不会写入；请检查该年度输入文件夹")
    order = _existing_order(path) if path.exists() else HEADER
    from landassess.run.ownership import BusyError, folder_lock

    try:
        with folder_lock(path):  # one writer at a time, like the output folders (SPEC 7.1)
            existing = path.read_bytes() if path.exists() else b""
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            if not existing:
                writer.writerow(HEADER)
            elif not existing.endswith(b"\n"):
                buffer.write("\n")
            writer.writerow([values.get(name, "") for name in order])
            temporary = folder / f".decisions.csv.tmp-{os.getpid()}"
            temporary.write_bytes(existing + buffer.getvalue().encode("utf-8"))
            os.replace(temporary, path)  # the whole file or nothing: a crash never leaves half a row
    except BusyError as error:
        raise DecisionError("另一位评审正在记录决定，请稍后再试") from error
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
