"""``landassess validate``: check a year's inputs and list every problem, located, in Chinese.

Validation runs the whole assessment (some problems are only visible across tables: a missing
land-statistics row, a recommendation of a county that did not declare, a missing criterion).
Problems of severity 错误 or 致命 make the exit code non-zero; 提示 do not. With a notices
folder it writes one notice per addressee with at least one item (SPEC 8.1,
:mod:`landassess.publish.notices`): each county, city and evaluator its own 补正通知, the
department its 省厅待核实事项.xlsx. The folder is written through the owner-checked writer
(SPEC 7.1) and replaced as a whole, so no stale notice stays for an addressee that is now clean.
"""

from __future__ import annotations

from pathlib import Path

from landassess.paths import ParamsFiles
from landassess.problems import InputError, Problem
from landassess.vocabulary import ERROR, FATAL


def format_problems(problems: list[Problem]) -> str:
    """One located line per problem, errors first."""
    order = {FATAL: 0, ERROR: 1}
    ranked = sorted(problems, key=lambda p: (order.get(p.severity, 2), p.table, p.file, p.row or 0))
    return "\n".join(p.located() for p in ranked)


def validate_year(year: int, data: Path, params_file: ParamsFiles = None,
                  notices: Path | None = None, as_of=None) -> tuple[str, bool]:
    """The validation report and whether it found problems (errors, not notices).

    With ``notices``, also writes one notice per addressee with at least one item into that folder.
    """
    from landassess.assessment import run_assessment

    try:
        assessment = run_assessment(year, data, params_file, as_of=as_of)
    except InputError as error:  # fatal problems, invalid parameters or divisions
        detail = f"{year} 年度输入无法评估：\n{format_problems(error.problems)}" if error.problems else str(error)
        raise InputError(detail) from error
    problems = assessment.problems
    errors = [p for p in problems if p.severity in (ERROR, FATAL)]
    notice_count = len(problems) - len(errors)
    affected = sorted({p.code for p in errors if p.affects_status and p.code})
    lines = [f"{year} 年度输入校验（{data}）：{len(errors)} 个问题，{notice_count} 条提示。"]
    if problems:
        lines.append(format_problems(problems))
    if affected:
        lines.append("材料不全（incomplete）的县：" + "、".join(affected))
    if not errors:
        lines.append("未发现数据问题。")
    if notices is not None:
        lines.extend(_write_notices(problems, Path(notices), Path(data), year, assessment.divisions))
    return "\n".join(lines), bool(errors)


def _write_notices(problems: list[Problem], notices: Path, data: Path, year: int, divisions) -> list[str]:
    """Replace the notices folder with this validation's notices; say what was written, per addressee."""
    from landassess.publish.notices import ADDRESSEE_ZH, DEPARTMENT_FILE, by_addressee, write_notices
    from landassess.run.ownership import NOTICES, OwnedFolder, check_owned

    out = check_owned(notices, NOTICES, protect=[data])
    if not problems and not out.exists():
        return []
    with OwnedFolder(out, NOTICES, protect=[data]) as folder:
        written = write_notices(problems, folder.path, year, divisions)
        folder.commit(manifest_files=[p.name for p in written], year=year)
    if not written:
        return [f"补正通知文件夹 {folder.out} 已清空（没有需要补正或核实的事项）"]
    counts: dict[str, int] = {}
    for addressee in by_addressee(problems, divisions):
        counts[addressee.kind] = counts.get(addressee.kind, 0) + 1
    parts = "、".join(f"{ADDRESSEE_ZH[kind]} {count} 份" for kind, count in counts.items() if kind != "department")
    corrections = len(written) - counts.get("department", 0)
    lines = [f"已生成 {corrections} 份补正通知（{parts or '无'}；各自只含本单位或本人可以更正的单元格）：{folder.out}"
             if corrections else f"没有需要各县、设区市或评委补正的事项：{folder.out}"]
    if "department" in counts:
        lines.append(f"省厅待核实事项（提示、省厅自己的表、跨表核对）：{folder.out / DEPARTMENT_FILE}")
    return lines
