"""Hand edits are not lost (SPEC 8.4, issue 19): an output edited in place is kept before it is replaced."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from landassess.cli import EXIT_OK, main
from landassess.run.handedits import kept_name

GOLDEN = Path(__file__).parent / "golden" / "2025"
ARGS = ["--params", str(GOLDEN / "params.yaml"), "--as-of", "2026-03-01"]
KEPT = re.compile(r"^公示名单-手工修改-\d{12}\.xlsx$")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_kept_names():
    assert kept_name("公示名单.xlsx", "202603101530", set()) == "公示名单-手工修改-202603101530.xlsx"
    taken = {"公示名单-手工修改-202603101530.xlsx"}
    assert kept_name("公示名单.xlsx", "202603101530", taken) == "公示名单-手工修改-202603101530-2.xlsx"


@pytest.mark.slow
def test_an_edited_output_is_kept_recorded_and_carried(tmp_path, capsys):
    out = tmp_path / "outputs" / "2025"
    run = ["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--out", str(out), *ARGS]
    assert main(run) == EXIT_OK
    assert "hand_edits" not in _manifest(out)  # nothing edited, nothing kept
    original = (out / "公示名单.xlsx").read_bytes()
    edited = original + b"\x00edited in WPS"  # saved in place by a user
    (out / "公示名单.xlsx").write_bytes(edited)
    capsys.readouterr()
    assert main(run) == EXIT_OK
    said = capsys.readouterr()
    kept = [p.name for p in out.iterdir() if KEPT.match(p.name)]
    assert len(kept) == 1 and (out / kept[0]).read_bytes() == edited
    assert (out / "公示名单.xlsx").read_bytes() == original  # regenerated from the results, as before
    assert "手工修改" in said.err + said.out and kept[0] in said.err + said.out
    record = _manifest(out)["hand_edits"]
    assert [(r["file"], r["was"], r["sha256"]) for r in record] == [(kept[0], "公示名单.xlsx",
                                                                    hashlib.sha256(edited).hexdigest())]
    assert _manifest(out)["outputs"][kept[0]] == hashlib.sha256(edited).hexdigest()
    # The next run keeps the kept copy and finds nothing new to keep.
    assert main(run) == EXIT_OK
    assert [p.name for p in out.iterdir() if "手工修改" in p.name] == kept
    assert len(_manifest(out)["hand_edits"]) == 1
    from landassess.run.ownership import YEAR, check_owned

    assert check_owned(out, YEAR) == out.resolve()  # still a folder landassess owns


@pytest.mark.slow
def test_an_edited_draft_is_kept_when_documents_drafts_it_again(tmp_path, capsys):
    out = tmp_path / "outputs" / "2025"
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "input", data)
    assert main(["run", "--year", "2025", "--data", str(data), "--out", str(out), *ARGS]) == EXIT_OK
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    documents = ["documents", "--year", "2025", "--out", str(out), "--only", "通报"]
    assert main(documents) == EXIT_OK
    drafted = (out / "表彰通报.docx").read_bytes()
    (out / "表彰通报.docx").write_bytes(drafted + b"\x00edited in Word")
    capsys.readouterr()
    assert main(documents) == EXIT_OK
    said = capsys.readouterr()
    kept = [p for p in out.iterdir() if p.name.startswith("表彰通报-手工修改-")]
    assert len(kept) == 1 and kept[0].read_bytes() == drafted + b"\x00edited in Word"
    assert (out / "表彰通报.docx").read_bytes() == drafted and "手工修改" in said.err
    assert _manifest(out)["hand_edits"][0]["was"] == "表彰通报.docx"
