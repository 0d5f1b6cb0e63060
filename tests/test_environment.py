"""environment.yml (conda route) must pin exactly what pyproject.toml pins."""

import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        pins += extra
    return {p.replace(" ", "").lower() for p in pins}


def _environment_pins() -> tuple[set[str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {p.replace(" ", "").lower() for p in pip if not p.startswith("-e")}, env["dependencies"]


def test_every_dependency_is_pinned_exactly():
    assert all("==" in pin for pin in _pyproject_pins())


def test_environment_yml_agrees_with_pyproject():
    pins, _ = _environment_pins()
    assert pins == _pyproject_pins()


def test_environment_installs_the_project_and_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip
    assert "python=3.11" in env["dependencies"]
