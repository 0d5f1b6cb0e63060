"""Hand edits are not lost (SPEC 8.4): a file changed since landassess wrote it is kept before it is replaced.

A year folder's manifest lists every output with its SHA-256. Staff open 公示名单.xlsx or a draft
in Excel, WPS or Word and save it in place; the next ``run`` (or ``documents``) would replace it.
Before that happens, every listed output whose bytes no longer match the manifest is kept as
``<stem>-手工修改-<YYYYMMDDHHMM>.<ext>`` (Beijing time), recorded in the manifest under
``hand_edits`` (file, the output it was, its SHA-256, when it was found) and listed in ``outputs``,
so the folder stays one landassess owns; the command says so. Kept copies are carried into every
later folder, like ``versions/``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from landassess.paths import sha256_file

KEY = "hand_edits"
MARK = "手工修改"


def kept_name(name: str, stamp: str, taken: set[str]) -> str:
    """``公示名单.xlsx`` → ``公示名单-手工修改-202603101530.xlsx`` (``-2``, ``-3`` … when taken)."""
    path = Path(name)
    candidate, number = f"{path.stem}-{MARK}-{stamp}{path.suffix}", 1
    while candidate in taken:
        number += 1
        candidate = f"{path.stem}-{MARK}-{stamp}-{number}{path.suffix}"
    return candidate


def edited_outputs(folder: Path, manifest: dict) -> list[str]:
    """The outputs listed in ``manifest`` whose file in ``folder`` is a regular file with other bytes."""
    edited = []
    kept = {entry.get("file") for entry in manifest.get(KEY) or [] if isinstance(entry, dict)}
    for name, digest in sorted((manifest.get("outputs") or {}).items()):
        path = Path(folder) / name
        if name in kept or "/" in name or not path.is_file() or path.is_symlink():
            continue
        if sha256_file(path) != digest:
            edited.append(name)
    return edited


def plan_kept(folder: Path, manifest: dict, taken: set[str], names: set[str] | None = None) -> list[dict]:
    """One record per hand-edited output of ``folder`` (among ``names``, when given): its kept name and hash.

    Records are ``{"file": kept name, "was": output, "sha256", "found_at"}`` (Beijing time); each kept
    name is added to ``taken``. The caller copies or renames the files.
    """
    from landassess.clock import china_now

    now = china_now()
    stamp, found_at = now.strftime("%Y%m%d%H%M"), now.isoformat(timespec="seconds")
    records = []
    for name in edited_outputs(Path(folder), manifest):
        if names is not None and name not in names:
            continue
        kept = kept_name(name, stamp, taken)
        taken.add(kept)
        records.append({"file": kept, "was": name, "sha256": sha256_file(Path(folder) / name), "found_at": found_at})
    return records


def keep_hand_edits(old: Path, new: Path) -> list[str]:
    """Copy ``old``'s hand-edited outputs into ``new`` under kept names, carry earlier ones; return the new names.

    ``new`` is the staging folder whose manifest is complete; its manifest gets the records.
    """
    from landassess.publish.provenance import manifest_text
    from landassess.run.ownership import read_manifest

    old_manifest = read_manifest(Path(old)) or {}
    records = [entry for entry in old_manifest.get(KEY) or [] if isinstance(entry, dict)
               and (Path(old) / str(entry.get("file", ""))).is_file()]
    for entry in records:  # earlier kept copies come along
        shutil.copy2(Path(old) / entry["file"], Path(new) / entry["file"])
    added = plan_kept(Path(old), old_manifest, set(os.listdir(new)) | set(os.listdir(old)))
    for entry in added:
        shutil.copy2(Path(old) / entry["was"], Path(new) / entry["file"])
    records += added
    if records:
        path = Path(new) / "manifest.json"
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest[KEY] = records
        outputs = dict(manifest.get("outputs") or {})
        outputs.update({entry["file"]: entry["sha256"] for entry in records})
        manifest["outputs"] = dict(sorted(outputs.items()))
        path.write_text(manifest_text(manifest), encoding="utf-8")
    return [entry["file"] for entry in added]


def kept_message(names: list[str], folder: Path) -> str:
    """What the command says when it kept hand edits."""
    return (f"以下文件在 landassess 写出后被手工修改过，已另存为（原文件已按新结果重新生成）：{'、'.join(names)}"
            f"（在 {folder} 中，manifest.json 的 hand_edits 中有记录）。")
