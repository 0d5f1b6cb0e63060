"""Ranking, tie-breaks and titles (SPEC 3.4; 三: 模范、先进各不超过10个).

Rank by the rounded total, highest first. Ties on the rounded total are broken by (1) the higher
土地执法监管成效 subtotal, then (2) the lower 违法占用耕地比例. Ties left after that share a rank
(competition ranking: 1, 2, 2, 4). Positions 1…10 are 模范 and 11…20 先进; a tie that straddles
one of these lines is ``tie_pending`` and the committee decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from landassess.params import TieBreak, Tiers
from landassess.vocabulary import TIER_ZH

TIE_BREAK_ZH = {
    "effectiveness_subtotal_desc": "土地执法监管成效得分高者在前",
    "cultivated_ratio_asc": "违法占用耕地比例低者在前",
}


@dataclass(frozen=True)
class _Candidate:
    code: str
    total: Decimal
    effectiveness: Decimal
    ratio: Fraction


def _sort_key(candidate: _Candidate, order: tuple[str, ...]) -> tuple:
    key: list[object] = [-candidate.total]
    for rule in order:
        key.append(-candidate.effectiveness if rule == "effectiveness_subtotal_desc" else candidate.ratio)
    return tuple(key)


def rank_counties(candidates: pd.DataFrame, tiers: Tiers, tie_break: TieBreak) -> pd.DataFrame:
    """Rank the candidates and assign provisional tiers.

    ``candidates`` has columns ``code``, ``total`` and ``effectiveness`` (rounded Decimals) and
    ``ratio`` (exact Fraction). Returns one row per candidate, best first, with ``rank``,
    ``position``/``position_last`` (the places its tie group covers), ``tie_size``,
    ``tie_break`` (which rule separated it from an equal rounded total, in Chinese), ``tier``,
    ``is_tie_pending`` and ``pending_between``.
    """
    order = tie_break.order
    people = [_Candidate(r.code, r.total, r.effectiveness, r.ratio)
              for r in candidates.itertuples(index=False)]
    people.sort(key=lambda c: (_sort_key(c, order), c.code))
    by_total: dict[Decimal, list[_Candidate]] = {}
    for candidate in people:
        by_total.setdefault(candidate.total, []).append(candidate)
    rows = []
    position = 0
    while position < len(people):
        key = _sort_key(people[position], order)
        end = position + 1
        while end < len(people) and _sort_key(people[end], order) == key:
            end += 1
        for member in people[position:end]:
            rows.append({
                "code": member.code, "rank": position + 1, "position": position + 1,
                "position_last": end, "tie_size": end - position,
                "tie_break": _explain_tie_break(member, by_total[member.total], order),
            })
        position = end
    ranked = pd.DataFrame(rows, columns=["code", "rank", "position", "position_last", "tie_size",
                                         "tie_break"])
    totals = {c.code: c.total for c in people}
    return assign_tiers(ranked, totals, tiers)


def _explain_tie_break(member: _Candidate, same_total: list[_Candidate],
                       order: tuple[str, ...]) -> str:
    """Which rule separated this county from the others with the same rounded total."""
    same_total = [c for c in same_total if c.code != member.code]
    if not same_total:
        return ""
    used = []
    rest = same_total
    for rule in order:
        if rule == "effectiveness_subtotal_desc":
            differs = [c for c in rest if c.effectiveness != member.effectiveness]
        else:
            differs = [c for c in rest if c.ratio != member.ratio]
        if differs:
            used.append(TIE_BREAK_ZH[rule])
        rest = [c for c in rest if c not in differs]
    names = "、".join(c.code for c in same_total)
    text = f"与 {names} 总分相同"
    if used:
        text += "；依次比较：" + "，".join(used)
    if rest:
        text += "；与 " + "、".join(c.code for c in rest) + " 仍并列，名次相同"
    return text


def assign_tiers(ranked: pd.DataFrame, totals: dict[str, Decimal], quotas: Tiers) -> pd.DataFrame:
    """Provisional tiers by position; a tie group straddling a quota line is ``tie_pending``."""
    tiers = [("model", quotas.model), ("advanced", quotas.advanced)]
    tier_of: dict[str, str | None] = {}
    pending: dict[str, str] = {}
    index, used = 0, 0
    groups = ranked.groupby("position", sort=True)
    for _, group in groups:
        codes = group["code"].tolist()
        total = totals[codes[0]]
        while index < len(tiers) and (used >= tiers[index][1].quota or (
                tiers[index][1].min_total is not None and total < tiers[index][1].min_total)):
            index, used = index + 1, 0
        if index >= len(tiers):
            tier_of.update(dict.fromkeys(codes))
            continue
        name, tier = tiers[index]
        if used + len(codes) <= tier.quota:
            tier_of.update(dict.fromkeys(codes, name))
            used += len(codes)
            continue
        # The tie straddles this tier's line: the committee decides (SPEC 3.4).
        overflow = used + len(codes) - tier.quota
        following = None
        if index + 1 < len(tiers):
            next_tier = tiers[index + 1][1]
            if next_tier.min_total is None or total >= next_tier.min_total:
                following = tiers[index + 1][0]
        between = f"{TIER_ZH[name]}/{TIER_ZH[following] if following else '未入选'}"
        tier_of.update(dict.fromkeys(codes))
        pending.update(dict.fromkeys(codes, between))
        index += 1
        used = overflow if following else 0
        if following is None:
            index = len(tiers)
    ranked = ranked.copy()
    ranked["tier"] = ranked["code"].map(tier_of)
    ranked["is_tie_pending"] = ranked["code"].isin(pending)
    ranked["pending_between"] = [pending.get(code, "") for code in ranked["code"]]
    return ranked
