"""One status per county-level division (SPEC 3.6), with the figures that explain it.

Checked in this order, the first that applies is the status: 未申报 · 一票否决 · 未获推荐 ·
超出推荐名额 · 材料不全 · 取消资格 · 并列待定 · 模范 · 先进 · 未入选. Exact values are kept beside
their rounded text (half-up to ``scoring.score_decimals`` places).
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from landassess.divisions import Divisions
from landassess.rules.scoring import Scores, round_half_up
from landassess.vocabulary import STATUS_ZH

TITLES = ("model", "advanced")
"""The tiers that are titles (三: 模范、先进)."""

_RANKED_COLUMNS = ("base_exact", "bonus_exact", "total_exact", "effectiveness_exact", "rank", "position",
                   "position_last", "tie_size", "tie_break", "tier", "is_tie_pending", "pending_between",
                   "decision", "decision_reason")


def status_of(code: str, *, declared: set[str], vetoed: set[str], recommended: set[str], over_quota: set[str],
              incomplete: set[str], disqualified: set[str], tier: str | None, is_tie_pending: bool) -> str:
    """The status of one division (SPEC 3.6); ``tier``/``is_tie_pending`` are None/False when unranked."""
    if code not in declared:
        return "not_declared"
    if code in vetoed:
        return "vetoed"
    if code not in recommended:
        return "not_recommended"
    if code in over_quota:
        return "over_quota"
    if code in incomplete:
        return "incomplete"
    is_titled = tier in TITLES and not is_tie_pending
    if is_titled and code in disqualified:
        return "disqualified"
    if is_tie_pending:
        return "tie_pending"
    if tier in TITLES:
        return str(tier)
    return "not_selected"


def county_table(divisions: Divisions, declared: set[str], veto_ids: dict[str, list[str]],
                 recommended: set[str], admitted: set[str], judged_recs: pd.DataFrame,
                 incomplete: set[str], ranked: pd.DataFrame, draw: pd.DataFrame,
                 outcomes: pd.DataFrame, scored: Scores, bonus_points: dict[str, Decimal],
                 ratio_of: dict[str, Fraction | None], decimals: int, dimension_ids: list[str]) -> pd.DataFrame:
    """One row per division with its status (SPEC 3.6) and figures.

    Built column by column as plain lists and put together once (what-if and robustness call this
    for every variant: pandas' per-column assignment was half of a recompute).
    """
    base = divisions.table[["code", "name", "city"]]
    codes = base["code"].tolist()
    ranked_by_code = ranked.set_index("code")
    tier_of = ranked_by_code["tier"].to_dict() if "tier" in ranked_by_code else {}
    pending_of = ranked_by_code["is_tie_pending"].to_dict() if "is_tie_pending" in ranked_by_code else {}
    drawn = set(draw.loc[draw["is_drawn"], "code"]) if len(draw) else set()
    # Only outcomes that take a provisional 模范/先进 title away disqualify (SPEC 3.5, 7.3); the
    # others are kept, with every outcome recorded for a unit, for the ledger's explanation.
    applied = outcomes["is_applied"] if "is_applied" in outcomes else outcomes["is_disqualifying"]
    disqualified_reason = outcomes[applied].groupby("code")["reason"].agg("；".join).to_dict()
    recorded_reason = outcomes[outcomes["is_disqualifying"]].groupby("code")["reason"].agg("；".join).to_dict()
    over_quota = set(judged_recs.loc[judged_recs["is_over_quota"], "code"]) - admitted
    vetoed, disqualified = set(veto_ids), set(disqualified_reason)
    is_ranked = set(ranked_by_code.index)
    status = [status_of(code, declared=declared, vetoed=vetoed, recommended=recommended, over_quota=over_quota,
                        incomplete=incomplete, disqualified=disqualified, tier=tier_of.get(code),
                        is_tie_pending=bool(pending_of.get(code, False)))
              for code in codes]
    index = base.index
    code_series = base["code"]
    columns: dict[str, object] = {
        "status": status,
        "status_zh": [STATUS_ZH.get(x) for x in status],
        "vetoes": [";".join(veto_ids.get(c, [])) for c in codes],
        "is_declared": [c in declared for c in codes],
        "is_recommended": [c in recommended for c in codes],
        "is_admitted": [c in admitted for c in codes],
        "is_ranked": [c in is_ranked for c in codes],
        "ratio": code_series.map(ratio_of),
    }
    position = {code: i for i, code in enumerate(ranked_by_code.index)}
    where = [position.get(c) for c in codes]
    for column in _RANKED_COLUMNS:  # as ``Series.map`` would give them: NaN where unranked, dtypes inferred
        if column in ranked_by_code:
            values = ranked_by_code[column].tolist()
            columns[column] = pd.Series([values[i] if i is not None else np.nan for i in where], index=index)
        else:
            columns[column] = None
    columns["rank"] = columns["rank"].astype("Int64") if columns["rank"] is not None else pd.Series(
        [pd.NA] * len(codes), index=index, dtype="Int64")
    for name, exact in (("base_score", "base_exact"), ("bonus", "bonus_exact"), ("total", "total_exact")):
        values = columns[exact]
        columns[name] = [format_score(x, decimals) for x in (values if values is not None else [None] * len(codes))]
    dimension_scores = scored.counties.set_index("code")
    for dimension in dimension_ids:
        score_of = dimension_scores[dimension].to_dict()
        columns[f"dim_{dimension}"] = [format_score(score_of[c], decimals) if c in is_ranked else "" for c in codes]
    columns["bonus_documents_points"] = code_series.map(bonus_points)
    columns["spot_check"] = [c in drawn for c in codes]
    columns["disqualified_reason"] = [disqualified_reason.get(c, "") if st == "disqualified" else ""
                                      for c, st in zip(codes, status, strict=True)]
    columns["verification_record"] = [recorded_reason.get(c, "") for c in codes]
    added = pd.DataFrame({name: (value if isinstance(value, pd.Series) else pd.Series(value, index=index,
                                                                                     dtype=_dtype_of(value)))
                          for name, value in columns.items()}, index=index)
    return pd.concat([base, added], axis=1)


def _dtype_of(values):
    """The dtype a column assignment gave these values (None: let pandas infer, as ``table[c] = list`` did)."""
    return object if values is None else None


def format_score(value: Fraction | None, decimals: int) -> str:
    """A score as shown: rounded half-up to ``decimals`` places; empty when there is none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return _formatted(value, decimals)


@functools.lru_cache(maxsize=65536)
def _formatted(value: Fraction | Decimal | int, decimals: int) -> str:
    """The same value always reads the same: what-if and robustness format the same scores again and again."""
    return str(round_half_up(value, decimals))
