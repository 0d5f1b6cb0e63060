"""Files written for a year (SPEC 5): results.csv, the 公示名单 workbook, problems, manifest.

The manifest is built by :mod:`landassess.publish.provenance`, the one owner of provenance.

Everything written here is deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.provenance import write_manifest
from landassess.publish.workbooks import neutralize_cell, save_workbook, write_csv
from landassess.vocabulary import SEVERITY_ZH, STATUS_ZH, TABLE_ZH, TIER_ZH

PUBLICITY_COLUMNS = {
    "rank": "名次", "name": "县（市、区）", "city": "设区市", "base_score": "基础得分",
    "bonus": "加分", "total": "总分", "tier_zh": "拟评定称号", "code": "县级代码",
}


def current_title(status: str, tier: object, pending_between: str = "") -> str:
    """What a list meant for people shows for a ranked unit: its current status (SPEC 7.3).

    模范/先进 only for a unit whose status is ``model``/``advanced``; a disqualified unit shows
    取消资格 (never its provisional title), a pending tie 并列待定, anything else its status.
    """
    if status in ("model", "advanced"):
        return TIER_ZH[status]
    if status == "tie_pending":
        return "并列待定（" + pending_between + "）" if pending_between else "并列待定"
    return STATUS_ZH[status]


def publicity_list(assessment: Assessment) -> pd.DataFrame:
    """The 公示名单: the units ranked into a title (and pending ties) by rank, as they stand now.

    A unit whose provisional title was taken away (取消资格) keeps its row and rank — nobody moves
    up — but its title cell says 取消资格; the 模范/先进 rows are exactly the units whose status
    is ``model``/``advanced``.
    """
    counties = assessment.counties
    shown = counties[counties["is_ranked"] & (
        counties["tier"].isin(["model", "advanced"]) | counties["is_tie_pending"].eq(True)
        | counties["status"].isin(["model", "advanced", "disqualified"]))]
    shown = shown.sort_values(["position", "code"]).copy()
    shown["tier_zh"] = [current_title(s, t, p) for s, t, p in
                        zip(shown["status"], shown["tier"], shown["pending_between"], strict=True)]
    shown["rank"] = shown["rank"].astype(int)
    return shown[list(PUBLICITY_COLUMNS)].rename(columns=PUBLICITY_COLUMNS).reset_index(drop=True)


def write_results_csv(assessment: Assessment, path: Path) -> None:
    """``results.csv``: UTF-8, LF line ends, one row per division sorted by code."""
    write_csv(assessment.results(), path, encoding="utf-8")


def write_publicity_xlsx(assessment: Assessment, path: Path) -> None:
    """The 公示名单 workbook in the official layout: title, list, note; fixed metadata."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    year = assessment.year
    table = publicity_list(assessment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公示名单"
    title = f"{year}年度江苏省土地执法模范县（市、区）、先进县（市、区）拟命名名单（公示稿）"
    if assessment.inputs.is_demo:
        title = "【演示数据，非真实评估结果】" + title
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PUBLICITY_COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(list(table.columns))
    thin = Side(style="thin")
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for row in table.itertuples(index=False):
        sheet.append([neutralize_cell(x) for x in row])
    for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    sheet.append([])
    sheet.append(["说明：依据《江苏省土地执法模范县（市、区）创建活动方案》（2022年1月14日）六(三)按得分高低确定；"
                  "模范、先进各不超过10个；未通过查验或被取消资格的不再增补。"])
    for letter, width in zip("ABCDEFGH", (6, 16, 12, 10, 8, 10, 22, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    workbook.properties.creator = "landassess"
    save_workbook(workbook, path, dt.datetime(year + 1, 1, 1))


def write_problems_csv(assessment: Assessment, path: Path) -> None:
    """Every intake problem and notice, located, in Chinese column labels."""
    frame = assessment.problems_table.copy()
    frame["severity"] = frame["severity"].map(SEVERITY_ZH)
    frame["table"] = frame["table"].map(lambda t: TABLE_ZH.get(t, t))
    frame = frame.drop(columns=["affects_status"]).rename(columns={
        "severity": "级别", "table": "表", "file": "文件", "sheet": "工作表", "row": "行", "column": "列",
        "cell": "单元格", "value": "值", "expected": "应为", "message": "说明", "code": "县级代码", "reason": "问题代码", "party": "责任单位"})
    write_csv(frame, path, encoding="utf-8-sig")


def write_outputs(assessment: Assessment, folder: str | Path) -> dict[str, Path]:
    """Write the year's files into ``folder``; returns name → path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "results.csv": folder / "results.csv",
        "publicity.xlsx": folder / "公示名单.xlsx",
        "problems.csv": folder / "problems.csv",
        "manifest.json": folder / "manifest.json",
    }
    write_results_csv(assessment, paths["results.csv"])
    write_publicity_xlsx(assessment, paths["publicity.xlsx"])
    write_problems_csv(assessment, paths["problems.csv"])
    write_manifest(assessment, paths["manifest.json"])
    return paths


COMPARED = ("status", "rank", "tier")
"""The fields a re-issued result is compared on (what changed against the finalised version)."""


def compare_results(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Per county and field (status, rank, tier): the value before and after, where it changed."""
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
