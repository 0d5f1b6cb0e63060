"""Invariants, checked with hypothesis on generated candidates, pools and whole small years."""

from __future__ import annotations

import csv
import hashlib
import tempfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from landassess.assessment import assess_year
from landassess.intake import load_year
from landassess.rules import ranking, verification

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YEARS = settings(max_examples=20, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# ----------------------------------------------------------------------------- candidates

# Few distinct values, so that ties on the total, the effectiveness and the ratio are frequent.
TOTALS = [Decimal(t) for t in ("70.00", "80.00", "84.33", "88.13", "88.14", "92.50", "100.00")]
EFFECTIVENESS = [Decimal(e) for e in ("25.00", "30.00", "31.63", "32.00")]
RATIOS = [Fraction(0), Fraction(1, 20), Fraction(2, 25), Fraction(33, 250), Fraction(1, 10)]


@st.composite
def candidate_lists(draw, max_size=24):
    n = draw(st.integers(0, max_size))
    return pd.DataFrame({
        "code": [f"C{i:05d}" for i in range(n)],
        "total": [draw(st.sampled_from(TOTALS)) for _ in range(n)],
        "effectiveness": [draw(st.sampled_from(EFFECTIVENESS)) for _ in range(n)],
        "ratio": [draw(st.sampled_from(RATIOS)) for _ in range(n)],
    }, columns=["code", "total", "effectiveness", "ratio"])


@st.composite
def tier_overrides(draw, with_min_total=True):
    minimum = st.none() | st.sampled_from(["80", "84.33", "88.14", "95"]) if with_min_total else st.none()
    return {"tiers": {
        "model": {"quota": draw(st.integers(0, 6)), "min_total": draw(minimum)},
        "advanced": {"quota": draw(st.integers(0, 6)), "min_total": draw(minimum)},
    }}


def _key(row):
    """SPEC 3.4 order: rounded total ↓, effectiveness ↓, ratio ↑ (smaller key = better)."""
    return (-row.total, -row.effectiveness, row.ratio)


def _tier(value):
    return value if isinstance(value, str) else None


@FAST
@given(candidates=candidate_lists(), override=tier_overrides())
def test_no_tier_holds_more_units_than_its_quota(make_params, candidates, override):
    params = make_params(override)
    ranked = ranking.rank_counties(candidates, params.tiers, params.tie_break)
    assert (ranked["tier"] == "model").sum() <= params.tiers.model.quota
    assert (ranked["tier"] == "advanced").sum() <= params.tiers.advanced.quota
    # A unit below a tier's minimum total never holds that tier.
    totals = dict(zip(candidates["code"], candidates["total"], strict=True))
    for tier in ("model", "advanced"):
        line = getattr(params.tiers, tier).min_total
        if line is not None:
            assert all(totals[c] >= line for c in ranked.loc[ranked["tier"] == tier, "code"])
    # Pending units hold no title.
    assert ranked.loc[ranked["is_tie_pending"], "tier"].isna().all()


@FAST
@given(candidates=candidate_lists())
def test_competition_rank_is_one_plus_number_strictly_better(params, candidates):
    ranked = ranking.rank_counties(candidates, params.tiers, params.tie_break)
    assert sorted(ranked["code"]) == sorted(candidates["code"])
    keys = {r.code: _key(r) for r in candidates.itertuples()}
    for row in ranked.itertuples():
        better = sum(1 for other in keys.values() if other < keys[row.code])
        equal = sum(1 for other in keys.values() if other == keys[row.code])
        assert row.rank == 1 + better
        assert row.tie_size == equal
        assert row.position_last == better + equal


@FAST
@given(candidates=candidate_lists(), override=tier_overrides(with_min_total=False))
def test_tiers_follow_positions_and_ties_across_a_line_are_pending(make_params, candidates, override):
    # Without minimum totals the title depends only on the places a tie group covers:
    # all within 1…qm → 模范, all within qm+1…qm+qa → 先进, all after → none, else pending.
    params = make_params(override)
    qm, qa = params.tiers.model.quota, params.tiers.advanced.quota
    ranked = ranking.rank_counties(candidates, params.tiers, params.tie_break)
    for row in ranked.itertuples():
        first, last = row.position, row.position_last
        if last <= qm:
            expected, pending = "model", False
        elif first > qm and last <= qm + qa:
            expected, pending = "advanced", False
        elif first > qm + qa:
            expected, pending = None, False
        else:
            expected, pending = None, True
        assert _tier(row.tier) == expected, (row.code, first, last, qm, qa)
        assert bool(row.is_tie_pending) is pending


@FAST
@given(candidates=candidate_lists(max_size=16).filter(lambda c: len(c) > 0), data=st.data())
def test_rank_never_improves_when_the_score_drops(params, candidates, data):
    index = data.draw(st.integers(0, len(candidates) - 1))
    code = candidates.at[index, "code"]
    before = ranking.rank_counties(candidates, params.tiers, params.tie_break).set_index("code").at[code, "rank"]
    lower = candidates.copy()
    drop = data.draw(st.sampled_from([Decimal("0.01"), Decimal("0.5"), Decimal("4.33"), Decimal("30")]))
    lower.at[index, "total"] = lower.at[index, "total"] - drop
    after = ranking.rank_counties(lower, params.tiers, params.tie_break).set_index("code").at[code, "rank"]
    assert after >= before
    # The same for a drop of the effectiveness subtotal alone (the first tie-break).
    worse = candidates.copy()
    worse.at[index, "effectiveness"] = worse.at[index, "effectiveness"] - drop
    assert ranking.rank_counties(worse, params.tiers, params.tie_break).set_index("code").at[code, "rank"] >= before


DECISIONS = ["model", "advanced", "not_selected"]


@FAST
@given(candidates=candidate_lists().filter(lambda c: len(c) > 0), override=tier_overrides(False),
       data=st.data())
@example(  # quotas 1/1; 95 模范, 90 先进, 85 none; decisions 95 → 先进, 85 → 模范
    candidates=pd.DataFrame({"code": ["C00000", "C00001", "C00002"],
                             "total": [Decimal("95.00"), Decimal("90.00"), Decimal("85.00")],
                             "effectiveness": [Decimal("30.00")] * 3, "ratio": [Fraction(1, 20)] * 3}),
    override={"tiers": {"model": {"quota": 1, "min_total": None}, "advanced": {"quota": 1, "min_total": None}}},
    data=None,
)
def test_decisions_never_put_more_units_in_a_tier_than_its_quota(make_params, decisions_frame, candidates,
                                                                 override, data):
    params = make_params(override)
    ranked = ranking.rank_counties(candidates, params.tiers, params.tie_break)
    if data is None:
        decided = [["C00000", "advanced", "r"], ["C00002", "model", "r"]]
    else:
        codes = data.draw(st.lists(st.sampled_from(list(candidates["code"])), unique=True, max_size=6))
        decided = [[c, data.draw(st.sampled_from(DECISIONS)), "r"] for c in codes]
    after, _, _ = verification.apply_decisions(ranked, decisions_frame(decided), params.tiers)
    assert (after["tier"] == "model").sum() <= params.tiers.model.quota
    assert (after["tier"] == "advanced").sum() <= params.tiers.advanced.quota


# ----------------------------------------------------------------------------- the draw

CODES = st.sampled_from([f"32{i:04d}" for i in range(100, 160)])


@FAST
@given(pool=st.lists(CODES, unique=True, max_size=20), seed=st.text(min_size=1, max_size=12),
       count=st.integers(0, 8), data=st.data())
def test_draw_depends_only_on_seed_and_pool(pool, seed, count, data):
    shuffled = data.draw(st.permutations(pool))
    first = verification.draw_spot_checks(pool, seed, count)
    again = verification.draw_spot_checks(list(pool), seed, count)
    other_order = verification.draw_spot_checks(list(shuffled), seed, count)
    chosen = first.loc[first["is_drawn"], "code"].tolist()
    assert chosen == again.loc[again["is_drawn"], "code"].tolist()
    assert chosen == other_order.loc[other_order["is_drawn"], "code"].tolist()
    # And it is the SPEC 3.5 rule, computed independently.
    by_hash = sorted(pool, key=lambda c: hashlib.sha256(f"{seed}:{c}".encode()).hexdigest())
    assert chosen == by_hash[:count]
    assert len(chosen) == min(count, len(pool))


# ----------------------------------------------------------------------------- whole small years

ANCHOR = "320102"  # 玄武区, 南京: always declared, recommended, clean and complete (see below)
CITIES = {
    "宿迁市": {"321302": "宿城区", "321311": "宿豫区", "321322": "沭阳县", "321323": "泗阳县", "321324": "泗洪县"},
    "镇江市": {"321102": "京口区", "321111": "润州区", "321112": "丹徒区", "321181": "丹阳市"},
    "常州市": {"320402": "天宁区", "320404": "钟楼区", "320411": "新北区"},
}
QUOTA = {"宿迁市": 2, "镇江市": 2, "常州市": 2}  # floor(0.4 × 5), floor(0.4 × 6), floor(0.4 × 6)
CITY_OF = {code: city for city, codes in CITIES.items() for code in codes}
NAME_OF = {code: name for codes in CITIES.values() for code, name in codes.items()}
LAND = [("1", "50"), ("10.86", "72.4"), ("10.85", "72.4"), ("100", "1000"), ("99.99", "1000"),
        ("5", "0"), ("0", "0"), ("6.7公顷", "200公顷"), ("6.6公顷", "50公顷")]
EVENTS = [  # (type, date, level, verified, counts by 七(一) as read in rules.md)
    ("约谈问责", "2025-01-01", "省", "是", True),
    ("约谈问责", "2025-05-20", "市", "是", False),
    ("约谈问责", "2024-12-31", "国家", "是", False),
    ("媒体披露", "2025-12-31", "省", "否", False),
    ("媒体披露", "2025-06-10", "市", "是", True),
    ("挂牌督办", "2025-04-02", "省", "是", False),
    ("挂牌督办", "2025-04-02", "国家", "是", True),
    ("重点管理县", "2026-01-01", "省", "是", False),
    ("专项行动未完成", "2025-03-03", "市", "否", True),
]
BASES = ["80", "84.33", "88.125", "92.5", "100"]
CRITERIA_MAX = {"C01": 5, "C02": 5, "C03": 8, "C04": 6, "C05": 6, "C06": 8, "C07": 9, "C08": 8,
                "C09": 15, "C10": 10, "C11": 10, "C12": 6, "C13": 4}


def _mu(text):
    """Area as written → exact 亩 (1 公顷 = 15 亩), the test's own reading."""
    if text.endswith("公顷"):
        return Fraction(Decimal(text[:-2])) * 15
    return Fraction(Decimal(text))


def _scores(code, base, complete):
    shortfall = Fraction(100) - Fraction(Decimal(base))
    rows = []
    for criterion, top in CRITERIA_MAX.items():
        take = min(shortfall, Fraction(top))
        shortfall -= take
        if complete or criterion != "C05":
            rows.append(["甲", code, criterion, str(Decimal(top) - Decimal(take.numerator) / take.denominator)])
    return rows


@st.composite
def small_years(draw):
    mostly = st.sampled_from([True, True, True, False])
    counties = {}
    for code in CITY_OF:
        counties[code] = {
            "declared": draw(mostly),
            "land": draw(st.sampled_from(LAND[:1] * 4 + LAND) | st.none()),
            "event": draw(st.none() | st.none() | st.sampled_from(EVENTS)),
            "base": draw(st.sampled_from(BASES)),
            "complete": draw(mostly),
        }
    recommendations = []
    for city, own in CITIES.items():
        # Mostly the city's own counties, now and then another city's; orders may repeat and skip.
        named = st.sampled_from(sorted(own)) | st.sampled_from(sorted(own)) | st.sampled_from(sorted(CITY_OF))
        for code in draw(st.lists(named, max_size=6)):
            recommendations.append([city, code, draw(st.integers(1, 6))])
    recommendations = draw(st.permutations(recommendations))  # file order is not the order column
    quotas = {"model": draw(st.integers(0, 3)), "advanced": draw(st.integers(0, 3))}
    return counties, list(recommendations), quotas


def _write(folder, counties, recommendations):
    def table(name, header, rows):
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    declared = [c for c, d in counties.items() if d["declared"]]
    table("declarations", ["code", "name", "city", "declared_on"],
          [[ANCHOR, "玄武区", "南京市", "2026-01-10"]]
          + [[c, NAME_OF[c], CITY_OF[c], "2026-01-10"] for c in declared])
    table("recommendations", ["city", "code", "order"],
          [["南京市", ANCHOR, 1]] + recommendations)
    table("land_stats", ["code", "illegal_cultivated_area", "construction_cultivated_area"],
          [[ANCHOR, "1", "50"]] + [[c, *d["land"]] for c, d in counties.items() if d["land"]])
    # The anchor's rows here never count (previous year; city level): noise the rules must ignore.
    table("veto_events", ["code", "type", "date", "authority_level", "verified"],
          [[ANCHOR, "约谈问责", "2024-06-01", "省", "是"]]
          + [[c, *d["event"][:4]] for c, d in counties.items() if d["event"]])
    table("bonus_events", ["code", "kind", "level", "document_no", "date"],
          [[ANCHOR, "通报表扬", "市级", "宁〔2025〕1号", "2025-03-01"]])
    scores = _scores(ANCHOR, "100", True)
    for code, d in counties.items():
        scores += _scores(code, d["base"], d["complete"])
    table("scores", ["evaluator", "code", "criterion", "score"], scores)


def _expected_vetoed(d):
    """七(一) by the test's own reading: a counting event, ratio ≥ 15 % (x/0 with x > 0 too) or ≥ 100 亩."""
    if d["event"] and d["event"][4]:
        return True
    if d["land"]:
        illegal, construction = (_mu(x) for x in d["land"])
        if construction == 0:
            return illegal > 0
        return illegal / construction >= Fraction(15, 100) or illegal >= 100
    return False


def _expected_admitted(counties, recommendations):
    """六(二) by the test's own reading: valid rows per city by (order, file row), first place kept."""
    admitted, over = set(), set()
    declared = {c for c, d in counties.items() if d["declared"]}
    for city, quota in QUOTA.items():
        rows = [(order, i, code) for i, (c, code, order) in enumerate(recommendations)
                if c == city and CITY_OF[code] == city and code in declared]
        seen = []
        for _, _, code in sorted(rows):
            if code not in seen:
                seen.append(code)
        admitted |= set(seen[:quota])
        over |= set(seen[quota:])
    return admitted, over


@YEARS
@given(year=small_years())
def test_whole_year_invariants(make_params, divisions, year):
    counties, recommendations, quotas = year
    params = make_params({"tiers": {"model": {"quota": quotas["model"]},
                                    "advanced": {"quota": quotas["advanced"]}},
                          "spot_check": {"seed": "prop", "count": 2}})
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, counties, recommendations)
        assessment = assess_year(load_year(folder, 2025, params, divisions), params, divisions)
    results = assessment.results().set_index("code")
    status = results["status"].to_dict()
    ranked = set(results.index[results["rank"] != ""])

    # Ranked exactly when the status is one a ranked unit can have.
    ranked_statuses = {"disqualified", "tie_pending", "model", "advanced", "not_selected"}
    assert ranked == {c for c, s in status.items() if s in ranked_statuses}
    # No vetoed or over-quota county is ranked, and the vetoes are the rule's.
    for code, d in counties.items():
        if d["declared"]:
            assert (status[code] == "vetoed") is _expected_vetoed(d), (code, d)
        assert (results.at[code, "vetoes"] != "") is _expected_vetoed(d), (code, d)
        if results.at[code, "vetoes"]:
            assert code not in ranked
    # A city never has more admitted than its quota; admission follows the order column.
    table = assessment.quotas.set_index("city")
    assert (table["admitted"] <= table["quota"]).all()
    admitted, over = _expected_admitted(counties, recommendations)
    for code, d in counties.items():
        if not d["declared"] or _expected_vetoed(d):
            continue
        if code in over:
            assert status[code] == "over_quota"
        elif code not in admitted:
            assert status[code] == "not_recommended"
        else:
            assert status[code] in ranked_statuses | {"incomplete"}
            assert (status[code] == "incomplete") is (not d["complete"] or d["land"] is None)
    assert not ({c for c, s in status.items() if s == "over_quota"} & ranked)
    # Never more titles than the quotas; the anchor (clean, admitted, complete) is always ranked.
    assert (results["tier"] == "model").sum() <= quotas["model"]
    assert (results["tier"] == "advanced").sum() <= quotas["advanced"]
    assert ANCHOR in ranked
    # Spot checks come from the titled units only.
    drawn = set(results.index[results["spot_check"] == "true"])
    assert drawn <= {c for c, s in status.items() if s in ("model", "advanced")}


@settings(YEARS, max_examples=10)
@given(year=small_years(), failed=st.lists(st.sampled_from([ANCHOR, *sorted(CITY_OF)]), unique=True,
                                           min_size=1, max_size=6))
def test_disqualification_moves_nobody(make_params, divisions, year, failed):
    # The same year assessed without and with failed on-site checks (查验通过 = 否) for ``failed``:
    # ranks, tiers, totals and the draw do not change (不再进行增补); the failed ranked units are
    # disqualified and every other status stays as it was.
    counties, recommendations, quotas = year
    params = make_params({"tiers": {"model": {"quota": quotas["model"]},
                                    "advanced": {"quota": quotas["advanced"]}},
                          "spot_check": {"seed": "prop", "count": 2}})
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(folder, counties, recommendations)
        runs.append(assess_year(load_year(folder, 2025, params, divisions), params, divisions).results())
        with (folder / "verification.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["code", "check_passed"], *[[c, "否"] for c in failed]])
        runs.append(assess_year(load_year(folder, 2025, params, divisions), params, divisions).results())
    before, after = (r.set_index("code") for r in runs)
    for column in ("rank", "tier", "total", "spot_check", "vetoes"):
        assert before[column].equals(after[column]), column
    ranked = set(before.index[before["rank"] != ""])
    for code in before.index:
        # SPEC 3.5/7.3: an outcome takes a provisional title away; for any other unit it is a notice.
        titled = before.at[code, "status"] in ("model", "advanced")
        expected = "disqualified" if code in ranked and code in failed and titled else before.at[code, "status"]
        assert after.at[code, "status"] == expected, code
