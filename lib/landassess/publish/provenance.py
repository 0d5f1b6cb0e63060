"""The run's provenance, built once: the year's ``manifest.json`` (SPEC 5; issue 10, one owner).

Every run records where its numbers come from — the inputs' SHA-256, the resolved parameters,
the as-of date, the software versions and the code's git commit — in one dictionary built from
the :class:`Assessment`. :func:`landassess.publish.outputs.write_outputs` writes it, the report's
溯源 section reads the same dictionary (cached on the assessment, never computed twice), and the
runner only adds the hashes of the files it writes afterwards (:func:`record_outputs`).
"""

from __future__ import annotations

import copy
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from landassess.paths import params_dir, project_root, sha256_file

if TYPE_CHECKING:
    from landassess.assessment import Assessment

GENERATOR = "landassess"
"""The manifest's ``generator``: how ``run.ownership`` recognises a folder landassess wrote."""
KIND = "year"
"""The manifest's ``kind`` for a year's output folder (``run.ownership.YEAR``)."""
MANIFEST = "manifest.json"

PACKAGES = ("landassess", "pandas", "numpy", "matplotlib", "papermill", "nbconvert", "openpyxl", "pydantic")
"""The packages whose versions decide a run's numbers and its report; Python is recorded as well."""

_CACHE = "_landassess_manifest"
"""Attribute of an :class:`Assessment` holding its manifest once built."""


def software_versions() -> dict[str, str | None]:
    """Installed version of each of :data:`PACKAGES` (``None`` when not installed), and ``python``."""
    versions: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    versions["python"] = platform.python_version()
    return versions


def git_commit(folder: Path | None = None) -> str | None:
    """The full commit id checked out in the project folder, or ``None`` (no repository, no git).

    Never raises: a wheel install, a missing ``git`` or a refused repository simply has no commit.
    """
    try:
        out = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=folder or project_root(),
                             capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) >= 40 else None


def build_manifest(a: Assessment) -> dict[str, Any]:
    """The year's provenance as plain JSON data (deterministic for the same inputs and code)."""
    # here, not at the top: the runner's record_outputs (after the kernel) needs none of pandas
    from landassess.params import params_as_dict
    from landassess.publish.summary import run_summary
    from landassess.vocabulary import STATUS_ZH

    return {
        "generator": GENERATOR,
        "kind": KIND,
        "year": a.year,
        "as_of": a.as_of.isoformat() if a.as_of else "",
        "is_demo": a.inputs.is_demo,
        "inputs": {
            name: {"file": str(path.name), "sha256": a.inputs.file_hashes[name]}
            for name, path in sorted(a.inputs.files.items())
        },
        "parameter_files": parameter_file_entries(a.params_files),
        "parameters": params_as_dict(a.params),
        "software": software_versions(),
        "commit": git_commit(),
        "status_counts": {STATUS_ZH[s]: int(n) for s, n in a.counties["status"].value_counts().sort_index().items()},
        "summary": run_summary(a),
    }


def parameter_file_entries(files: tuple[Path, ...]) -> list[dict[str, str]]:
    """SPEC 8.0: each parameter file applied, in order, with its SHA-256.

    The packaged defaults are named ``landassess:params/<name>`` (the same on every machine); the
    department's files and ``--params`` by their full path.
    """
    packaged = params_dir().resolve()
    entries = []
    for path in files:
        resolved = Path(path).resolve()
        shown = f"landassess:params/{resolved.name}" if resolved.parent == packaged else str(resolved)
        entries.append({"file": shown, "sha256": sha256_file(resolved)})
    return entries


def year_manifest(a: Assessment) -> dict[str, Any]:
    """The manifest of ``a``, built on first use and kept on the assessment (a copy is returned)."""
    cached = vars(a).get(_CACHE)
    if cached is None:
        cached = build_manifest(a)
        setattr(a, _CACHE, cached)
    return copy.deepcopy(cached)


def manifest_text(manifest: dict[str, Any]) -> str:
    """The manifest as written to disk: UTF-8 JSON, sorted keys, two-space indent, final newline."""
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_manifest(a: Assessment, path: Path) -> dict[str, Any]:
    """Write the manifest of ``a`` to ``path``; returns it."""
    manifest = year_manifest(a)
    Path(path).write_text(manifest_text(manifest), encoding="utf-8")
    return manifest


def record_outputs(folder: Path, year: int) -> dict[str, Any]:
    """Add every output file of ``folder`` and its SHA-256 to the folder's manifest.

    The rest of the manifest (written by :func:`write_manifest` in the notebook) is kept as it
    is; a folder without one gets a manifest of its year and outputs only.
    """
    path = Path(folder) / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"year": year}
    manifest.update(generator=GENERATOR, kind=KIND)
    manifest["outputs"] = {
        p.name: sha256_file(p) for p in sorted(Path(folder).iterdir()) if p.is_file() and p.name != MANIFEST
    }
    path.write_text(manifest_text(manifest), encoding="utf-8")
    return manifest
