"""Report sections 八 数据问题 and 九 逐县说明: every problem located, every county's steps in order."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import veto_clauses, veto_descriptions, veto_labels
from landassess.publish.report.citations import cite
from landassess.publish.report.markup import HTMLFragment, _e, _num, _pct, _section, _table, with_names
from landassess.publish.report.privacy import shareable_problems, shareable_value_and_message
from landassess.vocabulary import (
    DECISIONS,
    ERROR,
    NOTICE,
    SEVERITY_ZH,
    STATUS_ZH,
    TABLE_ZH,
    TIER_ZH,
)


def problems_section(a: Assessment) -> HTMLFragment:
    """Every intake problem, located (personal data hidden); notices; the 弄虚作假 flags."""
    p = shareable_problems(a.problems_table)
    frame = pd.DataFrame({
        "级别": p["severity"].map(SEVERITY_ZH), "表": p["table"].map(lambda t: TABLE_ZH.get(t, t)), "文件": p["file"],
        "行": p["row"], "列": p["column"], "单元格": p["cell"], "县级代码": p["code"], "值": p["value"],
        "应为": p["expected"], "说明": p["message"],
    })
    classes = ["la-pending" if s == ERROR else "" for s in p["severity"]]
    u = a.understatement
    flags = pd.DataFrame({
        "县级代码": u["code"], "县（市、区）": u["code"].map(a.divisions.name_of()),
        "自报违法占用耕地（亩）": u["self_mu"].map(lambda x: _num(x, 4)), "省厅掌握（亩）": u["illegal_mu"].map(lambda x: _num(x, 4)),
    })
    errors = sum(s == ERROR for s in p["severity"])
    markup = (f'<p class="la-note">共 {errors} 个错误（该县为“材料不全”或记录无效）、{sum(s == NOTICE for s in p["severity"])} 条提示。'
              f"行号为用户在文件中看到的行号（表头为第1行）。</p>{_table(frame, empty='未发现数据问题。', row_classes=classes)}"
              f"<h3>可能弄虚作假（九(三)）：自报违法占用耕地面积少于省厅掌握</h3>{_table(flags, empty='无。')}")
    return _section("problems", "八、数据问题", markup, a)


# --------------------------------------------------------------------------- 9 逐县说明


def ledgers(a: Assessment) -> HTMLFragment:
    """For every declared county, a collapsible ledger of each step in order."""
    parts = []
    index = LedgerIndex(a)
    declared = a.counties[a.counties["is_declared"]].sort_values("code")
    for row in declared.itertuples():
        steps = county_ledger(a, row.code, index)
        items = "".join(f"<li><b>{_e(step)}</b>：{_e(text)}</li>" for step, text in steps)
        parts.append(f'<details class="la-ledger" id="county-{row.code}"><summary>{_e(row.code)} {_e(row.name)}（{_e(row.city)}）'
                     f"— {_e(row.status_zh)}</summary><ol>{items}</ol></details>")
    return _section("ledgers", "九、逐县说明", '<p class="la-note la-screen-only">点击展开每个申报县的判定过程（打印和 PDF 中全部展开）。</p>' + "".join(parts), a)


class LedgerIndex:
    """The rows of each table grouped by county code, built once for all ledgers."""

    def __init__(self, a: Assessment):
        def grouped(frame: pd.DataFrame) -> dict[str, list]:
            out: dict[str, list] = {}
            for record in frame.itertuples():
                out.setdefault(record.code, []).append(record)
            return out

        self.counties = a.counties.set_index("code").to_dict("index")
        self.declarations = grouped(a.inputs.tables["declarations"])
        self.land = grouped(a.land)
        self.events = grouped(a.veto_events)
        self.recommendations = grouped(a.recommendations)
        self.bonus = grouped(a.bonus_events)
        self.outcomes = grouped(a.outcomes)
        self.pool = set(a.draw["code"]) if len(a.draw) else set()
        self.problems: dict[str, list] = {}
        for problem in a.problems:
            if problem.code and problem.affects_status:
                self.problems.setdefault(problem.code, []).append(problem)
        ranked = a.counties[a.counties["is_ranked"]].sort_values("position")
        self.ranked = list(zip(ranked["position"], ranked["position_last"], ranked["total"], strict=True))


def county_ledger(a: Assessment, code: str, index: LedgerIndex | None = None) -> list[tuple[str, str]]:
    """The steps that decided one county's status, in order, as (step, explanation) pairs."""
    index = index or LedgerIndex(a)
    c = index.counties[code]
    steps: list[tuple[str, str]] = []
    declarations = index.declarations.get(code, [])
    if not declarations:
        return [("申报", "未申报")]
    first = declarations[0]
    on = first.declared_on.isoformat() if first.declared_on else "日期缺失"
    steps.append(("申报", f"{on} 申报（{cite(a, first, 'declared_on')}）"))
    land = index.land.get(code, [])
    if not land:
        steps.append(("否决检查·耕地", "缺少耕地数据，无法判断七(一)2（材料不全）"))
    else:
        r = land[0]
        steps.append(("否决检查·耕地", f"比例 {_pct(r.ratio)}，面积 {_num(r.illegal_mu, 4)} 亩；"
                                   + ("构成否决" if r.is_ratio_veto or r.is_area_veto else "未达否决线")))
    events = index.events.get(code, [])
    for r in events:
        steps.append(("否决检查·事项", f"{veto_labels(a.params)[r.type]}（{r.date.isoformat()}）：{r.reason}（{cite(a, r, 'type')}）"))
    if not events:
        steps.append(("否决检查·事项", "无记录的否决事项"))
    if c["vetoes"]:
        described, clause_of = veto_descriptions(a.params), veto_clauses(a.params)
        steps.append(("一票否决", "、".join(f"{described[v]}（{clause_of[v]}）" for v in c["vetoes"].split(";"))))
    recs = index.recommendations.get(code, [])
    steps.append(("推荐与名额", "；".join(f"{r.city} 第{r.order}顺位：{r.reason}（{cite(a, r, 'code')}）" for r in recs)
                  or "所在设区市未推荐"))
    own = index.problems.get(code, [])
    steps.append(("材料完整性", "；".join(shareable_value_and_message(p.table, p.column, p.value, p.message)[1]
                                      for p in own) if own else "完整"))
    if c["is_ranked"]:
        dims = "，".join(f"{d.name} {c[f'dim_{d.id}']}" for d in a.params.rubric.dimensions)
        steps.append(("评分", f"基础得分 {c['base_score']}（{dims}）"))
        docs = index.bonus.get(code, [])
        steps.append(("加分", f"{c['bonus']} 分；" + ("；".join(f"{r.document_no}：{r.reason}" for r in docs) or "无加分材料")))
        steps.append(("排名", f"总分 {c['total']}，第 {int(c['rank'])} 名" + (f"；{with_names(a, c['tie_break'])}" if c["tie_break"] else "")))
        steps.append(("与名额线的距离", _distance(a, c["total"], index.ranked)))
        tier = c["tier"]
        if c["status"] == "disqualified":
            # SPEC 7.3: never shown as holding the title it lost (its rank and row stay, 不再增补).
            title = f"取消资格（原按名次列入拟评定名单；{c['disqualified_reason']}；不再增补）"
        elif c["is_tie_pending"]:
            title = "并列待定（" + c["pending_between"] + "）"
        else:
            title = TIER_ZH.get(tier, "未入选") if isinstance(tier, str) else "未入选"
        if isinstance(c["decision"], str) and c["decision"]:
            title += f"；评审决定：{DECISIONS[c['decision']]}（{c['decision_reason']}）"
        steps.append(("称号", title))
        steps.append(("查验与异议", verification_sentence(a, code, index)))
    steps.append(("结论", STATUS_ZH[c["status"]]))
    return steps


def verification_sentence(a: Assessment, code: str, index: LedgerIndex | None = None) -> str:
    """What the draw and the verification records mean for one ranked unit, without contradiction.

    The draw part says whether the unit was in the pool and drawn. A check result is stated as
    such only for a drawn unit; for any other unit a recorded result is quoted as a record
    (“未被抽中实地查验；（记录：查验未通过）”). The conclusion follows the unit's status: a
    title taken away (取消资格), kept, or — for a unit without a title — unchanged (SPEC 7.3).
    """
    index = index or LedgerIndex(a)
    c = index.counties[code]
    rows = index.outcomes.get(code, [])
    if a.params.spot_check.seed is None:
        draw_part, drawn = "本年度未设置公开随机种子，未抽取实地查验单位", False
    elif code in index.pool:
        drawn = bool(c["spot_check"])
        draw_part = "被抽中实地查验" if drawn else "未被抽中实地查验"
    else:
        draw_part, drawn = "不在实地查验抽取范围（抽取范围为拟评定模范、先进的单位）", False
    checks = {r.check_passed for r in rows if r.check_passed is not None}
    if checks == {True, False}:
        check = "查验记录不一致（一行通过、一行未通过），按未通过计"
    elif checks == {False}:
        check = "实地查验未通过" if drawn else "查验未通过"
    elif checks == {True}:
        check = "实地查验通过" if drawn else "查验通过"
    else:
        check = "实地查验结果尚未记录" if drawn else ""
    records = [check] if check else []
    objections = {r.objection_upheld for r in rows if r.objection_upheld is not None}
    if True in objections:
        records.append("公示异议成立")
    elif objections == {False}:
        records.append("异议未成立")
    others = [r.disqualified_reason.strip() for r in rows
              if isinstance(r.disqualified_reason, str) and r.disqualified_reason.strip()]
    records += [f"其他取消资格原因：{x}" for x in others]
    if not rows:
        parts = [draw_part, "未记录查验与异议结果" if not drawn else "实地查验结果尚未记录"]
    elif drawn:
        parts = [draw_part, *records]
    else:
        parts = [draw_part, "（记录：" + "，".join(records) + "）"] if records else [draw_part]
    status = c["status"]
    if status == "disqualified":
        conclusion = "取消资格，不再增补"
    elif c["verification_record"] and status == "incomplete":
        conclusion = "该县因数据问题为“材料不全”"
    elif c["verification_record"]:
        conclusion = f"该单位没有拟评定称号（{STATUS_ZH[status]}），上述记录不改变其状态，已列为提示"
    elif status in ("model", "advanced"):
        conclusion = "保留称号"
    else:
        conclusion = ""
    return "；".join(parts) + (f" → {conclusion}" if conclusion else "")


def _distance(a: Assessment, total_text: str, ranked: list[tuple[int, int, str]]) -> str:
    """How far a total is from the totals at the 10th and 20th places (the quota lines)."""
    total = Decimal(total_text)
    decimals = a.params.scoring.score_decimals
    parts = []
    for line in (a.params.tiers.model.quota, a.params.tiers.model.quota + a.params.tiers.advanced.quota):
        at_line = [t for first, last, t in ranked if first <= line <= last]
        if not at_line:
            parts.append(f"第{line}名：无人")
            continue
        parts.append(f"与第{line}名（{at_line[0]}）相差 {total - Decimal(at_line[0]):+.{decimals}f}")
    return "；".join(parts)


