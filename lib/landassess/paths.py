"""Where the project's shared files are: parameters, notebooks and packaged data.

In a checkout (an editable install) they are the repository's top-level ``params/``,
``notebooks/`` and ``demo/`` folders; in a wheel they are packaged under ``landassess/_resources/``.
``LANDASSESS_HOME`` points at another project folder holding both.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
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
