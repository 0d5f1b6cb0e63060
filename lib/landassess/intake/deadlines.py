"""The deadline rules of the notice as intake applies them (六(一), 六(二), SPEC 2).

A declaration or recommendation dated after its deadline is not refused: it is a notice for the
evaluators, who decide whether to accept it. A declaration dated before the assessed year ended
is a notice too (the notice asks for the year's record). Dates after the day of the run are
typing errors, reported by intake as errors (``date.future``) and judged nowhere else.

These are pure functions of one parsed date, the ``params.deadlines`` group, the assessed year and
the day of the run; intake calls them row by row, so that a row's notices follow its other
problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from landassess.params import Deadlines


@dataclass(frozen=True)
class DateNotice:
    """A date worth the evaluators' attention: reason code, Chinese message, what was expected."""

    reason: str
    message: str
    expected: str


def judge_declaration_date(declared_on: dt.date | None, *, year: int, deadlines: Deadlines,
                           today: dt.date) -> list[DateNotice]:
    """六(一): a declaration after the deadline, or dated before the assessed year ended.

    A blank date, or one after ``today`` (an error of its own), gives no notice.
    """
    if declared_on is None or declared_on > today:
        return []
    deadline = deadlines.declaration_date(year)
    notices = []
    if declared_on > deadline:
        notices.append(DateNotice("date.late", f"申报日期晚于截止日期 {deadline.isoformat()}（六(一)），请省厅决定是否受理",
                                  f"不晚于 {deadline.isoformat()}"))
    if declared_on <= dt.date(year, 12, 31):
        notices.append(DateNotice("date.early", f"申报日期早于评估年度结束（{year}-12-31）", f"{year + 1}年1月"))
    return notices


def judge_recommendation_date(recommended_on: dt.date | None, *, year: int, deadlines: Deadlines,
                              today: dt.date) -> list[DateNotice]:
    """六(二): a recommendation after the deadline (and not after ``today``, an error of its own)."""
    deadline = deadlines.recommendation_date(year)
    if recommended_on is None or not deadline < recommended_on <= today:
        return []
    return [DateNotice("date.late", f"推荐日期晚于截止日期 {deadline.isoformat()}（六(二)），请省厅决定是否受理",
                       f"不晚于 {deadline.isoformat()}")]
