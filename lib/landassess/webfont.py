"""A subset of the packaged CJK font, embedded in the report so Chinese renders anywhere.

Reviewers open the report offline, on machines that may have no Chinese font (a Linux server,
headless Chromium). The report therefore carries its own font: Noto Sans SC (SIL OFL 1.1, from the
``pylopdf-fonts-zh-cn`` package), cut down with fontTools to the characters the report uses and
inlined as a base64 WOFF ``@font-face``. The licence permits embedding and subsetting.
"""

from __future__ import annotations

import base64
import io
import string
from pathlib import Path

FAMILY = "Landassess Noto Sans SC"


def subset_font_css(text: str) -> str:
    """``@font-face`` CSS embedding the glyphs of ``text`` (plus ASCII) from the packaged font."""
    from fontTools import subset

    from landassess.fonts import cjk_font_path

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
    """
    import zipfile

    from landassess.paths import DATA_DIR, PACKAGE_DIR, params_dir

    parts = [p.read_text(encoding="utf-8") for p in sorted(PACKAGE_DIR.rglob("*.py"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(DATA_DIR.glob("*.csv"))]
    parts += [p.read_text(encoding="utf-8") for p in sorted(params_dir().glob("*.yaml"))]
    for path in sorted(Path(data_dir).iterdir()) if Path(data_dir).is_dir() else []:
        try:
            if path.suffix.lower() == ".csv":
                raw = path.read_bytes()
                for encoding in ("utf-8-sig", "gb18030"):
                    try:
                        parts.append(raw.decode(encoding))
                        break
                    except UnicodeDecodeError:
                        continue
            elif path.suffix.lower() == ".xlsx":
                with zipfile.ZipFile(path) as archive:
                    parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                              if n.endswith(".xml") and ("sharedStrings" in n or "worksheets/" in n)]
            elif path.suffix.lower() in (".txt", ".yaml", ".yml"):
                parts.append(path.read_text(encoding="utf-8", errors="replace"))
        except (OSError, zipfile.BadZipFile):
            continue  # intake reports unreadable files; the font falls back to the report's own text
    return "".join(parts)


def cjk_and_symbols(text: str) -> set[str]:
    """The characters of ``text`` outside ASCII (ASCII is always in the subset)."""
    return {c for c in text if ord(c) > 0x7E}
