"""What the workbench's views show, as tables and HTML: pure functions of an assessment, no widgets.

Every id on screen goes through the Chinese labels of the vocabulary (:mod:`landassess.vocabulary`)
and of the year's veto clauses (:func:`landassess.params.veto_labels`): statuses, veto types, bonus kinds and levels. :mod:`landassess.workbench.views` puts these into
widgets.
"""

from __future__ import annotations

import html

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import Params, veto_labels
from landassess.publish import report
from landassess.vocabulary import BONUS_KINDS, LEVEL_ZH, STATUS_ZH
from landassess.workbench.robustness import Variants

ALL = "全部"
SORTS = {"名次": ["position", "code"], "总分（高→低）": ["total_num", "code"], "县级代码": ["code"]}


def vetoes_zh(ids: str, params: Params | None = None) -> str:
    """``special_action_incomplete;cultivated_ratio`` → ``专项行动未完成、违法占用耕地比例``.

    The labels are the year's clauses (``params``, SPEC 8.7; default the notice's own).
    """
    labels = veto_labels(params)
    return "、".join(labels.get(v, v) for v in str(ids or "").split(";") if v)


def _level_zh(level: object) -> str:
    return LEVEL_ZH.get(level, "" if level is None or pd.isna(level) else str(level))


def browse_table(a: Assessment, city: str = ALL, status: str = ALL, sort: str = "名次") -> pd.DataFrame:
    """Declared counties filtered by city and status (Chinese label), sorted; display columns."""
    counties = a.counties[a.counties["is_declared"]].copy()
    if city != ALL:
        counties = counties[counties["city"] == city]
    if status != ALL:
        counties = counties[counties["status_zh"] == status]
    counties["total_num"] = pd.to_numeric(counties["total"].replace("", None), errors="coerce")
    ascending = [False, True] if sort == "总分（高→低）" else True
    counties = counties.sort_values(SORTS[sort], ascending=ascending, na_position="last")
    return pd.DataFrame({
        "县级代码": counties["code"], "县（市、区）": counties["name"], "设区市": counties["city"],
        "状态": counties["status_zh"], "否决": counties["vetoes"].map(lambda ids: vetoes_zh(ids, a.params)), "基础得分": counties["base_score"],
        "加分": counties["bonus"], "总分": counties["total"],
        "名次": counties["rank"].map(lambda r: "" if pd.isna(r) else str(int(r))),
    }).reset_index(drop=True)


def scorecard_html(a: Assessment, code: str, history: dict[int, Assessment] | None = None) -> str:
    """One county's scorecard as HTML.

    Criterion scores against maxima, each evaluator and the spread, vetoes, bonus documents, the
    ledger and the history over the years.
    """
    e = html.escape
    county = a.counties.set_index("code").loc[code]
    parts = [f"<h3>{e(county['name'])}（{e(county['city'])}，{e(code)}）— {e(county['status_zh'])}</h3>"]
    crit = a.scores.criteria[a.scores.criteria["code"] == code]
    evaluator_scores = a.scores.evaluator_scores[a.scores.evaluator_scores["code"] == code]
    if len(crit):
        pivot = evaluator_scores.pivot_table(index="criterion", columns="evaluator", values="score", aggfunc="first")
        rows = []
        for c in a.params.rubric.criteria:
            line = crit[crit["criterion"] == c.id]
            row = {"指标": f"{c.id} {c.name}", "满分": f"{c.max.normalize():f}",
                   "得分（平均）": report._num(line["mean"].iloc[0]) if len(line) else "—",
                   "极差": report._num(line["spread"].iloc[0]) if len(line) else "—"}
            for evaluator in pivot.columns:
                value = pivot.at[c.id, evaluator] if c.id in pivot.index else None
                row[str(evaluator)] = "" if value is None or pd.isna(value) else f"{value.normalize():f}"
            rows.append(row)
        parts.append(report._table(pd.DataFrame(rows)))
    else:
        parts.append("<p>该县未进入评分。</p>")
    vetoes = a.veto_events[a.veto_events["code"] == code]
    labels = veto_labels(a.params)
    if len(vetoes):
        parts.append("<h4>否决事项</h4>" + report._table(pd.DataFrame({
            "类型": vetoes["type"].map(lambda t: labels.get(t, t)), "层级": vetoes["authority_level"].map(_level_zh),
            "日期": vetoes["date"].map(lambda x: x.isoformat()),
            "是否计入": vetoes["counts"].map({True: "计入", False: "不计"}), "说明": vetoes["reason"]})))
    bonus = a.bonus_events[a.bonus_events["code"] == code]
    if len(bonus):
        parts.append("<h4>加分文件</h4>" + report._table(pd.DataFrame({
            "文号": bonus["document_no"], "类别": bonus["kind"].map(lambda k: BONUS_KINDS.get(k, k)),
            "级别": bonus["level"].map(_level_zh), "加分": bonus["points"].map(lambda p: f"{p.normalize():f}"),
            "说明": bonus["reason"]})))
    ledger = report.county_ledger(a, code)
    parts.append("<h4>判定过程</h4><ol>" + "".join(f"<li><b>{e(s)}</b>：{e(t)}</li>" for s, t in ledger) + "</ol>")
    if history:
        rows = []
        for year, other in sorted(history.items()):
            row = other.counties.set_index("code").loc[code]
            rows.append({"年度": year, "状态": row["status_zh"], "总分": row["total"],
                         "名次": "" if pd.isna(row["rank"]) else int(row["rank"])})
        parts.append("<h4>历年情况</h4>" + report._table(pd.DataFrame(rows)))
    return "".join(parts)


def robustness_html(variants: Variants, table: pd.DataFrame) -> str:
    """The robustness view: what was varied and how often, then each declared county's count and label."""
    shown = pd.DataFrame({
        "县（市、区）": table["name"], "正式结果": table["status"].map(STATUS_ZH), "入选情况": table["titled_in_zh"],
        "判断": table["label_zh"], "结果与正式结果不同的变体": table["differs_in"]})
    return (f"<p>{html.escape(variants.summary())}</p>"
            "<p class='la-note'>仅供评审参考，不改变评估规则。“入选”指模范、先进或并列待定；正式结果不计入变体。"
            "已取消资格、一票否决等不能获得称号的县不参与统计。</p>"
            + report._table(shown, empty="没有申报的县。"))
