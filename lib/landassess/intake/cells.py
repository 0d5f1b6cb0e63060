"""Parsing cells into typed columns and collecting every problem, located (SPEC 4).

Nothing stops at the first problem, as pandera's lazy validation: each bad cell becomes a
:class:`~landassess.problems.Problem` (file, sheet, row, column, cell, value, expected, a reason
code from ``intake.reasons``) and its row is kept with ``is_valid = False``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from landassess.clock import china_today
from landassess.divisions import Divisions
from landassess.intake import values as v
from landassess.intake.columns import Column, FromDivisions, FromParams, TableSpec
from landassess.intake.files import RawTable, column_letter
from landassess.params import Params
from landassess.problems import Problem
from landassess.vocabulary import ERROR, NOTICE


@dataclass
class _Context:
    """What a table parser needs, and where its problems go."""

    spec: TableSpec
    raw: RawTable
    mapping: dict[int, str]
    problems: list[Problem]
    divisions: Divisions
    params: Params
    year: int
    today: dt.date = field(default_factory=china_today)

    @property
    def position(self) -> dict[str, int]:
        return {name: pos for pos, name in self.mapping.items()}

    def label(self, name: str) -> str:
        pos = self.position.get(name)
        return self.raw.header[pos] if pos is not None else name

    def add(self, severity: str, index: int, column: str, message: str, *, reason: str, value: Any = None,
            expected: str = "", code: str = "", affects: bool | None = None) -> None:
        pos = self.position.get(column)
        row = int(self.raw.rows.iloc[index])
        self.problems.append(Problem(
            severity, self.spec.name, message,
            file=self.raw.file.name, sheet=self.raw.sheet, row=row,
            column=self.label(column) if column else "",
            cell=f"{column_letter(pos)}{row}" if pos is not None else "",
            value=v.display_value(value),
            expected=expected, code=code,
            affects_status=(severity == ERROR and bool(code)) if affects is None else affects,
            reason=reason,
        ))


def parse_column(raw: pd.Series, parser: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
    """Apply ``parser`` once per distinct raw value; returns values and BadValue-or-None lists.

    Values are told apart by type as well (an Excel ``TRUE`` is not the number 1).
    """
    if pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty"):
        # Text cells only (a CSV): no 1/True/1.0 collisions, so pandas' hash table can group them.
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        outcomes = []
        for item in [*uniques.tolist(), None]:  # the last slot serves blanks (code -1)
            try:
                outcomes.append((parser(item), None))
            except v.BadValue as error:
                outcomes.append((None, error))
        values = np.empty(len(outcomes), dtype=object)
        failures = np.empty(len(outcomes), dtype=object)
        for i, (value, failure) in enumerate(outcomes):  # element-wise: values may be tuples
            values[i] = value
            failures[i] = failure
        return values[codes].tolist(), failures[codes].tolist()
    cache: dict[tuple[type, Any], tuple[Any, v.BadValue | None]] = {}
    parsed: list[Any] = []
    errors: list[Any] = []
    for item in raw.tolist():
        key = (type(item), item)
        outcome = cache.get(key)
        if outcome is None:
            try:
                outcome = (parser(item), None)
            except v.BadValue as error:
                outcome = (None, error)
            cache[key] = outcome
        parsed.append(outcome[0])
        errors.append(outcome[1])
    return parsed, errors


def cells_of(ctx: _Context, name: str) -> pd.Series:
    """The raw cells of column ``name`` (all blank when the file lacks the column)."""
    pos = ctx.position.get(name)
    if pos is None or pos not in ctx.raw.frame.columns:
        return pd.Series([None] * len(ctx.raw.frame), dtype=object)
    return ctx.raw.frame[pos]


def parse_into(ctx: _Context, out: pd.DataFrame, name: str, parser: Callable[[Any], Any], *,
               required: bool, codes: pd.Series | None = None, target: str | None = None,
               affects: bool = True, invalidates: bool = True, severity: str = ERROR) -> None:
    """Parse column ``name`` into ``out[target or name]``, recording a problem per bad cell.

    ``invalidates``: a bad cell makes the row unusable (else only the value is missing);
    ``affects``: the problem makes the row's county ``incomplete``.
    """
    raw = cells_of(ctx, name)
    values, errors = parse_column(raw, parser)
    out[target or name] = pd.Series(values, index=out.index, dtype=object)
    blank = raw.isna().to_numpy()
    for i, error in enumerate(errors):
        if error is None:
            continue
        if blank[i] and not required:
            out.iat[i, out.columns.get_loc(target or name)] = None
            continue
        code = codes.iat[i] if codes is not None else ""
        ctx.add(severity, i, name, error.message or error.expected, reason=error.reason, value=raw.iat[i],
                expected=error.expected, code=code or "",
                affects=severity == ERROR and affects and bool(code))
        if invalidates and severity == ERROR:
            out.iat[i, out.columns.get_loc("is_valid")] = False


def parse_declared(ctx: _Context, out: pd.DataFrame, column: Column, codes: pd.Series) -> None:
    """Parse one column as its schema declares it, then run the column's checks."""
    parser = (column.parser.make(ctx.divisions) if isinstance(column.parser, FromDivisions)
              else column.parser.make(ctx.params) if isinstance(column.parser, FromParams) else column.parser)
    assert parser is not None, f"{ctx.spec.name}.{column.name} declares no parser"
    if column.is_note:  # free text no rule uses: an unreadable cell is a notice
        parse_into(ctx, out, column.name, parser, required=False, codes=codes, severity=NOTICE)
    elif column.unit_column:
        _parse_area(ctx, out, column, parser, codes)
    else:
        parse_into(ctx, out, column.name, parser, required=column.required and not column.blank_ok, codes=codes,
                   affects=column.affects, invalidates=column.invalidates)
    for check in column.checks:
        check(ctx, out, codes)


def _parse_area(ctx: _Context, out: pd.DataFrame, column: Column, parser: Callable[[Any], Any],
                codes: pd.Series) -> None:
    """Parse an area column (its unit column is parsed); convert to 亩 exactly into ``<name>_mu``."""
    name, unit_name = column.name, column.unit_column
    factor = ctx.params.vetoes.hectare_to_mu
    unit_cells = cells_of(ctx, unit_name)
    parse_into(ctx, out, name, parser, required=column.required, codes=codes, target=f"_{name}")
    areas, units = [], []
    for i, (parsed, unit) in enumerate(zip(out[f"_{name}"], out[unit_name], strict=True)):
        if parsed is None:
            areas.append(None)
            units.append(unit)
            continue
        value, cell_unit = parsed
        row_unit = unit if unit is not None else v.UNIT_MU
        if cell_unit is not None and unit is not None and not v.is_blank(unit_cells.iat[i]) \
                and cell_unit != unit:
            ctx.add(ERROR, i, name, f"面积单元格写明“{cell_unit}”，与面积单位列“{unit}”不一致",
                    reason="cell.unit_mismatch", value=cells_of(ctx, name).iat[i], expected="单位一致",
                    code=codes.iat[i])
            out.iat[i, out.columns.get_loc("is_valid")] = False
            areas.append(None)
            units.append(unit)
            continue
        used_unit = cell_unit or row_unit
        areas.append(value * factor if used_unit == v.UNIT_HECTARE else value)
        units.append(used_unit)
    out[f"{name}_mu"] = pd.Series(areas, index=out.index, dtype=object)
    out[f"{name}_unit"] = units
    out[name] = pd.Series([p[0] if p is not None else None for p in out[f"_{name}"]],
                          index=out.index, dtype=object)
    del out[f"_{name}"]


def parse_codes(ctx: _Context, out: pd.DataFrame) -> pd.Series:
    """Parse the county code column; unknown and development-zone codes are problems."""
    raw = cells_of(ctx, "code")
    values, errors = parse_column(raw, v.parse_code)
    known = set(ctx.divisions.codes)
    prefixes = ctx.divisions.city_prefixes()
    codes = pd.Series(values, index=out.index, dtype=object)
    is_bad = pd.Series([e is not None for e in errors], index=out.index) | ~codes.isin(known)
    valid_column = out.columns.get_loc("is_valid")
    for i in np.flatnonzero(is_bad.to_numpy()):  # only the bad rows are looked at one by one
        code, error = values[i], errors[i]
        if error is not None:
            ctx.add(ERROR, i, "code", error.message or error.expected, reason=error.reason, value=raw.iat[i],
                    expected=error.expected, affects=False)
        else:
            if code[:4] in prefixes and code[4] == "7":
                message = f"{code} 是开发区（功能区）代码，不是经国务院批准设立的县级行政区，不是评估对象（五）"
                reason = "cell.code_zone"
            else:
                message = f"{code} 不在县级行政区划名单中"
                reason = "cell.code_unknown"
            ctx.add(ERROR, i, "code", message, reason=reason, value=raw.iat[i],
                    expected="名单中的县级行政区划代码", code=code, affects=False)
        out.iat[i, valid_column] = False
    out["code"] = codes.where(~is_bad, "")
    return out["code"]


def base_frame(raw: RawTable) -> pd.DataFrame:
    """The columns every parsed table starts with: where each row comes from, and ``is_valid``."""
    return pd.DataFrame({
        "file": raw.file.name, "sheet": raw.sheet, "row": raw.rows.to_numpy(), "is_valid": True,
    }, index=raw.frame.index)


def _comparable(value: Any) -> Any:
    """A value for comparing duplicate rows: 5 and 5.0 are the same score."""
    if isinstance(value, Decimal):
        return value.normalize()
    return value if value is None or isinstance(value, (str, int, bool, dt.date)) else str(value)


def flag_duplicates(ctx: _Context, out: pd.DataFrame, keys: list[str], label: str, *,
                    compare: list[str] | None = None, affects: bool = True) -> None:
    """Repeated keys: identical repeats are notices, conflicting ones are problems."""
    usable = out[out["is_valid"] & (out["code"] != "")]
    if usable.empty:
        return
    dup = usable[usable.duplicated(keys, keep=False)]
    if dup.empty:
        return
    compare = compare or [c for c in out.columns if c not in {"file", "sheet", "row", "is_valid"}]
    for _, group in dup.groupby(keys, sort=False):
        first = group.iloc[0]
        differs = any(len({_comparable(x) for x in group[c]}) > 1 for c in compare)
        rows = "、".join(str(r) for r in group["row"])
        for index in group.index[1:]:
            row = out.loc[index]
            severity = ERROR if differs else NOTICE
            message = (f"{label}重复且内容不一致（第 {rows} 行）" if differs
                       else f"{label}重复（第 {rows} 行），内容相同，只计一次")
            ctx.problems.append(Problem(
                severity, ctx.spec.name, message, file=row["file"], sheet=row["sheet"],
                row=int(row["row"]), column=ctx.label(keys[-1]), code=first["code"],
                value=v.display_value(row[keys[-1]]), expected="每项只填一行",
                affects_status=severity == ERROR and affects,
                reason="row.conflict" if differs else "row.duplicate"))
            out.loc[index, "is_valid"] = False
        if differs:
            out.loc[group.index[0], "is_valid"] = False
