"""A department's folders are never committed (issue 18, SPEC 8.0): contact data and scores stay out of git.

``git check-ignore`` is asked about each path as git itself would decide; the demo years and the
package's own templates must stay tracked.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                                reason="needs git and the repository")


def _ignored(path: str) -> bool:
    result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, capture_output=True)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


@pytest.mark.parametrize("path", ["data/2025/declarations.csv", "data/2025/省厅记录/recusals.csv",
                                  "returned/2025/320115-江宁区-申报材料.xlsx", "templates/2025/县级申报材料/x.xlsx",
                                  "outputs/2025/results.csv", "params/2025.yaml"])
def test_a_departments_folders_are_ignored(path):
    assert _ignored(path)


@pytest.mark.parametrize("path", ["demo/2024/declarations.csv", "demo/returned/2024/x.xlsx",
                                  "lib/landassess/templates/landassess_report/index.html.j2", "outputs/.gitkeep",
                                  "tests/golden/2025/input/declarations.csv", "params/base.yaml"])
def test_the_projects_own_files_stay_tracked(path):
    assert not _ignored(path)
