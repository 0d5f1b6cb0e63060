"""The report's sections (landassess.publish.report), read directly on the hand-worked golden year.

Every expected value comes from tests/golden/2025/WORKED.md (worked out by hand from the notice)
or from the vocabulary and parameters, never from a run of the program:

- ranking (WORKED 6): 1 昆山 92.50, 2 海安 92.50, 3 江阴 88.13, 4 兴化 88.13, 5 丰县 86.40,
  6 江宁 84.33, 6 溧水 84.33, 8 泗洪 84.00, 9 沭阳 75.50; 海安 取消资格 (WORKED 9), 江宁 and
  溧水 并列待定 (WORKED 7);
- vetoes (WORKED 2.3): 沛县 and 东台 area, 邳州 and 海陵 ratio, 常熟 媒体披露 and 重点管理县;
  veto_events lines 2, 5, 6, 7 not counted (WORKED 2.2);
- quotas (WORKED 3): ⌊0.4 n⌋ per city, 宿迁 one over quota;
- bonus (WORKED 11): lines 4, 6, 7, 8 not counted; no cap;
- draw (WORKED 8): 丰县 and 海安 drawn.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from landassess.assessment import Assessment, run_assessment
from landassess.params import deep_merge, params_as_dict, validate_params
from landassess.publish import report
from landassess.publish.report.assumptions import assumption_items
from landassess.vocabulary import VETOES

GOLDEN = Path(__file__).parent / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"

# WORKED.md section 1: the 17 declared divisions.
DECLARED = ["320115", "320117", "320281", "320321", "320322", "320382", "320481", "320581", "320583",
            "320682", "320685", "320981", "321183", "321281", "321322", "321323", "321324"]
# WORKED.md section 6: (rank, name, rounded total), in rank order.
RANKED = [(1, "昆山市", "92.50"), (2, "海安市", "92.50"), (3, "江阴市", "88.13"), (4, "兴化市", "88.13"),
          (5, "丰县", "86.40"), (6, "江宁区", "84.33"), (6, "溧水区", "84.33"), (8, "泗洪县", "84.00"),
          (9, "沭阳县", "75.50")]
# WORKED.md section 2.3: every division with a counted veto (海陵区 did not declare but is listed).
VETOED = {("320322", "cultivated_area"), ("320382", "cultivated_ratio"), ("320581", "media_exposure"),
          ("320581", "key_management_county"), ("320981", "cultivated_area"), ("321202", "cultivated_ratio")}
# The default rubric (SPEC 3.3), written out by hand.
RUBRIC_MAX = {"C01": "5", "C02": "5", "C03": "8", "C04": "6", "C05": "6", "C06": "8", "C07": "9", "C08": "8",
              "C09": "15", "C10": "10", "C11": "10", "C12": "6", "C13": "4"}

HEADINGS = {
    "overview": "一、概览", "ranking": "二、公示名单与排名", "vetoes": "三、一票否决", "quotas": "四、推荐名额",
    "scoring": "五、评分", "bonus": "六、加分", "verification": "七、实地查验与异议", "problems": "八、数据问题",
    "ledgers": "九、逐县说明", "assumptions": "十、假设与口径", "provenance": "十一、溯源",
}
SECTIONS = {
    "overview": report.overview, "ranking": report.ranking_table, "vetoes": report.vetoes_section,
    "quotas": report.quotas_section, "scoring": report.scoring_section, "bonus": report.bonus_section,
    "verification": report.verification_section, "problems": report.problems_section,
    "ledgers": report.ledgers, "assumptions": report.assumptions_section, "provenance": report.provenance_section,
}


class _Tables(HTMLParser):
    """Every ``<table>`` of a fragment as rows of cell texts (the header row first)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(fragment) -> list[list[dict[str, str]]]:
    """The fragment's tables as lists of {header: cell} rows."""
    return [[dict(zip(t[0], row, strict=True)) for row in t[1:]] for t in _Tables(str(fragment)).tables if t]


def text(fragment) -> str:
    """The words a reader sees (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(fragment)))


@pytest.fixture(scope="module")
def golden() -> Assessment:
    return run_assessment(2025, GOLDEN / "input", PARAMS, as_of="2026-03-01")


def with_params(a: Assessment, **overrides) -> Assessment:
    """``a`` with some parameters changed (the sections below read only ``a.params`` from them)."""
    params = validate_params(deep_merge(params_as_dict(a.params), overrides))
    return dataclasses.replace(a, params=params)


@pytest.mark.parametrize("anchor", list(SECTIONS), ids=list(SECTIONS))
def test_each_section_renders_with_its_chinese_heading(golden, anchor):
    markup = str(SECTIONS[anchor](golden))
    assert f'<section id="{anchor}"><h2>{HEADINGS[anchor]}</h2>' in markup


def test_overview_counts_follow_the_worked_year(golden):
    cards = dict((label, int(n)) for n, label in re.findall(
        r'<div class="la-num">(\d+)</div><div class="la-label">([^<]+)</div>', str(report.overview(golden))))
    # 95 divisions (17 declared + 78 not, WORKED 1); admitted: 2+1+2+1+2+2+1+1+2 by city (WORKED 3);
    # vetoed and declared: 沛县, 邳州, 常熟, 东台 (WORKED 2.3); titles per WORKED 7 and 9.
    assert cards["县级单位"] == 95 and cards["申报"] == 17 and cards["获推荐（名额内）"] == 14
    assert cards["一票否决"] == 4 and cards["进入排名"] == 9
    assert (cards["模范"], cards["先进"], cards["并列待定"], cards["取消资格"]) == (2, 2, 2, 1)
    words = text(report.overview(golden))
    assert "模范（2）：昆山市（苏州市）、江阴市（无锡市）" in words
    assert "先进（2）：兴化市（泰州市）、丰县（徐州市）" in words


def test_ranking_table_lists_every_ranked_county_in_rank_order(golden):
    rows = tables(report.ranking_table(golden))[0]
    assert [(int(r["名次"]), r["县（市、区）"], r["总分"]) for r in rows] == RANKED
    shown = {r["县（市、区）"]: r["拟评定"] for r in rows}
    assert shown["昆山市"] == "模范" and shown["江阴市"] == "模范" and shown["兴化市"] == "先进"
    assert shown["海安市"] == "取消资格"  # never 模范: it lost the title (SPEC 7.3)
    assert shown["江宁区"].startswith("并列待定") and shown["溧水区"].startswith("并列待定")
    assert shown["泗洪县"] == "" and shown["沭阳县"] == ""
    assert "第1—3名为模范，第4—6名为先进" in text(report.ranking_table(golden))  # quotas 3 / 3


def test_vetoes_section_cites_each_vetos_clause_from_the_vocabulary(golden):
    clauses, vetoed, not_counted, _land = tables(report.vetoes_section(golden))
    assert [(r["类型"], r["条款"], r["本年度执行"]) for r in clauses] == [
        (v.short_zh, v.clause, "是") for v in VETOES.values() if v.is_event]  # the year's clauses (SPEC 8.7)
    assert {(r["县级代码"], r["否决情形"], r["条款"]) for r in vetoed} == {
        (code, VETOES[v].long_zh, VETOES[v].clause) for code, v in VETOED}
    status = {r["县级代码"]: r["状态"] for r in vetoed}
    assert status["321202"] == "未申报" and {status[c] for c in ("320322", "320382", "320581", "320981")} == {"一票否决"}
    assert sorted(r["县级代码"] for r in not_counted) == ["320321", "320583", "321322", "321324"]


def test_quotas_section_applies_the_city_share(golden):
    quotas, _detail = tables(report.quotas_section(golden))
    by_city = {r["设区市"]: r for r in quotas}
    # WORKED 3: quota = ⌊0.4 × divisions⌋.
    for city, n, quota in [("南京市", 11, 4), ("无锡市", 7, 2), ("徐州市", 10, 4), ("常州市", 6, 2), ("苏州市", 9, 3),
                           ("南通市", 7, 2), ("盐城市", 9, 3), ("泰州市", 6, 2), ("宿迁市", 5, 2), ("镇江市", 6, 2)]:
        assert (int(by_city[city]["县级单位数"]), int(by_city[city]["推荐名额"])) == (n, quota), city
    assert int(by_city["宿迁市"]["超出推荐名额"]) == 1
    assert "不超过所辖县（市、区）的 40%" in text(report.quotas_section(golden))


def test_scoring_section_shows_the_rubric_and_its_maxima(golden):
    found = tables(report.scoring_section(golden))  # some tables may be empty notes: find them by header
    names = {c.id: c.name for c in golden.params.rubric.criteria}  # a 处长 reads the criterion, not its id
    averages = next(t for t in found if t and "县（市、区）" in t[0] and f"C01 {names['C01']}（满分5）" in t[0])
    rubric = next(t for t in found if t and {"维度", "指标", "满分"} <= set(t[0]))
    assert {r["指标"]: r["满分"] for r in rubric} == RUBRIC_MAX
    assert list(averages[0])[1:] == [f"{c} {names[c]}（满分{m}）" for c, m in RUBRIC_MAX.items()]
    names = [r["县（市、区）"] for r in averages]
    # The ranked units by position (the tied pair 江宁/溧水 in either order), then the scored units
    # that are not ranked, by code: 溧阳 (no C05) and 如皋 (no land row), WORKED 4.
    assert names[:5] == [name for _, name, _ in RANKED[:5]] and set(names[5:7]) == {"江宁区", "溧水区"}
    assert names[7:] == ["泗洪县", "沭阳县", "溧阳市", "如皋市"]
    assert "基础得分 = 13 项之和" in text(report.scoring_section(golden))


def test_bonus_section_counts_and_refuses_documents(golden):
    rows = tables(report.bonus_section(golden))[0]
    counted = sorted((r["县级代码"], r["加分"]) for r in rows if r["是否计入"] == "计入")
    assert counted == [("320281", "0.5"), ("320583", "0.5"), ("320685", "1")]  # 省级 0.5, 国家级 1
    assert sorted(r["县级代码"] for r in rows if r["是否计入"] == "不计") == ["320583", "320583", "321281", "321324"]
    assert "加分上限：不设（方案未规定）" in text(report.bonus_section(golden))


def test_verification_section_shows_the_draw(golden):
    draw, outcomes = tables(report.verification_section(golden))
    assert sorted(r["县级代码"] for r in draw if r["是否抽中"] == "抽中") == ["320321", "320685"]
    hashes = {r["县级代码"]: r["sha256(种子:代码)"] for r in draw}
    assert hashes["320321"] == "06e6fe8b07d75c21ded14988eea6f4ea09261f44929117c615c4960e256e7ca6"  # WORKED 8
    assert {r["县级代码"]: r["结论"] for r in outcomes}["320685"].startswith("取消资格")
    assert "printf '%s' 'golden-2025:" in text(report.verification_section(golden))


def test_problems_section_locates_the_incomplete_counties(golden):
    problems, flags = tables(report.problems_section(golden))
    errors = {r["县级代码"] for r in problems if r["级别"] == "错误"}
    assert {"320682", "320481"} <= errors  # 如皋 no land row, 溧阳 no C05 (WORKED 4)
    assert [r["县级代码"] for r in flags] == ["320583"]  # 昆山 declared 10 亩 < 12 亩 (WORKED 1)


def test_ledgers_hold_one_entry_per_declared_county(golden):
    assert re.findall(r'id="county-(\d{6})"', str(report.ledgers(golden))) == DECLARED


@pytest.mark.parametrize("decimals, words, not_words", [
    pytest.param(1, "1 位小数", "两位小数", id="one-decimal"),
    pytest.param(2, "两位小数", "2 位小数", id="two-decimals"),
    pytest.param(3, "3 位小数", "两位小数", id="three-decimals"),
])
def test_assumptions_and_notes_follow_the_decimals_parameter(golden, decimals, words, not_words):
    a = with_params(golden, scoring={"score_decimals": decimals})
    for section in (report.assumptions_section, report.ranking_table, report.scoring_section):
        shown = text(section(a))
        assert words in shown and not_words not in shown, section.__name__
    assert any(f"排名用{words}四舍五入后的总分" in item for item in assumption_items(a.params))


def test_assumptions_name_the_rubric_size_and_every_parameter_source(golden):
    shown = text(report.assumptions_section(golden))
    assert "13项指标" in shown
    groups = [r["参数组"] for r in tables(report.assumptions_section(golden))[0]]
    # The groups in words for a 处长, not the parameter file's keys.
    assert {"一票否决", "加分", "推荐名额", "称号名额与分数线", "评分方法", "评估指标（评估细则）", "实地查验抽取"} <= set(groups)
    assert not {"vetoes", "bonus", "recommendation", "tiers", "scoring", "rubric", "spot_check"} & set(groups)


def test_report_text_names_units_and_statuses_in_chinese(golden):
    """No status code in brackets, tie explanations name counties, the detail in the quota table's city order."""
    from landassess.vocabulary import STATUSES

    ledgers = text(report.ledgers(golden))
    ranking = text(report.ranking_table(golden))
    for status in STATUSES:
        assert f"（{status}）" not in ledgers and f"（{status}）" not in ranking, status
    # WORKED 6: 昆山 and 海安 share 92.50, 江宁 and 溧水 stay tied at 84.33.
    assert "与 海安市 总分相同" in ranking and "与 溧水区 仍并列" in ranking
    assert "320685 总分相同" not in ranking and "320685 总分相同" not in ledgers
    quotas, detail = tables(report.quotas_section(golden))
    order = [r["设区市"] for r in quotas]
    cities = [r["设区市"] for r in detail]
    assert cities == sorted(cities, key=order.index)


def test_changes_section_lists_what_changed_against_a_finalised_version(golden, tmp_path):
    assert str(report.changes_section(golden, "", "")) == ""
    previous = (GOLDEN / "expected_results.csv").read_text(encoding="utf-8")
    # Pretend the finalised v1 had 丰县 as 模范: status and tier change back to 先进, its rank stays 5.
    previous = previous.replace("320321,丰县,徐州市,advanced,,86.40,0.00,86.40,5,advanced,true",
                                "320321,丰县,徐州市,model,,86.40,0.00,86.40,5,model,true")
    (tmp_path / "results.csv").write_text(previous, encoding="utf-8")
    rows = tables(report.changes_section(golden, str(tmp_path / "results.csv"), "v1"))[0]
    assert [(r["县级代码"], r["项目"], r["原结果（v1）"], r["本次结果"]) for r in rows] == [
        ("320321", "状态", "模范", "先进"), ("320321", "拟评定称号", "模范", "先进")]
