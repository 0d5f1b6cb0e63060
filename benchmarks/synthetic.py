"""A synthetic province for timing the engine at scale (issue 6, item 3).

``write_province(root, divisions=3000)`` writes, under ``root``:

- ``divisions.csv`` — the reference list (code, name, city_code, city, kind): ``divisions``
  synthetic 6-digit codes in ``divisions // 100`` cities (30 for 3,000), names 县0001 …;
- ``<year>/`` — every input table of SPEC 4: declarations for all divisions, recommendations up to
  the 40 % quota of each city, land statistics for all, some veto and bonus events, and long-form
  scores from every evaluator on every criterion for every division
  (3,000 × 20 × 13 = 780,000 rows);
- ``params.yaml`` — overrides pointing ``divisions.file`` at the synthetic list.

The data are random but reproducible (``seed``); nothing in them is real. Run as
``python -m benchmarks.synthetic DIR [--divisions N]`` to keep a copy for profiling.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

CRITERIA_MAX = {
    "C01": 5, "C02": 5, "C03": 8, "C04": 6, "C05": 6, "C06": 8, "C07": 9, "C08": 8,
    "C09": 15, "C10": 10, "C11": 10, "C12": 6, "C13": 4,
}
"""Criterion ids and maxima of the default rubric (params/base.yaml, SPEC 3.3)."""

QUOTA_SHARE = 0.4
DIVISIONS_PER_CITY = 100


@dataclass(frozen=True)
class Province:
    """Where a synthetic province was written, and its size."""

    root: Path
    year: int
    divisions_file: Path
    data_dir: Path
    params_file: Path
    divisions: int
    cities: int
    evaluators: int
    score_rows: int


def _city_sizes(divisions: int, cities: int) -> list[int]:
    """Unequal city sizes (mean ± 20 %) that add up to ``divisions``."""
    base = divisions // cities
    spread = base // 5
    sizes = [base + (i % 5 - 2) * spread // 2 for i in range(cities)]
    sizes[-1] += divisions - sum(sizes)
    return sizes


def _write_csv(path: Path, header: list[str], rows) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_province(root: Path, divisions: int = 3000, evaluators: int = 20, year: int = 2024,
                   cities: int | None = None, seed: int = 6) -> Province:
    """Write a synthetic province of ``divisions`` divisions and one year of inputs under ``root``."""
    if divisions < 1:
        raise ValueError("divisions must be positive")
    rng = random.Random(seed)
    root = Path(root)
    data_dir = root / str(year)
    data_dir.mkdir(parents=True, exist_ok=True)
    cities = cities or max(1, divisions // DIVISIONS_PER_CITY)
    sizes = _city_sizes(divisions, cities)

    # Reference list: city i has the 2-digit prefix 10+i and city code (10+i)0000; its divisions
    # are numbered (10+i)0001 … Names carry a province-wide serial: 县0001 …
    if cities > 90:
        raise ValueError("at most 90 cities (2-digit prefixes 10…99)")
    table = []  # (code, name, city_code, city, kind)
    serial = 0
    for i, size in enumerate(sizes):
        city = f"合成{i + 1:02d}市"
        city_code = f"{10 + i:02d}0000"
        for n in range(1, size + 1):
            serial += 1
            code = f"{10 + i:02d}{n:04d}"
            kind = ("市辖区", "县", "县级市")[serial % 3]
            table.append((code, f"县{serial:04d}", city_code, city, kind))
    divisions_file = root / "divisions.csv"
    _write_csv(divisions_file, ["code", "name", "city_code", "city", "kind"], table)

    # Land statistics (provincial figures): most ratios well under 15 %, a few vetoes.
    land = {}
    for code, *_ in table:
        construction = rng.randint(300, 2500) + rng.randint(0, 9) / 10
        illegal = round(min(construction * rng.uniform(0.0, 0.08), rng.uniform(5, 90)), 1)
        roll = rng.random()
        if roll < 0.01:
            illegal = round(construction * 0.16, 1)  # 七(一)2 ratio veto
        elif roll < 0.02:
            illegal = 100.0 + rng.randint(0, 50)  # 七(一)2 area veto
        land[code] = (illegal, construction)
    _write_csv(data_dir / "land_stats.csv", ["县级代码", "违法占用耕地面积", "新增建设用地占用耕地面积", "面积单位", "数据来源"],
               ((code, f"{land[code][0]:.1f}", f"{land[code][1]:.1f}", "亩", f"{year}年度卫片执法统计（合成）")
                for code, *_ in table))

    # Declarations: every division declares, in January of Y+1, with its own figures.
    _write_csv(data_dir / "declarations.csv",
               ["县级代码", "名称", "设区市", "申报日期", "自报违法占用耕地面积", "自报新增建设用地占用耕地面积", "面积单位",
                "联系人", "联系电话"],
               ((code, name, city, f"{year + 1}-01-{rng.randint(2, 14):02d}", f"{land[code][0]:.1f}",
                 f"{land[code][1]:.1f}", "亩", "联系人", "000-0000000")
                for code, name, _, city, _ in table))

    # Recommendations: each city recommends between half its quota and its full quota, in order.
    recs = []
    start = 0
    for size in sizes:
        members = table[start:start + size]
        start += size
        quota = int(QUOTA_SHARE * size)
        chosen = rng.sample(members, rng.randint(max(quota // 2, min(quota, 1)), quota)) if quota else []
        recs += [(city, code, order, f"{year + 1}-01-{rng.randint(20, 30):02d}")
                 for order, (code, _, _, city, _) in enumerate(chosen, start=1)]
    _write_csv(data_dir / "recommendations.csv", ["设区市", "县级代码", "推荐顺序", "推荐日期"], recs)

    # Veto events (about 2 % of divisions) and bonus documents (about 8 %).
    veto_types = ["重点管理县", "约谈问责", "挂牌督办", "专项行动未完成", "媒体披露"]
    events = []
    for code, *_ in rng.sample(table, max(1, divisions // 50)):
        kind = rng.choice(veto_types)
        level = "国家" if kind == "挂牌督办" else rng.choice(["国家", "省", "市"])
        events.append((code, kind, f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", level,
                       rng.choice(["是", "否"]), f"（合成）苏自然资函〔{year}〕{rng.randint(1, 999)}号", "（合成）否决事项"))
    _write_csv(data_dir / "veto_events.csv", ["县级代码", "类型", "日期", "层级", "是否查实", "文号或出处", "说明"], events)
    bonus = []
    for code, *_ in rng.sample(table, max(1, divisions * 2 // 25)):
        kind = rng.choice(["通报表扬", "典型经验"])
        level = rng.choice(["国家级", "省级", "省级", "市级"])
        bonus.append((code, kind, level, f"苏自然资函〔{year}〕{rng.randint(1, 400)}号",
                      f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "（合成）通报"))
    _write_csv(data_dir / "bonus_events.csv", ["县级代码", "类别", "级别", "文号", "日期", "标题"], bonus)

    # Scores, long form: every evaluator scores every criterion of every division, in halves.
    names = [f"评委{e:02d}" for e in range(1, evaluators + 1)]
    halves = {cid: [f"{h / 2:g}" for h in range(int(top) * 2 + 1)] for cid, top in CRITERIA_MAX.items()}

    def score_rows():
        for code, *_ in table:
            level = rng.uniform(0.6, 0.95)
            for evaluator in names:
                for cid, top in CRITERIA_MAX.items():
                    pick = min(int(top) * 2, max(0, round((level + rng.uniform(-0.1, 0.1)) * top * 2)))
                    yield evaluator, code, cid, halves[cid][pick]

    score_count = _write_csv(data_dir / "scores.csv", ["评委", "县级代码", "指标", "得分"], score_rows())

    params_file = root / "params.yaml"
    params_file.write_text(
        "# Synthetic province for benchmarks (not real data).\n"
        "divisions:\n"
        f"  file: {divisions_file.resolve().as_posix()!r}\n"
        "  province: 合成省\n"
        "  source: \"synthetic benchmark list (benchmarks/synthetic.py)\"\n",
        encoding="utf-8")
    (data_dir / "DEMO_DATA.txt").write_text("合成数据，仅用于性能测试（非真实数据）。\n", encoding="utf-8")
    return Province(root, year, divisions_file, data_dir, params_file, divisions, cities, evaluators,
                    score_count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic province for benchmarks.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--divisions", type=int, default=3000)
    parser.add_argument("--evaluators", type=int, default=20)
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args(argv)
    province = write_province(args.root, args.divisions, args.evaluators, args.year)
    print(f"{province.divisions} divisions in {province.cities} cities, {province.score_rows} score rows: "
          f"data {province.data_dir}, params {province.params_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
