"""A packaged Simplified-Chinese font for matplotlib charts.

Charts label counties, cities and indicators in Chinese. Matplotlib's bundled DejaVu Sans has no
Han glyphs, so on a machine without system CJK fonts every Chinese character would be drawn as a
box, with one "Glyph ... missing from font" warning each. This module registers a font that ships
inside a Python package, so charts look the same on every machine and no system font is needed.

Font: **Noto Sans SC Regular** (version 2.004, static weight 400, the Simplified-Chinese
region-specific subset ``Sans/SubsetOTF/SC`` of Google/Adobe's Noto CJK; about 8 MB, covers the
Latin alphabet and digits too). Licence: **SIL Open Font License 1.1**; the licence text ships
in the package's ``dist-info/licenses/LICENSE`` and the copyright notice in the font's name table.
Package: **pylopdf-fonts-zh-cn** (PyPI, pinned in ``pyproject.toml``), a data-only wheel with no
dependencies; we use its ``NotoSansSC-Regular.otf`` and ignore the Noto Serif SC file beside it.
Only the Regular weight ships: text asked for in bold is drawn in Regular, and matplotlib logs
"findfont: Failed to find font weight bold for Noto Sans SC, now using 400" (a log line, not a
warning); the charts' default title and label weights are normal.

The font is registered by file path (``fontManager.addfont``), which leaves matplotlib's font
cache and the system's fonts alone. Call :func:`register_cjk_font` once before drawing; it is
safe to call again, for example after ``matplotlib.rcdefaults()`` or a style change.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
"""Import name of the package that carries the font file (distribution ``pylopdf-fonts-zh-cn``)."""

FONT_FILE = "NotoSansSC-Regular.otf"
"""The font file's name inside :data:`FONT_PACKAGE`."""

FONT_FAMILY = "Noto Sans SC"
"""Family name that the font declares and matplotlib registers it under."""


class CJKFontNotFoundError(FileNotFoundError):
    """The packaged Chinese font is not installed."""


def cjk_font_path() -> Path:
    """Path of the packaged Noto Sans SC file.

    Raises :class:`CJKFontNotFoundError` (a ``FileNotFoundError``) saying how to install it when
    the package or the file is missing.
    """
    hint = (
        f"the Chinese chart font {FONT_FILE} is missing: install the project's dependencies "
        f"(the package 'pylopdf-fonts-zh-cn' provides it), e.g. `pip install -e .`"
    )
    if importlib.util.find_spec(FONT_PACKAGE) is None:
        raise CJKFontNotFoundError(hint)
    resource = importlib.resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
    path = Path(str(resource))
    if not path.is_file():
        raise CJKFontNotFoundError(f"{hint} (looked for {path})")
    return path


def register_cjk_font() -> str:
    """Make matplotlib draw Chinese with the packaged font; return the font's family name.

    Adds the font file to ``matplotlib.font_manager.fontManager`` (once per process), puts its
    family first in ``rcParams["font.sans-serif"]``, sets ``rcParams["font.family"]`` to
    ``"sans-serif"`` and ``rcParams["axes.unicode_minus"]`` to ``False`` (an ASCII hyphen for
    negative numbers). Calling it again changes nothing further.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = cjk_font_path()
    fname = str(path)
    manager = font_manager.fontManager
    entries = [entry for entry in manager.ttflist if entry.fname == fname]
    if not entries:
        manager.addfont(fname)
        entries = [entry for entry in manager.ttflist if entry.fname == fname]
    family = entries[0].name if entries else FONT_FAMILY

    sans = [name for name in mpl.rcParams["font.sans-serif"] if name != family]
    mpl.rcParams["font.sans-serif"] = [family, *sans]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["axes.unicode_minus"] = False
    return family
