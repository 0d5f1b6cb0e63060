"""Report sections 五 评分 (四, the rubric) and 六 加分 (七(二))."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.report.markup import (
    HTMLFragment,
    _name,
    _num,
    _section,
    _share_pct,
    _source_zh,
    _table,
    decimals_zh,
)
from landassess.vocabulary import BONUS_CLAUSE, BONUS_KINDS, LEVEL_ZH

# --------------------------------------------------------------------------- 5 评分


def scoring_section(a: Assessment) -> HTMLFragment:
    """Per-criterion averages against maxima, and where evaluators disagree."""
    crit = a.scores.criteria
    if crit.empty:
        return _section("scoring", "五、评分", '<p class="la-note">本年度没有可评分的县。</p>', a)
    names = {c.id: c.name for c in a.params.rubric.criteria}
    pivot = crit.pivot(index="code", columns="criterion", values="mean")
    ranked = a.counties[a.counties["is_ranked"]].sort_values("position")
    codes = [c for c in ranked["code"] if c in pivot.index] + [c for c in pivot.index if c not in set(ranked["code"])]
    ids = a.params.rubric.criterion_ids()
    table = pd.DataFrame({"县（市、区）": [_name(a, c) for c in codes]})
    for cid in ids:
        table[f"{cid} {names[cid]}（满分{a.params.rubric.max_by_criterion()[cid].normalize():f}）"] = [
            _num(pivot.at[c, cid]) if cid in pivot.columns and pd.notna(pivot.at[c, cid]) else "—" for c in codes]
    share = a.params.report.spread_flag_share
    flagged = crit[[Fraction(s) > Fraction(share) * Fraction(m) for s, m in zip(crit["spread"], crit["max_points"], strict=True)]]
    flags = pd.DataFrame({
        "县（市、区）": flagged["code"].map(a.divisions.name_of()), "指标": flagged["criterion"].map(lambda c: f"{c} {names[c]}"),
        "评委数": flagged["n"], "最低": flagged["min"].map(_num), "最高": flagged["max"].map(_num),
        "极差": flagged["spread"].map(_num), "满分": flagged["max_points"].map(lambda x: f"{x.normalize():f}"),
    })
    rubric = pd.DataFrame([{"维度": d.name, "指标": c.id, "内容": c.name, "满分": f"{c.max.normalize():f}", "来源": _source_zh(c.source)}
                           for d in a.params.rubric.dimensions for c in d.criteria])
    trim = a.params.scoring.trim
    method = (f"去掉最高、最低各 {trim.count} 个（评委不少于 {trim.min_evaluators} 人时）后取平均" if trim.count
              else "取全部评委得分的算术平均")
    rounding = decimals_zh(a.params.scoring.score_decimals)
    markup = (f'<p class="la-note">每项指标得分 = {method}；基础得分 = {len(ids)} 项之和；总分 = 基础得分 + 加分。'
              f"计算全程精确，只在显示和排名时四舍五入到{rounding}。缺少评分的指标不插补，该县为“材料不全”。</p>"
              f"<h3>各县指标平均分</h3>{_table(table)}"
              f"<h3>评委分歧（极差超过满分的 {_share_pct(share)}）</h3>{_table(flags, empty='没有评委分歧超过阈值的指标。')}"
              f"<h3>评估指标（假设口径）</h3>{_table(rubric)}"
              f"{_recusals(a)}{_calibration(a)}")
    return _section("scoring", "五、评分", markup, a)


def _recusals(a: Assessment) -> str:
    """The recusals (回避) of the year, as applied."""
    table = a.inputs.tables.get("recusals")
    if table is None or not len(table):
        return "<h3>评委回避</h3><p class='la-note'>本年度没有回避记录。</p>"
    names, valid = a.divisions.name_of(), table[table["is_valid"]]
    shown = pd.DataFrame({
        "评委": valid["evaluator"],
        "回避对象": [f"{names.get(c, c)}（{c}）" if c else f"{city}（整个设区市）"
                 for c, city in zip(valid["code"], valid["city"], strict=True)],
        "理由": valid["reason"].fillna(""),
    })
    return ("<h3>评委回避</h3><p class='la-note'>回避评委对该县的评分不计入；该县每项指标的平均分只取未回避评委的评分，"
            "去极值也只计这些评委。</p>" + _table(shown))


def _calibration(a: Assessment) -> str:
    """Each evaluator's offset from the panel, and whose absence would change a title (flags only)."""
    from landassess.calibration import evaluator_influence, evaluator_offsets

    offsets = evaluator_offsets(a)
    if offsets.empty:
        return ""
    influence = evaluator_influence(a)
    names = a.divisions.name_of()
    title = {"model": "模范", "advanced": "先进", "": "无称号"}
    changes = dict(zip(influence["evaluator"], influence["changes"], strict=True))
    shown = pd.DataFrame({
        "评委": offsets["evaluator"], "参与比较的评分": offsets["scored"],
        "与其他评委平均分之差（分）": [f"{float(x):+.2f}" for x in offsets["offset"]],
        "去掉该评委的评分后称号变化": ["；".join(f"{names.get(c, c)}：{title[o]}→{title[w]}" for c, o, w in changes[e])
                              if e in changes else "无" for e in offsets["evaluator"]],
    })
    return ("<h3>评委校准（仅供参考，不改变结果）</h3><p class='la-note'>差值为该评委每项评分减去同一县同一指标其他评委平均分的"
            "平均数：正数表示偏宽松，负数表示偏严格。最后一列是去掉该评委全部评分、按同样规则重算后称号的变化。</p>"
            + _table(shown))


# --------------------------------------------------------------------------- 6 加分


def bonus_section(a: Assessment) -> HTMLFragment:
    """Every bonus document: number, level, date, points, counted or not and why."""
    b = a.bonus_events.sort_values(["code", "row"])
    frame = pd.DataFrame({
        "县级代码": b["code"], "县（市、区）": b["code"].map(a.divisions.name_of()),
        "类别": b["kind"].map(BONUS_KINDS), "级别": b["level"].map(LEVEL_ZH), "文号": b["document_no"],
        "规范化文号": b["document_key"], "日期": b["date"].map(lambda x: x.isoformat()), "标题": b["title"],
        "加分": [f"{p.normalize():f}" if c else "0" for p, c in zip(b["points"], b["counts"], strict=True)],
        "是否计入": b["counts"].map({True: "计入", False: "不计"}), "说明": b["reason"],
        "条款": b["kind"].map(BONUS_CLAUSE),
    })
    cap = a.params.bonus.cap
    markup = (f'<p class="la-note">七(二)：国家级通报表扬、典型经验各加1分，省级各加0.5分；同一文号（统一括号、全角半角后）每县只计一次；'
              f'市级文件和不在评估年度内的文件不计。加分上限：{"不设（方案未规定）" if cap is None else f"{cap} 分"}。</p>'
              + _table(frame, empty="本年度没有加分材料。",
                       row_classes=["" if c else "la-pending" for c in b["counts"]]))
    return _section("bonus", "六、加分", markup, a)


