"""The package's shape (issue 10): the folders show the pipeline and the arrows run one way.

intake (and collect, which reads the returned workbooks) → rules → assessment → publish → run →
workbench → cli, with the vocabulary, problems,
parameters, divisions, paths and clock at the bottom. A module may import from its own layer or a
lower one, never a higher one; no rule module reads files; there is no import cycle; no module is
longer than 400 lines; no code decides by comparing message text.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lib" / "landassess"

LAYERS = {
    "landassess": 0, "landassess.vocabulary": 0, "landassess.problems": 0, "landassess.paths": 0,
    "landassess.clock": 0, "landassess.divisions": 0, "landassess.names": 0, "landassess.params": 0,
    "landassess.intake": 1, "landassess.collect": 1, "landassess.memory": 0,
    "landassess.rules": 2,
    "landassess.assessment": 3, "landassess.calibration": 3,
    "landassess.publish": 4,
    "landassess.run": 5,
    "landassess.workbench": 6,
    "landassess.cli": 7,
}
"""Layer of each top-level piece; the lower the number, the closer to the bottom."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return LAYERS[best]


def _imports(path: Path) -> set[str]:
    """Every landassess module ``path`` imports, at the top or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("landassess")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("landassess"):
            for alias in node.names:  # ``from landassess.rules import vetoes`` imports a module
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py").exists():
                    found.add(candidate)
                else:
                    found.add(node.module)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_arrows_run_one_way(module):
    upward = sorted(i for i in _imports(MODULES[module]) if _layer(i) > _layer(module))
    assert upward == [], f"{module} (layer {_layer(module)}) imports from above: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("landassess.rules")))
def test_no_rule_module_reads_files_or_imports_the_reader(module):
    imports = _imports(MODULES[module])
    assert not any(i.startswith("landassess.intake") for i in imports)
    source = MODULES[module].read_text(encoding="utf-8")
    assert "open(" not in source and "read_csv" not in source and "load_workbook" not in source


def test_there_is_no_import_cycle():
    graph = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join(trail + [node, nxt]))
            if nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_400_lines(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{module}: {lines} lines"


def test_no_code_decides_by_message_text():
    pattern = re.compile(r"\.message\s*(==|!=|\.startswith|\.endswith|\.find|\.index)|in\s+\w+\.message\b")
    offenders = [f"{m}:{n}" for m, p in MODULES.items()
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


def test_the_vocabulary_is_defined_once():
    names = ("VETO_CLAUSE", "VETO_ZH", "VETO_TYPES", "EVENT_VETO_TYPES", "BONUS_KINDS", "BONUS_CLAUSE",
             "STATUSES", "STATUS_ZH", "TIER_ZH", "DECISIONS", "TABLE_ZH", "SEVERITY_ZH", "LEVEL_ZH")
    defined = {}
    for module, path in MODULES.items():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                for name in ([target] if isinstance(target, ast.Name) else getattr(target, "elts", [])):
                    if isinstance(name, ast.Name) and name.id in names:
                        defined.setdefault(name.id, []).append(module)
    assert {n: m for n, m in defined.items() if m != ["landassess.vocabulary"]} == {}
    assert set(defined) == set(names)
