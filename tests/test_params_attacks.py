"""Attacks on parameter files (issue 9, "Parameters and arguments").

The promise: every invalid parameter file is a ``ParamsError`` whose message names the file and,
where there is one, the key; never a traceback (``RecursionError``, ``TypeError``...), never a
hang, never a large allocation. These tests assert the promise, not the wording of the messages.
"""

from __future__ import annotations

import os
import shutil
import threading
import tracemalloc
from pathlib import Path

import pytest

from landassess.params import MAX_FILE_BYTES, ParamsError, load_params, read_yaml

GOLDEN = Path(__file__).parent / "golden" / "2025"
YEAR = 2025


def refused(path: Path) -> str:
    """Load ``path`` as the ``--params`` file; it must be refused with a ParamsError naming it."""
    with pytest.raises(ParamsError) as error:
        load_params(YEAR, path)
    message = str(error.value)
    assert str(path) in message, message
    return message


def write(tmp_path: Path, content: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# ------------------------------------------------------------------ wrong types, bad numbers

BIG_INT = "1" + "0" * 400  # 10**400 as an int literal

WRONG_VALUES = [
    pytest.param("vetoes:\n  hectare_to_mu: fifteen\n", "vetoes.hectare_to_mu", id="string-for-number"),
    pytest.param("tiers: [1, 2]\n", "tiers", id="list-for-mapping"),
    pytest.param("tiers: 5\n", "tiers", id="tiers-scalar"),
    pytest.param("tiers:\n  model: [quota, 3]\n", "tiers.model", id="list-for-tier"),
    pytest.param("vetoes: {cultivated_area_threshold_mu: 1e999}\n", "vetoes.cultivated_area_threshold_mu",
                 id="1e999-threshold"),
    pytest.param("vetoes: {cultivated_area_threshold_mu: '1e999999999'}\n", "vetoes.cultivated_area_threshold_mu",
                 id="huge-exponent-string"),
    pytest.param("vetoes: {hectare_to_mu: 1e-999999}\n", "vetoes.hectare_to_mu", id="tiny-exponent"),
    pytest.param(f"tiers: {{model: {{quota: {BIG_INT}}}}}\n", "tiers.model.quota", id="10**400-quota"),
    pytest.param(f"bonus: {{points: {{commendation: {{national: {BIG_INT}}}}}}}\n",
                 "bonus.points.commendation.national", id="10**400-points"),
    pytest.param("tiers: {model: {quota: 100001}}\n", "tiers.model.quota", id="absurd-quota"),
    pytest.param("tiers: {model: {quota: .inf}}\n", "tiers.model.quota", id="inf-quota"),
    pytest.param("tiers: {model: {min_total: .inf}}\n", "tiers.model.min_total", id="inf-threshold"),
    pytest.param("bonus: {cap: .nan}\n", "bonus.cap", id="nan-cap"),
    pytest.param("bonus: {points: {typical_experience: {provincial: -.inf}}}\n",
                 "bonus.points.typical_experience.provincial", id="minus-inf-points"),
    pytest.param("bonus: {points: {commendation: {provincial: '-0.5'}}}\n",
                 "bonus.points.commendation.provincial", id="negative-points"),
    pytest.param("tiers: {advanced: {quota: -1}}\n", "tiers.advanced.quota", id="negative-quota"),
    pytest.param("spot_check: {count: -3}\n", "spot_check.count", id="negative-count"),
    pytest.param("tiers: {model: {quota: true}}\n", "tiers.model.quota", id="bool-quota"),
    pytest.param("spot_check: {count: yes}\n", "spot_check.count", id="yes-count"),
    pytest.param("scoring: {score_decimals: false}\n", "scoring.score_decimals", id="bool-decimals"),
    pytest.param("tiers: {model: {quota: 2.5}}\n", "tiers.model.quota", id="fraction-quota"),
    pytest.param("tiers: {model: {quota: '3'}}\n", "tiers.model.quota", id="text-quota"),
    pytest.param("scoring: {trim: {count: 1, min_evaluators: 1e3}}\n", "scoring.trim.min_evaluators",
                 id="float-text-count"),
    pytest.param("spot_check: {seed: [1, 2]}\n", "spot_check.seed", id="list-seed"),
    pytest.param("divisions: {file: 5}\n", "divisions.file", id="number-for-path"),
    pytest.param("divisions: {file: [a, b]}\n", "divisions.file", id="list-for-path"),
    pytest.param("deadlines: {declaration: 2026-01-15}\n", "deadlines.declaration", id="date-for-month-day"),
    pytest.param("deadlines: {declaration: '13-45'}\n", "deadlines.declaration", id="impossible-month-day"),
    pytest.param("tiers:\n  model:\n    quotaa: 3\n", "tiers.model.quotaa", id="unknown-key"),
    pytest.param("tie_break: {order: cultivated_ratio_asc}\n", "tie_break.order", id="string-for-list"),
    pytest.param("rubric: {dimensions: {a: 1}}\n", "rubric.dimensions", id="mapping-for-list"),
]


@pytest.mark.parametrize("content, key", WRONG_VALUES)
def test_wrong_values_name_the_file_and_the_key(tmp_path, content, key):
    message = refused(write(tmp_path, content))
    assert key in message, message


def test_a_huge_rubric_is_refused_quickly(tmp_path):
    criterion = "{id: C, name: n, max: 1, source: s}"
    dimensions = ",".join(f"{{id: d{i}, name: y, criteria: [{criterion}]}}" for i in range(1000))
    message = refused(write(tmp_path, f"rubric: {{dimensions: [{dimensions}]}}\n"))
    assert "rubric" in message


# ------------------------------------------------------------------ nesting, aliases, duplicates

@pytest.mark.parametrize("content", [
    pytest.param("a: " + "[" * 20_000 + "]" * 20_000 + "\n", id="list-20000-deep"),
    pytest.param("{a: " * 20_000 + "1" + "}" * 20_000 + "\n", id="mapping-20000-deep"),
    pytest.param("tiers:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(600)) + " " * 601 + "1\n",
                 id="block-600-deep"),
])
def test_deep_nesting_is_refused_without_recursion_error(tmp_path, content):
    refused(write(tmp_path, content))  # a RecursionError would fail pytest.raises(ParamsError)


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    tracemalloc.start()
    try:
        refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20


@pytest.mark.parametrize("content", [
    pytest.param("tiers: &t {model: {quota: 1}}\nspot_check: *t\n", id="alias"),
    pytest.param("x: &x [*x]\n", id="self-reference"),
    pytest.param("tiers: {<<: {model: {quota: 1}}}\n", id="merge-key"),
])
def test_aliases_and_merge_keys_are_refused(tmp_path, content):
    refused(write(tmp_path, content))


@pytest.mark.parametrize("content, key", [
    pytest.param("tiers:\n  model:\n    quota: 3\n    quota: 30\n", "tiers.model.quota", id="nested"),
    pytest.param("tiers: {model: {quota: 3}}\nspot_check: {count: 1}\ntiers: {advanced: {quota: 3}}\n",
                 "tiers", id="top-level"),
    pytest.param("bonus: {cap: 1, cap: 2}\n", "bonus.cap", id="flow"),
])
def test_duplicate_keys_are_refused_naming_the_key_and_lines(tmp_path, content, key):
    message = refused(write(tmp_path, content))
    assert key in message and "重复" in message, message


@pytest.mark.parametrize("content, key", [
    pytest.param("tiers: {1: 2}\n", "tiers", id="number-key"),
    pytest.param("tiers: {model: {on: 3}}\n", "tiers.model", id="bool-key"),
    pytest.param("tiers: {[a]: 2}\n", "tiers", id="list-key"),
])
def test_keys_that_are_not_text_are_refused(tmp_path, content, key):
    message = refused(write(tmp_path, content))
    assert key in message, message


@pytest.mark.parametrize("content", [
    pytest.param("divisions: {province: !!binary aGVsbG8=}\n", id="binary-tag"),
    pytest.param("a: !!python/object/apply:os.system ['echo pwned']\n", id="python-tag"),
    pytest.param("a: !!set {x, y}\n", id="set-tag"),
])
def test_exotic_tags_are_refused(tmp_path, content):
    refused(write(tmp_path, content))


# ------------------------------------------------------------------ files that are not parameter files

def test_dev_zero_is_refused_by_stat(tmp_path):
    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero")
    refused(zero)
    link = tmp_path / "zero.yaml"
    link.symlink_to(zero)
    refused(link)


def test_fifo_is_refused_without_opening(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_params(YEAR, fifo)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread
            outcome.append(error)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # unblock the reader so the thread can end, then fail
        with open(fifo, "wb"):  # noqa: PTH123
            pass
        pytest.fail("loading a FIFO as the parameter file hangs")
    assert isinstance(outcome[0], ParamsError) and str(fifo) in str(outcome[0])


@pytest.mark.parametrize("make", [
    pytest.param(lambda p: p.mkdir(), id="directory"),
    pytest.param(lambda p: None, id="missing"),
    pytest.param(lambda p: p.write_bytes(b"# " + b"x" * MAX_FILE_BYTES), id="too-large"),
    pytest.param(lambda p: p.write_bytes("tiers:\n  # 模范县名额\n  model: {quota: 3}\n".encode("gbk")), id="gbk"),
    pytest.param(lambda p: p.write_bytes(bytes(range(256)) * 8), id="binary-garbage"),
    pytest.param(lambda p: p.write_bytes(b"tiers: {model: {quota: 3}}\n\x00\x01\x02"), id="control-bytes"),
    pytest.param(lambda p: p.write_text("- tiers\n- 3\n", encoding="utf-8"), id="top-level-list"),
    pytest.param(lambda p: p.write_text("just text\n", encoding="utf-8"), id="top-level-scalar"),
    pytest.param(lambda p: p.write_text("tiers: {}\n---\ntiers: {}\n", encoding="utf-8"), id="two-documents"),
    pytest.param(lambda p: p.write_text("tiers: {model: [\n", encoding="utf-8"), id="broken-yaml"),
])
def test_files_that_are_not_parameter_files(tmp_path, make):
    path = tmp_path / "params.yaml"
    make(path)
    refused(path)


def test_a_file_that_grows_after_the_stat_is_read_only_up_to_the_limit(tmp_path, monkeypatch):
    path = write(tmp_path, b"# " + b"x" * (MAX_FILE_BYTES + 10))
    real_stat = os.stat

    def small_stat(target, *args, **kwargs):  # the file looked small when it was checked
        info = real_stat(target, *args, **kwargs)
        if Path(target) == path:
            return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))
        return info

    monkeypatch.setattr(os, "stat", small_stat)
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((real_stat(path).st_mode, *real_stat(path)[1:6], 10,
                                                                 *real_stat(path)[7:])))
    refused(path)


def test_empty_and_comment_only_files_mean_no_overrides(tmp_path):
    for content in ("", "# nothing here\n", "~\n", "\ufeff"):
        assert read_yaml(write(tmp_path, content)) == {}
    assert load_params(YEAR, write(tmp_path, "")) == load_params(YEAR)


# ------------------------------------------------------------------ through the command line

def test_cli_validate_with_a_bad_parameter_file_exits_3(tmp_path, monkeypatch, capsys):
    from landassess.cli import main

    data = tmp_path / "input"
    shutil.copytree(GOLDEN / "input", data)
    bad = write(tmp_path, "a: " + "[" * 20_000 + "]" * 20_000 + "\n")
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    code = main(["validate", "--year", "2025", "--data", str(data), "--params", str(bad),
                 "--notices", str(tmp_path / "notices")])
    captured = capsys.readouterr()
    assert code == 3
    assert str(bad) in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert list(work.iterdir()) == []
