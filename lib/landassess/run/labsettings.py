"""``landassess setup-lab``: JupyterLab in Chinese, without the news pop-up, for this environment.

JupyterLab reads default settings from ``<prefix>/share/jupyter/lab/settings/``: first every
``overrides.d/*.json`` (one per package), then the single ``overrides.json`` that belongs to the
user. landassess ships its defaults (``data/jupyterlab/landassess.json``: the ``zh_CN`` locale of
``jupyterlab-language-pack-zh-CN``, ``fetchNews`` and ``checkForUpdates`` off) as its own
``overrides.d/landassess.json``: a wheel install puts it there (hatch ``shared-data``), and this
command writes it for installs that skip data files (``make install`` runs it). A user's own
``overrides.json`` or settings in the interface still win, and a file at our path that landassess
did not write is never overwritten (SPEC 7.1's spirit): it is reported and left alone.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from landassess.errors import UsageError
from landassess.paths import jupyterlab_settings_file

FILE_NAME = "landassess.json"
PREVIOUS_SHA256: frozenset[str] = frozenset()
"""SHA-256 of earlier versions of the shipped file: landassess wrote those, so it may replace them."""


def settings_dir(prefix: str | os.PathLike[str] | None = None) -> Path:
    """JupyterLab's application settings folder of the environment at ``prefix`` (default: this one).

    As JupyterLab itself decides: ``$JUPYTERLAB_DIR/settings`` when that is set, else
    ``<prefix>/share/jupyter/lab/settings``.
    """
    if prefix is None and os.environ.get("JUPYTERLAB_DIR"):
        return Path(os.environ["JUPYTERLAB_DIR"]).resolve() / "settings"
    return Path(prefix if prefix is not None else sys.prefix) / "share" / "jupyter" / "lab" / "settings"


def target_file(prefix: str | os.PathLike[str] | None = None) -> Path:
    return settings_dir(prefix) / "overrides.d" / FILE_NAME


def install_lab_settings(prefix: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Write the defaults file; returns its path and whether it changed anything.

    Raises :class:`UsageError` (exit 2) when a file landassess did not write is in the way.
    """
    shipped = jupyterlab_settings_file().read_bytes()
    target = target_file(prefix)
    if os.path.lexists(target):
        if target.is_symlink() or not target.is_file():
            raise UsageError(f"拒绝覆盖 {target}：它不是普通文件（可能是链接或文件夹），landassess 不会改动它。")
        current = target.read_bytes()
        if current == shipped:
            return target, False
        if hashlib.sha256(current).hexdigest() not in PREVIOUS_SHA256:
            raise UsageError(f"拒绝覆盖 {target}：它不是 landassess 写入的（或写入后被修改过）。"
                             "如需 landassess 的默认设置（中文界面、不弹出新闻），请先把它移走或改名。")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{FILE_NAME}.tmp-", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(shipped)
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError as error:
        raise UsageError(f"无法写入 JupyterLab 默认设置 {target}（{error.strerror or error}）。") from error
    return target, True


def user_overrides_note(prefix: str | os.PathLike[str] | None = None) -> str | None:
    """A note when the user's own ``overrides.json`` sets the language (it wins over ours)."""
    import json

    path = settings_dir(prefix) / "overrides.json"
    try:
        user = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    locale = (user.get("@jupyterlab/translation-extension:plugin") or {}).get("locale") if isinstance(user, dict) else None
    if locale and locale != "zh_CN":
        return f"注意：{path} 把界面语言设为 {locale}，它优先于 landassess 的默认设置。"
    return None


def setup_lab(prefix: str | os.PathLike[str] | None = None) -> str:
    """Install the defaults and say what happened, in Chinese (``landassess setup-lab``)."""
    target, changed = install_lab_settings(prefix)
    message = f"JupyterLab 默认设置（中文界面、不弹出新闻）{'已写入' if changed else '已是最新'}：{target}"
    note = user_overrides_note(prefix)
    if importlib.util.find_spec("jupyterlab") is None:
        note = "\n".join(filter(None, [note, "本环境未安装 JupyterLab（年度工作和评估工作台不需要它）；"
                                              "安装后（pip install -r requirements-lab.lock）上述设置即生效。"]))
    return message + (f"\n{note}" if note else "")
