"""``landassess batch``: years in parallel, one process each, and the cross-year index page."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def batch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landassess.cli", "batch", *args], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=600)


def test_batch_writes_each_year_and_a_self_contained_index(tmp_path):
    data = tmp_path / "data"
    for year in ("2023", "2024"):
        shutil.copytree(ROOT / "demo" / year, data / year)
    proc = batch("--years", "2023-2024", "--data-root", str(data), "--out-root", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2023：完成" in proc.stdout and "2024：完成" in proc.stdout
    for year in ("2023", "2024"):
        assert (tmp_path / "out" / year / "report.html").is_file()
        results = pd.read_csv(tmp_path / "out" / year / "results.csv", dtype=str, keep_default_na=False)
        assert len(results) == 95
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="2023/report.html"' in index and 'href="2024/report.html"' in index
    assert "演示数据" in index and "多次获得称号的单位" in index and "各县历年状态" in index
    assert "<script" not in index.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", index, re.I)


def test_a_failing_year_does_not_stop_the_others(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "demo" / "2024", data / "2024")
    shutil.copytree(ROOT / "demo" / "2023", data / "2023")
    (data / "2023" / "land_stats.csv").unlink()
    proc = batch("--years", "2023,2024", "--data-root", str(data), "--out-root", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 3
    assert "2023：失败" in proc.stdout and "耕地数据" in proc.stdout
    assert (tmp_path / "out" / "2024" / "results.csv").is_file()
    assert not (tmp_path / "out" / "2023").exists()
