"""The report's sections (issue 3): HTML fragments built from an :class:`Assessment`.

The notebook presents, this module decides what is shown. Every input string goes through
``html.escape`` (tables through ``DataFrame.to_html(escape=True)``), and personal data
(contacts, phones) is never shown.
"""

from __future__ import annotations

import html
import platform
import re
import subprocess
from decimal import Decimal
from fractions import Fraction
from importlib import metadata

import pandas as pd

from landassess.assessment import Assessment
from landassess.clock import china_now
from landassess.params import params_as_dict
from landassess.paths import project_root
from landassess.rules.scoring import round_half_up
from landassess.vocabulary import (
    BONUS_CLAUSE,
    BONUS_KINDS,
    DECISIONS,
    ERROR,
    EVENT_VETO_TYPES,
    FATAL,
    LEVEL_ZH,
    NOTICE,
    SEVERITY_ZH,
    STATUS_ZH,
    STATUSES,
    TABLE_ZH,
    TIER_ZH,
    VETO_CLAUSE,
    VETO_ZH,
)

NOTICE_TITLE = "《江苏省土地执法模范县（市、区）创建活动方案》（江苏省自然资源厅，2022年1月14日）"
DEMO_BANNER = "演示数据，非真实评估结果（虚构数字，真实地名）"


# --------------------------------------------------------------------------- personal data

# The last line of defence (SPEC 4: contact details never appear in a shared report): anything
# shaped like a Chinese mobile or landline number is masked in every fragment. Runs of 24 or more
# hex digits (sha256 values, commit ids) are matched first and left alone, and a number is only
# masked when no digit touches it, so county codes, dates, scores, document numbers and hashes
# survive.
_SEP = r"[\s\-\u2010-\u2015\uff0d.]"  # space, hyphens and dashes (also full-width), dots
_PHONE = re.compile(
    r"(?P<hex>[0-9A-Fa-f]{24,})"
    rf"|(?P<mobile>(?<!\d)(?:[+＋]?(?:00)?[8８][6６]{_SEP}*)?(?P<m>[1１][3-9３-９]\d(?:{_SEP}?\d){{8}})(?!\d))"
    rf"|(?P<land>(?<!\d)(?:[+＋]?(?:00)?[8８][6６]{_SEP}*)?(?:[(（][0０]\d{{2,3}}[)）]|[0０]\d{{2,3}}){_SEP}?"
    rf"\d{{3,4}}{_SEP}?\d{{4}}(?:{_SEP}?\d)?(?!\d))")
PHONE_MASK = "［已隐去电话号码］"
HIDDEN_VALUE = "［已隐去］"


def mask_phone_numbers(text: str, keep: tuple[str, ...] = ()) -> str:
    """``text`` with phone-shaped numbers masked: 13812345678 → 138****5678, landlines → ［已隐去电话号码］.

    A match that is part of one of the ``keep`` strings (the published draw seed) is kept.
    """

    def replace(match: re.Match) -> str:
        found = match.group()
        if match.group("hex") or any(found in k for k in keep if k):
            return found
        if match.group("mobile"):
            digits = re.sub(r"\D", "", match.group("m"))
            return f"{digits[:3]}****{digits[-4:]}"
        return PHONE_MASK

    return _PHONE.sub(replace, text)


class HTMLFragment:
    """A piece of HTML that Jupyter displays as rich output; phone numbers are always masked."""

    def __init__(self, markup: str, keep: tuple[str, ...] = ()):
        self.markup = mask_phone_numbers(markup, keep)

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def _e(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return html.escape(str(value))


def _table(frame: pd.DataFrame, *, empty: str = "（无）", row_classes: list[str] | None = None) -> str:
    """An HTML table with every header and cell escaped; optional CSS class per row."""
    if frame.empty:
        return f'<p class="la-note">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    classes = row_classes or [""] * len(frame)
    body = []
    for cls, row in zip(classes, frame.itertuples(index=False), strict=True):
        cells = "".join(f"<td>{_e(x)}</td>" for x in row)
        body.append(f'<tr class="{cls}">{cells}</tr>' if cls else f"<tr>{cells}</tr>")
    return f'<table class="la-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _pct(ratio: Fraction | None) -> str:
    if ratio is None:
        return "∞（新增建设用地占用耕地为0而违法占用耕地>0）"
    if isinstance(ratio, float) and pd.isna(ratio):
        return ""
    return f"{round_half_up(Fraction(ratio) * 100, 4)}%"


def _num(value: Decimal | Fraction | None, decimals: int = 2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(round_half_up(value, decimals)) if isinstance(value, Fraction) else f"{value.normalize():f}"


def _share_pct(share: Decimal) -> str:
    """0.4 → 40%, 0.35 → 35%."""
    return f"{(share * 100).normalize():f}%"


def _source_zh(source: str) -> str:
    """A parameter's source for the reader: "assumption" becomes a Chinese note."""
    return source.replace("assumption", "假设（方案未规定）") if source else ""


def _section(anchor: str, title: str, body: str, a: Assessment | None = None,
             keep: tuple[str, ...] = ()) -> HTMLFragment:
    """A report section; the declared contact values of ``a`` are scrubbed, phones masked."""
    markup = f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>'
    if a is not None:
        markup = scrub_personal_values(markup, personal_values(a))
    return HTMLFragment(markup, keep)


_PROTECTED_WORDS = (
    "评审委员会", "省厅", "自然资源", "未填写", "概览", "公示名单与排名", "一票否决", "推荐名额", "评分", "加分",
    "实地查验与异议", "数据问题", "逐县说明", "假设与口径", "溯源", "县级代码", "县（市、区）", "设区市", "名次",
    "总分", "基础得分", "状态", "说明", "文件", "应为", "单元格", "级别", "结论", "理由", "决定人", "日期",
)
"""Report wording a contact value is never scrubbed from (a hostile contact must not deface the report)."""


def personal_values(a: Assessment) -> tuple[str, ...]:
    """The contact and phone values declared this year, as they may appear in the report.

    Only values that cannot be confused with report wording: at least two characters, a phone
    with at least five digits, a contact with a letter or CJK character and not part of a
    division or city name, a status or a title. Longest first (a value inside another is
    scrubbed with it).
    """
    table = a.inputs.tables.get("declarations")
    if table is None:
        return ()
    vocabulary = [*a.divisions.name_of().values(), *a.divisions.cities, *STATUS_ZH.values(),
                  *TIER_ZH.values(), *DECISIONS.values(), *TABLE_ZH.values(), *SEVERITY_ZH.values(),
                  *VETO_ZH.values(), *_PROTECTED_WORDS]
    found: set[str] = set()
    for column in ("contact", "phone"):
        if column not in table:
            continue
        for value in table[column].dropna():
            text = str(value).strip()
            if len(text) < 2:
                continue
            if column == "phone" or not re.search(r"[^\W\d_]", text):
                if sum(ch.isdigit() for ch in text) >= 7:
                    found.add(text)
                continue
            if any(text in word for word in vocabulary):
                continue
            found.add(text)
    return tuple(sorted(found, key=lambda t: (-len(t), t)))


def scrub_personal_values(markup: str, values: tuple[str, ...]) -> str:
    """Replace every declared contact/phone value in the text of ``markup`` (not in its tags).

    Hex runs (hashes) are left whole, and a value that starts or ends with a digit is not
    matched inside a longer number.
    """
    if not values:
        return markup
    alternatives = []
    for value in values:
        escaped = re.escape(html.escape(value))
        before = r"(?<!\d)" if value[0].isdigit() else ""
        after = r"(?!\d)" if value[-1].isdigit() else ""
        alternatives.append(before + escaped + after)
    pattern = re.compile(r"(?P<hex>[0-9A-Fa-f]{24,})|(?P<value>" + "|".join(alternatives) + ")")

    def text_node(match: re.Match) -> str:
        return pattern.sub(lambda m: m.group() if m.group("hex") else HIDDEN_VALUE, match.group())

    return re.sub(r"(?<=>)[^<]+|^[^<]+", text_node, markup)


def _name(assessment: Assessment, code: str) -> str:
    return assessment.divisions.name_of().get(code, code)


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
    title = f"<h1>{a.year} 年度江苏省土地执法模范县（市、区）创建活动评估报告</h1>{banner}"
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
        "并列与裁决": [_tie_text(r) for r in counties.itertuples()],
    })
    classes = ["la-pending" if s == "tie_pending" else f"la-tier-{s}" if s in ("model", "advanced")
               else "la-disqualified" if s == "disqualified" else "" for s in counties["status"]]
    q = a.params.tiers
    note = (f'<p class="la-note">排名规则：按总分（保留两位小数，四舍五入）由高到低；总分相同依次比较：'
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
        "是否采用": d["note"],
    })
    return "<h3>评审委员会决定</h3>" + _table(frame)


# --------------------------------------------------------------------------- 3 一票否决


def vetoes_section(a: Assessment) -> HTMLFragment:
    """Every vetoed county with rule, clause and evidence; events and land figures that did not count."""
    rows = []
    events = a.veto_events
    for r in events[events["counts"]].itertuples():
        rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": VETO_ZH[r.type],
                     "条款": VETO_CLAUSE[r.type], "证据": _event_evidence(r)})
    for r in a.land.itertuples():
        evidence = (f"违法占用耕地 {_num(r.illegal_cultivated_area)} {r.area_unit}（{_num(r.illegal_mu, 4)} 亩）÷ "
                    f"新增建设用地占用耕地 {_num(r.construction_cultivated_area)} {r.area_unit}（{_num(r.construction_mu, 4)} 亩）"
                    f" = {_pct(r.ratio)}；来源：{r.source or '耕地数据表'} 第{r.row}行")
        if r.is_ratio_veto:
            rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": VETO_ZH["cultivated_ratio"],
                         "条款": "七(一)2", "证据": evidence + f"，≥ {_pct(Fraction(a.params.vetoes.cultivated_ratio_threshold))}（精确小数比较）"})
        if r.is_area_veto:
            rows.append({"县级代码": r.code, "县（市、区）": _name(a, r.code), "否决情形": VETO_ZH["cultivated_area"],
                         "条款": "七(一)2", "证据": f"违法占用耕地 {_num(r.illegal_mu, 4)} 亩 ≥ "
                                                f"{a.params.vetoes.cultivated_area_threshold_mu} 亩；{evidence}"})
    vetoed = pd.DataFrame(rows, columns=["县级代码", "县（市、区）", "否决情形", "条款", "证据"]).sort_values(
        ["县级代码", "条款"], kind="stable")
    status = a.counties.set_index("code")["status_zh"]
    vetoed.insert(2, "状态", vetoed["县级代码"].map(status))
    not_counted = events[~events["counts"]]
    nc = pd.DataFrame({
        "县级代码": not_counted["code"], "县（市、区）": not_counted["code"].map(a.divisions.name_of()),
        "类型": not_counted["type"].map(EVENT_VETO_TYPES), "日期": not_counted["date"].map(lambda x: x.isoformat()),
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
        f"<h3>被否决的县及证据</h3>{_table(vetoed, empty='本年度无一票否决。')}"
        f"<h3>未计入的否决事项（提请关注）</h3>{_table(nc, empty='无。')}"
        f"<h3>耕地数据（省厅口径）</h3>{_table(land_frame)}"
    )
    return _section("vetoes", "三、一票否决", markup, a)


def _event_evidence(r) -> str:
    parts = [f"{EVENT_VETO_TYPES[r.type]}，{r.date.isoformat()}，{LEVEL_ZH.get(r.authority_level, r.authority_level)}"]
    if r.verified is not None:
        parts.append("已查实" if r.verified else "未查实")
    if r.reference:
        parts.append(f"文号/出处：{r.reference}")
    if r.description:
        parts.append(f"说明：{r.description}")
    parts.append(f"{r.file} 第{r.row}行")
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
    r = a.recommendations.sort_values(["city", "order", "row"], na_position="last")
    rows = pd.DataFrame({
        "设区市": r["city"], "推荐顺序": r["order"], "县级代码": r["code"],
        "县（市、区）": r["code"].map(a.divisions.name_of()),
        "结果": r["reason"], "文件行": [f"{f} 第{n}行" for f, n in zip(r["file"], r["row"], strict=True)],
    })
    share = a.params.recommendation.quota_share
    markup = (f'<p class="la-note">六(二)：推荐单位数量不超过所辖县（市、区）的 {_share_pct(share)}，名额 = ⌊{share} × 县级单位数⌋；'
              f"按推荐顺序取前若干名，其余为“超出推荐名额”。</p>{_table(frame, row_classes=classes)}"
              f"<h3>推荐明细</h3>{_table(rows)}")
    return _section("quotas", "四、推荐名额", markup, a)


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
        table[f"{cid}（满分{a.params.rubric.max_by_criterion()[cid].normalize():f}）"] = [
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
    markup = (f'<p class="la-note">每项指标得分 = {method}；基础得分 = 13 项之和；总分 = 基础得分 + 加分。'
              f"计算全程精确，只在显示和排名时四舍五入到两位小数。缺少评分的指标不插补，该县为“材料不全”。</p>"
              f"<h3>各县指标平均分</h3>{_table(table)}"
              f"<h3>评委分歧（极差超过满分的 {_share_pct(share)}）</h3>{_table(flags, empty='没有评委分歧超过阈值的指标。')}"
              f"<h3>评估指标（假设口径）</h3>{_table(rubric)}")
    return _section("scoring", "五、评分", markup, a)


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


# --------------------------------------------------------------------------- 7 实地查验与异议


_SAFE_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :._,/+=-")


def shell_check_command(seed: str, code: str) -> str:
    r"""A POSIX sh command printing ``sha256("<seed>:<code>")`` as sha256sum does, safe for any seed.

    A seed of visible characters is quoted literally (``'`` written as ``'\''``), so ``$()``,
    backticks, ``;`` and quotes are only data. A seed with a control or invisible character
    (a newline, a tab, a zero-width space) cannot be copied reliably from a page: every byte
    outside ``[A-Za-z0-9:._]`` is then written as a ``printf`` octal escape.
    """
    text = f"{seed}:{code}"
    if text.isprintable():
        return "printf '%s' '" + text.replace("'", "'\\''") + "' | sha256sum"
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:._")  # no "-": not an option
    encoded = "".join(chr(b) if chr(b) in safe else "%%" if b == 0x25 else f"\\{b:03o}" for b in text.encode())
    return f"printf '{encoded}' | sha256sum"


def python_literal(text: str) -> str:
    """``text`` as a single-quoted Python literal of plain ASCII letters, digits and escapes.

    It contains no quote, ``$``, ``%``, ``!``, ``^``, backtick or backslash pair, so it passes
    unchanged through sh, cmd.exe and PowerShell double quotes.
    """
    parts = []
    for ch in text:
        if ch in _SAFE_LITERAL:
            parts.append(ch)
        elif ord(ch) < 0x100:
            parts.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            parts.append(f"\\u{ord(ch):04x}")
        else:
            parts.append(f"\\U{ord(ch):08x}")
    return "'" + "".join(parts) + "'"


def python_check_command(seed: str, code: str) -> str:
    """A one-line Python check of ``sha256("<seed>:<code>")`` that works in cmd, PowerShell and sh."""
    literal = python_literal(f"{seed}:{code}")
    return f'python -c "import hashlib;print(hashlib.sha256({literal}.encode(\'utf-8\')).hexdigest())"'


def verification_section(a: Assessment) -> HTMLFragment:
    """The seed, the algorithm and the check commands, the drawn units, the outcomes."""
    seed, count = a.params.spot_check.seed, a.params.spot_check.count
    keep: tuple[str, ...] = ()
    if seed is None:
        draw = '<p class="la-note">未设置公开随机种子（spot_check.seed），本年度不抽取实地查验单位。</p>'
    else:
        d = a.draw
        frame = pd.DataFrame({
            "顺序": d["order"], "县级代码": d["code"], "县（市、区）": d["code"].map(a.divisions.name_of()),
            "sha256(种子:代码)": d["hash"], "是否抽中": d["is_drawn"].map({True: "抽中", False: ""}),
        })
        example = d["code"].iloc[0] if len(d) else "320102"
        shown_seed = _e(seed) if seed.isprintable() else (
            _e(python_literal(seed)) + "（含不可见或控制字符，此处按 Python 转义写法显示）")
        keep = (seed, python_literal(seed), shell_check_command(seed, example))
        draw = (f"<p>公开种子：<b class='la-mono'>{shown_seed}</b>；抽取数量：{count}；抽取范围：拟评定为模范、先进的单位。</p>"
                f"<p>算法：对范围内每个单位计算 sha256(\"种子:县级代码\") 的十六进制小写值，按升序排列，取前 {count} 个。"
                f"任何人可用如下命令复核（以 {_e(example)} 为例，换成其他县级代码即可）：</p>"
                f"<p>Linux 或 macOS 终端（macOS 可把 sha256sum 换成 shasum -a 256；种子原样放在单引号中，不会被执行）：</p>"
                f"<pre class='la-mono la-check-sh'>{_e(shell_check_command(seed, example))}</pre>"
                f"<p>Windows（命令提示符或 PowerShell，需已安装 Python；也适用于其他系统）：</p>"
                f"<pre class='la-mono la-check-py'>{_e(python_check_command(seed, example))}</pre>"
                f"<p>两条命令输出的十六进制值应与下表该县一行相同（sha256sum 另在末尾输出“  -”）。</p>"
                + _table(frame, row_classes=["la-pending" if x else "" for x in d["is_drawn"]]))
    o = a.outcomes
    status = a.counties.set_index("code")["status"]
    outcomes = pd.DataFrame({
        "县级代码": o["code"], "县（市、区）": o["code"].map(a.divisions.name_of()),
        "查验通过": o["check_passed"].map({True: "是", False: "否"}), "异议成立": o["objection_upheld"].map({True: "是", False: "否"}),
        "取消资格原因": o["disqualified_reason"],
        "结论": [_outcome_conclusion(r, status.get(c, "")) for r, c in zip(o["reason"], o["code"], strict=True)],
    })
    markup = draw + "<h3>查验与异议结果</h3>" + _table(outcomes, empty="尚未记录查验与异议结果。") + (
        '<p class="la-note">六(三)：创建单位未通过查验或因其他原因被取消资格的，不再进行增补——其余单位的名次和称号不变。'
        "查验与异议结果只对拟评定为模范、先进的单位起作用；对其他单位只作提示，不改变其状态。</p>")
    return _section("verification", "七、实地查验与异议", markup, a, keep)


def _outcome_conclusion(reason: str, status: str) -> str:
    """One verification row's effect, consistent with the unit's status."""
    status_zh = STATUS_ZH.get(status, "未进入排名")
    if reason and status == "disqualified":
        return "取消资格：" + reason
    if reason and status == "incomplete":
        return f"记录：{reason}；该县因数据问题为“{status_zh}”"
    if reason:
        return f"不影响结果：该单位没有拟评定称号（{status_zh}），记录：{reason}"
    if status in ("model", "advanced"):
        return "保留称号"
    if status == "disqualified":
        return "本行无取消资格情形（该县因另一行记录取消资格）"
    return f"不影响结果（{status_zh}）"


# --------------------------------------------------------------------------- 8 数据问题


_SHAREABLE_DECLARATION_COLUMNS = frozenset({
    "code", "name", "city", "declared_on", "self_illegal_cultivated_area", "self_construction_cultivated_area"})
"""Declarations columns whose cell values a shared report may quote; contact, phone, the unit and
any column that is not one of these (unknown, header-less, a title row) may hold personal data."""


def _declaration_column(label: str) -> str | None:
    from landassess.intake import TABLES, map_header

    return map_header(TABLES["declarations"], [label]).get(0) if label else None


def shareable_value_and_message(table: str, column: str, value: str, message: str) -> tuple[str, str]:
    """A problem's value and message as a shared report may show them (personal data hidden).

    A problem in the declarations table quotes its cell (in 值 and in its message) only for the
    columns of :data:`_SHAREABLE_DECLARATION_COLUMNS`; otherwise the value, and anything the
    message quotes (a formula, a shortened value), is replaced by ［已隐去］. problems.csv, for the
    evaluators, keeps them.
    """
    value, message = value or "", message or ""
    if table != "declarations" or not value or _declaration_column(column) in _SHAREABLE_DECLARATION_COLUMNS:
        return value, message
    message = re.sub(r"“[^”]*”", "“" + HIDDEN_VALUE + "”", message.replace(value, HIDDEN_VALUE))
    return HIDDEN_VALUE, message


def shareable_problems(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems table as the shared report shows it (see :func:`shareable_value_and_message`)."""
    out = problems.copy()
    for index, row in out.iterrows():
        out.at[index, "value"], out.at[index, "message"] = shareable_value_and_message(
            row["table"], row["column"], row["value"], row["message"])
    return out


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
    return _section("ledgers", "九、逐县说明", '<p class="la-note">点击展开每个申报县的判定过程。</p>' + "".join(parts), a)


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
    steps.append(("申报", f"{on} 申报（{first.file} 第{first.row}行）"))
    land = index.land.get(code, [])
    if not land:
        steps.append(("否决检查·耕地", "缺少耕地数据，无法判断七(一)2（材料不全）"))
    else:
        r = land[0]
        steps.append(("否决检查·耕地", f"比例 {_pct(r.ratio)}，面积 {_num(r.illegal_mu, 4)} 亩；"
                                   + ("构成否决" if r.is_ratio_veto or r.is_area_veto else "未达否决线")))
    events = index.events.get(code, [])
    for r in events:
        steps.append(("否决检查·事项", f"{EVENT_VETO_TYPES[r.type]}（{r.date.isoformat()}）：{r.reason}"))
    if not events:
        steps.append(("否决检查·事项", "无记录的否决事项"))
    if c["vetoes"]:
        steps.append(("一票否决", "、".join(f"{VETO_ZH[v]}（{VETO_CLAUSE[v]}）" for v in c["vetoes"].split(";"))))
    recs = index.recommendations.get(code, [])
    steps.append(("推荐与名额", "；".join(f"{r.city} 第{r.order}顺位：{r.reason}" for r in recs) or "所在设区市未推荐"))
    own = index.problems.get(code, [])
    steps.append(("材料完整性", "；".join(shareable_value_and_message(p.table, p.column, p.value, p.message)[1]
                                      for p in own) if own else "完整"))
    if c["is_ranked"]:
        dims = "，".join(f"{d.name} {c[f'dim_{d.id}']}" for d in a.params.rubric.dimensions)
        steps.append(("评分", f"基础得分 {c['base_score']}（{dims}）"))
        docs = index.bonus.get(code, [])
        steps.append(("加分", f"{c['bonus']} 分；" + ("；".join(f"{r.document_no}：{r.reason}" for r in docs) or "无加分材料")))
        steps.append(("排名", f"总分 {c['total']}，第 {int(c['rank'])} 名" + (f"；{c['tie_break']}" if c["tie_break"] else "")))
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
    steps.append(("结论", f"{STATUS_ZH[c['status']]}（{c['status']}）"))
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
    parts = []
    for line in (a.params.tiers.model.quota, a.params.tiers.model.quota + a.params.tiers.advanced.quota):
        at_line = [t for first, last, t in ranked if first <= line <= last]
        if not at_line:
            parts.append(f"第{line}名：无人")
            continue
        parts.append(f"与第{line}名（{at_line[0]}）相差 {total - Decimal(at_line[0]):+.2f}")
    return "；".join(parts)


# --------------------------------------------------------------------------- 10 假设与口径, 11 溯源


def assumptions_section(a: Assessment) -> HTMLFragment:
    """What the notice does not fix: the rubric, thresholds' readings and other choices."""
    p = params_as_dict(a.params)
    sources = [(k, _source_zh(v.get("source", ""))) for k, v in p.items() if isinstance(v, dict) and "source" in v]
    frame = pd.DataFrame(sources, columns=["参数组", "来源或假设"])
    items = [
        "《评估细则》未公开：13项指标、分组与满分为假设，保存在参数文件中，可替换而无需改代码。",
        "否决事项、耕地数据对所有县评估（无论是否申报）；状态按规定顺序判定，未申报优先。",
        "媒体披露须“经查实”才否决；部挂牌督办须为国家级；重点管理县、约谈问责须为省级以上；市级不计。",
        "违法占用耕地比例使用省厅耕地数据；申报县缺少耕地数据为“材料不全”，不视为通过。",
        "无效推荐（他市县、未申报县、开发区）不占名额；同一县重复推荐按第一次计。",
        "只有名额内、未被否决的县参与评分；其他县的评分不计并提示。",
        "排名用两位小数四舍五入后的总分；并列时用两位小数的“土地执法监管成效”得分，再用精确的违法占用耕地比例。",
        "实地查验抽取范围为拟评定模范、先进的单位（不含并列待定）；抽取算法 sha256(\"种子:代码\") 升序。",
        "截止日期后申报或推荐只作提示，由省厅决定是否受理。",
    ]
    markup = ("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>" + _table(frame)
              + '<p class="la-note">完整的口径说明见项目文档 docs/rules.md。</p>')
    return _section("assumptions", "十、假设与口径", markup, a)


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=project_root(), capture_output=True,
                             text=True, timeout=5, check=False)
        return out.stdout.strip() or "（不在 git 仓库中）"
    except (OSError, subprocess.SubprocessError):
        return "（无法读取）"


def provenance_section(a: Assessment, run_time: str | None = None) -> HTMLFragment:
    """SHA-256 of every input file, parameters, versions, commit, run time."""
    files = pd.DataFrame([
        {"表": TABLE_ZH[name], "文件": path.name, "SHA-256": a.inputs.file_hashes[name]}
        for name, path in sorted(a.inputs.files.items())
    ])
    versions = []
    for package in ("landassess", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "openpyxl", "pydantic"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} （未安装）")
    import yaml

    params_yaml = yaml.safe_dump(params_as_dict(a.params), allow_unicode=True, sort_keys=False)
    run_time = run_time or china_now().isoformat(timespec="seconds")
    as_of = a.as_of.isoformat() if a.as_of else "—"
    markup = (f"{_table(files)}"
              f"<p>软件：{_e('；'.join(versions))}；Python {_e(platform.python_version())}；代码版本（git）：<span class='la-mono'>{_e(_git_commit())}</span>；"
              f'运行时间（北京时间）：<span class="la-run-time">{_e(run_time)}</span>；'
              f"评估基准日（--as-of，判断日期是否晚于“今天”）：<b>{_e(as_of)}</b></p>"
              f"<details class='la-ledger'><summary>生效参数（合并后）</summary><pre class='la-mono'>{_e(params_yaml)}</pre></details>")
    return _section("provenance", "十一、溯源", markup, a)


# --------------------------------------------------------------------------- re-issued results


def changes_section(a: Assessment, previous_results: str, previous_version: str) -> HTMLFragment:
    """When this run re-issues a finalised year: what changed against that version."""
    if not previous_results:
        return HTMLFragment("")
    from pathlib import Path

    from landassess.publish.outputs import compare_results

    previous = pd.read_csv(Path(previous_results), dtype=str, keep_default_na=False)
    changes = compare_results(previous, a.results())
    labels = {"status": "状态", "rank": "名次", "tier": "拟评定称号"}

    def show(field: str, value: str) -> str:
        if field == "status":
            return STATUS_ZH.get(value, value)
        if field == "tier":
            return TIER_ZH.get(value, value or "—")
        return value or "—"

    frame = pd.DataFrame({
        "县级代码": changes["code"], "县（市、区）": changes["code"].map(a.divisions.name_of()),
        "项目": changes["field"].map(labels),
        f"原结果（{previous_version}）": [show(f, v) for f, v in zip(changes["field"], changes["before"], strict=True)],
        "本次结果": [show(f, v) for f, v in zip(changes["field"], changes["after"], strict=True)],
    })
    markup = (f'<div class="la-banner">本报告为重新出具的结果，原定稿结果保存为 {_e(previous_version)}。</div>'
              + _table(frame, empty="与原定稿结果相比，状态、名次和称号均无变化。"))
    return _section("changes", f"版本变更（相对 {previous_version}）", markup, a)
