"""One-vote vetoes (七(一)): a vetoed county may not take part.

Two kinds of evidence: recorded events (media reports, Ministry supervision, special actions,
key-management designation, interviews or accountability) and the provincial land statistics
(违法占用耕地比例 and 面积). Every function returns the decision and its evidence; nothing is
filtered away, so the report can show the events that did not count, and why.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd

from landassess.params import EventClause, Vetoes, default_event_clauses, event_clauses, veto_order
from landassess.vocabulary import LEVEL_CITY

_REQUIREMENT_REASON = {
    "verified": "未经查实，不构成否决；提请评估人员关注",
    "reference": "未填写文号或出处，{clause}须有文号或出处方可认定，不计",
}


def judge_veto_event(kind: str, date: dt.date, level: str, verified: bool | None, year: int, *,
                     clauses: dict[str, EventClause] | None = None,
                     reference: str | None = None) -> tuple[bool, str]:
    """Does one event veto the county in ``year``? Returns (counts, reason in Chinese).

    七(一)1: media disclosure or leader instruction, verified; Ministry supervision; special action
    not completed. 七(一)3: key-management designation by the Ministry or province; interview or
    accountability by the provincial department or above. All: dated inside the year. Any clause
    (SPEC 8.7, ``clauses``: the year's, default the notice's own): in force, at one of its levels,
    with every field it requires.
    """
    clause = (clauses or default_event_clauses())[kind]
    if not (dt.date(year, 1, 1) <= date <= dt.date(year, 12, 31)):
        return False, f"日期 {date.isoformat()} 不在评估年度 {year} 年内，不计"
    if not clause.in_force:
        return False, f"{clause.clause}“{clause.label}”本年度未执行（参数 in_force: false），不计"
    allowed = clause.level_ids
    if allowed is not None and level not in allowed:
        return False, clause.level_reason_zh()
    for field in clause.requires:
        if not (verified if field == "verified" else reference):
            return False, _REQUIREMENT_REASON[field].format(clause=clause.clause)
    return True, f"构成一票否决（{clause.clause}）"


def judge_veto_events(events: pd.DataFrame, year: int, rules: Vetoes | None = None) -> pd.DataFrame:
    """Every readable event with ``counts``, ``reason`` and ``clause``; rows with problems are skipped.

    ``rules``: the year's vetoes (its event clauses); default the notice's own clauses.
    """
    clauses = event_clauses(rules)
    usable = events[events["is_valid"] & (events["code"] != "")].copy()
    references = usable["reference"] if "reference" in usable else pd.Series([None] * len(usable), dtype=object)
    decisions = [
        judge_veto_event(kind, date, level, verified, year, clauses=clauses, reference=reference)
        for kind, date, level, verified, reference in zip(
            usable["type"], usable["date"], usable["authority_level"], usable["verified"], references, strict=True)
    ]
    usable["counts"] = pd.Series([d[0] for d in decisions], index=usable.index, dtype=bool)
    usable["reason"] = [d[1] for d in decisions]
    usable["clause"] = usable["type"].map({k: c.clause for k, c in clauses.items()})
    usable["is_level_city"] = usable["authority_level"] == LEVEL_CITY
    return usable.reset_index(drop=True)


def cultivated_ratio(illegal_mu: Fraction, construction_mu: Fraction) -> Fraction | None:
    """违法占用耕地比例 (令第15号 art. 3), exact; None when infinite (denominator 0, numerator > 0)."""
    if construction_mu == 0:
        return Fraction(0) if illegal_mu == 0 else None
    return illegal_mu / construction_mu


def judge_land(land_stats: pd.DataFrame, thresholds: Vetoes) -> pd.DataFrame:
    """Per county: the two areas in 亩, the exact ratio and the two land vetoes (七(一)2).

    Compared exactly on the decimals as written: 10.86 ÷ 72.4 is exactly 15 % and vetoes.
    """
    usable = land_stats[land_stats["is_valid"] & (land_stats["code"] != "")]
    usable = usable.drop_duplicates("code", keep="first")
    ratio_line = Fraction(thresholds.cultivated_ratio_threshold)
    area_line = Fraction(thresholds.cultivated_area_threshold_mu)
    rows = []
    for record in usable.itertuples(index=False):
        illegal = Fraction(record.illegal_cultivated_area_mu)
        construction = Fraction(record.construction_cultivated_area_mu)
        ratio = cultivated_ratio(illegal, construction)
        rows.append({
            "code": record.code,
            "illegal_cultivated_area": record.illegal_cultivated_area,
            "construction_cultivated_area": record.construction_cultivated_area,
            "area_unit": record.illegal_cultivated_area_unit,
            "illegal_mu": illegal,
            "construction_mu": construction,
            "ratio": ratio,
            "is_ratio_infinite": ratio is None,
            "is_ratio_veto": ratio is None or ratio >= ratio_line,
            "is_area_veto": illegal >= area_line,
            "source": record.source,
            "row": record.row,
            "file": record.file,
        })
    columns = ["code", "illegal_cultivated_area", "construction_cultivated_area", "area_unit",
               "illegal_mu", "construction_mu", "ratio", "is_ratio_infinite", "is_ratio_veto",
               "is_area_veto", "source", "row", "file"]
    return pd.DataFrame(rows, columns=columns)


def veto_ids_by_county(event_judgements: pd.DataFrame, land: pd.DataFrame,
                       rules: Vetoes | None = None) -> dict[str, list[str]]:
    """County code → veto ids that apply, in SPEC 3.1 order (then the year's added clauses), each once."""
    found: dict[str, set[str]] = {}
    counted = event_judgements[event_judgements["counts"].astype(bool)]
    for code, kind in zip(counted["code"], counted["type"], strict=True):
        found.setdefault(code, set()).add(kind)
    for record in land.itertuples(index=False):
        if record.is_ratio_veto:
            found.setdefault(record.code, set()).add("cultivated_ratio")
        if record.is_area_veto:
            found.setdefault(record.code, set()).add("cultivated_area")
    order = veto_order(rules)
    return {code: [k for k in order if k in kinds] for code, kinds in found.items()}


def flag_understatement(declarations: pd.DataFrame, land: pd.DataFrame) -> pd.DataFrame:
    """Counties that declared less illegal area than the province recorded (九(三) 弄虚作假)."""
    declared = declarations[declarations["is_valid"] & (declarations["code"] != "")]
    declared = declared[declared["self_illegal_cultivated_area_mu"].notna()]
    declared = declared.drop_duplicates("code")[["code", "self_illegal_cultivated_area_mu", "row", "file"]]
    merged = declared.merge(land[["code", "illegal_mu"]], on="code", how="inner")
    merged["self_mu"] = merged["self_illegal_cultivated_area_mu"].map(Fraction)
    flagged = merged[merged["self_mu"] < merged["illegal_mu"]].copy()
    return flagged[["code", "self_mu", "illegal_mu", "row", "file"]].reset_index(drop=True)
