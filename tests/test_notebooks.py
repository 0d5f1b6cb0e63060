"""Notebooks run headless with papermill: no errors, no warnings, the widget views are there."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"

pytestmark = pytest.mark.slow


def outputs(notebook: dict, kind: str) -> list[dict]:
    return [o for cell in notebook["cells"] for o in cell.get("outputs", []) if o["output_type"] == kind]


def test_executed_assessment_has_no_errors_or_warnings(tmp_path):
    out = tmp_path / "2025"
    proc = subprocess.run([sys.executable, "-m", "landassess.cli", "run", "--year", "2025", "--data",
                           str(GOLDEN / "input"), "--params", str(GOLDEN / "params.yaml"), "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    notebook = json.loads((out / "assessment.ipynb").read_text(encoding="utf-8"))
    assert outputs(notebook, "error") == []
    streams = "".join("".join(o.get("text", "")) for o in outputs(notebook, "stream"))
    assert "Glyph" not in streams and "missing from font" not in streams
    assert streams == ""
    parameters = notebook["metadata"]["papermill"]["parameters"]
    assert parameters["year"] == 2025 and parameters["params_file"].endswith("params.yaml")


def test_workbench_executes_headless_with_three_or_more_widget_views(tmp_path):
    import papermill

    executed = tmp_path / "workbench.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "workbench.ipynb"), str(executed),
                               parameters={"data_root": str(ROOT / "demo"), "year": 2024}, kernel_name="python3",
                               progress_bar=False, cwd=str(ROOT / "notebooks"))
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    assert outputs(notebook, "error") == []
    views = [o for o in outputs(notebook, "execute_result")
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) >= 3
    assert "widgets" in notebook["metadata"]  # widget state saved for static rendering
