"""What a run must say at its end (issue 9): counts, the problems file, titles at risk, decisions.

So that nobody learns it from the 公示: every unit that would have held a title but is
``incomplete`` because of a data problem, and every committee decision that was not applied.
The summary is computed from the assessment, stored in ``manifest.json`` and printed by the
command line.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from landassess.vocabulary import STATUS_ZH, STATUSES

if TYPE_CHECKING:  # the command line prints a summary (format_summary) without importing pandas
    from landassess.assessment import Assessment


def _title_line(a: Assessment) -> Fraction | None:
    """The lowest total that holds a provisional title, or ``None`` when a title is still free."""
    ranked = a.ranked
    titled = ranked[ranked["tier"].isin(["model", "advanced"]) | ranked["is_tie_pending"]]
    places = a.params.tiers.model.quota + a.params.tiers.advanced.quota
    if len(titled) < places:
        return None
    return min(titled["total_exact"])


def titles_at_risk(a: Assessment) -> list[dict]:
    """Incomplete units whose total, where it can be computed, reaches a title.

    A unit missing a criterion score has no total: it is listed when the title line could not
    be computed either way (``total`` empty), so an evaluator looks at it.
    """
    from landassess.rules.scoring import round_half_up

    counties = a.counties.set_index("code")
    incomplete = counties[(counties["status"] == "incomplete") & counties["is_admitted"]
                          & (counties["vetoes"] == "")]
    scored = a.scores.counties.set_index("code")
    line = _title_line(a)
    bonus = a.counties.set_index("code")["bonus_documents_points"]
    at_risk = []
    for code, row in incomplete.iterrows():
        total = None
        if code in scored.index and bool(scored.at[code, "is_complete"]):
            points = bonus.get(code)
            total = scored.at[code, "base"] + Fraction(0 if _is_missing(points) else points)
        if _is_missing(row["tier"]) and total is not None and line is not None and total < line:
            continue
        reasons = sorted({p.message for p in a.problems if p.code == code and p.affects_status})
        at_risk.append({
            "code": code, "name": row["name"],
            "total": "" if total is None else str(round_half_up(total, a.params.scoring.score_decimals)),
            "problems": reasons[:3],
        })
    return at_risk


def _is_missing(value) -> bool:
    return value is None or value != value  # None or NaN


def unapplied_decisions(a: Assessment) -> list[dict]:
    """Committee decisions that the run did not apply, with the reason."""
    decisions = a.decisions
    if decisions is None or not len(decisions) or "is_applied" not in decisions:
        return []
    rows = decisions[~decisions["is_applied"].astype(bool)]
    names = a.divisions.name_of()
    return [{"code": r.code, "name": names.get(r.code, ""), "decision": r.decision, "note": r.note}
            for r in rows.itertuples()]


def run_summary(a: Assessment) -> dict:
    """The facts the end of a run prints, as data (stored in ``manifest.json``)."""
    counts = a.counties["status"].value_counts()
    return {
        "status_counts": {s: int(counts.get(s, 0)) for s in STATUSES},
        "errors": int(sum(p.severity in ("error", "fatal") for p in a.problems)),
        "notices": int(sum(p.severity == "notice" for p in a.problems)),
        "titles_at_risk": titles_at_risk(a),
        "unapplied_decisions": unapplied_decisions(a),
    }


def format_summary(summary: dict, problems_file: str) -> str:
    """The summary in Chinese, a few lines for the end of ``landassess run``."""
    counts = summary.get("status_counts", {})
    lines = ["结果：" + "，".join(f"{STATUS_ZH[s]} {counts[s]}" for s in STATUSES if counts.get(s))]
    lines.append(f"数据问题 {summary.get('errors', 0)} 个、提示 {summary.get('notices', 0)} 条，见 {problems_file}")
    for unit in summary.get("titles_at_risk", []):
        total = f"总分 {unit['total']}，" if unit["total"] else "总分无法计算，"
        lines.append(f"注意：{unit['name']}（{unit['code']}）{total}可能获得称号，但因数据问题为“材料不全”："
                     + "；".join(unit["problems"]))
    for decision in summary.get("unapplied_decisions", []):
        lines.append(f"注意：对 {decision['name'] or decision['code']}（{decision['code']}）的评审决定未采用："
                     f"{decision['note']}")
    return "\n".join(lines)
