"""``landassess validate``: check a year's inputs and list every problem, located, in Chinese.

Validation runs the whole assessment (some problems are only visible across tables: a missing
land-statistics row, a recommendation of a county that did not declare, a missing criterion).
Problems of severity 错误 or 致命 make the exit code non-zero; 提示 do not. With a notices
folder it writes one 补正通知 per county with problems, through the owner-checked writer
(SPEC 7.1): the folder is replaced as a whole, so no stale notice stays for a county that is now
clean.
"""

from __future__ import annotations

from pathlib import Path

from landassess.problems import InputError, Problem
from landassess.vocabulary import ERROR, FATAL


def format_problems(problems: list[Problem]) -> str:
    """One located line per problem, errors first."""
    order = {FATAL: 0, ERROR: 1}
    ranked = sorted(problems, key=lambda p: (order.get(p.severity, 2), p.table, p.file, p.row or 0))
    return "\n".join(p.located() for p in ranked)


def validate_year(year: int, data: Path, params_file: Path | None = None,
                  notices: Path | None = None, as_of=None) -> tuple[str, bool]:
    """The validation report and whether it found problems (errors, not notices).

    With ``notices``, also writes one 补正通知 workbook per county with problems into that folder.
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
        lines.extend(_write_notices(problems, Path(notices), Path(data), year, assessment.divisions, bool(errors)))
    return "\n".join(lines), bool(errors)


def _write_notices(problems: list[Problem], notices: Path, data: Path, year: int, divisions,
                   has_errors: bool) -> list[str]:
    """Replace the notices folder with this validation's notices; say what was written."""
    from landassess.publish.forms import write_correction_notices
    from landassess.run.ownership import NOTICES, OwnedFolder, check_owned

    out = check_owned(notices, NOTICES, protect=[data])
    if not has_errors and not out.exists():
        return []
    with OwnedFolder(out, NOTICES, protect=[data]) as folder:
        written = write_correction_notices(problems, folder.path, year, divisions) if has_errors else []
        folder.commit(manifest_files=[p.name for p in written], year=year)
    if written:
        return [f"已生成 {len(written)} 份补正通知（各县一份；推荐名单的问题发给推荐的设区市）：{folder.out}"]
    return [f"补正通知文件夹 {folder.out} 已清空（没有需要补正的县）"]
