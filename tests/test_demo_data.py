"""The committed demo data (``demo/``) is what ``scripts/make_demo_data.py`` writes, byte for byte,
and the returned workbooks of ``demo/returned/2024`` collect into the same year as ``demo/2024``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from landassess.vocabulary import ERROR

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"
YEAR = 2024
AS_OF = dt.date(2025, 6, 30)


def _generator():
    if "make_demo_data" not in sys.modules:  # dataclasses need the module registered
        spec = importlib.util.spec_from_file_location("make_demo_data", ROOT / "scripts" / "make_demo_data.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["make_demo_data"] = module
        spec.loader.exec_module(module)
    return sys.modules["make_demo_data"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "README.md"}


def test_regenerating_the_demo_gives_identical_bytes(tmp_path, capsys):
    generator = _generator()
    assert generator.main(["--out", str(tmp_path)]) == 0
    capsys.readouterr()

    committed, fresh = _files(DEMO), _files(tmp_path)
    assert sorted(fresh) == sorted(committed)
    changed = [name for name in committed if committed[name] != fresh[name]]
    assert changed == [], f"demo files differ from a fresh generation: {changed[:10]}"


def test_returned_layout_matches_the_year():
    from landassess.collect.fill import flat_rows

    returned = DEMO / "returned" / str(YEAR)
    declared = {str(r["code"]) for r in flat_rows(DEMO / str(YEAR), "declarations")}
    recommending = {r["city"] for r in flat_rows(DEMO / str(YEAR), "recommendations")}
    counties = sorted(p.name.split("-")[0] for p in (returned / "县级申报材料").glob("*.xlsx"))
    cities = sorted(p.name.split("-")[0] for p in (returned / "设区市推荐名单").glob("*.xlsx"))
    sheets = sorted(p.name for p in (returned / "评委评分表").glob("*.xlsx"))

    assert counties == sorted(declared)  # only the counties that declared send a workbook back
    assert cities == sorted(recommending)
    assert sheets == [f"评分表-{e}.xlsx" for e in _generator().EVALUATORS]
    assert (returned / "DEMO_DATA.txt").read_text(encoding="utf-8").startswith("演示数据")
    province = DEMO / f"collect-{YEAR}"
    assert sorted(p.name for p in province.iterdir()) == sorted(_generator().PROVINCE_TABLES)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    from landassess.run.collect import collect_year

    data = tmp_path_factory.mktemp("collected") / str(YEAR)
    shutil.copytree(DEMO / f"collect-{YEAR}", data)
    result, _ = collect_year(YEAR, DEMO / "returned" / str(YEAR), data)
    return data, result


def _results_csv(folder: Path, out: Path) -> bytes:
    from landassess.assessment import assess_year
    from landassess.divisions import load_divisions
    from landassess.intake import load_year
    from landassess.params import load_params
    from landassess.publish.outputs import write_results_csv

    params = load_params(YEAR)
    divisions = load_divisions(params.divisions.file)
    inputs = load_year(folder, YEAR, params, divisions, today=AS_OF)
    write_results_csv(assess_year(inputs, params, divisions), out)
    return out.read_bytes()


def test_collecting_the_returned_workbooks_gives_the_flat_years_results(collected, tmp_path):
    data, result = collected

    assert [p.located() for p in result.problems if p.severity == ERROR] == []
    assert not (result.returns["类型"] == "未识别").any()
    assert (data / "收集情况.xlsx").is_file() and (data / "collected.json").is_file()
    # the province's files are left as they were
    for name in _generator().PROVINCE_TABLES:
        assert (data / name).read_bytes() == (DEMO / f"collect-{YEAR}" / name).read_bytes()

    flat = _results_csv(DEMO / str(YEAR), tmp_path / "flat.csv")
    assert _results_csv(data, tmp_path / "collected.csv") == flat
