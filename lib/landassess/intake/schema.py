"""The eight input tables of SPEC 4, declared: each column's labels, parser and checks in one place.

Read a table's entry top to bottom to know what intake accepts: the header labels (English name,
Chinese label, aliases), whether the column is required, how a cell is read (a reader from
``intake.values``), what a bad cell means for its row and county, and the checks that run once
the column, then the whole table, is parsed. ``intake.tables`` applies a schema column by column
(codes first; an area after its unit); the score sheet, long or wide, has its own reader.
"""

from __future__ import annotations

from landassess.intake import checks
from landassess.intake import values as v
from landassess.intake.columns import Column, FromDivisions, FromParams, TableSpec
from landassess.intake.recusals import parse_recusals
from landassess.intake.scores import parse_scores
from landassess.params import clauses_in_force, type_words
from landassess.vocabulary import BONUS, BONUS_KINDS, DECISIONS

_VETO_TYPE = FromParams(lambda params: v.choice_parser(
    type_words(params), "否决类型：" + "、".join(c.label for c in clauses_in_force(params).values()) + "（或其英文编号）"))
"""The veto types of 七(一)1, 3 and any the year adds: ids, labels and aliases of the year's clauses (SPEC 8.7)."""
_BONUS_KIND_WORDS = {word: b.id for b in BONUS.values() for word in (b.id, b.zh, *b.aliases)}
"""How people write the bonus kinds of 七(二)."""
_DECISION_WORDS = {**{k: k for k in DECISIONS}, **{zh: k for k, zh in DECISIONS.items()}}

_CITY = FromDivisions(lambda divisions: v.city_parser(divisions.cities))
_CODE = Column("code", "县级代码", True, ("代码", "区划代码", "行政区划代码", "县代码"))
_AREA_UNIT = Column("area_unit", "面积单位", False, ("单位",), parser=v.parse_unit)

TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("declarations", (
        _CODE,
        Column("name", "名称", True, ("县（市、区）", "县(市、区)", "单位名称", "县名"),
               parser=v.required_text("名称", canonical=True)),
        Column("city", "设区市", True, ("所属设区市", "市"), parser=_CITY),
        Column("declared_on", "申报日期", True, parser=v.parse_date,
               checks=(checks.not_in_future("declared_on", "申报日期", affects=True, invalidates=True),)),
        Column("self_illegal_cultivated_area", "自报违法占用耕地面积", parser=v.parse_area, unit_column="area_unit"),
        Column("self_construction_cultivated_area", "自报新增建设用地占用耕地面积", parser=v.parse_area,
               unit_column="area_unit"),
        _AREA_UNIT,
        Column("contact", "联系人", parser=v.parse_text, is_note=True),
        Column("phone", "联系电话", False, ("电话",), parser=v.parse_text, is_note=True),
    ), needs_rows=True, checks=(checks.declaration_matches_code, checks.no_duplicates(["code"], "申报"))),
    # A recommendation names a county but is the city's act: its problems do not make the county
    # incomplete (docs/rules.md). An unreadable or impossible date does not undo the
    # recommendation (the date only serves the deadline notice).
    TableSpec("recommendations", (
        Column("city", "设区市", True, ("推荐设区市", "市"), parser=_CITY, affects=False),
        _CODE,
        Column("order", "推荐顺序", True, ("顺序", "序号"), parser=v.parse_positive_int, affects=False),
        Column("recommended_on", "推荐日期", parser=v.parse_date, affects=False, invalidates=False,
               checks=(checks.not_in_future("recommended_on", "推荐日期", affects=False, invalidates=False),)),
    ), needs_rows=True, checks=(checks.recommendation_deadline,)),
    TableSpec("land_stats", (
        _CODE,
        Column("illegal_cultivated_area", "违法占用耕地面积", True, parser=v.parse_area, unit_column="area_unit"),
        Column("construction_cultivated_area", "新增建设用地占用耕地面积", True, ("新增建设用地占用耕地总面积",),
               parser=v.parse_area, unit_column="area_unit"),
        _AREA_UNIT,
        Column("source", "数据来源", False, ("来源",), parser=v.parse_text, is_note=True),
    ), needs_rows=True, checks=(checks.no_duplicates(
        ["code"], "耕地数据", compare=["illegal_cultivated_area_mu", "construction_cultivated_area_mu"]),)),
    # An event dated outside the year (earlier, later, even after today) is readable: the rule
    # lists it as not counted (vetoes.judge_veto_event), it is not an input problem.
    TableSpec("veto_events", (
        _CODE,
        Column("type", "类型", True, ("否决类型", "事项类型"), parser=_VETO_TYPE),
        Column("date", "日期", True, ("发生日期", "时间"), parser=v.parse_date),
        Column("authority_level", "层级", True, ("级别",), parser=v.parse_level),
        Column("verified", "是否查实", True, ("查实",), parser=v.parse_bool, blank_ok=True,
               checks=(checks.verified_where_required,)),
        Column("reference", "文号或出处", False, ("文号", "出处"), parser=v.parse_text, is_note=True),
        Column("description", "说明", False, ("描述", "备注"), parser=v.parse_text, is_note=True),
    )),
    TableSpec("bonus_events", (
        _CODE,
        Column("kind", "类别", True, ("类型",), parser=v.choice_parser(
            _BONUS_KIND_WORDS, "类别：" + " 或 ".join(BONUS_KINDS.values()))),
        Column("level", "级别", True, ("层级",), parser=v.parse_level),
        Column("document_no", "文号", True, ("文件文号",), parser=v.required_text("文号"),
               checks=(checks.add_document_key,)),
        Column("date", "日期", True, ("发文日期",), parser=v.parse_date),
        Column("title", "标题", False, ("文件标题", "名称"), parser=v.parse_text, is_note=True),
    )),
    TableSpec("scores", (
        Column("evaluator", "评委", True, ("评估人员", "评分人"), parser=v.required_text("评委", canonical=True)),
        _CODE,
        Column("criterion", "指标", False, ("指标编号",)),
        Column("score", "得分", False, ("分数", "评分")),
    ), needs_rows=True, parse=parse_scores),
    TableSpec("verification", (
        _CODE,
        Column("check_passed", "查验通过", False, ("实地查验通过",), parser=v.parse_bool),
        Column("objection_upheld", "异议成立", parser=v.parse_bool),
        Column("disqualified_reason", "取消资格原因", False, ("其他取消资格原因",), parser=v.parse_text),
    ), optional=True, one_of=("check_passed", "objection_upheld", "disqualified_reason")),
    # A decision is the committee's act: a bad decision row is not applied but does not make
    # the county incomplete. Its date is a record only: a bad date does not undo the decision.
    TableSpec("decisions", (
        _CODE,
        Column("decision", "决定", True, ("评审决定",), affects=False, parser=v.choice_parser(
            _DECISION_WORDS, "决定：模范、先进、未入选（或 model、advanced、not_selected）")),
        Column("reason", "理由", True, ("原因",), parser=v.required_text("决定理由"), affects=False),
        Column("decided_by", "决定人", False, ("决定机构",), parser=v.parse_text, is_note=True),
        Column("decided_on", "日期", False, ("决定日期",), parser=v.parse_date, affects=False, invalidates=False,
               checks=(checks.not_in_future("decided_on", "决定日期", affects=False, invalidates=False),)),
        # Where the decision was taken from, e.g. 评分汇总表 待定并列 第4行 (SPEC 8.4): free text, shown in the report.
        Column("basis", "依据", False, ("决定依据",), parser=v.parse_text, is_note=True),
    ), optional=True, checks=(checks.no_duplicates(["code"], "评审决定", compare=["decision"], affects=False),)),
    # 回避 (SPEC 7.4): an evaluator's scores for a county (or a whole city) are not used.
    TableSpec("recusals", (
        Column("evaluator", "评委", True, ("评估人员", "评分人"), parser=v.required_text("评委", canonical=True)),
        Column("code", "县级代码", False, ("代码", "区划代码", "行政区划代码", "县代码"), parser=v.parse_code),
        Column("city", "设区市", False, ("所属设区市", "市"), parser=_CITY),
        Column("reason", "理由", False, ("原因", "回避理由"), parser=v.parse_text),
    ), optional=True, one_of=("code", "city"), parse=parse_recusals),
)}
"""The input tables (SPEC 4), by English name, in the order they are read."""
TABLE_ORDER = list(TABLES)
