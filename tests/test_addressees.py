"""Who receives what (SPEC 8.1): one planted problem per addressee reaches that addressee only.

The golden year (tests/golden/2025, WORKED.md) already has three recommendation problems (南京, 泰州,
宿迁), two department problems (如皋's land statistics, 溧阳's unscored C05) and several 提示. On a
copy, one problem of each kind is planted by hand; the expected addressee of each is read off the
rule (the one who can fix the cell; the department for 提示 and cross-table flags), not off the
program. Then every notice is opened and searched for what it must not hold.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from landassess.divisions import load_divisions
from landassess.problems import Problem
from landassess.publish.notices import (
    COUNTY_TABLES,
    DEPARTMENT,
    EVALUATOR,
    addressee_of,
    by_addressee,
    confidential_leaks,
)
from landassess.run.validation import validate_year
from landassess.vocabulary import ERROR, FATAL, NOTICE

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
AS_OF = dt.date(2026, 3, 1)
EVALUATORS = ("评委甲", "评委乙", "评委丙")
DEPARTMENT_TABLES = ("耕地数据", "land_stats", "查验", "verification", "回避", "recusals", "评审决定", "decisions")
CONTACT = re.compile(r"联系人|\d{3,4}-\d{8}")
"""The golden declarations' contact people (联系人甲 …) and phone numbers (025-00000001 …)."""


def _replace_line(path: Path, startswith: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [n for n, line in enumerate(lines) if line.startswith(startswith)]
    assert len(hits) == 1, (path.name, startswith)
    lines[hits[0]] = new + "\n"
    path.write_text("".join(lines), encoding="utf-8")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[Path, Path, str]:
    """The golden year with one problem per addressee planted; (data, notices folder, validate's text)."""
    root = tmp_path_factory.mktemp("planted")
    data = root / "input"
    shutil.copytree(GOLDEN / "input", data)
    # County 江宁区 (320115): an impossible declaration date in its own row.
    _replace_line(data / "declarations.csv", "320115,",
                  "320115,江宁区,南京市,2026年13月5日,3,60,亩,联系人甲,025-00000001")
    # City 无锡市: its recommendation order is not a number.
    _replace_line(data / "recommendations.csv", "无锡市,320281,", "无锡市,320281,一,2026-01-27")
    # Evaluator 评委乙: 99 for 昆山市 C01 (above any criterion's maximum).
    _replace_line(data / "scores.csv", "评委乙,320583,C01,", "评委乙,320583,C01,99")
    # The department's own table: 江阴市's land statistics unreadable.
    _replace_line(data / "land_stats.csv", "320281,", "320281,abc,125,亩,省厅卫片执法年度数据")
    # Cross-table: 评委丙 recused from 海安市 (a recused evaluator's score), written with a zero-width
    # space (a look-alike of the name in the score sheet); and a recusal of an evaluator who scored nothing.
    (data / "recusals.csv").write_text("评委,县级代码,理由\n评委\u200b丙,320685,曾在该县任职\n评委丁,320583,亲属\n",
                                       encoding="utf-8")
    notices = root / "notices"
    text, has_problems = validate_year(2025, data, PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems
    return data, notices, text


def _cells(path: Path) -> list[str]:
    workbook = load_workbook(path)
    return [str(c) for s in workbook.worksheets for row in s.iter_rows(values_only=True) for c in row if c is not None]


def _holding(notices: Path, value: str) -> list[str]:
    """The notices with a cell whose text is exactly ``value`` (the 发现的内容 column)."""
    return sorted(p.name for p in notices.glob("*.xlsx") if value in _cells(p))


def test_each_addressee_gets_exactly_one_notice(planted):
    _, notices, _ = planted
    assert sorted(p.name for p in notices.glob("*.xlsx")) == sorted([
        "320115-江宁区-补正通知.xlsx",           # the county's own declaration
        "无锡市-推荐名单-补正通知.xlsx", "南京市-推荐名单-补正通知.xlsx",  # the cities' lists
        "泰州市-推荐名单-补正通知.xlsx", "宿迁市-推荐名单-补正通知.xlsx",
        "评委-评委乙-评分表补正通知.xlsx",        # the evaluator's score sheet
        "省厅待核实事项.xlsx",                   # the department
    ])


@pytest.mark.parametrize(("value", "addressee"), [
    pytest.param("2026年13月5日", "320115-江宁区-补正通知.xlsx", id="county"),
    pytest.param("一", "无锡市-推荐名单-补正通知.xlsx", id="city"),
    pytest.param("99", "评委-评委乙-评分表补正通知.xlsx", id="evaluator"),
    pytest.param("abc", "省厅待核实事项.xlsx", id="department-table"),
])
def test_a_planted_problem_reaches_its_addressee_only(planted, value, addressee):
    _, notices, _ = planted
    assert _holding(notices, value) == [addressee]


def test_notices_and_cross_table_flags_stay_with_the_department(planted):
    _, notices, _ = planted
    department = _cells(notices / "省厅待核实事项.xlsx")
    assert "321281" in department  # 兴化市's late declaration (提示)
    assert "评委丙" in department  # the recused evaluator's scores for 海安市, not used
    assert "评委丁" in department  # a recusal naming nobody in the score sheet
    assert not (notices / "321281-兴化市-补正通知.xlsx").exists()
    assert not (notices / "320685-海安市-补正通知.xlsx").exists()
    assert not list(notices.glob("评委-评委丙*")) and not list(notices.glob("评委-评委丁*"))
    for path in notices.glob("*.xlsx"):
        if path.name != "省厅待核实事项.xlsx":
            assert "提示" not in _cells(path), path.name


def test_no_county_notice_names_an_evaluator_shows_a_score_or_cites_a_department_table(planted):
    _, notices, _ = planted
    for path in notices.glob("*-补正通知.xlsx"):
        if path.name.startswith("评委-"):
            continue
        text = "\n".join(_cells(path))
        assert not any(name in text for name in EVALUATORS + ("评委丁",)), path.name
        assert "评分" not in text and "scores" not in text, path.name
        assert not any(table in text for table in DEPARTMENT_TABLES), path.name
        assert not CONTACT.search(text), path.name


def test_an_evaluators_notice_shows_no_other_evaluator_and_no_contact_data(planted):
    _, notices, _ = planted
    text = "\n".join(_cells(notices / "评委-评委乙-评分表补正通知.xlsx"))
    assert "评委乙" in text
    assert "评委甲" not in text and "评委丙" not in text
    assert not CONTACT.search(text)
    assert not any(table in text for table in DEPARTMENT_TABLES)


def test_a_look_alike_name_does_not_undo_a_recusal(planted):
    """评委\\u200b丙 in the recusals table is 评委丙 (SPEC 8.0): the recusal applies, as when typed plainly."""
    from landassess.assessment import run_assessment

    data, _, _ = planted
    look_alike = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    (data / "recusals.csv").write_text("评委,县级代码,理由\n评委丙,320685,曾在该县任职\n评委丁,320583,亲属\n",
                                       encoding="utf-8")
    try:
        plain = run_assessment(2025, data, PARAMS, as_of=AS_OF)
    finally:
        (data / "recusals.csv").write_text(
            "评委,县级代码,理由\n评委\u200b丙,320685,曾在该县任职\n评委丁,320583,亲属\n", encoding="utf-8")
    assert look_alike.results().equals(plain.results())
    recused = [p for p in look_alike.problems if p.reason == "score.recused"]
    assert [(p.code, p.value) for p in recused] == [("320685", "评委丙")]
    unknown = [p for p in look_alike.problems if p.reason == "recusal.unknown_evaluator"]
    assert [(p.value, p.row) for p in unknown] == [("评委丁", 3)]  # said, located, never silent


def test_every_notice_prints_on_a4_with_its_title_rows_repeated_and_page_numbers(planted):
    """SPEC 8.4: a notice is printed and sent; its title, intro and header (rows 1–3) head every page."""
    _, notices, _ = planted
    for path in notices.glob("*.xlsx"):
        sheet = load_workbook(path).active
        assert str(sheet.page_setup.paperSize) == "9", path.name  # A4
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.fitToWidth) == 1, path.name
        assert sheet.print_title_rows == "$1:$3", path.name
        assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页", path.name


def test_the_validation_text_counts_notices_per_addressee(planted):
    _, _, text = planted
    assert "已生成 6 份补正通知" in text  # 1 county, 4 cities, 1 evaluator
    assert "省厅待核实事项" in text


# ----------------------------------------------------------------------------- the rule, on any problem

_TABLES = ["declarations", "veto_events", "bonus_events", "recommendations", "scores", "land_stats",
           "verification", "decisions", "recusals"]
DIVISIONS = load_divisions()


@st.composite
def problems(draw) -> Problem:
    return Problem(
        severity=draw(st.sampled_from([ERROR, NOTICE, FATAL])), table=draw(st.sampled_from(_TABLES)),
        message="x", code=draw(st.sampled_from(["", "320115", "999999", "320583"])),
        party=draw(st.sampled_from(["", "南京市", "评委甲", "评委乙"])))


@given(st.lists(problems(), max_size=30))
def test_every_problem_has_one_addressee_and_no_notice_holds_anothers_item(items):
    grouped = by_addressee(items, DIVISIONS)
    assert sum(len(g) for g in grouped.values()) == len(items)
    for addressee, group in grouped.items():
        assert confidential_leaks(addressee, group) == []
        for problem in group:
            if problem.severity != ERROR:
                assert addressee.kind == DEPARTMENT  # a 提示 never leaves the department
            if addressee.kind == EVALUATOR:
                assert problem.table == "scores" and problem.party == addressee.who
            if addressee.kind == "county":
                assert problem.table in COUNTY_TABLES and problem.code == addressee.who


def test_a_leak_is_caught_before_writing(tmp_path):
    """The last guard: a score problem put in a county's group is refused (a bug, never bad input)."""
    from landassess.publish.notices import Addressee

    score = Problem(ERROR, "scores", "得分超出范围", code="320115", party="评委甲", value="99")
    assert confidential_leaks(Addressee("county", "320115"), [score]) == [score]
    assert confidential_leaks(Addressee(EVALUATOR, "评委乙"), [score]) == [score]
    assert addressee_of(score, DIVISIONS) == Addressee(EVALUATOR, "评委甲")
