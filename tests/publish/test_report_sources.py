"""The report a 处长 signs (issue 19): sources cited in the sender's own cell, parameters in words, no broken codes.

Expected values are written by hand: the citations from tiny frames shaped like ``collect``'s
output (``source_file``, ``source_sheet``, ``source_row``, ``source_cells``); the parameter
sources from tests/golden/2025/params.yaml (it sets ``spot_check.seed``/``count`` and the two
``tiers.*.quota``, nothing else) and params/base.yaml; the demo cells from the workbooks in
demo/returned/2024 as opened by hand (玄武区 320102: sheet 申报, header in row 3, 申报日期 in column
D, the county's row 4; 六合区 320116: sheet 否决事项, 类型 in column A, its one event in row 4) and
the flat tables demo/2024/declarations.csv (320102 on line 3) and veto_events.csv (320116 on line 3).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from landassess.assessment import run_assessment
from landassess.cli import main
from landassess.params import value_sources
from landassess.params.labels import PARAMETER_ZH
from landassess.publish import report
from landassess.publish.report.citations import cite, row_citation
from landassess.publish.report.markup import HTMLFragment, _table, keep_tokens_whole
from landassess.publish.report.parameters import _leaves

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "2025"
DEMO = ROOT / "demo"
COUNTY_FORM = "县级申报材料/{code}-{name}-申报材料.xlsx"


# ----------------------------------------------------------------------------- citations


# Two rows of a declarations table: line 2 collected from 溧水区's workbook (row 5 of its sheet
# 申报, 申报日期 in column D), line 3 typed by the department (no source).
ROWS = pd.DataFrame({
    "file": ["declarations.csv", "declarations.csv"], "row": [2, 3], "sheet": ["", ""],
    "source_file": ["县级申报材料/320117-溧水区-申报材料.xlsx", ""], "source_sheet": ["申报", ""],
    "source_row": ["5", ""], "source_cells": ["code=A;name=B;city=C;declared_on=D", ""],
})


def _source(i: int) -> dict[str, str] | None:
    record = ROWS.iloc[i][["source_file", "source_sheet", "source_row", "source_cells"]].to_dict()
    return record if record["source_file"] else None


@pytest.mark.parametrize("index, column, expected", [
    pytest.param(0, "declared_on", "县级申报材料/320117-溧水区-申报材料.xlsx 申报!D5", id="collected-cell"),
    pytest.param(0, "contact", "县级申报材料/320117-溧水区-申报材料.xlsx 申报 第5行", id="collected-no-such-column"),
    pytest.param(0, "", "县级申报材料/320117-溧水区-申报材料.xlsx 申报 第5行", id="collected-row"),
    pytest.param(1, "declared_on", "declarations.csv 第3行", id="typed-line"),
])
def test_a_row_is_cited_where_it_was_written(index, column, expected):
    row = ROWS.iloc[index]
    assert row_citation(row["file"], row["row"], sheet=row["sheet"], source=_source(index), column=column) == expected


def test_a_typed_workbook_row_names_its_sheet_and_a_missing_row_only_the_file():
    assert row_citation("scores.xlsx", 7, sheet="评分") == "scores.xlsx［评分］ 第7行"  # as the validation report writes it
    assert row_citation("land_stats.csv", None) == "land_stats.csv"


# ----------------------------------------------------------------------------- parameter sources


def test_each_value_is_sourced_to_the_last_file_that_sets_it():
    base = {"tiers": {"model": {"quota": 10, "min_total": None}, "source": "三"}, "spot_check": {"seed": None}}
    year = {"tiers": {"model": {"quota": 3}}}
    sources = value_sources([("base", base), ("year", year)])
    assert sources["tiers.model.quota"] == "year"
    assert sources["tiers.model.min_total"] == "base" and sources["tiers.source"] == "base"
    assert sources["spot_check.seed"] == "base" and "spot_check.count" not in sources


def test_every_parameter_has_a_chinese_name():
    from landassess.params import load_params, params_as_dict

    assert set(_leaves(params_as_dict(load_params(2025)))) == set(PARAMETER_ZH)


@pytest.fixture(scope="module")
def golden():
    return run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of="2026-03-01")


def _rows(markup: str) -> list[list[str]]:
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", markup, re.S)]


def test_the_report_shows_the_parameters_as_a_table_with_their_files(golden):
    section = str(report.provenance_section(golden, run_time="2026-03-01T09:00:00+08:00"))
    assert "<pre" not in section and "生效参数" not in section and "seed:" not in section
    rows = _rows(section)
    # Set in tests/golden/2025/params.yaml:
    assert ["模范名额", "3", "2025/params.yaml", "tiers.model.quota"] in rows
    assert ["公开随机种子", "golden-2025", "2025/params.yaml", "spot_check.seed"] in rows
    # Not set there: params/base.yaml's values (quota share 0.4, no minimum total, no cap).
    assert ["推荐名额占所辖县级单位的比例", "0.4（40%）", "软件默认参数", "recommendation.quota_share"] in rows
    assert ["先进最低总分", "不设（只按名次）", "软件默认参数", "tiers.advanced.min_total"] in rows
    assert ["加分上限", "不设（方案未规定）", "软件默认参数", "bonus.cap"] in rows
    # In no file at all: the model's default (an empty list of evaluators).
    assert ["评委名单（评分表与名单中的顺序）", "未列出（按评分表中首次出现的顺序）", "软件内置默认值（参数文件未写）",
            "evaluators"] in rows
    # Each group with its 依据 from params/base.yaml.
    assert ["称号名额与分数线　依据：三、年度评选模范、先进各不超过10个；最低分数线为假设（默认不设）"] in rows
    assert "完整参数见 manifest.json 的 parameters" in section


def test_a_parameter_file_changed_after_the_run_is_not_guessed(golden, tmp_path):
    import dataclasses

    copy = tmp_path / "params.yaml"
    shutil.copy(GOLDEN / "params.yaml", copy)
    moved = dataclasses.replace(golden, params_files=(golden.params_files[0], copy))
    entries = [{"file": "landassess:params/base.yaml", "sha256": "0" * 64}, {"file": str(copy), "sha256": "0" * 64}]
    from landassess.publish.report.parameters import UNKNOWN, parameters_table

    assert all(row[2] == UNKNOWN for row in _rows(parameters_table(moved, entries))[1:] if len(row) == 4)


# ----------------------------------------------------------------------------- no breaks inside codes


def test_codes_and_clauses_in_the_veto_table_are_kept_on_one_line(golden):
    section = str(report.vetoes_section(golden))
    # WORKED 2.3: 沛县 320322 area veto 七(一)2, 常熟 320581 重点管理县 七(一)3.
    for cell in ("320322", "七(一)2", "320581", "七(一)3", "一票否决"):
        assert f'<td class="la-nowrap">{cell}</td>' in section, cell
    assert '<th class="la-nowrap">县级代码</th>' in section


def test_long_cells_keep_dates_numbers_and_document_numbers_whole():
    frame = pd.DataFrame({"证据": ["重点管理县，2024-03-12；文号：苏自然资函〔2024〕901号；veto_events.csv 第2行；比例 18.3111%"]})
    cell = str(HTMLFragment(_table(frame)))
    for token in ("2024-03-12", "苏自然资函〔2024〕901号", "veto_events.csv", "第2行", "18.3111%"):
        assert f'<span class="la-nowrap">{token}</span>' in cell, token
    assert '<span class="la-nowrap">重点管理县' not in cell  # words still wrap


def test_phones_are_masked_before_the_numbers_are_kept_whole():
    cell = str(HTMLFragment("<table><tr><td>电话 138-1234-5678</td></tr></table>"))
    assert cell == '<table><tr><td>电话 <span class="la-nowrap">138****5678</span></td></tr></table>'


def test_preformatted_text_and_headings_are_left_alone():
    markup = "<h2>2024 年度</h2><pre>printf '%s' 'seed:320102'</pre><li>申报 2025-01-04</li>"
    assert keep_tokens_whole(markup) == (
        "<h2>2024 年度</h2><pre>printf '%s' 'seed:320102'</pre><li>申报 <span class=\"la-nowrap\">2025-01-04</span></li>")


# ----------------------------------------------------------------------------- the demo cycle


@pytest.fixture(scope="module")
def collected_demo(tmp_path_factory) -> Path:
    """demo/returned/2024 collected into a scratch copy of demo/collect-2024 (as ``make demo`` does)."""
    data = tmp_path_factory.mktemp("cycle") / "2024"
    shutil.copytree(DEMO / "collect-2024", data)
    assert main(["collect", "--year", "2024", "--from", str(DEMO / "returned" / "2024"), "--data", str(data)]) == 0
    return data


def test_collected_rows_cite_the_senders_workbook_cell(collected_demo):
    a = run_assessment(2024, collected_demo, None, as_of="2025-03-01")
    xuanwu = dict(report.county_ledger(a, "320102"))
    assert xuanwu["申报"].endswith(f"（{COUNTY_FORM.format(code='320102', name='玄武区')} 申报!D4）")
    luhe = COUNTY_FORM.format(code="320116", name="六合区")
    assert f"（{luhe} 否决事项!A4）" in dict(report.county_ledger(a, "320116"))["否决检查·事项"]
    vetoes = re.sub(r"<[^>]+>", "", str(report.vetoes_section(a)))
    assert f"{luhe} 否决事项!A4" in vetoes and "veto_events.csv 第" not in vetoes


def test_typed_rows_cite_the_table_file_and_line():
    a = run_assessment(2024, DEMO / "2024", None, as_of="2025-03-01")
    assert dict(report.county_ledger(a, "320102"))["申报"].endswith("（declarations.csv 第3行）")
    assert "veto_events.csv 第3行" in dict(report.county_ledger(a, "320116"))["否决检查·事项"]
    assert cite(a, a.land[a.land["code"] == "320102"].iloc[0]) == "land_stats.csv 第2行"  # its first data line
