"""Reading the score sheet, long or wide (SPEC 4, scores): one row per evaluator, county and criterion.

Long form: evaluator, county code, criterion, score. Wide form: evaluator, county code and one
column per criterion (``C01`` …, or ``C01`` followed by the criterion's name); a blank cell is
not scored. Every score is checked against its criterion's maximum in the rubric.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from landassess.intake import values as v
from landassess.intake.cells import (
    _Context,
    base_frame,
    cells_of,
    flag_duplicates,
    parse_codes,
    parse_column,
    parse_declared,
)
from landassess.intake.files import column_letter, fatal
from landassess.params import Params
from landassess.problems import InputError, Problem
from landassess.vocabulary import ERROR

_FORMS = "长表：评委、县级代码、指标、得分；或宽表：评委、县级代码、C01…C13"


def criterion_lookup(params: Params) -> dict[str, str]:
    lookup = {}
    for cid in params.rubric.criterion_ids():
        lookup[cid.lower()] = cid
        match = re.fullmatch(r"([a-z]+)0*(\d+)", cid.lower())
        if match:
            lookup[f"{match[1]}{int(match[2])}"] = cid
    return lookup


def criterion_of_label(key: str, lookup: dict[str, str]) -> str | None:
    """The criterion a header key names: ``c01``, ``c1``, or ``c01党委…`` (id then its name)."""
    if key in lookup:
        return lookup[key]
    match = re.match(r"([a-z]+)0*(\d+)(?!\d)", key)
    if match and match.end() < len(key) and not key[match.end()].isascii():
        return lookup.get(f"{match[1]}{int(match[2])}")
    return None


def parse_scores(ctx: _Context) -> pd.DataFrame:
    """Long form (evaluator, code, criterion, score) or wide form (evaluator, code, C01 …)."""
    lookup = criterion_lookup(ctx.params)
    wide: dict[int, str] = {}
    for pos, keys in enumerate(ctx.raw.header_keys):
        if pos in ctx.mapping:
            continue
        cid = next((c for c in (criterion_of_label(k, lookup) for k in keys) if c), None)
        if cid is not None:
            wide[pos] = cid
    base = base_frame(ctx.raw)
    codes = parse_codes(ctx, base)
    parse_declared(ctx, base, ctx.spec.column("evaluator"), codes)
    maxima = ctx.params.rubric.max_by_criterion()
    if wide:
        if "criterion" in ctx.position or "score" in ctx.position:
            raise InputError([fatal("scores", "评分表同时含有长表列（指标、得分）和宽表列（C01…）", ctx.raw.file,
                                    _FORMS, reason="header.mixed_forms")])
        parts = []
        for pos, cid in wide.items():
            part = base.copy()
            part["criterion"] = cid
            part["_raw_score"] = ctx.raw.frame[pos].to_numpy() if pos in ctx.raw.frame.columns \
                else [None] * len(part)
            part["_pos"] = pos
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out = out[out["_raw_score"].notna()].reset_index(drop=True)  # blank = not scored
        raw_score = out.pop("_raw_score")
        positions = out.pop("_pos")
        labels = [ctx.raw.header[p] for p in positions]
    else:
        missing = [c for c in ("criterion", "score") if c not in ctx.position]
        if missing:
            names = "、".join(f"{ctx.spec.column(c).zh}（{c}）" for c in missing)
            raise InputError([fatal("scores", f"评分表缺少列：{names}", ctx.raw.file, _FORMS,
                                    reason="header.missing_column")])
        out = base.copy()
        crit_raw = cells_of(ctx, "criterion")
        crit_values, crit_errors = parse_column(
            crit_raw, lambda x: v.parse_choice(x, lookup, "指标编号：" + "、".join(maxima)))
        out["criterion"] = pd.Series(crit_values, index=out.index, dtype=object)
        for i, error in enumerate(crit_errors):
            if error is not None:
                message = error.message or "" if isinstance(crit_raw.iat[i], v.FormulaCell) \
                    else "未知指标：" + (error.message or "")
                reason = "score.unknown_criterion" if error.reason == "cell.choice" else error.reason
                ctx.add(ERROR, i, "criterion", message, reason=reason, value=crit_raw.iat[i],
                        expected=error.expected, code=codes.iat[i])
                out.iat[i, out.columns.get_loc("is_valid")] = False
        raw_score = cells_of(ctx, "score")
        positions = pd.Series([ctx.position["score"]] * len(out))
        labels = [ctx.raw.header[ctx.position["score"]]] * len(out)
    scores, errors = parse_column(raw_score.reset_index(drop=True), v.parse_decimal)
    out["score"] = pd.Series(scores, index=out.index, dtype=object)
    is_valid = out["is_valid"].to_numpy().copy()
    criteria = out["criterion"].tolist()
    in_range: dict[tuple[str, Any], bool] = {}  # one comparison per distinct (criterion, score)
    # Rows worth a look: a score that could not be read, or one that may be out of range. The
    # range is checked per distinct (criterion, score) pair: a score sheet repeats a few hundred.
    crit_codes, crit_values = pd.factorize(pd.Series(criteria, dtype=object), use_na_sentinel=True)
    score_codes, score_values = pd.factorize(pd.Series(scores, dtype=object), use_na_sentinel=True)
    allowed = np.array([[c is not None and s is not None and 0 <= s <= maxima[c] for s in score_values]
                        for c in crit_values], dtype=bool).reshape(len(crit_values), len(score_values))
    known = (crit_codes >= 0) & (score_codes >= 0)
    fine = np.zeros(len(errors), dtype=bool)
    fine[known] = allowed[crit_codes[known], score_codes[known]]
    look = np.flatnonzero(~fine | np.array([e is not None for e in errors], dtype=bool))
    for i in look:
        error = errors[i]
        criterion, score = criteria[i], scores[i]
        problem = None
        if error is not None:
            problem = (error.message or "得分不是数值", error.expected, error.reason)
        elif criterion is not None:
            key = (criterion, score)
            ok = in_range.get(key)
            if ok is None:
                ok = in_range[key] = 0 <= score <= maxima[criterion]
            if not ok:
                problem = (f"得分超出范围：{criterion} 满分 {maxima[criterion]}", f"0 至 {maxima[criterion]} 之间的数值",
                           "score.out_of_range")
        if problem is None:
            continue
        row = int(out["row"].iat[i])
        pos = int(positions.iat[i])
        ctx.problems.append(Problem(
            ERROR, "scores", problem[0], file=ctx.raw.file.name, sheet=ctx.raw.sheet, row=row,
            column=labels[i], cell=f"{column_letter(pos)}{row}",
            value=v.display_value(raw_score.iat[i]), expected=problem[1],
            code=out["code"].iat[i], affects_status=bool(out["code"].iat[i]), reason=problem[2]))
        is_valid[i] = False
    out["is_valid"] = is_valid
    flag_duplicates(ctx, out, ["evaluator", "code", "criterion"], "评分", compare=["score"])
    return out
