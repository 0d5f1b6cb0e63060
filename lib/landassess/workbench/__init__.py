"""The evaluator workbench: views over a year, what-if, robustness, committee decisions (SPEC 1)."""

from landassess.workbench.views import Workbench

__all__ = ["Workbench"]
