"""The portable pieces of the Windows checklist (issue 13, docs/windows.md), tested on this system.

- the ownership swap replaces an existing folder by renaming it aside first (Windows cannot
  replace a folder), retries while a folder is briefly in use and otherwise refuses in Chinese,
  leaving the old folder as it was;
- paths with spaces and Chinese characters, CRLF line ends in the inputs;
- the sources hold no POSIX-only calls, and every text file is opened with an explicit encoding;
- the Python one-liner printed beside ``sha256sum`` in the report gives the draw's hash.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from landassess.run import ownership
from landassess.run.ownership import YEAR, OwnedFolder, OwnershipError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lib" / "landassess"


def _write_year(out: Path, text: str) -> None:
    with OwnedFolder(out, YEAR) as folder:
        (folder.path / "results.csv").write_text(text, encoding="utf-8")
        folder.commit(manifest_files=["results.csv"], year=2024)


def test_the_swap_replaces_an_existing_folder_with_spaces_and_chinese_in_its_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "评估 输出" / "2024 年度"
    _write_year(out, "第一次\n")
    _write_year(out, "第二次\n")  # the folder exists: renamed aside, then replaced
    assert (out / "results.csv").read_text(encoding="utf-8") == "第二次\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [".2024 年度.lock", "2024 年度"]


def test_a_folder_briefly_in_use_is_retried(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "输出"
    _write_year(out, "旧\n")
    real, calls = os.replace, []

    def flaky(source, target):
        calls.append(source)
        if len(calls) == 1:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process")
        return real(source, target)

    monkeypatch.setattr(ownership.os, "replace", flaky)
    monkeypatch.setattr(ownership.time, "sleep", lambda seconds: None)
    _write_year(out, "新\n")
    assert (out / "results.csv").read_text(encoding="utf-8") == "新\n"
    assert len(calls) == 3


def test_a_folder_held_open_is_refused_in_chinese_and_left_as_it_was(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "输出"
    _write_year(out, "旧\n")

    def locked(source, target):
        raise PermissionError(13, "Access is denied")

    monkeypatch.setattr(ownership.os, "replace", locked)
    monkeypatch.setattr(ownership.time, "sleep", lambda seconds: None)
    with pytest.raises(OwnershipError, match="正被其他程序使用"):
        _write_year(out, "新\n")
    monkeypatch.undo()
    assert (out / "results.csv").read_text(encoding="utf-8") == "旧\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [".输出.lock", "输出"]  # no staging left


def test_the_second_rename_failing_puts_the_old_folder_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "输出"
    _write_year(out, "旧\n")
    real = os.replace

    def second_fails(source, target):
        if ".tmp-" in Path(source).name:
            raise PermissionError(13, "Access is denied")
        return real(source, target)

    monkeypatch.setattr(ownership.os, "replace", second_fails)
    monkeypatch.setattr(ownership.time, "sleep", lambda seconds: None)
    with pytest.raises(OwnershipError):
        _write_year(out, "新\n")
    monkeypatch.undo()
    assert (out / "results.csv").read_text(encoding="utf-8") == "旧\n"


def test_crlf_inputs_assess_like_lf_inputs(tmp_path):
    from landassess.assessment import run_assessment

    lf = ROOT / "demo" / "2023"  # UTF-8, LF
    crlf = tmp_path / "数据 2023"
    shutil.copytree(lf, crlf)
    for path in crlf.glob("*.csv"):
        data = path.read_bytes()
        assert b"\r\n" not in data
        path.write_bytes(data.replace(b"\n", b"\r\n"))
    first = run_assessment(2023, lf, as_of="2024-06-30")
    second = run_assessment(2023, crlf, as_of="2024-06-30")
    columns = ["code", "status", "total", "rank", "tier"]
    assert first.counties[columns].equals(second.counties[columns])
    assert [p.message for p in first.problems] == [p.message for p in second.problems]


POSIX_ONLY = {
    r"strftime\(\s*[\"'][^\"']*%-[a-zA-Z]|\{[^{}\n]*:[^{}\n]*%-[a-zA-Z]": "strftime's %-m / %-d (glibc only; Windows raises)",
    r"\bos\.(getuid|geteuid|getgid|fork|killpg|setsid|getpgid)\b": "POSIX-only os call",
    r"\bsignal\.SIG(KILL|HUP|USR1|USR2|ALRM|CHLD)\b": "signal missing on Windows",
    r"^\s*(import|from) (fcntl|pwd|grp|termios|resource)\b": "POSIX-only module",
    r"[\"']/tmp\b": "hard-coded /tmp (use tempfile)",
    r"\bshell=True\b": "shell commands differ between sh and cmd",
    r"\bos\.symlink\(|\.symlink_to\(": "symlinks need a privilege on Windows",
}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_posix_only_calls(path):
    text = path.read_text(encoding="utf-8")
    found = [f"{why}: {m.group()!r}" for pattern, why in POSIX_ONLY.items()
             for m in re.finditer(pattern, text, flags=re.MULTILINE)]
    assert found == []


BINARY_OPENERS = {"os", "archive", "zipfile", "webbrowser", "tarfile", "gzip"}
"""``<name>.open(...)`` that is not a text file (a file descriptor, a zip member, a browser)."""


def _opens_text_without_encoding(tree: ast.AST) -> list[int]:
    """Lines calling open()/Path.open()/read_text()/write_text() in text mode without encoding=."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        keywords = {k.arg for k in node.keywords}
        if "encoding" in keywords:
            continue
        if name in ("read_text", "write_text") and isinstance(func, ast.Attribute):
            lines.append(node.lineno)
        elif name == "open" and (isinstance(func, ast.Name) or (
                isinstance(func, ast.Attribute) and not (isinstance(func.value, ast.Name) and func.value.id in BINARY_OPENERS))):
            mode_args = [a for a in node.args[1:2] if isinstance(a, ast.Constant)] if isinstance(func, ast.Name) \
                else [a for a in node.args[:1] if isinstance(a, ast.Constant)]
            mode_args += [k.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            if not any("b" in str(m.value) for m in mode_args):
                lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_text_files_are_opened_with_an_explicit_encoding(path):
    """Windows' default is the ANSI code page (cp936 in China), not UTF-8."""
    assert _opens_text_without_encoding(ast.parse(path.read_text(encoding="utf-8"))) == []


def test_the_python_check_of_the_draw_matches_the_draw():
    from landassess.publish.report.verification import python_check_command
    from landassess.rules.verification import draw_hash

    for seed in ("2024-江苏-公开", "it's $HOME %PATH% !x! ^y `z`", "tab\there"):
        command = python_check_command(seed, "320102")
        assert command.startswith('python -c "')
        code = command[len('python -c "'):-1]
        printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                                 check=True).stdout.strip()
        assert printed == draw_hash(seed, "320102")


def test_the_encoding_check_finds_what_it_looks_for():
    source = "open(p)\nPath(p).open('r')\npath.open()\np.read_text()\np.write_text(t)\nopen(p, 'rb')\n" \
             "path.open('rb')\np.read_text(encoding='utf-8')\narchive.open(m)\nos.open(p, 0)\n"
    assert _opens_text_without_encoding(ast.parse(source)) == [1, 2, 3, 4, 5]
    assert re.search(next(iter(POSIX_ONLY)), 'd.strftime("%-m月")') and re.search(next(iter(POSIX_ONLY)), 'f"{d:%-d}"')
    assert not re.search(next(iter(POSIX_ONLY)), "strftime's %-m is not portable")
