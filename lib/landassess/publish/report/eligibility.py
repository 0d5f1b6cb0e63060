"""Report sections 三 一票否决 (七(一)) and 四 推荐名额 (六(二)): who may be scored at all."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd

from landassess.assessment import Assessment
from landassess.params import REQUIREMENT_ZH, event_clauses, veto_clauses, veto_descriptions, veto_labels
from landassess.publish.report.citations import cite
from landassess.publish.report.markup import HTMLFragment, _name, _num, _pct, _section, _share_pct, _table
from landassess.vocabulary import LEVEL_ZH

# --------------------------------------------------------------------------- 3 一票否决


def vetoes_section(a: Assessment) -> HTMLFragment:
    """Every vetoed county with rule, clause and evidence; events and land figures that did not count."""
    rows = []
    events = a.veto_events
    described, clause_of, labels = veto_descriptions(a.params), veto_clauses(a.params), veto_labels(a.params)
    for r in events[events["counts"]].itertuples():
        rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": described[r.type],
                     "条款": clause_of[r.type], "证据": _event_evidence(r, labels[r.type], cite(a, r, "type"))})
    for r in a.land.itertuples():
        evidence = (f"违法占用耕地 {_num(r.illegal_cultivated_area)} {r.area_unit}（{_num(r.illegal_mu, 4)} 亩）÷ "
                    f"新增建设用地占用耕地 {_num(r.construction_cultivated_area)} {r.area_unit}（{_num(r.construction_mu, 4)} 亩）"
                    f" = {_pct(r.ratio)}；来源：" + (f"{r.source}（{cite(a, r)}）" if r.source else cite(a, r)))
        if r.is_ratio_veto:
            rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": described["cultivated_ratio"],
                         "条款": clause_of["cultivated_ratio"], "证据": evidence + f"，≥ {_pct(Fraction(a.params.vetoes.cultivated_ratio_threshold))}（精确小数比较）"})
        if r.is_area_veto:
            rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": described["cultivated_area"],
                         "条款": clause_of["cultivated_area"], "证据": f"违法占用耕地 {_num(r.illegal_mu, 4)} 亩 ≥ "
                                                f"{a.params.vetoes.cultivated_area_threshold_mu} 亩；{evidence}"})
    vetoed = pd.DataFrame(rows, columns=["县级代码", "县（市、区）", "否决情形", "条款", "证据"]).sort_values(
        ["县级代码", "条款"], kind="stable")
    status = a.counties.set_index("code")["status_zh"]
    vetoed.insert(2, "状态", vetoed["县级代码"].map(status))
    not_counted = events[~events["counts"]]
    nc = pd.DataFrame({
        "县级代码": not_counted["code"], "县（市、区）": not_counted["code"].map(a.divisions.name_of()),
        "类型": not_counted["type"].map(labels), "日期": not_counted["date"].map(lambda x: x.isoformat()),
        "层级": not_counted["authority_level"].map(LEVEL_ZH), "是否查实": not_counted["verified"].map({True: "是", False: "否"}),
        "文号或出处": not_counted["reference"], "说明": not_counted["description"], "未计入原因": not_counted["reason"],
    })
    land = a.land
    land_frame = pd.DataFrame({
        "县级代码": land["code"], "县（市、区）": land["code"].map(a.divisions.name_of()),
        "违法占用耕地（亩）": land["illegal_mu"].map(lambda x: _num(x, 4)),
        "新增建设用地占用耕地（亩）": land["construction_mu"].map(lambda x: _num(x, 4)),
        "原始单位": land["area_unit"], "违法占用耕地比例": land["ratio"].map(_pct),
        "比例否决": land["is_ratio_veto"].map({True: "是", False: "否"}),
        "面积否决": land["is_area_veto"].map({True: "是", False: "否"}),
    })
    t = a.params.vetoes
    markup = (
        f'<p class="la-note">七(一)：有下列情形之一的地区，不得申报。比例 = 违法占用耕地面积 ÷ 新增建设用地占用耕地总面积，'
        f'≥ {_pct(Fraction(t.cultivated_ratio_threshold))}（含）否决；面积 ≥ {t.cultivated_area_threshold_mu} 亩（含）否决；'
        f'1 公顷 = {t.hectare_to_mu} 亩；按书写的小数精确比较。只计评估年度内（{a.year}-01-01 至 {a.year}-12-31）的事项。</p>'
        f"<h3>本年度的否决事项条款</h3>{_table(clauses_table(a.params))}"
        f"<h3>被否决的县及证据</h3>{_table(vetoed, empty='本年度无一票否决。')}"
        f"<h3>未计入的否决事项（提请关注）</h3>{_table(nc, empty='无。')}"
        f"<h3>耕地数据（省厅口径）</h3>{_table(land_frame)}"
    )
    return _section("vetoes", "三、一票否决", markup, a)


def clauses_table(params) -> pd.DataFrame:
    """The year's event clauses (SPEC 8.7) as the parameters declare them, in force or not."""
    return pd.DataFrame([{
        "类型": c.label, "条款": c.clause, "情形": c.description,
        "计入的层级": "、".join(w + "级" for w in c.levels) if c.levels is not None else "不限",
        "须填写": "、".join(REQUIREMENT_ZH[x] for x in c.requires) or "—",
        "本年度执行": "是" if c.in_force else "否（不计）",
    } for c in event_clauses(params).values()], columns=["类型", "条款", "情形", "计入的层级", "须填写", "本年度执行"])


def _event_evidence(r, label: str, citation: str) -> str:
    parts = [f"{label}，{r.date.isoformat()}，{LEVEL_ZH.get(r.authority_level, r.authority_level)}"]
    if r.verified is not None:
        parts.append("已查实" if r.verified else "未查实")
    if r.reference:
        parts.append(f"文号/出处：{r.reference}")
    if r.description:
        parts.append(f"说明：{r.description}")
    parts.append(citation)
    return "；".join(parts)


# --------------------------------------------------------------------------- 4 推荐名额


def quotas_section(a: Assessment) -> HTMLFragment:
    """Per city: divisions, quota, recommended, admitted, over quota; every recommendation row."""
    q = a.quotas
    frame = pd.DataFrame({
        "设区市": q["city"], "县级单位数": q["divisions"], "推荐名额": q["quota"], "有效推荐": q["recommended"],
        "名额内（获推荐）": q["admitted"], "超出推荐名额": q["over_quota"], "无效推荐": q["invalid"],
    })
    classes = ["la-pending" if n else "" for n in q["over_quota"]]
    # The detail follows the quota table's (official) city order, then the city's own order.
    city_rank = {city: i for i, city in enumerate(q["city"])}
    r = a.recommendations.assign(_city=a.recommendations["city"].map(city_rank).fillna(len(city_rank)))
    r = r.sort_values(["_city", "order", "row"], na_position="last", kind="stable")
    rows = pd.DataFrame({
        "设区市": r["city"], "推荐顺序": r["order"], "县级代码": r["code"],
        "县（市、区）": r["code"].map(a.divisions.name_of()),
        "结果": r["reason"], "来源": [cite(a, row, "code") for row in r.itertuples()],
    })
    share = a.params.recommendation.quota_share
    markup = (f'<p class="la-note">六(二)：推荐单位数量不超过所辖县（市、区）的 {_share_pct(share)}，名额 = ⌊{share} × 县级单位数⌋；'
              f"按推荐顺序取前若干名，其余为“超出推荐名额”。</p>{_table(frame, row_classes=classes)}"
              f"<h3>推荐明细</h3>{_table(rows)}")
    return _section("quotas", "四、推荐名额", markup, a)


