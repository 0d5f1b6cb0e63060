"""Forms for the counties: blank input workbooks.

``landassess template`` writes one workbook per county-facing table (申报, 否决事项, 加分事项) in
the layout the intake reads (first sheet = the table), with a locked header row, drop-down lists
for 是/否, units, levels and types, and a sheet of Chinese instructions. The 补正通知 that
``landassess validate`` writes are in :mod:`landassess.publish.notices`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from landassess.divisions import Divisions
from landassess.intake import TABLES
from landassess.params import Params, clauses_in_force, county_instructions
from landassess.publish.workbooks import save_workbook
from landassess.vocabulary import BONUS_KINDS, TABLE_ZH

ROWS = 300  # rows prepared for input below the header
_INSTRUCTIONS = {
    "declarations": [
        "每个申报的县（市、区）填写一行；县级代码为6位国标代码，须与名称、设区市一致（开发区不是评估对象）。",
        "申报日期：每年1月中旬前（默认截止1月15日），格式 {next}-01-10、{next}/1/10 或 {next}年1月10日。",
        "自报违法占用耕地面积、新增建设用地占用耕地面积：评估年度内数据；面积单位选“亩”或“公顷”（空白为亩）。",
        "自报面积少于省厅掌握的数据时，报告将提示可能弄虚作假（方案九(三)）。",
        "联系人、联系电话仅供联系，不会出现在共享报告中。",
    ],
    "bonus_events": [
        "类别：通报表扬（须有正式文件）或典型经验；级别：国家级、省级、市级（市级不加分）。",
        "文号按正式文件填写，如 苏自然资函〔{year}〕12号；同一文号只计一次。",
        "日期：只计评估年度内的文件。",
    ],
}
"""Instructions of the declaration and bonus templates; the events table's come from the year's clauses."""


def input_choices(params: Params, divisions: Divisions | None = None) -> dict[str, tuple[list[str], str]]:
    """Column → (drop-down values, prompt) of every form sent out; the veto types are the year's clauses in force.

    One list for both template writers (this module and :mod:`.return_forms`), SPEC 8.7.
    """
    choices = {
        "area_unit": (["亩", "公顷"], "面积单位：亩 或 公顷（空白视为亩）"),
        "type": ([c.label for c in clauses_in_force(params).values()], "否决事项类型（方案七(一)）"),
        "authority_level": (["国家", "省", "市"], "作出决定或批示的层级"),
        "verified": (["是", "否"], "是否经查实"),
        "kind": (list(BONUS_KINDS.values()), "加分类别（方案七(二)）"),
        "level": (["国家级", "省级", "市级"], "文件级别（市级不加分）"),
    }
    return choices if divisions is None else {"city": (list(divisions.cities), "所属设区市"), **choices}


def instructions(name: str, params: Params) -> list[str]:
    """The 填表说明 lines of one county-facing table (``{year}``, ``{next}`` left to fill)."""
    return county_instructions(params) if name == "veto_events" else _INSTRUCTIONS[name]


def fits_a_list(values: list[str]) -> bool:
    """Can Excel offer ``values`` as a drop-down list (no ``"`` or ``,``, at most 250 characters)?"""
    return not any('"' in value or "," in value for value in values) and len(",".join(values)) <= 250


def _list_validation(values: list[str], column: str, prompt: str):
    """A drop-down list, or None when a value cannot be written in a list formula ("" or ,)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if not fits_a_list(values):
        return None
    validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="取值无效", error="请从下拉列表中选择",
                                promptTitle="填写提示", prompt=prompt)
    validation.add(f"{column}2:{column}{ROWS + 1}")
    return validation


def write_templates(folder: Path, year: int, divisions: Divisions, params: Params) -> list[Path]:
    """Write declarations.xlsx, veto_events.xlsx and bonus_events.xlsx templates into ``folder``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    choices = input_choices(params, divisions)
    written = []
    for name in ("declarations", "veto_events", "bonus_events"):
        spec = TABLES[name]
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = TABLE_ZH[name]
        headers = [c.zh for c in spec.columns]
        sheet.append(headers)
        for position, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(position)
            cell = sheet.cell(row=1, column=position)
            cell.font = Font(bold=True, color="FFFFFF" if column.required else "000000")
            cell.fill = PatternFill("solid", fgColor="1F4E79" if column.required else "D6DDE6")
            sheet.column_dimensions[letter].width = max(12, len(column.zh) * 2 + 2)
            if column.name in choices:
                values, prompt = choices[column.name]
                validation = _list_validation(values, letter, prompt)
                if validation is not None:
                    sheet.add_data_validation(validation)
            for row in range(2, ROWS + 2):
                sheet.cell(row=row, column=position).protection = Protection(locked=False)
        sheet.freeze_panes = "A2"
        sheet.protection.sheet = True  # the header row stays locked; the rows below are editable
        sheet.protection.formatColumns = False
        guide = workbook.create_sheet("填表说明")
        guide.append([f"{year} 年度 江苏省土地执法模范县（市、区）创建活动 — {TABLE_ZH[name]}表 填表说明"])
        guide["A1"].font = Font(bold=True, size=13)
        guide.append(["深色表头为必填列；其余为选填。请勿修改表头，表头行已锁定。"])
        for line in instructions(name, params):
            guide.append([line.format(year=year, next=year + 1)])  # examples dated in the assessed year
        guide.column_dimensions["A"].width = 110
        workbook.properties.creator = "landassess"
        path = folder / f"{name}.xlsx"
        save_workbook(workbook, path, dt.datetime(year + 1, 1, 1))
        written.append(path)
    return written
