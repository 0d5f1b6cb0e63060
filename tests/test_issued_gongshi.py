"""The 公示 is issued once (SPEC 8.4, issue 19): what was published stays on record, byte for byte.

The golden year (WORKED.md) without its verification table is the year as it stands at the 公示:
海安市 is 模范. ``documents`` issues the 公示 (``公示/公示公告.docx`` and ``公示/公示名单.xlsx``). Then the
on-site checks arrive (the golden verification.csv: 海安市 取消资格), the year is run again,
finalised, drafted again and re-issued with ``--force``: the issued 公示 never changes, its manifest
record (hashes, results it was issued from) is carried over, and it names exactly the units the
results it was issued from gave each title.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from docx import Document

from landassess.cli import EXIT_OK, main

GOLDEN = Path(__file__).parent / "golden" / "2025"
ARGS = ["--params", str(GOLDEN / "params.yaml"), "--as-of", "2026-03-01"]

pytestmark = pytest.mark.slow


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _issued_files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "公示").iterdir())}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    root = tmp_path_factory.mktemp("year")
    data, out = root / "data", root / "outputs" / "2025"
    shutil.copytree(GOLDEN / "input", data)
    (data / "verification.csv").unlink()  # the checks come after the 公示
    run = ["run", "--year", "2025", "--data", str(data), "--out", str(out), *ARGS]
    documents = ["documents", "--year", "2025", "--out", str(out), "--params", str(GOLDEN / "params.yaml")]
    stages = {}
    assert main(run) == EXIT_OK
    assert main(documents) == EXIT_OK
    stages["issued"] = (_issued_files(out), json.loads((out / "manifest.json").read_text(encoding="utf-8")),
                        (out / "results.csv").read_bytes())
    shutil.copyfile(GOLDEN / "input" / "verification.csv", data / "verification.csv")  # 海安市 取消资格
    assert main(run) == EXIT_OK
    stages["rerun"] = _issued_files(out)
    assert main(documents) == EXIT_OK  # not finalised: nothing to draft, the 公示 is on record
    stages["redraft"] = _issued_files(out)
    assert main(["finalize", "--year", "2025", "--out", str(out)]) == EXIT_OK
    assert main(documents) == EXIT_OK
    stages["final"] = _issued_files(out)
    assert main([*run, "--force"]) == EXIT_OK  # a re-issue replaces the drafts (kept in versions/v1) …
    assert (out / "versions" / "v1" / "表彰通报.docx").is_file() and not (out / "表彰通报.docx").exists()
    assert main(documents) == EXIT_OK  # … and they are drafted again from the re-issued results
    stages["reissued"] = _issued_files(out)
    return out, stages


def test_the_issued_gongshi_never_changes(cycle):
    out, stages = cycle
    first, manifest, _ = stages["issued"]
    assert sorted(first) == ["公示公告.docx", "公示名单.xlsx"]
    for stage in ("rerun", "redraft", "final", "reissued"):
        assert stages[stage] == first, stage
    now = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert now["issued"] == manifest["issued"]  # the record is carried over with the files
    assert now["issued"]["files"] == {f"公示/{name}": hashlib.sha256(data).hexdigest() for name, data in first.items()}
    assert not (out / "公示公告.docx").exists()  # no second, different 公示 beside it
    assert (out / "表彰通报.docx").is_file() and (out / "versions" / "v1").is_dir()


def test_the_issued_gongshi_agrees_with_the_results_it_was_issued_from(cycle):
    _, stages = cycle
    files, manifest, results_bytes = stages["issued"]
    assert manifest["issued"]["results_sha256"] == hashlib.sha256(results_bytes).hexdigest()
    results = pd.read_csv(io.BytesIO(results_bytes), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table = Document(io.BytesIO(files["公示公告.docx"])).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    listed = {title: sorted(row[2] for row in rows if row[3] == title) for title in {row[3] for row in rows}}
    expected = {"土地执法模范县（市、区）": sorted(results.loc[results["status"] == "model", "name"]),
                "土地执法先进县（市、区）": sorted(results.loc[results["status"] == "advanced", "name"])}
    if (results["status"] == "tie_pending").any():
        expected["待定"] = sorted(results.loc[results["status"] == "tie_pending", "name"])
    assert listed == expected
    assert "海安市" in listed["土地执法模范县（市、区）"]  # at the 公示, before the checks (WORKED.md)


def test_the_final_documents_follow_the_final_results(cycle):
    out, _ = cycle
    results = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert results.set_index("name").loc["海安市", "status"] == "disqualified"
    text = "\n".join(p.text for p in Document(out / "表彰通报.docx").paragraphs)
    assert "海安市" not in text and "另有1个拟命名单位经实地查验或异议核查被取消命名资格" in text
    # The current 公示名单 shows the change; the issued one does not.
    assert _sha(out / "公示名单.xlsx") != _sha(out / "公示" / "公示名单.xlsx")
