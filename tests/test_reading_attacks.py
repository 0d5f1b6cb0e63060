"""Reading attacks (issue 9, "reading that never silently loses rows").

Each attack damages a copy of the golden year 2025 (tests/golden/2025) the way a clerk, a
program or an attacker would, and asserts the promise of SPEC 4, not the wording of a message:

- a row that cannot be trusted is a located error (file, row as the user sees it, county) and
  makes only its county ``incomplete``: every other county keeps the golden result;
- a file that cannot be used is a year-level refusal (``InputError``) naming the file, raised
  before anything big is loaded (the workbook loader is replaced by one that fails the test);
- damaged or unrelated files never raise anything else, the report's font prefetch included.

Expected rows and statuses are worked out by hand from the golden files: 321322 沭阳县 is
declared, recommended and scored, ranked last and not selected, so making it ``incomplete``
changes nobody else.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from landassess.assessment import Assessment, run_assessment
from landassess.divisions import DEFAULT_DIVISIONS_FILE, DivisionsError, load_divisions
from landassess.intake import load_year, read_demo_marker, split_line_literally, xlsxfile
from landassess.params import load_params
from landassess.problems import InputError
from landassess.publish.webfont import predicted_text
from landassess.vocabulary import ERROR, FATAL, NOTICE

GOLDEN = Path(__file__).parent / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
YEAR = 2025
TARGET = "321322"  # 沭阳县: ranked last, not selected


@pytest.fixture(scope="module")
def base() -> Assessment:
    return run_assessment(YEAR, GOLDEN / "input", PARAMS)


@pytest.fixture()
def year(tmp_path: Path) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", folder)
    return folder


def lines_of(folder: Path, table: str) -> list[str]:
    return (folder / f"{table}.csv").read_text(encoding="utf-8").splitlines()


def write_lines(folder: Path, table: str, lines: list[str], *, end: str = "\n", encoding: str = "utf-8") -> None:
    (folder / f"{table}.csv").write_bytes((end.join(lines) + end).encode(encoding))


def move_first(lines: list[str], code: str) -> list[str]:
    """The rows of ``code`` moved right under the header (row order does not matter to a table)."""
    mine = [line for line in lines[1:] if line.split(",")[:2].count(code)]
    return [lines[0], *mine, *(line for line in lines[1:] if line not in mine)]


def edit_cell(line: str, position: int, change) -> str:
    cells = line.split(",")  # the golden cells hold no comma or quote
    cells[position] = change(cells[position])
    return ",".join(cells)


def assert_only_target_changes(assessment: Assessment, base: Assessment, target: str = TARGET,
                               status: str = "incomplete") -> None:
    results, expected = assessment.results(), base.results()
    statuses = dict(zip(results["code"], results["status"], strict=True))
    assert statuses[target] == status
    others = results[results["code"] != target].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, expected[expected["code"] != target].reset_index(drop=True))


def located_error(assessment: Assessment, table: str, row: int, code: str = TARGET):
    found = [p for p in assessment.problems if p.severity == ERROR and p.table == table and p.row == row
             and p.code == code and p.file == f"{table}.csv"]
    assert found, "\n".join(p.located() for p in assessment.problems if p.table == table)
    assert found[0].affects_status and found[0].expected
    return found[0]


def refused(folder: Path, table: str, file: str) -> str:
    with pytest.raises(InputError) as caught:
        run_assessment(YEAR, folder, PARAMS)
    fatal = [p for p in caught.value.problems if p.severity == FATAL and p.table == table]
    assert fatal, [p.located() for p in caught.value.problems]
    assert fatal[0].file == file and fatal[0].expected
    return fatal[0].message


@pytest.fixture()
def no_workbook_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal must come before openpyxl loads anything."""
    def fail(*args, **kwargs):
        raise AssertionError("the workbook was loaded before it was refused")
    monkeypatch.setattr(xlsxfile, "_load_workbook", fail)


# ============================================================================ 1. quotes that swallow lines


def test_stray_quote_in_contact_swallows_no_row(year: Path, base: Assessment):
    # 沭阳县 first (row 2), a " typed before its contact: the 16 rows below would become one cell.
    lines = move_first(lines_of(year, "declarations"), TARGET)
    lines[1] = edit_cell(lines[1], 7, lambda c: '"' + c)
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    problem = located_error(assessment, "declarations", 2)
    assert problem.column == "联系人" and problem.cell == "H2"
    assert "联系人辰" not in problem.value  # contact data is not repeated in the problem list


def test_stray_quote_in_name_swallows_no_row(year: Path, base: Assessment):
    lines = move_first(lines_of(year, "declarations"), TARGET)
    lines[1] = edit_cell(lines[1], 1, lambda c: '"' + c)
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    assert located_error(assessment, "declarations", 2).column == "名称"


def test_stray_quote_in_code_cell_still_names_the_county(year: Path, base: Assessment):
    lines = move_first(lines_of(year, "declarations"), TARGET)
    lines[1] = edit_cell(lines[1], 0, lambda c: '"' + c)
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    located_error(assessment, "declarations", 2)


def test_stray_quote_with_windows_line_ends_and_gbk(year: Path, base: Assessment):
    lines = move_first(lines_of(year, "declarations"), TARGET)
    lines[1] = edit_cell(lines[1], 8, lambda c: '"' + c)  # phone
    write_lines(year, "declarations", lines, end="\r\n", encoding="gbk")
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    assert located_error(assessment, "declarations", 2).cell == "I2"


def test_stray_quote_closed_by_a_later_quote(year: Path, base: Assessment):
    # The " of row 2 is closed by a " typed inside a cell of row 10: rows 3–9 would vanish.
    lines = move_first(lines_of(year, "declarations"), TARGET)
    lines[1] = edit_cell(lines[1], 7, lambda c: '"' + c)
    lines[9] = edit_cell(lines[9], 7, lambda c: c[:3] + '"' + c[3:])
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    located_error(assessment, "declarations", 2)


def test_stray_quote_in_land_stats_source(year: Path, base: Assessment):
    lines = move_first(lines_of(year, "land_stats"), TARGET)
    lines[1] = edit_cell(lines[1], 4, lambda c: '"' + c)
    write_lines(year, "land_stats", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    assert located_error(assessment, "land_stats", 2).column == "数据来源"


def test_stray_quote_in_a_score_swallows_to_the_end_of_the_file(year: Path, base: Assessment):
    # Line 106 is 评委甲,321322,C01,4: a quote before the score runs to the end (475 more lines).
    lines = lines_of(year, "scores")
    assert lines[105] == "评委甲,321322,C01,4"
    lines[105] = '评委甲,321322,C01,"4'
    write_lines(year, "scores", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    assert located_error(assessment, "scores", 106).column == "score"


def test_line_break_inside_a_properly_quoted_cell_is_clean(year: Path, base: Assessment):
    lines = lines_of(year, "declarations")
    row = next(i for i, line in enumerate(lines) if line.startswith(TARGET))
    lines[row] = edit_cell(lines[row], 7, lambda c: f'"{c}\n（科长）"')
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    pd.testing.assert_frame_equal(assessment.results(), base.results())
    assert not [p for p in assessment.problems if p.severity == ERROR and p.table == "declarations"]


def test_split_line_literally():
    # Worked by hand: quoted cells that close are read as CSV; the one that does not is text.
    assert split_line_literally('a,"b,c",d\n', ",") == (["a", "b,c", "d"], None)
    assert split_line_literally('a,"b""x",,\r\n', ",") == (["a", 'b"x', "", ""], None)
    assert split_line_literally('321322,"沭阳县,宿迁市,2026-01-14\n', ",") == (
        ["321322", '"沭阳县', "宿迁市", "2026-01-14"], 1)
    assert split_line_literally('"a,b",c,"d,e', ",") == (["a,b", "c", '"d', "e"], 2)
    # A quote that closes later on the line is CSV (the text after it is kept, as csv does).
    assert split_line_literally('1,"x,y"z,2', ",") == (["1", "x,yz", "2"], None)


# ============================================================================ 2. rows with more cells than the header


def test_unquoted_comma_in_name_shifts_the_row(year: Path, base: Assessment):
    lines = lines_of(year, "declarations")
    row = next(i for i, line in enumerate(lines) if line.startswith(TARGET))
    lines[row] = edit_cell(lines[row], 1, lambda c: "沭阳,县")
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    located_error(assessment, "declarations", row + 1)


def test_shift_that_would_read_wrong_numbers_silently(year: Path, base: Assessment):
    # Columns code, unit, the two areas: "1,4" typed for 14 would read 1 and 4 and push 140 out.
    header, *rows = list(csv.reader(io.StringIO((year / "land_stats.csv").read_text(encoding="utf-8"))))
    order = [0, 3, 1, 2]
    out = [",".join(header[i] for i in order)]
    for row in rows:
        cells = [row[i] for i in order]
        if row[0] == TARGET:
            assert cells[2:] == ["14", "140"]
            cells[2] = "1,4"
        out.append(",".join(cells))
    write_lines(year, "land_stats", out)
    number = next(i for i, line in enumerate(out) if line.startswith(TARGET)) + 1
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    problem = located_error(assessment, "land_stats", number)
    assert problem.cell == f"E{number}" and problem.value == "140"


def test_shifted_phone_number_is_not_shown_in_the_problem(year: Path, base: Assessment):
    lines = lines_of(year, "declarations")
    row = next(i for i, line in enumerate(lines) if line.startswith(TARGET))
    lines[row] = edit_cell(lines[row], 7, lambda c: c + ",王")
    write_lines(year, "declarations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    assert_only_target_changes(assessment, base)
    problem = located_error(assessment, "declarations", row + 1)
    assert "0527" not in problem.value and "0527" not in problem.message


def test_recommendation_row_with_extra_cells_is_not_applied(year: Path, base: Assessment):
    # A recommendation is the city's act: the shifted row is not used, so 沭阳县 is not recommended.
    lines = lines_of(year, "recommendations")
    row = next(i for i, line in enumerate(lines) if f",{TARGET}," in line)
    lines[row] = lines[row] + ",另附说明"
    write_lines(year, "recommendations", lines)
    assessment = run_assessment(YEAR, year, PARAMS)
    # As for any unusable recommendation row (docs/input_problems.md): it admits nobody and
    # takes no quota place (the next county of 宿迁市's list moves up); the problem says why.
    assert assessment.results().set_index("code").at[TARGET, "status"] == "not_recommended"
    problem = next(p for p in assessment.problems if p.table == "recommendations" and p.row == row + 1
                   and p.severity == ERROR)
    assert problem.code == TARGET and not problem.affects_status and problem.file == "recommendations.csv"


def test_xlsx_note_right_of_the_table_is_a_notice(year: Path, base: Assessment):
    import openpyxl

    header, *rows = list(csv.reader(io.StringIO((year / "land_stats.csv").read_text(encoding="utf-8"))))
    (year / "land_stats.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.cell(3, 7, "备注：已核")
    book.save(year / "land_stats.xlsx")
    assessment = run_assessment(YEAR, year, PARAMS)
    pd.testing.assert_frame_equal(assessment.results(), base.results())
    assert any(p.severity == NOTICE and p.file == "land_stats.xlsx" and p.row == 3 for p in assessment.problems)


# ============================================================================ 3. hidden first sheets


def _verification_workbook(year: Path, state: str, *, decoy: bool) -> Path:
    import openpyxl

    header, *rows = list(csv.reader(io.StringIO((year / "verification.csv").read_text(encoding="utf-8"))))
    (year / "verification.csv").unlink()
    book = openpyxl.Workbook()
    hidden = book.active
    hidden.title = "旧数据"
    visible = book.create_sheet("数据")
    if decoy:  # the hidden sheet says every check failed; the visible one holds the real data
        hidden.append(header)
        for row in rows:
            hidden.append([row[0], "否", "否", ""])
        target = visible
    else:
        target = hidden
    target.append(header)
    for row in rows:
        target.append(row)
    hidden.sheet_state = state
    path = year / "verification.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_first_sheet_is_passed_over_with_a_notice(year: Path, base: Assessment, state: str):
    _verification_workbook(year, state, decoy=True)
    assessment = run_assessment(YEAR, year, PARAMS)
    pd.testing.assert_frame_equal(assessment.results(), base.results())
    notices = [p for p in assessment.problems if p.severity == NOTICE and p.file == "verification.xlsx"
               and "旧数据" in p.message]
    assert notices and notices[0].sheet == "数据"


def test_data_only_on_a_hidden_first_sheet_is_refused_naming_it(year: Path):
    _verification_workbook(year, "veryHidden", decoy=False)
    assert "旧数据" in refused(year, "verification", "verification.xlsx")


def test_workbook_with_every_sheet_hidden_is_refused(year: Path):
    path = _verification_workbook(year, "hidden", decoy=True)

    def change(parts):  # Excel refuses to save this; a program can write it
        xml = parts["xl/workbook.xml"].decode("utf-8")
        assert xml.count('state="visible"') == 1
        parts["xl/workbook.xml"] = xml.replace('state="visible"', 'state="hidden"').encode("utf-8")
    _rewrite(path, change)
    assert "隐藏" in refused(year, "verification", "verification.xlsx")


# ============================================================================ 4. absurd sizes and zip bombs


def _scores_xlsx(year: Path) -> Path:
    import openpyxl

    header, *rows = list(csv.reader(io.StringIO((year / "scores.csv").read_text(encoding="utf-8"))))
    (year / "scores.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = year / "scores.xlsx"
    book.save(path)
    return path


def _rewrite(path: Path, change) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_zip_bomb_sheet_is_refused_from_the_zip_directory(year: Path, no_workbook_loading: None):
    path = _scores_xlsx(year)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            handle.write(sheet.replace(b"</worksheet>", b""))
            block = b" " * (1 << 20)
            for _ in range(400):  # 400 MB of blanks, packed to well under 1 MB
                handle.write(block)
            handle.write(b"</worksheet>")
    assert path.stat().st_size < 5 * 1024 * 1024
    message = refused(year, "scores", "scores.xlsx")
    assert "xl/worksheets/sheet1.xml" in message


def test_huge_shared_strings_are_refused(year: Path, no_workbook_loading: None):
    path = _scores_xlsx(year)

    def change(parts):
        parts["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                         + b"<si><t>x</t></si>" * 2_000_000 + b"</sst>")
    _rewrite(path, change)
    refused(year, "scores", "scores.xlsx")


def test_workbook_with_thousands_of_parts_is_refused(year: Path, no_workbook_loading: None):
    path = _scores_xlsx(year)

    def change(parts):
        for i in range(3000):
            parts[f"customXml/item{i}.bin"] = b"x"
    _rewrite(path, change)
    refused(year, "scores", "scores.xlsx")


def test_merged_range_over_the_whole_sheet_is_refused_before_loading(year: Path, no_workbook_loading: None):
    # openpyxl makes an object for every cell of a merged range: A1:XFD1048576 would never end.
    path = _scores_xlsx(year)

    def change(parts):
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
            b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="E1:XFD1048576"/></mergeCells>')
    _rewrite(path, change)
    refused(year, "scores", "scores.xlsx")


def test_entity_expansion_is_refused(year: Path, no_workbook_loading: None):
    path = _scores_xlsx(year)

    def change(parts):
        xml = parts["xl/worksheets/sheet1.xml"]
        start = xml.index(b"<worksheet")
        parts["xl/worksheets/sheet1.xml"] = (xml[:start] + b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
                                             b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + xml[start:])
    _rewrite(path, change)
    refused(year, "scores", "scores.xlsx")


def test_million_empty_rows_are_refused_before_loading(year: Path, no_workbook_loading: None):
    path = _scores_xlsx(year)

    def change(parts):
        rows = b"".join(b'<row r="%d" hidden="1"/>' % r for r in range(600, 600 + 1_600_000))
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
            b"</sheetData>", rows + b"</sheetData>")
    _rewrite(path, change)
    refused(year, "scores", "scores.xlsx")


@pytest.mark.parametrize("cell", [(1048576, 16384), (200_000, 1_000)])
def test_far_cell_is_refused(year: Path, cell: tuple[int, int]):
    # XFD1048576; and ALL200000, inside the row and column limits but 200 million cells in all.
    import openpyxl

    path = _scores_xlsx(year)
    book = openpyxl.load_workbook(path)
    book.active.cell(*cell, "x")
    book.save(path)
    refused(year, "scores", "scores.xlsx")


def test_csv_with_millions_of_separators_is_refused(year: Path):
    lines = lines_of(year, "land_stats")
    lines.insert(3, "," * 9_000_000)
    write_lines(year, "land_stats", lines)
    refused(year, "land_stats", "land_stats.csv")


# ============================================================================ 5. damaged and unrelated files


def test_png_named_like_a_workbook_is_refused(year: Path):
    (year / "scores.csv").unlink()
    (year / "scores.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    refused(year, "scores", "scores.xlsx")


def test_folder_named_like_a_table_is_refused(year: Path):
    (year / "declarations.csv").unlink()
    (year / "declarations.csv").mkdir()
    assert "不是普通文件" in refused(year, "declarations", "declarations.csv")


def test_binary_garbage_csv_is_refused(year: Path):
    (year / "land_stats.csv").write_bytes(os.urandom(4096))
    refused(year, "land_stats", "land_stats.csv")


def test_truncated_workbook_is_refused(year: Path):
    path = _scores_xlsx(year)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(year, "scores", "scores.xlsx")


def test_lock_file_and_unrelated_files_change_nothing(year: Path, base: Assessment):
    (year / "~$declarations.xlsx").write_bytes(b"\x0bsomeone" + b"\x00" * 150)
    (year / "说明.docx").write_bytes(b"PK\x03\x04 not really a document")
    (year / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assessment = run_assessment(YEAR, year, PARAMS)
    pd.testing.assert_frame_equal(assessment.results(), base.results())


def test_font_prediction_survives_anything_in_the_data_folder(year: Path):
    (year / "~$declarations.xlsx").write_bytes(b"\x0bsomeone" + b"\x00" * 150)
    (year / "scores.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n")
    (year / "verification.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(100))
    (year / "bonus_events.csv").write_bytes(os.urandom(2048))
    (year / "decisions.csv").mkdir()
    (year / "DEMO_DATA.txt").write_bytes("演示数据（GBK）".encode("gbk"))
    (year / "empty.xlsx").write_bytes(b"")
    with zipfile.ZipFile(year / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            for _ in range(300):
                handle.write(b"\x00" * (1 << 20))
    if hasattr(os, "mkfifo"):
        os.mkfifo(year / "pipe.csv")  # reading it would block forever
    text = predicted_text(year)
    assert "沭阳县" in text  # the readable inputs still count


# ============================================================================ 6. the demo marker


def test_gbk_demo_marker(year: Path):
    (year / "DEMO_DATA.txt").write_bytes("演示数据：仅供培训使用\r\n".encode("gbk"))
    params = load_params(YEAR, PARAMS)
    inputs = load_year(year, YEAR, params, load_divisions(params.divisions.file))
    assert inputs.is_demo and inputs.demo_label == "演示数据：仅供培训使用"


def test_binary_demo_marker(tmp_path: Path):
    (tmp_path / "DEMO_DATA.txt").write_bytes(b"\xff\xfe\x00\x81" * 5000)
    is_demo, label = read_demo_marker(tmp_path)
    assert is_demo and isinstance(label, str)
    (tmp_path / "DEMO_DATA.txt").unlink()
    (tmp_path / "DEMO_DATA.txt").mkdir()
    assert read_demo_marker(tmp_path) == (False, "")


# ============================================================================ 7. division names


def _divisions_with(tmp_path: Path, column: str, value: str) -> Path:
    table = pd.read_csv(DEFAULT_DIVISIONS_FILE, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    table.loc[table["code"] == TARGET, column] = value
    path = tmp_path / "divisions.csv"
    table.to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.mark.parametrize(("column", "value"), [
    ("name", "沭阳/县"), ("name", "..\\沭阳县"), ("name", "沭阳\x07县"), ("name", "沭阳\t县"),
    ("city", "宿迁\n市"), ("name", "沭阳县:"),
])
def test_division_names_that_cannot_be_file_names_are_refused(tmp_path: Path, column: str, value: str):
    with pytest.raises(DivisionsError) as caught:
        load_divisions(_divisions_with(tmp_path, column, value))
    assert TARGET in str(caught.value) and "区划名单" in str(caught.value)


def test_division_name_starting_with_equals_is_read(tmp_path: Path):
    # Accepted: every table landassess writes neutralises a leading = + - @ (issue 9).
    divisions = load_divisions(_divisions_with(tmp_path, "name", "=1+沭阳县"))
    assert divisions.name_of()[TARGET] == "=1+沭阳县"


@pytest.mark.parametrize("kind", ["folder", "empty", "gbk"])
def test_unreadable_divisions_file_is_a_divisions_error(tmp_path: Path, kind: str):
    path = tmp_path / "divisions.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(DEFAULT_DIVISIONS_FILE.read_text(encoding="utf-8-sig").encode("gbk"))
    with pytest.raises(DivisionsError):
        load_divisions(path)
