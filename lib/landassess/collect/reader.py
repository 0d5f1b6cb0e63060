"""Read one returned workbook: what it is, its rows with their cells, and what is wrong with it.

A workbook is opened through the same guarded door as the year's tables and seen as sparse cells
with what Excel hides (:mod:`landassess.collect.sheets`). It is recognised by its very hidden
``_landassess`` sheet (written with the template); one without it is recognised by its sheet names
and headers when it is a copy of a template, and is otherwise "not recognised". Every row read
keeps its source: file, sheet, row and the cell of each value, so a problem found later cites the
sender's own file and cell. Every other non-empty cell is a located problem (SPEC 8.2): an extra
declaration row, a hidden sheet, row or column holding values, a formula without a saved value, a
value outside the input area.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landassess.collect.layout import (
    CITY,
    COUNTY,
    COUNTY_SHEETS,
    EVALUATOR,
    FIRST_ROW,
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
from landassess.collect.sheets import SheetCells, cell_text, workbook_cells
from landassess.divisions import Divisions
from landassess.intake import _Unusable, column_letter
from landassess.params import Params
from landassess.problems import Problem
from landassess.vocabulary import ERROR, NOTICE

SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row", "source_cells")
"""Added to every collected row: where it came from (``source_cells``: ``column=letter;…``)."""


@dataclass
class Returned:
    """One returned workbook as read."""

    path: Path
    name: str  # path relative to the collected folder, as people see it
    form: str | None = None  # county, city, evaluator; None: not recognised
    meta: dict[str, str] = field(default_factory=dict)
    meta_rows: dict[str, int] = field(default_factory=dict)  # key → its row in the marker sheet
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # table → rows (with sources)
    problems: list[Problem] = field(default_factory=list)

    @property
    def who(self) -> str:
        """The county code, city or evaluator the workbook belongs to."""
        return self.meta.get("code") or self.meta.get("city") or self.meta.get("evaluator") or ""

    def meta_cell(self, key: str) -> dict[str, str]:
        """Where a marker value is (sheet and cell), for a problem about it; empty when unknown."""
        row = self.meta_rows.get(key)
        return {"sheet": META_SHEET, "cell": f"B{row}"} if row else {}

    @property
    def is_blank(self) -> bool:
        """Recognised but nothing typed in (a template sent back as it went out)."""
        return not any(self.rows.values())


def _problem(returned: Returned, severity: str, reason: str, message: str, *, sheet: str = "",
             row: int | None = None, cell: str = "", value: str = "", expected: str = "", code: str = "",
             table: str = "declarations", affects: bool = False) -> None:
    returned.problems.append(Problem(
        severity, table, message, file=returned.name, sheet=sheet, row=row, cell=cell, value=value[:80],
        expected=expected, code=code, affects_status=affects, reason=reason))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(text: str) -> str:
    """A marker value as given: the apostrophe the template writer put before formula-like text removed."""
    rest = text[1:]
    if text.startswith("'") and (rest.startswith(_FORMULA_START)
                                 or rest.lstrip(" \u3000\n\t\r\v\f").startswith(_FORMULA_START[:4])):
        return rest
    return text


def _meta(returned: Returned, sheets: dict[str, SheetCells]) -> None:
    sheet = sheets.get(META_SHEET)
    if sheet is None:
        return
    meta, rows = {}, {}
    for number in sheet.rows_from(1):
        key = sheet.value(number, 1)
        if key:
            meta[str(key)], rows[str(key)] = _plain(cell_text(sheet.value(number, 2))), number
    if meta.get("generator") == "landassess":
        returned.meta, returned.meta_rows = meta, rows
        sheet.mark(*sheet.values, *sheet.formulas)  # the marker sheet is landassess's own


_SHEETS = {COUNTY: (), CITY: (RECOMMENDATIONS.title,), EVALUATOR: (SCORE_SHEET_TITLE,)}
"""The sheets a form cannot be read without (a county's missing sheet is reported per sheet)."""
GUIDE_SHEET = "填表说明"
_FIRST_SHEET = {COUNTY: COUNTY_SHEETS[0].title, CITY: RECOMMENDATIONS.title, EVALUATOR: SCORE_SHEET_TITLE}
"""Where a sender sees the form's year (its title): a wrong year is located there, not in the hidden marker."""
_TABLE_OF_SHEET = {layout.title: layout.table for layout in (*COUNTY_SHEETS, RECOMMENDATIONS)} | {SCORE_SHEET_TITLE: "scores"}


def _guess_form(names: list[str]) -> str | None:
    if {s.title for s in COUNTY_SHEETS} <= set(names):
        return COUNTY
    if RECOMMENDATIONS.title in names:
        return CITY
    if SCORE_SHEET_TITLE in names:
        return EVALUATOR
    return None


def _affected(returned: Returned) -> dict[str, Any]:
    """The county a problem of this workbook makes incomplete (a county's form only)."""
    code = returned.meta.get("code", "") if returned.form in (COUNTY, None) else ""
    return {"code": code, "affects": bool(code)}


def read_returned(path: Path, root: Path, year: int, divisions: Divisions, params: Params,
                  name: str | None = None) -> Returned:
    """Read one workbook of the collected folder; never raises for a bad workbook.

    ``name`` is how the file is shown (its path under ``root``, printable); by default that path.
    """
    from landassess.intake.xlsxfile import load_guarded

    returned = Returned(path, name or str(path.relative_to(root)))
    try:
        guarded = load_guarded(path)
    except Exception as error:  # noqa: BLE001 - a damaged, oversized or unrelated file is a located problem
        named = divisions.county_named_in(returned.name)
        why = error.message if isinstance(error, _Unusable) else type(error).__name__
        _problem(returned, ERROR, "collect.unreadable", f"无法作为 Excel 工作簿读取：{why}；未收集",
                 expected="landassess 模板填写后的 .xlsx 文件（请在 Excel 或 WPS 中打开后另存为 .xlsx 再交回）",
                 code=named, affects=bool(named))
        return returned
    sheets = workbook_cells(guarded.sheets)
    _meta(returned, sheets)
    names = list(sheets)
    returned.form = returned.meta.get("form") or _guess_form(names)
    missing = [t for t in _SHEETS.get(returned.form or "", ()) if t not in names]
    if returned.form not in _SHEETS or missing:
        if returned.meta:  # marked, but not a form this version knows, or its data sheet removed
            _problem(returned, ERROR, "collect.sheet_missing",
                     f"工作簿带有模板标记，但缺少工作表“{'、'.join(missing)}”或类型未知，未收集", **returned.meta_cell("form"),
                     value="、".join(names), expected="模板中的全部工作表", code=returned.meta.get("code", ""),
                     affects=bool(returned.meta.get("code")))
            returned.form = None
            return returned
        returned.form = None
    if returned.form is None:
        _problem(returned, NOTICE, "collect.not_recognised", "不是 landassess 发出的模板（没有可识别的工作表），未收集",
                 value="、".join(names), expected="县级申报材料、设区市推荐名单或评委评分表")
        return returned
    if not returned.meta:
        _problem(returned, NOTICE, "collect.no_marker", "工作簿缺少模板标记（可能是复制后另存的），已按工作表名称识别",
                 expected="使用 landassess template 生成的原文件")
    if returned.meta.get("year") and returned.meta["year"] != str(year):
        _problem(returned, ERROR, "collect.wrong_year", f"这是 {returned.meta['year']} 年度的模板，不是 {year} 年度的，未收集",
                 sheet=_FIRST_SHEET[returned.form], row=TITLE_ROW, cell=f"A{TITLE_ROW}",
                 value=returned.meta["year"], expected=f"{year} 年度的模板",
                 code=returned.meta.get("code", ""), affects=bool(returned.meta.get("code")))
        return returned
    reader = {COUNTY: _read_county, CITY: _read_city, EVALUATOR: _read_evaluator}[returned.form]
    reader(returned, sheets, divisions, params)
    _account(returned, sheets)
    return returned


def _header_ok(returned: Returned, sheet: SheetCells, expected: list[str], table: str) -> bool:
    found = [cell_text(sheet.value(HEADER_ROW, i + 1)) for i in range(len(expected))]
    sheet.mark(*((HEADER_ROW, i + 1) for i in range(len(expected))))
    for position, (want, got) in enumerate(zip(expected, found, strict=True)):
        if want != got:
            _problem(returned, ERROR, "collect.header_modified", f"表头被修改：应为“{want}”，该工作表未收集",
                     sheet=sheet.title, row=HEADER_ROW, cell=f"{column_letter(position)}{HEADER_ROW}", value=got,
                     expected=want, table=table, code=returned.meta.get("code", ""),
                     affects=bool(returned.meta.get("code")))
            sheet.mark(*sheet.values, *sheet.formulas)  # the sheet is not read: said once, here
            return False
    # The template's title and note rows (the note row of a city's list holds its live count).
    sheet.mark(*(c for c in (*sheet.values, *sheet.formulas) if c[0] in (TITLE_ROW, NOTE_ROW)))
    return True


def _hidden_or_formula(returned: Returned, sheet: SheetCells, cells: list[tuple[int, int]], table: str) -> bool:
    """Report a row's hidden or formula cells (not read; a hidden row once): whether the row must be left out."""
    bad = False
    for cell in cells:
        where = {"sheet": sheet.title, "row": cell[0], "cell": f"{column_letter(cell[1] - 1)}{cell[0]}", "table": table}
        shown = cell_text(sheet.value(*cell)) or sheet.formulas.get(cell, "")
        if cell[0] in sheet.hidden_rows:
            if not bad:
                _problem(returned, ERROR, "collect.hidden_row", "被隐藏的行中有内容（打开文件时看不到），该行未收集；"
                         "请取消隐藏，核实后重新交回", value=shown, expected="不隐藏任何行", **where, **_affected(returned))
        elif cell[1] in sheet.hidden_columns:
            _problem(returned, ERROR, "collect.hidden_column", "被隐藏的列中有内容（打开文件时看不到），该行未收集；"
                     "请取消隐藏，核实后重新交回", value=shown, expected="不隐藏任何列", **where, **_affected(returned))
        elif cell in sheet.formulas:
            _problem(returned, ERROR, "collect.formula_no_value",
                     "单元格是公式但没有保存计算结果（文件不是在 Excel 或 WPS 中保存的），该行未收集",
                     value=shown, expected="直接填写数值或文字，或在 Excel/WPS 中打开后保存再交回",
                     **where, **_affected(returned))
        else:
            continue
        bad = True
        sheet.mark(cell)
    return bad


def _rows(returned: Returned, sheet: SheetCells, layout: SheetLayout, extra: dict[str, str]) -> list[dict[str, str]]:
    """The non-blank input rows of a data sheet, with their sources; hidden or formula rows reported, not read."""
    width = len(layout.columns)
    locked = {i + 1 for i, name in enumerate(layout.columns) if name in layout.locked}
    rows = []
    for number in sheet.rows_from(FIRST_ROW):
        inside = [c for c in sheet.row_cells(number) if c[1] <= width]
        typed = [c for c in inside if c[1] not in locked]
        if not typed:
            sheet.mark(*inside)  # prefilled cells of a row nobody typed in
            continue
        if _hidden_or_formula(returned, sheet, typed, layout.table):
            sheet.mark(*inside)
            continue
        texts = [cell_text(sheet.value(number, i + 1)) for i in range(width)]
        texts = [_plain(t) if name in layout.locked else t for name, t in zip(layout.columns, texts, strict=True)]
        record = dict(zip(layout.columns, texts, strict=True)) | extra
        record |= {"source_file": returned.name, "source_sheet": sheet.title, "source_row": str(number),
                   "source_cells": ";".join(f"{name}={column_letter(i)}" for i, name in enumerate(layout.columns))}
        rows.append(record)
        sheet.mark(*inside)
    return rows


def _account(returned: Returned, sheets: dict[str, SheetCells]) -> None:
    """Every non-empty cell the reader did not use is a located problem (SPEC 8.2)."""
    data_sheets = {s.title for s in COUNTY_SHEETS} | {RECOMMENDATIONS.title, SCORE_SHEET_TITLE}
    for sheet in sheets.values():
        left = sheet.unaccounted()
        if not left:
            continue
        if sheet.is_hidden or sheet.title not in data_sheets | {GUIDE_SHEET}:
            state = "被隐藏的" if sheet.is_hidden else "模板之外的"
            row, column = left[0]
            _problem(returned, ERROR, "collect.hidden_sheet" if sheet.is_hidden else "collect.extra_sheet",
                     f"{state}工作表“{sheet.title}”中有 {len(left)} 个单元格有内容，未收集；"
                     "请把数据填在模板的表格中，删除或清空该工作表后重新交回",
                     sheet=sheet.title, row=row, cell=f"{column_letter(column - 1)}{row}",
                     value=cell_text(sheet.value(row, column)) or sheet.formulas.get((row, column), ""),
                     expected="只在模板的工作表中填写", **_affected(returned))
            continue
        if sheet.title == GUIDE_SHEET:
            left = [c for c in left if c[1] != 1]  # the instructions themselves (column A)
        for row, column in left:
            _problem(returned, NOTICE, "collect.edit_outside", "在填写区域之外的单元格有内容，未读取",
                     sheet=sheet.title, row=row, cell=f"{column_letter(column - 1)}{row}",
                     value=cell_text(sheet.value(row, column)) or sheet.formulas.get((row, column), ""),
                     expected="只在表格列内填写", table=_TABLE_OF_SHEET.get(sheet.title, "declarations"), code=returned.meta.get("code", ""))


def _read_county(returned: Returned, sheets: dict[str, SheetCells], divisions: Divisions, params: Params) -> None:
    names = divisions.name_of()
    code = returned.meta.get("code", "")
    for layout in COUNTY_SHEETS:
        if layout.title not in sheets:
            _problem(returned, ERROR, "collect.sheet_missing", f"缺少工作表“{layout.title}”", table=layout.table,
                     expected="模板中的全部工作表", code=code, affects=bool(code))
            continue
        sheet = sheets[layout.title]
        if sheet.is_hidden:
            continue  # a hidden data sheet is not read: _account lists its cells
        if not _header_ok(returned, sheet, header_labels(layout), layout.table):
            continue
        extra = {} if layout is COUNTY_SHEETS[0] else {"code": code}
        rows = _rows(returned, sheet, layout, extra)
        if layout is COUNTY_SHEETS[0]:
            for record in rows:
                if not code:  # a copy without the marker: the county is the one it names
                    code = returned.meta["code"] = record["code"]
                if record["code"] != code or record["name"] != names.get(code, record["name"]):
                    letter = "A" if record["code"] != code else "B"
                    _problem(returned, ERROR, "collect.other_county",
                             f"该工作簿发给 {names.get(code, code)}（{code}），但申报表写的是 {record['name']}（{record['code']}）",
                             sheet=sheet.title, row=int(record["source_row"]), cell=f"{letter}{record['source_row']}",
                             value=record["code"], expected=code, code=code, affects=True)
                    record["code"] = code
            for extra_row in rows[1:]:  # a county declares once: an extra row is said, not dropped silently
                number = int(extra_row["source_row"])
                _problem(returned, ERROR, "collect.many_rows",
                         f"申报表只应有一行（第{FIRST_ROW}行），第{number}行的内容未收集；请核实后只保留一行重新交回",
                         sheet=sheet.title, row=number, cell=f"D{number}", value=extra_row.get("declared_on", ""),
                         expected=f"只在第{FIRST_ROW}行填写申报信息", code=code, affects=True)
            rows = rows[:1]
        returned.rows[layout.table] = rows


def _read_city(returned: Returned, sheets: dict[str, SheetCells], divisions: Divisions, params: Params) -> None:
    sheet = sheets[RECOMMENDATIONS.title]
    city = returned.meta.get("city", "")
    if sheet.is_hidden or not _header_ok(returned, sheet, header_labels(RECOMMENDATIONS), "recommendations"):
        return
    counties = divisions.table[divisions.table["city"] == city]
    code_of = dict(zip(counties["name"], counties["code"], strict=True))
    names = divisions.table["name"]
    once = Counter(names)  # a name held by one county only, anywhere in the province
    anywhere = {n: c for n, c in zip(names, divisions.table["code"], strict=True) if once[n] == 1}
    rows = []
    for record in _rows(returned, sheet, RECOMMENDATIONS, {"city": city}):
        name = record.pop("name")
        # Another city's county keeps its code, so intake reports it as such; an unknown name stays visible.
        record["code"] = code_of.get(name) or anywhere.get(name, name)
        if name not in code_of:
            _problem(returned, ERROR, "collect.unknown_county", f"“{name}”不是{city}所辖的县级单位",
                     sheet=sheet.title, row=int(record["source_row"]), cell=f"B{record['source_row']}", value=name,
                     expected=f"{city}所辖县级单位", table="recommendations")
        record["source_cells"] = record["source_cells"].replace("name=", "code=")
        rows.append(record)
    returned.rows["recommendations"] = rows


def _read_evaluator(returned: Returned, sheets: dict[str, SheetCells], divisions: Divisions, params: Params) -> None:
    sheet = sheets[SCORE_SHEET_TITLE]
    evaluator = returned.meta.get("evaluator", "")
    criteria = list(params.rubric.criteria)
    expected = ["县级代码", "县（市、区）"] + [criterion_header(c.id, c.name, f"{c.max.normalize():f}") for c in criteria]
    if not evaluator:
        _problem(returned, ERROR, "collect.unknown_evaluator", "评分表没有评委标识（不是 landassess 生成的评分表），未收集",
                 sheet=sheet.title, table="scores", expected="landassess template 生成的评分表")
        sheet.mark(*sheet.values, *sheet.formulas)
        return
    if sheet.is_hidden or not _header_ok(returned, sheet, expected, "scores"):
        return
    recused = set(filter(None, returned.meta.get("recused", "").split(",")))
    admitted = set(filter(None, returned.meta["codes"].split(","))) if "codes" in returned.meta else set(divisions.codes)
    width = len(expected)
    rows = []
    for number in sheet.rows_from(FIRST_ROW):
        inside = [c for c in sheet.row_cells(number) if c[1] <= width]
        scored = [c for c in inside if c[1] > 2]
        code = cell_text(sheet.value(number, 1))
        if not scored:
            sheet.mark(*inside)  # the prefilled code and name of a county not scored (yet)
            continue
        if code not in admitted:  # a row added by hand, or a code overwritten: not scored this year
            _problem(returned, ERROR, "collect.county_not_admitted" if code else "collect.row_without_code",
                     f"评分表中的 {code} 不在发出评分表时的评分范围（已获推荐且未被否决的县）内，该行 {len(scored)} 个评分未收集"
                     if code else f"该行没有县级代码，{len(scored)} 个评分未收集", sheet=sheet.title, row=number,
                     cell=f"A{number}", value=code, expected="评分表中预填的县级代码", table="scores", code=code)
            sheet.mark(*inside)
            continue
        sheet.mark(*(c for c in inside if c[1] <= 2))
        for cell in scored:
            position = cell[1] - 1
            criterion = criteria[position - 2]
            letter = column_letter(position)
            if _hidden_or_formula(returned, sheet, [cell], "scores"):
                continue
            sheet.mark(cell)
            score = cell_text(sheet.value(*cell))
            if code in recused:
                _problem(returned, NOTICE, "collect.recused_score", f"评委 {evaluator} 对该县回避，评分不计",
                         sheet=sheet.title, row=number, cell=f"{letter}{number}", value=score, table="scores",
                         code=code)
                continue
            rows.append({"evaluator": evaluator, "code": code, "criterion": criterion.id, "score": score,
                         "source_file": returned.name, "source_sheet": sheet.title, "source_row": str(number),
                         "source_cells": f"evaluator=;code=A;criterion={letter};score={letter}"})
    returned.rows["scores"] = rows
