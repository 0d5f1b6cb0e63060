"""``landassess documents``: write the Word drafts into a year's output folder (SPEC 7.4).

The drafts are built by :mod:`landassess.publish.documents` from the year's facts as the folder
holds them: ``results.csv`` (statuses and ranks), ``manifest.json`` (demo year, the run's
divisions list) and ``FINALIZED.json`` (only a finalised year gets the 表彰通报). The issuer,
dates, 公示期 and objection channel are the ``documents`` parameters as they stand when the drafts
are made (``params/base.yaml``, ``params/<Y>.yaml``, then ``--params FILE``): they are usually
fixed after the run.

The 公示 is issued once (SPEC 8.4): the first ``documents`` that drafts it writes
``公示/公示公告.docx`` with a copy of the year's ``公示名单.xlsx`` as ``公示/公示名单.xlsx``, and records
their hashes, the time and the hash of the ``results.csv`` they were drafted from in the manifest
(``issued``). Nothing rewrites or deletes them afterwards: a later ``documents`` says the 公示 is
on record and drafts only the 通报; every run carries them over (:func:`versions.carry_issued`).

The folder must be a landassess year folder (SPEC 7.1, :func:`check_owned`); the folder lock is
held while writing. Each draft is written beside the folder first and moved in with one rename;
the manifest lists the drafts with their hashes *before* they arrive, so that the folder is
always one landassess owns (a listed file that is missing is harmless, an unlisted one is not).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from landassess.errors import InputError, UsageError
from landassess.paths import ParamsFiles, sha256_file
from landassess.publish.documents import (
    ANNOUNCEMENT,
    COMMENDATION,
    YearFacts,
    announcement_bytes,
    commendation_bytes,
)
from landassess.run.versions import ISSUED_DIR, ISSUED_KEY

KINDS = {"公示": ANNOUNCEMENT, "通报": COMMENDATION}
LIST = "公示名单.xlsx"
"""The year's 公示名单 (written by ``run``), copied into ``公示/`` when the 公示 is issued."""
"""``--only`` choices: the draft each one writes."""
NEEDED = ("code", "name", "city", "status", "rank", "tier")


class DocumentsError(InputError):
    """The year folder holds no usable results (exit 3); the message is Chinese."""


@dataclass
class Drafted:
    """What ``landassess documents`` did: the folder, the drafts written, notes for the user."""

    out: Path
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _not_finalized(year: int, out: Path) -> str:
    return (f"未生成{COMMENDATION}：{year} 年度（{out}）尚未定稿。表彰通报只能根据定稿后的结果起草——"
            f"请先记录查验与异议结果、重新评估，再运行 landassess finalize --year {year}。")


def read_facts(out: Path, year: int, params_file: ParamsFiles) -> YearFacts:
    """The year's facts from its folder (results.csv, manifest.json) and the documents parameters."""
    import pandas as pd

    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.run.ownership import read_manifest

    manifest = read_manifest(out) or {}
    try:
        results = pd.read_csv(out / "results.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as error:
        raise DocumentsError(f"无法读取 {out / 'results.csv'}（{error}）；请重新运行 landassess run --year {year}。") from None
    missing = [c for c in NEEDED if c not in results.columns]
    if missing:
        raise DocumentsError(f"{out / 'results.csv'} 缺少列 {'、'.join(missing)}；请重新运行 landassess run --year {year}。")
    divisions = (manifest.get("parameters") or {}).get("divisions") or {}
    cities = load_divisions(divisions.get("file") or None).cities
    settings = load_params(year, params_file).documents
    return YearFacts(year, results, cities, settings, is_demo=bool(manifest.get("is_demo")))


def _check_year_folder(out: Path, year: int) -> None:
    from landassess.run.ownership import manifest_kind, read_manifest

    manifest = read_manifest(out) if out.is_dir() else None
    if manifest is None or not (out / "results.csv").is_file():
        raise DocumentsError(f"{out} 中没有 {year} 年度的评估结果（results.csv、manifest.json），"
                             f"请先运行 landassess run --year {year}。")
    if manifest_kind(manifest) != "year" or str(manifest.get("year")) != str(year):
        raise UsageError(f"拒绝写入 {out}：它是 {manifest.get('year')} 年度的输出文件夹，不是 {year} 年度的。")


def _check_finalized_results(out: Path, year: int) -> None:
    """A finalised year's results.csv must still be the one that was finalised."""
    from landassess.run.versions import LOCK_FILE

    try:
        record = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    expected = record.get("results_sha256") if isinstance(record, dict) else None
    if expected and expected != sha256_file(out / "results.csv"):
        raise DocumentsError(f"{out / 'results.csv'} 与定稿记录（{LOCK_FILE}）不一致，不能据此起草表彰通报；"
                             f"请重新运行 landassess run --year {year} --force。")


def write_documents(year: int, out: str | os.PathLike[str], params_file: ParamsFiles = None,
                    only: str | None = None) -> Drafted:
    """Write 公示公告.docx and, for a finalised year, 表彰通报.docx into the year folder ``out``.

    ``only`` (``公示`` or ``通报``) writes one of them; asking for the 通报 of a year that is not
    finalised is refused (:class:`UsageError`, exit 2). Without ``only`` the 公示 draft is
    written and the 通报 is skipped with a note.
    """
    from landassess.run.ownership import YEAR, check_owned, folder_lock, make_staging, recover
    from landassess.run.versions import is_finalized

    out = check_owned(out, YEAR)
    _check_year_folder(out, year)
    drafted = Drafted(out)
    with folder_lock(out):
        recover(out)
        check_owned(out, YEAR)  # again, now that we hold the lock
        _check_year_folder(out, year)
        finalized = is_finalized(out)
        wanted = [only] if only else list(KINDS)
        if "通报" in wanted and not finalized:
            if only:
                raise UsageError(_not_finalized(year, out))
            drafted.notes.append(_not_finalized(year, out))
            wanted.remove("通报")
        if "通报" in wanted:
            _check_finalized_results(out, year)
        issued = _issued_record(out)
        if "公示" in wanted and issued is not None:
            drafted.notes.append(f"公示已于 {issued.get('issued_at', '（时间未记录）')} 发布，按发布时的原样保存在 "
                                 f"{out / ISSUED_DIR}（公示公告.docx、公示名单.xlsx），不再重新起草；"
                                 f"当前名单见 {out / '公示名单.xlsx'}，查验、异议后的变化见报告。")
            wanted.remove("公示")
        facts = read_facts(out, year, params_file)
        drafts = {KINDS[kind]: commendation_bytes(facts) for kind in wanted if kind == "通报"}
        gongshi = announcement_bytes(facts) if "公示" in wanted else None
        staging = make_staging(out)
        try:
            kept = _publish(out, staging, drafts, gongshi)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if kept:
            from landassess.run.handedits import kept_message

            drafted.notes.append(kept_message(kept, out))
        drafted.written = ([out / ISSUED_DIR / ANNOUNCEMENT, out / ISSUED_DIR / LIST] if gongshi else []) + \
            [out / name for name in drafts]
    pending = int((facts.results["status"] == "tie_pending").sum())
    if pending:
        drafted.notes.append(f"注意：有 {pending} 个单位仍为并列待定；公示稿将其单列为待定，表彰通报不列入，"
                             "请待评审委员会决定后重新评估。")
    return drafted


def _keep_edited_drafts(out: Path, manifest: dict, outputs: dict, names: list[str]) -> list[tuple[str, str]]:
    """Drafts edited by hand since they were written: their kept names, recorded in ``manifest`` (SPEC 8.4)."""
    from landassess.run.handedits import KEY, plan_kept

    records = plan_kept(out, manifest, set(os.listdir(out)), set(names))
    manifest.setdefault(KEY, []).extend(records)
    outputs.update({entry["file"]: entry["sha256"] for entry in records})
    return [(entry["was"], entry["file"]) for entry in records]


def _issued_record(out: Path) -> dict | None:
    """The manifest's record of the issued 公示, or None when it has not been issued (or its folder is gone)."""
    from landassess.run.ownership import read_manifest

    record = (read_manifest(out) or {}).get(ISSUED_KEY)
    if not (out / ISSUED_DIR).exists() and not os.path.islink(out / ISSUED_DIR):
        return None
    return record if isinstance(record, dict) else {}


def _publish(out: Path, staging: Path, drafts: dict[str, bytes], gongshi: bytes | None = None) -> list[str]:
    """List the drafts in the manifest, then move each one in with a single rename.

    With ``gongshi`` (the 公示 being issued), ``公示/`` is built in the staging folder — the draft and
    a copy of the current 公示名单.xlsx — and moved in with one rename after the manifest records it.
    """
    import hashlib

    from landassess.clock import china_now
    from landassess.publish.provenance import manifest_text

    if gongshi is not None and not (out / LIST).is_file():
        raise DocumentsError(f"{out} 中没有 {LIST}，公示无法随名单一起发布；请重新运行 landassess run。")
    for name in [*drafts, *([ISSUED_DIR] if gongshi else [])]:
        target = out / name
        if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):
            raise UsageError(f"拒绝覆盖 {target}：它不是普通文件。")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    outputs = dict(manifest.get("outputs") or {})
    kept = _keep_edited_drafts(out, manifest, outputs, list(drafts))  # listed before they are renamed
    for name, data in drafts.items():
        outputs[name] = hashlib.sha256(data).hexdigest()
        (staging / name).write_bytes(data)
    manifest["outputs"] = dict(sorted(outputs.items()))
    if gongshi is not None:
        issued = staging / ISSUED_DIR
        issued.mkdir()
        (issued / ANNOUNCEMENT).write_bytes(gongshi)
        shutil.copyfile(out / LIST, issued / LIST)
        manifest[ISSUED_KEY] = {
            "issued_at": china_now().isoformat(timespec="seconds"),
            "results_sha256": sha256_file(out / "results.csv"),
            "files": {f"{ISSUED_DIR}/{name}": sha256_file(issued / name) for name in (ANNOUNCEMENT, LIST)},
        }
    (staging / "manifest.json").write_text(manifest_text(manifest), encoding="utf-8")
    os.replace(staging / "manifest.json", out / "manifest.json")
    for name, kept_as in kept:
        os.replace(out / name, out / kept_as)
    for name in drafts:
        os.replace(staging / name, out / name)
    if gongshi is not None:
        os.replace(staging / ISSUED_DIR, out / ISSUED_DIR)
    return [kept_as for _, kept_as in kept]
