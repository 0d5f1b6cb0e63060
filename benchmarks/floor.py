"""The floor of a year's run: an empty parameterised notebook, executed and exported (issue 6, item 1).

Run as a script in a fresh interpreter, exactly like ``landassess run`` does its work: papermill
executes the notebook (``papermill.execute_notebook``), then nbconvert exports it to HTML
(``HTMLExporter``), in one Python process. The notebook has only a ``parameters`` cell with the
same four parameters as ``notebooks/assessment.ipynb``, so what this costs is start-up: the
interpreter, the kernel, papermill, nbformat validation and the HTML template. Nothing the project
does can make a year's run cheaper than this.

Usage: ``python benchmarks/floor.py OUT_DIR`` (writes ``floor.ipynb``, ``executed.ipynb`` and
``report.html`` into OUT_DIR). Standard library only at import time, so it can run from any
folder with the project's interpreter.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PARAMETERS_SOURCE = (
    "# Parameters (the same four as notebooks/assessment.ipynb, nothing else).\n"
    "year = 2024  # int: the assessed calendar year Y\n"
    'data_dir = "../demo/2024"  # str: the year\'s input folder\n'
    'params_file = ""  # str: YAML file overriding the defaults, empty for none\n'
    'output_dir = "../outputs/2024"  # str: where outputs are written\n'
)


def empty_notebook() -> dict:
    """An nbformat 4.5 notebook holding one tagged ``parameters`` cell."""
    return {
        "cells": [{
            "cell_type": "code", "execution_count": None, "id": "parameters0",
            "metadata": {"tags": ["parameters"]}, "outputs": [], "source": PARAMETERS_SOURCE,
        }],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def run_floor(out: Path, year: int = 2024, data_dir: str = "", params_file: str = "") -> Path:
    """Execute the empty notebook with papermill and export it with nbconvert; return the HTML."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    source = out / "floor.ipynb"
    executed = out / "executed.ipynb"
    source.write_text(json.dumps(empty_notebook(), ensure_ascii=False, indent=1), encoding="utf-8")
    papermill.execute_notebook(
        str(source), str(executed),
        parameters={"year": year, "data_dir": data_dir, "params_file": params_file, "output_dir": str(out)},
        kernel_name="python3", progress_bar=False, log_output=False, cwd=str(out),
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # as lib/landassess/runner.py does
    )
    notebook = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": executed.stem}})
    html = out / "report.html"
    html.write_text(body, encoding="utf-8")
    return html


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python benchmarks/floor.py OUT_DIR", file=sys.stderr)
        raise SystemExit(2)
    run_floor(Path(sys.argv[1]))
