"""What the forms sent out say: their drop-down lists and their instructions (SPEC 7.4, 8.7).

One place for the words of every workbook sent out; :mod:`.return_forms` is the one writer (the
blank tables of ``landassess template``, each county's declaration workbook, each city's list and
each evaluator's sheet). The veto types and their instructions are the year's clauses
(:func:`landassess.params.event_clauses`). The 补正通知 that ``landassess validate`` writes are in
:mod:`landassess.publish.notices`.
"""

from __future__ import annotations

from landassess.divisions import Divisions
from landassess.params import Params, clauses_in_force, county_instructions
from landassess.vocabulary import BONUS_KINDS

ROWS = 300
"""Rows prepared for input below the header of a blank table."""
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

    One list for every form sent out (SPEC 8.7).
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
