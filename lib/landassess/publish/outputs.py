"""Files written for a year (SPEC 5, 8.4): results.csv and .xlsx, 公示名单, 评分汇总表, problems, manifest.

The manifest is built by :mod:`landassess.publish.provenance`, the one owner of provenance.

Everything written here is deterministic: the same inputs give byte-identical files. The CSV
files carry a UTF-8 BOM, so that Excel and WPS on Chinese Windows read them as UTF-8; the
workbooks hold numbers as numbers (``0.00``) and print on A4.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import veto_labels
from landassess.publish.committee import FILE_NAME as COMMITTEE_FILE
from landassess.publish.committee import write_committee_pack
from landassess.publish.documents import DEMO_MARK, current_title, issuer_line
from landassess.publish.provenance import write_manifest
from landassess.publish.workbooks import (
    NUMBER_FORMAT,
    fit_columns,
    neutralize_cell,
    print_setup,
    save_workbook,
    write_csv,
)
from landassess.vocabulary import SEVERITY_ZH, STATUS_ZH, TABLE_ZH, TIER_ZH

PUBLICITY_COLUMNS = {
    "rank": "名次", "name": "县（市、区）", "city": "设区市", "base_score": "基础得分",
    "bonus": "加分", "total": "总分", "tier_zh": "拟评定称号", "code": "县级代码",
}
RESULTS_XLSX_COLUMNS = {
    "code": "县级代码", "name": "名称", "city": "设区市", "status": "状态", "vetoes": "否决情形",
    "base_score": "基础得分", "bonus": "加分", "total": "总分", "rank": "名次", "tier": "拟评定称号",
    "spot_check": "抽中查验",
}
"""results.xlsx: the columns of results.csv with Chinese headers, in the same order."""


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
    """``results.csv``: UTF-8 with a BOM (Excel, WPS), LF line ends, one row per division by code."""
    write_csv(assessment.results(), path, encoding="utf-8-sig")


def _number(text: object) -> float | None:
    """A 2-decimal score of results.csv as a number for a workbook cell (``None`` when empty)."""
    return float(text) if isinstance(text, str) and text.strip() else None


def tier_label(status: str, tier: str) -> str:
    """results.xlsx 拟评定称号: the provisional title, marked when the unit no longer holds it (SPEC 7.3)."""
    if tier not in TIER_ZH:
        return ""
    return TIER_ZH[tier] if status == tier else f"{TIER_ZH[tier]}（现为{STATUS_ZH[status]}）"


def results_for_people(results: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """results.csv with Chinese headers and labels: statuses, vetoes, titles, 是/否; numbers as numbers.

    ``labels``: veto id → label for the year (:func:`landassess.params.veto_labels`); default the notice's own.
    """
    labels = labels or veto_labels(None)
    out = pd.DataFrame({
        "code": results["code"], "name": results["name"], "city": results["city"],
        "status": results["status"].map(STATUS_ZH),
        "vetoes": ["；".join(labels.get(v, v) for v in text.split(";") if v) for text in results["vetoes"]],
        "base_score": [_number(x) for x in results["base_score"]],
        "bonus": [_number(x) for x in results["bonus"]],
        "total": [_number(x) for x in results["total"]],
        "rank": [int(x) if str(x).strip() else None for x in results["rank"]],
        "tier": [tier_label(s, t) for s, t in zip(results["status"], results["tier"], strict=True)],
        "spot_check": results["spot_check"].map({"true": "是", "false": "否"}),
    })
    return out.rename(columns=RESULTS_XLSX_COLUMNS)


def write_results_xlsx(assessment: Assessment, path: Path) -> None:
    """``results.xlsx``: results.csv for people (Chinese headers and labels), one sheet, prints on A4."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    table = results_for_people(assessment.results(), veto_labels(assessment.params))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评估结果"
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    numeric = {table.columns.get_loc(c) for c in ("基础得分", "加分", "总分")}
    for row in table.itertuples(index=False, name=None):
        values = [None if v is None or (isinstance(v, float) and pd.isna(v)) else v for v in row]
        sheet.append([neutralize_cell(v) for v in values])
        for index in numeric:
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = NUMBER_FORMAT
    fit_columns(sheet, header_row=1)
    if assessment.inputs.is_demo:
        sheet.append([])
        sheet.append([DEMO_MARK])
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1", landscape=True, header=f"{assessment.year} 年度土地执法模范县创建活动 评估结果")
    workbook.properties.creator = "landassess"
    save_workbook(workbook, path, dt.datetime(assessment.year + 1, 1, 1))


def write_publicity_xlsx(assessment: Assessment, path: Path) -> None:
    """The 公示名单 workbook in the official layout: title, issuer line, list, note; fixed metadata.

    Row 1 the title, row 2 the issuer, date and 公示期 (from the ``documents`` parameters,
    【placeholders】 when unset), row 3 the header (repeated on every printed page), then one
    row per unit with its current status (SPEC 7.3) and the scores as numbers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    year = assessment.year
    table = publicity_list(assessment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "公示名单"
    title = f"{year}年度江苏省土地执法模范县（市、区）、先进县（市、区）拟命名名单（公示稿）"
    if assessment.inputs.is_demo:
        title = DEMO_MARK + title
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PUBLICITY_COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.row_dimensions[1].height = 40
    sheet.append([issuer_line(assessment.params.documents)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(PUBLICITY_COLUMNS))
    sheet["A2"].alignment = Alignment(horizontal="right")
    sheet.append(list(table.columns))
    thin = Side(style="thin")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        cell.alignment = Alignment(horizontal="center")
    numeric = {table.columns.get_loc(PUBLICITY_COLUMNS[c]) for c in ("base_score", "bonus", "total")}
    for row in table.itertuples(index=False, name=None):
        sheet.append([_number(x) if i in numeric else neutralize_cell(x) for i, x in enumerate(row)])
        for index in numeric:
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = NUMBER_FORMAT
    for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    sheet.append([])
    sheet.append(["说明：依据《江苏省土地执法模范县（市、区）创建活动方案》（2022年1月14日）六(三)按得分高低确定；"
                  "模范、先进各不超过10个；未通过查验或被取消资格的不再增补。"])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(PUBLICITY_COLUMNS))
    sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[sheet.max_row].height = 48
    for letter, width in zip("ABCDEFGH", (6, 16, 12, 10, 8, 10, 22, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    print_setup(sheet, "3:3", landscape=False)
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
        "results.xlsx": folder / "results.xlsx",
        "publicity.xlsx": folder / "公示名单.xlsx",
        "committee.xlsx": folder / COMMITTEE_FILE,
        "problems.csv": folder / "problems.csv",
        "manifest.json": folder / "manifest.json",
    }
    write_results_csv(assessment, paths["results.csv"])
    write_results_xlsx(assessment, paths["results.xlsx"])
    write_publicity_xlsx(assessment, paths["publicity.xlsx"])
    write_committee_pack(assessment, paths["committee.xlsx"])
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


CHANGED_FIELD_ZH = {"status": "状态", "rank": "名次", "tier": "拟评定称号"}


def changes_table(changes: pd.DataFrame, names: dict[str, str], previous_version: str) -> pd.DataFrame:
    """:func:`compare_results`' rows for people: county, field and both values in Chinese (report and app)."""
    def shown(field: str, value: str) -> str:
        if field == "status":
            return STATUS_ZH.get(value, value)
        if field == "tier":
            return TIER_ZH.get(value, value or "—")
        return value or "—"

    return pd.DataFrame({
        "县级代码": changes["code"], "县（市、区）": changes["code"].map(names),
        "项目": changes["field"].map(CHANGED_FIELD_ZH),
        f"原结果（{previous_version}）": [shown(f, v) for f, v in zip(changes["field"], changes["before"], strict=True)],
        "本次结果": [shown(f, v) for f, v in zip(changes["field"], changes["after"], strict=True)],
    })
