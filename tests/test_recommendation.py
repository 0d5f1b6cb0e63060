"""City recommendations and quotas 六(二): quota = floor(0.4 × n_city), order, invalid rows."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from landassess.divisions import city_quotas
from landassess.rules import recommendation

SUQIAN = "宿迁市"  # 5 divisions: 321302 宿城区, 321311 宿豫区, 321322 沭阳县, 321323 泗阳县, 321324 泗洪县
NANJING = "南京市"  # 11 divisions
SUQIAN_CODES = {"321302", "321311", "321322", "321323", "321324"}


@pytest.mark.parametrize(("city", "n", "quota"), [
    # quota = floor(0.4 × n): 0.4 × 11 = 4.4 → 4, 0.4 × 10 = 4.0 → 4, 0.4 × 5 = 2.0 → 2, …
    pytest.param("南京市", 11, 4, id="nanjing-11-4"),
    pytest.param("无锡市", 7, 2, id="wuxi-7-2"),
    pytest.param("徐州市", 10, 4, id="xuzhou-10-4"),
    pytest.param("常州市", 6, 2, id="changzhou-6-2"),
    pytest.param("苏州市", 9, 3, id="suzhou-9-3"),
    pytest.param("南通市", 7, 2, id="nantong-7-2"),
    pytest.param("连云港市", 6, 2, id="lianyungang-6-2"),
    pytest.param("淮安市", 7, 2, id="huaian-7-2"),
    pytest.param("盐城市", 9, 3, id="yancheng-9-3"),
    pytest.param("扬州市", 6, 2, id="yangzhou-6-2"),
    pytest.param("镇江市", 6, 2, id="zhenjiang-6-2"),
    pytest.param("泰州市", 6, 2, id="taizhou-6-2"),
    pytest.param("宿迁市", 5, 2, id="suqian-5-2"),
])
def test_city_quota(divisions, params, city, n, quota):
    table = city_quotas(divisions, params.recommendation.quota_share).set_index("city")
    assert table.at[city, "divisions"] == n
    assert table.at[city, "quota"] == quota


def test_quota_table_covers_13_cities_and_95_divisions(divisions):
    table = city_quotas(divisions, Decimal("0.4"))
    assert len(table) == 13
    assert table["divisions"].sum() == 95
    # Σ quotas = 4+2+4+2+3+2+2+2+3+2+2+2+2 = 32.
    assert table["quota"].sum() == 32


def test_quota_share_is_exact(divisions):
    # 0.5 × 5 = 2.5 → 2 (宿迁); 0.5 × 6 = 3 → 3 (镇江): floor, exactly.
    table = city_quotas(divisions, Decimal("0.5")).set_index("city")
    assert table.at["宿迁市", "quota"] == 2
    assert table.at["镇江市", "quota"] == 3


def _judge(recommendations_frame, rows, declared, divisions, params):
    judged, problems = recommendation.judge_recommendations(
        recommendations_frame(rows), set(declared), divisions, params.recommendation)
    admitted = set(judged.loc[judged["is_admitted"], "code"])
    over = set(judged.loc[judged["is_over_quota"], "code"])
    return judged, problems, admitted, over


def test_order_column_decides_not_file_order(recommendations_frame, divisions, params):
    # 宿迁 (quota 2) lists, in file order, order 3 → 泗阳, 1 → 泗洪, 2 → 沭阳.
    rows = [[SUQIAN, "321323", 3], [SUQIAN, "321324", 1], [SUQIAN, "321322", 2]]
    judged, problems, admitted, over = _judge(recommendations_frame, rows, SUQIAN_CODES, divisions, params)
    assert admitted == {"321324", "321322"}
    assert over == {"321323"}
    assert judged["place"].tolist() == [3, 1, 2]
    assert problems == []


def test_over_quota_in_a_big_city(recommendations_frame, divisions, params):
    # 南京 quota 4, five recommendations in order: the fifth is over quota.
    codes = ["320102", "320104", "320105", "320106", "320111"]
    rows = [[NANJING, c, i] for i, c in enumerate(codes, start=1)]
    _, _, admitted, over = _judge(recommendations_frame, rows, codes, divisions, params)
    assert admitted == set(codes[:4])
    assert over == {"320111"}


def test_another_citys_county_takes_no_place(recommendations_frame, divisions, params):
    # 宿迁 puts 南京's 玄武区 first: invalid, a problem, and it takes no quota place, so 沭阳 (2)
    # and 泗阳 (3) are admitted and only 泗洪 (4) is over quota.
    rows = [[SUQIAN, "320102", 1], [SUQIAN, "321322", 2], [SUQIAN, "321323", 3], [SUQIAN, "321324", 4]]
    judged, problems, admitted, over = _judge(
        recommendations_frame, rows, SUQIAN_CODES | {"320102"}, divisions, params)
    assert admitted == {"321322", "321323"}
    assert over == {"321324"}
    assert not judged.at[0, "is_counted"]
    assert [(p.code, p.affects_status) for p in problems] == [("320102", False)]
    assert "南京市" in problems[0].message


def test_undeclared_county_takes_no_place(recommendations_frame, divisions, params):
    # 宿城区 did not declare: its row is a problem and 沭阳, 泗阳 fill the two places.
    rows = [[SUQIAN, "321302", 1], [SUQIAN, "321322", 2], [SUQIAN, "321323", 3]]
    declared = {"321322", "321323"}
    judged, problems, admitted, over = _judge(recommendations_frame, rows, declared, divisions, params)
    assert admitted == {"321322", "321323"}
    assert over == set()
    assert [p.code for p in problems] == ["321302"]
    assert "未申报" in judged.at[0, "reason"]


def test_county_recommended_twice_keeps_its_first_place(recommendations_frame, divisions, params):
    rows = [[SUQIAN, "321322", 1], [SUQIAN, "321322", 2], [SUQIAN, "321323", 3]]
    judged, _, admitted, over = _judge(recommendations_frame, rows, SUQIAN_CODES, divisions, params)
    # The repeat takes no place, so 泗阳 (order 3) is the second admitted unit.
    assert admitted == {"321322", "321323"}
    assert over == set()
    assert judged["is_counted"].tolist() == [True, False, True]


def test_cities_are_independent(recommendations_frame, divisions, params):
    # 宿迁 over its quota does not affect 南京.
    rows = [[SUQIAN, "321322", 1], [SUQIAN, "321323", 2], [SUQIAN, "321324", 3], [NANJING, "320102", 1]]
    _, _, admitted, over = _judge(recommendations_frame, rows, SUQIAN_CODES | {"320102"}, divisions, params)
    assert admitted == {"321322", "321323", "320102"}
    assert over == {"321324"}


def test_quota_table(recommendations_frame, divisions, params):
    rows = [[SUQIAN, "320102", 1], [SUQIAN, "321322", 2], [SUQIAN, "321323", 3], [SUQIAN, "321324", 4]]
    judged, _, _, _ = _judge(recommendations_frame, rows, SUQIAN_CODES | {"320102"}, divisions, params)
    table = recommendation.quota_table(judged, divisions, params.recommendation).set_index("city")
    assert table.loc[SUQIAN, ["quota", "recommended", "admitted", "over_quota", "invalid"]].tolist() == [
        2, 3, 2, 1, 1]
    assert table.loc[NANJING, ["recommended", "admitted", "invalid"]].tolist() == [0, 0, 0]


def test_statuses_through_a_year(assess_tables, full_scores, declaration, status_of):
    # 宿迁 (quota 2): order 1 → 南京's 玄武区 (invalid), 2 → 沭阳, 3 → 泗阳, 4 → 泗洪 (over quota).
    # 宿豫区 declared but is not recommended. 玄武区 is recommended only by the wrong city.
    codes = ["321311", "321322", "321323", "321324"]
    tables = {
        "declarations": [declaration("320102", "玄武区", NANJING),
                         declaration("321311", "宿豫区", SUQIAN), declaration("321322", "沭阳县", SUQIAN),
                         declaration("321323", "泗阳县", SUQIAN), declaration("321324", "泗洪县", SUQIAN)],
        "recommendations": [[SUQIAN, "320102", 1, ""], [SUQIAN, "321322", 2, ""], [SUQIAN, "321323", 3, ""],
                            [SUQIAN, "321324", 4, ""]],
        "land_stats": [[c, "1", "50", "", ""] for c in ["320102", *codes]],
        "veto_events": [["321322", "约谈问责", "2024-06-01", "省", "是"]],
        "bonus_events": [["321322", "通报表扬", "市级", "宿〔2025〕1号", "2025-03-01"]],
        "scores": [row for c in ["320102", *codes] for row in full_scores(c)],
    }
    statuses = status_of(assess_tables(tables))
    assert statuses["320102"] == "not_recommended"  # not "incomplete": the bad row is the city's
    assert statuses["321311"] == "not_recommended"
    assert statuses["321322"] == "model"
    assert statuses["321323"] == "model"
    assert statuses["321324"] == "over_quota"


def test_no_recommendations_admit_nobody(divisions, params):
    # Regression: an empty table raised KeyError 'city'. (Intake now refuses a header-only
    # recommendations file as fatal, so this is reached only by direct calls.)
    empty = pd.DataFrame(columns=["file", "sheet", "row", "is_valid", "code", "city", "order",
                                  "recommended_on"])
    judged, problems = recommendation.judge_recommendations(empty, {"320102"}, divisions, params.recommendation)
    assert problems == []
    assert not judged["is_admitted"].any()
