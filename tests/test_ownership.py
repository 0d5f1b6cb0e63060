"""Attacks on SPEC 7.1 (what landassess may touch) and 7.2 (one date, one answer).

Each test states a promise and tries to break it: wrong ``--out`` folders, symlinks, files in the
way, a second process, a finalised year, ``kill -9`` half-way, other time zones and umasks. The
assertions are about what happened to the files (nothing lost, nothing foreign touched), not
about the wording of messages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from landassess.cli import main
from landassess.run import ownership, versions

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
PARAMS = str(GOLDEN / "params.yaml")


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (symlinks as their target text) → its content hash."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            digest[key] = "link:" + os.readlink(path)
        elif path.is_file():
            digest[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digest[key] = "dir"
    return digest


def cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landassess.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd or tempfile.mkdtemp(prefix="landassess-cli-"),
                          env={**os.environ, **(env or {})})


def run_args(out: Path, *extra: str) -> list[str]:
    return ["run", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", PARAMS, "--out", str(out),
            "--as-of", "2026-03-01", *extra]


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    """One real run of the golden year (its folder is copied by the tests that change it)."""
    out = tmp_path_factory.mktemp("run") / "2025"
    proc = cli(*run_args(out))
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture
def data_copy(tmp_path) -> Path:
    data = tmp_path / "data" / "2025"
    shutil.copytree(GOLDEN / "input", data)
    return data


def in_process(args: list[str], cwd: Path, monkeypatch) -> int:
    """The command line in this process, for refusals that happen before any notebook runs."""
    monkeypatch.chdir(cwd)
    return main(args)


# ----------------------------------------------------------------------------- refused folders


@pytest.mark.parametrize("where", ["data", "inside_data", "around_data"])
def test_out_overlapping_the_data_folder_is_refused_and_inputs_stay(where, data_copy, tmp_path, monkeypatch):
    out = {"data": data_copy, "inside_data": data_copy / "results", "around_data": data_copy.parent}[where]
    before = tree_digest(tmp_path / "data")
    code = in_process(["run", "--year", "2025", "--data", str(data_copy), "--params", PARAMS, "--out", str(out)],
                      tmp_path, monkeypatch)
    assert code == 2
    assert tree_digest(tmp_path / "data") == before


def test_out_dot_is_the_working_folder_and_is_refused(tmp_path, monkeypatch):
    work = tmp_path / "project"
    (work / ".git").mkdir(parents=True)
    (work / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (work / "notes.txt").write_text("mine")
    before = tree_digest(work)
    assert in_process(run_args(Path(".")), work, monkeypatch) == 2
    assert tree_digest(work) == before


def test_out_above_the_working_folder_is_refused(tmp_path, monkeypatch):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    assert in_process(run_args(Path("..")), work, monkeypatch) == 2
    assert work.is_dir()


def test_out_through_a_symlink_leaves_the_target_alone(tmp_path, monkeypatch):
    target = tmp_path / "precious"
    target.mkdir()
    (target / "thesis.docx").write_bytes(b"years of work")
    (tmp_path / "link").symlink_to(target, target_is_directory=True)
    before = tree_digest(target)
    assert in_process(run_args(tmp_path / "link"), tmp_path, monkeypatch) == 2
    assert tree_digest(target) == before and (tmp_path / "link").is_symlink()


def test_a_symlink_to_an_earlier_landassess_output_is_refused_too(finished_run, tmp_path, monkeypatch):
    copy = tmp_path / "real"
    shutil.copytree(finished_run, copy)
    (tmp_path / "link").symlink_to(copy, target_is_directory=True)
    before = tree_digest(copy)
    assert in_process(run_args(tmp_path / "link"), tmp_path, monkeypatch) == 2
    assert tree_digest(copy) == before


def test_a_regular_file_as_out_is_refused(tmp_path, monkeypatch):
    file = tmp_path / "report.docx"
    file.write_bytes(b"not a folder")
    assert in_process(run_args(file), tmp_path, monkeypatch) == 2
    assert file.read_bytes() == b"not a folder"


def test_a_folder_of_other_files_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "budget.xlsx").write_bytes(b"x")
    assert in_process(run_args(out), tmp_path, monkeypatch) == 2
    assert (out / "budget.xlsx").read_bytes() == b"x"


def test_a_foreign_file_put_into_an_output_folder_makes_it_foreign(finished_run, tmp_path, monkeypatch):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    (out / "我的笔记.txt").write_text("do not delete", encoding="utf-8")
    before = tree_digest(out)
    assert in_process(run_args(out), tmp_path, monkeypatch) == 2
    assert tree_digest(out) == before


def test_a_symlink_inside_an_output_folder_makes_it_foreign(finished_run, tmp_path, monkeypatch):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep")
    (out / "results.csv").unlink()
    (out / "results.csv").symlink_to(elsewhere)
    assert in_process(run_args(out), tmp_path, monkeypatch) == 2
    assert elsewhere.read_text() == "keep"


@pytest.mark.parametrize("inside", ["versions/v1", "versions", "versions/v1/new", "new_sub"])
def test_nothing_inside_a_year_folder_can_be_an_output(inside, finished_run, tmp_path, monkeypatch):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    (out / "versions" / "v1").mkdir(parents=True)
    shutil.copy2(out / "manifest.json", out / "versions" / "v1" / "manifest.json")
    before = tree_digest(out)
    assert in_process(run_args(out / inside), tmp_path, monkeypatch) == 2
    assert tree_digest(out) == before


def test_a_parent_that_is_a_file_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "afile").write_text("x")
    assert in_process(run_args(tmp_path / "afile" / "2025"), tmp_path, monkeypatch) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root writes anywhere")
def test_a_read_only_parent_is_a_message(tmp_path, monkeypatch):
    parent = tmp_path / "ro"
    parent.mkdir()
    parent.chmod(0o555)
    try:
        assert in_process(run_args(parent / "2025"), tmp_path, monkeypatch) == 2
    finally:
        parent.chmod(0o755)


def test_an_empty_folder_and_a_missing_parent_are_fine_for_the_owner_check(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert ownership.check_owned(empty, ownership.YEAR) == empty
    assert ownership.check_owned(tmp_path / "new" / "deep" / "2025", ownership.YEAR) == tmp_path / "new" / "deep" / "2025"
    (empty / "desktop.ini").write_text("[.ShellClassInfo]")  # Windows Explorer leaves this
    assert ownership.check_owned(empty, ownership.YEAR) == empty


def test_a_notices_folder_is_not_a_year_folder(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    with pytest.raises(ownership.OwnershipError):
        ownership.check_owned(out, ownership.NOTICES)


# ----------------------------------------------------------------------------- one writer at a time


def test_a_run_waits_for_nobody_and_refuses_while_another_holds_the_lock(finished_run, tmp_path, monkeypatch):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    before = tree_digest(out)
    with ownership.folder_lock(out):
        assert in_process(run_args(out), tmp_path, monkeypatch) == 6
        assert in_process(["finalize", "--year", "2025", "--out", str(out)], tmp_path, monkeypatch) == 6
    assert tree_digest(out) == before
    assert not versions.is_finalized(out)


def test_finalize_during_a_real_run_refuses_and_the_run_finishes(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    proc = subprocess.Popen([sys.executable, "-m", "landassess.cli", *run_args(out)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: any(p.name.startswith(".2025.tmp-") for p in tmp_path.iterdir()))
        finalize = cli("finalize", "--year", "2025", "--out", str(out))
        assert finalize.returncode == 6, finalize.stderr
    finally:
        proc.communicate(timeout=300)
    assert proc.returncode == 0
    assert not versions.is_finalized(out)
    assert cli("finalize", "--year", "2025", "--out", str(out)).returncode == 0
    assert versions.is_finalized(out)


def _wait_for(condition, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "the run never started"
        time.sleep(0.02)


# ----------------------------------------------------------------------------- finalised years and versions


def test_a_reissued_year_stays_finalised_and_no_version_is_ever_deleted(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    assert cli("finalize", "--year", "2025", "--out", str(out)).returncode == 0
    first = (out / "results.csv").read_bytes()
    assert cli(*run_args(out)).returncode == 5
    assert cli(*run_args(out, "--force")).returncode == 0
    assert versions.is_finalized(out), "a re-issued year keeps its lock"
    assert (out / "versions" / "v1" / "results.csv").read_bytes() == first
    assert cli(*run_args(out)).returncode == 5, "the next plain run must not replace the re-issue"
    v1 = tree_digest(out / "versions" / "v1")
    assert cli(*run_args(out, "--force")).returncode == 0
    assert sorted(p.name for p in (out / "versions").iterdir()) == ["v1", "v2"]
    assert tree_digest(out / "versions" / "v1") == v1
    record = json.loads((out / versions.LOCK_FILE).read_text(encoding="utf-8"))
    assert record["version"] == 3  # v1 finalised, v2 the first re-issue, this the third


def test_an_unlocked_run_carries_earlier_versions_over(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    (out / "versions" / "v1").mkdir(parents=True)
    (out / "versions" / "v1" / "results.csv").write_text("old\n")
    assert cli(*run_args(out)).returncode == 0
    assert (out / "versions" / "v1" / "results.csv").read_text() == "old\n"


# ----------------------------------------------------------------------------- kill -9


def test_kill_9_mid_run_keeps_the_earlier_outputs_and_the_next_run_cleans_up(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    before = tree_digest(out)
    proc = subprocess.Popen([sys.executable, "-m", "landassess.cli", *run_args(out)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    _wait_for(lambda: any(p.name.startswith(".2025.tmp-") for p in tmp_path.iterdir()))
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert tree_digest(out) == before
    assert cli(*run_args(out)).returncode == 0
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_a_writer_killed_between_the_two_renames_is_recovered(finished_run, tmp_path):
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    before = tree_digest(out)
    os.replace(out, tmp_path / ".2025.old-4242")  # the old folder moved aside, the new one never arrived
    (tmp_path / ".2025.tmp-abcd").mkdir()
    with ownership.folder_lock(out):
        ownership.recover(out)
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".2025.lock", "2025"]


# ----------------------------------------------------------------------------- umask


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o755), (0o027, 0o750), (0o002, 0o775)])
def test_output_folders_follow_the_umask(mask, mode, tmp_path):
    old = os.umask(mask)
    try:
        with ownership.OwnedFolder(tmp_path / "notices", ownership.NOTICES) as folder:
            (folder.path / "a.xlsx").write_bytes(b"x")
            folder.commit(manifest_files=["a.xlsx"])
    finally:
        os.umask(old)
    assert (tmp_path / "notices").stat().st_mode & 0o777 == mode
    assert (tmp_path / "notices" / "a.xlsx").stat().st_mode & 0o777 == mode & 0o666


# ----------------------------------------------------------------------------- validate --notices, template, batch


def test_validate_notices_leave_no_stale_notice_for_a_county_now_clean(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(GOLDEN / "input", data)
    notices = tmp_path / "notices"
    declarations = data / "declarations.csv"
    clean = declarations.read_text(encoding="utf-8-sig")
    first_code = clean.splitlines()[1].split(",")[0]
    declarations.write_text(clean.replace(f"{first_code},", f"{first_code},", 1).replace(
        clean.splitlines()[1], clean.splitlines()[1].rsplit(",", 1)[0] + ",不是日期", 1), encoding="utf-8")
    args = ["validate", "--year", "2025", "--data", str(data), "--params", PARAMS, "--notices", str(notices),
            "--as-of", "2026-03-01"]
    in_process(args, tmp_path, monkeypatch)
    assert any(p.suffix == ".xlsx" for p in notices.iterdir())
    declarations.write_text(clean, encoding="utf-8")
    assert in_process(args, tmp_path, monkeypatch) in (0, 1)
    assert [p for p in notices.iterdir() if p.suffix == ".xlsx" and first_code in p.name] == []


def test_validate_notices_into_a_foreign_folder_is_refused(tmp_path, monkeypatch):
    notices = tmp_path / "mine"
    notices.mkdir()
    (notices / "letter.docx").write_bytes(b"x")
    args = ["validate", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", PARAMS,
            "--notices", str(notices)]
    assert in_process(args, tmp_path, monkeypatch) == 2
    assert sorted(p.name for p in notices.iterdir()) == ["letter.docx"]


def test_template_into_a_foreign_folder_is_refused_and_into_its_own_is_replaced(tmp_path, monkeypatch):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "x.txt").write_text("x")
    assert in_process(["template", "--year", "2025", "--out", str(foreign)], tmp_path, monkeypatch) == 2
    assert sorted(p.name for p in foreign.iterdir()) == ["x.txt"]
    own = tmp_path / "templates"
    assert in_process(["template", "--year", "2025", "--out", str(own)], tmp_path, monkeypatch) == 0
    assert in_process(["template", "--year", "2025", "--out", str(own)], tmp_path, monkeypatch) == 0
    assert "manifest.json" in {p.name for p in own.iterdir()}


def test_batch_into_the_data_root_is_refused(tmp_path, monkeypatch):
    root = tmp_path / "data"
    shutil.copytree(GOLDEN / "input", root / "2025")
    before = tree_digest(root)
    assert in_process(["batch", "--years", "2025", "--data-root", str(root), "--out-root", str(root)],
                      tmp_path, monkeypatch) == 2
    assert tree_digest(root) == before


@pytest.mark.parametrize("args", [
    ["batch", "--years", "2025", "--jobs", "0"],
    ["batch", "--years", "2025", "--jobs", "-3"],
    ["batch", "--years", "0-5"],
    ["run", "--year", "99999"],
    ["run", "--year", "-1"],
    ["run", "--year", "二〇二五"],
    ["run", "--year", "2025", "--as-of", "2025-02-30"],
    ["validate", "--year", "1899"],
])
def test_bad_arguments_are_usage_errors_in_chinese(args, tmp_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as stop:
        in_process(args, tmp_path, monkeypatch)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "命令用法错误" in err
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- time zones and the as-of date


@pytest.mark.slow
def test_results_are_identical_in_every_time_zone(tmp_path):
    digests = set()
    for zone in ("Pacific/Kiritimati", "America/Adak", "UTC"):
        out = tmp_path / zone.replace("/", "_")
        proc = cli(*run_args(out), env={"TZ": zone})
        assert proc.returncode == 0, proc.stderr
        digests.add((out / "results.csv").read_bytes())
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["as_of"] == "2026-03-01"
    assert len(digests) == 1


def test_the_default_as_of_is_the_date_in_china(monkeypatch):
    import datetime as dt

    from landassess import clock

    class Late(dt.datetime):
        @classmethod
        def now(cls, tz=None):  # 2026-02-28 20:30 in New York is 2026-03-01 09:30 in Beijing
            return dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(clock.dt, "datetime", Late)
    assert clock.china_today() == dt.date(2026, 3, 1)
    assert clock.parse_as_of("") == dt.date(2026, 3, 1)
    assert clock.parse_as_of("2025-12-31") == dt.date(2025, 12, 31)


# ----------------------------------------------------------------------------- the notebook run by hand


@pytest.mark.slow
def test_the_notebook_by_hand_writes_a_scratch_folder_or_goes_through_the_owner_check(finished_run, tmp_path):
    import papermill
    from papermill.exceptions import PapermillExecutionError

    notebook = ROOT / "notebooks" / "assessment.ipynb"
    common = {"year": 2025, "data_dir": str(GOLDEN / "input"), "params_file": PARAMS, "as_of": "2026-03-01"}
    out = tmp_path / "2025"
    shutil.copytree(finished_run, out)
    assert cli("finalize", "--year", "2025", "--out", str(out)).returncode == 0
    before = tree_digest(out)
    with pytest.raises(PapermillExecutionError) as refused:
        papermill.execute_notebook(str(notebook), str(tmp_path / "a.ipynb"), kernel_name="python3",
                                   parameters={**common, "output_dir": str(out)}, progress_bar=False,
                                   cwd=str(tmp_path))
    assert refused.value.ename == "FinalizedError"
    assert tree_digest(out) == before, "a finalised year is not rewritten from JupyterLab"
    fresh = tmp_path / "by-hand"
    papermill.execute_notebook(str(notebook), str(tmp_path / "b.ipynb"), kernel_name="python3",
                               parameters={**common, "output_dir": str(fresh)}, progress_bar=False,
                               cwd=str(tmp_path))
    assert (fresh / "results.csv").read_bytes() == (out / "results.csv").read_bytes()
    assert ownership.read_manifest(fresh) is not None
