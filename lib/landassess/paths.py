"""Where the project's shared files are: parameters, notebooks and packaged data.

In a checkout (an editable install) they are the repository's top-level ``params/``,
``notebooks/`` and ``demo/`` folders; in a wheel they are packaged under ``landassess/_resources/``.
``LANDASSESS_HOME`` points at another project folder holding both.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Union

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
LOCK_FILE = "FINALIZED.json"
"""A finalised year's record in its output folder (:mod:`landassess.run.versions`)."""
"""The nbconvert and Jinja templates of the report, the index page and the app."""


def project_root() -> Path:
    """The folder holding ``params/`` and ``notebooks/``."""
    home = os.environ.get("LANDASSESS_HOME")
    if home:
        return Path(home).resolve()
    checkout = PACKAGE_DIR.parent.parent
    if (checkout / "params" / "base.yaml").exists() and (checkout / "notebooks").is_dir():
        return checkout
    return PACKAGE_DIR / "_resources"


def params_dir() -> Path:
    """The folder of ``base.yaml`` and the per-year parameter files."""
    return project_root() / "params"


def notebooks_dir() -> Path:
    """The folder of the assessment notebooks."""
    return project_root() / "notebooks"


def demo_dir() -> Path:
    """The folder of the fictional demo years (``2022/`` … ``2024/``, ``returned/``, ``collect-2024/``)."""
    return project_root() / "demo"


def jupyterlab_settings_file() -> Path:
    """The JupyterLab default settings landassess ships (Chinese interface, no news pop-up)."""
    return DATA_DIR / "jupyterlab" / "landassess.json"


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, as lowercase hex (``sha256sum``)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


ParamsFiles = Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]], None]
"""The files applied over the packaged defaults, in order: one path, several, or none."""


def override_files(params_file: ParamsFiles) -> list[Path]:
    """``params_file`` as a list of paths (one path, a sequence of paths, or none)."""
    if params_file is None or params_file == "":
        return []
    if isinstance(params_file, (str, os.PathLike)):
        return [Path(params_file)]
    return [Path(path) for path in params_file if path != ""]


def department_files(year: int, folder: str | os.PathLike[str] = "params") -> list[Path]:
    """SPEC 8.0: the department folder's ``params/base.yaml`` and ``params/<year>.yaml``, those present.

    ``folder`` is the department's ``params`` folder (in the working folder by default). The
    package's own folder is not a department's: run in the project folder, nothing is added. A
    present entry that is not a regular file is listed all the same, so that reading it gives its
    located refusal instead of a silent skip.
    """
    folder = Path(folder)
    try:
        if not folder.is_dir() or folder.resolve() == params_dir().resolve():
            return []
    except OSError:
        return []
    return [path for path in (folder / "base.yaml", folder / f"{year}.yaml") if os.path.lexists(path)]
