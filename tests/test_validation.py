"""``landassess.run.validation``: every input problem of a year, located, and the 补正通知 per county.

Expectations come from the golden year's hand working (``tests/golden/2025/WORKED.md``): five
problems, each naming one county — recommendations line 3 (南京市 recommends 321183 句容市 of
镇江市), line 15 (泰州市 recommends 321202 海陵区, which never declared), line 16 (宿迁市's third
recommendation 321323 泗阳县 beyond its quota of floor(0.4 × 5) = 2, section 3), 320682 如皋市
without a land_stats row and 320481 溧阳市 without any C05 score (section 4); only the last two make
their county 材料不全. Section 11 lists the first four; the over-quota row is the fifth planted
problem, as in ``test_golden.py`` and ``test_cli.py``.
"""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from landassess.cli import EXIT_INPUT, exit_code_for
from landassess.errors import InputError
from landassess.run.ownership import OwnershipError
from landassess.run.validation import validate_year

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
AS_OF = dt.date(2026, 3, 1)

COUNTIES_WITH_ERRORS = {"320481": "溧阳市", "320682": "如皋市", "321183": "句容市", "321202": "海陵区",
                        "321323": "泗阳县"}
"""WORKED.md sections 3, 4 and 11: the five problems, one county each."""
NOTICES = ["南京市-推荐名单-补正通知.xlsx", "宿迁市-推荐名单-补正通知.xlsx", "泰州市-推荐名单-补正通知.xlsx",
           "省厅待核实事项.xlsx"]
"""SPEC 8.1: the three recommendation problems are their cities' to correct (南京 recommended 镇江's
句容市, 泰州 recommended 海陵区 that did not declare, 宿迁 went over quota). 溧阳's missing C05 (no
evaluator scored it) and 如皋's missing land statistics (the department's own table) are the
department's, with every 提示: no county receives a notice in the golden year."""


@pytest.fixture
def golden_copy(tmp_path) -> Path:
    data = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", data)
    return data


@pytest.fixture
def clean_year(golden_copy) -> Path:
    """The golden year with its five problems corrected by hand."""
    recommendations = golden_copy / "recommendations.csv"
    lines = recommendations.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("南京市,321183,") and lines[14].startswith("泰州市,321202,")
    assert lines[15].startswith("宿迁市,321323,3,")
    recommendations.write_text("".join(line for n, line in enumerate(lines, 1) if n not in (3, 15, 16)),
                               encoding="utf-8")
    with (golden_copy / "land_stats.csv").open("a", encoding="utf-8") as land:
        land.write("320682,5,100,亩,省厅卫片执法年度数据\n")
    with (golden_copy / "scores.csv").open("a", encoding="utf-8") as scores:
        scores.write("评委甲,320481,C05,5\n")
    return golden_copy


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("错误：")]


def test_golden_year_has_its_five_known_problems():
    text, has_problems = validate_year(2025, GOLDEN / "input", PARAMS, as_of=AS_OF)
    assert has_problems is True
    first = text.splitlines()[0]
    assert first.startswith(f"2025 年度输入校验（{GOLDEN / 'input'}）：5 个问题，")
    errors = error_lines(text)
    assert len(errors) == 5
    for code in COUNTIES_WITH_ERRORS:
        assert sum(f"县级代码 {code}" in line for line in errors) == 1, code
    assert "recommendations" in " ".join(errors) or "推荐" in " ".join(errors)
    assert "材料不全（incomplete）的县：320481、320682" in text.splitlines()
    assert "未发现数据问题。" not in text


def test_errors_are_listed_before_notices():
    text, _ = validate_year(2025, GOLDEN / "input", PARAMS, as_of=AS_OF)
    severities = [line.split("：", 1)[0] for line in text.splitlines()[1:] if line[:3] in ("错误：", "提示：")]
    assert severities == sorted(severities, key=lambda s: s != "错误")
    assert "提示" in severities  # the golden year's notices (兴化's late declaration, …) are listed too


def test_golden_year_writes_one_notice_per_county_with_errors(tmp_path):
    notices = tmp_path / "notices"
    text, has_problems = validate_year(2025, GOLDEN / "input", PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems
    workbooks = sorted(p.name for p in notices.glob("*.xlsx"))
    assert workbooks == sorted(NOTICES)
    assert "已生成 3 份补正通知" in text


def _rows(path: Path) -> list[list]:
    from openpyxl import load_workbook

    return [list(row) for row in load_workbook(path).active.iter_rows(values_only=True)]


def test_a_citys_notice_lists_its_recommendation_problem(tmp_path):
    notices = tmp_path / "notices"
    validate_year(2025, GOLDEN / "input", PARAMS, notices=notices, as_of=AS_OF)
    rows = _rows(notices / "泰州市-推荐名单-补正通知.xlsx")
    assert "泰州市" in rows[0][0] and "2025" in rows[0][0]
    problems = [row for row in rows[3:] if row[0] is not None]
    assert len(problems) == 1 and problems[0][0] == 1
    assert "321202" in " ".join(str(cell) for cell in problems[0] if cell is not None)


def test_the_departments_list_holds_its_tables_and_every_notice(tmp_path):
    """如皋's land statistics and 溧阳's unscored C05 are the department's; so is every 提示 (兴化's late date)."""
    notices = tmp_path / "notices"
    validate_year(2025, GOLDEN / "input", PARAMS, notices=notices, as_of=AS_OF)
    rows = [row for row in _rows(notices / "省厅待核实事项.xlsx")[3:] if row[0] is not None]
    by_code = {}
    for row in rows:
        by_code.setdefault(row[5], []).append(row)
    assert [r[1] for r in by_code["320682"]] == ["错误"] and by_code["320682"][0][2] == "耕地数据"
    assert [r[1] for r in by_code["320481"]] == ["错误"] and "C05" in by_code["320481"][0][9]
    assert "提示" in [r[1] for r in by_code["321281"]]  # 兴化市: a late declaration
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), key=lambda s: s != "错误")  # errors first
    assert not any(row[2] == "推荐" for row in rows)  # the cities' own problems are not repeated here


def test_clean_year_has_no_problems_and_writes_only_the_departments_list(clean_year, tmp_path):
    notices = tmp_path / "notices"
    text, has_problems = validate_year(2025, clean_year, PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems is False
    assert text.splitlines()[0].startswith(f"2025 年度输入校验（{clean_year}）：0 个问题，")
    assert error_lines(text) == []
    assert "未发现数据问题。" in text.splitlines()
    assert "材料不全" not in text
    # Nothing to correct; the 提示 (兴化's late declaration, …) are the department's to look at.
    assert sorted(p.name for p in notices.glob("*.xlsx")) == ["省厅待核实事项.xlsx"]


def test_a_corrected_year_clears_the_earlier_notices(golden_copy, tmp_path):
    notices = tmp_path / "notices"
    _, has_problems = validate_year(2025, golden_copy, PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems and len(list(notices.glob("*.xlsx"))) == 4
    recommendations = golden_copy / "recommendations.csv"
    lines = recommendations.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2].startswith("南京市,321183,")
    recommendations.write_text("".join(line for n, line in enumerate(lines, 1) if n != 3), encoding="utf-8")
    text, has_problems = validate_year(2025, golden_copy, PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems  # 南京's list corrected: its notice is gone, the other cities' stay
    assert sorted(p.name for p in notices.glob("*.xlsx")) == sorted(NOTICES[1:])
    assert "已生成 2 份补正通知" in text


def test_correction_notices_are_removed_when_the_year_becomes_clean(clean_year, tmp_path):
    notices = tmp_path / "notices"
    validate_year(2025, GOLDEN / "input", PARAMS, notices=notices, as_of=AS_OF)
    assert len(list(notices.glob("*.xlsx"))) == 4
    text, has_problems = validate_year(2025, clean_year, PARAMS, notices=notices, as_of=AS_OF)
    assert has_problems is False
    assert sorted(p.name for p in notices.glob("*.xlsx")) == ["省厅待核实事项.xlsx"]
    assert "没有需要各县、设区市或评委补正的事项" in text


def test_notices_never_go_into_the_data_folder(golden_copy):
    before = sorted(p.name for p in golden_copy.iterdir())
    with pytest.raises(OwnershipError) as caught:
        validate_year(2025, golden_copy, PARAMS, notices=golden_copy, as_of=AS_OF)
    assert caught.value.message  # a Chinese message for the user, nothing written
    assert sorted(p.name for p in golden_copy.iterdir()) == before


def test_a_missing_table_is_an_input_error(golden_copy):
    (golden_copy / "land_stats.csv").unlink()
    with pytest.raises(InputError) as caught:
        validate_year(2025, golden_copy, PARAMS, as_of=AS_OF)
    assert exit_code_for(caught.value) == EXIT_INPUT
    assert caught.value.message.startswith("2025 年度输入无法评估")
