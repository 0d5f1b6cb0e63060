"""Collect, attacked as a careless or hostile sender would (issue 17, SPEC 8.0 and 8.2).

Every promise is asserted, not the wording: nothing lost or added without a located problem, no
traceback, the exit code, nothing written where collect must not write. The returned workbooks
are the golden year's filled templates (tests/test_collect.py builds them); expected values come
from WORKED.md: 320583 昆山市 has base 92, bonus 0.5 and is titled; 320581 常熟市 also declared.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from landassess.cli import main
from landassess.run.collect import collect_year
from landassess.vocabulary import ERROR, NOTICE
from test_collect import (
    GOLDEN,
    GOLDEN_PARAMS,
    JIA_FILE,
    KUNSHAN,
    KUNSHAN_FILE,
    _copy_rest,
    _csv_rows,
    _make_forms,
    _returned,
    _run,
)

EXTRA_DOCUMENT = "自然资办函〔2025〕999号"
"""A national commendation the golden year does not have: if it were counted, 昆山's bonus would grow."""


@pytest.fixture(scope="module")
def golden_forms(tmp_path_factory):
    """The golden year's filled templates, built once for this module (as in test_collect)."""
    return _make_forms(tmp_path_factory.mktemp("golden_forms"), 2025, GOLDEN / "input", GOLDEN_PARAMS)


@pytest.fixture
def returned(golden_forms, tmp_path):
    return _returned(*golden_forms, tmp_path / "交回")


def _collect(source: Path, data: Path):
    """(what collect found, the data folder it wrote)."""
    collected, _ = collect_year(2025, source, data, GOLDEN_PARAMS)
    return collected, data


def _reasons(collected, reason: str) -> list:
    return [p for p in collected.problems if p.reason == reason]


def _bonus_row(sheet, row: int) -> None:
    for column, value in zip("ABCDE", ("通报表扬", "国家级", EXTRA_DOCUMENT, "2025-06-01", "藏起来的表扬"), strict=True):
        sheet[f"{column}{row}"] = value


def _kunshan(returned: Path):
    return load_workbook(returned / KUNSHAN_FILE)


def _status_and_bonus(data: Path) -> tuple[str, str]:
    _copy_rest(GOLDEN / "input", data)
    row = _run(data).results().set_index("code").loc[KUNSHAN]
    return row["status"], row["bonus"]


# ----------------------------------------------------------------------------- silent drops and additions

def test_a_second_declaration_row_is_located_not_dropped(returned, tmp_path):
    book = _kunshan(returned)
    book["申报"]["D5"] = "2026-01-12"
    book["申报"]["E5"] = 1
    book.save(returned / KUNSHAN_FILE)
    collected, _ = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.many_rows")
    assert (problem.severity, problem.sheet, problem.row, problem.code) == (ERROR, "申报", 5, KUNSHAN)
    assert problem.affects_status
    assert _status_and_bonus(tmp_path / "data")[0] == "incomplete"  # validate and run know it too


def test_a_very_hidden_sheet_with_a_bonus_document_is_not_counted(returned, tmp_path):
    book = _kunshan(returned)
    hidden = book.create_sheet("附加")
    _bonus_row(hidden, 4)
    hidden.sheet_state = "veryHidden"
    book.save(returned / KUNSHAN_FILE)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.hidden_sheet")
    assert (problem.severity, problem.sheet, problem.code) == (ERROR, "附加", KUNSHAN)
    assert EXTRA_DOCUMENT not in {r["document_no"] for r in _csv_rows(data / "bonus_events.csv")}


def test_a_hidden_row_with_a_bonus_document_is_not_counted(returned, tmp_path):
    book = _kunshan(returned)
    _bonus_row(book["加分事项"], 20)
    book["加分事项"].row_dimensions[20].hidden = True
    book.save(returned / KUNSHAN_FILE)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.hidden_row")  # once for the row, located at its first cell
    assert (problem.sheet, problem.row, problem.cell) == ("加分事项", 20, "A20")
    assert EXTRA_DOCUMENT not in {r["document_no"] for r in _csv_rows(data / "bonus_events.csv")}
    status, bonus = _status_and_bonus(data)
    assert status == "incomplete" and bonus == ""  # not 0.5 + a national commendation


def test_a_hidden_column_holding_values_is_located(returned, tmp_path):
    book = _kunshan(returned)
    _bonus_row(book["加分事项"], 21)
    book["加分事项"].column_dimensions["C"].hidden = True
    book.save(returned / KUNSHAN_FILE)
    collected, data = _collect(returned, tmp_path / "data")
    cells = {p.cell for p in _reasons(collected, "collect.hidden_column")}
    assert "C21" in cells
    assert EXTRA_DOCUMENT not in {r["document_no"] for r in _csv_rows(data / "bonus_events.csv")}


def test_a_sheet_added_beside_the_template_is_located(returned, tmp_path):
    book = _kunshan(returned)
    extra = book.create_sheet("补充说明")
    extra["B7"] = "另有国家级表扬一项"
    book.save(returned / KUNSHAN_FILE)
    collected, _ = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.extra_sheet")
    assert (problem.sheet, problem.cell, problem.code) == ("补充说明", "B7", KUNSHAN)


@pytest.mark.parametrize("suffix", [".xlsm", ".xls", ".et", ".ods", ""])
def test_a_return_in_another_format_is_listed_as_received_not_read(returned, tmp_path, suffix):
    target = (returned / KUNSHAN_FILE).with_suffix(suffix)
    (returned / KUNSHAN_FILE).rename(target)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.other_format")
    assert (problem.severity, problem.code, problem.affects_status) == (ERROR, KUNSHAN, True)
    assert problem.file == str(target.relative_to(returned))
    assert problem.file in set(collected.returns["文件"])  # listed as received
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    assert _status_and_bonus(data)[0] == "incomplete"  # not 未申报


def test_a_score_formula_without_a_saved_value_is_located(returned, tmp_path):
    book = load_workbook(returned / JIA_FILE)
    sheet = book["评分"]
    row = next(r for r in range(4, 20) if sheet[f"A{r}"].value == KUNSHAN)
    sheet[f"C{row}"] = "=2+3"  # openpyxl saves a formula with no computed value
    book.save(returned / JIA_FILE)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.formula_no_value")
    assert (problem.severity, problem.file, problem.cell, problem.value) == (ERROR, JIA_FILE, f"C{row}", "=2+3")
    scored = {(r["evaluator"], r["code"], r["criterion"]) for r in _csv_rows(data / "scores.csv")}
    assert ("评委甲", KUNSHAN, "C01") not in scored and ("评委甲", KUNSHAN, "C02") in scored


def test_a_far_cell_is_one_located_cell_not_a_million_rows(returned, tmp_path):
    book = _kunshan(returned)
    book["申报"]["XFD1048576"] = "远处"
    book.save(returned / KUNSHAN_FILE)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = [p for p in _reasons(collected, "collect.edit_outside") if p.cell == "XFD1048576"]
    assert problem.sheet == "申报" and problem.value == "远处"
    assert KUNSHAN in {r["code"] for r in _csv_rows(data / "declarations.csv")}


def test_a_huge_inline_string_is_refused_by_the_guard(returned, tmp_path):
    """200 MB of text packed into a small workbook: refused before openpyxl loads it (the tables' guard)."""
    path = returned / KUNSHAN_FILE
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="9"><c r="A9" t="inlineStr"><is><t>'
                                    + b"a" * (200 * 1024 * 1024) + b"</t></is></c></row></sheetData>")
            out.writestr(info, data)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    shutil.move(bomb, path)
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.unreadable")
    assert (problem.severity, problem.file, problem.code) == (ERROR, KUNSHAN_FILE, KUNSHAN)  # named by its file
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    assert _status_and_bonus(data)[0] == "incomplete"  # not 未申报: its return came back and could not be read


# ----------------------------------------------------------------------------- odd file names

def test_a_file_name_with_gbk_bytes_is_read_and_shown_in_chinese(returned, tmp_path):
    gbk = os.fsdecode("昆山市申报材料.xlsx".encode("gbk"))
    (returned / KUNSHAN_FILE).rename(returned / gbk)
    collected, data = _collect(returned, tmp_path / "data")
    assert "昆山市申报材料.xlsx" in set(collected.returns["文件"])
    [row] = [r for r in _csv_rows(data / "declarations.csv") if r["code"] == KUNSHAN]
    assert row["source_file"] == "昆山市申报材料.xlsx"


def test_a_control_character_in_a_file_name_is_shown_escaped(returned, tmp_path, capsys):
    (returned / KUNSHAN_FILE).rename(returned / "昆山\x07申报.xlsx")
    code = main(["collect", "--year", "2025", "--from", str(returned), "--data", str(tmp_path / "data"),
                 "--params", str(GOLDEN_PARAMS)])
    out, err = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in out + err and "内部错误" not in err
    assert "昆山\\x07申报.xlsx" in set(_csv_rows(tmp_path / "data" / "declarations.csv")[i]["source_file"]
                                    for i in range(len(_csv_rows(tmp_path / "data" / "declarations.csv"))))


# ----------------------------------------------------------------------------- doubtful returns

def test_a_workbook_returned_under_another_countys_name_waits_for_confirmation(returned, tmp_path):
    """昆山's form sent back as 320581-常熟市-….xlsx: 昆山 is doubtful (incomplete), 常熟's own return unaffected."""
    (returned / KUNSHAN_FILE).rename(returned / "县级申报材料" / "320581-常熟市-申报材料（昆山）.xlsx")
    collected, data = _collect(returned, tmp_path / "data")
    [problem] = _reasons(collected, "collect.name_mismatch")
    assert (problem.code, problem.affects_status) == (KUNSHAN, True)
    assert KUNSHAN in collected.doubtful
    assert KUNSHAN not in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    assert "320581" in {r["code"] for r in _csv_rows(data / "declarations.csv")}
    assert _status_and_bonus(data)[0] == "incomplete"


# ----------------------------------------------------------------------------- where collect writes

@pytest.fixture(scope="module")
def finalised_year(tmp_path_factory):
    out = tmp_path_factory.mktemp("final") / "2025"
    assert main(["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(GOLDEN_PARAMS),
                 "--as-of", "2026-03-01", "--out", str(out)]) == 0
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == 0
    return out


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("inside", ["", "versions/v1", "新文件夹"])
def test_collect_never_writes_into_an_output_folder(returned, finalised_year, inside, capsys):
    if inside == "versions/v1":
        (finalised_year / "versions" / "v1").mkdir(parents=True, exist_ok=True)
    before = _listing(finalised_year)
    code = main(["collect", "--year", "2025", "--from", str(returned), "--data", str(finalised_year / inside),
                 "--params", str(GOLDEN_PARAMS)])
    assert code == 2 and "Traceback" not in capsys.readouterr().err
    assert _listing(finalised_year) == before


def test_collect_never_writes_into_the_departments_records(returned, tmp_path):
    records = tmp_path / "data" / "省厅记录"
    records.mkdir(parents=True)
    assert main(["collect", "--year", "2025", "--from", str(returned), "--data", str(records),
                 "--params", str(GOLDEN_PARAMS)]) == 2
    assert list(records.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_collects_record_is_refused_without_hanging(returned, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    os.mkfifo(data / "collected.json")
    process = subprocess.Popen([sys.executable, "-m", "landassess.cli", "collect", "--year", "2025", "--from",
                                str(returned), "--data", str(data), "--params", str(GOLDEN_PARAMS)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, start_new_session=True)
    try:
        _, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("collect hung on a FIFO named collected.json")
    assert process.returncode == 2, err.decode("utf-8", "replace")
    assert sorted(p.name for p in data.iterdir()) == ["collected.json"]


def test_every_collect_problem_is_an_error_or_a_notice(returned, tmp_path):
    """A sanity check over a mixed folder: each problem has a severity and a reason, none is fatal."""
    book = _kunshan(returned)
    book["申报"]["K9"] = "备注"
    book.save(returned / KUNSHAN_FILE)
    collected, _ = _collect(returned, tmp_path / "data")
    assert collected.problems and all(p.severity in (ERROR, NOTICE) and p.reason for p in collected.problems)


def test_validate_names_the_file_returned_under_another_countys_name(returned, tmp_path):
    """Issue 18: validate knows what collect found, with the sender's file; the department settles it."""
    from landassess.run.validation import validate_year

    misnamed = "县级申报材料/320581-常熟市-申报材料（昆山）.xlsx"
    (returned / KUNSHAN_FILE).rename(returned / misnamed)
    _, data = _collect(returned, tmp_path / "data")
    _copy_rest(GOLDEN / "input", data)
    notices = tmp_path / "notices"
    text, has_problems = validate_year(2025, data, GOLDEN_PARAMS, notices, as_of=_as_of())
    assert has_problems and misnamed in text
    assert KUNSHAN in text.split("材料不全（incomplete）的县：", 1)[1]
    department = load_workbook(notices / "省厅待核实事项.xlsx").active
    assert misnamed in {c for row in department.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert not (notices / "320583-昆山市-补正通知.xlsx").exists()  # the department decides which file counts


def _as_of():
    import datetime as dt

    return dt.date(2026, 3, 1)


def test_a_city_whose_list_could_not_be_read_is_not_reported_as_silent(returned, tmp_path):
    """Issue 18: a modified header keeps the list out, but the city did return it (not 未交回)."""
    from landassess.run.collect import format_collected

    suqian = returned / "设区市推荐名单" / "宿迁市-推荐名单.xlsx"
    book = load_workbook(suqian)
    book["推荐名单"]["C3"] = "日期"
    book.save(suqian)
    collected, data = _collect(returned, tmp_path / "data")
    cities = collected.cities.set_index("设区市")
    assert cities.at["宿迁市", "已交回"].startswith("已交回但未能读取")
    assert cities.at["南京市", "已交回"] == "是"
    silent = format_collected(collected, data).splitlines()[1]
    assert silent.startswith("未交回推荐名单的设区市：") and "宿迁市" not in silent


def test_the_templates_date_their_examples_in_the_assessed_year(tmp_path):
    """Issue 18: a 2024 template shows example dates of 2024 (events) and 2025 (declaring), never 2026."""
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish.return_forms import write_county_forms

    [path] = [p for p in write_county_forms(tmp_path, 2024, load_divisions(), load_params(2024))
              if p.name.startswith("320583")]
    book = load_workbook(path)
    prompts = [dv.prompt or "" for sheet in book.worksheets for dv in sheet.data_validations.dataValidation]
    errors = [dv.error or "" for sheet in book.worksheets for dv in sheet.data_validations.dataValidation]
    text = "\n".join(prompts + errors)
    assert "2025-01-10" in text and "2024-06-01" in text and "苏自然资函〔2024〕" in text
    assert "2026" not in text


def test_the_years_evaluator_list_is_the_default_for_collect(returned, tmp_path):
    """params ``evaluators`` without --evaluators: a sheet of someone else is a located problem, not collected."""
    params = tmp_path / "p.yaml"
    params.write_text(GOLDEN_PARAMS.read_text(encoding="utf-8") + "evaluators: [评委甲, 评委丙]\n", encoding="utf-8")
    collected, _ = collect_year(2025, returned, tmp_path / "data", params)
    [problem] = _reasons(collected, "collect.unknown_evaluator")
    assert problem.value == "评委乙"
    assert {r["evaluator"] for r in _csv_rows(tmp_path / "data" / "scores.csv")} == {"评委甲", "评委丙"}
    # The list's order first, then sheets from outside it (shown, not collected): never by code point.
    assert list(collected.evaluators.columns[2:]) == ["评委甲", "评委丙", "评委乙"]
