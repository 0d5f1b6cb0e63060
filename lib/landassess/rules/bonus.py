"""Bonus points (七(二)): national or provincial commendations and promoted typical experience.

通报表扬 with a formal document and 典型经验 promoted at national level give 1 point, at provincial
level 0.5 (points are parameters). A document number counts once per county, after normalising
its brackets and full-width characters. City-level documents and documents dated outside the
year give nothing and are listed as not counted, with the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from landassess.params import Bonus
from landassess.vocabulary import BONUS_CLAUSE, BONUS_KINDS, LEVEL_NATIONAL, LEVEL_PROVINCIAL, LEVEL_ZH


def judge_bonus_events(events: pd.DataFrame, bonus: Bonus, year: int) -> pd.DataFrame:
    """Every readable bonus row with ``counts``, ``points`` and ``reason`` (in file order)."""
    usable = events[events["is_valid"] & (events["code"] != "")].copy()
    seen: dict[tuple[str, str], int] = {}
    counts, points, reasons = [], [], []
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for code, kind, level, key, date, row in zip(
            usable["code"], usable["kind"], usable["level"], usable["document_key"],
            usable["date"], usable["row"], strict=True):
        table = getattr(bonus.points, kind)
        if level not in (LEVEL_NATIONAL, LEVEL_PROVINCIAL):
            decision = (False, Decimal(0), f"{LEVEL_ZH.get(level, level)}文件不加分（七(二)只计国家、省级）")
        elif not (first <= date <= last):
            decision = (False, Decimal(0), f"日期 {date.isoformat()} 不在评估年度 {year} 年内，不计")
        elif (code, key) in seen:
            decision = (False, Decimal(0), f"文号重复（同第{seen[(code, key)]}行），每个文号只计一次")
        else:
            seen[(code, key)] = int(row)
            value = table.national if level == LEVEL_NATIONAL else table.provincial
            decision = (True, value, f"{LEVEL_ZH[level]}{BONUS_KINDS[kind]}"
                                     f"，加 {value} 分（{BONUS_CLAUSE[kind]}）")
        counts.append(decision[0])
        points.append(decision[1])
        reasons.append(decision[2])
    usable["counts"] = pd.Series(counts, index=usable.index, dtype=bool)
    usable["points"] = pd.Series(points, index=usable.index, dtype=object)
    usable["reason"] = reasons
    usable["clause"] = usable["kind"].map(BONUS_CLAUSE)
    return usable.reset_index(drop=True)


def bonus_by_county(judgements: pd.DataFrame, cap: Decimal | None) -> dict[str, Decimal]:
    """County code → bonus points: the sum of counted documents, capped if a cap is set."""
    totals: dict[str, Decimal] = {}
    counted = judgements[judgements["counts"].astype(bool)]
    for code, value in zip(counted["code"], counted["points"], strict=True):
        totals[code] = totals.get(code, Decimal(0)) + value
    if cap is not None:
        totals = {code: min(total, cap) for code, total in totals.items()}
    return totals
