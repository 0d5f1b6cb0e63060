"""Report sections 一 概览 and 二 公示名单与排名, and the changes of a re-issued year (六(三))."""

from __future__ import annotations

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.report.edition import edition_html
from landassess.publish.report.markup import (
    DEMO_BANNER,
    NOTICE_TITLE,
    HTMLFragment,
    _e,
    _section,
    _table,
    decimals_zh,
    with_names,
)
from landassess.vocabulary import DECISIONS, ERROR, FATAL, STATUS_ZH, STATUSES, TIER_ZH

# --------------------------------------------------------------------------- 1 概览


def overview(a: Assessment) -> HTMLFragment:
    """Title, demo banner, key numbers and the title list at a glance."""
    counties = a.counties
    banner = f'<div class="la-banner">⚠ {_e(a.inputs.demo_label or DEMO_BANNER)}</div>' if a.inputs.is_demo else ""
    numbers = [
        ("县级单位", len(counties)),
        ("申报", int(counties["is_declared"].sum())),
        ("获推荐（名额内）", int(counties["is_admitted"].sum())),
        ("一票否决", int((counties["status"] == "vetoed").sum())),
        ("进入排名", int(counties["is_ranked"].sum())),
        ("模范", int((counties["status"] == "model").sum())),
        ("先进", int((counties["status"] == "advanced").sum())),
        ("并列待定", int((counties["status"] == "tie_pending").sum())),
        ("取消资格", int((counties["status"] == "disqualified").sum())),
        ("数据问题", sum(p.severity in (ERROR, FATAL) for p in a.problems)),
    ]
    cards = "".join(f'<div class="la-card"><div class="la-num">{n}</div><div class="la-label">{_e(label)}</div></div>'
                    for label, n in numbers)
    titled = []
    for tier in ("model", "advanced"):
        names = counties[counties["status"] == tier].sort_values("position")
        listed = "、".join(f"{_e(r.name)}（{_e(r.city)}）" for r in names.itertuples()) or "（无）"
        titled.append(f"<p><b>{TIER_ZH[tier]}（{len(names)}）：</b>{listed}</p>")
    disqualified = counties[counties["status"] == "disqualified"].sort_values("position")
    if len(disqualified):
        titled.append(f"<p><b>取消资格（{len(disqualified)}，不再增补）：</b>"
                      + "、".join(f"{_e(r.name)}（{_e(r.city)}，{_e(r.disqualified_reason)}）"
                                 for r in disqualified.itertuples()) + "</p>")
    pending = counties[counties["status"] == "tie_pending"]
    if len(pending):
        titled.append("<p><b>并列待定，需评审委员会决定：</b>"
                      + "、".join(f"{_e(r.name)}（第{r.rank}名，{_e(r.pending_between)}）" for r in pending.itertuples())
                      + "</p>")
    markup = (
        f'<p class="la-note">依据：{_e(NOTICE_TITLE)}。本报告由 landassess 根据输入数据与参数自动生成，'
        f"每个数字均可追溯到输入行与规则条款。</p>"
        f'<div class="la-cards">{cards}</div>{"".join(titled)}'
        f'<p class="la-note">状态说明：按 {" → ".join(STATUS_ZH[s] for s in STATUSES)} 的顺序判定，取第一个适用的状态。</p>'
    )
    title = f"<h1>{a.year} 年度江苏省土地执法模范县（市、区）创建活动评估报告</h1>{edition_html()}{banner}"
    return HTMLFragment(title + str(_section("overview", "一、概览", markup, a)))


# --------------------------------------------------------------------------- 2 公示名单


def ranking_table(a: Assessment) -> HTMLFragment:
    """Ranked counties: subtotals, base, bonus, total, tier, tie-breaks."""
    counties = a.counties[a.counties["is_ranked"]].sort_values(["position", "code"])
    dims = a.params.rubric.dimensions
    frame = pd.DataFrame({
        "名次": counties["rank"].astype(int),
        "县（市、区）": counties["name"], "设区市": counties["city"],
        **{d.name: counties[f"dim_{d.id}"] for d in dims},
        "基础得分": counties["base_score"], "加分": counties["bonus"], "总分": counties["total"],
        "拟评定": [_shown_title(r) for r in counties.itertuples()],
        "状态": counties["status_zh"],
        "并列与裁决": [with_names(a, _tie_text(r)) for r in counties.itertuples()],
    })
    classes = ["la-pending" if s == "tie_pending" else f"la-tier-{s}" if s in ("model", "advanced")
               else "la-disqualified" if s == "disqualified" else "" for s in counties["status"]]
    q = a.params.tiers
    note = (f'<p class="la-note">排名规则：按总分（保留{decimals_zh(a.params.scoring.score_decimals)}，四舍五入）由高到低；总分相同依次比较：'
            f'土地执法监管成效得分高者在前，违法占用耕地比例低者在前；仍相同则名次并列（如 1、2、2、4）。'
            f'第1—{q.model.quota}名为模范，第{q.model.quota + 1}—{q.model.quota + q.advanced.quota}名为先进；'
            f'并列跨越名额线时为“并列待定”，由评审委员会决定。</p>')
    decisions = _decisions_table(a)
    return _section("ranking", "二、公示名单与排名", note + _table(frame, row_classes=classes) + decisions, a)


def _shown_title(row) -> str:
    """The title column of a ranked unit as it stands (SPEC 7.3): never 模范/先进 unless it holds it."""
    from landassess.publish.outputs import current_title

    if row.status in ("model", "advanced", "tie_pending", "disqualified") or isinstance(row.tier, str):
        return current_title(row.status, row.tier, row.pending_between)
    return ""


def _tie_text(row) -> str:
    parts = []
    if row.tie_break:
        parts.append(row.tie_break)
    if isinstance(row.decision, str) and row.decision:
        parts.append(f"评审决定：{DECISIONS[row.decision]}（理由：{row.decision_reason}）")
    return "；".join(parts)


def _decisions_table(a: Assessment) -> str:
    d = a.decisions
    if d.empty:
        return '<h3>评审委员会决定</h3><p class="la-note">本年度未记录评审决定。</p>'
    frame = pd.DataFrame({
        "县级代码": d["code"], "县（市、区）": d["code"].map(a.divisions.name_of()),
        "决定": d["decision"].map(DECISIONS),
        "理由": d["reason"], "决定人": d["decided_by"], "日期": d["decided_on"].map(lambda x: x.isoformat() if x else ""),
        "依据": d["basis"].fillna("") if "basis" in d.columns else "",  # e.g. 评分汇总表 待定并列 第4行 (SPEC 8.4)
        "是否采用": d["note"],
    })
    return "<h3>评审委员会决定</h3>" + _table(frame)


# --------------------------------------------------------------------------- re-issued results


def changes_section(a: Assessment, previous_results: str, previous_version: str, reason: str = "") -> HTMLFragment:
    """When this run re-issues a finalised year: why (``run --force --reason``) and what changed against that version."""
    if not previous_results:
        return HTMLFragment("")
    from pathlib import Path

    from landassess.publish.outputs import changes_table, compare_results

    previous = pd.read_csv(Path(previous_results), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame = changes_table(compare_results(previous, a.results()), a.divisions.name_of(), previous_version)
    why = f"重新出具的原因：{_e(reason.strip().rstrip('。.'))}" if reason.strip() else "重新出具时未说明原因（landassess run --force --reason）"
    markup = (f'<div class="la-banner">本报告为重新出具的结果，原定稿结果保存为 {_e(previous_version)}。{why}。</div>'
              + _table(frame, empty="与原定稿结果相比，状态、名次和称号均无变化。"))
    return _section("changes", f"版本变更（相对 {previous_version}）", markup, a)
