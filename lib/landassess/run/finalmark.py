"""Mark a finalised year's report as 定稿 第N版 (SPEC 8.4): report.html, report.pdf, nothing else.

``finalize`` (and a re-issue, which stays final) calls :func:`mark_final` with the folder's lock
held. The edition paragraph of ``report.html`` is replaced (:mod:`landassess.publish.report.edition`);
a ``report.pdf`` there is printed again from the marked page, with 定稿 第N版 in every page's
header; the manifest's hashes of the two files are updated, and its ``edition`` records what was
marked, so a ``finalize`` repeated after a failure (no browser, a kill) completes the marking. Each
file is written beside its target and moved in with one rename.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from landassess.paths import sha256_file

REPORT, PDF, MANIFEST = "report.html", "report.pdf", "manifest.json"
EDITION_KEY = "edition"


def mark_final(folder: Path, record: dict) -> str | None:
    """Mark ``folder``'s report as the edition of ``record`` (FINALIZED.json); a Chinese warning, or None."""
    from landassess.publish.provenance import manifest_text
    from landassess.publish.report.edition import final_text, stamp

    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not (folder / REPORT).is_file() or not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    text = final_text(record)
    done = manifest.get(EDITION_KEY) or {}
    wanted = [name for name in (REPORT, PDF) if (folder / name).is_file()]
    if done.get("text") == text and set(wanted) <= set(done.get("files") or []):
        return None
    html = (folder / REPORT).read_text(encoding="utf-8")
    try:
        marked = stamp(html, text)
    except ValueError:  # a report from before editions were marked: leave it as it is
        return f"注意：{folder / REPORT} 中没有版次标记（由较早版本的 landassess 生成），未标明定稿版次。"
    _replace(folder / REPORT, marked.encode("utf-8"))
    files, warning = [REPORT], None
    if PDF in wanted:
        warning = _print_again(folder)
        if warning is None:
            files.append(PDF)
    outputs = dict(manifest.get("outputs") or {})
    outputs.update({name: sha256_file(folder / name) for name in wanted})
    manifest["outputs"] = dict(sorted(outputs.items()))
    manifest[EDITION_KEY] = {"text": text, "version": int(record["version"]), "files": files}
    temporary = folder / f".{MANIFEST}.tmp-{os.getpid()}"
    temporary.write_text(manifest_text(manifest), encoding="utf-8")
    os.replace(temporary, manifest_path)
    return warning


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _print_again(folder: Path) -> str | None:
    """Print the marked report over ``report.pdf``; on failure the old PDF stays and a warning says so."""
    from landassess.run.pdf import PdfPrinter

    temporary = folder / f".{PDF}.tmp-{os.getpid()}"
    printer = PdfPrinter()
    try:
        warning = printer.print(folder, folder / REPORT, temporary)
    except Exception as error:  # noqa: BLE001 - any printing failure leaves the old PDF and says so
        warning = f"{type(error).__name__}: {error}"
    finally:
        printer.close()
    if warning is None and temporary.is_file():
        os.replace(temporary, folder / PDF)
        return None
    temporary.unlink(missing_ok=True)
    return (f"警告：report.pdf 未能重新打印，其中尚未标明定稿版次（report.html 已标明）；"
            f"可在能打印 PDF 的电脑上再次运行 landassess finalize 补上。原因：{warning}")
