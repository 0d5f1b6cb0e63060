"""The guide is a program (SPEC 8.3, issue 18): 使用指南 第九部分 run as written, in order.

Every ```sh block of 第九部分 is marked ``<!-- 演练：运行 -->`` (optionally ``，退出码 N``): the test runs
each of its commands with bash, as written, in an empty folder that has the project's ``.venv``
(a link to the environment under test) and ``demo`` — the department folder of the guide. Each hand
step is marked ``<!-- 演练：手工 名称 -->`` and done here by the function of that name, using what the
guide shows (the YAML lines to change, the row to add, the folders to copy). At the end the year's
``results.csv`` must equal a direct assessment of the demo's flat tables with the same parameters
and recusal: the whole cycle (init → template → collect → score sheets → validate → run → finalize →
documents) changes no result. A step of the guide that no longer works breaks this test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "使用指南.md"
DEMO = ROOT / "demo"
YEAR = 2024

MARK = re.compile(r"<!-- 演练：(运行|手工)(?:，退出码 (\d+))?(?: (\S+))? -->")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


@dataclass
class Step:
    kind: str  # 运行 | 手工
    text: str  # from the marker to the next marker (or the end of 第九部分)
    exit_code: int = 0
    name: str = ""

    def blocks(self, language: str) -> list[str]:
        return [body for lang, body in FENCE.findall(self.text) if lang == language]

    def commands(self) -> list[str]:
        """The first ```sh block's commands, a trailing backslash joining lines (as the shell does)."""
        body = self.blocks("sh")[0].replace("\\\n", " ")
        return [line.strip() for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def part_nine() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    return text[text.index("## 九、"):text.index("## 十、")]


def steps() -> list[Step]:
    text = part_nine()
    marks = list(MARK.finditer(text))
    out = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        body = text[mark.end():following.start() if following else len(text)]
        out.append(Step(mark.group(1), body, int(mark.group(2) or 0), mark.group(3) or ""))
    return out


# ---------------------------------------------------------------------- the hand steps, as the guide says


def _fill_params(folder: Path, step: Step) -> None:
    """Change the lines the guide shows in params/<Y>.yaml (the file init wrote), one by one."""
    path = folder / "params" / f"{YEAR}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    (shown,) = step.blocks("yaml")
    for wanted in shown.splitlines():
        key, _, value = wanted.partition(":")
        if not value.strip():
            continue  # a group heading such as "spot_check:"
        at = [i for i, line in enumerate(lines) if line.split("#")[0].rstrip().startswith(f"{key}:")]
        assert at, f"the guide changes {key.strip()!r}, which params/{YEAR}.yaml (from init) does not have"
        lines[at[0]] = wanted
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _copy_named(folder: Path, step: Step, sources: dict[str, str]) -> None:
    """Copy the demo's folders or files the guide names (each name must be in the step's text)."""
    for source, target in sources.items():
        assert source.split("/")[-1] in step.text and target in step.text, (source, target)
        origin = ROOT / source
        destination = folder / target / origin.name
        if origin.is_dir():
            shutil.copytree(origin, destination)
        else:
            shutil.copyfile(origin, destination)


def _return_forms(folder: Path, step: Step) -> None:
    _copy_named(folder, step, {f"demo/returned/{YEAR}/县级申报材料": f"returned/{YEAR}/",
                               f"demo/returned/{YEAR}/设区市推荐名单": f"returned/{YEAR}/",
                               f"demo/collect-{YEAR}/land_stats.csv": f"data/{YEAR}/省厅记录/"})


def _recusal(folder: Path, step: Step) -> None:
    """Add the guide's rows under the header init wrote (the headers must agree)."""
    (shown,) = step.blocks("")
    header, *rows = shown.strip().splitlines()
    path = folder / "data" / str(YEAR) / "省厅记录" / "recusals.csv"
    text = path.read_text(encoding="utf-8")
    assert text.strip().splitlines() == [header]
    path.write_text(text + "".join(row + "\n" for row in rows), encoding="utf-8")


def _return_score_sheets(folder: Path, step: Step) -> None:
    _copy_named(folder, step, {f"demo/returned/{YEAR}/评委评分表": f"returned/{YEAR}/"})


def _verification(folder: Path, step: Step) -> None:
    target = folder / "data" / str(YEAR) / "省厅记录" / "verification.csv"
    assert target.read_text(encoding="utf-8").count("\n") == 1  # init's header only, replaced as the guide says
    target.unlink()
    _copy_named(folder, step, {f"demo/collect-{YEAR}/verification.csv": f"data/{YEAR}/省厅记录/"})


HAND = {"填写参数": _fill_params, "交回申报和推荐": _return_forms, "登记回避": _recusal,
        "交回评分表": _return_score_sheets, "记录查验结果": _verification}


# ---------------------------------------------------------------------- the guide's own shape


def test_every_command_of_part_nine_is_marked_and_every_hand_step_known():
    text = part_nine()
    sh_blocks = [m for m in FENCE.finditer(text) if m.group(1) == "sh"]
    found = steps()
    run = [s for s in found if s.kind == "运行"]
    # Each run marker owns exactly the first sh block after it; no sh block is left unmarked.
    assert len(run) == len(sh_blocks) and all(len(s.blocks("sh")) == 1 for s in run)
    assert {s.name for s in found if s.kind == "手工"} == set(HAND)
    for step in run:
        for command in step.commands():
            assert command.startswith(".venv/bin/landassess "), command
    # The department folder of the guide is the demo year.
    assert "--year 2025" not in text and "data/2025" not in text


def test_the_windows_section_gives_the_same_commands():
    """十一 (Windows): every landassess command it shows is one the command line accepts."""
    from landassess.cli import build_parser

    text = GUIDE.read_text(encoding="utf-8")
    windows = text[text.index("## 十一、"):]
    commands = re.findall(r"\.venv\\Scripts\\landassess ([^`;\n]*)", windows)
    assert commands, "the Windows section shows no landassess command"
    for command in commands:
        args = command.split("#")[0].split()
        build_parser().parse_args(args)  # SystemExit (test failure) for a command that does not exist
    assert "命令与 Linux 相同" in windows  # the cycle's commands of 第九部分 apply as they are
    install = re.findall(r"\.venv\\Scripts\\pip install ([^;\n`]*)", windows)
    assert "--no-compile -r requirements.lock" in install and "--no-deps -e ." in install
    assert "requirements-lab.lock" in windows and "--with-lab" in windows  # JupyterLab, for who wants it


# ---------------------------------------------------------------------- running it


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Part nine, run as written in an empty department folder; returns the folder and each command's output."""
    folder = tmp_path_factory.mktemp("省厅工作文件夹")
    os.symlink(Path(sys.prefix), folder / ".venv", target_is_directory=True)  # the project's .venv
    os.symlink(DEMO, folder / "demo", target_is_directory=True)  # the project's demo materials
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("LANDASSESS_HOME", None)
    log = []
    for step in steps():
        if step.kind == "手工":
            HAND[step.name](folder, step)
            log.append((step.name, None))
            continue
        for command in step.commands():
            done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True,
                                  encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL, timeout=600)
            assert done.returncode == step.exit_code, (command, done.returncode, done.stdout[-3000:],
                                                       done.stderr[-3000:])
            log.append((command, done.stdout + done.stderr))
    return folder, log


@pytest.mark.slow
def test_the_cycle_gives_the_results_of_the_flat_tables(cycle, tmp_path):
    from landassess.assessment import run_assessment

    folder, _ = cycle
    out = folder / "outputs" / str(YEAR)
    # The same year from the demo's flat tables, with the guide's parameters and recusal.
    flat = tmp_path / str(YEAR)
    shutil.copytree(DEMO / str(YEAR), flat)
    shutil.copyfile(folder / "data" / str(YEAR) / "省厅记录" / "recusals.csv", flat / "recusals.csv")
    expected = run_assessment(YEAR, flat, folder / "params" / f"{YEAR}.yaml").results()
    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [list(row.values()) for row in rows] == expected.astype(str).values.tolist()
    assert list(rows[0]) == list(expected.columns)
    # The guide's seed drew units; the recusal took out 评委A's scores of 张家港市.
    assert sum(row["spot_check"] == "true" for row in rows) == 4
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [Path(entry["file"]).name for entry in manifest["parameter_files"]] == ["base.yaml", f"{YEAR}.yaml"]
    assert manifest["parameters"]["spot_check"]["seed"] == f"{YEAR}-公示-01"


@pytest.mark.slow
def test_the_cycle_writes_what_the_guide_says(cycle):
    folder, log = cycle
    out = folder / "outputs" / str(YEAR)
    assert (out / "FINALIZED.json").is_file()  # 第 6 步
    assert (out / "表彰通报.docx").is_file()  # 第 7 步
    # 第 5 步: the 公示 issued before the checks, kept as issued (its record names the results of that run).
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["issued"]["files"]) == ["公示/公示公告.docx", "公示/公示名单.xlsx"]
    for name, digest in manifest["issued"]["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    assert manifest["issued"]["results_sha256"] != hashlib.sha256((out / "results.csv").read_bytes()).hexdigest()
    assert any("公示已于" in output for command, output in log if output and "documents" in command)
    # 第 3 步: only the evaluators' sheets, in the order of params/<Y>.yaml.
    sheets = folder / "templates" / f"{YEAR}-评分表"
    assert sorted(p.name for p in sheets.iterdir()) == ["manifest.json", "评委评分表"]  # manifest: the folder is ours
    assert sorted(p.name for p in (sheets / "评委评分表").iterdir()) == [
        f"评分表-评委{x}.xlsx" for x in "ABCDE"]
    # 第 4 步: the over-quota cities get their own notice, citing their own workbook.
    notices = folder / "outputs" / f"{YEAR}-补正通知"
    assert (notices / "徐州市-推荐名单-补正通知.xlsx").is_file()
    assert (notices / "省厅待核实事项.xlsx").is_file()
    # 第 2 步: the province's own tables are untouched by collect.
    records = folder / "data" / str(YEAR) / "省厅记录"
    assert (records / "land_stats.csv").read_bytes() == (DEMO / f"collect-{YEAR}" / "land_stats.csv").read_bytes()
    # Nothing the guide ran was an internal error.
    assert not [command for command, output in log if output and "内部错误" in output]
