"""Who receives what (SPEC 8.1): every problem has one addressee, every notice holds only its own cells.

The addressee of a problem is whoever can fix the cell:

- the **county**: an error in its own workbook (申报, 否决事项, 加分事项) → ``<code>-<name>-补正通知.xlsx``;
- the **city**: an error in its recommendation list → ``<city>-推荐名单-补正通知.xlsx``;
- the **evaluator**: an error in its score sheet → ``评委-<evaluator>-评分表补正通知.xlsx``;
- the **department**: everything else → ``省厅待核实事项.xlsx``: errors in its own tables (耕地数据,
  查验与异议, 评审决定, 回避, and every file in ``省厅记录/``), errors no single sender can fix (a criterion no evaluator scored, a row
  whose county or evaluator cannot be told, which of a county's doubtful returns counts), invalid
  parameters, and every 提示 and cross-table flag
  (a late date, a declared area below the province's figure, an unverified media report, a recused
  evaluator's score).

Only errors reach counties, cities and evaluators; a 提示 never leaves the department. Because a
notice is built from its addressee's own problems only, a county's notice cannot name an
evaluator, show a score or cite a department table, and an evaluator's notice cannot show another
evaluator's scores; :func:`confidential_leaks` checks it again before a notice is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from landassess.divisions import Divisions
from landassess.intake.department import FOLDER
from landassess.problems import Problem
from landassess.publish.workbooks import neutralize_cell, print_setup, save_workbook
from landassess.vocabulary import ERROR, FATAL, SEVERITY_ZH, TABLE_ZH

COUNTY, CITY, EVALUATOR, DEPARTMENT = "county", "city", "evaluator", "department"
ADDRESSEE_ZH = {COUNTY: "县（市、区）", CITY: "设区市", EVALUATOR: "评委", DEPARTMENT: "省厅"}
COUNTY_TABLES = ("declarations", "veto_events", "bonus_events")
"""The tables of a county's own workbook: its declaration, its veto events, its bonus documents."""
DEPARTMENT_FILE = "省厅待核实事项.xlsx"
DEPARTMENT_DECIDES = frozenset({"collect.duplicate_differs", "collect.name_mismatch"})
"""Errors no sender can fix in a cell: which of a county's returns counts is settled in 省厅记录/收集确认.csv."""


@dataclass(frozen=True, order=True)
class Addressee:
    """One receiver of notices: its kind and who (a county code, a city, an evaluator; "" for the department)."""

    kind: str
    who: str = ""

    def file_name(self, divisions: Divisions) -> str:
        """The notice's file name (SPEC 8.1)."""
        if self.kind == COUNTY:
            return f"{self.who}-{safe_file_part(divisions.name_of()[self.who])}-补正通知.xlsx"
        if self.kind == CITY:
            return f"{safe_file_part(self.who)}-推荐名单-补正通知.xlsx"
        if self.kind == EVALUATOR:
            return f"评委-{safe_file_part(self.who)}-评分表补正通知.xlsx"
        return DEPARTMENT_FILE

    def heading(self, divisions: Divisions) -> str:
        if self.kind == COUNTY:
            return f"{divisions.name_of()[self.who]}（{divisions.city_of()[self.who]}，{self.who}）"
        if self.kind == CITY:
            return f"{self.who}（推荐名单）"
        if self.kind == EVALUATOR:
            return f"评委 {self.who}（评分表）"
        return "省厅（待核实事项）"


DEPARTMENT_ADDRESSEE = Addressee(DEPARTMENT)


def safe_file_part(text: str) -> str:
    """A name usable inside a file name: no folder separators, control or reserved characters."""
    cleaned = re.sub(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]', "_", text).strip(" .")
    return cleaned[:60] or "_"


def addressee_of(problem: Problem, divisions: Divisions) -> Addressee:
    """Whoever can fix the problem's cell; the department for 提示, cross-table flags and its own tables."""
    if problem.severity != ERROR or problem.reason in DEPARTMENT_DECIDES or problem.file.startswith(f"{FOLDER}/"):
        return DEPARTMENT_ADDRESSEE  # 提示, fatal problems, and what the department settles itself
    if problem.table in COUNTY_TABLES and problem.code in divisions.name_of():
        return Addressee(COUNTY, problem.code)
    if problem.table == "recommendations" and problem.party in divisions.cities:
        return Addressee(CITY, problem.party)
    if problem.table == "scores" and problem.party:
        return Addressee(EVALUATOR, problem.party)
    return DEPARTMENT_ADDRESSEE


def by_addressee(problems: list[Problem], divisions: Divisions) -> dict[Addressee, list[Problem]]:
    """Problems grouped by addressee, each list errors first, in the order found."""
    grouped: dict[Addressee, list[Problem]] = {}
    for problem in sorted(problems, key=lambda p: {FATAL: 0, ERROR: 1}.get(p.severity, 2)):
        grouped.setdefault(addressee_of(problem, divisions), []).append(problem)
    return grouped


def cell_reference(problem: Problem) -> str:
    """Where to look, as people say it: 评分!D7 (sheet or table name, then the cell)."""
    sheet = problem.sheet or TABLE_ZH.get(problem.table, problem.table)
    if problem.cell:
        return f"{sheet}!{problem.cell}"
    if problem.row is not None:
        return f"{sheet} 第{problem.row}行"
    return sheet


def confidential_leaks(addressee: Addressee, items: list[Problem]) -> list[Problem]:
    """Items that must not reach this addressee (SPEC 8.1); empty for every notice landassess builds."""
    if addressee.kind == DEPARTMENT:
        return []
    allowed = {COUNTY: COUNTY_TABLES, CITY: ("recommendations",), EVALUATOR: ("scores",)}[addressee.kind]
    return [p for p in items if p.severity != ERROR or p.table not in allowed
            or (addressee.kind == EVALUATOR and p.party != addressee.who)]


_INTRO = {
    COUNTY: "经核对，贵单位报送的申报材料存在以下问题，请核实并补正后重新报送：",
    CITY: "经核对，贵市报送的推荐名单存在以下问题，请核实并补正后重新报送：",
    EVALUATOR: "经核对，您提交的评分表存在以下问题，请核实并更正后重新提交（本通知只发给您本人，请勿转发）：",
    DEPARTMENT: "以下事项由省厅核实处理（各县、设区市和评委的补正通知中不含这些事项）：",
}


def write_notices(problems: list[Problem], folder: Path, year: int, divisions: Divisions) -> list[Path]:
    """One workbook per addressee with at least one item (SPEC 8.1), by file name; the paths written."""
    folder = Path(folder)
    written = []
    for addressee, items in sorted(by_addressee(problems, divisions).items()):
        leaks = confidential_leaks(addressee, items)
        if leaks:  # a bug, not bad input: stop before anything confidential is written
            raise AssertionError(f"{addressee}: {len(leaks)} 条不属于该收件人的事项")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / addressee.file_name(divisions)
        _write_notice(path, addressee, items, year, divisions)
        written.append(path)
    return written


def _write_notice(path: Path, addressee: Addressee, items: list[Problem], year: int, divisions: Divisions) -> None:
    """One notice: title, intro and header (rows 1–3, repeated on every printed page), then one row per item.

    Prints on A4 landscape, one page wide, with page numbers (SPEC 8.4); long text wraps in its column.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    department = addressee.kind == DEPARTMENT
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "待核实事项" if department else "补正通知"
    title = "待核实事项" if department else "材料补正通知"
    sheet.append([f"{year} 年度土地执法模范县创建活动 {title} — {addressee.heading(divisions)}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_INTRO[addressee.kind]])
    names = divisions.name_of()
    if department:
        sheet.append(["序号", "类别", "表", "文件", "位置", "县级代码", "单位", "发现的内容", "应为", "说明"])
        widths = (6, 8, 10, 18, 16, 10, 12, 24, 30, 60)
    else:
        sheet.append(["序号", "表", "文件", "位置", "发现的内容", "应填写", "说明"])
        widths = (6, 10, 18, 16, 24, 30, 60)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, p in enumerate(items, start=1):
        common = [TABLE_ZH.get(p.table, p.table), p.file, cell_reference(p)]
        if department:
            row = [number, SEVERITY_ZH[p.severity], *common, p.code, names.get(p.code, ""), p.value or "（空）",
                   p.expected, p.message]
        else:
            row = [number, *common, p.value or "（空）", p.expected, p.message]
        sheet.append([neutralize_cell(x) for x in row])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(sheet, "1:3", landscape=True)
    workbook.properties.creator = "landassess"
    save_workbook(workbook, path, dt.datetime(year + 1, 1, 1))
