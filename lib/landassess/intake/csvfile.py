"""Reading a CSV file: decoding, the size guards, and rows that a stray quote would swallow (SPEC 4).

CSV files come as UTF-8 (with or without BOM) or GBK/GB18030, comma-, tab- or semicolon-separated.
Anything else is refused with a Chinese explanation (:class:`_Unusable`). No line is ever lost to a
quote that does not close: see :func:`_read_csv_quoted`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from pathlib import Path
from typing import Any

import pandas as pd

from landassess.intake.files import (
    CSV_EXPECTED,
    HEADER_SEARCH_ROWS,
    MAX_CELLS,
    MAX_SHEET_COLUMNS,
    OLE_MAGIC,
    SAVE_AS,
    ZIP_MAGIC,
    RowFlag,
    Sheet,
    _Unusable,
)


def _gb2312_class(char: str) -> str:
    """``common``, ``rare`` (GB2312 level 2) or ``odd`` (not GB2312, or kana/Greek/box symbols)."""
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return "odd"
    if len(encoded) != 2 or 0xA4 <= encoded[0] <= 0xA9:
        return "odd"
    return "rare" if encoded[0] >= 0xD8 else "common"


def looks_garbled(text: str) -> bool:
    """Is ``text`` (read as GBK) mojibake, e.g. Big5 or UTF-8 bytes read with the wrong code page?

    Chinese written in GBK is mostly made of the 3755 common characters of GB2312 level 1;
    other encodings read as GBK give kana, Cyrillic, box-drawing and rare characters instead.
    """
    classes = [_gb2312_class(c) for c in text if ord(c) > 0x7F and not c.isspace()]
    if len(classes) < 3:
        return False
    odd, rare = classes.count("odd"), classes.count("rare")
    return odd / len(classes) >= 0.25 or (odd + rare) / len(classes) >= 0.6


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 (with or without BOM), else GBK/GB18030 when it reads as Chinese.

    Raises ``_Unusable`` with a Chinese explanation otherwise (UTF-16, Big5, binary, mixed).
    """
    if data.startswith(ZIP_MAGIC):
        raise _Unusable("文件实际是 Excel 工作簿（.xlsx 格式），扩展名却是 .csv；请把扩展名改为 .xlsx", CSV_EXPECTED,
                        reason="file.wrong_format")
    if data.startswith(OLE_MAGIC):
        raise _Unusable("文件实际是旧版 Excel 工作簿（.xls）或加密的工作簿，不是 CSV 文本；" + SAVE_AS,
                        CSV_EXPECTED, reason="file.wrong_format")
    head = data[:4000]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
            (len(head) >= 4 and head.count(0) >= len(head) // 4):
        raise _Unusable("文件是 UTF-16 编码（如 Excel 的“Unicode 文本”），不支持；" + SAVE_AS, CSV_EXPECTED, reason="file.encoding")
    if b"\x00" in data:
        line = data[:data.index(b"\x00")].count(b"\n") + 1
        raise _Unusable(f"文件第 {line} 行含有二进制内容（空字节），不是文本格式的 CSV", CSV_EXPECTED, reason="file.binary")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and not looks_garbled(text):
        return text, "gb18030"
    try:
        big5 = data.decode("big5")
    except UnicodeDecodeError:
        big5 = None
    if big5 is not None:
        raise _Unusable("文件似乎是 Big5（繁体中文）编码，不支持；" + SAVE_AS, CSV_EXPECTED, reason="file.encoding")
    start = utf8_error.start
    if start > 0 and any(b > 0x7F for b in data[:start]):
        line = data[:start].count(b"\n") + 1
        raise _Unusable(f"文件按 UTF-8 读取时第 {line} 行有无法识别的字节（0x{data[start]:02X}），"
                        "按 GBK 读取则是乱码：文件可能混用了两种编码", CSV_EXPECTED, reason="file.encoding")
    raise _Unusable("文件编码无法识别（不是 UTF-8、带BOM的UTF-8、GBK 或 GB18030），或不是文本文件", CSV_EXPECTED,
                    reason="file.encoding")


def _sniff_delimiter(text: str) -> str:
    """Comma, unless the first non-blank line has more tabs or semicolons (Excel variants)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": first.count(","), "\t": first.count("\t"), ";": first.count(";")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


MAX_CSV_BYTES = 256 * 1024 * 1024
"""Larger CSV files are refused before reading (the largest benchmark score sheet is ~20 MB)."""
_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTE_EXPECTED = "引号成对出现（删去多余的英文引号 \"，或在 Excel 中打开后另存为 CSV）"


def read_csv(path: Path) -> Sheet:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise _Unusable(f"文件过大（{size:,} 字节，上限 {MAX_CSV_BYTES:,} 字节），不像是一张评估表格", CSV_EXPECTED,
                        reason="file.too_large")
    text, _ = decode_csv_bytes(path.read_bytes())
    delimiter = _sniff_delimiter(text)
    _check_csv_extent(text, delimiter)
    if '"' not in text:  # nothing is quoted: no cell can swallow lines
        return _read_csv_fast(text, delimiter) or Sheet(_csv_rows(text, delimiter))
    sheet = _read_csv_fast(text, delimiter)
    if sheet is not None and not _has_line_breaks(sheet.cells):
        return sheet
    return _read_csv_quoted(text, delimiter)


def _read_csv_fast(text: str, delimiter: str) -> Sheet | None:
    """Read with pandas' C reader (fast on large score sheets, same cells as the csv module); None: ragged."""
    end = _PHYSICAL_LINE.match(text)
    width = (end.group().count(delimiter) if end else 0) + 1
    if _line_count(text) * width > MAX_CELLS:
        return None  # the C reader pads every row to the first line's width: read row by row
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, sep=delimiter, engine="c", quotechar='"')
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        return None  # ragged rows, an unclosed quote or an empty file: read row by row
    return Sheet(frame.astype(object))


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise _Unusable(f"CSV 无法解析：{error}", CSV_EXPECTED, reason="csv.unparsable") from error
    _check_rows_extent(rows)
    return rows


def _line_count(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def _check_csv_extent(text: str, delimiter: str) -> None:
    """Refuse, before parsing, a file with more cells than :data:`MAX_CELLS`."""
    lines = _line_count(text)
    separators = text.count(delimiter)
    if separators + lines > MAX_CELLS:
        raise _Unusable(f"文件过大：{lines:,} 行、{separators:,} 个分隔符，超过 {MAX_CELLS:,} 个单元格的上限",
                        f"不超过 {MAX_CELLS:,} 个单元格、{MAX_SHEET_COLUMNS} 列的表格（检查是否有一行含有大量分隔符）",
                        reason="file.too_large")


def _check_rows_extent(rows: list[list[Any]]) -> None:
    width = max(map(len, rows), default=0)
    if len(rows) * width > MAX_CELLS:
        raise _Unusable(f"文件过大：{len(rows):,} 行，最宽的一行有 {width:,} 个单元格（上限共 {MAX_CELLS:,} 个单元格）",
                        f"不超过 {MAX_SHEET_COLUMNS} 列的表格（检查是否有一行含有大量分隔符）",
                        reason="file.too_large")


def _has_line_breaks(frame: pd.DataFrame) -> bool:
    """Does any cell hold a line break (only a quoted cell can)?"""
    return any(frame[c].str.contains(r"[\r\n]", regex=True).any() for c in frame.columns)


def _read_csv_quoted(text: str, delimiter: str) -> Sheet:
    """Records of a CSV with quoted cells, with no line lost to a quote that does not close.

    A quoted cell may hold line breaks (a note over two lines). But a stray ``"`` at the start of
    a cell opens a quote that runs on until the next ``"``, which may be many lines later: every
    line in between becomes part of that one cell and the rows they hold vanish. A cell whose
    further lines look like rows (as many separators as half a row, or a county code first) is
    such a swallowing quote: its line is read again on its own with the quote as plain text,
    reading resumes on the next line, and the row is flagged (an error on its county).
    """
    lines = _PHYSICAL_LINE.findall(text)
    top = [line for line in lines[:HEADER_SEARCH_ROWS * 2] if line.strip()]
    width = max((line.count(delimiter) for line in top), default=0) + 1
    threshold = max(1, (width - 1) // 2)
    code_first = re.compile(rf"\s*\"?'?\d{{6}}(?:\d{{6}})?\s*{re.escape(delimiter)}")
    rows: list[list[str]] = []
    flags: dict[int, RowFlag] = {}
    start = 0
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter)
        consumed = 0
        resume = None
        try:
            for record in reader:
                first = start + consumed
                consumed = reader.line_num
                last = start + consumed - 1
                if last > first and _swallows(record, delimiter, threshold, code_first):
                    cells, position = split_line_literally(lines[first], delimiter)
                    count = last - first
                    where = f"第 {len(rows) + 1} 行" + (f"（文本第 {first + 1} 行）" if len(rows) != first else "")
                    message = (f"{where}的单元格以英文引号 \" 开头，引号没有配对，按 CSV 规则其后 {count} 行"
                               f"（文本第 {first + 2}–{last + 1} 行）都会并入这一个单元格而丢失；已把该引号当作普通字符、"
                               "其后各行照常读取，但该行的数据不可靠，请删去多余的引号后重新提交")
                    flags[len(rows)] = RowFlag(message, position,
                                                cells[position] if position is not None else lines[first],
                                                _QUOTE_EXPECTED, reason="csv.stray_quote")
                    rows.append(cells)
                    resume = first + 1
                    break
                rows.append(record)
        except csv.Error as error:
            raise _Unusable(f"CSV 无法解析（文本第 {start + consumed + 1} 行附近）：{error}", CSV_EXPECTED,
                            reason="csv.unparsable") from error
        if resume is None:
            break
        start = resume
    _check_rows_extent(rows)
    return Sheet(rows, row_flags=flags)


def _swallows(record: list[str], delimiter: str, threshold: int, code_first: re.Pattern[str]) -> bool:
    """Does a cell of ``record`` hold further lines that look like rows of the table?"""
    for value in record:
        if "\n" not in value and "\r" not in value:
            continue
        for part in _LINE_BREAK.split(value)[1:]:
            if part.count(delimiter) >= threshold or code_first.match(part):
                return True
    return False


def split_line_literally(line: str, delimiter: str) -> tuple[list[str], int | None]:
    """Cells of one physical line; a quote that does not close on the line is kept as text.

    Returns the cells and the position of the first cell whose opening quote does not close
    (None if every quote closes). Quoted cells that close are read as the csv module reads them.
    """
    line = line.rstrip("\r\n")
    cells: list[str] = []
    stray: int | None = None
    i, n = 0, len(line)
    while True:
        end = line.find(delimiter, i)
        if i < n and line[i] == '"':
            j, parts, closed = i + 1, [], False
            while j < n:
                if line[j] == '"':
                    if line.startswith('""', j):
                        parts.append('"')
                        j += 2
                        continue
                    closed = True
                    j += 1
                    break
                parts.append(line[j])
                j += 1
            if closed:
                end = line.find(delimiter, j)
                cells.append("".join(parts) + line[j:n if end < 0 else end])
            else:
                stray = len(cells) if stray is None else stray
                cells.append(line[i:n if end < 0 else end])
        else:
            cells.append(line[i:n if end < 0 else end])
        if end < 0:
            return cells, stray
        i = end + len(delimiter)
