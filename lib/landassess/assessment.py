"""One year's assessment: the stages of 六 in order, from parsed inputs to statuses (SPEC 3.6).

``assess_year`` runs declaration → vetoes → recommendation → completeness → scoring → bonus →
ranking → decisions → spot-check draw → verification and keeps every intermediate table, so the
report can explain each county's status from the inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

from landassess.clock import parse_as_of
from landassess.divisions import Divisions, load_divisions
from landassess.intake import YearInputs, load_year
from landassess.params import Params, load_params
from landassess.problems import Problem, problems_frame
from landassess.rules import bonus as bonus_rules
from landassess.rules import ranking, recommendation, scoring, verification, vetoes
from landassess.vocabulary import ERROR, NOTICE, STATUS_ZH, VETO_TYPES

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

    @property
    def problems_table(self) -> pd.DataFrame:
        return problems_frame(self.problems)

    def results(self) -> pd.DataFrame:
        """The ``results.csv`` table of SPEC 5 (all text, one row per division, by code)."""
        return results_table(self.counties)


def _declared(declarations: pd.DataFrame) -> set[str]:
    return set(declarations.loc[declarations["code"] != "", "code"])


def assess_year(inputs: YearInputs, params: Params, divisions: Divisions) -> Assessment:
    """Apply the rules of the notice to a year's parsed inputs."""
    from landassess.intake import without_cycle_collector

    with without_cycle_collector():
        return _assess_year(inputs, params, divisions)


def _assess_year(inputs: YearInputs, params: Params, divisions: Divisions) -> Assessment:
    year = inputs.year
    problems = list(inputs.problems)
    tables = inputs.tables
    declared = _declared(tables["declarations"])

    # 七(一) vetoes, for every division with evidence.
    event_judgements = vetoes.judge_veto_events(tables["veto_events"], year)
    land = vetoes.judge_land(tables["land_stats"], params)
    veto_ids = vetoes.veto_ids_by_county(event_judgements, land)
    understatement = vetoes.flag_understatement(tables["declarations"], land)

    # 六(二) recommendations and quotas.
    judged_recs, rec_problems = recommendation.judge_recommendations(
        tables["recommendations"], declared, divisions, params)
    problems += rec_problems
    quotas = recommendation.quota_table(judged_recs, divisions, params)
    recommended = set(judged_recs.loc[judged_recs["is_counted"], "code"])
    admitted = set(judged_recs.loc[judged_recs["is_admitted"], "code"])

    # Completeness: row problems, and land statistics for every declared county.
    land_codes = set(land["code"])
    for code in sorted(declared - land_codes):
        problems.append(Problem(
            ERROR, "land_stats", "缺少该县的耕地数据（违法占用耕地面积、新增建设用地占用耕地面积），无法判断七(一)2",
            file=inputs.files["land_stats"].name, code=code, expected="每个申报县一行耕地数据",
            affects_status=True))
    to_score = sorted(c for c in admitted if c not in veto_ids)
    scored = scoring.score_counties(tables["scores"], to_score, params)
    for record in scored.counties[~scored.counties["is_complete"]].itertuples():
        problems.append(Problem(
            ERROR, "scores", "缺少指标评分：" + "、".join(record.missing) + "（不插补）",
            file=inputs.files["scores"].name, code=record.code,
            expected="每项指标至少一位评委评分", affects_status=True))
    _note_unassessed_scores(tables["scores"], set(to_score), inputs, problems)
    incomplete = {p.code for p in problems if p.affects_status and p.code}
    # A problem in a verification row comes after the ranking: the county is incomplete, but the
    # others keep their places (不再进行增补), so it stays in the ranking computation.
    incomplete_before_ranking = {p.code for p in problems if p.affects_status and p.code
                                 and p.table != "verification"}

    # 七(二) bonus.
    bonus_judgements = bonus_rules.judge_bonus_events(tables["bonus_events"], params, year)
    bonus_points = bonus_rules.bonus_by_county(bonus_judgements, params.bonus.cap)

    # Ranking: declared, unvetoed, admitted, complete.
    decimals = params.scoring.score_decimals
    county_scores = scored.counties.set_index("code")
    ratio_of = dict(zip(land["code"], land["ratio"], strict=True))
    rankable = [c for c in to_score if c not in incomplete_before_ranking]
    effectiveness = params.rubric.effectiveness_dimension
    candidates = pd.DataFrame({
        "code": pd.Series(rankable, dtype=object),
        "base_exact": [county_scores.at[c, "base"] for c in rankable],
        "bonus_exact": [Fraction(bonus_points.get(c, Decimal(0))) for c in rankable],
        "effectiveness_exact": [county_scores.at[c, effectiveness] for c in rankable],
        "ratio": [ratio_of[c] for c in rankable],
    })
    candidates["total_exact"] = candidates["base_exact"] + candidates["bonus_exact"]
    candidates["total"] = [scoring.round_half_up(x, decimals) for x in candidates["total_exact"]]
    candidates["effectiveness"] = [scoring.round_half_up(x, decimals)
                                   for x in candidates["effectiveness_exact"]]
    ranked = ranking.rank_counties(candidates, params).merge(candidates, on="code")

    # Committee decisions, the draw, verification outcomes.
    ranked, decisions, decision_problems = verification.apply_decisions(
        ranked, tables["decisions"], params)
    problems += decision_problems
    pool = sorted(ranked.loc[ranked["tier"].notna() & ~ranked["is_tie_pending"], "code"])
    draw = verification.draw_spot_checks(pool, params.spot_check.seed, params.spot_check.count)
    # SPEC 3.5/7.3: an outcome takes a title away; for a unit without one it is a notice only.
    titled = set(ranked.loc[ranked["tier"].isin(["model", "advanced"]) & ~ranked["is_tie_pending"], "code"])
    outcomes, outcome_problems = verification.disqualifying_outcomes(
        tables["verification"], set(ranked["code"]), titled)
    problems += outcome_problems

    problems += _rule_notices(event_judgements, understatement, judged_recs, bonus_judgements)

    counties = _county_table(
        divisions, declared, veto_ids, recommended, admitted, judged_recs, incomplete, ranked,
        draw, outcomes, scored, bonus_points, ratio_of, params)
    return Assessment(
        year=year, params=params, divisions=divisions, inputs=inputs, counties=counties,
        veto_events=event_judgements, land=land, understatement=understatement,
        recommendations=judged_recs, quotas=quotas, scores=scored, bonus_events=bonus_judgements,
        ranked=ranked, decisions=decisions, draw=draw, outcomes=outcomes, problems=problems)


def _rule_notices(events: pd.DataFrame, understatement: pd.DataFrame, recs: pd.DataFrame,
                  bonus: pd.DataFrame) -> list[Problem]:
    """Findings the evaluators must see, by county.

    Over-quota recommendations, possible 弄虚作假, events and documents that did not count. None of
    them makes a county incomplete.
    """
    found = [
        Problem(ERROR, "recommendations", f"推荐超出名额：{r.reason}（六(二)），该县为“超出推荐名额”", file=r.file,
                sheet=r.sheet, row=int(r.row), column="推荐顺序", value=str(r.order), code=r.code,
                expected="推荐数量不超过所辖县级单位的40%")
        for r in recs[recs["is_over_quota"]].itertuples()
    ]
    found += [
        Problem(NOTICE, "declarations", f"自报违法占用耕地面积 {float(r.self_mu):g} 亩少于省厅掌握的 "
                f"{float(r.illegal_mu):g} 亩，可能存在弄虚作假（九(三)），请核实", file=r.file, row=int(r.row), code=r.code,
                column="自报违法占用耕地面积")
        for r in understatement.itertuples()
    ]
    found += [
        Problem(NOTICE, "veto_events", f"否决事项未计入：{r.reason}", file=r.file, sheet=r.sheet, row=int(r.row),
                column="类型", value=VETO_TYPES[r.type], code=r.code)
        for r in events[~events["counts"]].itertuples()
    ]
    found += [
        Problem(NOTICE, "bonus_events", f"加分文件未计入：{r.reason}", file=r.file, sheet=r.sheet, row=int(r.row),
                column="文号", value=r.document_no or "", code=r.code)
        for r in bonus[~bonus["counts"]].itertuples()
    ]
    return found


def _note_unassessed_scores(scores: pd.DataFrame, assessed: set[str], inputs: YearInputs,
                            problems: list[Problem]) -> None:
    """Scores given to a county that is not assessed are ignored, and said so once per county."""
    others = scores[(scores["code"] != "") & ~scores["code"].isin(assessed)]
    summary = others.groupby("code", sort=True)["row"].agg(["size", "first"])
    for code, count, row in zip(summary.index, summary["size"], summary["first"], strict=True):
        problems.append(Problem(
            NOTICE, "scores", f"该县未进入评分范围（未申报、未获推荐、超出名额或被否决），其 {count} 条评分不计",
            file=inputs.files["scores"].name, code=str(code), row=int(row)))


def _county_table(divisions: Divisions, declared: set[str], veto_ids: dict[str, list[str]],
                  recommended: set[str], admitted: set[str], judged_recs: pd.DataFrame,
                  incomplete: set[str], ranked: pd.DataFrame, draw: pd.DataFrame,
                  outcomes: pd.DataFrame, scored: scoring.Scores, bonus_points: dict[str, Decimal],
                  ratio_of: dict[str, Fraction | None], params: Params) -> pd.DataFrame:
    """One row per division with its status (SPEC 3.6) and figures."""
    decimals = params.scoring.score_decimals
    table = divisions.table[["code", "name", "city"]].copy()
    ranked_by_code = ranked.set_index("code")
    drawn = set(draw.loc[draw["is_drawn"], "code"]) if len(draw) else set()
    # Only outcomes that take a provisional 模范/先进 title away disqualify (SPEC 3.5, 7.3); the
    # others are kept, with every outcome recorded for a unit, for the ledger's explanation.
    applied = outcomes["is_applied"] if "is_applied" in outcomes else outcomes["is_disqualifying"]
    disqualified_reason = outcomes[applied].groupby("code")["reason"].agg("；".join).to_dict()
    recorded_reason = outcomes[outcomes["is_disqualifying"]].groupby("code")["reason"].agg("；".join).to_dict()
    over_quota = set(judged_recs.loc[judged_recs["is_over_quota"], "code"]) - admitted
    statuses = []
    for code in table["code"]:
        if code not in declared:
            status = "not_declared"
        elif code in veto_ids:
            status = "vetoed"
        elif code not in recommended:
            status = "not_recommended"
        elif code in over_quota:
            status = "over_quota"
        elif code in incomplete:
            status = "incomplete"
        elif code in ranked_by_code.index and code in disqualified_reason \
                and ranked_by_code.at[code, "tier"] in ("model", "advanced") \
                and not ranked_by_code.at[code, "is_tie_pending"]:
            status = "disqualified"
        elif code in ranked_by_code.index and ranked_by_code.at[code, "is_tie_pending"]:
            status = "tie_pending"
        elif code in ranked_by_code.index and ranked_by_code.at[code, "tier"] in ("model", "advanced"):
            status = ranked_by_code.at[code, "tier"]
        else:
            status = "not_selected"
        statuses.append(status)
    table["status"] = statuses
    table["status_zh"] = table["status"].map(STATUS_ZH)
    table["vetoes"] = [";".join(veto_ids.get(c, [])) for c in table["code"]]
    table["is_declared"] = table["code"].isin(declared)
    table["is_recommended"] = table["code"].isin(recommended)
    table["is_admitted"] = table["code"].isin(admitted)
    table["is_ranked"] = table["code"].isin(ranked_by_code.index)
    table["ratio"] = table["code"].map(ratio_of)
    for column in ("base_exact", "bonus_exact", "total_exact", "effectiveness_exact", "rank",
                   "position", "position_last", "tie_size", "tie_break", "tier", "is_tie_pending",
                   "pending_between", "decision", "decision_reason"):
        table[column] = table["code"].map(ranked_by_code[column]) if column in ranked_by_code else None
    table["rank"] = table["rank"].astype("Int64")
    table["base_score"] = [_fmt(x, decimals) for x in table["base_exact"]]
    table["bonus"] = [_fmt(x, decimals) for x in table["bonus_exact"]]
    table["total"] = [_fmt(x, decimals) for x in table["total_exact"]]
    dimension_scores = scored.counties.set_index("code")
    for dimension in params.rubric.dimensions:
        table[f"dim_{dimension.id}"] = [
            _fmt(dimension_scores.at[c, dimension.id], decimals) if c in ranked_by_code.index else ""
            for c in table["code"]]
    table["bonus_documents_points"] = table["code"].map(bonus_points)
    table["spot_check"] = table["code"].isin(drawn)
    table["disqualified_reason"] = [disqualified_reason.get(code, "") if status == "disqualified" else ""
                                    for code, status in zip(table["code"], table["status"], strict=True)]
    table["verification_record"] = [recorded_reason.get(code, "") for code in table["code"]]
    return table


def _fmt(value: Fraction | None, decimals: int) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(scoring.round_half_up(value, decimals))


def results_table(counties: pd.DataFrame) -> pd.DataFrame:
    """``results.csv`` (SPEC 5): text cells, empty where not applicable, sorted by code."""
    out = counties[RESULT_COLUMNS].copy()
    out["rank"] = [str(int(r)) if pd.notna(r) else "" for r in counties["rank"]]
    out["tier"] = counties["tier"].where(counties["tier"].isin(["model", "advanced"]), "")
    out["spot_check"] = counties["spot_check"].map({True: "true", False: "false"})
    return out.sort_values("code").reset_index(drop=True)


def run_assessment(year: int, data: Path, params_file: Path | None = None,
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
    return assessment
