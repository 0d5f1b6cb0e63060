"""Reading a parameter file defensively: parameter files travel between offices.

Every invalid file is a :class:`ParamsError` naming the file; never a traceback, a hang or a
large allocation.

- Only a regular file of at most 256 KiB is read: the size and kind are checked with ``os.stat``
  before the file is opened (a FIFO, a device such as ``/dev/zero`` or a folder is refused
  without opening it), the file is opened non-blocking and at most limit + 1 bytes are read.
- The text must be UTF-8 (a GBK file is named as such); the top level must be a mapping (an
  empty file means "no overrides").
- YAML is read with a restricted safe loader: aliases (``*name``) and merge keys (``<<``) are
  refused (no "billion laughs"), nesting deeper than 32 levels or more than 20,000 nodes is
  refused, mapping keys must be text and may not repeat (PyYAML would silently keep the last),
  and only the plain YAML types are accepted (no ``!!binary``, ``!!set``, ...).
- A path named in a file is confined to that file's folder (:func:`confined_path`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from landassess.params.errors import ParamsError, clip_text, dotted_key, short_value, type_name_zh

MAX_FILE_BYTES = 256 * 1024
"""Largest parameter file read (``params/base.yaml`` is about 5 KB)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists accepted in a parameter file."""
MAX_NODES = 20_000
"""Most YAML nodes (keys, values, list items) accepted in a parameter file."""


class _Refused(Exception):
    """A parameter file refused while reading; the message (Chinese) does not name the file yet."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = frozenset({_STR, "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                         "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
                         "tag:yaml.org,2002:timestamp"})


class _ParamsLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases and caps nesting and size while composing."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"第 {event.start_mark.line + 1} 行使用了 YAML 别名 *{event.anchor}，"
                           "参数文件不支持锚点引用，请直接写出数值")
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Refused(f"内容过多（超过 {MAX_NODES} 个键或值，第 {event.start_mark.line + 1} 行）")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"嵌套过深（超过 {MAX_DEPTH} 层，第 {event.start_mark.line + 1} 行）")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_nodes(node: yaml.Node, path: tuple[str | int, ...] = ()) -> None:
    """Refuse repeated or non-text keys, merge keys, exotic tags and huge integers (depth is capped)."""
    where = dotted_key(path) or "顶层"
    line = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _Refused(f"{where}（第 {line} 行）：不支持的 YAML 标签 {short_value(node.tag)}")
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:int" and len(node.value) > 200:  # int() refuses > 4300 digits
            raise _Refused(f"{where}（第 {line} 行）：数值过大")
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_nodes(item, (*path, index))
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                raise _Refused(f"{where}（第 {key_line} 行）：不支持 YAML 合并键 <<")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "（复合键）"
                raise _Refused(f"{where}（第 {key_line} 行）：键 {short_value(shown)} 应为文本")
            key = key_node.value
            if key in seen:
                raise _Refused(f"键 {dotted_key((*path, key))} 重复（第 {seen[key]} 行与第 {key_line} 行）；"
                               "YAML 只会保留后一个，请删去多余的一个")
            seen[key] = key_line
            _check_nodes(value_node, (*path, key))


def _read_bytes(path: Path) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of a regular file, checked by ``stat`` before opening."""
    try:
        info = os.stat(path)
    except FileNotFoundError as error:
        raise _Refused("不存在") from error
    except (OSError, ValueError) as error:
        raise _Refused(f"无法读取：{getattr(error, 'strerror', None) or error}") from error
    _check_kind(info)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise _Refused(f"无法读取：{error.strerror or error}") from error
    try:
        _check_kind(os.fstat(fd))  # the file may have been swapped since the stat
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise _Refused(f"无法读取：{error.strerror or error}") from error
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise _Refused(f"过大（超过 {MAX_FILE_BYTES // 1024} KiB），不是参数文件")
    return b"".join(chunks)


def _check_kind(info: os.stat_result) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise _Refused("是文件夹，不是文件")
    if not stat.S_ISREG(info.st_mode):
        raise _Refused("不是普通文件（可能是管道、设备或套接字），不予读取")
    if info.st_size > MAX_FILE_BYTES:
        raise _Refused(f"过大（{info.st_size} 字节，上限 {MAX_FILE_BYTES // 1024} KiB），不是参数文件")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        hint = ""
        if b"\x00" not in raw:
            try:
                raw.decode("gb18030")
                hint = "，看起来是 GBK/GB18030 编码，请另存为 UTF-8"
            except UnicodeDecodeError:
                pass
        raise _Refused(f"不是 UTF-8 编码的文本（第 {line} 行有无法识别的字节{hint}）") from error


def _parse(text: str) -> Any:
    loader: _ParamsLoader | None = None
    try:
        loader = _ParamsLoader(text)  # the reader refuses control characters here already
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node)
        return loader.construct_document(node)
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise _Refused(f"含有不允许的控制字符 #x{error.character:04x}（第 {line} 行），不是文本参数文件") from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark is not None else ""
        problem = error.problem or error.context or ""
        raise _Refused(f"不是有效的 YAML（{where}{clip_text(problem)}）") from error
    except yaml.YAMLError as error:
        raise _Refused(f"不是有效的 YAML（{clip_text(str(error))}）") from error
    except RecursionError as error:  # pragma: no cover - the depth cap comes first
        raise _Refused("嵌套过深") from error
    except (ValueError, TypeError, OverflowError) as error:
        raise _Refused(f"含有无法读取的值（{clip_text(str(error))}）") from error
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML mapping safely; an empty file is an empty mapping (raises ParamsError)."""
    try:
        data = _parse(_decode(_read_bytes(Path(path))))
    except _Refused as error:
        raise ParamsError(f"参数文件 {path}：{error}") from None
    except MemoryError:  # pragma: no cover - the size caps come first
        raise ParamsError(f"参数文件 {path} 过大，无法读取") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"参数文件 {path} 的顶层应为键值映射（如 tiers: ...），得到{type_name_zh(data)}")
    return data


def confined_path(value: str, folder: Path) -> Path:
    """A path named in a parameter file, resolved against and confined to that file's folder.

    Parameters travel between offices: a file must not make the tool read (or write) outside the
    folder it came with.
    """
    folder = folder.resolve()
    try:
        path = (folder / value).resolve()
    except (OSError, ValueError) as error:
        raise ParamsError(f"参数中的路径 {short_value(value)} 无效：{error}") from None
    if not path.is_relative_to(folder):
        raise ParamsError(f"参数中的路径“{value}”指向参数文件所在文件夹（{folder}）之外，不予使用")
    return path
