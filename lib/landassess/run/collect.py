"""``landassess collect``: read the returned workbooks of a folder and write the year's input tables.

The data folder usually holds files landassess did not write (the province's ``land_stats``,
``verification``, ``decisions``): collect writes only its own tables (declarations, veto_events,
bonus_events, recommendations, scores and 收集情况.xlsx), each atomically, under the data
folder's lock, and records them with their hashes in ``collected.json``. It replaces a table only
when it wrote it and nobody changed it since; anything else is refused (exit 2), so a table typed
by hand is never overwritten (SPEC 7.1).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

from landassess.collect.merge import TABLE_COLUMNS, Collected, Confirmation, merge_returned
from landassess.collect.reader import Returned, read_returned
from landassess.intake.collected import MAX_RECORD_BYTES, RECORD
from landassess.intake.collected import is_regular_file as _regular_file
from landassess.intake.collected import read_record as _read_record
from landassess.intake.department import FOLDER as DEPARTMENT_FOLDER
from landassess.names import canonical, printable_file_name
from landassess.paths import ParamsFiles, sha256_file
from landassess.problems import InputError, Problem
from landassess.publish.workbooks import fit_columns, neutralize_cell, print_setup, save_workbook, write_csv
from landassess.run.ownership import OwnershipError, absolute, folder_lock, output_folder_around
from landassess.vocabulary import ERROR, SEVERITY_ZH

REPORT = "收集情况.xlsx"


def check_collect_folder(data: Path) -> None:
    """Refuse a data folder that is, or lies inside, an output folder, or is the department's own records (SPEC 8.0)."""
    around = output_folder_around(data)
    if around is not None:
        folder, marker = around
        where = "是" if folder == data else f"位于 {folder} 之内，而它是"
        raise OwnershipError(f"拒绝写入 {data}：它{where} landassess 的输出文件夹（含 {marker}），"
                             "收集的输入表不能写进评估结果或定稿版本中。请用 data/<年度>/ 这样的输入文件夹。")
    if DEPARTMENT_FOLDER in (data.name, *(p.name for p in data.parents)):
        raise OwnershipError(f"拒绝写入 {data}：“{DEPARTMENT_FOLDER}”文件夹只存放省厅自己的记录，collect 从不写入。")


def _written_by_us(data: Path) -> dict[str, set[str]]:
    """File name → the hashes collect wrote it with (and, while it replaces them, the ones before)."""
    record = _read_record(data / RECORD) or {}
    known: dict[str, set[str]] = {}
    for key in ("files", "previous"):
        for name, digests in (record.get(key) or {}).items():
            known.setdefault(name, set()).update([digests] if isinstance(digests, str) else digests)
    return known


def _is_ours(record: Path) -> bool:
    content = _read_record(record)
    return content is not None and content.get("generator") == "landassess" and content.get("kind") == "collected"


def _check_targets(data: Path, names: list[str]) -> None:
    """Refuse to replace a table collect did not write, or that was changed since."""
    known = _written_by_us(data)
    record = data / RECORD
    if os.path.lexists(record) and not (_regular_file(record) and _is_ours(record)):
        raise OwnershipError(f"拒绝覆盖 {record}：它不是 landassess collect 写入的记录。")
    for name in names:
        path = data / name
        if os.path.lexists(path) and not _regular_file(path):
            raise OwnershipError(f"拒绝写入 {path}：它不是普通文件。")
        if path.exists() and sha256_file(path) not in known.get(name, set()):
            raise OwnershipError(f"拒绝覆盖 {path}：它不是 landassess collect 写入的，或写入后被修改过。"
                                 "请把它移走（或改名）后再收集，以免覆盖手工整理的数据。")
        other = path.with_suffix(".xlsx") if path.suffix == ".csv" else None
        if other is not None and other.exists():
            raise OwnershipError(f"{data} 中已有 {other.name}：同一张表不能有两个文件，请先移走它。")


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


CONFIRMATIONS = "收集确认.csv"
CONFIRMATION_COLUMNS = {"县级代码": "code", "采用文件": "file", "理由": "reason", "确认人": "by", "日期": "on"}


def read_confirmations(data: Path, divisions) -> tuple[dict[str, Confirmation], list[Problem]]:
    """``省厅记录/收集确认.csv``: which returned file counts for a doubtful county; its own problems, located."""
    import csv
    import io

    from landassess.intake import _Unusable, decode_csv_bytes

    path = data / DEPARTMENT_FOLDER / CONFIRMATIONS
    if not os.path.lexists(path):
        return {}, []
    where = f"{DEPARTMENT_FOLDER}/{CONFIRMATIONS}"
    if not _regular_file(path) or path.stat().st_size > MAX_RECORD_BYTES:
        return {}, [Problem(ERROR, "declarations", "收集确认表不是普通文件或过大，未读取", file=where,
                            expected="CSV 文本：县级代码、采用文件、理由、确认人、日期", reason="collect.confirmation_unreadable")]
    try:
        text, _ = decode_csv_bytes(path.read_bytes())
    except (_Unusable, OSError) as error:
        return {}, [Problem(ERROR, "declarations", f"收集确认表无法读取：{getattr(error, 'message', error)}", file=where,
                            expected="CSV 文本：县级代码、采用文件、理由、确认人、日期", reason="collect.confirmation_unreadable")]
    rows = list(csv.reader(io.StringIO(text)))
    header = [canonical(h) for h in rows[0]] if rows else []
    problems: list[Problem] = []
    if "县级代码" not in header or "采用文件" not in header:
        return {}, [Problem(ERROR, "declarations", "收集确认表缺少“县级代码”或“采用文件”列", file=where, row=1,
                            value="、".join(header), expected="、".join(CONFIRMATION_COLUMNS), reason="collect.confirmation_header")]
    chosen: dict[str, Confirmation] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {CONFIRMATION_COLUMNS[h]: canonical(v) for h, v in zip(header, row, strict=False) if h in CONFIRMATION_COLUMNS}
        if not any(values.values()):
            continue
        code = values.get("code", "")
        if code not in set(divisions.codes) or not values.get("file"):
            problems.append(Problem(ERROR, "declarations", "收集确认表的这一行没有有效的县级代码或采用文件，未采用", file=where,
                                    row=number, value=code, expected="6 位县级代码和交回文件夹中的文件名",
                                    reason="collect.confirmation_row"))
            continue
        chosen[code] = Confirmation(**values)
    return chosen, problems


def _write_record(data: Path, year: int, files: dict[str, str], previous: dict[str, list[str]],
                  collected: Collected | None = None) -> None:
    """``collected.json``: the tables collect wrote (with hashes), and what validate and run must know (SPEC 8.2).

    ``problems``: collect's problems that make a county incomplete, and the department's confirmed
    choices between doubtful copies (shown in the report); ``doubtful``: the counties whose
    returns wait for 收集确认.csv (they declared, nothing of theirs is used).
    """
    record = {"generator": "landassess", "kind": "collected", "year": year, "files": files, "previous": previous}
    if collected is not None:
        record["doubtful"] = sorted(collected.doubtful)
        record["problems"] = [{k: v for k, v in dataclasses.asdict(p).items() if v not in ("", None)}
                              for p in collected.problems
                              if (p.affects_status and p.code) or p.reason == "collect.confirmed"]
    temporary = _temporary(data / RECORD)
    temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, data / RECORD)


def _replace_tables(data: Path, year: int, collected: Collected) -> list[Path]:
    """Write the tables as temporaries, record their hashes, then move them in place.

    The record names the new hashes and the ones they replace before any table is replaced, so
    a collect interrupted half-way leaves only files the next collect recognises as its own. A
    table that must have rows (SPEC 4) and has none this time is not written, and an earlier
    collect's copy is removed: before the score sheets come back there is no ``scores.csv``,
    so ``template --data`` can plan them.
    """
    from landassess.intake import TABLES

    writers = {f"{t}.csv": (lambda p, t=t: write_csv(collected.tables[t], p, encoding="utf-8"))
               for t in TABLE_COLUMNS if len(collected.tables[t]) or not TABLES[t].needs_rows}
    writers[REPORT] = lambda p: _report_workbook(collected, p, year)
    on_disk = {n: sha256_file(data / n) for n in [f"{t}.csv" for t in TABLE_COLUMNS] + [REPORT] if (data / n).exists()}
    temporaries = {name: _temporary(data / name) for name in writers}
    try:
        for name, write in writers.items():
            write(temporaries[name])
        files = {name: sha256_file(path) for name, path in temporaries.items()}
        _write_record(data, year, files, {n: [d] for n, d in on_disk.items()}, collected)
        for name, path in temporaries.items():
            os.replace(path, data / name)
        for name in on_disk.keys() - writers.keys():
            (data / name).unlink()
        _write_record(data, year, files, {}, collected)
    finally:
        for path in temporaries.values():
            if path.exists():
                path.unlink()
    return [data / name for name in writers]


REPORT_SHEETS = (("交回情况", "returns"), ("县级单位", "counties"), ("设区市", "cities"), ("评委×县", "evaluators"))
"""The sheets of 收集情况.xlsx before 问题, and the part of :class:`Collected` each shows."""


def _report_workbook(collected: Collected, path: Path, year: int) -> None:
    """收集情况.xlsx: who returned what, and the problems (SPEC 8.2); every sheet prints on A4 (SPEC 8.4).

    Row 1 names the year and the sheet, row 2 is the header (repeated on every printed page); the
    columns are as wide as their content (a long path wraps).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheets = [(title, getattr(collected, part)) for title, part in REPORT_SHEETS] + [("问题", _problems_frame(collected))]
    for index, (title, frame) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        heading = f"{year} 年度材料收集情况 — {title}"
        sheet.append([heading])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([neutralize_cell(str(c)) for c in frame.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([neutralize_cell(v) for v in row])
        if len(frame.columns) > 1:  # the heading spans the table, so that it does not widen column A
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(frame.columns))
        fit_columns(sheet, header_row=2)
        sheet.freeze_panes = "A3"
        print_setup(sheet, "2:2", landscape=True, header=heading)
    save_workbook(workbook, path, dt.datetime(year + 1, 1, 1))


def _problems_frame(collected: Collected):
    import pandas as pd

    return pd.DataFrame([{"级别": SEVERITY_ZH[p.severity], "文件": p.file, "工作表": p.sheet, "单元格": p.cell,
                          "县级代码": p.code, "值": p.value, "应为": p.expected, "说明": p.message,
                          "问题代码": p.reason} for p in collected.problems],
                        columns=["级别", "文件", "工作表", "单元格", "县级代码", "值", "应为", "说明", "问题代码"])


OTHER_FORMATS = {".xlsm": "启用宏的 Excel 工作簿（.xlsm）", ".xls": "旧版 Excel 工作簿（.xls）",
                 ".et": "WPS 表格（.et）", ".ods": "OpenDocument 表格（.ods）", ".xlsb": "Excel 二进制工作簿（.xlsb）",
                 "": "没有扩展名的文件"}
"""Spreadsheets that may be a return saved in another format: listed as received, not read (SPEC 8.2)."""


def _is_other_spreadsheet(path: Path) -> bool:
    return path.suffix.lower() in OTHER_FORMATS


def _other_format(path: Path, source: Path, divisions) -> Returned:
    """A return in another format: listed in 收集情况 as received but not read, with what to do."""
    name = printable_file_name(str(path.relative_to(source)))
    code = divisions.county_named_in(name)
    kind = OTHER_FORMATS[path.suffix.lower()]
    returned = Returned(path, name)
    returned.problems.append(Problem(
        ERROR, "declarations", f"收到{kind}，未读取：landassess 只读取模板原样保存的 .xlsx 工作簿", file=name, code=code,
        expected="在 Excel 或 WPS 中打开该文件，“另存为”Excel 工作簿（.xlsx）后重新交回", affects_status=bool(code),
        reason="collect.other_format"))
    return returned


def collect_year(year: int, source: Path, data: Path, params_file: ParamsFiles = None,
                 evaluators: list[str] | None = None) -> tuple[Collected, list[Path]]:
    """Read every workbook under ``source`` and write the year's tables into ``data``."""
    from landassess.divisions import load_divisions
    from landassess.params import load_params

    params = load_params(year, params_file)
    divisions = load_divisions(params.divisions.file)
    evaluators = evaluators or list(params.evaluators) or None  # the year's list (params/<Y>.yaml)
    source, data = absolute(source), absolute(data)
    if not source.is_dir():
        raise InputError(f"收集文件夹不存在：{source}")
    if data == source or source in data.parents or data in source.parents:
        raise OwnershipError(f"拒绝写入 {data}：输入表文件夹不能与收集文件夹 {source} 重合或互相包含。")
    if data.is_symlink() or (data.exists() and not data.is_dir()):
        raise OwnershipError(f"拒绝写入 {data}：它不是一个真实的文件夹。")
    check_collect_folder(data)
    found = sorted(p for p in source.rglob("*") if _regular_file(p) and not p.name.startswith(("~$", ".")))
    returned = [read_returned(p, source, year, divisions, params, printable_file_name(str(p.relative_to(source))))
                if p.suffix.lower() == ".xlsx" else _other_format(p, source, divisions)
                for p in found if p.suffix.lower() == ".xlsx" or _is_other_spreadsheet(p)]
    confirmations, confirmation_problems = read_confirmations(data, divisions)
    collected = merge_returned(returned, divisions, params.rubric.criterion_ids(), evaluators, confirmations)
    collected.problems += confirmation_problems
    names = [f"{t}.csv" for t in TABLE_COLUMNS] + [REPORT]
    data.mkdir(parents=True, exist_ok=True)
    with folder_lock(data):
        _check_targets(data, names)
        written = _replace_tables(data, year, collected)
    return collected, written


def format_collected(collected: Collected, data: Path, written: list[Path] | None = None) -> str:
    """The Chinese summary printed by ``landassess collect``."""
    counties = collected.counties
    cities = collected.cities
    errors = [p for p in collected.problems if p.severity == ERROR]
    lines = [
        f"收集完成：{len(collected.returns)} 个工作簿；县级申报 {int((counties['已交回'] == '是').sum())} 个县已交回；"
        f"设区市推荐 {int((cities['已交回'] == '是').sum())}/{len(cities)} 个市已交回；"
        f"评分表 {len(collected.evaluators.columns) - 2 if len(collected.evaluators.columns) > 2 else 0} 位评委。",
        "未交回推荐名单的设区市：" + ("、".join(cities.loc[cities["已交回"] == "否", "设区市"]) or "无"),
    ]
    if len(collected.evaluators):
        lines.append("评委×县（已评指标数/指标总数）：")
        lines.append(collected.evaluators.to_string(index=False))
    unrecognised = collected.returns[collected.returns["类型"] == "未识别"] if len(collected.returns) else []
    if len(unrecognised):
        lines.append("未识别的工作簿：" + "、".join(unrecognised["文件"]))
    if collected.problems:
        lines.append(f"问题 {len(errors)} 个、提示 {len(collected.problems) - len(errors)} 条：")
        lines += [p.located() for p in sorted(collected.problems, key=lambda p: p.severity != ERROR)]
    else:
        lines.append("没有发现问题。")
    if collected.doubtful:
        lines.append("待省厅确认采用哪一份（在 省厅记录/收集确认.csv 中写明；确认前为“材料不全”）："
                     + "、".join(sorted(collected.doubtful)))
    names = [p.name for p in written] if written is not None else [f"{t}.csv" for t in TABLE_COLUMNS] + [REPORT]
    lines.append(f"已写入 {data}（{'、'.join(names)}）")
    missing = [f"{t}.csv" for t in TABLE_COLUMNS if f"{t}.csv" not in names] if written is not None else []
    if missing:
        lines.append("没有收集到数据行、因此未写出的表：" + "、".join(missing))
    return "\n".join(lines)
