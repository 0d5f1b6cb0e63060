"""Generate the demo input folders ``demo/2022``, ``demo/2023`` and ``demo/2024``.

Each folder holds the input tables of SPEC section 4 for one assessed year Y
(declarations, recommendations, land_stats, veto_events, bonus_events, scores,
verification) plus ``DEMO_DATA.txt``, which labels the folder as demo data.
Division names and codes are real (from ``jiangsu_divisions.csv``); every
figure, date, event, document number, contact and score is invented.

The generator is deterministic: it uses seeded ``random.Random`` instances (one
for the facts of a year, one for its table layout), never reads the clock, never iterates over sets or relies on hash order, and
writes xlsx files with fixed workbook timestamps and fixed zip entry dates, so
two runs produce byte-identical files.

The years deliberately differ in format to exercise the readers:

- 2022: GBK-encoded CSV (CRLF, as Excel on Windows writes it), Chinese headers,
  long-form scores.
- 2023: plain UTF-8 CSV (LF), English headers, long-form scores.
- 2024: UTF-8 CSV with BOM (CRLF), Chinese headers, wide-form scores as xlsx.

Designed cases (the script prints a summary of each year when it runs):
late declarations and one late recommendation, cities over their quota, a land
veto per year (ratio exactly 15 % in 2022, area >= 100 亩 given in 公顷 in 2023,
ratio > 15 % in 2024), veto events of every type including ones that do not count
(unverified, city level, previous year), bonus events including a city-level
document, a duplicate document number written differently and a document dated
outside the year, exactly one tie in total (2023), one under-declared illegal
area per year, and verification outcomes for titled counties.

The returned workbooks of one year (``RETURNED_YEAR``, 2024) show the annual cycle
(templates → collect → validate → run): ``demo/returned/2024/`` holds the templates of
``landassess template`` filled in from ``demo/2024`` as the offices would return them (a
declaration workbook per county that declared, a recommendation list per city that recommended,
a score sheet per evaluator), and ``demo/collect-2024/`` holds only the province's own tables
(land_stats, verification, DEMO_DATA.txt) — the data folder ``landassess collect`` completes.
The filled workbooks are re-saved with fixed timestamps, so they too are byte-identical.

Usage::

    python scripts/make_demo_data.py [--divisions CSV] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook

from landassess.params import veto_labels
from landassess.publish.workbooks import workbook_bytes
from landassess.vocabulary import VETO_ORDER

REPO_ROOT = Path(__file__).resolve().parent.parent
"""Repository root (this script lives in ``scripts/``)."""

PACKAGE_DIVISIONS_CSV = REPO_ROOT / "lib" / "landassess" / "data" / "jiangsu_divisions.csv"
"""Reference list shipped with the package (preferred when present)."""

SHARED_DIVISIONS_CSV = Path("/work/shared/data/jiangsu_divisions.csv")
"""Fallback copy of the same reference list."""

SEED_PREFIX = "landassess-demo"
"""Prefix of the string seeds; str seeds are hashed with SHA-512, not ``hash()``."""

DEMO_LABEL = "演示数据，非真实评估结果（虚构数字，真实地名）。"
"""The single line written to ``demo/<Y>/DEMO_DATA.txt``."""

CRITERION_MAX = {
    "C01": 5,
    "C02": 5,
    "C03": 8,
    "C04": 6,
    "C05": 6,
    "C06": 8,
    "C07": 9,
    "C08": 8,
    "C09": 15,
    "C10": 10,
    "C11": 10,
    "C12": 6,
    "C13": 4,
}
"""Maximum score per criterion: the default rubric of SPEC 3.3 (an assumption)."""

EFFECTIVENESS_CRITERIA = ("C09", "C10", "C11")
"""Criteria of the 土地执法监管成效 dimension (tie-break 1 of SPEC 3.4)."""

EVALUATORS = ("评委A", "评委B", "评委C", "评委D", "评委E")
"""The five fictional evaluators."""

RETURNED_YEAR = 2024
"""The year whose returned workbooks are written to ``demo/returned/<Y>/``."""

RETURNED_FOLDERS = ("县级申报材料", "设区市推荐名单", "评委评分表")
"""Sub-folders of ``demo/returned/<Y>/``: as ``landassess template`` names them."""

PROVINCE_TABLES = ("land_stats.csv", "verification.csv", "DEMO_DATA.txt")
"""The province's own files, copied into ``demo/collect-<Y>/`` (collect leaves them alone)."""

FAKE_CONTACTS = ("张三", "李四", "王五", "赵六", "钱七", "孙八")
"""Obviously fake contact names for the declarations."""

FAKE_PHONE = "000-0000000"
"""Obviously fake phone number for the declarations."""

VETO_TYPE_ZH = veto_labels(None)
"""Chinese names of the veto types: the packaged clauses' labels (SPEC 8.7; the demo years declare none of their own)."""

CITY_ABBR = {
    "320100": "宁",
    "320200": "锡",
    "320300": "徐",
    "320400": "常",
    "320500": "苏州",
    "320600": "通",
    "320700": "连",
    "320800": "淮",
    "320900": "盐",
    "321000": "扬",
    "321100": "镇",
    "321200": "泰",
    "321300": "宿",
}
"""Abbreviations used in fictional city-level document numbers."""

TABLE_COLUMNS = {
    "declarations": (
        ("code", "县级代码"),
        ("name", "名称"),
        ("city", "设区市"),
        ("declared_on", "申报日期"),
        ("self_illegal_cultivated_area", "自报违法占用耕地面积"),
        ("self_construction_cultivated_area", "自报新增建设用地占用耕地面积"),
        ("area_unit", "面积单位"),
        ("contact", "联系人"),
        ("phone", "联系电话"),
    ),
    "recommendations": (
        ("city", "设区市"),
        ("code", "县级代码"),
        ("order", "推荐顺序"),
        ("recommended_on", "推荐日期"),
    ),
    "land_stats": (
        ("code", "县级代码"),
        ("illegal_cultivated_area", "违法占用耕地面积"),
        ("construction_cultivated_area", "新增建设用地占用耕地面积"),
        ("area_unit", "面积单位"),
        ("source", "数据来源"),
    ),
    "veto_events": (
        ("code", "县级代码"),
        ("type", "类型"),
        ("date", "日期"),
        ("authority_level", "层级"),
        ("verified", "是否查实"),
        ("reference", "文号或出处"),
        ("description", "说明"),
    ),
    "bonus_events": (
        ("code", "县级代码"),
        ("kind", "类别"),
        ("level", "级别"),
        ("document_no", "文号"),
        ("date", "日期"),
        ("title", "标题"),
    ),
    "scores_long": (
        ("evaluator", "评委"),
        ("code", "县级代码"),
        ("criterion", "指标"),
        ("score", "得分"),
    ),
    "scores_wide": ((("evaluator", "评委"), ("code", "县级代码")) + tuple((c, c) for c in CRITERION_MAX)),
    "verification": (
        ("code", "县级代码"),
        ("check_passed", "查验通过"),
        ("objection_upheld", "异议成立"),
        ("disqualified_reason", "取消资格原因"),
    ),
}
"""Columns of each table as (English name, Chinese label), SPEC section 4."""


@dataclass(frozen=True)
class Division:
    """One county-level division of the reference list."""

    code: str
    name: str
    city_code: str
    city: str
    kind: str


@dataclass(frozen=True)
class EventSpec:
    """One planned veto event.

    ``target`` says whom it hits: ``"new"`` a fresh admitted county that it vetoes,
    ``"kept"`` an admitted county that stays ranked (the event does not count),
    ``"land"`` the county that the land statistics veto this year.
    """

    type_id: str
    level: str
    is_verified: bool
    date: dt.date
    target: str
    reference: str
    description: str


@dataclass(frozen=True)
class YearSettings:
    """Everything that differs by year, chosen by hand.

    - ``encoding``/``line_terminator``/``header_language``: how the CSV files are written
      (``utf-8-sig`` adds a BOM; ``zh`` uses the Chinese labels of SPEC section 4).
    - ``scores_form``: ``long`` (CSV) or ``wide`` (xlsx).
    - ``n_declared``: number of declaring divisions.
    - ``over_quota_cities``: cities that recommend quota + 1 counties.
    - ``short_cities``: cities with a single declaration (they recommend fewer than quota).
    - ``land_veto``: key of ``LAND_VETO_FIGURES``, the land-veto case of the year.
    - ``veto_type_style``: veto types written as ``zh`` names, ``id``s, or ``mixed``.
    - ``events``: the planned veto events.
    - ``has_tie``: whether two ranked counties get identical scores.
    - ``reversed_city``: a city whose recommendation rows are written in reverse order.
    - ``late_recommendation_city``: a city that recommends after 31 January.
    - ``duplicate_style``: how the duplicate 文号 is respelled (``brackets``, ``fullwidth``,
      ``both``).
    - ``outside_year_date``: date of the bonus document that falls outside the year.
    - ``n_verification``/``failing_outcome``: verification rows and how the first one fails
      (``check_failed``, ``check_failed_latin`` with Y/N, ``objection_upheld``).
    """

    year: int
    encoding: str
    line_terminator: str
    header_language: str
    scores_form: str
    n_declared: int
    over_quota_cities: tuple[str, ...]
    short_cities: tuple[str, ...]
    land_veto: str
    veto_type_style: str
    events: tuple[EventSpec, ...]
    has_tie: bool
    reversed_city: str
    late_recommendation_city: str
    duplicate_style: str
    outside_year_date: dt.date
    n_verification: int
    failing_outcome: str


YEARS = (
    YearSettings(
        year=2022,
        encoding="gbk",
        line_terminator="\r\n",
        header_language="zh",
        scores_form="long",
        n_declared=34,
        over_quota_cities=("320100", "320900"),
        short_cities=("320400",),
        land_veto="ratio_exact_15",
        veto_type_style="zh",
        events=(
            EventSpec(
                type_id="media_exposure",
                level="国家",
                is_verified=True,
                date=dt.date(2022, 6, 14),
                target="new",
                reference="（虚构）示例新闻 2022年6月14日",
                description="（演示）主流媒体报道违法占用耕地建设厂房，经查实",
            ),
            EventSpec(
                type_id="interview_or_accountability",
                level="市",
                is_verified=True,
                date=dt.date(2022, 9, 8),
                target="kept",
                reference="（虚构）市自然资源和规划局约谈记录",
                description="（演示）因个别违法用地整改滞后被设区市局约谈",
            ),
            EventSpec(
                type_id="mnr_supervised_case",
                level="国家",
                is_verified=True,
                date=dt.date(2021, 11, 23),
                target="kept",
                reference="（虚构）自然资源部挂牌督办通知 2021-17",
                description="（演示）上一年度挂牌督办案件，不属于本评估年度",
            ),
        ),
        has_tie=False,
        reversed_city="",
        late_recommendation_city="",
        duplicate_style="brackets",
        outside_year_date=dt.date(2021, 12, 28),
        n_verification=3,
        failing_outcome="check_failed",
    ),
    YearSettings(
        year=2023,
        encoding="utf-8",
        line_terminator="\n",
        header_language="en",
        scores_form="long",
        n_declared=32,
        over_quota_cities=("320500",),
        short_cities=("320700", "320800", "321200"),
        land_veto="area_hectare",
        veto_type_style="id",
        events=(
            EventSpec(
                type_id="mnr_supervised_case",
                level="国家",
                is_verified=True,
                date=dt.date(2023, 4, 18),
                target="new",
                reference="（虚构）自然资源部挂牌督办通知 2023-05",
                description="（演示）违法占用耕地案件被自然资源部挂牌督办",
            ),
            EventSpec(
                type_id="media_exposure",
                level="省",
                is_verified=False,
                date=dt.date(2023, 7, 2),
                target="kept",
                reference="（虚构）示例晚报 2023年7月2日",
                description="（演示）媒体报道疑似违法占地，核查未能证实",
            ),
            EventSpec(
                type_id="special_action_incomplete",
                level="省",
                is_verified=True,
                date=dt.date(2023, 12, 5),
                target="new",
                reference="（虚构）省厅专项行动通报",
                description="（演示）耕地保护专项整治行动未按期完成目标任务",
            ),
        ),
        has_tie=True,
        reversed_city="320500",
        late_recommendation_city="320700",
        duplicate_style="fullwidth",
        outside_year_date=dt.date(2024, 1, 9),
        n_verification=2,
        failing_outcome="objection_upheld",
    ),
    YearSettings(
        year=2024,
        encoding="utf-8-sig",
        line_terminator="\r\n",
        header_language="zh",
        scores_form="wide",
        n_declared=36,
        over_quota_cities=("320300", "321300"),
        short_cities=("321100",),
        land_veto="ratio",
        veto_type_style="mixed",
        events=(
            EventSpec(
                type_id="key_management_county",
                level="省",
                is_verified=True,
                date=dt.date(2024, 3, 12),
                target="new",
                reference="（虚构）苏自然资函〔2024〕901号",
                description="（演示）被确定为省级土地执法重点管理县",
            ),
            EventSpec(
                type_id="interview_or_accountability",
                level="省",
                is_verified=True,
                date=dt.date(2024, 8, 27),
                target="new",
                reference="（虚构）省自然资源厅约谈纪要",
                description="（演示）因违法用地问题突出被省自然资源厅约谈",
            ),
            EventSpec(
                type_id="special_action_incomplete",
                level="国家",
                is_verified=True,
                date=dt.date(2024, 11, 30),
                target="land",
                reference="（虚构）专项行动进展通报",
                description="（演示）违法建设清理专项行动未按期完成",
            ),
        ),
        has_tie=False,
        reversed_city="",
        late_recommendation_city="",
        duplicate_style="both",
        outside_year_date=dt.date(2023, 12, 20),
        n_verification=3,
        failing_outcome="check_failed_latin",
    ),
)
"""Hand-chosen settings of the three demo years."""



LAND_VETO_ID = {
    "ratio_exact_15": "cultivated_ratio",
    "area_hectare": "cultivated_area",
    "ratio": "cultivated_ratio",
}
"""Which land veto each year's designed land-veto case triggers (七(一)2)."""

LAND_VETO_FIGURES = {
    "ratio_exact_15": (Decimal("10.86"), Decimal("72.4"), "亩"),  # exactly 15 %
    "area_hectare": (Decimal("7.20"), Decimal("96.50"), "公顷"),  # 108 亩; ratio 7.46 %
    "ratio": (Decimal("41.2"), Decimal("225.0"), "亩"),  # 18.31 %, area below 100 亩
}
"""Provincial land figures (illegal, construction, unit) of the land-veto county."""

TIE_LAND = (
    (Decimal("12.6"), Decimal("420.0"), "亩"),
    (Decimal("9.0"), Decimal("300.0"), "亩"),
)
"""Land figures of the tied pair: both exactly 3 %, so tie-break 2 leaves them tied."""

HECTARE_IN_MU = Decimal(15)
"""1 公顷 = 15 亩 exactly (SPEC 3.1)."""


@dataclass
class YearPlan:
    """The generated facts of one year, shared by the table writers."""

    settings: YearSettings
    declared: list[str]
    recommendations: dict[str, list[str]]
    admitted: list[str]
    over_quota: list[str]
    land_veto_code: str
    event_codes: list[str]
    vetoed: dict[str, list[str]]
    ranked: list[str]
    bonus_rows: list[dict]
    bonus_points: dict[str, Fraction]
    scores: dict[str, dict[tuple[str, str], int]]
    ranking: list[tuple[str, Fraction]]
    tie: tuple[str, str] | None
    land: dict[str, tuple[Decimal, Decimal, str]] = field(default_factory=dict)
    declared_in_hectare: str = ""
    under_declared: str = ""
    verification_rows: list[dict] = field(default_factory=list)


def read_divisions(path: Path) -> list[Division]:
    """Read the reference list of county-level divisions, sorted by code."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    divisions = [Division(r["code"], r["name"], r["city_code"], r["city"], r["kind"]) for r in rows]
    return sorted(divisions, key=lambda d: d.code)


def default_divisions_path() -> Path:
    """Return the package copy of the reference list if present, else the shared copy."""
    return PACKAGE_DIVISIONS_CSV if PACKAGE_DIVISIONS_CSV.exists() else SHARED_DIVISIONS_CSV


def city_quota(n_city: int) -> int:
    """Return floor(0.4 × n_city) in exact arithmetic (SPEC 2, 六(二))."""
    return (2 * n_city) // 5


def group_by_city(divisions: list[Division]) -> dict[str, list[Division]]:
    """Group divisions by city code; keys and members in code order."""
    cities: dict[str, list[Division]] = {}
    for division in divisions:
        cities.setdefault(division.city_code, []).append(division)
    return cities


def format_date(day: dt.date, style: str) -> str:
    """Format a date as ``iso`` (2024-03-05), ``slash`` (2024/3/5) or ``cn`` (2024年3月5日)."""
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def pick_date_style(rng: random.Random) -> str:
    """Pick a date style: ISO mostly, sometimes the slash or the Chinese form."""
    draw = rng.random()
    if draw < 0.1:
        return "slash"
    if draw < 0.2:
        return "cn"
    return "iso"


def yes_no(flag: bool, latin: bool = False) -> str:
    """Return 是/否, or Y/N when ``latin`` is set."""
    if latin:
        return "Y" if flag else "N"
    return "是" if flag else "否"


def format_number(value: Decimal, thousands: bool = False) -> str:
    """Format a decimal as written, optionally with thousands separators (1,234.5)."""
    return f"{value:,}" if thousands else str(value)


def format_score(tenths: int) -> str:
    """Format a score held in tenths of a point with one decimal (e.g. 73 → "7.3")."""
    return str(Decimal(tenths).scaleb(-1))


def fullwidth_digits(text: str) -> str:
    """Replace ASCII digits by full-width digits."""
    return text.translate({ord(d): chr(0xFF10 + int(d)) for d in "0123456789"})


def plan_declarations(
    rng: random.Random, settings: YearSettings, cities: dict[str, list[Division]]
) -> list[str]:
    """Choose the declaring divisions.

    Each city gets enough declarations to fill its quota (quota + 1 in an
    over-quota city, a single one in a short city); the remaining declarations,
    which will not be recommended, are spread at random over the other cities.
    """
    chosen: list[str] = []
    for city_code, members in cities.items():
        need = city_quota(len(members))
        if city_code in settings.over_quota_cities:
            need += 1
        elif city_code in settings.short_cities:
            need = 1
        chosen.extend(d.code for d in rng.sample(members, need))
    pool = [
        d.code
        for city_code, members in cities.items()
        if city_code not in settings.short_cities
        for d in members
        if d.code not in chosen
    ]
    rng.shuffle(pool)
    chosen.extend(pool[: settings.n_declared - len(chosen)])
    return sorted(chosen)


def plan_recommendations(
    rng: random.Random,
    settings: YearSettings,
    cities: dict[str, list[Division]],
    declared: list[str],
) -> dict[str, list[str]]:
    """Return each city's recommended codes in its stated order (full quota, +1 if over quota)."""
    recommendations: dict[str, list[str]] = {}
    for city_code, members in cities.items():
        candidates = [d.code for d in members if d.code in declared]
        rng.shuffle(candidates)
        quota = city_quota(len(members))
        count = quota + 1 if city_code in settings.over_quota_cities else min(quota, len(candidates))
        recommendations[city_code] = candidates[:count]
    return recommendations


def plan_vetoes(
    rng: random.Random, settings: YearSettings, admitted: list[str]
) -> tuple[str, list[str], dict[str, list[str]]]:
    """Choose who is hit by the land veto and by each planned event.

    Returns the land-veto county, the county of each event (in plan order) and the
    vetoed counties with their veto ids in SPEC 3.1 order. Events that do not count
    (``kept``) go to admitted counties that stay ranked.
    """
    pool = list(admitted)
    rng.shuffle(pool)
    land_veto_code = pool.pop()
    vetoed = {land_veto_code: [LAND_VETO_ID[settings.land_veto]]}
    event_codes = []
    for event in settings.events:
        if event.target == "new":
            event_codes.append(pool.pop())
            vetoed[event_codes[-1]] = [event.type_id]
        elif event.target == "land":
            event_codes.append(land_veto_code)
            vetoed[land_veto_code].append(event.type_id)
        else:
            event_codes.append("")
    ranked = sorted(code for code in admitted if code not in vetoed)
    kept = iter(rng.sample(ranked, event_codes.count("")))
    event_codes = [code or next(kept) for code in event_codes]
    for reasons in vetoed.values():
        reasons.sort(key=VETO_ORDER.index)
    return land_veto_code, event_codes, vetoed


def plan_bonus(
    rng: random.Random,
    settings: YearSettings,
    ranked: list[str],
    division_by_code: dict[str, Division],
) -> tuple[list[dict], dict[str, Fraction]]:
    """Plan the bonus events of the year and the points each county should get (七(二)).

    Counted: a national commendation and a national typical experience (+1 each),
    a provincial commendation shared by two counties and a provincial typical
    experience (+0.5 each). Not counted: the same provincial document entered again
    in another spelling, a city-level document, and a document dated outside the year.
    """
    year = settings.year
    b1, b2, b3, b4, b5, b6 = rng.sample(ranked, 6)
    nat_commend = f"自然资办函〔{year}〕{rng.randint(100, 999)}号"
    nat_typical = f"自然资办发〔{year}〕{rng.randint(10, 99)}号"
    prov_commend = f"苏自然资函〔{year}〕{rng.randint(100, 999)}号"
    prov_typical = f"苏自然资发〔{year}〕{rng.randint(10, 99)}号"
    city_abbr = CITY_ABBR[division_by_code[b4].city_code]
    city_doc = f"{city_abbr}自然资规发〔{year}〕{rng.randint(10, 99)}号"
    outside = settings.outside_year_date
    outside_doc = f"苏自然资发〔{outside.year}〕{rng.randint(10, 99)}号"
    duplicate = prov_commend
    if settings.duplicate_style in ("brackets", "both"):
        duplicate = duplicate.replace("〔", "[").replace("〕", "]")
    if settings.duplicate_style in ("fullwidth", "both"):
        duplicate = fullwidth_digits(duplicate)

    def day(first_month: int, last_month: int) -> dt.date:
        return dt.date(year, rng.randint(first_month, last_month), rng.randint(1, 28))

    prov_commend_day = day(4, 8)
    commend = f"（演示）关于{year}年度土地执法工作成绩突出单位的通报"
    typical = "（演示）土地执法监管典型经验做法"
    planned = [
        (b1, "通报表扬", "国家级", nat_commend, day(3, 6), commend, Fraction(1)),
        (b2, "典型经验", "国家级", nat_typical, day(6, 9), typical, Fraction(1)),
        (b3, "通报表扬", "省级", prov_commend, prov_commend_day, commend, Fraction(1, 2)),
        (b6, "通报表扬", "省级", prov_commend, prov_commend_day, commend, Fraction(1, 2)),
        (b1, "典型经验", "省级", prov_typical, day(9, 11), typical, Fraction(1, 2)),
        (b3, "通报表扬", "省级", duplicate, prov_commend_day, commend, Fraction(0)),
        (b4, "通报表扬", "市级", city_doc, day(2, 11), "（演示）市级土地执法工作表扬通报", Fraction(0)),
        (b5, "典型经验", "省级", outside_doc, outside, typical, Fraction(0)),
    ]
    rows: list[dict] = []
    points: dict[str, Fraction] = {}
    for code, kind, level, document_no, date, title, value in planned:
        rows.append(
            {
                "code": code,
                "kind": kind,
                "level": level,
                "document_no": document_no,
                "date": format_date(date, pick_date_style(rng)),
                "title": title,
            }
        )
        points[code] = points.get(code, Fraction(0)) + value
    return rows, points


def draw_score_matrix(
    rng: random.Random, quality: float, bias: dict[str, float]
) -> dict[tuple[str, str], int]:
    """Draw one county's scores in tenths of a point (60-95 % of max), every evaluator and criterion."""
    matrix: dict[tuple[str, str], int] = {}
    for evaluator in EVALUATORS:
        for criterion, maximum in CRITERION_MAX.items():
            share = min(0.95, max(0.6, quality + bias[evaluator] + rng.gauss(0, 0.035)))
            matrix[(evaluator, criterion)] = min(maximum * 10, round(maximum * 10 * share))
    return matrix


def base_score(matrix: dict[tuple[str, str], int]) -> Fraction:
    """Return the sum over criteria of the evaluators' mean (scores are in tenths)."""
    return Fraction(sum(matrix.values()), 10 * len(EVALUATORS))


def rank_expected(ranked: list[str], scores: dict, bonus: dict[str, Fraction]) -> list[tuple[str, Fraction]]:
    """Order the ranked counties by expected total, highest first (code breaks exact ties)."""
    totals = [(code, base_score(scores[code]) + bonus.get(code, Fraction(0))) for code in ranked]
    return sorted(totals, key=lambda item: (-item[1], item[0]))


def draw_scores(
    rng: random.Random, scored: list[str], bonus: dict[str, Fraction]
) -> dict[str, dict[tuple[str, str], int]]:
    """Draw score matrices for every scored county, redrawing until all totals differ."""
    bias = {evaluator: rng.uniform(-0.03, 0.03) for evaluator in EVALUATORS}
    scores: dict[str, dict[tuple[str, str], int]] = {}
    seen: set[Fraction] = set()
    for code in scored:
        while True:
            matrix = draw_score_matrix(rng, rng.uniform(0.73, 0.93), bias)
            total = base_score(matrix) + bonus.get(code, Fraction(0))
            if total not in seen:
                break
        seen.add(total)
        scores[code] = matrix
    return scores


def make_tie(ranked: list[str], scores: dict, bonus: dict[str, Fraction]) -> tuple[str, str]:
    """Copy the scores of a bonus-free county placed 5th or lower to one placed 13th or lower."""
    ranking = rank_expected(ranked, scores, bonus)
    position = {code: i for i, (code, _) in enumerate(ranking)}
    free = [code for code, _ in ranking if bonus.get(code, Fraction(0)) == 0]
    upper = next(code for code in free if position[code] >= 4)
    lower = next(code for code in free if position[code] >= 12)
    scores[lower] = dict(scores[upper])
    return upper, lower


def draw_land(rng: random.Random, unit: str = "亩") -> tuple[Decimal, Decimal, str]:
    """Draw ordinary land figures: ratio 1-10 %, illegal area below 95 亩.

    亩 figures have one decimal, 公顷 figures two.
    """
    if unit == "公顷":
        construction = rng.randint(800, 16000)  # hundredths of 公顷: 8-160 公顷
        top = min(0.10, 630 / construction)  # 6.30 公顷 = 94.5 亩
        places = 2
    else:
        construction = rng.randint(1200, 24000)  # tenths of 亩: 120-2400 亩
        top = min(0.10, 950 / construction)
        places = 1
    illegal = round(construction * rng.uniform(0.01, top))
    return Decimal(illegal).scaleb(-places), Decimal(construction).scaleb(-places), unit


def plan_land(rng: random.Random, plan: YearPlan) -> None:
    """Plan provincial land statistics for every declaring county (fills ``plan.land``).

    Also picks the county that declares its figures in 公顷 (exactly convertible:
    multiples of 1.5 亩) and the county that under-declares its illegal area.
    """
    land: dict[str, tuple[Decimal, Decimal, str]] = {
        plan.land_veto_code: LAND_VETO_FIGURES[plan.settings.land_veto]
    }
    if plan.tie:
        land.update(zip(plan.tie, TIE_LAND, strict=True))
    free = [code for code in plan.declared if code not in land]
    hectare_rows = rng.sample(free, 2)
    free = [code for code in free if code not in hectare_rows]
    in_hectare, under_declared, zero_area = rng.sample(free, 3)
    for code in plan.declared:
        if code in land:
            continue
        if code in hectare_rows:
            land[code] = draw_land(rng, "公顷")
        elif code == in_hectare:
            steps = rng.randint(80, 1600)  # construction area = steps × 1.5 亩
            # ratio 1-10 %, illegal area at most 63 × 1.5 = 94.5 亩
            illegal_steps = rng.randint(max(1, steps // 100), min(63, steps // 10))
            land[code] = (Decimal("1.5") * illegal_steps, Decimal("1.5") * steps, "亩")
        elif code == zero_area:
            land[code] = (Decimal(0), Decimal(rng.randint(1200, 24000)).scaleb(-1), "亩")
        else:
            land[code] = draw_land(rng)
    plan.land = land
    plan.declared_in_hectare = in_hectare
    plan.under_declared = under_declared


def illegal_area_mu(entry: tuple[Decimal, Decimal, str]) -> Decimal:
    """Return the illegal cultivated area of a land entry in 亩."""
    return entry[0] * (HECTARE_IN_MU if entry[2] == "公顷" else 1)


def land_ratio(entry: tuple[Decimal, Decimal, str]) -> Fraction:
    """Return the exact illegal ÷ construction ratio of a land entry (0 ÷ 0 = 0)."""
    illegal, construction, _ = entry
    if construction == 0:
        return Fraction(0) if illegal == 0 else Fraction(10**9)
    return Fraction(illegal) / Fraction(construction)


def plan_verification(rng: random.Random, plan: YearPlan) -> None:
    """Record outcomes for a few counties expected to be titled; the first one fails."""
    settings = plan.settings
    # The tied pair is left out so that each designed case can be seen on its own.
    titled = [code for code, _ in plan.ranking[:20] if code not in (plan.tie or ())]
    rows = []
    for index, code in enumerate(rng.sample(titled, settings.n_verification)):
        is_failing = index == 0
        latin = is_failing and settings.failing_outcome == "check_failed_latin"
        check_passed = not (is_failing and settings.failing_outcome.startswith("check_failed"))
        objection_upheld = is_failing and settings.failing_outcome == "objection_upheld"
        rows.append(
            {
                "code": code,
                "check_passed": yes_no(check_passed, latin),
                "objection_upheld": yes_no(objection_upheld, latin),
                "disqualified_reason": "",
            }
        )
    plan.verification_rows = rows


def plan_year(settings: YearSettings, divisions: list[Division]) -> YearPlan:
    """Generate all facts of one year from its seeded random generator."""
    rng = random.Random(f"{SEED_PREFIX}-{settings.year}-plan")
    cities = group_by_city(divisions)
    division_by_code = {d.code: d for d in divisions}
    declared = plan_declarations(rng, settings, cities)
    recommendations = plan_recommendations(rng, settings, cities, declared)
    admitted, over_quota = [], []
    for city_code, codes in recommendations.items():
        quota = city_quota(len(cities[city_code]))
        admitted.extend(codes[:quota])
        over_quota.extend(codes[quota:])
    admitted.sort()
    over_quota.sort()
    land_veto_code, event_codes, vetoed = plan_vetoes(rng, settings, admitted)
    ranked = sorted(code for code in admitted if code not in vetoed)
    bonus_rows, bonus_points = plan_bonus(rng, settings, ranked, division_by_code)
    scored = sorted(code for codes in recommendations.values() for code in codes)
    scores = draw_scores(rng, scored, bonus_points)
    tie = make_tie(ranked, scores, bonus_points) if settings.has_tie else None
    plan = YearPlan(
        settings=settings,
        declared=declared,
        recommendations=recommendations,
        admitted=admitted,
        over_quota=over_quota,
        land_veto_code=land_veto_code,
        event_codes=event_codes,
        vetoed=vetoed,
        ranked=ranked,
        bonus_rows=bonus_rows,
        bonus_points=bonus_points,
        scores=scores,
        ranking=rank_expected(ranked, scores, bonus_points),
        tie=tie,
    )
    plan_land(rng, plan)
    check_plan(plan)
    plan_verification(rng, plan)
    return plan


def _require(condition: bool, message: str) -> None:
    """Stop with an error when a designed property does not hold (a generator bug)."""
    if not condition:
        raise RuntimeError(f"demo data plan: {message}")


def check_plan(plan: YearPlan) -> None:
    """Check the designed properties of a year (one tie at most, off the quota lines; land)."""
    year = plan.settings.year
    totals = [total for _, total in plan.ranking]
    duplicates = sorted({t for t in totals if totals.count(t) > 1})
    if plan.tie:
        _require(
            len(duplicates) == 1 and totals.count(duplicates[0]) == 2,
            f"{year}: expected exactly one tied pair, got totals {duplicates}",
        )
        _require(totals.index(duplicates[0]) + 1 not in (10, 20), f"{year}: the tie straddles a quota line")
        _require(
            land_ratio(plan.land[plan.tie[0]]) == land_ratio(plan.land[plan.tie[1]]),
            f"{year}: the tied pair must have equal land ratios",
        )
    else:
        _require(not duplicates, f"{year}: unexpected tied totals {duplicates}")
    _require(len(plan.ranked) > 20, f"{year}: want ranked counties left without a title")
    for code, entry in plan.land.items():
        is_vetoed = land_ratio(entry) >= Fraction(15, 100) or illegal_area_mu(entry) >= 100
        _require(
            is_vetoed == (code == plan.land_veto_code),
            f"{year}: land veto of {code} is {is_vetoed}, not as designed",
        )


def rows_declarations(rng: random.Random, plan: YearPlan, division_by_code: dict) -> list[dict]:
    """Build the declarations rows in arrival order; two arrive after 15 January."""
    year = plan.settings.year
    late = rng.sample(plan.declared, 2)
    dated = []
    for code in plan.declared:
        if code in late:
            day = dt.date(year + 1, 1, rng.choice((16, 17, 18)))
        else:
            day = dt.date(year + 1, 1, rng.randint(3, 14))
        dated.append((day, code))
    rows = []
    for day, code in sorted(dated):
        division = division_by_code[code]
        illegal, construction, unit = plan.land[code]
        if unit == "公顷":  # the province counts in 公顷, the county declares in 亩
            illegal, construction, unit = illegal * 15, construction * 15, "亩"
        elif code == plan.declared_in_hectare:  # exact: multiples of 1.5 亩
            illegal, construction, unit = illegal / 15, construction / 15, "公顷"
        elif code == plan.under_declared:  # possible 弄虚作假 (九(三))
            illegal = (illegal * 3 / 5).quantize(Decimal("0.1"))
        rows.append(
            {
                "code": code,
                "name": division.name,
                "city": division.city,
                "declared_on": format_date(day, pick_date_style(rng)),
                "self_illegal_cultivated_area": format_number(illegal),
                "self_construction_cultivated_area": format_number(construction),
                "area_unit": unit,
                "contact": rng.choice(FAKE_CONTACTS),
                "phone": FAKE_PHONE,
            }
        )
    return rows


def rows_recommendations(rng: random.Random, plan: YearPlan, cities: dict[str, list[Division]]) -> list[dict]:
    """Build the recommendation rows: per city, in its stated order (one city reversed)."""
    settings = plan.settings
    rows = []
    for city_code, codes in plan.recommendations.items():
        if not codes:
            continue
        day = dt.date(settings.year + 1, 1, rng.randint(20, 31))
        if city_code == settings.late_recommendation_city:
            day = dt.date(settings.year + 1, 2, 3)
        style = pick_date_style(rng)
        city_rows = [
            {
                "city": cities[city_code][0].city,
                "code": code,
                "order": str(order),
                "recommended_on": format_date(day, style),
            }
            for order, code in enumerate(codes, start=1)
        ]
        if city_code == settings.reversed_city:
            city_rows.reverse()  # file order differs from the stated order
        rows.extend(city_rows)
    return rows


def rows_land_stats(plan: YearPlan) -> list[dict]:
    """Build the provincial land statistics rows by code; in 2022 and 2024 two large areas
    are written with thousands separators (1,234.5)."""
    year = plan.settings.year
    rows = []
    n_thousands = 0
    for code in plan.declared:
        illegal, construction, unit = plan.land[code]
        thousands = year != 2023 and unit == "亩" and construction >= 1000 and n_thousands < 2
        n_thousands += thousands
        rows.append(
            {
                "code": code,
                "illegal_cultivated_area": format_number(illegal),
                "construction_cultivated_area": format_number(construction, thousands),
                "area_unit": unit,
                "source": f"{year}年度卫片执法统计（演示）",
            }
        )
    return rows


def veto_type_text(type_id: str, style: str, index: int) -> str:
    """Write a veto type as its id, its Chinese name, or alternately (``mixed``)."""
    if style == "zh" or (style == "mixed" and index % 2 == 0):
        return VETO_TYPE_ZH[type_id]
    return type_id


def rows_veto_events(rng: random.Random, plan: YearPlan) -> list[dict]:
    """Build the veto event rows from the year's event plan."""
    settings = plan.settings
    rows = []
    for index, (event, code) in enumerate(zip(settings.events, plan.event_codes, strict=True)):
        rows.append(
            {
                "code": code,
                "type": veto_type_text(event.type_id, settings.veto_type_style, index),
                "date": format_date(event.date, pick_date_style(rng)),
                "authority_level": event.level,
                "verified": yes_no(event.is_verified, latin=index == 1 and settings.year != 2022),
                "reference": event.reference,
                "description": event.description,
            }
        )
    return rows


def rows_scores_long(plan: YearPlan) -> list[dict]:
    """Build long-form score rows: evaluator, code, criterion, score."""
    return [
        {
            "evaluator": evaluator,
            "code": code,
            "criterion": criterion,
            "score": format_score(plan.scores[code][(evaluator, criterion)]),
        }
        for evaluator in EVALUATORS
        for code in sorted(plan.scores)
        for criterion in CRITERION_MAX
    ]


def csv_bytes(rows: list[dict], columns: tuple, settings: YearSettings) -> bytes:
    """Serialise rows as CSV in the year's header language, encoding and line ending."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=settings.line_terminator)
    language = 0 if settings.header_language == "en" else 1
    writer.writerow([column[language] for column in columns])
    for row in rows:
        writer.writerow([row[column[0]] for column in columns])
    return buffer.getvalue().encode(settings.encoding)


def xlsx_bytes_scores_wide(plan: YearPlan) -> bytes:
    """Serialise wide-form scores as a reproducible xlsx (fixed timestamps, codes as numbers)."""
    settings = plan.settings
    stamp = dt.datetime(settings.year + 1, 2, 10, 9, 0, 0)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评分"
    language = 0 if settings.header_language == "en" else 1
    sheet.append([column[language] for column in TABLE_COLUMNS["scores_wide"]])
    for evaluator in EVALUATORS:
        for code in sorted(plan.scores):
            matrix = plan.scores[code]
            sheet.append(
                [evaluator, int(code)] + [float(format_score(matrix[(evaluator, c)])) for c in CRITERION_MAX]
            )
    workbook.properties.creator = "landassess demo generator"
    return workbook_bytes(workbook, stamp)


def write_year(plan: YearPlan, divisions: list[Division], out_dir: Path) -> list[Path]:
    """Write all tables of one year into ``out_dir/<Y>/`` and return the paths written."""
    settings = plan.settings
    rng = random.Random(f"{SEED_PREFIX}-{settings.year}-layout")  # dates, contacts
    cities = group_by_city(divisions)
    division_by_code = {d.code: d for d in divisions}
    folder = out_dir / str(settings.year)
    folder.mkdir(parents=True, exist_ok=True)
    tables: list[tuple[str, bytes]] = [
        (
            "declarations.csv",
            csv_bytes(
                rows_declarations(rng, plan, division_by_code), TABLE_COLUMNS["declarations"], settings
            ),
        ),
        (
            "recommendations.csv",
            csv_bytes(rows_recommendations(rng, plan, cities), TABLE_COLUMNS["recommendations"], settings),
        ),
        ("land_stats.csv", csv_bytes(rows_land_stats(plan), TABLE_COLUMNS["land_stats"], settings)),
        ("veto_events.csv", csv_bytes(rows_veto_events(rng, plan), TABLE_COLUMNS["veto_events"], settings)),
        ("bonus_events.csv", csv_bytes(plan.bonus_rows, TABLE_COLUMNS["bonus_events"], settings)),
        ("verification.csv", csv_bytes(plan.verification_rows, TABLE_COLUMNS["verification"], settings)),
    ]
    if settings.scores_form == "wide":
        tables.append(("scores.xlsx", xlsx_bytes_scores_wide(plan)))
    else:
        tables.append(
            ("scores.csv", csv_bytes(rows_scores_long(plan), TABLE_COLUMNS["scores_long"], settings))
        )
    written = []
    for name, data in tables:
        stem = name.rsplit(".", 1)[0]
        for stale in (folder / f"{stem}.csv", folder / f"{stem}.xlsx"):
            if stale.name != name and stale.exists():
                stale.unlink()  # a table switched format since the last run
        (folder / name).write_bytes(data)
        written.append(folder / name)
    label = folder / "DEMO_DATA.txt"
    label.write_bytes((DEMO_LABEL + "\n").encode("utf-8"))
    written.append(label)
    return written


def write_returned(year: int, out_dir: Path) -> list[Path]:
    """Write the returned workbooks of ``year`` and the province's data folder; return the paths.

    The templates are those of ``landassess template`` (county, city and evaluator forms, with the
    default parameters), filled from ``out_dir/<year>/`` by :func:`landassess.collect.fill.fill_forms`
    exactly as the offices would fill them; forms left blank (a county that did not declare, a city
    that recommended nobody) are not returned. Each filled workbook is loaded and saved again
    through :func:`landassess.publish.workbooks.workbook_bytes` with a fixed stamp, so the bytes
    do not depend on the clock.
    """
    from openpyxl import load_workbook

    from landassess.collect.fill import fill_forms
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish import return_forms

    flat = out_dir / str(year)
    returned = out_dir / "returned" / str(year)
    province = out_dir / f"collect-{year}"
    stamp = dt.datetime(year + 1, 2, 10, 9, 0, 0)
    params = load_params(year)
    divisions = load_divisions(params.divisions.file)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="landassess-demo-forms-") as tmp:
        forms = Path(tmp)
        for name in RETURNED_FOLDERS:
            (forms / name).mkdir()
        sent = return_forms.write_county_forms(forms / RETURNED_FOLDERS[0], year, divisions, params)
        sent += return_forms.write_city_forms(forms / RETURNED_FOLDERS[1], year, divisions, params)
        counties, evaluators, recused = return_forms.score_sheet_plan(flat, year, params, divisions, EVALUATORS)
        sent += return_forms.write_score_sheets(forms / RETURNED_FOLDERS[2], year, params, counties,
                                                evaluators, recused)
        filled = fill_forms(sent, flat, divisions, params)
        for name in RETURNED_FOLDERS:  # forget the last run's workbooks (the set may change)
            if (returned / name).is_dir():
                shutil.rmtree(returned / name)
        for path in sorted(filled):
            target = returned / path.relative_to(forms)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(workbook_bytes(load_workbook(path), stamp))
            written.append(target)
    label = returned / "DEMO_DATA.txt"
    label.write_bytes((DEMO_LABEL + "\n").encode("utf-8"))
    written.append(label)
    province.mkdir(parents=True, exist_ok=True)
    for name in PROVINCE_TABLES:
        (province / name).write_bytes((flat / name).read_bytes())
        written.append(province / name)
    return written


def describe_year(plan: YearPlan, division_by_code: dict[str, Division]) -> list[str]:
    """Summarise the designed cases of a year (printed; not read by any tool)."""

    def name(code: str) -> str:
        return f"{division_by_code[code].name}({code})"

    lines = [
        f"== {plan.settings.year} ==",
        (
            f"declared {len(plan.declared)}, recommended "
            f"{sum(len(c) for c in plan.recommendations.values())}, "
            f"admitted {len(plan.admitted)}, over quota {len(plan.over_quota)}: "
            + ", ".join(name(c) for c in plan.over_quota)
        ),
        "vetoed: " + "; ".join(f"{name(c)} {'+'.join(r)}" for c, r in sorted(plan.vetoed.items())),
        "events not counted: "
        + (
            ", ".join(
                f"{name(code)} {event.type_id}/{event.level}/{event.date}"
                for event, code in zip(plan.settings.events, plan.event_codes, strict=True)
                if event.target == "kept"
            )
            or "none"
        ),
        f"ranked {len(plan.ranked)}; expected top 20 (total):",
    ]
    for position, (code, total) in enumerate(plan.ranking, start=1):
        marker = "" if position <= 20 else " (not selected)"
        lines.append(f"  {position:2d} {name(code)} {float(total):.2f}{marker}")
    if plan.tie:
        lines.append(f"tie: {name(plan.tie[0])} = {name(plan.tie[1])}")
    lines.append(
        f"declares in 公顷: {name(plan.declared_in_hectare)}; "
        f"under-declares illegal area: {name(plan.under_declared)}"
    )
    lines.append(
        "verification: "
        + ", ".join(
            f"{name(r['code'])} 查验{r['check_passed']} 异议{r['objection_upheld']}"
            for r in plan.verification_rows
        )
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the three demo years and print their summaries."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--divisions",
        type=Path,
        default=default_divisions_path(),
        help="reference list of county-level divisions (CSV)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=REPO_ROOT / "demo",
        help="output folder (default: demo/ in the repository)",
    )
    args = parser.parse_args(argv)
    divisions = read_divisions(args.divisions)
    division_by_code = {d.code: d for d in divisions}
    for settings in YEARS:
        plan = plan_year(settings, divisions)
        for path in write_year(plan, divisions, args.out):
            print(f"wrote {path}")
        print("\n".join(describe_year(plan, division_by_code)))
    returned = write_returned(RETURNED_YEAR, args.out)
    for path in returned:
        print(f"wrote {path}")
    kinds = {name: sum(1 for p in returned if p.parent.name == name) for name in RETURNED_FOLDERS}
    print(f"== returned {RETURNED_YEAR} == " + ", ".join(f"{name} {n}" for name, n in kinds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
