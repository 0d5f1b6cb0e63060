"""Benchmarks of landassess (issue 6): ``python -m benchmarks [--repeat N] [--quick] [--write]``.

Figures, each printed with its baseline, ratio and goal (benchmarks report; they never fail on time):

1. one demo year end to end (``landassess run``) against the floor: an empty parameterised
   notebook executed with papermill and exported with nbconvert in one process (``floor.py``);
2. ``landassess batch`` over three demo years against one year;
3. the engine alone (intake → results table) on a synthetic province (``synthetic.py``) of
   3,000 divisions, and its growth from 300 divisions;
4. the workbench's what-if recomputation (``landassess.workbench.whatif.recompute``), when it exists;
5. the size of the report and the peak memory of ``landassess run``;
6. ``landassess collect`` of 95 county, 13 city and 20 evaluator workbooks (templates filled from
   a synthetic flat year) against openpyxl's read-only floor: every cell of the same workbooks read
   once (``collect.py``, issues 11, 17 and 22; goal ≤ 1.5×);
7. ``landassess run --pdf`` against ``landassess run`` on the same demo year (``pdf.py``, issue 12);
8. ``landassess app`` from its start to the first view in headless Chromium against JupyterLab
   on an empty notebook, and the what-if interaction times (``app.py``, issue 13).
"""
