"""One year's assessment: the stages of 六 in order, from parsed inputs to statuses (SPEC 3.6).

``assess_year`` runs declaration → vetoes → recommendation → completeness → scoring → bonus →
ranking → decisions → spot-check draw → verification and keeps every intermediate table, so the
report can explain each county's status from the inputs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from landassess.clock import parse_as_of
from landassess.divisions import Divisions, load_divisions
from landassess.intake import YearInputs, load_year
from landassess.params import (
    Params,
    Recommendation,
    Rubric,
    Vetoes,
    load_params,
    parameter_files,
    veto_labels,
)
from landassess.paths import ParamsFiles
from landassess.problems import Problem, problems_frame
from landassess.rules import bonus as bonus_rules
from landassess.rules import ranking, recommendation, scoring, statuses, verification, vetoes
from landassess.vocabulary import ERROR, NOTICE

RESULT_COLUMNS = ["code", "name", "city", "status", "vetoes", "base_score", "bonus", "total",
                  "rank", "tier", "spot_check"]


@dataclass
class Assessment:
    """Everything decided for one year, with the evidence."""

    year: int
    params: Params
    divisions: Divisions
    inputs: YearInputs
    counties: pd.DataFrame  # one row per division: status and all figures (exact and rounded)
    veto_events: pd.DataFrame
    land: pd.DataFrame
    understatement: pd.DataFrame
    recommendations: pd.DataFrame
    quotas: pd.DataFrame
    scores: scoring.Scores
    bonus_events: pd.DataFrame
    ranked: pd.DataFrame
    decisions: pd.DataFrame
    draw: pd.DataFrame
    outcomes: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    as_of: dt.date | None = None  # the run's as-of date (SPEC 7.2), set by run_assessment
    params_files: tuple[Path, ...] = ()  # the parameter files applied, in order (SPEC 8.0), set by run_assessment

    @property
    def problems_table(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def results(self) -> pd.DataFrame:
        """The ``results.csv`` table of SPEC 5 (all text, one row per division, by code)."""
        return results_table(self.counties)


def _declared(declarations: pd.DataFrame) -> set[str]:
    return set(declarations.loc[declarations["code"] != "", "code"])


def assess_year(inputs: YearInputs, params: Params, divisions: Divisions,
                cache: dict | None = None) -> Assessment:
    """Apply the rules of the notice to a year's parsed inputs.

    ``cache`` (optional) is a dict kept between calls on the same inputs, for the what-if's fast
    path: each stage's result is memoized by the parameter group it depends on — vetoes by
    ``params.vetoes``, recommendations and quotas by ``params.recommendation``, criterion means by
    the rubric's criteria and maxima, ``params.scoring.trim`` and the codes to score, bonus
    judgements by ``params.bonus`` — and the cheap stages (dimension weights and totals, ranking,
    decisions, the draw, statuses) run every time. The result is the same with or without a
    cache; cached tables are shared between results and must be treated as read-only.
    """
    from landassess.memory import without_cycle_collector

    with without_cycle_collector():
        return _assess_year(inputs, params, divisions, cache)


def _stage(cache: dict | None, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()``, memoized in ``cache`` under ``key`` when there is a cache."""
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _pinned(cache: dict | None, *objects: object) -> tuple[int, ...]:
    """Identities of input tables, kept alive in the cache so that no id is reused.

    Stages are keyed by the tables they read, so a variant of the inputs that replaces one table
    (the scores without one evaluator) reuses every stage that does not read it.
    """
    if cache is not None:
        for item in objects:
            cache.setdefault(("pinned", id(item)), item)
    return tuple(id(item) for item in objects)


def criteria_key(rubric: Rubric) -> tuple:
    """What criterion means depend on in the rubric: dimensions, criterion ids and maxima (not weights)."""
    return tuple((d.id, tuple((c.id, c.max) for c in d.criteria)) for d in rubric.dimensions)


def _assess_year(inputs: YearInputs, params: Params, divisions: Divisions, cache: dict | None) -> Assessment:
    year = inputs.year
    problems = list(inputs.problems)
    tables = inputs.tables
    pin = dict(zip(tables, _pinned(cache, *tables.values()), strict=True))
    # A county whose returns are doubtful (SPEC 8.2) declared; nothing of its returns is used until confirmed.
    declared = _stage(cache, ("declared", pin["declarations"]),
                      lambda: _declared(tables["declarations"]) | set(inputs.doubtful))

    # 七(一) vetoes, for every division with evidence.
    veto_key = ("vetoes", year, pin["veto_events"], pin["land_stats"], pin["declarations"], params.vetoes)
    event_judgements, land, veto_ids, understatement = _stage(
        cache, veto_key, lambda: _judge_vetoes(tables, params.vetoes, year))

    # 六(二) recommendations and quotas.
    recommendation_key = ("recommendation", pin["recommendations"], pin["declarations"], *_pinned(cache, divisions),
                          params.recommendation)
    judged_recs, rec_problems, quotas = _stage(
        cache, recommendation_key,
        lambda: _judge_recommendations(tables, declared, divisions, params.recommendation))
    problems += rec_problems
    recommended = set(judged_recs.loc[judged_recs["is_counted"], "code"])
    admitted = set(judged_recs.loc[judged_recs["is_admitted"], "code"])

    # Completeness: row problems, and land statistics for every declared county.
    land_codes = set(land["code"])
    for code in sorted(declared - land_codes):
        problems.append(Problem(
            ERROR, "land_stats", "缺少该县的耕地数据（违法占用耕地面积、新增建设用地占用耕地面积），无法判断七(一)2",
            file=_file_name(inputs, "land_stats"), code=code, expected="每个申报县一行耕地数据",
            affects_status=True, reason="land.missing"))
    to_score = sorted(c for c in admitted if c not in veto_ids)
    recused = _stage(cache, ("recused", pin["scores"], pin["recusals"], *_pinned(cache, divisions)),
                     lambda: scoring.recused_rows(tables["scores"], tables["recusals"], divisions.city_of()))
    usable_scores = _stage(cache, ("usable", pin["scores"], pin["recusals"], *_pinned(cache, divisions)),
                           lambda: tables["scores"][~recused.to_numpy()])
    criteria, evaluator_scores = _stage(
        cache, ("means", pin["scores"], pin["recusals"], criteria_key(params.rubric), params.scoring.trim,
                tuple(to_score)),
        lambda: scoring.criterion_means(usable_scores, to_score, params.rubric, params.scoring))
    problems += _stage(cache, ("recusal notices", pin["scores"], pin["recusals"], tuple(to_score)),
                       lambda: _recusal_notices(tables["scores"][recused.to_numpy()], set(to_score), inputs))
    problems += _stage(cache, ("unmatched recusals", pin["scores"], pin["recusals"]),
                       lambda: _unmatched_recusals(tables["recusals"], tables["scores"], inputs))
    scored = scoring.Scores(criteria, scoring.county_totals(criteria, to_score, params.rubric), evaluator_scores)
    for record in scored.counties[~scored.counties["is_complete"]].itertuples():
        problems.append(Problem(
            ERROR, "scores", "缺少指标评分：" + "、".join(record.missing) + "（不插补）",
            file=_file_name(inputs, "scores"), code=record.code,
            expected="每项指标至少一位评委评分", affects_status=True, reason="score.missing"))
    problems += _stage(cache, ("unassessed", pin["scores"], _file_name(inputs, "scores"), tuple(to_score)),
                       lambda: _unassessed_scores(tables["scores"], set(to_score), inputs))
    incomplete = {p.code for p in problems if p.affects_status and p.code}
    # A problem in a verification row comes after the ranking: the county is incomplete, but the
    # others keep their places (不再进行增补), so it stays in the ranking computation.
    incomplete_before_ranking = {p.code for p in problems if p.affects_status and p.code
                                 and p.table != "verification"}

    # 七(二) bonus.
    bonus_key = ("bonus", year, pin["bonus_events"], params.bonus)
    bonus_judgements = _stage(cache, bonus_key,
                              lambda: bonus_rules.judge_bonus_events(tables["bonus_events"], params.bonus, year))
    bonus_points = bonus_rules.bonus_by_county(bonus_judgements, params.bonus.cap)

    # Ranking: declared, unvetoed, admitted, complete.
    ratio_of = dict(zip(land["code"], land["ratio"], strict=True))
    rankable = [c for c in to_score if c not in incomplete_before_ranking]
    candidates = _candidates(rankable, scored, bonus_points, ratio_of, params)
    ranked = ranking.rank_counties(candidates, params.tiers, params.tie_break).merge(candidates, on="code")

    # Committee decisions, the draw, verification outcomes.
    ranked, decisions, decision_problems = verification.apply_decisions(ranked, tables["decisions"], params.tiers)
    problems += decision_problems
    pool = sorted(ranked.loc[ranked["tier"].notna() & ~ranked["is_tie_pending"], "code"])
    draw = verification.draw_spot_checks(pool, params.spot_check.seed, params.spot_check.count)
    # SPEC 3.5/7.3: an outcome takes a title away; for a unit without one it is a notice only.
    titled = set(ranked.loc[ranked["tier"].isin(["model", "advanced"]) & ~ranked["is_tie_pending"], "code"])
    outcomes, outcome_problems = _stage(  # the same rows for every variant that ranks and titles the same units
        cache, ("outcomes", pin["verification"], frozenset(ranked["code"]), frozenset(titled)),
        lambda: verification.disqualifying_outcomes(tables["verification"], set(ranked["code"]), titled))
    problems += outcome_problems

    problems += _stage(cache, ("notices", veto_key, recommendation_key, bonus_key),
                       lambda: _rule_notices(event_judgements, understatement, judged_recs, bonus_judgements,
                                             params.recommendation.quota_share, veto_labels(params)))

    counties = statuses.county_table(
        divisions, declared, veto_ids, recommended, admitted, judged_recs, incomplete, ranked,
        draw, outcomes, scored, bonus_points, ratio_of, params.scoring.score_decimals,
        [d.id for d in params.rubric.dimensions])
    return Assessment(
        year=year, params=params, divisions=divisions, inputs=inputs, counties=counties,
        veto_events=event_judgements, land=land, understatement=understatement,
        recommendations=judged_recs, quotas=quotas, scores=scored, bonus_events=bonus_judgements,
        ranked=ranked, decisions=decisions, draw=draw, outcomes=outcomes,
        problems=_located(_with_party(problems, tables, inputs), inputs))


_PARTY_COLUMN = {"recommendations": "city", "scores": "evaluator"}
"""Who corrects a row of these tables when it is not the county: the recommending city, the evaluator (SPEC 8.1)."""


def _with_party(problems: list[Problem], tables: dict[str, pd.DataFrame], inputs: YearInputs) -> list[Problem]:
    """A recommendation's problem is the recommending city's to correct, a score's the evaluator's (SPEC 8.1).

    A collected row's intake problems are already located in the sender's workbook: its row there counts too.
    """
    party_of_row: dict[tuple, str] = {}
    for table, column in _PARTY_COLUMN.items():
        frame = tables[table]
        wanted = {p.row for p in problems if p.table == table and not p.party}
        if not wanted or not len(frame) or column not in frame.columns:
            continue
        if not inputs.locators:  # a score sheet has many rows: look only at the rows with a problem
            frame = frame[frame["row"].isin(wanted)]
        for file, row, party in zip(frame["file"], frame["row"], frame[column].fillna(""), strict=True):
            party_of_row[(table, file, row)] = party
            if inputs.locators:
                source = inputs.at_source(Problem(NOTICE, table, "", file=file, row=row))
                party_of_row.setdefault((table, source.file, source.row), party)
    return [dataclasses.replace(p, party=party_of_row.get((p.table, p.file, p.row), "") or "")
            if p.table in _PARTY_COLUMN and not p.party else p for p in problems]


def _located(problems: list[Problem], inputs: YearInputs) -> list[Problem]:
    """Rows collected from returned workbooks: problems cite the sender's file and cell (SPEC 7.4)."""
    return [inputs.at_source(p) for p in problems] if inputs.locators else problems


def _judge_vetoes(tables: dict[str, pd.DataFrame], thresholds: Vetoes, year: int) -> tuple:
    """七(一): event judgements, land statistics, veto ids by county, possible understatement."""
    event_judgements = vetoes.judge_veto_events(tables["veto_events"], year, thresholds)
    land = vetoes.judge_land(tables["land_stats"], thresholds)
    veto_ids = vetoes.veto_ids_by_county(event_judgements, land, thresholds)
    return event_judgements, land, veto_ids, vetoes.flag_understatement(tables["declarations"], land)


def _judge_recommendations(tables: dict[str, pd.DataFrame], declared: set[str], divisions: Divisions,
                           rules: Recommendation) -> tuple:
    """六(二): judged recommendation rows, their problems and the quota table."""
    judged, found = recommendation.judge_recommendations(tables["recommendations"], declared, divisions, rules)
    return judged, found, recommendation.quota_table(judged, divisions, rules)


def _candidates(rankable: list[str], scored: scoring.Scores, bonus_points: dict[str, Decimal],
                ratio_of: dict[str, Fraction | None], params: Params) -> pd.DataFrame:
    """The ranking's input: exact and rounded total and effectiveness subtotal, ratio (SPEC 3.4)."""
    decimals = params.scoring.score_decimals
    county_scores = scored.counties.set_index("code")
    base_of = county_scores["base"].to_dict()
    effectiveness_of = county_scores[params.rubric.effectiveness_dimension].to_dict()
    candidates = pd.DataFrame({
        "code": pd.Series(rankable, dtype=object),
        "base_exact": [base_of[c] for c in rankable],
        "bonus_exact": [Fraction(bonus_points.get(c, Decimal(0))) for c in rankable],
        "effectiveness_exact": [effectiveness_of[c] for c in rankable],
        "ratio": [ratio_of[c] for c in rankable],
    })
    candidates["total_exact"] = candidates["base_exact"] + candidates["bonus_exact"]
    candidates["total"] = [scoring.round_half_up(x, decimals) for x in candidates["total_exact"]]
    candidates["effectiveness"] = [scoring.round_half_up(x, decimals)
                                   for x in candidates["effectiveness_exact"]]
    return candidates


def _rule_notices(events: pd.DataFrame, understatement: pd.DataFrame, recs: pd.DataFrame,
                  bonus: pd.DataFrame, quota_share: Decimal, labels: dict[str, str]) -> list[Problem]:
    """Findings the evaluators must see, by county.

    Over-quota recommendations, possible 弄虚作假, events and documents that did not count. None of
    them makes a county incomplete.
    """
    found = [
        Problem(ERROR, "recommendations", f"推荐超出名额：{r.reason}（六(二)），该县为“超出推荐名额”", file=r.file,
                sheet=r.sheet, row=int(r.row), column="推荐顺序", value=str(r.order), code=r.code,
                expected=f"推荐数量不超过所辖县级单位的{(quota_share * 100).normalize():f}%（向下取整）",
                reason="recommendation.over_quota")
        for r in recs[recs["is_over_quota"]].itertuples()
    ]
    found += [
        Problem(NOTICE, "declarations", f"自报违法占用耕地面积 {float(r.self_mu):g} 亩少于省厅掌握的 "
                f"{float(r.illegal_mu):g} 亩，可能存在弄虚作假（九(三)），请核实", file=r.file, row=int(r.row), code=r.code,
                column="自报违法占用耕地面积", reason="declaration.understated")
        for r in understatement.itertuples()
    ]
    found += [
        Problem(NOTICE, "veto_events", f"否决事项未计入：{r.reason}", file=r.file, sheet=r.sheet, row=int(r.row),
                column="类型", value=labels[r.type], code=r.code,
                reason="veto_event.not_counted")
        for r in events[~events["counts"]].itertuples()
    ]
    found += [
        Problem(NOTICE, "bonus_events", f"加分文件未计入：{r.reason}", file=r.file, sheet=r.sheet, row=int(r.row),
                column="文号", value=r.document_no or "", code=r.code,
                reason="bonus_event.not_counted")
        for r in bonus[~bonus["counts"]].itertuples()
    ]
    return found


def _file_name(inputs: YearInputs, table: str) -> str:
    """The table's file name as read (``<table>.csv`` when the table was not required this time)."""
    path = inputs.files.get(table)
    return path.name if path is not None else f"{table}.csv"


def _recusal_notices(recused: pd.DataFrame, assessed: set[str], inputs: YearInputs) -> list[Problem]:
    """A recused evaluator's scores for an assessed county are not used; said once per evaluator and county."""
    shown = recused[recused["is_valid"] & recused["code"].isin(assessed)]
    summary = shown.groupby(["code", "evaluator"], sort=True)["row"].agg(["size", "first"])
    return [Problem(NOTICE, "scores", f"评委 {evaluator} 对该县回避，其 {count} 条评分不计",
                    file=_file_name(inputs, "scores"), code=str(code), row=int(row), value=str(evaluator),
                    reason="score.recused")
            for (code, evaluator), count, row in zip(summary.index, summary["size"], summary["first"], strict=True)]


def _unmatched_recusals(recusals: pd.DataFrame, scores: pd.DataFrame, inputs: YearInputs) -> list[Problem]:
    """A recusal naming an evaluator who scored nothing: a look-alike name, said, never silently unused (SPEC 8.0)."""
    if not len(recusals):
        return []
    known = list(dict.fromkeys(scores["evaluator"].dropna()))
    rows = recusals[recusals["is_valid"] & ~recusals["evaluator"].isin(known)]
    return [Problem(NOTICE, "recusals", f"回避表中的评委“{evaluator}”在评分表中没有任何评分：请核对姓名是否与评分表一致",
                    file=_file_name(inputs, "recusals"), row=int(row), column="评委", value=str(evaluator),
                    expected="评分表中的评委姓名：" + "、".join(known[:20]), reason="recusal.unknown_evaluator")
            for evaluator, row in zip(rows["evaluator"], rows["row"], strict=True)]


def _unassessed_scores(scores: pd.DataFrame, assessed: set[str], inputs: YearInputs) -> list[Problem]:
    """Scores given to a county that is not assessed are ignored, and said so once per county."""
    others = scores[(scores["code"] != "") & ~scores["code"].isin(assessed)]
    summary = others.groupby("code", sort=True)["row"].agg(["size", "first"])
    return [Problem(NOTICE, "scores", f"该县未进入评分范围（未申报、未获推荐、超出名额或被否决），其 {count} 条评分不计",
                    file=_file_name(inputs, "scores"), code=str(code), row=int(row), reason="score.not_assessed")
            for code, count, row in zip(summary.index, summary["size"], summary["first"], strict=True)]


def results_table(counties: pd.DataFrame) -> pd.DataFrame:
    """``results.csv`` (SPEC 5): text cells, empty where not applicable, sorted by code."""
    out = counties[RESULT_COLUMNS].copy()
    out["rank"] = [str(int(r)) if pd.notna(r) else "" for r in counties["rank"]]
    out["tier"] = counties["tier"].where(counties["tier"].isin(["model", "advanced"]), "")
    out["spot_check"] = counties["spot_check"].map({True: "true", False: "false"})
    return out.sort_values("code").reset_index(drop=True)


def run_assessment(year: int, data: Path, params_file: ParamsFiles = None,
                   as_of: dt.date | str | None = None) -> Assessment:
    """Load parameters, divisions and inputs, and assess the year (the notebook's one call).

    ``as_of`` is the run's date for future-date checks (SPEC 7.2): default today in China.
    """
    as_of = parse_as_of(as_of)
    params = load_params(year, params_file)
    divisions = load_divisions(params.divisions.file)
    inputs = load_year(Path(data), year, params, divisions, today=as_of)
    assessment = assess_year(inputs, params, divisions)
    assessment.as_of = as_of
    assessment.params_files = tuple(parameter_files(year, params_file))
    return assessment
