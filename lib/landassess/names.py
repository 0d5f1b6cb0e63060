r"""Names compared as people mean them (SPEC 8.0): counties, cities, evaluators.

A name typed in a workbook, a CSV table, a parameter file or on the command line is compared after
three steps, everywhere: Unicode NFKC (full-width letters and digits, compatibility forms), removal
of the format characters (Unicode category ``Cf``: zero-width spaces and joiners, the byte order
mark, soft hyphens, direction marks), and trimming. ``评委甲`` with a zero-width space inside is
``评委甲``; a recusal cannot be undone by an invisible character.

Control characters (``Cc``: ``\x00``–``\x1f``, ``\x7f``–``\x9f``) are never folded away: in a
name given as a parameter or an argument they are an error (:func:`control_characters`), in a cell
they are shown escaped in the problem that cites it.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_NEWLINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_format(text: str) -> str:
    """``text`` without its format characters (Unicode category Cf; none is ASCII)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def canonical(text: str) -> str:
    """The form in which two names are compared: NFKC, no format characters, trimmed.

    U+3000 (the ideographic space) becomes a plain space under NFKC and is trimmed like one.
    """
    return strip_format(unicodedata.normalize("NFKC", text)).strip()


def control_characters(text: str, *, newlines: bool = False) -> list[str]:
    r"""The control characters in ``text``, escaped (``\x07``); with ``newlines``, line breaks and tabs pass."""
    pattern = _CONTROL_EXCEPT_NEWLINES if newlines else _CONTROL
    return [f"\\x{ord(m.group()):02x}" for m in pattern.finditer(text)]


def same_name(first: str, second: str) -> bool:
    """Whether two names are the same name once canonical."""
    return canonical(first) == canonical(second)


def printable_file_name(text: str) -> str:
    r"""A file name (or a relative path) as people can read it, whatever bytes it came with.

    A name unzipped from a Chinese-Windows zip reaches Python with undecodable bytes (surrogate
    escapes): each such part of the path is decoded as GB18030 (what Chinese Windows writes), else
    shown as ``\xNN``. Control characters are shown escaped. The result always encodes as UTF-8.
    """
    return "".join(_printable_part(part) for part in re.split(r"([/\\])", text))


def _printable_part(text: str) -> str:
    import os

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "backslashreplace")
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
