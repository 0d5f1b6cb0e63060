"""Finalised years and re-issued results (after an objection, 六(三)).

``landassess finalize --year Y`` writes ``FINALIZED.json`` into the year's output folder. A later
run refuses to overwrite a finalised year unless ``--force`` is given; then the finalised outputs
are kept as ``versions/v1`` (``v2`` …) inside the new output folder, the new report lists what
changed against that version (statuses, ranks and titles), and the re-issued year is finalised
again as the next version. No ``versions/vN`` is ever deleted: every run carries them over.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from landassess.errors import InputError
from landassess.paths import LOCK_FILE, sha256_file

VERSIONS_DIR = "versions"
ISSUED_DIR = "公示"
"""The 公示 as issued (SPEC 8.4): 公示公告.docx and 公示名单.xlsx, written once by ``documents``."""
ISSUED_KEY = "issued"
"""The manifest's record of the issued 公示: its files' hashes, when, and the results it was issued from."""


class FinalizeError(InputError):
    """A year that cannot be finalised (no results yet); the message is Chinese (exit 3)."""


def is_finalized(out: Path) -> bool:
    return (Path(out) / LOCK_FILE).is_file()


def version_count(out: Path) -> int:
    """How many earlier versions ``out`` keeps."""
    folder = Path(out) / VERSIONS_DIR
    return len([p for p in folder.iterdir() if p.is_dir()]) if folder.is_dir() else 0


def finalize(out: Path, year: int, warnings: list[str] | None = None) -> dict:
    """Lock a year's outputs: record the hash of results.csv and the time (China Standard Time).

    Takes the folder's lock (a run under way makes this refuse) and checks that the folder is a
    landassess year folder. A folder that is already finalised keeps its record. The report (and
    its PDF) then say 定稿 第N版 (:func:`landassess.run.finalmark.mark_final`); a warning from
    that (no browser for the PDF) is appended to ``warnings``.
    """
    from landassess.run.finalmark import mark_final
    from landassess.run.ownership import YEAR, check_owned, folder_lock, recover

    out = check_owned(out, YEAR)
    if not (out / "results.csv").is_file():
        raise FinalizeError(f"{out} 中没有 results.csv，请先运行 landassess run --year {year}")
    with folder_lock(out):
        recover(out)
        if is_finalized(out):
            record = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
        else:
            record = _write_lock(out, year, version_count(out) + 1)
        warning = mark_final(out, record)  # also completes a marking an earlier finalize could not finish
    if warning and warnings is not None:
        warnings.append(warning)
    return record


def _write_lock(folder: Path, year: int, version: int, **fields) -> dict:
    from landassess.clock import china_now

    record = {
        "year": year,
        "finalized_at": china_now().isoformat(timespec="seconds"),
        "results_sha256": sha256_file(folder / "results.csv"),
        "version": version,
        **fields,
    }
    temporary = folder / f".{LOCK_FILE}.tmp"
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, folder / LOCK_FILE)
    return record


def carry_over(old: Path, new: Path, *, archive_current: bool) -> str | None:
    """Keep every earlier version in ``new``; with ``archive_current`` also the old files as the next one.

    ``old/versions`` is copied into ``new``; with ``archive_current`` the old folder's own files
    become the next ``versions/vN``, whose label is returned.

    Nothing in ``versions/`` is ever removed: the new folder holds all of them before it
    replaces the old one.
    """
    old, new = Path(old), Path(new)
    if (old / VERSIONS_DIR).is_dir() and not (old / VERSIONS_DIR).is_symlink():
        shutil.copytree(old / VERSIONS_DIR, new / VERSIONS_DIR, dirs_exist_ok=True, symlinks=True)
    carry_issued(old, new)
    if not archive_current:
        return None
    (new / VERSIONS_DIR).mkdir(exist_ok=True)
    label = f"v{version_count(new) + 1}"
    target = new / VERSIONS_DIR / label
    target.mkdir()
    for item in old.iterdir():
        if item.name != VERSIONS_DIR and item.is_file() and not item.is_symlink():
            shutil.copy2(item, target / item.name)
    return label


def carry_issued(old: Path, new: Path) -> bool:
    """Keep the issued 公示 (``公示/`` and its manifest record) in the new folder, untouched; True if there was one.

    Nothing ever rewrites or deletes what was published: every run, re-issue and ``finalize``
    carries it over as it is, like ``versions/``.
    """
    from landassess.publish.provenance import manifest_text
    from landassess.run.ownership import read_manifest

    source = Path(old) / ISSUED_DIR
    if not source.is_dir() or source.is_symlink():
        return False
    shutil.copytree(source, Path(new) / ISSUED_DIR, symlinks=True)
    record = (read_manifest(Path(old)) or {}).get(ISSUED_KEY)
    manifest_path = Path(new) / "manifest.json"
    if record and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest[ISSUED_KEY] = record
        manifest_path.write_text(manifest_text(manifest), encoding="utf-8")
    return True


def reissue(new: Path, year: int, reason: str = "") -> tuple[dict, str | None]:
    """A re-issued year stays finalised: the new results get the next version's lock record, with its reason.

    The new report is marked 定稿 第N版 like a finalised one; returns the record and a warning or None.
    """
    from landassess.run.finalmark import mark_final

    record = _write_lock(Path(new), year, version_count(new) + 1, reissued=True, reason=reason.strip())
    return record, mark_final(Path(new), record)
