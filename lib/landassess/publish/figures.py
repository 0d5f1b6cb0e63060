"""Figures of the report (matplotlib), Chinese labels with the packaged CJK font.

Each function takes an :class:`Assessment` and returns a matplotlib Figure; the notebook
displays it (embedded as PNG by nbconvert).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from matplotlib.figure import Figure

from landassess.assessment import Assessment

MODEL_COLOR, ADVANCED_COLOR, OTHER_COLOR, PENDING_COLOR = "#2e7d32", "#1f77b4", "#9aa5b1", "#e08a00"
DISQUALIFIED_COLOR = "#b3261e"


def status_color(status: str) -> str:
    """A ranked unit's bar colour by its current status (SPEC 7.3: a lost title is not coloured as one)."""
    return {"model": MODEL_COLOR, "advanced": ADVANCED_COLOR, "tie_pending": PENDING_COLOR,
            "disqualified": DISQUALIFIED_COLOR}.get(status, OTHER_COLOR)


def bar_label(row) -> str:
    """``rank. name（city）`` with the status for a unit that is not simply titled or untitled."""
    label = f"{row.rank}. {row.name}（{row.city}）"
    if row.status == "disqualified":
        label += " 取消资格"
    elif row.status == "incomplete":
        label += " 材料不全"
    return label


def setup_fonts() -> str:
    """Register the packaged CJK font and use it for every chart."""
    from landassess.publish.fonts import register_cjk_font

    return register_cjk_font()


# Each chart sets fixed margins rather than calling tight_layout(), which lays all text out an
# extra time (a third of a chart's cost).


def new_figure(figsize: tuple[float, float], dpi: int = 100):
    """A figure and its axes outside pyplot: no backend figure manager, nothing left to close."""
    fig = Figure(figsize=figsize, dpi=dpi)
    return fig, fig.subplots()


def show(fig: Figure) -> None:
    """Display a figure as PNG with its title as the image's description."""
    import io

    from IPython.display import Image, display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    title = "；".join(ax.get_title() for ax in fig.axes if ax.get_title()) or "图表"
    display(Image(data=buffer.getvalue(), format="png", metadata={"alt": title}))


def _ranked(a: Assessment):
    return a.counties[a.counties["is_ranked"]].sort_values(["position", "code"])


def ranked_totals(a: Assessment) -> Figure:
    """Ranked totals, coloured by current status, with the 10th and 20th place lines.

    A disqualified unit keeps its bar and place (nobody moves up) but is red and labelled
    取消资格, never coloured as 模范/先进 (SPEC 7.3).
    """
    ranked = _ranked(a)
    fig, ax = new_figure(figsize=(10, max(3.0, 0.28 * len(ranked) + 1.2)), dpi=100)
    labels = [bar_label(r) for r in ranked.itertuples()]
    totals = [float(Decimal(t)) for t in ranked["total"]]
    colors = [status_color(s) for s in ranked["status"]]
    ax.barh(range(len(ranked)), totals, color=colors)
    ax.set_yticks(range(len(ranked)), labels, fontsize=8)
    ax.invert_yaxis()
    for i, value in enumerate(totals):
        ax.text(value + 0.2, i, f"{value:.2f}", va="center", fontsize=7)
    model_q = a.params.tiers.model.quota
    for line, text in ((model_q, "模范线"), (model_q + a.params.tiers.advanced.quota, "先进线")):
        if line < len(ranked):
            ax.axhline(line - 0.5, color="#b3261e", linestyle="--", linewidth=1)
            ax.text(ax.get_xlim()[1], line - 0.5, f" {text}（第{line}名）", color="#b3261e", va="center", fontsize=8)
    low = min(totals, default=0)
    ax.set_xlim(max(0, low - 10), max(totals, default=100) + 4)
    ax.set_xlabel("总分（基础得分 + 加分）")
    legend = "绿：模范，蓝：先进，橙：并列待定" + ("，红：取消资格" if (ranked["status"] == "disqualified").any() else "")
    ax.set_title(f"{a.year} 年度排名与称号线（{legend}）")
    fig.subplots_adjust(left=0.2, right=0.86, top=1 - 0.5 / fig.get_figheight(), bottom=0.6 / fig.get_figheight())
    return fig


def dimension_profiles(a: Assessment) -> Figure:
    """Dimension subtotals of the titled counties, as a share of each dimension's maximum."""
    ranked = _ranked(a)
    titled = ranked[ranked["status"].isin(["model", "advanced"])]
    dims = a.params.rubric.dimensions
    maxima = [float(sum((c.max for c in d.criteria), Decimal(0))) for d in dims]
    fig, ax = new_figure(figsize=(10, 4.2), dpi=100)
    for r in titled.itertuples():
        shares = [100 * float(Decimal(getattr(r, f"dim_{d.id}"))) / m for d, m in zip(dims, maxima, strict=True)]
        ax.plot(range(len(dims)), shares, marker="o", linewidth=1,
                color=MODEL_COLOR if r.status == "model" else ADVANCED_COLOR, alpha=0.7)
    ax.set_xticks(range(len(dims)), ["\n".join(d.name[i:i + 9] for i in range(0, len(d.name), 9)) for d in dims],
                  fontsize=8)
    ax.set_ylabel("得分率（%）")
    ax.set_title("拟评定单位各维度得分率（绿：模范，蓝：先进）")
    ax.grid(axis="y", alpha=0.3)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.17)
    return fig


def quota_use(a: Assessment) -> Figure:
    """Per city: quota, admitted and over-quota recommendations."""
    q = a.quotas
    fig, ax = new_figure(figsize=(10, 3.8), dpi=100)
    x = range(len(q))
    ax.bar([i - 0.2 for i in x], q["quota"], width=0.4, color="#cfd8e3", label="推荐名额")
    ax.bar([i + 0.2 for i in x], q["admitted"], width=0.4, color=ADVANCED_COLOR, label="名额内推荐")
    ax.bar([i + 0.2 for i in x], q["over_quota"], width=0.4, bottom=q["admitted"], color="#b3261e", label="超出推荐名额")
    ax.set_xticks(list(x), q["city"], fontsize=8, rotation=30)
    ax.set_ylabel("县级单位数")
    ax.yaxis.get_major_locator().set_params(integer=True)
    share = f"{(a.params.recommendation.quota_share * 100).normalize():f}%"
    ax.set_title(f"各设区市推荐名额使用情况（六(二)：不超过所辖县级单位的{share}）")
    ax.legend(fontsize=8)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.9, bottom=0.2)
    return fig


def evaluator_spread(a: Assessment) -> Figure:
    """Spread between evaluators per criterion, as a share of the criterion's maximum."""
    crit = a.scores.criteria
    ids = a.params.rubric.criterion_ids()
    data = [[100 * float(Fraction(s) / Fraction(m)) for s, m in zip(g["spread"], g["max_points"], strict=True)]
            for _, g in crit.groupby("criterion")] if not crit.empty else []
    present = sorted(crit["criterion"].unique()) if not crit.empty else []
    fig, ax = new_figure(figsize=(10, 3.8), dpi=100)
    if data:
        ax.boxplot(data, tick_labels=present)
    share = float(a.params.report.spread_flag_share) * 100
    ax.axhline(share, color="#b3261e", linestyle="--", linewidth=1)
    ax.text(0.6, share, f"关注线：极差超过满分的 {share:g}%", color="#b3261e", fontsize=8, va="bottom")
    ax.set_xlabel(f"指标（共 {len(ids)} 项）")
    ax.set_ylabel("评委极差占满分（%）")
    ax.set_title("评委评分分歧（每个点为一个县的一项指标）")
    fig.subplots_adjust(left=0.08, right=0.94, top=0.9, bottom=0.15)
    return fig
