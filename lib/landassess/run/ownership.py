"""What landassess may touch (SPEC 7.1): owner-checked output folders, one writer at a time.

Every command that writes (``run``, ``batch``, ``finalize``, ``validate --notices``,
``template``, the assessment notebook run by hand) goes through :func:`check_owned` and
:class:`OwnedFolder`:

- landassess writes only into a folder it owns: one that does not exist yet, is empty, or holds
  a landassess ``manifest.json`` and nothing foreign. The data folder, a folder inside or around
  it, the working directory, a symlink, a regular file, a folder inside a landassess year (its
  ``versions/``) and a folder of other files are refused with a Chinese message (exit 2) before
  anything is written.
- One process at a time changes a folder: a lock file beside it (``.<name>.lock``, via
  ``filelock``, which works on POSIX and Windows). A second process is refused at once (exit 6).
- New contents are built in a staging folder beside the output (``.<name>.tmp-…``) and swapped in
  only when complete. A process killed half-way (``kill -9``) leaves the earlier folder intact;
  the next writer, holding the lock, restores a folder caught between the two renames and removes
  the leftovers.
- Folders are created with the user's umask (colleagues on a shared server can read them), not
  the private mode of a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from landassess.errors import UsageError

MANIFEST = "manifest.json"
GENERATOR = "landassess"
YEAR, NOTICES, TEMPLATES, ROOT = "year", "notices", "templates", "root"
KIND_ZH = {YEAR: "年度输出文件夹", NOTICES: "补正通知文件夹", TEMPLATES: "模板文件夹", ROOT: "输出根文件夹"}
YEAR_EXTRAS = frozenset({MANIFEST, "FINALIZED.json", "versions", "公示", "results.csv", "report.html", "report.pdf",
                         "assessment.ipynb", "公示名单.xlsx", "problems.csv", "results.xlsx",
                         "评分汇总表.xlsx"})
"""Entries a year folder holds besides the output files its manifest lists: the lock record, the
versions, the issued 公示, and the files a year writes (a folder written by the notebook run by hand in round one
has a manifest without the list of outputs)."""
HARMLESS = frozenset({".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"})
"""Placeholders and files the operating system leaves in folders (Explorer writes desktop.ini)."""


class OwnershipError(UsageError):
    """A folder landassess does not own, or cannot write; ``message`` is Chinese (exit 2)."""


class BusyError(OwnershipError):
    """Another landassess process holds the folder's lock (exit 6)."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _folder_mode() -> int:
    return 0o777 & ~_umask()


def absolute(path: str | os.PathLike[str]) -> Path:
    """The path made absolute without following a symlink in its last part."""
    path = Path(os.path.abspath(os.fspath(path)))
    return path.parent.resolve() / path.name if path.name else path


def read_manifest(folder: Path) -> dict | None:
    """The landassess manifest of ``folder``, or ``None`` when there is none (or it is not ours)."""
    path = Path(folder) / MANIFEST
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 50_000_000:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if data.get("generator") == GENERATOR or ("year" in data and ("inputs" in data or "outputs" in data)):
        return data  # round-one year manifests carry no generator but their year, inputs and outputs
    return None


OUTPUT_MARKERS = (MANIFEST, "FINALIZED.json", "versions")
"""What a landassess output folder holds: an input folder (collect, init) never is one or lies inside one."""


def output_folder_around(path: Path) -> tuple[Path, str] | None:
    """``path`` or the nearest folder above it holding an output folder's marker, with that marker; else None."""
    for folder in (path, *path.parents):
        for marker in OUTPUT_MARKERS:
            if os.path.lexists(folder / marker):
                return folder, marker
    return None


def carry_listed(owned: OwnedFolder, exclude: Iterable[str] = ()) -> list[str]:
    """Copy what an owned folder's manifest lists into its staging folder (but ``exclude``); the names copied.

    For a command that rebuilds one part of a folder it owns and keeps the rest as it was.
    """
    manifest = read_manifest(owned.out)
    kept = []
    for name in sorted(_listed(manifest) - set(exclude)) if manifest else []:
        source = owned.out / name
        if not os.path.lexists(source) or source.is_symlink():
            continue
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, owned.path / source.name)
        kept.append(source.name)
    return kept


def manifest_kind(manifest: dict) -> str:
    return str(manifest.get("kind") or YEAR)


def _listed(manifest: dict) -> set[str]:
    names = set(manifest.get("outputs") or {}) | set(manifest.get("files") or [])
    return {str(n) for n in names}


def _is_transient(name: str) -> bool:
    """Our own lock files and staging leftovers beside an output folder."""
    return name.startswith(".") and (name.endswith(".lock") or ".tmp-" in name or ".old-" in name)


def foreign_entries(folder: Path, kind: str) -> list[str]:
    """Entries of an existing folder that landassess did not write (empty: the folder is ours)."""
    folder = Path(folder)
    entries = sorted(os.listdir(folder))
    manifest = read_manifest(folder)
    if manifest is not None and manifest_kind(manifest) != kind:
        return entries  # another kind of landassess folder (a year is not a notices folder)
    allowed = set(HARMLESS)
    if manifest is not None:
        allowed |= _listed(manifest) | {MANIFEST}
        if kind == YEAR:
            allowed |= YEAR_EXTRAS
    foreign = []
    for name in entries:
        path = folder / name
        if path.is_symlink():
            foreign.append(name)
        elif name in allowed or (kind == ROOT and _is_transient(name)):
            continue
        elif kind == ROOT and path.is_dir() and read_manifest(path) is not None:
            continue  # a year (or notices) folder inside the output root
        else:
            foreign.append(name)
    return foreign


def _inside(path: Path, other: Path) -> bool:
    return path == other or other in path.parents


def check_owned(folder: str | os.PathLike[str], kind: str, *, protect: Iterable[Path] = ()) -> Path:
    """The absolute output folder when landassess may write it; else :class:`OwnershipError`.

    ``protect`` are folders that must not be written, replaced or enclosed (the data folder).
    Nothing is created or changed here.
    """
    out = absolute(folder)
    what = KIND_ZH[kind]
    refuse = f"拒绝写入{what} {out}："
    if os.path.lexists(out) and out.is_symlink():
        raise OwnershipError(refuse + "它是一个符号链接（快捷方式），landassess 不会跟随链接写到别处。请指定一个真实的文件夹。")
    if out.parent == out:
        raise OwnershipError(refuse + "这是磁盘根目录。")
    cwd = absolute(Path.cwd())
    if _inside(cwd, out):
        raise OwnershipError(refuse + "这是当前工作文件夹（或其上级），整个替换会删除其中的文件。请指定一个新的子文件夹，如 outputs/2024。")
    for guarded in protect:
        guarded = Path(guarded).resolve()
        if _inside(out, guarded) or _inside(guarded, out):
            raise OwnershipError(refuse + f"它与输入文件夹 {guarded} 重合、在其中或包含它；输出不能写进输入。")
    for ancestor in out.parents:
        manifest = read_manifest(ancestor)
        if manifest is not None and manifest_kind(manifest) == YEAR:
            raise OwnershipError(refuse + f"它位于 landassess 年度输出文件夹 {ancestor} 之内（如 versions/ 中的历史版本），"
                                          "这些文件只能由 landassess run 管理。")
    if not os.path.lexists(out):
        return out
    if not out.is_dir():
        raise OwnershipError(refuse + "同名的文件已经存在（不是文件夹）。")
    try:
        foreign = foreign_entries(out, kind)
    except OSError as error:
        raise OwnershipError(refuse + f"无法读取该文件夹（{error.strerror or error}）。") from error
    if foreign:
        shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 项" if len(foreign) > 5 else "")
        raise OwnershipError(
            refuse + f"其中有不是 landassess 生成的内容（{shown}）。landassess 只写入不存在的、空的或由它生成的文件夹；"
                     "请另指定一个输出文件夹，或先把这些文件移走。")
    return out


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextmanager
def folder_lock(out: Path, wait: float = 0) -> Iterator[None]:
    """Hold the folder's lock; another holder means :class:`BusyError` (after ``wait`` seconds)."""
    from filelock import FileLock, Timeout

    _make_parent(out)
    lock = FileLock(lock_path(out), timeout=wait, mode=0o666 & ~_umask())
    try:
        lock.acquire()
    except Timeout as error:
        raise BusyError(f"另一个 landassess 进程正在写入 {out}（锁文件 {lock_path(out)}），"
                        "请等它完成后再试；同一文件夹同一时间只能由一个进程修改。") from error
    except OSError as error:
        raise OwnershipError(f"无法在 {out.parent} 中创建锁文件（{error.strerror or error}）。") from error
    try:
        yield
    finally:
        lock.release()


def _make_parent(out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True, mode=_folder_mode() | 0o700)
    except OSError as error:
        raise OwnershipError(f"无法创建输出文件夹的上级文件夹 {out.parent}（{error.strerror or error}）。") from error
    if not os.access(out.parent, os.W_OK):
        raise OwnershipError(f"没有写入权限：{out.parent}（输出文件夹的上级文件夹只读），请换一个输出位置。")


def recover(out: Path) -> None:
    """Clean up after a writer that was killed (call with the lock held).

    Between the two renames of a swap the output is at ``.<name>.old-…``: put it back. Staging
    folders and swapped-out folders are removed; they were never published.
    """
    leftovers = sorted(p for p in out.parent.glob(f".{out.name}.*")
                       if p.is_dir() and not p.is_symlink() and (".tmp-" in p.name or ".old-" in p.name))
    olds = [p for p in leftovers if ".old-" in p.name]
    if not os.path.lexists(out) and olds:
        os.replace(olds[-1], out)
        leftovers.remove(olds[-1])
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def make_staging(out: Path) -> Path:
    """A new, empty staging folder beside ``out`` with the user's umask."""
    _make_parent(out)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except OSError as error:
        raise OwnershipError(f"无法在 {out.parent} 中写入（{error.strerror or error}）。") from error
    os.chmod(work, _folder_mode())
    return work


def _rename(source: Path, target: Path, attempts: int = 5) -> None:
    """``os.replace`` of a folder onto a free name, retried while Windows reports it in use.

    Windows refuses to rename a folder while a program holds a file in it open (Excel, a preview
    pane, a virus scanner, the search indexer); those often let go within a second.
    """
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def swap_into_place(work: Path, out: Path) -> None:
    """Move ``work`` to ``out``, keeping the old folder until the new one is in place.

    Windows cannot replace an existing folder, so the old one is first renamed aside (and only
    removed once the new one is in place). A folder held open by another program is reported in
    Chinese; the old folder is then left as it was.
    """
    try:
        if os.path.lexists(out):
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            _rename(out, old)
            try:
                _rename(work, out)
            except OSError:
                os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            _rename(work, out)
    except PermissionError as error:
        raise OwnershipError(f"无法替换 {out}：该文件夹或其中的文件正被其他程序使用（如在 Excel、WPS 或资源管理器的预览中打开）。"
                             "请关闭后重试；原有内容保持不变。") from error


def write_manifest(folder: Path, kind: str, files: Iterable[str], **fields) -> None:
    """The ownership manifest of a notices, templates or root folder."""
    record = {"generator": GENERATOR, "kind": kind, "files": sorted(set(files)), **fields}
    (Path(folder) / MANIFEST).write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                         encoding="utf-8")


class OwnedFolder:
    """Replace an owned folder's contents as a whole: check, lock, stage, swap.

    >>> with OwnedFolder(out, NOTICES) as staging:   # doctest: +SKIP
    ...     write files into staging.path, then staging.commit()

    Leaving the block without :meth:`commit` (an error) discards the staging folder and leaves
    the output folder as it was.
    """

    def __init__(self, folder: str | os.PathLike[str], kind: str, *, protect: Iterable[Path] = (),
                 wait: float = 0):
        self.out = check_owned(folder, kind, protect=protect)
        self.kind = kind
        self._protect = tuple(protect)
        self._wait = wait
        self._lock = None
        self.path: Path | None = None
        self.committed = False

    def __enter__(self) -> OwnedFolder:
        self._lock = folder_lock(self.out, self._wait)
        self._lock.__enter__()
        try:
            recover(self.out)
            check_owned(self.out, self.kind, protect=self._protect)  # again, now that we hold the lock
            self.path = make_staging(self.out)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def commit(self, *, manifest_files: Iterable[str] | None = None, **fields) -> Path:
        """Swap the staging folder into place (writing its ownership manifest first, if asked)."""
        assert self.path is not None
        if manifest_files is not None:
            write_manifest(self.path, self.kind, manifest_files, **fields)
        swap_into_place(self.path, self.out)
        self.committed = True
        return self.out

    def __exit__(self, *exc) -> None:
        try:
            if self.path is not None and self.path.exists() and not self.committed:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            self._lock.__exit__(*exc)


def write_owned_file(root: Path, name: str, data: bytes) -> Path:
    """Write one file into an owned root folder atomically (``index.html``), listing it in its manifest."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True, mode=_folder_mode() | 0o700)
    target = root / name
    if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):
        raise OwnershipError(f"拒绝覆盖 {target}：它不是普通文件。")
    handle, temporary = tempfile.mkstemp(prefix=f".{name}.tmp-", dir=root)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    manifest = read_manifest(root) or {}
    files = set(manifest.get("files") or []) | {name}
    write_manifest(root, ROOT, files)
    return target
