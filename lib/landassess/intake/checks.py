"""Checks a table schema declares beyond single cells: dates, codes against names, repeats (SPEC 4).

Each check is ``check(ctx, out, codes)``: it looks at parsed rows, records located problems with
their reason codes and marks unusable rows ``is_valid = False``. Factories (``not_in_future``,
``no_duplicates``) take what differs between tables.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from landassess.intake import values as v
from landassess.intake.cells import _Context, cells_of, flag_duplicates, parse_column
from landassess.intake.deadlines import judge_declaration_date, judge_recommendation_date
from landassess.params import event_clauses
from landassess.vocabulary import ERROR, NOTICE

Check = Callable[[_Context, pd.DataFrame, pd.Series], None]


def not_in_future(name: str, what: str, *, affects: bool, invalidates: bool) -> Check:
    """A date after the day of the run has not happened yet: a typing error (docs/input_problems.md)."""
    def check(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
        for i, day in enumerate(out[name]):
            if day is None or day <= ctx.today:
                continue
            code = codes.iat[i]
            ctx.add(ERROR, i, name, f"{what}晚于今天（{ctx.today.isoformat()}），日期尚未到来", reason="date.future",
                    value=day.isoformat(), expected=f"不晚于 {ctx.today.isoformat()} 的日期", code=code,
                    affects=affects and bool(code))
            if invalidates:
                out.iat[i, out.columns.get_loc("is_valid")] = False
    return check


def no_duplicates(keys: list[str], label: str, *, compare: list[str] | None = None, affects: bool = True) -> Check:
    """Repeated keys: identical repeats are notices (counted once), conflicting ones are errors."""
    def check(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
        flag_duplicates(ctx, out, keys, label, compare=compare, affects=affects)
    return check


def declaration_matches_code(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
    """A declaration's name and city are those of its code; its date against the deadline (六(一))."""
    name_of, city_of = ctx.divisions.name_of(), ctx.divisions.city_of()
    for i, code in enumerate(codes):
        if not code:
            continue
        name, city = out["name"].iat[i], out["city"].iat[i]
        if name is not None and name != name_of[code]:
            ctx.add(ERROR, i, "name", f"名称与代码不符：代码 {code} 是“{name_of[code]}”", reason="row.name_mismatch",
                    value=name, expected=name_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        if city is not None and city != city_of[code]:
            ctx.add(ERROR, i, "city", f"设区市与代码不符：代码 {code} 属于{city_of[code]}", reason="row.city_mismatch",
                    value=city, expected=city_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        declared_on = out["declared_on"].iat[i]
        for notice in judge_declaration_date(declared_on, year=ctx.year, deadlines=ctx.params.deadlines,
                                             today=ctx.today):
            ctx.add(NOTICE, i, "declared_on", notice.message, reason=notice.reason,
                    value=declared_on.isoformat(), expected=notice.expected, code=code)


def recommendation_deadline(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
    """A recommendation dated after its deadline is a notice for the evaluators (六(二))."""
    for i, code in enumerate(codes):
        on = out["recommended_on"].iat[i]
        for notice in judge_recommendation_date(on, year=ctx.year, deadlines=ctx.params.deadlines,
                                                today=ctx.today):
            ctx.add(NOTICE, i, "recommended_on", notice.message, reason=notice.reason,
                    value=on.isoformat(), expected=notice.expected, code=code)


def verified_where_required(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
    """An event of a clause that requires ``verified`` (媒体披露, 七(一)1) must say whether it was verified.

    Which clauses require it is the year's parameters (SPEC 8.7); a blank cell is an error.
    """
    clauses = event_clauses(ctx.params)
    for i, kind in enumerate(out["type"]):
        clause = clauses.get(kind) if kind is not None else None
        if clause is not None and "verified" in clause.requires and out["verified"].iat[i] is None \
                and out["is_valid"].iat[i]:
            ctx.add(ERROR, i, "verified", f"{clause.label}事项须填写是否查实", reason="row.verified_missing",
                    value=None, expected="是/否", code=codes.iat[i])
            out.iat[i, out.columns.get_loc("is_valid")] = False


def add_document_key(ctx: _Context, out: pd.DataFrame, codes: pd.Series) -> None:
    """``document_key``: the 文号 in canonical form, so one document counts once (七(二))."""
    document_key, _ = parse_column(cells_of(ctx, "document_no"), v.normalize_document_number)
    out["document_key"] = pd.Series(document_key, index=out.index, dtype=object)
