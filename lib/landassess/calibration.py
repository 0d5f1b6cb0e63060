"""Evaluator calibration (SPEC 7.4): flags for the committee, never a change of the result.

Two questions, answered from the official assessment with the same rules:

- how far each evaluator scores above or below the panel: the mean, over every (county,
  criterion) the evaluator scored alongside others, of the evaluator's score minus the mean of the
  other evaluators' scores (in points; positive = more generous);
- whose scores change a title: the same assessment without one evaluator's scores (through
  ``assess_year``), compared by status with the official one.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pandas as pd

from landassess.assessment import Assessment, assess_year
from landassess.intake import YearInputs
from landassess.vocabulary import TIER_ZH


def evaluator_offsets(a: Assessment) -> pd.DataFrame:
    """evaluator, scored (cells), offset (Fraction, points): score minus the others' mean."""
    scores = a.scores.evaluator_scores
    rows = []
    if len(scores):
        points = scores.assign(value=[Fraction(s) for s in scores["score"]])
        groups = points.groupby(["code", "criterion"])["value"]
        total, count = groups.transform("sum"), groups.transform("size")
        others = count > 1
        diffs = points[others].assign(diff=[v - (t - v) / (n - 1) for v, t, n in zip(
            points.loc[others, "value"], total[others], count[others], strict=True)])
        for evaluator, group in diffs.groupby("evaluator", sort=True):
            rows.append({"evaluator": evaluator, "scored": len(group),
                         "offset": sum(group["diff"], Fraction(0)) / len(group)})
    return pd.DataFrame(rows, columns=["evaluator", "scored", "offset"])


def inputs_without(inputs: YearInputs, evaluator: str) -> YearInputs:
    """The year's inputs as if ``evaluator`` had scored nothing (leave-one-out)."""
    scores = inputs.tables["scores"]
    return dataclasses.replace(inputs, tables={**inputs.tables, "scores": scores[scores["evaluator"] != evaluator]})


def _titles(a: Assessment) -> dict[str, str]:
    counties = a.counties
    return dict(zip(counties["code"], counties["status"].where(counties["status"].isin(list(TIER_ZH)), ""),
                    strict=True))


def evaluator_influence(a: Assessment) -> pd.DataFrame:
    """evaluator, changes: the titles that change when that evaluator's scores are left out.

    ``changes`` lists ``(code, official, without)`` with titles as model/advanced or "" (none).
    Only evaluators whose absence changes a title are listed.
    """
    inputs = a.inputs
    scores = inputs.tables["scores"]
    official = _titles(a)
    cache: dict = {}
    rows = []
    for evaluator in scores.loc[scores["is_valid"], "evaluator"].dropna().unique():  # as they first appear
        variant = _titles(assess_year(inputs_without(inputs, evaluator), a.params, a.divisions, cache))
        changes = [(code, official[code], variant.get(code, "")) for code in sorted(official)
                   if official[code] != variant.get(code, "")]
        if changes:
            rows.append({"evaluator": evaluator, "changes": changes})
    return pd.DataFrame(rows, columns=["evaluator", "changes"])
