"""SPEC 8.0: packaged defaults, then the department's ``params/base.yaml`` and ``params/<Y>.yaml``,
then ``--params`` — every command, the same order, and the files with their hashes in the manifest."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from landassess.cli import EXIT_INPUT, EXIT_OK, main
from landassess.paths import department_files, params_dir

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def department(tmp_path, monkeypatch):
    """A department folder with the demo year 2024, its own base.yaml and 2024.yaml; the working folder."""
    shutil.copytree(DEMO / "2024", tmp_path / "data" / "2024")
    (tmp_path / "params").mkdir()
    # base.yaml sets the issuer and a seed; 2024.yaml overrides the seed; --params overrides the count.
    (tmp_path / "params" / "base.yaml").write_text(
        "documents:\n  issuer: 江苏省自然资源厅\nspot_check:\n  seed: 基础种子\n", encoding="utf-8")
    (tmp_path / "params" / "2024.yaml").write_text("spot_check:\n  seed: 2024-公示-01\n", encoding="utf-8")
    (tmp_path / "extra.yaml").write_text("spot_check:\n  count: 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_department_files_in_order_and_never_the_packaged_folder(tmp_path):
    assert department_files(2024, params_dir()) == []  # run in the project folder: nothing added
    assert department_files(2024, tmp_path / "absent") == []
    (tmp_path / "2024.yaml").write_text("", encoding="utf-8")
    assert department_files(2024, tmp_path) == [tmp_path / "2024.yaml"]
    (tmp_path / "base.yaml").write_text("", encoding="utf-8")
    assert department_files(2024, tmp_path) == [tmp_path / "base.yaml", tmp_path / "2024.yaml"]
    assert department_files(2023, tmp_path) == [tmp_path / "base.yaml"]


def test_run_stacks_the_files_and_records_them(department, capsys):
    out = department / "outputs" / "2024"
    assert main(["run", "--year", "2024", "--data", "data/2024", "--out", str(out), "--as-of", "2025-03-01",
                 "--params", "extra.yaml"]) == EXIT_OK
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    expected = [("landassess:params/base.yaml", _sha(params_dir() / "base.yaml")),
                (str((department / "params" / "base.yaml").resolve()), _sha(department / "params" / "base.yaml")),
                (str((department / "params" / "2024.yaml").resolve()), _sha(department / "params" / "2024.yaml")),
                (str((department / "extra.yaml").resolve()), _sha(department / "extra.yaml"))]
    assert [(entry["file"], entry["sha256"]) for entry in manifest["parameter_files"]] == expected
    spot = manifest["parameters"]["spot_check"]
    assert spot["seed"] == "2024-公示-01"  # the year's file over the department's base
    assert spot["count"] == 2  # --params last
    assert manifest["parameters"]["documents"]["issuer"] == "江苏省自然资源厅"  # from base.yaml, untouched later
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "params/2024.yaml" in report and _sha(department / "params" / "2024.yaml") in report
    assert str(department) not in report  # the report names the files, not the department's full path
    # Issue 19: each value with the file that set it last (the fixture's three files, by hand).
    cells = re.sub(r"</?span[^>]*>", "", report)
    for name, value, source in [("公开随机种子", "2024-公示-01", "params/2024.yaml"), ("抽取数量", "2", "tmp_path/extra.yaml"),
                                ("发文机关", "江苏省自然资源厅", "params/base.yaml"), ("模范名额", "10", "软件默认参数")]:
        source = source.replace("tmp_path", department.name)
        assert re.search(rf"<td[^>]*>{name}</td><td[^>]*>{value}</td><td[^>]*>{source}</td>", cells), name
    # The draw used the year's seed: two units drawn.
    results = (out / "results.csv").read_text(encoding="utf-8").splitlines()
    header = results[0].split(",")
    drawn = [row for row in results[1:] if row.split(",")[header.index("spot_check")] == "true"]
    assert len(drawn) == 2


def test_an_invalid_department_file_is_exit_3_naming_it(department, capsys):
    (department / "params" / "base.yaml").write_text("spot_check:\n  cuont: 2\n", encoding="utf-8")
    assert main(["validate", "--year", "2024", "--data", "data/2024"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "cuont" in err and str(Path("params") / "base.yaml") in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_department_file_that_is_a_fifo_is_refused_not_skipped(department, capsys):
    (department / "params" / "2024.yaml").unlink()
    os.mkfifo(department / "params" / "2024.yaml")
    assert main(["validate", "--year", "2024", "--data", "data/2024"]) == EXIT_INPUT
    assert "不是普通文件" in capsys.readouterr().err


def test_every_year_command_reads_the_department_files(department, capsys):
    """validate, template and documents see the same stack (the year's seed, the base's issuer)."""
    from landassess import cli

    for argv in (["validate", "--year", "2024"], ["template", "--year", "2024", "--out", "t"],
                 ["documents", "--year", "2024"], ["collect", "--year", "2024", "--from", "r"],
                 ["whatif", "--year", "2024"]):
        args = cli.build_parser().parse_args(argv)
        cli._department_params(args)
        assert args.params == (Path("params/base.yaml"), Path("params/2024.yaml")), argv
    args = cli.build_parser().parse_args(["run", "--year", "2023", "--params", "extra.yaml"])
    cli._department_params(args)
    assert args.params == (Path("params/base.yaml"), Path("extra.yaml"))  # no 2023.yaml: base, then --params
    # A department file also given with --params is applied once, where --params puts it.
    args = cli.build_parser().parse_args(["run", "--year", "2024", "--params", "params/2024.yaml"])
    cli._department_params(args)
    assert args.params == (Path("params/base.yaml"), Path("params/2024.yaml"))


def test_batch_children_read_their_years_department_files(department):
    import datetime as dt

    from landassess.run.batch import _run_one

    year, _, message, code = _run_one(2024, Path("data/2024"), department / "outputs" / "2024",
                                      [Path("extra.yaml")], dt.date(2025, 3, 1))
    assert code == EXIT_OK, message
    manifest = json.loads((department / "outputs" / "2024" / "manifest.json").read_text(encoding="utf-8"))
    assert [Path(entry["file"]).name for entry in manifest["parameter_files"]] == [
        "base.yaml", "base.yaml", "2024.yaml", "extra.yaml"]


def test_app_reads_each_years_department_files_and_refuses_an_invalid_one(department, tmp_path_factory):
    from landassess.params import ParamsError
    from landassess.run.app import injected_parameters, prepare

    shutil.copytree(DEMO / "2023", department / "data" / "2023")
    plan = prepare(Path("data"), Path("outputs"), 2024, None, workdir=tmp_path_factory.mktemp("app"),
                   department=Path("params"))
    values = injected_parameters(plan)
    assert values["department_params"] == str((department / "params").resolve())
    assert values["params_file"] == ""
    (department / "params" / "2024.yaml").write_text("tiers: 3\n", encoding="utf-8")
    with pytest.raises(ParamsError):
        prepare(Path("data"), Path("outputs"), 2024, None, workdir=tmp_path_factory.mktemp("app"),
                department=Path("params"))
