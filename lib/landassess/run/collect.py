"""``landassess collect``: read the returned workbooks of a folder and write the year's input tables.

The data folder usually holds files landassess did not write (the province's ``land_stats``,
``verification``, ``decisions``): collect writes only its own tables (declarations, veto_events,
bonus_events, recommendations, scores and 收集情况.xlsx), each atomically, under the data
folder's lock, and records them with their hashes in ``collected.json``. It replaces a table only
when it wrote it and nobody changed it since; anything else is refused (exit 2), so a table typed
by hand is never overwritten (SPEC 7.1).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from landassess.collect.merge import TABLE_COLUMNS, Collected, merge_returned
from landassess.collect.reader import read_returned
from landassess.paths import sha256_file
from landassess.problems import InputError
from landassess.publish.workbooks import neutralize_cell, save_workbook, write_csv
from landassess.run.ownership import OwnershipError, absolute, folder_lock
from landassess.vocabulary import ERROR, SEVERITY_ZH

RECORD = "collected.json"
REPORT = "收集情况.xlsx"


def _written_by_us(data: Path) -> dict[str, set[str]]:
    """File name → the hashes collect wrote it with (and, while it replaces them, the ones before)."""
    try:
        record = json.loads((data / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    known: dict[str, set[str]] = {}
    for key in ("files", "previous"):
        for name, digests in (record.get(key) or {}).items():
            known.setdefault(name, set()).update([digests] if isinstance(digests, str) else digests)
    return known


def _is_ours(record: Path) -> bool:
    try:
        content = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and content.get("generator") == "landassess" and content.get("kind") == "collected"


def _check_targets(data: Path, names: list[str]) -> None:
    """Refuse to replace a table collect did not write, or that was changed since."""
    known = _written_by_us(data)
    record = data / RECORD
    if record.is_symlink() or (record.exists() and not (record.is_file() and _is_ours(record))):
        raise OwnershipError(f"拒绝覆盖 {record}：它不是 landassess collect 写入的记录。")
    for name in names:
        path = data / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise OwnershipError(f"拒绝写入 {path}：它不是普通文件。")
        if path.exists() and sha256_file(path) not in known.get(name, set()):
            raise OwnershipError(f"拒绝覆盖 {path}：它不是 landassess collect 写入的，或写入后被修改过。"
                                 "请把它移走（或改名）后再收集，以免覆盖手工整理的数据。")
        other = path.with_suffix(".xlsx") if path.suffix == ".csv" else None
        if other is not None and other.exists():
            raise OwnershipError(f"{data} 中已有 {other.name}：同一张表不能有两个文件，请先移走它。")


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def _write_record(data: Path, year: int, files: dict[str, str], previous: dict[str, list[str]]) -> None:
    record = {"generator": "landassess", "kind": "collected", "year": year, "files": files, "previous": previous}
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
        _write_record(data, year, files, {n: [d] for n, d in on_disk.items()})
        for name, path in temporaries.items():
            os.replace(path, data / name)
        for name in on_disk.keys() - writers.keys():
            (data / name).unlink()
        _write_record(data, year, files, {})
    finally:
        for path in temporaries.values():
            if path.exists():
                path.unlink()
    return [data / name for name in writers]


def _report_workbook(collected: Collected, path: Path, year: int) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheets = [("交回情况", collected.returns), ("县级单位", collected.counties), ("设区市", collected.cities),
              ("评委×县", collected.evaluators), ("问题", _problems_frame(collected))]
    for index, (title, frame) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([neutralize_cell(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            sheet.append([neutralize_cell(v) for v in row])
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 18
    save_workbook(workbook, path, dt.datetime(year + 1, 1, 1))


def _problems_frame(collected: Collected):
    import pandas as pd

    return pd.DataFrame([{"级别": SEVERITY_ZH[p.severity], "文件": p.file, "工作表": p.sheet, "单元格": p.cell,
                          "县级代码": p.code, "值": p.value, "应为": p.expected, "说明": p.message,
                          "问题代码": p.reason} for p in collected.problems],
                        columns=["级别", "文件", "工作表", "单元格", "县级代码", "值", "应为", "说明", "问题代码"])


def collect_year(year: int, source: Path, data: Path, params_file: Path | None = None,
                 evaluators: list[str] | None = None) -> tuple[Collected, list[Path]]:
    """Read every workbook under ``source`` and write the year's tables into ``data``."""
    from landassess.divisions import load_divisions
    from landassess.params import load_params

    params = load_params(year, params_file)
    divisions = load_divisions(params.divisions.file)
    source, data = absolute(source), absolute(data)
    if not source.is_dir():
        raise InputError(f"收集文件夹不存在：{source}")
    if data == source or source in data.parents or data in source.parents:
        raise OwnershipError(f"拒绝写入 {data}：输入表文件夹不能与收集文件夹 {source} 重合或互相包含。")
    if data.is_symlink() or (data.exists() and not data.is_dir()):
        raise OwnershipError(f"拒绝写入 {data}：它不是一个真实的文件夹。")
    found = sorted(p for p in source.rglob("*") if p.is_file() and not p.is_symlink()
                   and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", ".")))
    returned = [read_returned(p, source, year, divisions, params) for p in found]
    collected = merge_returned(returned, divisions, params.rubric.criterion_ids(), evaluators)
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
    lines.append(f"问题 {len(errors)} 个、提示 {len(collected.problems) - len(errors)} 条：")
    lines += [p.located() for p in collected.problems]
    names = [p.name for p in written] if written is not None else [f"{t}.csv" for t in TABLE_COLUMNS] + [REPORT]
    lines.append(f"已写入 {data}（{'、'.join(names)}）")
    missing = [f"{t}.csv" for t in TABLE_COLUMNS if f"{t}.csv" not in names] if written is not None else []
    if missing:
        lines.append("没有收集到数据行、因此未写出的表：" + "、".join(missing))
    return "\n".join(lines)
