"""One date, one answer (SPEC 7.2): the run's as-of date, in China Standard Time.

"Today" decides which declaration, recommendation and decision dates lie in the future. It is the
run's as-of date: ``--as-of YYYY-MM-DD``, by default the current date in Asia/Shanghai, whatever
the machine's time zone. It is recorded in ``manifest.json`` and the report, so a rerun with the
recorded date gives the same results on any machine.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
"""China Standard Time (UTC+8, no daylight saving since 1991); the department's clock."""


class AsOfError(ValueError):
    """An ``--as-of`` value that is not a date; the message is Chinese."""


def china_now() -> dt.datetime:
    """The current time in China Standard Time."""
    return dt.datetime.now(CHINA)


def china_today() -> dt.date:
    """The current date in China Standard Time (the default as-of date)."""
    return china_now().date()


def parse_as_of(text: str | dt.date | None) -> dt.date:
    """``YYYY-MM-DD`` (or a date) → date; empty or ``None`` → today in China."""
    if isinstance(text, dt.date):
        return text
    if text is None or not str(text).strip():
        return china_today()
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError as error:
        raise AsOfError(f"评估基准日 --as-of “{text}” 不是有效日期，应为 YYYY-MM-DD（如 2025-02-28）") from error
