"""Names that cannot be faked (SPEC 8.0) and control characters that cannot crash a writer (issue 16).

Names are compared after NFKC, removal of format characters (Cf) and trimming, in every table,
workbook and argument; a name that still matches nothing is a located problem. A control character
in a parameter that reaches a document or workbook is a parameter error (exit 3, the key named);
in a command-line argument it is a usage error (exit 2). Nothing is written in either case.
"""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from landassess.assessment import run_assessment
from landassess.cli import EXIT_INPUT, EXIT_USAGE, main
from landassess.names import canonical, control_characters, same_name

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
PARAMS = GOLDEN / "params.yaml"
AS_OF = dt.date(2026, 3, 1)
FORMAT_CHARACTERS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e"]
"""Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, left-to-right mark, RTL override."""


# ----------------------------------------------------------------------------- the canonical form

@pytest.mark.parametrize("invisible", FORMAT_CHARACTERS)
def test_an_invisible_character_does_not_make_another_name(invisible):
    assert all(unicodedata.category(c) == "Cf" for c in invisible)
    assert canonical(f"评委{invisible}甲") == "评委甲"
    assert same_name(f" {invisible}评委甲\u3000", "评委甲")


def test_full_width_forms_are_the_same_name_and_different_names_stay_different():
    assert canonical("评委Ａ１") == "评委A1"
    assert not same_name("评委甲", "评委乙")
    assert not same_name("评委甲", "评委 甲")  # an inner space is visible: trimming only at the ends


@given(st.text(max_size=20), st.lists(st.sampled_from(FORMAT_CHARACTERS), max_size=4), st.integers(0, 20))
def test_canonical_ignores_inserted_format_characters_and_is_idempotent(text, inserted, at):
    spoofed = text[:at] + "".join(inserted) + text[at:]
    assert canonical(canonical(spoofed)) == canonical(spoofed)
    assert canonical(spoofed) == canonical(text)


def test_control_characters_are_found_and_escaped():
    assert control_characters("江苏省\x07自然资源厅\n") == ["\\x07", "\\x0a"]
    assert control_characters("第一行\n第二行\t", newlines=True) == []
    assert control_characters("江苏省自然资源厅") == []


# ----------------------------------------------------------------------------- names in the tables

@pytest.fixture
def golden_copy(tmp_path) -> Path:
    data = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", data)
    return data


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_county_and_a_city_with_invisible_characters_are_the_same(golden_copy):
    plain = run_assessment(2025, golden_copy, PARAMS, as_of=AS_OF)
    _replace(golden_copy / "declarations.csv", "320115,江宁区,南京市", "320115,江宁\u200b区,南京\ufeff市")
    _replace(golden_copy / "recommendations.csv", "南京市,320117,1", "\u200b南京市,320117,1")
    spoofed = run_assessment(2025, golden_copy, PARAMS, as_of=AS_OF)
    assert spoofed.results().equals(plain.results())
    assert [p.reason for p in spoofed.problems] == [p.reason for p in plain.problems]


def test_an_evaluator_with_an_invisible_character_keeps_the_recusal(golden_copy):
    """Issue 16: 评委甲 recused from 昆山市, the score sheet spelling it with a zero-width space."""
    (golden_copy / "recusals.csv").write_text("评委,县级代码\n评委甲,320583\n", encoding="utf-8")
    plain = run_assessment(2025, golden_copy, PARAMS, as_of=AS_OF)
    _replace(golden_copy / "scores.csv", "评委甲,320583,", "评委\u200b甲,320583,")
    spoofed = run_assessment(2025, golden_copy, PARAMS, as_of=AS_OF)
    kunshan = spoofed.counties.set_index("code").loc["320583", "base_score"]
    assert kunshan == plain.counties.set_index("code").loc["320583", "base_score"]
    assert spoofed.results().equals(plain.results())
    assert [p.reason for p in spoofed.problems if p.code == "320583"] == \
        [p.reason for p in plain.problems if p.code == "320583"]


def test_a_recusal_naming_nobody_is_a_located_problem(golden_copy):
    """A look-alike NFKC cannot fold (Cyrillic а for a Latin a) matches nothing: said, never silent."""
    (golden_copy / "recusals.csv").write_text("评委,县级代码\n评委甲,320583\nEv\u0430luator,320115\n", encoding="utf-8")
    _replace(golden_copy / "scores.csv", "评委乙,", "Evaluator,")
    found = [p for p in run_assessment(2025, golden_copy, PARAMS, as_of=AS_OF).problems
             if p.reason == "recusal.unknown_evaluator"]
    assert [(p.table, p.row, p.value) for p in found] == [("recusals", 3, "Ev\u0430luator")]


# ----------------------------------------------------------------------------- control characters

@pytest.mark.parametrize(("key", "yaml"), [
    pytest.param("documents.issuer", 'documents: {issuer: "江苏省自然资源厅\\a"}', id="issuer-bell"),
    pytest.param("documents.objection_channel", 'documents: {objection_channel: "电话\\x1b[31m"}', id="channel-escape"),
    pytest.param("spot_check.seed", 'spot_check: {seed: "seed\\0"}', id="seed-nul"),
    pytest.param("divisions.province", 'divisions: {province: "江苏\\n省"}', id="province-newline"),
])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_a_control_character_in_a_parameter_exits_3_naming_the_key(tmp_path, monkeypatch, capsys, key, yaml,
                                                                    command):
    params = tmp_path / "bad.yaml"
    params.write_text(yaml + "\n", encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    argv = [command, "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(params)]
    code = main(argv + (["--out", str(out)] if command == "run" else []))
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert key in err and "Traceback" not in err
    assert not out.exists()


def test_a_control_character_in_the_documents_issuer_exits_3_for_documents(tmp_path, monkeypatch, capsys):
    out = tmp_path / "2025"
    monkeypatch.chdir(tmp_path)
    assert main(["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(PARAMS),
                 "--as-of", "2026-03-01", "--out", str(out)]) == 0
    before = sorted(p.name for p in out.iterdir())
    params = tmp_path / "bad.yaml"
    params.write_text('documents: {issuer: "江苏省\\u0007自然资源厅"}\n', encoding="utf-8")
    capsys.readouterr()
    code = main(["documents", "--year", "2025", "--out", str(out), "--params", str(params)])
    assert code == EXIT_INPUT and "documents.issuer" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == before  # no draft written


@pytest.mark.parametrize("argv", [
    pytest.param(["template", "--year", "2025", "--evaluators", "评委甲,评委\x07乙"], id="template-evaluators"),
    pytest.param(["collect", "--year", "2025", "--from", "returned", "--evaluators", "评委\x1b甲"],
                 id="collect-evaluators"),
    pytest.param(["validate", "--year", "2025", "--data", "in\x00put"], id="path-nul"),
    pytest.param(["whatif", "--year", "2025", "--set", "documents.issuer=江苏\x08省"], id="whatif-set"),
])
def test_a_control_character_in_an_argument_exits_2_and_writes_nothing(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(argv + (["--out", str(tmp_path / "out")] if argv[0] == "template" else []))
    assert exited.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "\\x" in err and "Traceback" not in err  # the character is shown escaped
    assert list(tmp_path.iterdir()) == []


def test_evaluator_names_on_the_command_line_are_canonical():
    from landassess.run.arguments import names

    assert names("评委\u200b甲， 评委乙 ,评委甲") == ["评委甲", "评委乙"]
