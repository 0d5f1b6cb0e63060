"""City recommendations and quotas (六(二)).

Each 设区市 recommends, in order, at most 40 % of its county-level divisions:
``quota = floor(0.4 × n_city)``. The first ``quota`` valid recommendations in the city's order
are admitted, the rest are ``over_quota``. A recommendation of a county that did not declare,
or of another city's county, is a data problem: it admits nobody and takes no place.
"""

from __future__ import annotations

import pandas as pd

from landassess.divisions import Divisions, city_quotas
from landassess.params import Recommendation
from landassess.problems import Problem
from landassess.vocabulary import ERROR


def judge_recommendations(recommendations: pd.DataFrame, declared: set[str],
                          divisions: Divisions,
                          recommendation: Recommendation) -> tuple[pd.DataFrame, list[Problem]]:
    """Every recommendation row with its place in the city's list and its outcome.

    Returns the rows (columns ``is_counted``, ``reason``, ``place``, ``is_admitted``,
    ``is_over_quota``) and the problems of invalid recommendations.
    """
    city_of = divisions.city_of()
    quotas = city_quotas(divisions, recommendation.quota_share).set_index("city")["quota"]
    rows = recommendations.copy()
    problems: list[Problem] = []
    counted, reasons = [], []
    for record in rows.itertuples():
        reason = ""
        if not record.is_valid or not record.code:
            reason = "推荐行有数据问题"
        elif city_of[record.code] != record.city:
            reason = f"{record.code} 属于{city_of[record.code]}，不是{record.city}所辖县级单位"
        elif record.code not in declared:
            reason = f"{record.code} 未申报，不能被推荐"
        if reason and record.is_valid and record.code:
            problems.append(Problem(
                ERROR, "recommendations", f"推荐无效：{reason}（六(二)）", file=record.file,
                sheet=record.sheet, row=int(record.row), column="县级代码", value=record.code,
                expected=f"{record.city}所辖且已申报的县级单位", code=record.code, affects_status=False,
                reason="recommendation.invalid"))
        counted.append(not reason)
        reasons.append(reason)
    rows["is_counted"] = pd.Series(counted, index=rows.index, dtype=bool)
    rows["reason"] = pd.Series(reasons, index=rows.index, dtype=object)
    valid = rows[rows["is_counted"]].sort_values(["city", "order", "row"], kind="stable")
    repeated = valid.duplicated(["city", "code"], keep="first")
    for record in valid[repeated].itertuples():
        rows.loc[record.Index, ["is_counted", "reason"]] = [False, "同一县重复推荐，按第一次推荐计"]
    valid = valid[~repeated]
    place = valid.groupby("city", sort=False).cumcount() + 1
    rows["place"] = place.reindex(rows.index).astype("Int64")
    quota = rows["city"].map(quotas)
    rows["is_admitted"] = rows["is_counted"] & (rows["place"] <= quota).fillna(False).astype(bool)
    rows["is_admitted"] = rows["is_admitted"].astype(bool)
    rows["is_over_quota"] = rows["is_counted"] & ~rows["is_admitted"]
    rows.loc[rows["is_admitted"], "reason"] = "名额内，获推荐"
    rows["is_over_quota"] = rows["is_over_quota"].astype(bool)
    rows.loc[rows["is_over_quota"], "reason"] = [
        f"超出{c}推荐名额（{quotas[c]}个）" for c in rows.loc[rows["is_over_quota"], "city"]]
    return rows, problems


def quota_table(judged: pd.DataFrame, divisions: Divisions, recommendation: Recommendation) -> pd.DataFrame:
    """Per city: divisions, quota, recommended (valid), admitted, over quota, invalid rows."""
    table = city_quotas(divisions, recommendation.quota_share)
    by_city = judged.groupby("city")
    table["recommended"] = table["city"].map(by_city["is_counted"].sum()).fillna(0).astype(int)
    table["admitted"] = table["city"].map(by_city["is_admitted"].sum()).fillna(0).astype(int)
    table["over_quota"] = table["city"].map(by_city["is_over_quota"].sum()).fillna(0).astype(int)
    invalid = judged[~judged["is_counted"] & judged["city"].notna()].groupby("city").size()
    table["invalid"] = table["city"].map(invalid).fillna(0).astype(int)
    return table
