"""The README's commands, run as written (SPEC 8.3, issue 18): a change that breaks them breaks the build.

- ``make demo`` runs (into a scratch ``OUT_ROOT`` and ``SCRATCH``, with the environment under test
  as ``BIN`` so that make never reinstalls it) and writes what the README says;
  ``make test`` is the command running this very test: the Makefile's target is checked instead.
- The conda block's ``landassess run`` runs in an empty folder holding the project's demo.
- The command-line reference and the Windows (PowerShell) block name only subcommands and options the
  command line accepts; the PowerShell install is the Makefile's (the lock, then the project without
  dependencies).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
BIN = Path(sys.prefix) / "bin"


def _blocks(language: str) -> list[str]:
    return [body for lang, body in FENCE.findall(README.read_text(encoding="utf-8")) if lang == language]


def _commands(block: str) -> list[str]:
    return [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8",
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("LANDASSESS_HOME", None)
    return env


def test_the_two_commands_are_the_first_block():
    first = _commands(_blocks("sh")[0])
    assert first == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    test_target = re.search(r"^test: install\n((?:\t.*\n)+)", makefile, re.M)
    assert test_target and "-m pytest" in test_target.group(1)  # `make test` runs the whole suite


@pytest.mark.slow
@pytest.mark.skipif(not (BIN / "landassess").exists(), reason="the environment under test has no bin/landassess")
def test_make_demo_runs_as_written(tmp_path):
    out_root, scratch = tmp_path / "outputs", tmp_path / "build"
    (command,) = [c for c in _commands(_blocks("sh")[0]) if c == "make demo"]
    done = subprocess.run(
        [*command.split(), f"BIN={BIN}", "-o", f"{BIN}/landassess"], cwd=ROOT, capture_output=True, text=True,
        encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL, timeout=900,
        env={**_env(), "OUT_ROOT": str(out_root), "SCRATCH": str(scratch)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # "→ outputs/<year>/report.html, outputs/index.html" and the collected cycle of 2024.
    for year in (2022, 2023, 2024):
        assert (out_root / str(year) / "report.html").is_file()
    assert (out_root / "index.html").is_file()
    assert (out_root / "2024-collected" / "results.csv").read_bytes() == (out_root / "2024" / "results.csv").read_bytes()


@pytest.mark.slow
def test_the_conda_blocks_run_command(tmp_path):
    block = next(b for b in _blocks("sh") if "conda env create" in b)
    (command,) = [c for c in _commands(block) if c.startswith("landassess ")]
    os.symlink(ROOT / "demo", tmp_path / "demo", target_is_directory=True)
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", stdin=subprocess.DEVNULL, timeout=600, env=_env())
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "outputs" / "2024" / "report.html").is_file()  # the default output folder


def test_the_command_line_reference_names_real_commands_and_options():
    from landassess.cli import build_parser

    parser = build_parser()
    (subparsers,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    reference = next(b for b in _blocks("") if b.lstrip().startswith("landassess run"))
    lines = [line for line in reference.splitlines() if line.startswith("landassess ")]
    assert len(lines) >= 10
    for line in lines:
        name = line.split()[1]
        assert name in subparsers.choices, line
        options = set(subparsers.choices[name]._option_string_actions)
        for option in re.findall(r"(--[a-z][a-z-]*)", line.split("#")[0]):
            assert option in options, (name, option)


def test_the_powershell_block_is_the_makefiles_install_and_real_commands():
    from landassess.cli import build_parser

    (block,) = _blocks("powershell")
    steps = [step.split("#")[0].strip() for line in block.splitlines() for step in line.split(";")]
    steps = [step for step in steps if step]
    assert steps[0].startswith("py -3") and steps[0].endswith("-m venv .venv")
    # the runtime and JupyterLab (setup-lab below), without bytecode for what is never imported (issue 21)
    assert r".venv\Scripts\pip install --no-compile -r requirements-lab.lock" in steps
    assert (ROOT / "requirements-lab.lock").is_file()
    assert r".venv\Scripts\pip install --no-deps -e ." in steps
    commands = [step.removeprefix(".venv\\Scripts\\landassess ").split() for step in steps
                if step.startswith(".venv\\Scripts\\landassess ")]
    assert [c[0] for c in commands] == ["setup-lab", "demo", "app"]
    for args in commands:
        build_parser().parse_args(args)
