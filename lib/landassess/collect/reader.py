"""Read one returned workbook: what it is, its rows with their cells, and what is wrong with it.

A workbook is recognised by its very hidden ``_landassess`` sheet (written with the template);
one without it is recognised by its sheet names and headers when it is a copy of a template, and
is otherwise "not recognised". Every row read keeps its source: file, sheet, row and the cell of
each value, so a problem found later cites the sender's own file and cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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
    RECOMMENDATIONS,
    SCORE_SHEET_TITLE,
    SheetLayout,
    criterion_header,
    header_labels,
)
from landassess.divisions import Divisions
from landassess.intake import column_letter
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


def cell_text(value: Any) -> str:
    """A cell as text for the collected CSV: dates ISO, numbers without binary noise, text as typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            number = Decimal(repr(value))
        except InvalidOperation:
            return str(value)
        return f"{number.normalize():f}" if number == number.to_integral_value() else repr(value)
    return str(value).strip()


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


def _meta(returned: Returned, workbook) -> None:
    if META_SHEET not in workbook.sheetnames:
        return
    sheet = workbook[META_SHEET]
    meta, rows = {}, {}
    for number, (key, value) in enumerate(sheet.iter_rows(min_row=1, max_col=2, values_only=True), start=1):
        if key:
            meta[str(key)], rows[str(key)] = _plain(cell_text(value)), number
    if meta.get("generator") == "landassess":
        returned.meta, returned.meta_rows = meta, rows


_SHEETS = {COUNTY: (), CITY: (RECOMMENDATIONS.title,), EVALUATOR: (SCORE_SHEET_TITLE,)}
"""The sheets a form cannot be read without (a county's missing sheet is reported per sheet)."""


def _guess_form(workbook) -> str | None:
    names = set(workbook.sheetnames)
    if {s.title for s in COUNTY_SHEETS} <= names:
        return COUNTY
    if RECOMMENDATIONS.title in names:
        return CITY
    if SCORE_SHEET_TITLE in names:
        return EVALUATOR
    return None


def read_returned(path: Path, root: Path, year: int, divisions: Divisions, params: Params) -> Returned:
    """Read one workbook of the collected folder; never raises for a bad workbook."""
    from openpyxl import load_workbook

    returned = Returned(path, str(path.relative_to(root)))
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # a damaged or unrelated file is a located problem, never a traceback
        _problem(returned, NOTICE, "collect.unreadable", f"无法作为 Excel 工作簿读取（{type(error).__name__}），未收集",
                 expected="landassess 模板填写后的 .xlsx 文件")
        return returned
    _meta(returned, workbook)
    returned.form = returned.meta.get("form") or _guess_form(workbook)
    missing = [t for t in _SHEETS.get(returned.form or "", ()) if t not in workbook.sheetnames]
    if returned.form not in _SHEETS or missing:
        if returned.meta:  # marked, but not a form this version knows, or its data sheet removed
            _problem(returned, ERROR, "collect.sheet_missing",
                     f"工作簿带有模板标记，但缺少工作表“{'、'.join(missing)}”或类型未知，未收集", **returned.meta_cell("form"),
                     value="、".join(workbook.sheetnames), expected="模板中的全部工作表", code=returned.meta.get("code", ""),
                     affects=bool(returned.meta.get("code")))
            returned.form = None
            return returned
        returned.form = None
    if returned.form is None:
        _problem(returned, NOTICE, "collect.not_recognised", "不是 landassess 发出的模板（没有可识别的工作表），未收集",
                 value="、".join(workbook.sheetnames), expected="县级申报材料、设区市推荐名单或评委评分表")
        return returned
    if not returned.meta:
        _problem(returned, NOTICE, "collect.no_marker", "工作簿缺少模板标记（可能是复制后另存的），已按工作表名称识别",
                 expected="使用 landassess template 生成的原文件")
    if returned.meta.get("year") and returned.meta["year"] != str(year):
        _problem(returned, ERROR, "collect.wrong_year", f"这是 {returned.meta['year']} 年度的模板，不是 {year} 年度的，未收集",
                 **returned.meta_cell("year"), value=returned.meta["year"], expected=f"{year} 年度的模板",
                 code=returned.meta.get("code", ""), affects=bool(returned.meta.get("code")))
        return returned
    reader = {COUNTY: _read_county, CITY: _read_city, EVALUATOR: _read_evaluator}[returned.form]
    reader(returned, workbook, divisions, params)
    return returned


def _header_ok(returned: Returned, sheet, expected: list[str], table: str) -> bool:
    found = [cell_text(sheet.cell(HEADER_ROW, i + 1).value) for i in range(len(expected))]
    for position, (want, got) in enumerate(zip(expected, found, strict=True)):
        if want != got:
            _problem(returned, ERROR, "collect.header_modified", f"表头被修改：应为“{want}”，该工作表未收集",
                     sheet=sheet.title, row=HEADER_ROW, cell=f"{column_letter(position)}{HEADER_ROW}", value=got,
                     expected=want, table=table, code=returned.meta.get("code", ""),
                     affects=bool(returned.meta.get("code")))
            return False
    return True


def _outside(returned: Returned, sheet, width: int, table: str) -> None:
    """Cells typed outside the input area (right of the table) are listed, not read."""
    for row in sheet.iter_rows(min_row=FIRST_ROW, min_col=width + 1, max_col=max(sheet.max_column, width + 1)):
        for cell in row:
            if cell.value not in (None, "") and not (cell.row == 2):
                _problem(returned, NOTICE, "collect.edit_outside", "在填写区域之外的单元格有内容，未读取",
                         sheet=sheet.title, row=cell.row, cell=cell.coordinate, value=cell_text(cell.value),
                         expected="只在表格列内填写", table=table, code=returned.meta.get("code", ""))


def _rows(returned: Returned, sheet, layout: SheetLayout, extra: dict[str, str]) -> list[dict[str, str]]:
    """The non-blank input rows of a data sheet, with their sources."""
    width = len(layout.columns)
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=FIRST_ROW, max_col=width, values_only=True),
                                    start=FIRST_ROW):
        texts = [cell_text(v) for v in values] + [""] * (width - len(values))
        texts = [_plain(t) if name in layout.locked else t for name, t in zip(layout.columns, texts, strict=True)]
        typed = [t for name, t in zip(layout.columns, texts, strict=True) if name not in layout.locked]
        if not any(typed):
            continue
        record = dict(zip(layout.columns, texts, strict=True)) | extra
        record |= {"source_file": returned.name, "source_sheet": sheet.title, "source_row": str(number),
                   "source_cells": ";".join(f"{name}={column_letter(i)}" for i, name in enumerate(layout.columns))}
        rows.append(record)
    _outside(returned, sheet, width, layout.table)
    return rows


def _read_county(returned: Returned, workbook, divisions: Divisions, params: Params) -> None:
    names = divisions.name_of()
    code = returned.meta.get("code", "")
    for layout in COUNTY_SHEETS:
        if layout.title not in workbook.sheetnames:
            _problem(returned, ERROR, "collect.sheet_missing", f"缺少工作表“{layout.title}”", table=layout.table,
                     expected="模板中的全部工作表", code=code, affects=bool(code))
            continue
        sheet = workbook[layout.title]
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
            rows = rows[:1] if rows else rows
            if len(rows) > 1:
                _problem(returned, ERROR, "collect.many_rows", "申报表只应有一行", sheet=sheet.title, code=code,
                         affects=True)
        returned.rows[layout.table] = rows


def _read_city(returned: Returned, workbook, divisions: Divisions, params: Params) -> None:
    sheet = workbook[RECOMMENDATIONS.title]
    city = returned.meta.get("city", "")
    if not _header_ok(returned, sheet, header_labels(RECOMMENDATIONS), "recommendations"):
        return
    counties = divisions.table[divisions.table["city"] == city]
    code_of = dict(zip(counties["name"], counties["code"], strict=True))
    names = divisions.table["name"]
    anywhere = {n: c for n, c in zip(names, divisions.table["code"], strict=True) if (names == n).sum() == 1}
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


def _read_evaluator(returned: Returned, workbook, divisions: Divisions, params: Params) -> None:
    sheet = workbook[SCORE_SHEET_TITLE]
    evaluator = returned.meta.get("evaluator", "")
    criteria = list(params.rubric.criteria)
    expected = ["县级代码", "县（市、区）"] + [criterion_header(c.id, c.name, f"{c.max.normalize():f}") for c in criteria]
    if not evaluator:
        _problem(returned, ERROR, "collect.unknown_evaluator", "评分表没有评委标识（不是 landassess 生成的评分表），未收集",
                 sheet=sheet.title, table="scores", expected="landassess template 生成的评分表")
        return
    if not _header_ok(returned, sheet, expected, "scores"):
        return
    recused = set(filter(None, returned.meta.get("recused", "").split(",")))
    admitted = set(filter(None, returned.meta["codes"].split(","))) if "codes" in returned.meta else set(divisions.codes)
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=FIRST_ROW, max_col=len(expected), values_only=True),
                                    start=FIRST_ROW):
        texts = [cell_text(v) for v in values] + [""] * (len(expected) - len(values))
        code, typed = texts[0], [t for t in texts[2:] if t]
        if not typed:
            continue
        if code not in admitted:  # a row added by hand, or a code overwritten: not scored this year
            _problem(returned, ERROR, "collect.county_not_admitted" if code else "collect.row_without_code",
                     f"评分表中的 {code} 不在发出评分表时的评分范围（已获推荐且未被否决的县）内，该行 {len(typed)} 个评分未收集"
                     if code else f"该行没有县级代码，{len(typed)} 个评分未收集", sheet=sheet.title, row=number,
                     cell=f"A{number}", value=code, expected="评分表中预填的县级代码", table="scores", code=code)
            continue
        for position, criterion in enumerate(criteria, start=2):
            score = texts[position]
            if not score:
                continue
            letter = column_letter(position)
            if code in recused:
                _problem(returned, NOTICE, "collect.recused_score", f"评委 {evaluator} 对该县回避，评分不计",
                         sheet=sheet.title, row=number, cell=f"{letter}{number}", value=score, table="scores",
                         code=code)
                continue
            rows.append({"evaluator": evaluator, "code": code, "criterion": criterion.id, "score": score,
                         "source_file": returned.name, "source_sheet": sheet.title, "source_row": str(number),
                         "source_cells": f"evaluator=;code=A;criterion={letter};score={letter}"})
    _outside(returned, sheet, len(expected), "scores")
    returned.rows["scores"] = rows
