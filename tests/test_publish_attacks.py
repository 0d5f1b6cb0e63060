"""Issue 9, what is published: nothing leaks, nothing injects, the draw check is safe, all lists agree.

Each test builds its input by copying the hand-worked golden year (tests/golden/2025, WORKED.md)
to a scratch folder and planting one attack; the expected values come from the rules and from
WORKED.md, not from a run of the program:

- golden titles (quotas 3/3): 1 昆山 320583 模范, 2 海安 320685 模范 but 取消资格 (failed its
  check), 3 江阴 320281 模范, 4 兴化 321281 先进, 5 丰县 320321 先进, 6 江宁 320115 and 溧水
  320117 并列待定, 8 泗洪 321324 and 9 沭阳 321322 未入选;
- the draw (seed golden-2025, count 2) takes 丰县 and 海安 (WORKED.md section 8).
"""

from __future__ import annotations

import csv
import hashlib
import html
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landassess.assessment import Assessment, assess_year, run_assessment
from landassess.divisions import Divisions, load_divisions
from landassess.intake import load_year
from landassess.params import load_params
from landassess.publish import figures, report
from landassess.publish.notices import write_notices
from landassess.publish.outputs import publicity_list, write_outputs
from landassess.publish.return_forms import write_templates
from landassess.publish.workbooks import neutralize_cell
from landassess.rules import verification
from landassess.vocabulary import NOTICE
from landassess.workbench.decisions import DecisionError, check_decision, record_decision

GOLDEN = Path(__file__).parent / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE_SHAPES = [
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),                       # mobile, plain
    re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),    # mobile with spaces or dashes
    re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"),                  # landline
]
HASH = re.compile(r"[0-9a-f]{64}")


# ----------------------------------------------------------------------------- helpers


def golden_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", folder)
    return folder


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def edit_cell(path: Path, code: str, column: str, value: str) -> None:
    """Set ``column`` of the first row of county ``code`` (first column holds the code)."""
    header, rows = read_rows(path)
    row = next(r for r in rows if r[0] == code)
    row[header.index(column)] = value
    write_rows(path, header, rows)


def assess(folder: Path, divisions: Divisions | None = None, params_file: Path = PARAMS) -> Assessment:
    if divisions is None:
        return run_assessment(2025, folder, params_file)
    params = load_params(2025, params_file)
    return assess_year(load_year(folder, 2025, params, divisions), params, divisions)


def report_html(a: Assessment) -> str:
    """Every section of the shared report, in the notebook's order."""
    parts = [report.overview(a), report.ranking_table(a), report.vetoes_section(a), report.quotas_section(a),
             report.scoring_section(a), report.bonus_section(a), report.verification_section(a),
             report.problems_section(a), report.ledgers(a), report.assumptions_section(a),
             report.provenance_section(a, run_time="2026-02-20T10:00:00+08:00")]
    return "".join(str(p) for p in parts)


def phone_shapes(text: str) -> list[str]:
    text = HASH.sub("", html.unescape(text))
    return [m.group() for pattern in PHONE_SHAPES for m in pattern.finditer(text)]


def csv_cells(path: Path) -> list[str]:
    header, rows = read_rows(path)
    return header + [cell for row in rows for cell in row]


def xlsx_cells(path: Path) -> list[str]:
    workbook = openpyxl.load_workbook(path)
    return [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str)]


def unsafe(cells: list[str]) -> list[str]:
    return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_START)]


# ----------------------------------------------------------------------------- A. nothing leaks


def test_declared_contacts_never_reach_the_report(tmp_path):
    data = golden_copy(tmp_path)
    edit_cell(data / "declarations.csv", "320583", "联系人", "周晓梅")
    edit_cell(data / "declarations.csv", "320583", "联系电话", "13912345678")
    page = report_html(assess(data))
    assert "周晓梅" not in page
    assert phone_shapes(page) == []


def test_phone_typed_in_the_name_column_is_hidden(tmp_path):
    # The name no longer matches the code: a located problem (320117 incomplete), value hidden.
    data = golden_copy(tmp_path)
    edit_cell(data / "declarations.csv", "320117", "名称", "13812345678")
    a = assess(data)
    assert a.counties.set_index("code").at["320117", "status"] == "incomplete"
    page = report_html(a)
    assert "13812345678" not in page and phone_shapes(page) == []
    problems = report.shareable_problems(a.problems_table)
    assert ((problems["code"] == "320117") & (problems["table"] == "declarations")).any()


def test_row_shifted_by_one_cell_leaks_nothing(tmp_path):
    # An extra cell before the contact pushes the contact into 联系电话 and the phone into a
    # header-less column: both reach only located problems, never the report.
    data = golden_copy(tmp_path)
    header, rows = read_rows(data / "declarations.csv")
    row = next(r for r in rows if r[0] == "320281")
    row[header.index("联系人"):] = ["", "钱多多", "0510-86123456"]
    write_rows(data / "declarations.csv", header, rows)
    page = report_html(assess(data))
    assert "钱多多" not in page and "86123456" not in page
    assert phone_shapes(page) == []


def test_contact_shifted_into_the_unit_column_is_hidden(tmp_path):
    # A row shifted left: the contact's name lands in 面积单位 (a located error, 溧水 incomplete).
    data = golden_copy(tmp_path)
    header, rows = read_rows(data / "declarations.csv")
    row = next(r for r in rows if r[0] == "320117")
    row[header.index("面积单位"):] = ["孙志强", "13700001111", ""]
    write_rows(data / "declarations.csv", header, rows)
    a = assess(data)
    page = report_html(a)
    assert "孙志强" not in page and phone_shapes(page) == []
    assert any(p.code == "320117" and p.table == "declarations" for p in a.problems)


def test_formula_in_the_contact_cell_is_not_shown_as_text(tmp_path):
    # An xlsx whose contact cell holds a formula without a saved value: intake cannot read it
    # and quotes the formula in its notice; the shared report must not.
    data = golden_copy(tmp_path)
    header, rows = read_rows(data / "declarations.csv")
    (data / "declarations.csv").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    contact = header.index("联系人") + 1
    sheet.cell(row=2, column=contact).value = '=CONCATENATE("吴","建国","18655554444")'
    workbook.save(data / "declarations.xlsx")
    a = assess(data)
    assert any("公式" in p.message for p in a.problems)  # the notice exists (problems.csv keeps it)
    page = report_html(a)
    assert "CONCATENATE" not in page and "建国" not in page and phone_shapes(page) == []


def test_phone_in_free_text_of_other_tables_is_masked(tmp_path):
    data = golden_copy(tmp_path)
    edit_cell(data / "veto_events.csv", "320581", "说明", "举报人电话 139 0000 1234，座机 (025)83456789")
    edit_cell(data / "bonus_events.csv", "320583", "title", "联系 +86-150-1234-5678")
    page = report_html(assess(data))
    assert phone_shapes(page) == []
    assert "139****1234" in page and "150****5678" in page and report.PHONE_MASK in page


def test_masking_keeps_hashes_codes_documents_dates_and_scores():
    a = run_assessment(2025, GOLDEN / "input", PARAMS)
    page = report_html(a)
    for digest in a.inputs.file_hashes.values():
        assert digest in page
    for digest in a.draw["hash"]:
        assert digest in page
    # WORKED.md: 320685 has total 92.50, a national document 自然资办函〔2025〕345号; the deadline 2026-01-15.
    for text in ("320685", "92.50", "自然资办函〔2025〕345号", "2026-01-15", "88.13"):
        assert text in page, text


@pytest.mark.parametrize(("text", "masked"), [
    ("13812345678", "138****5678"),
    ("+86 138-1234-5678", "138****5678"),
    ("手机：１３８１２３４５６７８", "手机：１３８****５６７８"),
    ("025-83456789", report.PHONE_MASK),
    ("0512 6789 1234", report.PHONE_MASK),
])
def test_phone_shapes_are_masked(text, masked):
    assert report.mask_phone_numbers(text) == masked


@pytest.mark.parametrize("text", [
    "320102", "苏自然资发〔2024〕12号", "2025-01-15", "92.50", "12345678901", "320102199001011234",
    "61c98b79821e9dbcbb554f63775202133a95f7262ea02cc5f73fea24a9f648d8",
    "a" * 30 + "13812345678" + "b" * 23,  # inside a long hex run
])
def test_non_phone_numbers_survive(text):
    assert report.mask_phone_numbers(text) == text


# ----------------------------------------------------------------------------- B. nothing injects

HOSTILE_NAMES = {"320102": "=HYPERLINK(\"http://x\",\"点我\")", "320104": "+SUM(1,2)", "320105": "-2+3",
                 "320106": "@cmd", "320111": "\t=1+1", "320113": "\r=1+1"}


@pytest.fixture
def hostile_divisions() -> Divisions:
    """The Jiangsu list with six undeclared units renamed to formulas (a custom divisions list)."""
    base = load_divisions()
    table = base.table.copy()
    for code, name in HOSTILE_NAMES.items():
        table.loc[table["code"] == code, "name"] = name
    return Divisions(table, base.source_file)


def test_results_csv_neutralises_hostile_names_and_keeps_normal_rows(tmp_path, hostile_divisions):
    a = assess(golden_copy(tmp_path), hostile_divisions)
    paths = write_outputs(a, tmp_path / "out")
    assert unsafe(csv_cells(paths["results.csv"])) == []
    written = pd.read_csv(paths["results.csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    renamed = written["code"].isin(HOSTILE_NAMES)
    # Every other row is the hand-worked golden row, cell for cell.
    assert written[~renamed].reset_index(drop=True).equals(expected[~renamed].reset_index(drop=True))
    assert written.loc[written["code"] == "320104", "name"].item() == "'+SUM(1,2)"


def test_problems_csv_and_publicity_list_hold_no_formula(tmp_path):
    data = golden_copy(tmp_path)
    edit_cell(data / "veto_events.csv", "320581", "类型", "=cmd|' /C calc'!A0")
    edit_cell(data / "bonus_events.csv", "320583", "date", "@SUM(A1)")
    edit_cell(data / "land_stats.csv", "320111", "违法占用耕地面积", "-1+1")
    edit_cell(data / "declarations.csv", "320115", "申报日期", "+2026-01-10")
    a = assess(data)
    paths = write_outputs(a, tmp_path / "out")
    cells = csv_cells(paths["problems.csv"])
    assert any(c.startswith("'=cmd") for c in cells)  # the problem is listed, neutralised
    assert unsafe(cells) == []
    assert unsafe(xlsx_cells(paths["publicity.xlsx"])) == []


def test_correction_notices_and_templates_hold_no_formula(tmp_path, hostile_divisions):
    from landassess.problems import Problem
    from landassess.vocabulary import ERROR

    problems = [Problem(ERROR, "veto_events", "-类型无法识别", file="=veto.csv", row=3, value="=1+1",
                        expected="@类型", code="320102"),
                Problem(ERROR, "scores", "评分超出满分", file="scores.csv", row=5, value="\t-5", code="320104",
                        party="=评委甲"),
                Problem(ERROR, "land_stats", "+缺少耕地数据", file="land_stats.csv", value="@x", code="320104")]
    notices = write_notices(problems, tmp_path / "notices", 2025, hostile_divisions)
    assert len(notices) == 3  # the county, the evaluator, the department and all(p.parent == tmp_path / "notices" for p in notices)
    for path in notices:
        assert unsafe(xlsx_cells(path)) == []
    table = hostile_divisions.table.copy()
    table.loc[table["city"] == "南京市", "city"] = '=南京"市'
    divisions = Divisions(table, hostile_divisions.source_file)
    for path in write_templates(tmp_path / "templates", 2025, divisions, load_params(2025)):
        assert unsafe(xlsx_cells(path)) == []


def test_notice_file_name_stays_in_its_folder(tmp_path):
    from landassess.problems import Problem
    from landassess.vocabulary import ERROR

    base = load_divisions()
    table = base.table.copy()
    table.loc[table["code"] == "320102", "name"] = "../../逃逸"
    written = write_notices([Problem(ERROR, "declarations", "缺申报日期", code="320102"),
                             Problem(ERROR, "scores", "评分超出满分", code="320102", party="../../评委")],
                            tmp_path / "n", 2025, Divisions(table, base.source_file))
    assert len(written) == 2
    assert [p.parent for p in written] == [tmp_path / "n"] * 2
    assert sorted(os.listdir(tmp_path)) == ["n"]


def test_recorded_decision_text_is_neutralised(tmp_path):
    folder = golden_copy(tmp_path)
    record_decision(folder, load_divisions(), "320115", "advanced", "=HYPERLINK(\"http://x\")", "@委员会")
    assert unsafe(csv_cells(folder / "decisions.csv")) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("  =1", "'  =1"), ("昆山市", "昆山市"), ("92.50", "92.50"), ("'=1", "'=1"), (3, 3), (None, None),
])
def test_neutralize_cell(value, expected):
    assert neutralize_cell(value) == expected


# ----------------------------------------------------------------------------- C. the draw check

HOSTILE_SEEDS = [
    pytest.param("golden-2025", id="plain"),
    pytest.param("it's", id="single-quote"),
    pytest.param('say "hi"', id="double-quote"),
    pytest.param("$(touch pwned)", id="command-substitution"),
    pytest.param("`touch pwned`", id="backticks"),
    pytest.param("x'; touch pwned; echo '", id="quote-break"),
    pytest.param("a\ntouch pwned", id="newline"),
    pytest.param("%s%n\\n%%", id="printf-format"),
    pytest.param("-n", id="leading-dash"),
    pytest.param("种子 ${HOME} & | > out.txt", id="cjk-and-shell-operators"),
    pytest.param("tab\there\r", id="tab-and-cr"),
    pytest.param("13812345678", id="phone-shaped-seed"),
]


def draw_section(seed: str) -> tuple[str, str, str]:
    """The verification section for the golden year with ``seed``: (sh command, python command, example code)."""
    a = run_assessment(2025, GOLDEN / "input", PARAMS)
    spot = a.params.spot_check.model_copy(update={"seed": seed})
    a.params = a.params.model_copy(update={"spot_check": spot})
    pool = sorted(a.draw["code"])
    a.draw = verification.draw_spot_checks(pool, seed, 2)
    page = str(report.verification_section(a))
    commands = [html.unescape(m) for m in re.findall(r"<pre class='la-mono la-check-(?:sh|py)'>(.*?)</pre>", page,
                                                      flags=re.S)]
    assert len(commands) == 2
    return commands[0], commands[1], a.draw["code"].iloc[0]


@pytest.mark.parametrize("seed", HOSTILE_SEEDS)
def test_published_shell_check_prints_the_hash_and_runs_nothing(tmp_path, seed):
    shell, _, code = draw_section(seed)
    expected = hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()
    work = tmp_path / "work"
    work.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work)}
    out = subprocess.run(["sh", "-c", shell], cwd=work, capture_output=True, text=True, timeout=30, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"{expected}  -\n"
    assert os.listdir(work) == []


@pytest.mark.parametrize("seed", HOSTILE_SEEDS)
def test_published_python_check_prints_the_hash(tmp_path, seed):
    _, one_liner, code = draw_section(seed)
    expected = hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()
    args = shlex.split(one_liner)
    assert args[0] == "python"
    # Only ASCII letters, digits, escapes and simple punctuation: nothing cmd.exe or PowerShell expands.
    assert not set(args[2]) & set('"$`%!^&|<>\n\r\t')
    work = tmp_path / "work"
    work.mkdir()
    direct = subprocess.run([sys.executable, *args[1:]], cwd=work, capture_output=True, text=True, timeout=30)
    assert direct.stdout.strip() == expected
    through_sh = subprocess.run(["sh", "-c", one_liner.replace("python", shlex.quote(sys.executable), 1)], cwd=work,
                                capture_output=True, text=True, timeout=30)
    assert through_sh.stdout.strip() == expected
    assert os.listdir(work) == []


# ----------------------------------------------------------------------------- D. what is published agrees


def test_untitled_units_keep_their_status_and_get_a_notice(tmp_path):
    # 泗洪 321324 (rank 8, 未入选) failed a check and 江宁 320115 (并列待定) had an objection upheld:
    # neither holds a provisional title, so nothing changes (SPEC 3.5/7.3); each gets a notice.
    data = golden_copy(tmp_path)
    with (data / "verification.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["321324", "否", "否", ""], ["320115", "", "是", ""]])
    a = assess(data)
    results = a.results().set_index("code")
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False).set_index("code")
    assert results.equals(expected)
    notices = {(p.code, p.severity) for p in a.problems if p.table == "verification"}
    assert {("321324", NOTICE), ("320115", NOTICE)} <= notices
    for code in ("321324", "320115"):
        sentence = report.verification_sentence(a, code)
        assert "不改变其状态" in sentence and "取消资格，不再增补" not in sentence


def test_decided_title_can_be_lost_and_decided_untitled_cannot(tmp_path):
    # The committee settles the tie: 江宁 先进 (3 先进 ≤ 3), 溧水 未入选. Then 江宁's objection is upheld
    # (it now holds a title: disqualified) and 溧水 fails a check (no title: unchanged, a notice).
    data = golden_copy(tmp_path)
    (data / "decisions.csv").write_text("县级代码,决定,理由\n320115,先进,表决\n320117,未入选,表决\n", encoding="utf-8")
    with (data / "verification.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["320115", "", "是", ""], ["320117", "否", "", ""]])
    a = assess(data)
    status = a.counties.set_index("code")["status"]
    assert status["320115"] == "disqualified" and status["320117"] == "not_selected"
    assert any(p.code == "320117" and p.severity == NOTICE and p.table == "verification" for p in a.problems)


def test_publicity_list_chart_ledger_and_counts_agree(tmp_path):
    # Golden: 模范 昆山, 江阴 (海安 取消资格); 先进 兴化, 丰县.
    a = run_assessment(2025, GOLDEN / "input", PARAMS)
    paths = write_outputs(a, tmp_path / "out")
    sheet = openpyxl.load_workbook(paths["publicity.xlsx"]).active
    rows = {r[1]: r[6] for r in sheet.iter_rows(min_row=3, values_only=True) if r and isinstance(r[0], int)}
    assert rows["海安市"] == "取消资格"
    assert sorted(n for n, t in rows.items() if t == "模范") == ["昆山市", "江阴市"]
    assert sorted(n for n, t in rows.items() if t == "先进") == ["丰县", "兴化市"]
    table = publicity_list(a)
    assert (table["拟评定称号"] == "模范").sum() == (a.counties["status"] == "model").sum() == 2
    fig = figures.ranked_totals(a)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    colours = [figures.status_color(s) for s in a.counties[a.counties["is_ranked"]].sort_values(
        ["position", "code"])["status"]]
    haian = next(i for i, label in enumerate(labels) if "海安市" in label)
    assert "取消资格" in labels[haian]
    bars = [p.get_facecolor() for p in ax.patches]
    from matplotlib.colors import to_rgba
    assert bars[haian] == to_rgba(figures.DISQUALIFIED_COLOR)
    assert sum(b == to_rgba(figures.MODEL_COLOR) for b in bars) == 2 and colours.count(figures.MODEL_COLOR) == 2
    overview = re.sub(r"<[^>]+>", "", str(report.overview(a)))
    model_line = re.search(r"模范（(\d+)）：([^先]*)", overview)
    assert model_line.group(1) == "2" and "海安市" not in model_line.group(2)
    ledger = dict(report.county_ledger(a, "320685"))
    assert "模范" not in ledger["称号"] and "取消资格" in ledger["结论"]
    ranking = str(report.ranking_table(a))
    haian_row = next(r for r in ranking.split("<tr") if ">海安市</td>" in r)  # its own row, not a tie note
    assert "模范" not in haian_row and "取消资格" in haian_row


@pytest.mark.parametrize(("code", "row", "must", "must_not"), [
    # drawn (丰县) and failed: a check result, stated as such
    pytest.param("320321", ["320321", "否", "否", ""], ["被抽中实地查验；实地查验未通过", "取消资格"], [], id="drawn-failed"),
    # drawn (丰县), nothing recorded about the check
    pytest.param("320321", ["320321", "", "否", ""], ["被抽中实地查验；实地查验结果尚未记录"], ["取消资格"], id="drawn-blank"),
    # not drawn (江阴) but a failed check recorded: a record, not a result of the draw
    pytest.param("320281", ["320281", "否", "", ""], ["未被抽中实地查验；（记录：查验未通过）", "取消资格"],
                 ["未被抽中实地查验；实地查验未通过"], id="not-drawn-failed"),
    # not drawn (兴化), passed recorded, other reason
    pytest.param("321281", ["321281", "是", "", "材料弄虚作假"], ["（记录：查验通过，其他取消资格原因：材料弄虚作假）"],
                 ["实地查验通过"], id="not-drawn-other-reason"),
    # not in the pool (泗洪, untitled), objection upheld: no draw wording contradiction, no effect
    pytest.param("321324", ["321324", "", "是", ""], ["不在实地查验抽取范围", "公示异议成立", "不改变其状态"],
                 ["取消资格，不再增补", "未被抽中"], id="untitled-objection"),
])
def test_ledger_verification_sentence_never_contradicts_itself(tmp_path, code, row, must, must_not):
    data = golden_copy(tmp_path)
    header, rows = read_rows(data / "verification.csv")
    rows = [r for r in rows if r[0] != code] + [row]
    write_rows(data / "verification.csv", header, rows)
    a = assess(data)
    sentence = report.verification_sentence(a, code)
    for text in must:
        assert text in sentence, sentence
    for text in must_not:
        assert text not in sentence, sentence
    assert not re.search(r"未被抽中[^（]*；实地查验(未)?通过", sentence)


# ----------------------------------------------------------------------------- E. decisions as the run applies them


def test_check_decision_refuses_what_the_run_would_not_apply(tmp_path):
    folder = golden_copy(tmp_path)
    divisions = load_divisions()
    a = assess(folder)
    # 先进 holds 兴化, 丰县 (quota 3): 江宁 先进 fits; then 溧水 先进 would make 4.
    record_decision(folder, divisions, "320115", "advanced", "表决", "评审委员会", assessment=a)
    a = assess(folder)
    assert a.counties.set_index("code").at["320115", "status"] == "advanced"
    before = (folder / "decisions.csv").read_bytes()
    with pytest.raises(DecisionError, match="超出名额"):
        record_decision(folder, divisions, "320117", "advanced", "表决", "评审委员会", assessment=a)
    assert (folder / "decisions.csv").read_bytes() == before
    with pytest.raises(DecisionError, match="未进入排名"):
        check_decision(a, "320481", "model")  # 溧阳: incomplete, not ranked
    with pytest.raises(DecisionError, match="已有评审决定"):
        check_decision(a, "320115", "not_selected")
    check_decision(a, "320117", "not_selected")  # the run would apply it
