"""The workbooks sent out for returning (issue 11, SPEC 7.4): county, city and evaluator forms.

Expected values are worked out by hand: Jiangsu has 95 county-level divisions in 13 cities;
a city's quota is ⌊0.4 × n⌋ (南京 11 → 4, 宿迁 5 → 2); the golden year (tests/golden/2025,
WORKED.md 4) scores 11 admitted, unvetoed counties; the deadline of 2025 is 2026-01-15 (WORKED.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landassess.divisions import load_divisions
from landassess.params import load_params
from landassess.publish.return_forms import (
    score_sheet_plan,
    write_city_forms,
    write_county_forms,
    write_score_sheets,
)

GOLDEN = Path(__file__).parent / "golden" / "2025"
GOLDEN_PARAMS = GOLDEN / "params.yaml"
SCORED = ["320115", "320117", "320281", "320321", "320481", "320583", "320682", "320685", "321281",
          "321322", "321324"]  # WORKED.md 4
NANJING = ["玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区", "溧水区", "高淳区"]
SUQIAN = ["宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"]
FORMULA_START = ("=", "+", "-", "@")
RUBRIC_MAX = {"C01": 5, "C02": 5, "C03": 8, "C04": 6, "C05": 6, "C06": 8, "C07": 9, "C08": 8,
              "C09": 15, "C10": 10, "C11": 10, "C12": 6, "C13": 4}  # SPEC 3.3, the default rubric


@pytest.fixture(scope="module")
def setting():
    params = load_params(2025, GOLDEN_PARAMS)
    return params, load_divisions(params.divisions.file)


@pytest.fixture(scope="module")
def county_forms(setting, tmp_path_factory):
    params, divisions = setting
    return write_county_forms(tmp_path_factory.mktemp("county"), 2025, divisions, params)


@pytest.fixture(scope="module")
def city_forms(setting, tmp_path_factory):
    params, divisions = setting
    return write_city_forms(tmp_path_factory.mktemp("city"), 2025, divisions, params)


@pytest.fixture(scope="module")
def score_sheets(setting, tmp_path_factory):
    """Golden year with recusals: 评委乙 for 320583 昆山市, 评委丙 for all of 南通市 (320682, 320685)."""
    params, divisions = setting
    data = tmp_path_factory.mktemp("data")
    for path in (GOLDEN / "input").iterdir():
        shutil.copy2(path, data / path.name)
    (data / "recusals.csv").write_text("评委,县级代码,设区市,理由\n评委乙,320583,,曾在该县任职\n评委丙,,南通市,南通市人\n",
                                       encoding="utf-8")
    counties, evaluators, recused = score_sheet_plan(data, 2025, params, divisions)
    assert [code for code, _ in counties] == SCORED
    assert sorted(evaluators) == ["评委丙", "评委乙", "评委甲"]  # those of scores.csv
    assert recused == {"评委乙": {"320583"}, "评委丙": {"320682", "320685"}}
    paths = write_score_sheets(tmp_path_factory.mktemp("scores"), 2025, params, counties, evaluators, recused)
    return {_meta(load_workbook(p))["evaluator"]: p for p in paths}


def _validations(sheet) -> dict[str, object]:
    """Cell range (first cell) → its data validation."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        for ref in str(check.sqref).split():
            found[ref.split(":")[0]] = check
    return found


def _meta(workbook) -> dict[str, str]:
    return {k: v for k, v in workbook["_landassess"].iter_rows(max_col=2, values_only=True)}


# ----------------------------------------------------------------------------- county


def test_one_county_workbook_per_division(county_forms):
    assert len(county_forms) == 95
    assert len({p.name.split("-")[0] for p in county_forms}) == 95


def test_county_workbook_layout(county_forms):
    path = next(p for p in county_forms if p.name.startswith("320583-"))
    workbook = load_workbook(path)
    assert workbook.sheetnames[:3] == ["申报", "否决事项", "加分事项"]
    assert workbook["_landassess"].sheet_state == "veryHidden"
    assert _meta(workbook)["form"] == "county" and _meta(workbook)["code"] == "320583"
    assert _meta(workbook)["year"] == "2025"
    declaration = workbook["申报"]
    assert [declaration[f"{c}4"].value for c in "ABC"] == ["320583", "昆山市", "苏州市"]
    assert all(declaration[f"{c}4"].protection.locked for c in "ABC")
    assert not any(declaration[f"{c}4"].protection.locked for c in "DEFGHI")
    assert "2026年1月15日" in declaration["A2"].value  # the deadline line
    checks = _validations(declaration)
    for ref in ("E4", "F4"):  # the two self-declared areas: decimals ≥ 0
        check = checks[ref]
        assert check.type == "decimal" and check.formula1 == "0" and check.showErrorMessage
        assert check.operator in ("between", "greaterThanOrEqual") and check.showInputMessage and check.prompt
    assert checks["D4"].type == "date" and checks["D4"].prompt  # declared_on
    assert checks["G4"].type == "list" and checks["G4"].formula1 == '"亩,公顷"'
    vetoes, bonus = workbook["否决事项"], workbook["加分事项"]
    assert vetoes["E3"].value == "文号或出处" and vetoes.column_dimensions["E"].width >= 30
    assert bonus["C3"].value == "文号" and bonus.column_dimensions["C"].width >= 30
    assert bonus["E3"].value == "标题" and bonus.column_dimensions["E"].width >= 30
    assert _validations(bonus)["C4"].prompt  # how a document number is written
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet, sheet.title
    assert workbook.security.lockStructure


# ----------------------------------------------------------------------------- city


def test_one_city_workbook_per_city_with_its_quota_and_counties(city_forms):
    assert len(city_forms) == 13
    by_city = {_meta(load_workbook(p))["city"]: p for p in city_forms}
    for city, names, quota in (("南京市", NANJING, 4), ("宿迁市", SUQIAN, 2)):
        workbook = load_workbook(by_city[city])
        sheet = workbook["推荐名单"]
        assert f"= {quota} 个" in sheet["A2"].value and f"× {len(names)} 个县级单位" in sheet["A2"].value
        assert _meta(workbook)["quota"] == str(quota)
        check = _validations(sheet)["B4"]
        assert check.type == "list" and sorted(check.formula1.strip('"').split(",")) == sorted(names)
        assert str(check.sqref) == f"B4:B{3 + len(names)}"
        assert [sheet.cell(r, 1).value for r in range(4, 4 + len(names))] == list(range(1, len(names) + 1))
        counter = sheet["E2"].value  # the live count against the quota, a formula (not neutralised text)
        assert sheet["E2"].data_type == "f" and f"COUNTA(B4:B{3 + len(names)})>{quota}" in counter.text
        assert sheet.protection.sheet and workbook.security.lockStructure


# ----------------------------------------------------------------------------- evaluator


def test_score_sheet_rows_headers_and_validation(score_sheets, setting):
    params, divisions = setting
    assert sorted(score_sheets) == ["评委丙", "评委乙", "评委甲"]
    workbook = load_workbook(score_sheets["评委甲"])
    sheet = workbook["评分"]
    names = divisions.name_of()
    rows = [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in range(4, sheet.max_row + 1)]
    assert rows == [(code, names[code]) for code in SCORED]
    criteria = {c.id: c.name for c in params.rubric.criteria}
    checks = _validations(sheet)
    for position, (cid, maximum) in enumerate(RUBRIC_MAX.items(), start=3):
        letter = sheet.cell(3, position).column_letter
        assert sheet.cell(3, position).value == f"{cid} {criteria[cid]}（满分{maximum}）"
        check = checks[f"{letter}4"]
        assert str(check.sqref) == f"{letter}4:{letter}14"
        assert (check.type, check.operator, check.formula1, check.formula2) == ("decimal", "between", "0", str(maximum))
        assert check.showErrorMessage
    assert sheet.cell(3, 16).value is None  # 13 criteria: C … O
    assert _meta(workbook)["evaluator"] == "评委甲" and _meta(workbook)["form"] == "evaluator"
    assert _meta(workbook)["codes"] == ",".join(SCORED)
    assert workbook["_landassess"].sheet_state == "veryHidden"
    assert all(s.protection.sheet for s in workbook.worksheets) and workbook.security.lockStructure
    assert not sheet["C4"].protection.locked and sheet["A4"].protection.locked and sheet["B4"].protection.locked


def test_recused_rows_are_greyed_and_locked(score_sheets):
    expected = {"评委甲": set(), "评委乙": {"320583"}, "评委丙": {"320682", "320685"}}
    for evaluator, recused in expected.items():
        sheet = load_workbook(score_sheets[evaluator])["评分"]
        for row in range(4, 15):
            code = sheet.cell(row, 1).value
            cells = [sheet.cell(row, c) for c in range(3, 16)]
            if code in recused:
                assert all(c.protection.locked and c.fill.fgColor.rgb.endswith("BFBFBF") for c in cells), code
            else:
                assert not any(c.protection.locked for c in cells), (evaluator, code)
                assert not cells[0].fill.fgColor.rgb.endswith("BFBFBF")


def test_written_text_is_neutralised_and_the_evaluator_id_read_back(setting, tmp_path):
    from landassess.collect.reader import read_returned

    params, divisions = setting
    evaluators = ["=HYPERLINK(\"http://x\")", "@评委", "-评委", "+1"]
    for part in "sck":
        (tmp_path / part).mkdir()
    paths = write_score_sheets(tmp_path / "s", 2025, params, [("320583", "昆山市")], evaluators)
    paths += write_city_forms(tmp_path / "c", 2025, divisions, params)[:1]
    paths += write_county_forms(tmp_path / "k", 2025, divisions, params)[:1]
    for path in paths:
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if (sheet.title, cell.coordinate) == ("推荐名单", "E2"):  # the live count, on purpose
                        assert cell.data_type == "f"
                        continue
                    assert cell.data_type != "f", (path.name, sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.lstrip(" \u3000\t\r\n").startswith(FORMULA_START), cell.value
    for path, evaluator in zip(paths[:4], evaluators, strict=True):
        returned = read_returned(path, path.parent, 2025, divisions, params)
        assert (returned.form, returned.who) == ("evaluator", evaluator)


def test_template_command_writes_every_form(tmp_path, monkeypatch):
    from landassess.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["template", "--year", "2025", "--out", "模板", "--params", str(GOLDEN_PARAMS)]) == 0
    counts = {d.name: len(list(d.glob("*.xlsx"))) for d in Path("模板").iterdir() if d.is_dir()}
    assert counts == {"县级申报材料": 95, "设区市推荐名单": 13}
    before = {p: p.read_bytes() for p in Path("模板").rglob("*.xlsx")}
    # SPEC 8.3: with --data and --evaluators only the evaluators' sheets are written; the forms stay as they were.
    assert main(["template", "--year", "2025", "--out", "模板", "--data", str(GOLDEN / "input"),
                 "--params", str(GOLDEN_PARAMS), "--evaluators", "评委甲,评委丁"]) == 0
    assert sorted(p.name for p in Path("模板/评委评分表").iterdir()) == ["评分表-评委丁.xlsx", "评分表-评委甲.xlsx"]
    assert {p: p.read_bytes() for p in Path("模板").rglob("*.xlsx") if p.parent.name != "评委评分表"} == before
    # Re-making the forms keeps the score sheets.
    assert main(["template", "--year", "2025", "--out", "模板", "--params", str(GOLDEN_PARAMS)]) == 0
    assert len(list(Path("模板/评委评分表").glob("*.xlsx"))) == 2


def test_score_sheets_before_any_score_grey_and_lock_the_recused_rows(tmp_path, monkeypatch):
    """Issue 18: a recusals table and no scores yet (always so at this step) — no crash, recused rows locked and grey."""
    from landassess.cli import main

    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "input", data)
    (data / "scores.csv").unlink()
    (data / "recusals.csv").write_text("评委,县级代码,理由\n评委\u200b乙,320583,曾在该县任职\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["template", "--year", "2025", "--out", "模板", "--data", str(data), "--params", str(GOLDEN_PARAMS),
                 "--evaluators", "评委甲,评委乙"]) == 0
    assert sorted(p.relative_to("模板").as_posix() for p in Path("模板").rglob("*.xlsx")) == [
        "评委评分表/评分表-评委乙.xlsx", "评委评分表/评分表-评委甲.xlsx"]
    sheets = {name: load_workbook(f"模板/评委评分表/评分表-{name}.xlsx")["评分"] for name in ("评委甲", "评委乙")}
    row = next(r for r in range(4, 30) if sheets["评委乙"][f"A{r}"].value == "320583")
    recused, other = sheets["评委乙"][f"C{row}"], sheets["评委甲"][f"C{row}"]
    assert recused.protection.locked and not other.protection.locked
    assert recused.fill.fgColor.rgb != other.fill.fgColor.rgb


def test_evaluators_whose_file_names_would_clash_get_one_sheet_each(setting, tmp_path):
    params, divisions = setting
    paths = write_score_sheets(tmp_path, 2025, params, [("320583", "昆山市")], ["评委/甲", "评委_甲", "评委:甲"])
    assert len(set(paths)) == 3 and len(list(tmp_path.glob("*.xlsx"))) == 3
    assert sorted(_meta(load_workbook(p))["evaluator"] for p in paths) == sorted(["评委/甲", "评委_甲", "评委:甲"])


def test_formula_like_county_names_are_neutralised_and_read_back(setting, tmp_path):
    from landassess.collect.reader import read_returned
    from landassess.divisions import Divisions

    params, base = setting
    table = base.table.copy()
    table.loc[table["code"] == "320102", "name"] = "=HYPERLINK(\"http://x\")"
    divisions = Divisions(table, base.source_file)
    path = next(p for p in write_county_forms(tmp_path, 2025, divisions, params) if p.name.startswith("320102"))
    workbook = load_workbook(path)
    assert workbook["申报"]["B4"].value == "'=HYPERLINK(\"http://x\")" and workbook["申报"]["B4"].data_type == "s"
    workbook["申报"]["D4"] = "2026-01-10"
    workbook.save(path)
    returned = read_returned(path, tmp_path, 2025, divisions, params)
    assert [p.reason for p in returned.problems] == []
    [row] = returned.rows["declarations"]
    assert (row["code"], row["name"], row["declared_on"]) == ("320102", "=HYPERLINK(\"http://x\")", "2026-01-10")
