"""The building blocks of a declarative table schema: :class:`Column` and :class:`TableSpec`.

A column declares how its header may be written, how each of its cells is parsed (a reader from
``intake.values``), what a bad cell means for the row and its county, and the checks that run
once the column is parsed. The schemas themselves are ``intake.schema.TABLES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from landassess.divisions import Divisions
from landassess.params import Params
from landassess.vocabulary import TABLE_ZH

CellParser = Callable[[Any], Any]
"""Reads one raw cell into its value or raises ``values.BadValue``."""

Check = Callable[..., None]
"""``check(ctx, out, codes)``: records problems about parsed rows, may mark rows invalid."""


@dataclass(frozen=True)
class FromDivisions:
    """A cell parser built for the year from the divisions list (the cities of the province)."""

    make: Callable[[Divisions], CellParser]


@dataclass(frozen=True)
class FromParams:
    """A cell parser built for the year from its parameters (the event clauses of 七(一), SPEC 8.7)."""

    make: Callable[[Params], CellParser]


@dataclass(frozen=True)
class Column:
    """One input column: English name, Chinese label, other accepted labels, and how it is read.

    ``parser``: the cell reader (None: the column is read by its table's own code, as the
    county code and the score columns are). ``is_note``: free text no rule uses, an unreadable
    cell is only a notice. ``affects``: a bad cell makes the row's county ``incomplete``;
    ``invalidates``: a bad cell makes the row unusable (else only the value is missing).
    ``blank_ok``: the header must name the column (``required``) but a cell may be blank.
    ``unit_column``: an area, parsed after its unit column and converted to 亩 into
    ``<name>_mu``. ``checks`` run right after the column is parsed.
    """

    name: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    parser: CellParser | FromDivisions | FromParams | None = None
    is_note: bool = False
    affects: bool = True
    invalidates: bool = True
    blank_ok: bool = False
    unit_column: str = ""
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One input table of SPEC 4.

    ``needs_rows``: a file with a header and no data rows makes the year meaningless (nobody
    declared, nobody was recommended, no land statistics, no scores). ``one_of``: at least one
    of these columns must be present (verification: at least one outcome). ``checks`` run over
    the parsed rows after every column (codes against names, deadlines, repeated rows).
    ``parse``: a table read by its own function instead of column by column (scores: long or
    wide form).
    """

    name: str
    columns: tuple[Column, ...]
    optional: bool = False
    needs_rows: bool = False
    one_of: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    parse: Callable[..., Any] | None = None

    @property
    def zh(self) -> str:
        return TABLE_ZH[self.name]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
