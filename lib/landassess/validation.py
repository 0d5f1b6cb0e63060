"""``landassess validate``: check a year's inputs and list every problem, located, in Chinese.

Validation runs the whole assessment (some problems are only visible across tables: a missing
land-statistics row, a recommendation of a county that did not declare, a missing criterion) but
writes nothing. Problems of severity 错误 or 致命 make the exit code non-zero; 提示 do not.
"""

from __future__ import annotations

from pathlib import Path

from landassess.problems import ERROR, FATAL, InputError, Problem
from landassess.runner import EXIT_INPUT, RunError


def format_problems(problems: list[Problem]) -> str:
    """One located line per problem, errors first."""
    order = {FATAL: 0, ERROR: 1}
    ranked = sorted(problems, key=lambda p: (order.get(p.severity, 2), p.table, p.file, p.row or 0))
    return "\n".join(p.located() for p in ranked)


def validate_year(year: int, data: Path, params_file: Path | None = None,
                  notices: Path | None = None) -> tuple[str, bool]:
    """The validation report and whether it found problems (errors, not notices).

    With ``notices``, also writes one 补正通知 workbook per county with problems into that folder.
    """
    from landassess.assessment import run_assessment
    from landassess.divisions import DivisionsError
    from landassess.params import ParamsError

    try:
        assessment = run_assessment(year, data, params_file)
    except InputError as error:
        raise RunError(EXIT_INPUT, f"{year} 年度输入无法评估：\n{format_problems(error.problems)}") from error
    except (ParamsError, DivisionsError) as error:
        raise RunError(EXIT_INPUT, str(error)) from error
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
    if notices is not None and errors:
        from landassess.forms import write_correction_notices

        written = write_correction_notices(problems, notices, year, assessment.divisions)
        if written:
            lines.append(f"已为 {len(written)} 个县生成补正通知：{notices}")
    return "\n".join(lines), bool(errors)
