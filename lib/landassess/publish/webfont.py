"""A subset of the packaged CJK font, embedded in the report so Chinese renders anywhere.

Reviewers open the report offline, on machines that may have no Chinese font (a Linux server,
headless Chromium). The report therefore carries its own font: Noto Sans SC (SIL OFL 1.1, from the
``pylopdf-fonts-zh-cn`` package), cut down with fontTools to the characters the report uses and
inlined as a base64 WOFF ``@font-face``. The licence permits embedding and subsetting.
"""

from __future__ import annotations

import base64
import io
import stat
import string
import zipfile
from pathlib import Path

FAMILY = "Landassess Noto Sans SC"


def subset_font_css(text: str) -> str:
    """``@font-face`` CSS embedding the glyphs of ``text`` (plus ASCII) from the packaged font."""
    from fontTools import subset

    from landassess.publish.fonts import cjk_font_path

    characters = sorted(set(text) | set(string.printable) | set("，。、；：？！“”‘’（）《》【】〔〕—…·％"))
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(cjk_font_path()), options)
    font.recalcTimestamp = False  # same text, same bytes: reports differ only in their run time
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters if c.isprintable() or c == " "])
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{FAMILY}"; font-style: normal; font-weight: 100 900; '
            f'src: url(data:font/woff;base64,{encoded}) format("woff"); }}')


def notebook_text(notebook) -> str:
    """All text a rendered notebook can show: markdown sources and text/html/plain outputs."""
    parts: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/html", "text/plain"):
                value = data.get(mime)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
            if output.get("text"):
                parts.append(output["text"])
    return "".join(parts)


def predicted_text(data_dir: Path) -> str:
    """Text a year's report can show, known before the notebook runs.

    The package's own Chinese (labels, messages, rules), the parameters, the division list and
    every input file's text. The report's font is cut to this while the kernel works; if the
    finished report shows a character outside it, the font is cut again (see ``runner``).

    The data folder may hold anything (a damaged workbook, a lock file ``~$x.xlsx``, a folder
    named ``x.csv``, a FIFO, a zip bomb): only regular files are read, within size limits, and a
    file that cannot be read adds nothing. This never raises for the data folder's content.
    """
    from landassess.paths import DATA_DIR, PACKAGE_DIR, params_dir

    parts = [p.read_text(encoding="utf-8") for p in sorted(PACKAGE_DIR.rglob("*.py"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(DATA_DIR.glob("*.csv"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(params_dir().glob("*.yaml"))]
    try:
        paths = sorted(Path(data_dir).iterdir()) if Path(data_dir).is_dir() else []
    except OSError:
        paths = []
    for path in paths:
        try:
            parts.append(_file_text(path))
        except Exception:  # noqa: BLE001 - intake reports unreadable files; the font falls back to the report's text
            continue
    return "".join(parts)


MAX_FILE_BYTES = 64 * 1024 * 1024
"""Input files (or workbook parts) larger than this add nothing to the predicted text."""


def _file_text(path: Path) -> str:
    """The text of one input file, or "" (not a regular file, too large, not a table)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        return ""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        return ""
    if suffix == ".xlsx":
        texts = []
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > 1000:
                return ""
            budget = MAX_FILE_BYTES
            for item in infos:
                name = item.filename
                if not (name.endswith(".xml") and ("sharedStrings" in name or "worksheets/" in name)):
                    continue
                if item.file_size > budget:
                    return "".join(texts)
                budget -= item.file_size
                with archive.open(item) as handle:
                    texts.append(handle.read(item.file_size + 1).decode("utf-8", "replace"))
        return "".join(texts)
    if suffix in (".txt", ".yaml", ".yml"):
        return path.read_bytes().decode("utf-8", errors="replace")
    return ""


def cjk_and_symbols(text: str) -> set[str]:
    """The characters of ``text`` outside ASCII (ASCII is always in the subset)."""
    return {c for c in text if ord(c) > 0x7E}
