"""``landassess batch`` (``landassess.run.batch``) and its cross-year page (``landassess.publish.index``).

End to end through the command line on two demo years, then in process: the index page on
hand-written year folders (the expected counts are worked out from the rows below), and the
batch's exit code and index with each year's process replaced by a stand-in.
"""

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from landassess.cli import EXIT_EXECUTION, EXIT_INPUT, EXIT_OK, EXIT_USAGE, batch_exit_code
from landassess.publish import index
from landassess.run import batch as batch_module
from landassess.run.ownership import OwnershipError

ROOT = Path(__file__).resolve().parent.parent


def batch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "landassess.cli", "batch", *args], capture_output=True, text=True,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=600)


@pytest.mark.slow
def test_batch_writes_each_year_and_a_self_contained_index(tmp_path):
    data = tmp_path / "data"
    for year in ("2023", "2024"):
        shutil.copytree(ROOT / "demo" / year, data / year)
    proc = batch("--years", "2023-2024", "--data-root", str(data), "--out-root", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "2023：完成" in proc.stdout and "2024：完成" in proc.stdout
    for year in ("2023", "2024"):
        assert (tmp_path / "out" / year / "report.html").is_file()
        results = pd.read_csv(tmp_path / "out" / year / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        assert len(results) == 95
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="2023/report.html"' in index and 'href="2024/report.html"' in index
    assert "演示数据" in index and "多次获得称号的单位" in index and "各县历年状态" in index
    assert "<script" not in index.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", index, re.I)


@pytest.mark.slow
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


# ----------------------------------------------------------------------------- publish.index, in process

COLUMNS = "code,name,city,status,vetoes,base_score,bonus,total,rank,tier,spot_check"
YEARS = {
    2023: [
        "320481,溧阳市,常州市,advanced,,80.00,0.00,80.00,3,advanced,false",
        "320583,昆山市,苏州市,model,,92.00,0.50,92.50,1,model,false",
        "320685,海安市,南通市,disqualified,,91.50,1.00,92.50,2,model,true",
        "321183,句容市,镇江市,not_declared,,,,,,,false",
    ],
    2024: [
        "320115,江宁区,南京市,advanced,,82.00,0.00,82.00,3,advanced,false",
        "320481,溧阳市,常州市,vetoed,cultivated_area,,,,,,false",
        "320583,昆山市,苏州市,model,,90.00,0.00,90.00,1,model,true",
        "320685,海安市,南通市,advanced,,85.00,0.00,85.00,2,advanced,false",
        "321183,句容市,镇江市,not_declared,,,,,,,false",
    ],
}
"""Two tiny years. By hand: 3 declared and 2 titled in 2023 (海安 lost its title), 4 declared and 3
titled in 2024; 昆山 is the only unit titled twice; 句容 never declared and is not listed; 江宁
has no row in 2023."""


def write_year(out_root: Path, year: int, rows: list[str], is_demo: bool = False) -> None:
    folder = out_root / str(year)
    folder.mkdir(parents=True)
    (folder / "results.csv").write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
    manifest = {"year": year, "kind": "year", **({"is_demo": True} if is_demo else {})}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


class Tables(HTMLParser):
    """The page's tables as lists of rows of (text, class) cells."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[tuple[str, str]]]] = []
        self._cell: list[str] | None = None
        self._class = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell, self._class = [], dict(attrs).get("class") or ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(("".join(self._cell).strip(), self._class))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def two_years(tmp_path) -> Path:
    for year, rows in YEARS.items():
        write_year(tmp_path / "out", year, rows)
    return tmp_path / "out"


def page_tables(html: str) -> list[list[list[tuple[str, str]]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_index_summarises_each_year_and_links_its_report(two_years):
    html = index.index_html(two_years, [2023, 2024])
    summary = page_tables(html)[0]
    assert [[text for text, _ in row] for row in summary[1:]] == [
        ["2023", "3", "2", "2023 年度评估报告", "results.csv"],
        ["2024", "4", "3", "2024 年度评估报告", "results.csv"],
    ]
    assert 'href="2023/report.html"' in html and 'href="2024/results.csv"' in html


def test_index_lists_each_declared_county_over_the_years(two_years):
    html = index.index_html(two_years, [2023, 2024])
    status = page_tables(html)[1]
    assert [text for text, _ in status[0]] == ["县级代码", "县（市、区）", "设区市", "2023", "2024", "获称号次数"]
    rows = {row[0][0]: row for row in status[1:]}
    assert sorted(rows) == ["320115", "320481", "320583", "320685"]  # 句容 never declared
    assert rows["320583"][3:] == [("模范 92.50", "model"), ("模范 90.00", "model"), ("2", "")]
    assert rows["320685"][3:] == [("取消资格 92.50", "disqualified"), ("先进 85.00", "advanced"), ("1", "")]
    assert rows["320481"][3:] == [("先进 80.00", "advanced"), ("一票否决", "vetoed"), ("1", "")]
    assert rows["320115"][3:] == [("", ""), ("先进 82.00", "advanced"), ("1", "")]


def test_index_names_the_repeat_winners_only(two_years):
    html = index.index_html(two_years, [2023, 2024])
    repeat = re.findall(r"<li>(.*?)</li>", html)
    assert repeat == ["昆山市（苏州市，320583）：2 次"]


def test_index_with_no_repeat_winner_says_so(two_years):
    html = index.index_html(two_years, [2024])
    assert re.findall(r"<li>(.*?)</li>", html) == []
    assert "没有单位在两个及以上年度获得称号。" in html


def test_index_is_self_contained(two_years):
    html = index.index_html(two_years, [2023, 2024])
    assert "<script" not in html.lower()
    assert "http" not in re.sub(r"data:[^\"')\s]+", "data:", html).lower()
    assert re.search(r'<img alt="[^"]+" src="data:image/png;base64,[A-Za-z0-9+/=]+"', html)
    assert "@font-face" in html


@pytest.mark.parametrize("demo_years, banner", [
    pytest.param((), False, id="real-years"),
    pytest.param((2024,), True, id="one-demo-year"),
])
def test_index_marks_demo_data(tmp_path, demo_years, banner):
    for year, rows in YEARS.items():
        write_year(tmp_path / "out", year, rows, is_demo=year in demo_years)
    assert ("演示数据" in index.index_html(tmp_path / "out", [2023, 2024])) is banner


def test_cross_year_table_stacks_the_years(two_years):
    long = index.cross_year_table(two_years, [2023, 2024])
    assert len(long) == 4 + 5
    assert long.groupby("year").size().to_dict() == {2023: 4, 2024: 5}
    assert set(long.columns) >= set(COLUMNS.split(",")) | {"year"}


# ----------------------------------------------------------------------------- run.batch, in process


def fake_years(monkeypatch, codes: dict[int, int]) -> list[int]:
    """Each year's process replaced: a year with exit code 0 writes its folder, others fail."""
    started = []

    def run_one(year, data, out, params, as_of, *options):  # options: --pdf
        started.append(year)
        if codes[year] == EXIT_OK:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_year(out.parent, year, YEARS[year])
            return year, 0.1, "", EXIT_OK
        return year, 0.1, f"{year} 年度失败", codes[year]

    monkeypatch.setattr(batch_module, "_run_one", run_one)
    return started


def test_run_batch_writes_the_index_of_the_years_that_ran(tmp_path, monkeypatch, capsys):
    started = fake_years(monkeypatch, {2023: EXIT_OK, 2024: EXIT_OK})
    code = batch_exit_code(batch_module.run_batch([2023, 2024], tmp_path / "data", tmp_path / "out", jobs=1,
                                  as_of=dt.date(2026, 3, 1)))
    assert code == EXIT_OK and sorted(started) == [2023, 2024]
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="2023/report.html"' in html and 'href="2024/report.html"' in html
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in json.dumps(manifest)  # the root now says index.html is landassess's
    out = capsys.readouterr().out
    assert "2023：完成" in out and "2024：完成" in out and "汇总页" in out


def test_run_batch_indexes_only_the_years_that_succeeded(tmp_path, monkeypatch):
    fake_years(monkeypatch, {2023: EXIT_INPUT, 2024: EXIT_OK})
    code = batch_exit_code(batch_module.run_batch([2023, 2024], tmp_path / "data", tmp_path / "out", jobs=2,
                                  as_of=dt.date(2026, 3, 1)))
    assert code == EXIT_INPUT  # one failure: its own exit code
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "2024/report.html" in html and "2023/report.html" not in html


@pytest.mark.parametrize("codes, expected", [
    pytest.param({2023: EXIT_INPUT, 2024: EXIT_INPUT}, EXIT_INPUT, id="same-failure"),
    # An input problem and a refused folder: no single cause, so the batch says "execution".
    pytest.param({2023: EXIT_INPUT, 2024: EXIT_USAGE}, EXIT_EXECUTION, id="mixed-failures"),
])
def test_run_batch_without_a_finished_year_writes_no_index(tmp_path, monkeypatch, codes, expected):
    fake_years(monkeypatch, codes)
    code = batch_exit_code(batch_module.run_batch([2023, 2024], tmp_path / "data", tmp_path / "out", jobs=1,
                                  as_of=dt.date(2026, 3, 1)))
    assert code == expected
    assert not (tmp_path / "out" / "index.html").exists()


def test_run_batch_refuses_a_foreign_output_root(tmp_path, monkeypatch):
    started = fake_years(monkeypatch, {2023: EXIT_OK})
    foreign = tmp_path / "someone"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not landassess", encoding="utf-8")
    with pytest.raises(OwnershipError):
        batch_module.run_batch([2023], tmp_path / "data", foreign, as_of=dt.date(2026, 3, 1))
    assert started == [] and [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_run_one_runs_the_year_as_its_own_landassess_process(tmp_path, monkeypatch):
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"], seen["kwargs"] = command, kwargs
        return subprocess.CompletedProcess(command, 3, stdout="", stderr="  2023 年度输入有问题\n")

    monkeypatch.setattr(batch_module.subprocess, "run", fake_run)
    year, _, message, code = batch_module._run_one(2023, tmp_path / "d", tmp_path / "o", tmp_path / "p.yaml",
                                                   dt.date(2026, 3, 1))
    assert (year, message, code) == (2023, "2023 年度输入有问题", 3)
    assert seen["command"][:4] == [sys.executable, "-m", "landassess.cli", "run"]
    assert seen["command"][4:] == ["--year", "2023", "--data", str(tmp_path / "d"), "--out", str(tmp_path / "o"),
                                   "--as-of", "2026-03-01", "--params", str(tmp_path / "p.yaml")]
    assert seen["kwargs"]["stdin"] == subprocess.DEVNULL  # a year never waits for input


def test_a_batch_runs_one_process_per_core_and_one_more_never_more_than_the_years():
    from landassess.run.batch import default_jobs

    assert default_jobs(3, cores=2) == 3  # three years on an office PC's two cores: all at once
    assert default_jobs(10, cores=2) == 3
    assert default_jobs(1, cores=8) == 1
    assert default_jobs(5, cores=1) == 2
    assert default_jobs(0, cores=4) == 1  # never zero workers
