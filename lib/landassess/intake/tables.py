"""Reading one table: its file, its header against the schema, its rows column by column (SPEC 4).

Year-level problems (a missing required column, no data rows, no row naming a county) raise
:class:`~landassess.problems.InputError`; everything else is a located problem and the row stays,
``is_valid = False``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from landassess.divisions import Divisions
from landassess.intake import values as v
from landassess.intake.cells import _Context, base_frame, cells_of, parse_codes, parse_declared
from landassess.intake.columns import TableSpec
from landassess.intake.files import column_letter, fatal
from landassess.intake.layout import read_raw_table, source_cell
from landassess.intake.scores import criterion_lookup, criterion_of_label
from landassess.params import Params
from landassess.problems import InputError, Problem
from landassess.vocabulary import ERROR


def parse_table(ctx: _Context) -> pd.DataFrame:
    """The table's rows parsed as its schema declares: codes first, an area after its unit.

    Column checks run as each column is parsed, table checks once all are; a table with its own
    reader (scores) is read by it.
    """
    if ctx.spec.parse is not None:
        return ctx.spec.parse(ctx)
    out = base_frame(ctx.raw)
    codes = parse_codes(ctx, out)
    done = {"code"}
    for column in ctx.spec.columns:
        if column.name in done:
            continue
        if column.unit_column and column.unit_column not in done:
            parse_declared(ctx, out, ctx.spec.column(column.unit_column), codes)
            done.add(column.unit_column)
        parse_declared(ctx, out, column, codes)
        done.add(column.name)
    for check in ctx.spec.checks:
        check(ctx, out, codes)
    return out


def empty_table(name: str) -> pd.DataFrame:
    """An optional table that is absent: no rows, the parsed columns."""
    columns = {
        "verification": ["code", "check_passed", "objection_upheld", "disqualified_reason"],
        "decisions": ["code", "decision", "reason", "decided_by", "decided_on", "basis"],
        "recusals": ["evaluator", "code", "city", "reason"],
        "scores": ["evaluator", "code", "criterion", "score"],
    }[name]
    frame = pd.DataFrame(columns=["file", "sheet", "row", "is_valid", *columns])
    return frame.astype({"is_valid": bool})


def read_table(found: Path, spec: TableSpec, problems: list[Problem], divisions: Divisions,
               params: Params, year: int, today: dt.date, locators: dict | None = None) -> pd.DataFrame:
    """Read and parse one table's file; year-level problems raise InputError.

    A table written by ``collect`` adds its :func:`source_locator` to ``locators`` (by file name).
    """
    lookup = criterion_lookup(params) if spec.name == "scores" else {}
    raw = read_raw_table(found, spec.name,
                         (lambda key: criterion_of_label(key, lookup) is not None) if lookup else None)
    names = set(raw.mapping.values())
    shown = "、".join(f"“{label}”" for label in raw.header if label) or "（空）"
    where = f"表头（第 {raw.header_row} 行）：{shown}"
    required = [c for c in spec.columns if c.required and c.name not in names]
    if required:
        labels = "、".join(f"{c.zh}（{c.name}）" for c in required)
        raise InputError([fatal(spec.name, f"{spec.zh}表缺少必需的列：{labels}；{where}", found,
                                "表头含有：" + "、".join(c.zh for c in spec.columns if c.required),
                                reason="header.missing_column")])
    if spec.one_of and not names & set(spec.one_of):
        labels = "、".join(spec.column(c).zh for c in spec.one_of)
        raise InputError([fatal(spec.name, f"{spec.zh}表至少要有一列结果：{labels}；{where}", found,
                                f"表头含有 {labels} 中的至少一列", reason="header.missing_outcome")])
    if spec.needs_rows and raw.frame.empty:
        raise InputError([fatal(spec.name, f"{spec.zh}表只有表头，没有数据行，无法评估该年度", found,
                                "表头下至少一行数据", reason="table.no_rows")])
    start = len(problems)
    problems.extend(raw.notices)
    ctx = _Context(spec, raw, raw.mapping, problems, divisions, params, year, today)
    table = parse_table(ctx)
    _flag_unreliable_rows(ctx, table)
    if raw.sources is not None:
        locate = source_locator(raw, spec)
        problems[start:] = [locate(p) for p in problems[start:]]
        if locators is not None:
            locators[found.name] = locate
    if spec.needs_rows and not (table["code"] != "").any():
        # Like a table without rows: no row names a county (a shifted or garbled code column).
        cells = cells_of(ctx, "code")
        example = v.display_value(cells.dropna().iloc[0], 40) if cells.notna().any() else ""
        rows = f"第 {raw.rows.iloc[0]}–{raw.rows.iloc[-1]} 行" if len(raw.rows) > 1 else f"第 {raw.rows.iloc[0]} 行"
        raise InputError([fatal(spec.name, f"{spec.zh}表{rows}没有一行能识别出县级代码（列“{ctx.label('code')}”"
                                + (f"，如“{example}”" if example else "，均为空") + "），无法评估该年度", found,
                                "名单中的6位县级行政区划代码", reason="table.no_codes")])
    return table


def source_locator(raw, spec: TableSpec) -> SourceLocator:
    """For a table written by ``collect``: a :class:`SourceLocator` of its rows in the senders' workbooks."""
    return SourceLocator(
        file_name=raw.file.name,
        rows={int(r): source for r, source in zip(raw.rows, raw.sources, strict=True)},
        names={c.zh: c.name for c in spec.columns} | {
            label: raw.mapping[p] for p, label in enumerate(raw.header) if p in raw.mapping},
        labels={c.name: c.zh for c in spec.columns})


@dataclass(frozen=True)
class SourceLocator:
    """Where each row of a table written by ``collect`` was read: file, sheet and row in the sender's workbook.

    Called with a problem on a row of the collected table (from intake or from a rule), it moves
    the problem to the file, sheet and cell the row was read from, so the 补正通知 cites the
    county's own file and cell, not a row of the merged table (SPEC 7.4); other problems are
    returned unchanged. ``rows`` (row of the collected table → its :data:`SOURCE_COLUMNS`) lets
    the report cite the same cells.
    """

    file_name: str
    rows: dict[int, dict[str, str]]
    names: dict[str, str]  # column label (Chinese or as in the header) → column name
    labels: dict[str, str]  # column name → Chinese label

    def __call__(self, problem: Problem) -> Problem:
        source = self.rows.get(problem.row) if problem.file == self.file_name and problem.row is not None else None
        if not source or not source.get("source_file"):
            return problem
        name = self.names.get(problem.column, "")
        row = source.get("source_row", "")
        return replace(problem, file=source["source_file"], sheet=source.get("source_sheet", ""),
                       row=int(row) if row.isdigit() else None, cell=source_cell(source, name),
                       column=self.labels.get(name, problem.column))


def _flag_unreliable_rows(ctx: _Context, table: pd.DataFrame) -> None:
    """Rows read from a damaged line (a stray quote, a shifted row): an error on the row's county.

    The county is the one the row's code names; when the code itself cannot be read, the
    quotes and spaces around it are dropped to find it (a stray quote in the code cell).
    Recommendation and decision rows are acts of the city and the committee: the row is not
    used, the county is not made incomplete (docs/rules.md).
    """
    affects = ctx.spec.name not in ("recommendations", "decisions")
    for i, flag in sorted(ctx.raw.row_flags.items()):
        row = int(ctx.raw.rows.iloc[i])
        mask = (table["row"] == row).to_numpy()
        codes = [c for c in table.loc[mask, "code"] if c]
        code = codes[0] if codes else _code_hint(ctx, i)
        if code and not codes:  # the county the row names, as for any row with a problem
            table.loc[mask, "code"] = code
        pos = flag.position
        value = v.display_value(flag.value)
        if ctx.spec.name == "declarations" and (pos is None or ctx.mapping.get(pos) in (None, "contact", "phone")):
            value = "（该单元格可能是错位的联系人或电话，不在此显示）"  # personal data stays out of problem lists
        ctx.problems.append(Problem(
            ERROR, ctx.spec.name, flag.message, file=ctx.raw.file.name, sheet=ctx.raw.sheet, row=row,
            column=ctx.raw.header[pos] if pos is not None and pos < len(ctx.raw.header) else "",
            cell=f"{column_letter(pos)}{row}" if pos is not None else "",
            value=value, expected=flag.expected, code=code, affects_status=affects and bool(code),
            reason=flag.reason))
        table.loc[mask, "is_valid"] = False


def _code_hint(ctx: _Context, index: int) -> str:
    """The county a damaged row names, read from its code cell without quotes; "" if none."""
    pos = ctx.position.get("code")
    if pos is None or pos not in ctx.raw.frame.columns:
        return ""
    raw = ctx.raw.frame.iat[index, ctx.raw.frame.columns.get_loc(pos)]
    try:
        code = v.parse_code(str(raw).strip().strip('"').strip() if raw is not None else raw)
    except v.BadValue:
        return ""
    return code if code in set(ctx.divisions.codes) else ""
