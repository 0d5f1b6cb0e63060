"""Workbooks for everyone who sends something back (SPEC 7.4, issue 11).

- one declaration workbook per county (申报, 否决事项, 加分事项), the county prefilled and locked;
- one recommendation list per city (推荐名单): only that city's counties, its quota
  (⌊share × divisions⌋, 六(二)) and a live count against it;
- one score sheet per evaluator (评分表), given the year's admitted, unvetoed counties: a column
  per criterion headed with its name and maximum, cells validated to 0 … max, the evaluator's
  recusals (回避) greyed out and locked.

Each workbook carries the very hidden sheet ``_landassess`` naming the form, so ``landassess
collect`` recognises it by content (``collect/layout.py`` holds the shared layout). Every sheet is
protected: only the cells meant for input are unlocked; the workbook structure is locked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from landassess.collect.layout import (
    CITY,
    COUNTY,
    COUNTY_SHEETS,
    EVALUATOR,
    FIRST_ROW,
    FORM_VERSION,
    HEADER_ROW,
    META_SHEET,
    NOTE_ROW,
    RECOMMENDATIONS,
    SCORE_SHEET_TITLE,
    TITLE_ROW,
    SheetLayout,
    criterion_header,
    header_labels,
)
from landassess.divisions import Divisions, city_quotas
from landassess.intake import TABLES
from landassess.params import Params, county_instructions
from landassess.publish.forms import ROWS, fits_a_list, input_choices, instructions
from landassess.publish.notices import safe_file_part
from landassess.publish.workbooks import neutralize_cell, save_workbook
from landassess.vocabulary import TABLE_ZH

NOTICE_NAME = "江苏省土地执法模范县（市、区）创建活动"
def _prompts(year: int) -> dict[str, str]:
    """Input prompts, with examples dated in the assessed year (events) and the next (declaring, recommending)."""
    return {
        "declared_on": f"申报日期，如 {year + 1}-01-10",
        "self_illegal_cultivated_area": "只填数字，单位在“面积单位”列选择",
        "self_construction_cultivated_area": "只填数字，单位在“面积单位”列选择",
        "date": f"日期，如 {year}-06-01；只计评估年度内的事项",
        "document_no": f"按正式文件填写，如 苏自然资函〔{year}〕12号",
        "recommended_on": f"推荐日期，如 {year + 1}-01-25",
        "contact": "仅供联系，不会出现在共享报告中",
        "phone": "仅供联系，不会出现在共享报告中",
    }


_WIDTHS = {"document_no": 30, "title": 44, "reference": 30, "description": 44, "name": 16, "city": 12}
_LOCKED_FILL, _HEADER_FILL, _RECUSED_FILL = "EDEDED", "1F4E79", "BFBFBF"


def _zh_date(day: dt.date) -> str:
    """2026年1月15日 (strftime's %-m is not portable to Windows)."""
    return f"{day.year}年{day.month}月{day.day}日"


def _stamp(year: int) -> dt.datetime:
    return dt.datetime(year + 1, 1, 1)


def _meta_sheet(workbook, items: dict[str, str]) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    for key, value in {"generator": "landassess", "version": FORM_VERSION, **items}.items():
        sheet.append([key, neutralize_cell(value)])  # an evaluator id like “=A1” stays text
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True


def _validation(column_name: str, letter: str, first: int, last: int, *, year: int,
                maximum: Decimal | None = None, choices: dict[str, tuple[list[str], str]] | None = None):
    """The data validation of one input column (a list, a number ≥ 0, a date), or None."""
    from openpyxl.worksheet.datavalidation import DataValidation

    ref = f"{letter}{first}:{letter}{last}"
    prompt = _prompts(year).get(column_name, "")
    if choices and column_name in choices and fits_a_list(choices[column_name][0]):
        values, prompt = choices[column_name]
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                               error="请从下拉列表中选择")
    elif column_name.startswith("self_") or maximum is not None:
        check = DataValidation(type="decimal", operator="between", formula1="0",
                               formula2=str(maximum) if maximum is not None else "1000000", allow_blank=True,
                               error=f"请填写 0 至 {maximum} 之间的数值" if maximum is not None
                               else "请只填写数字（单位在“面积单位”列选择），如 31.5")
    elif column_name in ("declared_on", "date", "recommended_on"):
        check = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)",
                               formula2="DATE(2100,12,31)", allow_blank=True, error=f"请填写日期，如 {year + 1}-01-10")
    elif prompt:
        check = DataValidation(allow_blank=True)
    else:
        return None
    check.showErrorMessage, check.errorTitle = True, "填写有误"
    if prompt:
        check.showInputMessage, check.promptTitle, check.prompt = True, "填写提示", prompt[:250]
    check.add(ref)
    return check


def _data_sheet(sheet, layout: SheetLayout, title: str, note: str, prefill: Sequence[Sequence] = (), *,
                year: int, choices: dict[str, tuple[list[str], str]] | None = None) -> None:
    """Title, note, header and ``layout.rows`` input rows (``prefill`` fills the locked columns)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    sheet.cell(NOTE_ROW, 1, note).font = Font(color="B3261E")
    last = FIRST_ROW + max(layout.rows, len(prefill)) - 1
    for position, (name, label) in enumerate(zip(layout.columns, header_labels(layout), strict=True), start=1):
        letter = get_column_letter(position)
        header = sheet.cell(HEADER_ROW, position, label)
        header.font = Font(bold=True, color="FFFFFF")
        header.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        header.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, max(12, len(header.value) * 2 + 2))
        is_locked = name in layout.locked
        if not is_locked:
            check = _validation(name, letter, FIRST_ROW, last, year=year, choices=choices)
            if check is not None:
                sheet.add_data_validation(check)
        for row in range(FIRST_ROW, last + 1):
            cell = sheet.cell(row, position)
            cell.protection = Protection(locked=is_locked)
            if is_locked:
                cell.fill = PatternFill("solid", fgColor=_LOCKED_FILL)
    for offset, values in enumerate(prefill):
        for position, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(FIRST_ROW + offset, position, neutralize_cell(value))
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 1)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _guide(workbook, title: str, lines: Iterable[str]) -> None:
    from openpyxl.styles import Font

    guide = workbook.create_sheet("填表说明")
    guide.append([title])
    guide["A1"].font = Font(bold=True, size=13)
    for line in lines:
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    guide.protection.sheet = True


def _finish(workbook, path: Path, year: int) -> Path:
    workbook.security.lockStructure = True  # no sheet added, removed or renamed
    workbook.properties.creator = "landassess"
    save_workbook(workbook, path, _stamp(year))
    return path


def write_templates(folder: Path, year: int, divisions: Divisions, params: Params) -> list[Path]:
    """The blank tables 申报, 否决事项 and 加分事项 (declarations.xlsx …), every column of the schema, for any sender.

    Written like the county forms (title, note, header, drop-downs from :func:`.forms.input_choices`),
    read back by intake (the title rows above the header are skipped).
    """
    from openpyxl import Workbook

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    choices, written = input_choices(params, divisions), []
    for name in ("declarations", "veto_events", "bonus_events"):
        spec = TABLES[name]
        layout = SheetLayout(name, TABLE_ZH[name], tuple(c.name for c in spec.columns), rows=ROWS)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = layout.title
        _data_sheet(sheet, layout, f"{year} 年度{NOTICE_NAME} — {TABLE_ZH[name]}",
                    "请勿修改表头；每项一行，从表头下一行开始填写。", year=year, choices=choices)
        required = "、".join(c.zh for c in spec.columns if c.required)
        _guide(workbook, f"{year} 年度 {NOTICE_NAME} — {TABLE_ZH[name]}表 填表说明", [
            f"必填列：{required}；其余为选填。请勿修改表头，表头行已锁定。",
            *(line.format(year=year, next=year + 1) for line in instructions(name, params))])
        written.append(_finish(workbook, folder / f"{name}.xlsx", year))
    return written


def write_county_forms(folder: Path, year: int, divisions: Divisions, params: Params) -> list[Path]:
    """One declaration workbook per county: 申报 (prefilled), 否决事项, 加分事项, 填表说明."""
    from openpyxl import Workbook

    deadline = params.deadlines.declaration_date(year)
    choices, veto_lines = input_choices(params), county_instructions(params)[:2]
    written = []
    for code, name, city in divisions.table[["code", "name", "city"]].itertuples(index=False):
        workbook = Workbook()
        notes = {
            "申报": f"报送截止：{_zh_date(deadline)}（方案六(一)）；灰色单元格已预填，请勿修改。",
            "否决事项": "如实填写评估年度内发生的七(一)所列事项，每项一行；没有则留空。",
            "加分事项": "评估年度内获得的国家级、省级通报表扬或典型经验推广，每个文号一行；没有则留空。",
        }
        for index, layout in enumerate(COUNTY_SHEETS):
            sheet = workbook.active if index == 0 else workbook.create_sheet()
            sheet.title = layout.title
            prefill = [(code, name, city)] if layout is COUNTY_SHEETS[0] else ()
            _data_sheet(sheet, layout, f"{year} 年度{NOTICE_NAME} — {layout.title}（{name}，{city}，{code}）",
                        notes[layout.title], prefill, year=year, choices=choices)
        _guide(workbook, f"{year} 年度{NOTICE_NAME} 县级申报材料 填表说明（{name}）", [
            f"本工作簿只用于 {name}（{city}，县级代码 {code}）。请勿增删或重命名工作表，请勿修改表头。",
            f"申报：填写申报日期（截止 {_zh_date(deadline)}）、自报面积（只填数字）和面积单位。",
            "否决事项：类型、层级、是否查实从下拉列表选择；只计评估年度内的事项。",
            *(f"否决事项{line}" for line in veto_lines),
            "加分事项：类别、级别从下拉列表选择；同一文号只计一次；市级文件不加分。",
            "联系人、联系电话仅供联系，不会出现在共享报告中。",
            "填好后将本文件原样发回（文件名可以更改）。",
        ])
        _meta_sheet(workbook, {"form": COUNTY, "year": str(year), "code": code, "name": name, "city": city})
        written.append(_finish(workbook, Path(folder) / f"{code}-{safe_file_part(name)}-申报材料.xlsx", year))
    return written


def write_city_forms(folder: Path, year: int, divisions: Divisions, params: Params) -> list[Path]:
    """One recommendation list per city: its counties as a drop-down, its quota, a live count."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.formula import ArrayFormula

    share = params.recommendation.quota_share
    quotas = city_quotas(divisions, share).set_index("city")
    deadline = params.deadlines.recommendation_date(year)
    written = []
    for city in divisions.cities:
        names = divisions.table.loc[divisions.table["city"] == city, "name"].tolist()
        count, quota = int(quotas.at[city, "divisions"]), int(quotas.at[city, "quota"])
        layout = SheetLayout(RECOMMENDATIONS.table, RECOMMENDATIONS.title, RECOMMENDATIONS.columns,
                             RECOMMENDATIONS.locked, rows=count)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = layout.title
        _data_sheet(sheet, layout, f"{year} 年度{NOTICE_NAME} — {city}推荐名单",
                    f"推荐名额：⌊{(share * 100).normalize():f}% × {count} 个县级单位⌋ = {quota} 个（方案六(二)）；按推荐顺序填写；"
                    f"报送截止：{_zh_date(deadline)}。", [(i,) for i in range(1, count + 1)], year=year)
        last = FIRST_ROW + count - 1
        listed = '"' + ",".join(names) + '"'
        if len(listed) <= 255 and not any(ch in "".join(names) for ch in ',"'):  # else no list Excel can read
            pick = DataValidation(type="list", formula1=listed, allow_blank=True,
                                  showErrorMessage=True, errorTitle="填写有误", error=f"请从{city}所辖县级单位中选择",
                                  showInputMessage=True, promptTitle="填写提示", prompt=f"从{city}所辖县级单位中选择")
            pick.add(f"B{FIRST_ROW}:B{last}")
            sheet.add_data_validation(pick)
        counted = f"COUNTA(B{FIRST_ROW}:B{last})"
        # The live count is our own formula (no sender's text in it). As an array formula it is not a
        # text cell, so the writer's neutralising (which turns every "=…" text into text) keeps it live.
        counter = sheet.cell(NOTE_ROW, 5)
        counter.value = ArrayFormula(f"E{NOTE_ROW}", f'=IF({counted}>{quota},"已推荐 "&{counted}&" 个，超出名额 {quota} 个",'
                                                     f'"已推荐 "&{counted}&" 个（名额 {quota} 个）")')
        counter.font = Font(bold=True)
        sheet.conditional_formatting.add(
            f"B{FIRST_ROW}:B{last}", FormulaRule(formula=[f"COUNTA($B${FIRST_ROW}:$B${last})>{quota}"],
                                                 fill=PatternFill("solid", fgColor="F4CCCC")))
        _guide(workbook, f"{year} 年度{NOTICE_NAME} {city}推荐名单 填表说明", [
            f"{city}共有 {count} 个县级单位，推荐名额 {quota} 个（不超过 {(share * 100).normalize():f}%，向下取整）。",
            "按推荐顺序在“县（市、区）”列从下拉列表选择；超出名额的推荐将被列为“超出推荐名额”。",
            "只能推荐本市已申报的县级单位；开发区不是评估对象。",
            "填好后将本文件原样发回（文件名可以更改）。",
        ])
        _meta_sheet(workbook, {"form": CITY, "year": str(year), "city": city, "quota": str(quota)})
        written.append(_finish(workbook, Path(folder) / f"{safe_file_part(city)}-推荐名单.xlsx", year))
    return written


def write_score_sheets(folder: Path, year: int, params: Params, counties: Sequence[tuple[str, str]],
                       evaluators: Sequence[str], recused: dict[str, set[str]] | None = None) -> list[Path]:
    """One score sheet per evaluator: a row per county (code, name), a column per criterion.

    ``counties`` are the admitted, unvetoed counties in code order; ``recused`` maps an evaluator
    to the county codes they may not score (回避): those rows are greyed out and locked.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    recused = recused or {}
    criteria = list(params.rubric.criteria)
    written: list[Path] = []
    for evaluator in dict.fromkeys(evaluators):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = SCORE_SHEET_TITLE
        sheet.cell(TITLE_ROW, 1, f"{year} 年度{NOTICE_NAME} — 评分表（评委：{evaluator}）").font = Font(bold=True, size=13)
        sheet.cell(NOTE_ROW, 1, "每项指标填写 0 至满分之间的数值；灰色行为回避，不评分；评分细则见“填表说明”。").font = Font(color="B3261E")
        headers = ["县级代码", "县（市、区）"] + [criterion_header(c.id, c.name, f"{c.max.normalize():f}") for c in criteria]
        for position, text in enumerate(headers, start=1):
            cell = sheet.cell(HEADER_ROW, position, text)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[get_column_letter(position)].width = 12 if position > 2 else 14
        sheet.row_dimensions[HEADER_ROW].height = 90
        last = FIRST_ROW + len(counties) - 1
        for offset, (code, name) in enumerate(counties):
            row = FIRST_ROW + offset
            is_recused = code in recused.get(evaluator, set())
            for position, value in enumerate([code, name] + [None] * len(criteria), start=1):
                cell = sheet.cell(row, position, neutralize_cell(value))
                locked = position <= 2 or is_recused
                cell.protection = Protection(locked=locked)
                if is_recused:
                    cell.fill = PatternFill("solid", fgColor=_RECUSED_FILL)
                elif locked:
                    cell.fill = PatternFill("solid", fgColor=_LOCKED_FILL)
        for position, criterion in enumerate(criteria, start=3):
            check = _validation("score", get_column_letter(position), FIRST_ROW, max(last, FIRST_ROW), year=year,
                                maximum=criterion.max)
            sheet.add_data_validation(check)
        sheet.freeze_panes = sheet.cell(FIRST_ROW, 3)
        sheet.protection.sheet = True
        _guide(workbook, f"{year} 年度{NOTICE_NAME} 评分表 填表说明（评委：{evaluator}）", [
            "每个县级单位一行，每项指标一列；表头注明指标名称和满分，单元格只接受 0 至满分之间的数值。",
            "灰色行为回避（如本人工作或任职地区），请勿评分；回避名单由省厅确定。",
            f"评分标准为本年度评估细则（依据：{params.rubric.source}），以省厅正式印发的评估细则为准。",
            "请勿增删行列、修改表头或县级代码；填好后将本文件原样发回（文件名可以更改）。",
        ] + [f"{c.id} {c.name}：满分 {c.max.normalize():f}" for c in criteria])
        _meta_sheet(workbook, {"form": EVALUATOR, "year": str(year), "evaluator": evaluator,
                               "criteria": ",".join(c.id for c in criteria),
                               "codes": ",".join(code for code, _ in counties),
                               "recused": ",".join(sorted(recused.get(evaluator, set())))})
        stem, number = f"评分表-{safe_file_part(evaluator)}", 1
        while Path(folder) / f"{stem}.xlsx" in written:  # “评委/甲” and “评委_甲” would share a name
            number += 1
            stem = f"评分表-{safe_file_part(evaluator)}-{number}"
        written.append(_finish(workbook, Path(folder) / f"{stem}.xlsx", year))
    return written


def score_sheet_plan(data: Path, year: int, params: Params, divisions: Divisions,
                     evaluators: Sequence[str] = ()) -> tuple[list[tuple[str, str]], list[str], dict[str, set[str]]]:
    """Who scores whom this year: (admitted, unvetoed counties; evaluators; recused codes per evaluator).

    Read from the year's data after the recommendations (no scores yet). The evaluators are those
    given, else the parameters' ``evaluators`` list, else those of an existing score table or of
    the recusals table (in the order they first appear).
    """
    from landassess.assessment import assess_year
    from landassess.intake import load_year

    inputs = load_year(Path(data), year, params, divisions, optional=("scores",))
    counties = assess_year(inputs, params, divisions).counties
    chosen = counties[counties["is_admitted"] & (counties["vetoes"] == "")]
    rows = list(zip(chosen["code"], chosen["name"], strict=True))
    recusals = inputs.tables["recusals"]
    recusals = recusals[recusals["is_valid"]] if len(recusals) else recusals
    evaluators = evaluators or params.evaluators  # the year's list (params/<Y>.yaml), in its order
    if not evaluators:
        scores = inputs.tables["scores"]
        # In the order they first appear (a table's order is the department's), never by code point.
        evaluators = list(dict.fromkeys(scores["evaluator"].dropna())) if len(scores) else []
        evaluators = evaluators or (list(dict.fromkeys(recusals["evaluator"])) if len(recusals) else [])
    city_of = divisions.city_of()
    recused: dict[str, set[str]] = {}
    for evaluator, code, city in (zip(recusals["evaluator"], recusals["code"], recusals["city"], strict=True)
                                  if len(recusals) else []):
        recused.setdefault(evaluator, set()).update(
            {code} if code else {c for c, _ in rows if city_of.get(c) == city})
    return rows, list(evaluators), recused
