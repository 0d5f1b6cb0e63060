"""Deterministic .xlsx writing: the same workbook gives the same bytes.

openpyxl's ``Workbook.save`` stamps the "modified" property with the clock and every zip entry
with the current time; both are fixed here so that two runs on the same inputs write
byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path


def workbook_bytes(workbook, stamp: dt.datetime) -> bytes:
    """The workbook as .xlsx bytes with fixed document properties and zip entry dates."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def save_workbook(workbook, path: Path, stamp: dt.datetime) -> None:
    """Write ``workbook`` to ``path`` deterministically (see :func:`workbook_bytes`)."""
    Path(path).write_bytes(workbook_bytes(workbook, stamp))
