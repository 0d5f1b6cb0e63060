"""One owner of provenance (issue 10): the manifest is built once and the report shows the same facts.

One ``landassess run`` of the golden year (``python -m landassess.cli``) writes manifest.json and report.html; the report's 溯源
section must show the manifest's input hashes, software versions, commit and as-of date. The
input hashes are also computed here from the files themselves.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from landassess.assessment import run_assessment
from landassess.publish import provenance, report
from landassess.publish.outputs import write_outputs
from landassess.run import ownership

GOLDEN = Path(__file__).parent / "golden" / "2025"
ROOT = Path(__file__).resolve().parent.parent
INPUT_FILES = {  # table → file of tests/golden/2025/input
    "bonus_events": "bonus_events.csv", "declarations": "declarations.csv", "land_stats": "land_stats.csv",
    "recommendations": "recommendations.csv", "scores": "scores.csv", "verification": "verification.csv",
    "veto_events": "veto_events.csv",
}
KEYS = {"generator", "kind", "year", "as_of", "is_demo", "inputs", "parameter_files", "parameters", "software", "commit",
        "status_counts", "summary", "outputs"}


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory) -> tuple[dict, str, Path]:
    """The manifest, the report's 溯源 section (unescaped) and the output folder of one run of the golden year."""
    scratch = tmp_path_factory.mktemp("provenance")
    out = scratch / "2025"
    # Its own process, as a user runs it (a process runs one year: see run.runner.WarmKernel).
    proc = subprocess.run([sys.executable, "-m", "landassess.cli", "run", "--year", "2025",
                           "--data", str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"),
                           "--as-of", "2026-03-01", "--out", str(out)],
                          capture_output=True, text=True, cwd=scratch, timeout=300)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    page = (out / "report.html").read_text(encoding="utf-8")
    section = re.search(r'<section id="provenance">.*?</section>', page, re.S)
    assert section is not None
    return manifest, html.unescape(section.group()), out


@pytest.mark.slow
def test_the_manifest_holds_the_provenance(golden_run):
    manifest, _, _ = golden_run
    assert set(manifest) == KEYS
    assert (manifest["generator"], manifest["kind"], manifest["year"]) == ("landassess", "year", 2025)
    assert manifest["as_of"] == "2026-03-01" and manifest["is_demo"] is False
    assert set(manifest["software"]) == {*provenance.PACKAGES, "python"}
    assert manifest["software"]["landassess"] and manifest["software"]["pandas"] and manifest["software"]["python"]
    assert manifest["commit"] is None or re.fullmatch(r"[0-9a-f]{40}", manifest["commit"])
    # tests/golden/2025/params.yaml, by hand: seed golden-2025, count 2, quotas 3 and 3.
    parameters = manifest["parameters"]
    assert parameters["spot_check"]["seed"] == "golden-2025" and parameters["spot_check"]["count"] == 2
    assert parameters["tiers"]["model"]["quota"] == 3 and parameters["tiers"]["advanced"]["quota"] == 3
    # SPEC 8.0: the files applied, in order, with their hashes (the packaged defaults, then --params).
    assert manifest["parameter_files"] == [
        {"file": "landassess:params/base.yaml", "sha256": hashlib.sha256((ROOT / "params" / "base.yaml").read_bytes()).hexdigest()},
        {"file": str((GOLDEN / "params.yaml").resolve()),
         "sha256": hashlib.sha256((GOLDEN / "params.yaml").read_bytes()).hexdigest()}]


@pytest.mark.slow
def test_the_manifest_hashes_the_input_files_themselves(golden_run):
    manifest, _, _ = golden_run
    expected = {table: {"file": name, "sha256": hashlib.sha256((GOLDEN / "input" / name).read_bytes()).hexdigest()}
                for table, name in INPUT_FILES.items()}
    assert manifest["inputs"] == expected


@pytest.mark.slow
def test_the_runner_adds_the_output_hashes(golden_run):
    manifest, _, out = golden_run
    assert {"results.csv", "report.html", "assessment.ipynb", "公示名单.xlsx", "problems.csv"} <= set(manifest["outputs"])
    for name, digest in manifest["outputs"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name


@pytest.mark.slow
def test_the_report_shows_what_the_manifest_holds(golden_run):
    manifest, section, _ = golden_run
    assert set(re.findall(r"\b[0-9a-f]{64}\b", section)) == {
        e["sha256"] for e in [*manifest["inputs"].values(), *manifest["parameter_files"]]}
    rows = _rows(section)
    assert ["参数文件（依次生效）", "软件默认参数（params/base.yaml）", manifest["parameter_files"][0]["sha256"]] in rows
    assert ["参数文件（依次生效）", "2025/params.yaml", manifest["parameter_files"][1]["sha256"]] in rows
    for entry in manifest["inputs"].values():
        assert any(row[1:] == [entry["file"], entry["sha256"]] for row in rows), entry
    software = dict(manifest["software"])
    assert f"Python {software.pop('python')}" in section
    for package, version in software.items():
        assert f"{package} {version or '（未安装）'}" in section
    commit = manifest["commit"][:12] if manifest["commit"] else "（不在 git 仓库中）"
    assert f"代码版本（git）：<span class='la-mono'>{commit}</span>" in section
    assert "<b>2026-03-01</b>" in section
    # The parameters used, in words with the file each came from (issue 19), not a YAML dump:
    # tests/golden/2025/params.yaml sets the seed golden-2025.
    assert "<pre" not in section and "seed:" not in section
    assert ["公开随机种子", "golden-2025", "2025/params.yaml", "spot_check.seed"] in rows
    assert "完整参数见 manifest.json 的 parameters" in section


def _rows(section: str) -> list[list[str]]:
    """Each table row of ``section`` as its cells' texts (tags removed)."""
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)]


def test_the_manifest_is_built_once_per_assessment(monkeypatch, tmp_path):
    calls = {"versions": 0, "commit": 0}
    real_versions, real_commit = provenance.software_versions, provenance.git_commit

    def counting_versions():
        calls["versions"] += 1
        return real_versions()

    def counting_commit(folder=None):
        calls["commit"] += 1
        return real_commit(folder)

    monkeypatch.setattr(provenance, "software_versions", counting_versions)
    monkeypatch.setattr(provenance, "git_commit", counting_commit)
    a = run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of="2026-03-01")
    write_outputs(a, tmp_path)
    section = str(report.provenance_section(a, run_time="2026-03-01T09:00:00+08:00"))
    assert calls == {"versions": 1, "commit": 1}
    written = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert written == provenance.year_manifest(a)
    assert all(e["sha256"] in section for e in written["inputs"].values())


def test_no_commit_is_none_never_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert provenance.git_commit(tmp_path) is None  # not a repository
    monkeypatch.setenv("PATH", str(tmp_path))  # no git program at all
    assert provenance.git_commit(tmp_path) is None
    assert provenance.git_commit(tmp_path / "missing") is None  # not even a folder


def test_the_manifest_marks_the_folder_as_ownership_expects():
    assert (provenance.GENERATOR, provenance.KIND, provenance.MANIFEST) == (
        ownership.GENERATOR, ownership.YEAR, ownership.MANIFEST)
