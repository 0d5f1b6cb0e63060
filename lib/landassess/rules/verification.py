"""Committee decisions, the random on-site check draw and verification outcomes (六(三), SPEC 3.5).

The draw is reproducible by anyone with the published seed and ``sha256sum``: order the pool by
``sha256("<seed>:<code>")`` as lowercase hex, ascending, and take the first ``count``. A unit
that fails the check, has an objection upheld or is disqualified otherwise loses its title, and
nobody replaces it (不再进行增补). Such an outcome for a unit without a provisional title changes
nothing and is a notice (SPEC 7.3).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from landassess.params import Tiers
from landassess.problems import Problem
from landassess.vocabulary import DECISION_TIER, DECISIONS, ERROR, NOTICE, TIER_ZH


def draw_hash(seed: str, code: str) -> str:
    """sha256 of ``"<seed>:<code>"`` (UTF-8) as lowercase hex: ``printf '%s' "seed:code" | sha256sum``."""
    return hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()


def draw_spot_checks(pool: list[str], seed: str | None, count: int) -> pd.DataFrame:
    """The pool ordered by hash, with ``is_drawn`` for the first ``count``; empty without a seed."""
    if seed is None:
        return pd.DataFrame(columns=["code", "hash", "order", "is_drawn"])
    hashes = sorted((draw_hash(seed, code), code) for code in pool)
    return pd.DataFrame({
        "code": [code for _, code in hashes],
        "hash": [h for h, _ in hashes],
        "order": range(1, len(hashes) + 1),
        "is_drawn": [i < count for i in range(len(hashes))],
    })


def _records(frame: pd.DataFrame):
    """``frame.itertuples()``, or nothing for an empty frame (pandas builds a namedtuple class even then)."""
    return frame.itertuples() if len(frame) else ()


def apply_decisions(ranked: pd.DataFrame, decisions: pd.DataFrame,
                    tiers: Tiers) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """Apply committee decisions to ranked units; returns (ranked, decisions judged, problems).

    A decision settles a ``tie_pending`` unit or overrides a ranked unit's title. A decision for
    a unit that is not ranked, or a set of decisions that puts more units in a tier than its
    quota, is a problem and is not applied.
    """
    ranked = ranked.copy()
    ranked["decision"] = None
    ranked["decision_reason"] = ""
    problems: list[Problem] = []
    judged = decisions[decisions["is_valid"] & (decisions["code"] != "")].copy()
    judged["is_applied"] = False
    judged["note"] = ""
    ranked_codes = set(ranked["code"])
    quotas = {"model": tiers.model.quota, "advanced": tiers.advanced.quota}
    applicable = judged[judged["code"].isin(ranked_codes)]
    for record in _records(judged[~judged["code"].isin(ranked_codes)]):
        judged.loc[record.Index, "note"] = "该县未进入排名，决定不适用"
        problems.append(Problem(ERROR, "decisions", "评审决定针对的县未进入排名，决定不适用", file=record.file,
                                sheet=record.sheet, row=int(record.row), column="县级代码", value=record.code,
                                expected="已进入排名的县", code=record.code,
                                reason="decision.not_ranked"))
    tiers = dict(zip(ranked["code"], ranked["tier"], strict=True))
    pending = set(ranked.loc[ranked["is_tie_pending"], "code"])
    proposed = dict(tiers)
    for record in _records(applicable):
        proposed[record.code] = DECISION_TIER[record.decision]
    settled_pending = pending & set(applicable["code"])
    refused: set[int] = set()
    changed = True
    while changed:  # refusing a decision returns its unit to its tier, which may then overflow in turn
        changed = False
        for tier, quota in quotas.items():
            holders = [c for c, t in proposed.items() if t == tier]
            if len(holders) <= quota:
                continue
            into_tier = [r for r in _records(applicable) if r.Index not in refused
                         and DECISION_TIER[r.decision] != tiers[r.code] and tier in (DECISION_TIER[r.decision], tiers[r.code])]
            for record in into_tier:
                refused.add(record.Index)
                changed = True
                judged.loc[record.Index, "note"] = f"会使{TIER_ZH[tier]}超出名额（{quota}个），决定未采用"
                problems.append(Problem(
                    ERROR, "decisions", f"评审决定使{TIER_ZH[tier]}达到 {len(holders)} 个，超出名额 {quota} 个",
                    file=record.file, sheet=record.sheet, row=int(record.row), column="决定",
                    value=DECISIONS[record.decision], expected=f"{TIER_ZH[tier]}不超过 {quota} 个", code=record.code,
                    reason="decision.over_quota"))
                proposed[record.code] = tiers[record.code]
                settled_pending.discard(record.code)
    for record in _records(applicable):
        if judged.loc[record.Index, "note"]:
            continue
        judged.loc[record.Index, ["is_applied", "note"]] = [True, "已采用"]
        mask = ranked["code"] == record.code
        ranked.loc[mask, "decision"] = record.decision
        ranked.loc[mask, "decision_reason"] = record.reason
    ranked["tier"] = ranked["code"].map(proposed)
    ranked["is_tie_pending"] = ranked["is_tie_pending"] & ~ranked["code"].isin(settled_pending)
    return ranked, judged, problems


def disqualifying_outcomes(verification: pd.DataFrame, ranked_codes: set[str],
                           titled_codes: set[str] | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Judge verification rows (SPEC 3.5, 7.3); returns (rows, notices).

    ``reason`` says what the row records against the unit (check failed, objection upheld,
    another reason); ``is_disqualifying`` is true when it records something. Such an outcome
    takes a title away (``is_applied``) only from a unit in ``titled_codes``: the units whose
    provisional tier, after the committee's decisions, is 模范 or 先进. For any other unit —
    unranked, ranked without a title (未入选) or a pending tie — the row changes nothing and is
    listed as a notice. ``titled_codes`` None means every ranked unit (the reading before 7.3).
    """
    titled = set(ranked_codes) if titled_codes is None else set(titled_codes)
    rows = verification[verification["is_valid"] & (verification["code"] != "")].copy()
    reasons = []
    for record in rows.itertuples():
        parts = []
        if record.check_passed is False:
            parts.append("实地查验未通过")
        if record.objection_upheld is True:
            parts.append("公示异议成立")
        if isinstance(record.disqualified_reason, str) and record.disqualified_reason.strip():
            parts.append(f"其他原因：{record.disqualified_reason.strip()}")
        reasons.append("；".join(parts))
    rows["reason"] = reasons
    rows["is_disqualifying"] = rows["reason"] != ""
    rows["is_applied"] = rows["is_disqualifying"] & rows["code"].isin(titled)
    problems = []
    for r in rows.itertuples():
        if r.code not in ranked_codes:
            message = "查验与异议记录针对的县未进入排名，不影响结果"
            expected = "已进入排名的县"
            reason = "verification.not_ranked"
        elif r.code not in titled:
            recorded = f"（记录：{r.reason}）" if r.reason else ""
            message = ("查验与异议记录针对的县没有拟评定称号（未入选或并列待定），不改变其状态" + recorded
                       + "；只有拟评定为模范、先进的单位会因此被取消资格（六(三)）")
            expected = "拟评定为模范、先进的单位"
            reason = "verification.not_titled"
        else:
            continue
        problems.append(Problem(NOTICE, "verification", message, file=r.file, sheet=r.sheet, row=int(r.row),
                                column="县级代码", value=r.code, expected=expected, code=r.code,
                                reason=reason))
    return rows.reset_index(drop=True), problems
