"""Robustness that says what it varied (issue 20): the variants by kind, and no 稳定入选 for a county
that cannot hold a title (取消资格, 一票否决, …).

The labels of the small frames below are worked by hand from the rule in ``robustness``'s docstring.
The golden year's statuses are those of ``tests/golden/2025/WORKED.md`` (sections 2–4, 9, 10); its
variant counts follow from the parameters passed: 10 weight runs, 3 evaluators (评委甲/乙/丙), and one
other way of averaging, since ``params.yaml`` sets no trimming (plain means are the official way).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from landassess.assessment import run_assessment
from landassess.workbench import robustness, whatif
from landassess.workbench.tables import robustness_html

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "2025"


def _rows(html: str) -> list[list[str]]:
    """The body rows of an HTML table, each as its cells' text."""
    body = html.split("<tbody>", 1)[1]
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)]


def _counties(rows):
    return pd.DataFrame(rows, columns=["code", "name", "status", "is_declared", "position"])


def test_labels_of_a_hand_worked_case():
    counties = _counties([
        ("A", "甲县", "model", True, 1),
        ("B", "乙县", "disqualified", True, 2),  # keeps its place (nobody moves up) but can hold no title
        ("C", "丙县", "advanced", True, 3),
        ("D", "丁县", "not_selected", True, 4),
        ("E", "戊县", "not_selected", True, 5),
        ("F", "己县", "vetoed", True, None),
        ("G", "庚县", "not_declared", False, None),
    ])
    # B is in every variant's set, as if the rules had titled it: it still takes no part.
    variants = {"v1": frozenset({"A", "B", "C"}), "v2": frozenset({"A", "B", "D"}), "v3": frozenset({"A", "B", "C"})}
    table = robustness.label_counties(counties, variants).set_index("code")
    assert list(table.index) == ["A", "B", "C", "D", "E", "F"]  # declared only, ranked first by position
    assert table.loc["A", ["titled_in", "label_zh"]].tolist() == [3, "稳定入选"]
    assert table.loc["B", ["titled_in", "label_zh", "titled_in_zh"]].tolist() == [0, "不参与（取消资格）", "—"]
    assert table.loc["C", ["titled_in", "label_zh", "differs_in"]].tolist() == [2, "边缘", "v2"]
    assert table.loc["D", ["titled_in", "label_zh", "differs_in"]].tolist() == [1, "边缘", "v2"]
    assert table.loc["E", ["titled_in", "label_zh"]].tolist() == [0, "稳定落选"]
    assert table.loc["F", "label_zh"] == "不参与（一票否决）"
    assert table.loc["A", "titled_in_zh"] == "在 3 个变体中的 3 个入选"
    assert set(table["variants"]) == {3}


def test_a_disqualified_or_unranked_county_is_never_titled():
    class Result:
        counties = _counties([("A", "甲县", "model", True, 1), ("B", "乙县", "disqualified", True, 2),
                              ("C", "丙县", "tie_pending", True, 3), ("D", "丁县", "not_selected", True, 5),
                              ("E", "戊县", "over_quota", True, None)])

    assert robustness.titled(Result()) == {"A", "C"}


def test_summary_counts_each_kind():
    variants = robustness.Variants(
        weights={f"权重扰动{i}": frozenset() for i in range(1, 51)},
        without={f"去掉评委{x}": frozenset() for x in "ABCDE"},
        averaging={"去掉最高分和最低分后平均": frozenset()}, spread=Decimal("0.1"))
    assert variants.summary() == ("共 56 个变体：维度权重扰动 50 次（各维度权重在正式权重的 ±10% 内随机取值）、"
                                  "去掉一位评委 5 个（每次去掉一位评委的全部评分）、改变平均方式 1 个（去掉最高分和最低分后平均）。")


@pytest.fixture(scope="module")
def golden():
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml")
    base = whatif.prepare(a)
    return base, robustness.run_variants(base, runs=10)


def test_golden_year_variant_counts(golden):
    base, variants = golden
    assert len(variants.weights) == 10
    assert list(variants.without) == ["去掉评委甲", "去掉评委乙", "去掉评委丙"]
    assert list(variants.averaging) == ["去掉最高分和最低分后平均"]  # no trimming officially: plain means not repeated
    assert variants.summary().startswith("共 14 个变体：维度权重扰动 10 次")
    assert "去掉一位评委 3 个" in variants.summary() and "改变平均方式 1 个" in variants.summary()


def test_golden_year_disqualified_and_vetoed_take_no_part(golden):
    base, variants = golden
    assert all("320685" not in found for found in variants.titled.values())  # 海安 取消资格 (WORKED.md 9)
    table = robustness.label_counties(base.official.counties, variants.titled).set_index("code")
    assert table.at["320685", "label_zh"] == "不参与（取消资格）"
    for code in ("320322", "320382", "320581", "320981"):  # 沛县, 邳州, 常熟, 东台 vetoed (WORKED.md 2.3)
        assert table.at[code, "label_zh"] == "不参与（一票否决）"
    for code in ("320682", "320481"):  # 如皋, 溧阳 材料不全 (WORKED.md 4)
        assert table.at[code, "label_zh"] == "不参与（材料不全）"
    assert table.at["321183", "label_zh"] == "不参与（未获推荐）"
    assert table.at["321323", "label_zh"] == "不参与（超出推荐名额）"
    # The 8 ranked units that can hold a title (WORKED.md 6–7, 海安 aside) are the ones labelled.
    taking_part = table[table["label"] != "not-eligible"]
    assert set(taking_part.index) == {"320583", "320281", "321281", "320321", "320115", "320117", "321324", "321322"}
    assert (taking_part["variants"] == 14).all()
    html = robustness_html(variants, table.reset_index())
    assert "共 14 个变体" in html and "在 14 个变体中的" in html
    rows = {cells[0]: cells[1:4] for cells in _rows(html)}
    assert rows["海安市"] == ["取消资格", "—", "不参与（取消资格）"]
    assert rows["沛县"] == ["一票否决", "—", "不参与（一票否决）"]


def test_official_trimming_is_not_repeated_as_a_variant(tmp_path):
    # With 去掉最高分和最低分 (count 1 of at least 3) official, the other way is plain means.
    override = tmp_path / "trim.yaml"
    override.write_text("scoring:\n  trim:\n    count: 1\n    min_evaluators: 3\n", encoding="utf-8")
    a = run_assessment(2025, GOLDEN / "input", (GOLDEN / "params.yaml", override))
    assert list(robustness.averaging_variants(whatif.prepare(a))) == ["算术平均（不去极值）"]
