"""The notebooks: their code keeps to the house rule (present, never decide), and they run headless.

Static checks read the committed notebooks with ``ast``: the ``parameters`` cell holds typed
literals only, each with a comment (papermill/nbval practice, STYLE.md); every other code cell only
imports from ``landassess`` or IPython, calls those functions and names their results. No ``def``,
loops, comprehensions, conditions, arithmetic or comparisons: a rule lives in ``lib/``. The
committed notebooks are the source (no generator), so they carry no outputs and keep stable ids.
"""

import ast
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "2025"
NOTEBOOKS = [ROOT / "notebooks" / "assessment.ipynb", ROOT / "notebooks" / "workbench.ipynb"]
NOTEBOOK_PARAMS = [pytest.param(path, id=path.stem) for path in NOTEBOOKS]

ALLOWED_MODULES = ("landassess", "IPython")
"""Top-level packages a notebook cell may import from: the library decides, IPython displays."""

FORBIDDEN = {
    ast.FunctionDef: "def", ast.AsyncFunctionDef: "async def", ast.ClassDef: "class", ast.Lambda: "lambda",
    ast.For: "for loop", ast.AsyncFor: "async for loop", ast.While: "while loop",
    ast.ListComp: "comprehension", ast.SetComp: "comprehension", ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression", ast.If: "if", ast.IfExp: "conditional expression",
    ast.Match: "match", ast.BinOp: "arithmetic", ast.UnaryOp: "arithmetic", ast.AugAssign: "arithmetic",
    ast.Compare: "comparison", ast.Subscript: "indexing", ast.Try: "try", ast.With: "with",
}
"""Constructs that would put logic into a notebook, and how a failure names them."""


# ----------------------------------------------------------------------------- the checkers


def _comment_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.start[0] for token in tokens if token.type == tokenize.COMMENT}


def parameters_violations(source: str) -> list[str]:
    """What in a ``parameters`` cell is not a commented assignment of one literal to one name."""
    violations = []
    comments = _comment_lines(source)
    for statement in ast.parse(source).body:
        line = statement.lineno
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)):
            violations.append(f"line {line}: not an assignment to one name ({type(statement).__name__})")
            continue
        if not isinstance(statement.value, ast.Constant):
            violations.append(f"line {line}: {statement.targets[0].id} is not a literal")
        if statement.end_lineno not in comments:
            violations.append(f"line {line}: {statement.targets[0].id} has no comment")
    return violations


def _is_allowed_module(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in ALLOWED_MODULES


def _root_name(node: ast.expr) -> str | None:
    """``a`` for ``a``, ``a.b`` and ``a.b.c``; None for anything else."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _argument_violations(node: ast.expr, bound: set[str], callable_names: set[str],
                         results: frozenset[str] = frozenset()) -> list[str]:
    """An argument is a name, a literal, a permitted call, or ``parameter or None`` (empty → none)."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.Name):
        return [] if node.id in bound else [f"line {node.lineno}: {node.id} is not defined in the notebook"]
    if isinstance(node, ast.Call):
        return _call_violations(node, bound, callable_names, results)
    if (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2
            and isinstance(node.values[0], ast.Name) and isinstance(node.values[1], ast.Constant)
            and node.values[1].value is None):
        return _argument_violations(node.values[0], bound, callable_names, results)
    return [f"line {node.lineno}: argument {ast.unparse(node)!r} is an expression, not a name or literal"]


def _call_violations(call: ast.Call, bound: set[str], callable_names: set[str],
                     results: frozenset[str] = frozenset()) -> list[str]:
    root = _root_name(call.func)
    violations = []
    # A result's own method (workbench.browse_view()) is library code; its attributes' methods
    # (assessment.counties.query()) are pandas, so a result is called one attribute deep only.
    deep_on_result = root in results and not (isinstance(call.func, ast.Attribute)
                                              and isinstance(call.func.value, ast.Name))
    if root not in callable_names or deep_on_result:
        violations.append(f"line {call.lineno}: {ast.unparse(call.func)} is not from landassess or IPython")
    for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
        if isinstance(argument, ast.Starred):
            violations.append(f"line {call.lineno}: unpacking in a call")
            continue
        violations.extend(_argument_violations(argument, bound, callable_names, results))
    if any(keyword.arg is None for keyword in call.keywords):
        violations.append(f"line {call.lineno}: ** unpacking in a call")
    return violations


def presenting_violations(cells: list[str], parameters: set[str]) -> list[str]:
    """What in the cells after ``parameters`` is more than importing, calling and naming results.

    A called name must resolve to an import from ``landassess`` or IPython, or be a method of the
    result of such a call (``workbench.browse_view()`` on ``workbench = Workbench(...)``).
    Names are tracked across the cells in order, as the kernel sees them.
    """
    callable_names: set[str] = set()
    results: set[str] = set()
    bound = set(parameters)
    violations = []
    for number, source in enumerate(cells, start=1):
        tree = ast.parse(source)
        for node in ast.walk(tree):
            for kind, label in FORBIDDEN.items():
                if isinstance(node, kind):
                    violations.append(f"cell {number} line {node.lineno}: {label}")
        for statement in tree.body:
            where = f"cell {number} line {statement.lineno}"
            if isinstance(statement, ast.Import | ast.ImportFrom):
                modules = ([statement.module] if isinstance(statement, ast.ImportFrom) and not statement.level
                           else [alias.name for alias in statement.names]
                           if isinstance(statement, ast.Import) else [None])
                if not all(_is_allowed_module(m) for m in modules):
                    violations.append(f"{where}: import from outside landassess/IPython")
                    continue
                names = {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
                callable_names |= names
                bound |= names
            elif isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                targets = statement.targets
                if not all(isinstance(t, ast.Name) for t in targets):
                    violations.append(f"{where}: only plain names may hold a result")
                    continue
                violations.extend(f"cell {number} {v}" for v in
                                  _call_violations(statement.value, bound, callable_names, frozenset(results)))
                names = {t.id for t in targets}
                callable_names |= names  # a landassess result: its methods are library code
                results |= names
                bound |= names
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                violations.extend(f"cell {number} {v}" for v in
                                  _call_violations(statement.value, bound, callable_names, frozenset(results)))
            else:
                violations.append(f"{where}: {type(statement).__name__} is neither an import, a call nor "
                                  "a name for a call's result")
    return violations


def code_cells(path: Path) -> tuple[list[str], list[str]]:
    """The ``parameters`` cell's source and the other code cells' sources, in order."""
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    parameters = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1, f"{path.name}: one cell tagged parameters"
    return parameters[0].source, [cell.source for cell in code if cell is not parameters[0]]


# ----------------------------------------------------------------------------- the committed notebooks


@pytest.mark.parametrize("path", NOTEBOOK_PARAMS)
def test_parameters_cell_holds_commented_literals_only(path):
    parameters, _ = code_cells(path)
    assert parameters_violations(parameters) == []
    assert ast.parse(parameters).body, "the parameters cell names at least one parameter"


@pytest.mark.parametrize("path", NOTEBOOK_PARAMS)
def test_other_cells_only_import_call_and_name_landassess_results(path):
    parameters, cells = code_cells(path)
    names = {statement.targets[0].id for statement in ast.parse(parameters).body}
    assert presenting_violations(cells, names) == []


@pytest.mark.parametrize("path", NOTEBOOK_PARAMS)
def test_the_parameters_cell_comes_before_every_other_code_cell(path):
    notebook = nbformat.read(path, as_version=4)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOK_PARAMS)
def test_committed_notebook_is_clean_with_stable_ids(path):
    notebook = nbformat.read(path, as_version=4)
    ids = [cell.get("id") for cell in notebook.cells]
    assert len(set(ids)) == len(ids)
    for cell in notebook.cells:
        # Short words (overview, ranking-charts), not the random hex JupyterLab or nbformat invents.
        assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", cell.get("id") or ""), cell.get("id")
        assert len(cell.id) <= 32
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{cell.id} has outputs"
            assert cell.execution_count is None, f"{cell.id} has an execution count"
            assert set(cell.metadata) <= {"tags", "jupyter"}, f"{cell.id}: metadata {sorted(cell.metadata)}"
            # The only JupyterLab state kept: code collapsed (issue 13), never scroll or output state.
            assert cell.metadata.get("jupyter", {}) in ({}, {"source_hidden": True}), cell.id
    parameters = [cell for cell in notebook.cells if "parameters" in cell.metadata.get("tags", [])]
    assert [cell.id for cell in parameters] == ["parameters"]
    assert notebook.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3", "language": "python"}
    assert "papermill" not in notebook.metadata and "widgets" not in notebook.metadata


@pytest.mark.parametrize("path", NOTEBOOK_PARAMS)
def test_committed_notebook_validates(path):
    with path.open(encoding="utf-8") as handle:
        notebook = nbformat.read(handle, as_version=nbformat.NO_CONVERT)
    assert notebook.nbformat == 4 and notebook.nbformat_minor >= 5  # cell ids exist from 4.5 on
    nbformat.validate(notebook)


def test_no_generator_overwrites_the_notebooks():
    assert not (ROOT / "scripts" / "make_notebooks.py").exists()


# ----------------------------------------------------------------------------- the checkers themselves


@pytest.mark.parametrize("source, expected", [
    pytest.param('year = 2024  # int: the year\n', [], id="commented-literal"),
    pytest.param('year = 2024\n', ["line 1: year has no comment"], id="no-comment"),
    pytest.param('year = 2023 + 1  # int\n', ["line 1: year is not a literal"], id="derived"),
    pytest.param('folder = str(2024)  # str\n', ["line 1: folder is not a literal"], id="call"),
    pytest.param('a = b = 1  # int\n', ["line 1: not an assignment to one name (Assign)"], id="two-names"),
    pytest.param('import os  # no\n', ["line 1: not an assignment to one name (Import)"], id="import"),
    pytest.param('# only a comment\n', [], id="comment-only"),
])
def test_parameters_checker(source, expected):
    assert parameters_violations(source) == expected


GOOD_CELLS = [
    "from IPython.display import display\nfrom landassess.publish import report\n"
    "from landassess.assessment import run_assessment\n"
    "assessment = run_assessment(year, data_dir, params_file or None, as_of=None)\n",
    "display(report.overview(assessment))\n",
]


@pytest.mark.parametrize("cell, label", [
    pytest.param("def helper():\n    return 1\n", "def", id="def"),
    pytest.param("class Helper:\n    pass\n", "class", id="class"),
    pytest.param("pick = report.pick(lambda row: row)\n", "lambda", id="lambda"),
    pytest.param("for name in report.names():\n    display(name)\n", "for loop", id="for"),
    pytest.param("while report.more():\n    display(report.next())\n", "while loop", id="while"),
    pytest.param("display([report.row(x) for x in report.names()])\n", "comprehension", id="comprehension"),
    pytest.param("if year:\n    display(report.overview(assessment))\n", "if", id="if"),
    pytest.param("display(report.overview(assessment) if year else None)\n", "conditional expression",
                 id="ternary"),
    pytest.param("quota = report.quota(assessment) * 2\n", "arithmetic", id="arithmetic"),
    pytest.param("top = report.total(assessment) >= 90\n", "comparison", id="comparison"),
    pytest.param("first = report.table(assessment)[0]\n", "indexing", id="indexing"),
    pytest.param("import pandas\n", "import from outside landassess/IPython", id="import-pandas"),
    pytest.param("from pandas import DataFrame\n", "import from outside landassess/IPython", id="from-pandas"),
    pytest.param("print(assessment)\n", "print is not from landassess or IPython", id="builtin-call"),
    pytest.param("frame = assessment.counties.query('total > 90')\n",
                 "assessment.counties.query is not from landassess or IPython", id="pandas-on-a-result"),
    pytest.param("written = assessment.write()\n", "", id="method-of-a-result"),
    pytest.param("display(report.overview(assessment, year + 1))\n", "arithmetic", id="arithmetic-argument"),
    pytest.param("display(report.overview(assessment, data_dir.upper()))\n",
                 "data_dir.upper is not from landassess or IPython", id="method-of-a-parameter"),
    pytest.param("x = 3\n", "Assign is neither an import", id="assign-literal"),
    pytest.param("assessment.year = 2025\n", "Assign is neither an import", id="assign-attribute"),
])
def test_presenting_checker_names_what_a_cell_may_not_do(cell, label):
    violations = presenting_violations([*GOOD_CELLS, cell], {"year", "data_dir", "params_file"})
    if label:
        assert any(label in violation for violation in violations), violations
    else:
        assert violations == []


def test_presenting_checker_accepts_the_house_style():
    assert presenting_violations(GOOD_CELLS, {"year", "data_dir", "params_file"}) == []


# ----------------------------------------------------------------------------- executed headless


def outputs(notebook: dict, kind: str) -> list[dict]:
    return [o for cell in notebook["cells"] for o in cell.get("outputs", []) if o["output_type"] == kind]


@pytest.mark.slow
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
    assert parameters["year"] == 2025 and parameters["params_file"] == [str((GOLDEN / "params.yaml").resolve())]


@pytest.mark.slow
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
