"""Merge the returned workbooks into the year's input tables, and say who returned what.

Nothing collected is dropped silently. The same county (or city) returned twice: identical
contents are kept once (a notice); different contents are both kept, so intake reports the
duplicate and the county is ``incomplete`` until the office says which is right. Two score sheets
from the same evaluator: cells that agree are kept once; cells that disagree are not used and
each is a located problem (the county is ``incomplete`` if nobody else scored that criterion).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from landassess.collect.layout import CITY, COUNTY, EVALUATOR, FORM_ZH
from landassess.collect.reader import SOURCE_COLUMNS, Returned
from landassess.divisions import Divisions
from landassess.intake import TABLES
from landassess.names import canonical
from landassess.problems import Problem
from landassess.vocabulary import ERROR, NOTICE

TABLE_COLUMNS = {name: [c.name for c in TABLES[name].columns]
                 for name in ("declarations", "veto_events", "bonus_events", "recommendations", "scores")}
"""The tables ``collect`` writes, with their columns as the schema declares them (plus the source columns)."""


@dataclass
class Collected:
    """The year's tables from the returned workbooks, the problems, and who returned what."""

    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    returns: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per workbook
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)  # county: returned from which file
    cities: pd.DataFrame = field(default_factory=pd.DataFrame)
    evaluators: pd.DataFrame = field(default_factory=pd.DataFrame)  # evaluator × county: criteria scored
    doubtful: set[str] = field(default_factory=set)  # counties whose returns wait for 收集确认.csv (SPEC 8.2)


@dataclass(frozen=True)
class Confirmation:
    """One row of 省厅记录/收集确认.csv: which returned file counts for a county."""

    code: str
    file: str
    reason: str = ""
    by: str = ""
    on: str = ""


def _content(rows: list[dict[str, str]]) -> list[tuple]:
    return sorted(tuple(sorted((k, v) for k, v in r.items() if k not in SOURCE_COLUMNS)) for r in rows)


def _dedupe(group: list[Returned], kind_zh: str, who: str, problems: list[Problem], code: str) -> list[Returned]:
    """Several workbooks from one sender: identical → the first; different → all, with a problem.

    A template sent back blank next to a filled one is not a second version: it is left out (a notice).
    """
    table = "declarations" if kind_zh == FORM_ZH[COUNTY] else "recommendations"
    filled = [r for r in group if not r.is_blank]
    if filled and len(filled) < len(group):
        for blank in (r for r in group if r.is_blank):
            problems.append(Problem(NOTICE, table, f"{who}的{kind_zh}另有一份未填写的空白模板，未收集",
                                    file=blank.name, code=code, reason="collect.blank_ignored"))
        group = filled
    if len(group) < 2:
        return group
    files = "、".join(r.name for r in group)
    first = {t: _content(rows) for t, rows in group[0].rows.items()}
    if all({t: _content(rows) for t, rows in r.rows.items()} == first for r in group[1:]):
        problems.append(Problem(NOTICE, table,
                                f"{who}的{kind_zh}收到 {len(group)} 份，内容相同，只收集一份（{group[0].name}）",
                                file=group[0].name, value=files, code=code, reason="collect.duplicate_same"))
        return group[:1]
    if kind_zh == FORM_ZH[COUNTY]:
        return group  # differing copies of a county: doubtful until confirmed (_doubtful says so)
    problems.append(Problem(ERROR, table,
                            f"{who}的{kind_zh}收到 {len(group)} 份且内容不同（{files}），都已收集，请确认以哪一份为准",
                            file=group[0].name, value=files, code=code, affects_status=kind_zh == FORM_ZH[COUNTY],
                            reason="collect.duplicate_differs"))
    return group


def _doubtful(group: list[Returned], code: str, who: str, divisions: Divisions, problems: list[Problem],
              confirmations: dict[str, Confirmation]) -> list[Returned] | None:
    """A county's returns, or None while they are doubtful (SPEC 8.2): nothing of them is used then.

    Doubtful: two differing copies (after identical ones and blank templates are set aside), or a
    workbook whose file name names another county. ``省厅记录/收集确认.csv`` settles it by naming
    the file that counts; the choice is said (a notice) and used.
    """
    others = {r.name: named for r in group if (named := divisions.county_named_in(r.name)) and named != code}
    if len(group) < 2 and not others:
        return group
    confirmed = confirmations.get(code)
    chosen = [r for r in group if confirmed and canonical(r.name) == canonical(confirmed.file)]
    if chosen:
        problems.append(Problem(NOTICE, "declarations", f"{who}的申报材料按省厅记录/收集确认.csv 采用“{chosen[0].name}”"
                                f"（理由：{confirmed.reason or '未填写'}；确认人：{confirmed.by or '未填写'}；{confirmed.on}）",
                                file=chosen[0].name, code=code, value="、".join(r.name for r in group),
                                reason="collect.confirmed"))
        return chosen[:1]
    names = divisions.name_of()
    for name, named in sorted(others.items()):
        problems.append(Problem(ERROR, "declarations", f"{who}（{code}）的申报材料以 {names[named]}（{named}）的文件名交回，"
                                "可能填错了模板或发错了文件；在省厅确认以哪一份为准之前不采用",
                                file=name, code=code, value=name, affects_status=True,
                                expected="在 省厅记录/收集确认.csv 中写明该县采用的文件（县级代码、采用文件、理由、确认人、日期）",
                                reason="collect.name_mismatch"))
    if len(group) > 1:
        problems.append(Problem(ERROR, "declarations", f"{who}的申报材料收到 {len(group)} 份且内容不同"
                                f"（{'、'.join(r.name for r in group)}），在省厅确认以哪一份为准之前都不采用",
                                file=group[0].name, code=code, value="、".join(r.name for r in group), affects_status=True,
                                expected="在 省厅记录/收集确认.csv 中写明该县采用的文件（县级代码、采用文件、理由、确认人、日期）",
                                reason="collect.duplicate_differs"))
    return None


def _merge_scores(sheets: list[Returned], problems: list[Problem]) -> list[dict[str, str]]:
    """Score rows of all sheets; the same evaluator's disagreeing cells are not used."""
    cells: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for sheet in sheets:
        for row in sheet.rows.get("scores", []):
            cells.setdefault((row["evaluator"], row["code"], row["criterion"]), []).append(row)
    rows = []
    for (evaluator, code, criterion), found in sorted(cells.items()):
        values = {r["score"] for r in found}
        if len(values) == 1:
            rows.append(found[0])
            continue
        cells = [f"{r['source_cells'].rsplit('=', 1)[1]}{r['source_row']}" for r in found]
        where = "；".join(f"{r['source_file']} {r['source_sheet']}!{cell} = {r['score']}"
                         for r, cell in zip(found, cells, strict=True))
        problems.append(Problem(ERROR, "scores", f"评委 {evaluator} 的两份评分表对 {criterion} 的评分不一致（{where}），均未采用",
                                file=found[0]["source_file"], sheet=found[0]["source_sheet"], cell=cells[0],
                                row=int(found[0]["source_row"]), value="、".join(sorted(values)), code=code,
                                expected="同一评委对同一指标只有一个评分", reason="collect.scores_disagree"))
    return rows


def _returned_zh(group: list[Returned]) -> str:
    """Whether a sender's workbook came back: 是, 空白 (a blank template), 否, or 已交回但未能读取.

    The last: it came back and what is wrong with it is in 问题 (a modified header, a wrong year …),
    so a city whose list could not be read is not reported as one that sent nothing.
    """
    if not group:
        return "否"
    if any(not r.is_blank for r in group):
        return "是"
    return "已交回但未能读取（见“问题”）" if any(p.severity == ERROR for r in group for p in r.problems) else "空白"


def merge_returned(returned: list[Returned], divisions: Divisions, criteria: list[str],
                   evaluators: list[str] | None = None,
                   confirmations: dict[str, Confirmation] | None = None) -> Collected:
    """Merge the workbooks read from a folder into the year's tables and the returns overview."""
    problems = [p for r in returned for p in r.problems]
    names, city_of = divisions.name_of(), divisions.city_of()
    by_form: dict[str, dict[str, list[Returned]]] = {COUNTY: {}, CITY: {}, EVALUATOR: {}}
    received: dict[str, dict[str, list[Returned]]] = {COUNTY: {}, CITY: {}, EVALUATOR: {}}  # read or not
    for item in sorted(returned, key=lambda r: r.name):
        if item.form in by_form:
            received[item.form].setdefault(canonical(item.who), []).append(item)
        if item.form in by_form and item.rows:
            by_form[item.form].setdefault(canonical(item.who), []).append(item)
    kept: list[Returned] = []
    doubtful: set[str] = set()
    used: dict[str, str] = {}  # county → the file used
    for code, group in sorted(by_form[COUNTY].items()):
        copies = _doubtful(_dedupe(group, FORM_ZH[COUNTY], names.get(code, code), problems, code), code,
                           names.get(code, code), divisions, problems, confirmations or {})
        if copies is None:
            doubtful.add(code)
            continue
        kept += copies
        used[code] = "、".join(r.name for r in copies)
    # A return that could not be read names its county: the county declared, nothing is used, until a
    # readable copy comes back (then the unread file is still listed, but no longer holds the county up).
    unread = ("collect.unreadable", "collect.other_format")
    for index, problem in enumerate(problems):
        if problem.reason in unread and problem.code:
            if problem.code in used:
                problems[index] = dataclasses.replace(problem, affects_status=False)
            else:
                doubtful.add(problem.code)
    for city, group in sorted(by_form[CITY].items()):
        kept += _dedupe(group, FORM_ZH[CITY], city, problems, "")
    sheets = [r for group in by_form[EVALUATOR].values() for r in group]
    known = {canonical(e) for e in evaluators or []}  # SPEC 8.0: names compared in canonical form
    for sheet in sheets:
        if evaluators and canonical(sheet.who) not in known:
            problems.append(Problem(ERROR, "scores", f"评委“{sheet.who}”不在本年度的评委名单中，其评分未收集",
                                    file=sheet.name, **sheet.meta_cell("evaluator"), value=sheet.who, expected="、".join(evaluators),
                                    reason="collect.unknown_evaluator"))
    sheets = [s for s in sheets if not evaluators or canonical(s.who) in known]
    tables = {}
    for table, columns in TABLE_COLUMNS.items():
        rows = _merge_scores(sheets, problems) if table == "scores" else \
            [row for item in kept for row in item.rows.get(table, [])]
        tables[table] = pd.DataFrame(rows, columns=[*columns, *SOURCE_COLUMNS]).fillna("")
    returns = pd.DataFrame([{"文件": r.name, "类型": FORM_ZH.get(r.form or "", "未识别"),
                             "单位或评委": names.get(r.who, r.who), "问题": sum(p.severity == ERROR for p in r.problems)}
                            for r in sorted(returned, key=lambda r: r.name)])
    counties = pd.DataFrame([{"县级代码": code, "县（市、区）": names[code], "设区市": city_of[code],
                              "已交回": _returned_zh(received[COUNTY].get(code, [])),
                              "文件": "、".join(r.name for r in by_form[COUNTY].get(code, [])),
                              "采用": "待省厅确认（见“问题”）" if code in doubtful else used.get(code, "")}
                             for code in divisions.codes])
    cities = pd.DataFrame([{"设区市": city, "已交回": _returned_zh(received[CITY].get(city, [])),
                            "文件": "、".join(r.name for r in by_form[CITY].get(city, []))} for city in divisions.cities])
    scores = tables["scores"]
    everyone = list(dict.fromkeys([*(evaluators or []), *by_form[EVALUATOR]]))  # the list's order, then as returned
    counted = scores.groupby(["code", "evaluator"]).size() if len(scores) else pd.Series(dtype=int)
    scored_codes = sorted(set(scores["code"])) if len(scores) else []
    matrix = pd.DataFrame([{"县级代码": code, "县（市、区）": names.get(code, code),
                            **{e: f"{int(counted.get((code, e), 0))}/{len(criteria)}" for e in everyone}}
                           for code in scored_codes])
    return Collected(tables, problems, returns, counties, cities, matrix, doubtful)
