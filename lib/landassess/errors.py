"""What can stop a command, as exception classes; the command line maps each to its exit code.

Every error carries a Chinese ``message`` for the person at the keyboard. The classes, not the
code that raises them, decide the exit code (``cli.EXIT_FOR_ERROR``): one place for both.
"""

from __future__ import annotations

from typing import Any


class LandassessError(Exception):
    """A command that cannot do what was asked; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(LandassessError):
    """Wrong usage: a bad argument, or an output folder landassess does not own (exit 2)."""


class InputError(LandassessError):
    """The year cannot be assessed (exit 3): fatal problems, invalid parameters, an unusable divisions list.

    The base class of every input error; ``problems`` lists the located fatal problems (empty
    when the error is a single message, as for parameters).
    """

    def __init__(self, problems: list[Any] | str):
        if isinstance(problems, str):
            self.problems: list[Any] = []
            super().__init__(problems)
        else:
            self.problems = problems
            super().__init__("\n".join(p.located() for p in problems))


class NotebookError(LandassessError):
    """The notebook failed: a bug; the failed notebook is kept for diagnosis (exit 4)."""


class FinalizedError(LandassessError):
    """The year is finalised; only ``--force`` re-issues it (exit 5)."""
