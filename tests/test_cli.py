"""End to end through the command line, as the acceptance checks use it (SPEC 6)."""

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest

GOLDEN = Path(__file__).parent / "golden" / "2025"
LANDASSESS = [sys.executable, "-m", "landassess.cli"]

pytestmark = pytest.mark.slow


def landassess(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the command line from a scratch folder, so default outputs never land in the checkout."""
    cwd = cwd or Path(tempfile.mkdtemp(prefix="landassess-cli-"))
    return subprocess.run([*LANDASSESS, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def golden_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "2025"
    proc = landassess("run", "--year", "2025", "--data", str(GOLDEN / "input"),
                      "--params", str(GOLDEN / "params.yaml"), "--out", str(out))
    return proc, out


def test_run_writes_the_outputs_of_spec_5(golden_run):
    proc, out = golden_run
    assert proc.returncode == 0, proc.stderr
    for name in ("results.csv", "report.html", "assessment.ipynb", "公示名单.xlsx", "manifest.json"):
        assert (out / name).is_file(), name


def test_run_results_match_golden_year(golden_run):
    _, out = golden_run
    got = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    expected = pd.read_csv(GOLDEN / "expected_results.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, expected)


def test_report_is_offline_and_code_free(golden_run):
    _, out = golden_run
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "一票否决" in html and "公示名单" in html and "推荐名额" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I)
    assert not re.search(r"""url\(\s*["']?(?:https?:)?//""", html, re.I)
    assert "class=\"jp-InputArea" not in html and "import landassess" not in html  # no code cells
    assert (out / "report.html").stat().st_size < 5_000_000


def test_validate_exits_non_zero_and_names_planted_codes():
    proc = landassess("validate", "--year", "2025", "--data", str(GOLDEN / "input"),
                      "--params", str(GOLDEN / "params.yaml"))
    assert proc.returncode == 1
    for code in ("320481", "320682", "321183", "321202", "321323"):
        assert code in proc.stdout


def make_clean_year(folder: Path) -> None:
    """The golden year with its five planted problems repaired by hand."""
    shutil.copytree(GOLDEN / "input", folder)
    recs = pd.read_csv(folder / "recommendations.csv", dtype=str)
    # 321183 (镇江) recommended by 南京, 321202 never declared, 321323 third of 宿迁's quota of 2.
    recs = recs[~recs["code"].isin(["321183", "321202", "321323"])]
    recs.to_csv(folder / "recommendations.csv", index=False)
    land = pd.read_csv(folder / "land_stats.csv", dtype=str)
    land.loc[len(land)] = ["320682", "1", "50", "亩", "补报"]  # the missing row for 如皋
    land.to_csv(folder / "land_stats.csv", index=False)
    scores = pd.read_csv(folder / "scores.csv", dtype=str)
    scores.loc[len(scores)] = ["评委甲", "320481", "C05", "5"]  # the missing criterion of 溧阳
    scores.to_csv(folder / "scores.csv", index=False)


def test_validate_clean_year_exits_zero(tmp_path):
    make_clean_year(tmp_path / "clean")
    proc = landassess("validate", "--year", "2025", "--data", str(tmp_path / "clean"),
                      "--params", str(GOLDEN / "params.yaml"))
    assert proc.returncode == 0, proc.stdout
    assert "0 个问题" in proc.stdout


def test_missing_table_stops_with_exit_3_and_keeps_earlier_outputs(golden_run, tmp_path):
    _, out = golden_run
    before = digest(out)
    data = tmp_path / "broken"
    shutil.copytree(GOLDEN / "input", data)
    (data / "scores.csv").unlink()
    proc = landassess("run", "--year", "2025", "--data", str(data), "--params", str(GOLDEN / "params.yaml"),
                      "--out", str(out))
    assert proc.returncode == 3
    assert "评分" in proc.stderr and "scores" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert digest(out) == before


def test_invalid_params_stop_with_exit_3(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tiers:\n  model:\n    quota: -1\n  unknown_key: 1\n", encoding="utf-8")
    proc = landassess("validate", "--year", "2025", "--data", str(GOLDEN / "input"), "--params", str(bad))
    assert proc.returncode == 3
    assert "参数校验失败" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_explains_every_option():
    for command in ("run", "validate", "batch"):
        proc = landassess(command, "--help")
        assert proc.returncode == 0
        assert "--year" in proc.stdout or "--years" in proc.stdout
        assert "退出码" in proc.stdout


def test_usage_error_exit_2():
    proc = landassess("run")
    assert proc.returncode == 2
