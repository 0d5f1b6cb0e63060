"""The command line's argument types and parser: every usage error in Chinese, exit 2 (SPEC 6).

No argument may carry a control character (a name, a path, a ``--set`` value): the parser refuses
it before anything runs, naming the argument. Names given on the command line (``--evaluators``)
are compared in their canonical form (SPEC 8.0, :mod:`landassess.names`).
"""

from __future__ import annotations

import argparse
import re
import sys

from landassess.names import canonical, control_characters

EXIT_USAGE = 2

FIRST_YEAR, LAST_YEAR = 2000, 2100
"""Years landassess accepts: the notice dates from 2022; a year outside this range is a typo."""


class ChineseParser(argparse.ArgumentParser):
    """Usage errors in Chinese, exit 2."""

    def error(self, message: str):  # noqa: D102 - argparse hook
        self.print_usage(sys.stderr)
        message = (message.replace("the following arguments are required", "缺少必需的参数")
                   .replace("unrecognized arguments", "无法识别的参数")
                   .replace("invalid choice", "无效的选项").replace("argument ", "参数 ")
                   .replace("expected one argument", "需要一个值").replace("invalid", "无效"))
        self.exit(EXIT_USAGE, f"命令用法错误：{message}\n（landassess -h 查看帮助）\n")

    def parse_known_args(self, args=None, namespace=None):  # noqa: D102 - argparse hook
        # No argument may carry a control character (a name, a path, a --set value): exit 2, named.
        for position, text in enumerate(sys.argv[1:] if args is None else args, start=1):
            found = control_characters(str(text))
            if found:
                self.error(f"第 {position} 个参数“{_escaped(str(text))}”含有控制字符（{'、'.join(sorted(set(found)))}）")
        return super().parse_known_args(args, namespace)


def _escaped(text: str, limit: int = 60) -> str:
    """An argument as shown in a message: control characters escaped, long text shortened."""
    shown = re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def year(text: str) -> int:
    """One assessed year, within a sane range."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度“{text}”不是整数年份（如 2024）") from None
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(f"年度 {value} 超出范围（{FIRST_YEAR}–{LAST_YEAR}）")
    return value


def year_range(text: str) -> list[int]:
    """``2022-2024`` or ``2022,2024`` → years."""
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part.lstrip("-"):
            first_text, last_text = part.split("-", 1) if not part.startswith("-") else ("", part)
            first, last = year(first_text), year(last_text)
            if last < first:
                raise argparse.ArgumentTypeError(f"年份范围 {part} 有误（结束年早于开始年）")
            years.extend(range(first, last + 1))
        elif part:
            years.append(year(part))
    if not years:
        raise argparse.ArgumentTypeError("至少需要一个年份")
    return sorted(set(years))


def names(text: str) -> list[str]:
    """A list of names (evaluators), each in its canonical form (SPEC 8.0); a repeated name counts once."""
    names = list(dict.fromkeys(canonical(n) for n in text.replace("，", ",").split(",") if canonical(n)))
    if not names:
        raise argparse.ArgumentTypeError("名单为空")
    return names


def jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"并行进程数“{text}”不是整数") from None
    if not 1 <= jobs <= 64:
        raise argparse.ArgumentTypeError(f"并行进程数 {jobs} 无效，应为 1–64 的整数")
    return jobs


def as_of(text: str):
    from landassess.clock import AsOfError, parse_as_of

    try:
        return parse_as_of(text)
    except AsOfError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


MAX_REASON = 500
"""A re-issue's reason is printed in the report's banner: a sentence, not a file."""


def reason(text: str) -> str:
    """Why a finalised year is re-issued (``run --force --reason``): one line, at most 500 characters."""
    text = " ".join(str(text).split())
    if len(text) > MAX_REASON:
        raise argparse.ArgumentTypeError(f"原因过长（{len(text)} 个字符，最多 {MAX_REASON} 个），请写明要点，详细说明另附")
    return text
