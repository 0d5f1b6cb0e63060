"""Write notebooks/assessment.ipynb from the cell list below (run after changing it).

The notebook presents; ``landassess`` decides. Each cell calls one or two library functions.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

PARAMETERS = '''# Parameters (papermill injects a cell after this one when running `landassess run`).
year = 2024  # int: the assessed calendar year Y
data_dir = "../demo/2024"  # str: the year's input folder
params_file = ""  # str: YAML file overriding the defaults, empty for none
output_dir = ""  # str: folder for results.csv, 公示名单 and manifest.json; empty: a scratch folder
output_is_staging = False  # bool: True only when `landassess run` passes its locked staging folder
as_of = ""  # str: the as-of date YYYY-MM-DD for future-date checks; empty: today in China (SPEC 7.2)
previous_results = ""  # str: results.csv of the finalised version this run re-issues, empty for none
previous_version = ""  # str: label of that version (v1, v2 …), empty for none
'''

SETUP = '''# Assess the year and write results.csv, 公示名单.xlsx, problems.csv and manifest.json.
from IPython.display import display

from landassess.publish import figures

from landassess.publish import report
from landassess.assessment import run_assessment
from landassess.run.runner import write_year_outputs

assessment = run_assessment(year, data_dir, params_file or None, as_of=as_of or None)
written = write_year_outputs(assessment, output_dir, output_is_staging)
figures.setup_fonts();
'''

CELLS = [  # report order; a few sections per cell (each cell costs a kernel round trip)
    "display(report.overview(assessment), report.changes_section(assessment, previous_results, previous_version))\n"
    "display(report.ranking_table(assessment))",
    "figures.show(figures.ranked_totals(assessment))\nfigures.show(figures.dimension_profiles(assessment))",
    "display(report.vetoes_section(assessment), report.quotas_section(assessment))\n"
    "figures.show(figures.quota_use(assessment))",
    "display(report.scoring_section(assessment))\nfigures.show(figures.evaluator_spread(assessment))",
    "display(report.bonus_section(assessment), report.verification_section(assessment))\n"
    "display(report.problems_section(assessment))",
    "display(report.ledgers(assessment), report.assumptions_section(assessment))\n"
    "display(report.provenance_section(assessment))",
]


WORKBENCH_PARAMETERS = '''# Parameters: which years to explore (one sub-folder per year under data_root).
data_root = "../demo"  # str: folder holding <year>/ input folders
year = 2024  # int: the year shown first
params_file = ""  # str: YAML file overriding the defaults, empty for none
'''

WORKBENCH_SETUP = '''# The evaluator workbench: every number comes from landassess functions; widgets only show them.
from landassess.workbench import Workbench

workbench = Workbench(data_root, year, params_file or None)
'''

WORKBENCH_CELLS = [
    "workbench.browse_view()",
    "workbench.whatif_view()",
    "workbench.robustness_view()",
    "workbench.decide_view()",
]


def build_workbench() -> nbformat.NotebookNode:
    parameters = new_code_cell(WORKBENCH_PARAMETERS, metadata={"tags": ["parameters"]})
    cells = [
        new_markdown_cell("# 土地执法模范县评估 · 评估工作台\n\n浏览各县、尝试“假如”、检查稳健性、记录评审决定。"
                          "“假如”和稳健性仅供评审参考；正式结果以 `landassess run` 为准。评审决定写入该年度输入文件夹的"
                          " `decisions.csv`，重新运行后生效。"),
        parameters, new_code_cell(WORKBENCH_SETUP),
    ] + [new_code_cell(c) for c in WORKBENCH_CELLS]
    return new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "title": "评估工作台",
    })


def build() -> nbformat.NotebookNode:
    parameters = new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]})
    cells = [parameters, new_code_cell(SETUP)] + [new_code_cell(c) for c in CELLS]
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "title": "土地执法模范县评估报告",
    })
    return notebook


if __name__ == "__main__":
    for name, notebook in (("assessment.ipynb", build()), ("workbench.ipynb", build_workbench())):
        path = ROOT / "notebooks" / name
        nbformat.write(notebook, path)
        print(f"wrote {path}")
