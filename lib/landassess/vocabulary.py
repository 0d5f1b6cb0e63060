"""The words of the notice, defined once: vetoes, bonus kinds, levels, statuses, titles, decisions.

Every other module takes its ids, Chinese labels and clauses from here; nothing redefines them.
Each entry names the clause of 《江苏省土地执法模范县（市、区）创建活动方案》 (2022-01-14) or the
section of SPEC.md it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------------------- levels (七(一), 七(二))

LEVEL_NATIONAL, LEVEL_PROVINCIAL, LEVEL_CITY, LEVEL_COUNTY = "national", "provincial", "city", "county"
LEVEL_ZH = {LEVEL_NATIONAL: "国家级", LEVEL_PROVINCIAL: "省级", LEVEL_CITY: "市级", LEVEL_COUNTY: "县级"}
"""Authority and document levels; 七(一)3 and 七(二) count 国家级 and 省级 only."""
LEVEL_WORD = {LEVEL_NATIONAL: "国家", LEVEL_PROVINCIAL: "省", LEVEL_CITY: "市", LEVEL_COUNTY: "县"}
"""A level as the events table and the clause declarations write it (SPEC 8.7: 国家, 省, 市)."""

# ----------------------------------------------------------------------------- vetoes (七(一), SPEC 3.1)


@dataclass(frozen=True)
class Veto:
    """One kind of one-vote veto; an event veto is also the packaged default of its clause (SPEC 8.7).

    ``params.vetoes.event_clauses`` starts from the event vetoes declared here; a year's parameter
    file changes one or adds one (``params/vetoes.py``). Nothing else lists the event clauses.
    """

    id: str
    clause: str
    short_zh: str  # the word used in tables and input files (类型)
    long_zh: str  # the situation as the notice states it
    levels: frozenset[str] | None  # authority levels that count; None: any level
    is_event: bool = True  # recorded as a veto_events row (else: computed from land statistics)
    aliases: tuple[str, ...] = ()  # other words people write in the 类型 column
    requires: tuple[str, ...] = ()  # fields an event needs to count: verified, reference
    level_reason: str = ""  # the report's "not counted" reason for an event at another level
    county_note: str = ""  # the template's instruction to counties (after the list of types)


VETOES: dict[str, Veto] = {v.id: v for v in (
    Veto("media_exposure", "七(一)1", "媒体披露", "经查实的主流媒体披露或省级以上领导批示的重大土地违法", None,
         aliases=("媒体曝光", "主流媒体披露", "领导批示"), requires=("verified",),
         county_note="媒体披露须填写是否查实"),
    Veto("mnr_supervised_case", "七(一)1", "挂牌督办", "违法用地案件被自然资源部挂牌督办",
         frozenset({LEVEL_NATIONAL}), aliases=("部挂牌督办", "自然资源部挂牌督办"),
         level_reason="非自然资源部（国家级）挂牌督办，不属七(一)1所列情形"),
    Veto("special_action_incomplete", "七(一)1", "专项行动未完成", "执法专项行动未按时完成目标任务", None,
         aliases=("专项行动", "专项行动未按时完成")),
    Veto("cultivated_ratio", "七(一)2", "违法占用耕地比例", "违法占用耕地比例达到15%（含）以上", None,
         is_event=False),
    Veto("cultivated_area", "七(一)2", "违法占用耕地面积", "违法占用耕地面积达到100亩（含）以上", None,
         is_event=False),
    Veto("key_management_county", "七(一)3", "重点管理县", "被部、省确定为执法重点管理县",
         frozenset({LEVEL_NATIONAL, LEVEL_PROVINCIAL}), aliases=("执法重点管理县",),
         level_reason="非部、省确定的重点管理县，不属七(一)3所列情形"),
    Veto("interview_or_accountability", "七(一)3", "约谈问责", "被省厅以上（含省厅）约谈、问责",
         frozenset({LEVEL_NATIONAL, LEVEL_PROVINCIAL}), aliases=("约谈", "问责"),
         level_reason="市级约谈、问责不属“省厅以上（含省厅）”，不计", county_note="市级约谈问责不构成否决"),
)}
"""The seven vetoes of SPEC 3.1, in its order (``results.csv`` lists veto ids in this order)."""

VETO_ORDER = tuple(VETOES)
VETO_TYPES = {v.id: v.short_zh for v in VETOES.values()}
EVENT_VETO_TYPES = {v.id: v.short_zh for v in VETOES.values() if v.is_event}
VETO_CLAUSE = {v.id: v.clause for v in VETOES.values()}
VETO_ZH = {v.id: v.long_zh for v in VETOES.values()}

# ----------------------------------------------------------------------------- bonus (七(二), SPEC 3.2)


@dataclass(frozen=True)
class BonusKind:
    """One kind of bonus document."""

    id: str
    clause: str
    zh: str
    aliases: tuple[str, ...] = ()  # other words people write in the 类别 column


BONUS: dict[str, BonusKind] = {b.id: b for b in (
    BonusKind("commendation", "七(二)1", "通报表扬", aliases=("表扬",)),
    BonusKind("typical_experience", "七(二)2", "典型经验", aliases=("典型经验推广",)),
)}
BONUS_KINDS = {b.id: b.zh for b in BONUS.values()}
BONUS_CLAUSE = {b.id: b.clause for b in BONUS.values()}

# ----------------------------------------------------------------------------- statuses, titles, decisions

STATUSES = (
    "not_declared", "vetoed", "not_recommended", "over_quota", "incomplete", "disqualified",
    "tie_pending", "model", "advanced", "not_selected",
)
"""Statuses in the order they are checked (SPEC 3.6): the first that applies is the status."""

STATUS_ZH = {
    "not_declared": "未申报", "vetoed": "一票否决", "not_recommended": "未获推荐",
    "over_quota": "超出推荐名额", "incomplete": "材料不全", "disqualified": "取消资格",
    "tie_pending": "并列待定", "model": "模范", "advanced": "先进", "not_selected": "未入选",
}
"""Chinese status labels (SPEC 3.6)."""

TIER_ZH = {"model": "模范", "advanced": "先进"}
"""The two titles (六(三), SPEC 3.4): at most 10 模范, then at most 10 先进."""

DECISIONS = {"model": "模范", "advanced": "先进", "not_selected": "未入选"}
"""What a committee decision may say (SPEC 4, decisions): a title, or not selected."""

DECISION_TIER = {"model": "model", "advanced": "advanced", "not_selected": None}

# ----------------------------------------------------------------------------- tables and severities (SPEC 4)

TABLE_ZH = {
    "declarations": "申报",
    "recommendations": "推荐",
    "land_stats": "耕地数据",
    "veto_events": "否决事项",
    "bonus_events": "加分事项",
    "scores": "评分",
    "verification": "查验与异议",
    "decisions": "评审决定",
    "recusals": "回避",
    "params": "参数",
    "divisions": "区划名单",
}
FATAL, ERROR, NOTICE = "fatal", "error", "notice"
SEVERITY_ZH = {FATAL: "致命", ERROR: "错误", NOTICE: "提示"}
"""fatal: the year cannot be assessed; error: the county becomes incomplete; notice: worth a look."""
