"""The layout of the workbooks sent out and returned (SPEC 7.4): one place for writer and reader.

Three forms go out each year: a county's declaration workbook (申报, 否决事项, 加分事项), a
city's recommendation list (推荐名单) and an evaluator's score sheet (评分表). Each carries a
very hidden sheet ``_landassess`` with what it is (form, year, county / city / evaluator), so
``landassess collect`` recognises a returned workbook by its content, whatever its file name.
``publish/return_forms.py`` writes them with this layout; ``collect/reader.py`` reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass

from landassess.intake import TABLES

META_SHEET = "_landassess"
"""The very hidden sheet naming the form; key in column A, value in column B."""
FORM_VERSION = "1"
COUNTY, CITY, EVALUATOR = "county", "city", "evaluator"
FORM_ZH = {COUNTY: "县级申报材料", CITY: "设区市推荐名单", EVALUATOR: "评委评分表"}

TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
"""Every data sheet: a title, a line with the deadline or quota, the header, then the rows."""


@dataclass(frozen=True)
class SheetLayout:
    """One data sheet of a form: its table, its columns (table column names) and rows."""

    table: str  # the input table its rows go to (SPEC 4)
    title: str  # sheet name
    columns: tuple[str, ...]  # table column names, in sheet order (column A, B, …)
    locked: tuple[str, ...] = ()  # columns filled in by landassess, not by the sender
    rows: int = 1  # rows prepared below the header (a county declares once)


DECLARATION = SheetLayout(
    "declarations", "申报",
    ("code", "name", "city", "declared_on", "self_illegal_cultivated_area",
     "self_construction_cultivated_area", "area_unit", "contact", "phone"),
    locked=("code", "name", "city"), rows=1)
def _schema_columns(table: str) -> tuple[str, ...]:
    """A county's own table in the order the schema declares it (the county code is the workbook's)."""
    return tuple(c.name for c in TABLES[table].columns if c.name != "code")


VETO_EVENTS = SheetLayout("veto_events", "否决事项", _schema_columns("veto_events"), rows=30)
BONUS_EVENTS = SheetLayout("bonus_events", "加分事项", _schema_columns("bonus_events"), rows=30)
RECOMMENDATIONS = SheetLayout(
    "recommendations", "推荐名单", ("order", "name", "recommended_on"), locked=("order",))
SCORE_SHEET_TITLE = "评分"
"""The evaluator's sheet: 县级代码, 县（市、区）, then one column per criterion of the rubric."""

COUNTY_SHEETS = (DECLARATION, VETO_EVENTS, BONUS_EVENTS)


def criterion_header(criterion_id: str, name: str, maximum: str) -> str:
    """The score sheet's column label: ``C01 党委专题研究…（满分5）``."""
    return f"{criterion_id} {name}（满分{maximum}）"


def header_labels(layout: SheetLayout) -> list[str]:
    """The header a data sheet carries: each column's Chinese label (a city lists counties by name)."""
    labels = {"name": "县（市、区）"} | {c.name: c.zh for c in TABLES[layout.table].columns}
    return [labels[name] for name in layout.columns]
