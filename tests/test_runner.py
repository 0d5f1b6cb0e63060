"""``landassess.run.runner``: one year executed with papermill, exported, and moved into place.

Expected values come from the golden year's hand working (``tests/golden/2025/WORKED.md``) and
SPEC 5 (the files of a year's output folder); none is copied from the program's output.
"""

import datetime as dt
import json
import os
import re
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from landassess.assessment import run_assessment
from landassess.run.ownership import OwnershipError
from landassess.run.runner import RunResult, _keep_failed_notebook, export_html, run_year, write_year_outputs

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
AS_OF = dt.date(2026, 3, 1)

SPEC_5_FILES = {"results.csv", "report.html", "assessment.ipynb", "公示名单.xlsx", "manifest.json"}
"""SPEC 5: results, the shareable report, the executed notebook, the 公示名单 and the manifest."""

RESULT_COLUMNS = ["code", "name", "city", "status", "vetoes", "base_score", "bonus", "total", "rank", "tier",
                  "spot_check"]
"""SPEC 5: the columns results.csv has at least."""


def without_data_uris(html: str) -> str:
    """The page without its inlined ``data:`` payloads (base64 may spell "http" by chance)."""
    return re.sub(r"data:[^\"')\s]+", "data:", html)


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory) -> RunResult:
    out = tmp_path_factory.mktemp("runner") / "2025"
    return run_year(2025, GOLDEN / "input", out, params_file=GOLDEN / "params.yaml", as_of=AS_OF)


@pytest.fixture(scope="module")
def golden_assessment():
    return run_assessment(2025, GOLDEN / "input", GOLDEN / "params.yaml", as_of=AS_OF)


# ----------------------------------------------------------------------------- run_year


@pytest.mark.slow
def test_run_year_writes_the_spec_5_files(golden_run):
    assert golden_run.year == 2025 and golden_run.out.name == "2025"
    written = {path.name for path in golden_run.out.iterdir()}
    assert SPEC_5_FILES <= written
    assert not any(name.startswith(".") or "tmp" in name for name in written), written  # no staging left over


@pytest.mark.slow
def test_run_year_results_follow_the_hand_working(golden_run):
    results = pd.read_csv(golden_run.out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(RESULT_COLUMNS) <= set(results.columns)
    assert len(results) == 95  # every county-level division of Jiangsu (SPEC 3.6)
    assert list(results["code"]) == sorted(results["code"])
    by_code = results.set_index("code")
    # WORKED.md section 10.
    assert by_code.loc["320583", ["status", "total", "rank", "tier", "spot_check"]].tolist() == [
        "model", "92.50", "1", "model", "false"]
    assert by_code.loc["320685", ["status", "rank", "tier", "spot_check"]].tolist() == [
        "disqualified", "2", "model", "true"]
    assert by_code.loc["320581", "vetoes"] == "media_exposure;key_management_county"
    assert by_code.loc[["320115", "320117"], "status"].tolist() == ["tie_pending", "tie_pending"]
    assert by_code.loc["320481", "status"] == "incomplete" and by_code.loc["320481", "total"] == ""


@pytest.mark.slow
def test_run_year_records_its_parameters_and_as_of_date(golden_run):
    manifest = json.loads((golden_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["year"] == 2025
    assert "2026-03-01" in json.dumps(manifest, ensure_ascii=False)
    assert {"results.csv", "report.html", "assessment.ipynb", "公示名单.xlsx"} <= set(manifest["outputs"])
    executed = nbformat.read(golden_run.out / "assessment.ipynb", as_version=4)
    parameters = executed.metadata["papermill"]["parameters"]
    assert parameters["year"] == 2025 and parameters["as_of"] == "2026-03-01"
    assert parameters["output_is_staging"] is True


@pytest.mark.slow
def test_run_year_report_is_offline(golden_run):
    html = (golden_run.out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "http" not in without_data_uris(html).lower()


@pytest.mark.slow
def test_export_html_is_self_contained_without_code(golden_run, tmp_path):
    executed = golden_run.out / "assessment.ipynb"
    html = export_html(executed)
    assert "<script" not in html.lower()
    assert "http" not in without_data_uris(html).lower()  # no link, stylesheet, font or image fetched from anywhere
    assert "@font-face" in html and "data:" in html  # the font travels inside the page
    assert "run_assessment(" not in html  # code cells are hidden


@pytest.mark.slow
def test_export_html_declares_the_report_chinese(golden_run):
    html = export_html(golden_run.out / "assessment.ipynb")
    assert re.search(r'<html lang="zh(?:-CN)?"', html)


@pytest.mark.slow
def test_report_anchors_are_the_notebooks_stable_cell_ids(golden_run):
    executed = golden_run.out / "assessment.ipynb"
    html = export_html(executed)
    committed = nbformat.read(ROOT / "notebooks" / "assessment.ipynb", as_version=4)
    anchors = re.findall(r"cell-id=([\w-]+)", html)
    # papermill's injected cell gets a random id; the exporter names it, so the page is stable too.
    assert sorted(anchors) == sorted([cell.id for cell in committed.cells] + ["injected-parameters"])
    assert export_html(executed, notebook=nbformat.read(executed, as_version=4)) == html


# ----------------------------------------------------------------------------- the failed notebook


@pytest.fixture
def executed(tmp_path) -> Path:
    path = tmp_path / "work" / "assessment.ipynb"
    path.parent.mkdir()
    path.write_text('{"failed": true}', encoding="utf-8")
    return path


def test_failed_notebook_is_kept_beside_the_output_folder(executed, tmp_path):
    out = tmp_path / "2025"
    failed = _keep_failed_notebook(executed, out)
    assert failed == tmp_path / "2025.failed.ipynb"
    assert failed.read_text(encoding="utf-8") == '{"failed": true}'


def test_failed_notebook_replaces_an_earlier_failed_notebook(executed, tmp_path):
    earlier = tmp_path / "2025.failed.ipynb"
    earlier.write_text("earlier failure", encoding="utf-8")
    assert _keep_failed_notebook(executed, tmp_path / "2025") == earlier
    assert earlier.read_text(encoding="utf-8") == '{"failed": true}'


def test_failed_notebook_never_replaces_a_folder(executed, tmp_path):
    foreign = tmp_path / "2025.failed.ipynb"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    failed = _keep_failed_notebook(executed, tmp_path / "2025")
    assert failed != foreign and failed.parent == tmp_path and failed.is_file()
    assert failed.read_text(encoding="utf-8") == '{"failed": true}'
    assert foreign.is_dir() and (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("target", [
    pytest.param("file", id="to-a-file"),
    pytest.param("folder", id="to-a-folder"),
    pytest.param("missing", id="dangling"),
])
def test_failed_notebook_never_writes_through_a_symlink(executed, tmp_path, target):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    pointed = elsewhere / "target"
    if target == "file":
        pointed.write_text("someone else's", encoding="utf-8")
    elif target == "folder":
        pointed.mkdir()
    link = tmp_path / "2025.failed.ipynb"
    link.symlink_to(pointed)
    failed = _keep_failed_notebook(executed, tmp_path / "2025")
    assert failed != link and not failed.is_symlink()
    assert failed.read_text(encoding="utf-8") == '{"failed": true}'
    assert link.is_symlink() and os.readlink(link) == str(pointed)
    if target == "file":
        assert pointed.read_text(encoding="utf-8") == "someone else's"
    elif target == "folder":
        assert list(pointed.iterdir()) == []
    else:
        assert not pointed.exists()
    assert list(elsewhere.iterdir()) == ([] if target == "missing" else [pointed])


# ----------------------------------------------------------------------------- write_year_outputs


@pytest.mark.parametrize("output_dir", [pytest.param("", id="empty"), pytest.param("  ", id="blank")])
def test_write_year_outputs_without_a_folder_uses_a_scratch_folder(golden_assessment, tmp_path, monkeypatch,
                                                                   capsys, output_dir):
    scratch_root = tmp_path / "system-temp"
    scratch_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_root))
    monkeypatch.chdir(ROOT)  # as from JupyterLab opened in the repository: the cwd is not used
    written = write_year_outputs(golden_assessment, output_dir)
    assert set(written) == {"results.csv", "results.xlsx", "publicity.xlsx", "committee.xlsx", "problems.csv",
                            "manifest.json"}
    folders = {path.parent for path in written.values()}
    assert len(folders) == 1
    folder = folders.pop()
    assert folder.parent == scratch_root and folder.name.startswith("landassess-2025-")
    assert ROOT not in folder.resolve().parents
    assert all(path.is_file() for path in written.values())
    assert str(folder) in capsys.readouterr().out  # the user is told where the files went


def test_write_year_outputs_into_a_new_folder_goes_through_the_owner_check(golden_assessment, tmp_path):
    out = tmp_path / "mine" / "2025"
    written = write_year_outputs(golden_assessment, str(out))
    assert {path.parent for path in written.values()} == {out}
    assert {"results.csv", "公示名单.xlsx", "problems.csv", "manifest.json"} <= {p.name for p in out.iterdir()}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "results.csv" in manifest["outputs"]  # landassess's manifest: the folder is now ours


def test_write_year_outputs_refuses_a_foreign_folder(golden_assessment, tmp_path):
    foreign = tmp_path / "someone"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not landassess", encoding="utf-8")
    with pytest.raises(OwnershipError):
        write_year_outputs(golden_assessment, str(foreign))
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_write_year_outputs_refuses_the_data_folder(golden_assessment):
    before = sorted(p.name for p in (GOLDEN / "input").iterdir())
    with pytest.raises(OwnershipError):
        write_year_outputs(golden_assessment, str(GOLDEN / "input"))
    assert sorted(p.name for p in (GOLDEN / "input").iterdir()) == before


@pytest.mark.slow
def test_no_staging_leftovers_in_a_runs_parent(golden_run):
    # The folder's lock file (.2025.lock) stays by design; a staging folder or temporary file may not.
    leftovers = [p.name for p in golden_run.out.parent.iterdir() if p != golden_run.out and not p.name.endswith(".lock")]
    assert leftovers == []


@pytest.mark.slow
def test_the_early_kernel_goes_away_when_the_run_stops_before_it(tmp_path):
    """``run`` starts its kernel first thing (issue 22); a run refused before the notebook leaves none behind."""
    import subprocess
    import sys

    import psutil

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "landassess.cli", "run", "--year", "2025", "--data",
                                str(tmp_path / "missing"), "--out", str(tmp_path / "out")],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children: set[int] = set()
    while process.poll() is None:  # the kernel it started, while it runs
        try:
            children |= {c.pid for c in psutil.Process(process.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            break
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr  # the input folder does not exist: exit 3, in Chinese
    assert "输入文件夹不存在" in stderr
    assert children, "the run started no kernel"
    assert not [p for p in scratch.iterdir() if p.name.startswith("landassess-kernel-")]
    assert not [pid for pid in children if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"]


@pytest.mark.slow
def test_the_command_line_of_a_run_never_imports_pandas(tmp_path):
    """Issue 22: the kernel assesses the year; the command line only starts it, exports and hashes.

    Importing pandas (and pydantic through the parameters) in the command line as well took
    about 0.6 s of the second core while the kernel was starting — the time a busy machine lacks.
    """
    import subprocess
    import sys

    script = ("import sys\nfrom landassess.cli import main\n"
              f"code = main(['run', '--year', '2024', '--data', {str(ROOT / 'demo' / '2024')!r}, "
              f"'--out', {str(tmp_path / 'out')!r}])\n"
              "print('exit', code, 'heavy', sorted(m for m in ('pandas', 'numpy', 'pydantic', 'openpyxl', 'matplotlib')"
              " if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "lib")})
    assert proc.stdout.strip().splitlines()[-1] == "exit 0 heavy []", proc.stdout + proc.stderr
    assert (tmp_path / "out" / "results.csv").is_file() and "完成" in proc.stdout
