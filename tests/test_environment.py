"""Dependencies: compatible ranges in pyproject.toml, every package locked with hashes, conda in step.

``requirements-test.lock`` (uv pip compile --universal --generate-hashes, the runtime with the test
and dev extras) is what ``make install`` and ``.ci/run`` install; ``requirements.lock`` is its
runtime subset at the same pins (issue 21: what an office PC and ``landassess bundle`` install); ``environment.yml`` takes from conda-forge what conda-forge has, pip for the rest.
"""

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"python-tzdata": "tzdata"}  # conda-forge's tzdata is the system zone database


def _requirements(groups: tuple[str, ...] = ("lab", "test", "dev")) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for group in groups:
        specs += project["optional-dependencies"][group]
    return [Requirement(s) for s in specs]


def _locked(lock: str = "requirements-test.lock") -> dict[str, list[tuple[str, str]]]:
    """Package → [(version, marker)] from ``lock``."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    locked: dict[str, list[tuple[str, str]]] = {}
    for match in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)(?: ; ([^\\\n]+))?", text, re.M):
        locked.setdefault(canonicalize_name(match[1]), []).append((match[2], (match[3] or "").strip()))
    return locked


def _python311(marker: str) -> bool:
    from packaging.markers import Marker

    return not marker or Marker(marker).evaluate({"python_full_version": "3.11.7", "python_version": "3.11"})


def _version_311(entries: list[tuple[str, str]]) -> str:
    return next(version for version, marker in entries if _python311(marker))


def test_dependencies_are_compatible_ranges_not_pins():
    for requirement in _requirements():
        assert requirement.specifier, requirement
        assert not any(s.operator == "==" for s in requirement.specifier), requirement


def _blocks(lock: str) -> dict[str, str]:
    """Requirement line (name==version ; marker) → its block of hashes, from ``lock``."""
    text = (ROOT / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", "\n" + text.strip())
    found = {}
    for block in blocks:
        lines = [line for line in block.strip().splitlines() if not line.lstrip().startswith("#")]
        if lines and "==" in lines[0]:
            found[lines[0].rstrip(" \\")] = "\n".join(sorted(line.strip(" \\") for line in lines[1:]))
    return found


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-lab.lock", "requirements-test.lock"])
def test_every_locked_package_has_hashes(lock):
    packages = _blocks(lock)
    assert len(packages) > 50  # the whole transitive set, not only the direct dependencies
    assert all("--hash=sha256:" in hashes for hashes in packages.values())


def test_the_runtime_lock_is_the_test_lock_without_the_test_tools():
    """Same versions, markers and hashes; playwright, pytest and ruff only in the test lock."""
    runtime, full = _blocks("requirements.lock"), _blocks("requirements-test.lock")
    assert set(runtime) < set(full)
    for line, hashes in runtime.items():
        assert full[line] == hashes, line
    runtime_names = {canonicalize_name(re.split(r"[=; ]", line)[0]) for line in runtime}
    assert not {"playwright", "greenlet", "pytest", "nbval", "hypothesis", "ruff"} & runtime_names
    for requirement in _requirements(groups=()):
        assert canonicalize_name(requirement.name) in runtime_names, requirement.name
    assert not {"jupyterlab", "jupyterlab-language-pack-zh-cn"} & runtime_names  # issue 21: the `lab` extra


def test_the_lab_lock_is_the_runtime_lock_and_jupyterlab_at_the_test_locks_pins():
    runtime, lab, full = _blocks("requirements.lock"), _blocks("requirements-lab.lock"), _blocks("requirements-test.lock")
    assert set(runtime) < set(lab) < set(full)
    for line, hashes in lab.items():
        assert full[line] == hashes, line
    added = {canonicalize_name(re.split(r"[=; ]", line)[0]) for line in set(lab) - set(runtime)}
    assert {"jupyterlab", "jupyterlab-language-pack-zh-cn"} <= added
    assert not {"playwright", "pytest", "ruff"} & added


def test_argon2_cffi_bindings_stays_below_26_for_intel_macs():
    """26.x has no Intel-macOS wheel (constraints.txt); the locks keep the version that has one."""
    assert "argon2-cffi-bindings<26" in (ROOT / "constraints.txt").read_text(encoding="utf-8")
    for lock in ("requirements.lock", "requirements-test.lock"):
        (version, _), = _locked(lock)["argon2-cffi-bindings"]
        assert int(version.split(".")[0]) < 26, (lock, version)


def test_the_lock_satisfies_every_range():
    locked = _locked()
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements-test.lock"
        for version, marker in locked[name]:
            assert requirement.specifier.contains(version, prereleases=True), (name, version, marker)


def _environment() -> tuple[dict[str, str], dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda, pip = {}, {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            for spec in item["pip"]:
                if not spec.startswith("-e"):
                    name, version = spec.split("==")
                    pip[canonicalize_name(name)] = version
        elif "==" in item:
            name, version = item.split("==")
            conda[canonicalize_name(CONDA_NAMES.get(name, name))] = version
    return conda, pip, env["dependencies"]


def test_environment_yml_has_every_dependency_once_at_the_locked_version():
    conda, pip, _ = _environment()
    assert not set(conda) & set(pip), "a package from both conda and pip"
    locked = _locked()
    wanted = {canonicalize_name(r.name) for r in _requirements()}
    assert set(conda) | set(pip) == wanted
    for name, version in {**conda, **pip}.items():
        assert version == _version_311(locked[name]), name


def test_conda_is_used_for_what_conda_forge_has():
    conda, pip, _ = _environment()
    assert {"pandas", "numpy", "jupyterlab", "papermill", "pytest"} <= set(conda)
    assert set(pip) <= {"pylopdf-fonts-zh-cn", "playwright", "jupyterlab-language-pack-zh-cn"}


def test_environment_installs_the_project_and_python_311():
    _, _, dependencies = _environment()
    pip = next(d["pip"] for d in dependencies if isinstance(d, dict))
    assert "-e ." in pip
    assert "python=3.11" in dependencies


def test_lint_tools_are_a_dev_extra_not_a_test_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(Requirement(r).name == "ruff" for r in project["optional-dependencies"]["test"])
    assert any(Requirement(r).name == "ruff" for r in project["optional-dependencies"]["dev"])


def test_a_licence_file_ships_with_the_project():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Permission is hereby granted" in licence
