"""Intake: read a year's input tables, parse every cell, collect every problem (SPEC 4).

A year's folder holds one file per table, ``<name>.csv`` (UTF-8, UTF-8 with BOM or GBK/GB18030,
detected) or ``<name>.xlsx`` (first sheet). Headers may be English names or Chinese labels.
Nothing stops at the first problem: every cell that cannot be read becomes a :class:`Problem`
and the row is kept with ``is_valid = False``. Only year-level problems (a missing required
table, an unreadable file, a missing required column) raise :class:`InputError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from landassess import values as v
from landassess.divisions import Divisions
from landassess.params import Params
from landassess.problems import ERROR, FATAL, NOTICE, TABLE_ZH, InputError, Problem

VETO_TYPES = {
    "media_exposure": "媒体披露",
    "mnr_supervised_case": "挂牌督办",
    "special_action_incomplete": "专项行动未完成",
    "cultivated_ratio": "违法占用耕地比例",
    "cultivated_area": "违法占用耕地面积",
    "key_management_county": "重点管理县",
    "interview_or_accountability": "约谈问责",
}
EVENT_VETO_TYPES = {k: VETO_TYPES[k] for k in (
    "media_exposure", "mnr_supervised_case", "special_action_incomplete",
    "key_management_county", "interview_or_accountability")}
_VETO_TYPE_WORDS = {
    **{k: k for k in EVENT_VETO_TYPES},
    **{zh: k for k, zh in EVENT_VETO_TYPES.items()},
    "媒体曝光": "media_exposure", "主流媒体披露": "media_exposure", "领导批示": "media_exposure",
    "部挂牌督办": "mnr_supervised_case", "自然资源部挂牌督办": "mnr_supervised_case",
    "专项行动": "special_action_incomplete", "专项行动未按时完成": "special_action_incomplete",
    "执法重点管理县": "key_management_county",
    "约谈": "interview_or_accountability", "问责": "interview_or_accountability",
}
BONUS_KINDS = {"commendation": "通报表扬", "typical_experience": "典型经验"}
_BONUS_KIND_WORDS = {
    **{k: k for k in BONUS_KINDS}, **{zh: k for k, zh in BONUS_KINDS.items()},
    "表扬": "commendation", "典型经验推广": "typical_experience",
}
DECISIONS = {"model": "模范", "advanced": "先进", "not_selected": "未入选"}
_DECISION_WORDS = {**{k: k for k in DECISIONS}, **{zh: k for k, zh in DECISIONS.items()}}


@dataclass(frozen=True)
class Column:
    """One input column: English name, Chinese label, other accepted labels."""

    name: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One input table of SPEC 4."""

    name: str
    columns: tuple[Column, ...]
    optional: bool = False

    @property
    def zh(self) -> str:
        return TABLE_ZH[self.name]


_CODE = Column("code", "县级代码", True, ("代码", "区划代码", "行政区划代码", "县代码"))
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("declarations", (
        _CODE,
        Column("name", "名称", True, ("县（市、区）", "县(市、区)", "单位名称", "县名")),
        Column("city", "设区市", True, ("所属设区市", "市")),
        Column("declared_on", "申报日期", True),
        Column("self_illegal_cultivated_area", "自报违法占用耕地面积"),
        Column("self_construction_cultivated_area", "自报新增建设用地占用耕地面积"),
        Column("area_unit", "面积单位", False, ("单位",)),
        Column("contact", "联系人"),
        Column("phone", "联系电话", False, ("电话",)),
    )),
    TableSpec("recommendations", (
        Column("city", "设区市", True, ("推荐设区市", "市")),
        _CODE,
        Column("order", "推荐顺序", True, ("顺序", "序号")),
        Column("recommended_on", "推荐日期"),
    )),
    TableSpec("land_stats", (
        _CODE,
        Column("illegal_cultivated_area", "违法占用耕地面积", True),
        Column("construction_cultivated_area", "新增建设用地占用耕地面积", True,
               ("新增建设用地占用耕地总面积",)),
        Column("area_unit", "面积单位", False, ("单位",)),
        Column("source", "数据来源", False, ("来源",)),
    )),
    TableSpec("veto_events", (
        _CODE,
        Column("type", "类型", True, ("否决类型", "事项类型")),
        Column("date", "日期", True, ("发生日期", "时间")),
        Column("authority_level", "层级", True, ("级别",)),
        Column("verified", "是否查实", True, ("查实",)),
        Column("reference", "文号或出处", False, ("文号", "出处")),
        Column("description", "说明", False, ("描述", "备注")),
    )),
    TableSpec("bonus_events", (
        _CODE,
        Column("kind", "类别", True, ("类型",)),
        Column("level", "级别", True, ("层级",)),
        Column("document_no", "文号", True, ("文件文号",)),
        Column("date", "日期", True, ("发文日期",)),
        Column("title", "标题", False, ("文件标题", "名称")),
    )),
    TableSpec("scores", (
        Column("evaluator", "评委", True, ("评估人员", "评分人")),
        _CODE,
        Column("criterion", "指标", False, ("指标编号",)),
        Column("score", "得分", False, ("分数", "评分")),
    )),
    TableSpec("verification", (
        _CODE,
        Column("check_passed", "查验通过", False, ("实地查验通过",)),
        Column("objection_upheld", "异议成立"),
        Column("disqualified_reason", "取消资格原因", False, ("其他取消资格原因",)),
    ), optional=True),
    TableSpec("decisions", (
        _CODE,
        Column("decision", "决定", True, ("评审决定",)),
        Column("reason", "理由", True, ("原因",)),
        Column("decided_by", "决定人", False, ("决定机构",)),
        Column("decided_on", "日期", False, ("决定日期",)),
    ), optional=True),
)}
TABLE_ORDER = list(TABLES)


@dataclass
class RawTable:
    """A table as read from its file: header labels and rows of raw cell values."""

    file: Path
    sheet: str
    header: list[str]
    header_row: int
    frame: pd.DataFrame  # one column per header position (0, 1, …), object dtype
    rows: pd.Series  # row number as the user sees it, aligned with ``frame``


@dataclass
class YearInputs:
    """A year's parsed tables, its problems and the files they came from."""

    year: int
    folder: Path
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]
    files: dict[str, Path] = field(default_factory=dict)
    file_hashes: dict[str, str] = field(default_factory=dict)
    is_demo: bool = False
    demo_label: str = ""

    def table(self, name: str) -> pd.DataFrame:
        return self.tables[name]


# ----------------------------------------------------------------------------- reading files


def _fatal(table: str, message: str, file: Path | None = None, expected: str = "") -> Problem:
    return Problem(FATAL, table, message, file=str(file.name) if file else "", expected=expected)


def find_table_file(folder: Path, spec: TableSpec) -> Path | list[Path] | None:
    """The table's file: ``<name>.csv``/``.xlsx`` or the Chinese name; a list when ambiguous."""
    candidates = [
        folder / f"{stem}{suffix}"
        for stem in (spec.name, spec.zh)
        for suffix in (".csv", ".xlsx", ".CSV", ".XLSX")
    ]
    found = list(dict.fromkeys(p for p in candidates if p.is_file()))
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GB18030")


def _read_csv(path: Path, table: str) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    try:
        text, _ = decode_csv_bytes(data)
    except UnicodeDecodeError as error:
        raise InputError([_fatal(table, "文件编码无法识别", path, "UTF-8、带BOM的UTF-8 或 GBK 编码的 CSV")]) \
            from error
    if "\x00" in text:
        raise InputError([_fatal(table, "文件不是文本格式的 CSV（含二进制内容）", path, "CSV 文本文件")])
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, sep=None if text.count("\t") > text.count(",")
                            else ",", engine="python" if text.count("\t") > text.count(",") else "c")
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except pd.errors.ParserError as error:
        raise InputError([_fatal(table, f"CSV 无法解析：{error}", path, "每行列数一致的 CSV")]) from error
    frame = frame.astype(object).where(frame != "", None)
    return frame, ""


def _read_xlsx(path: Path, table: str) -> tuple[pd.DataFrame, str]:
    import zipfile

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError) as error:
        raise InputError([_fatal(table, "Excel 工作簿已损坏或不是 .xlsx 格式", path, "可用 Excel 打开的 .xlsx 文件")]) \
            from error
    try:
        if not workbook.worksheets:
            raise InputError([_fatal(table, "工作簿中没有工作表", path)])
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        title = sheet.title
    finally:
        workbook.close()
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)
    return frame, title


def read_raw_table(path: Path, table: str) -> RawTable:
    """Read a file into header and rows; raises InputError when the file cannot be used."""
    try:
        if path.suffix.lower() == ".xlsx":
            frame, sheet = _read_xlsx(path, table)
        else:
            frame, sheet = _read_csv(path, table)
    except OSError as error:
        raise InputError([_fatal(table, f"文件无法读取：{error.strerror or error}", path)]) from error
    if frame.empty:
        raise InputError([_fatal(table, "文件为空（没有表头）", path, "第一行为表头的表格")])
    frame = frame.map(lambda x: None if v.is_blank(x) else x)
    nonblank = frame.notna().any(axis=1).to_numpy()
    if not nonblank.any():
        raise InputError([_fatal(table, "文件为空（没有表头）", path, "第一行为表头的表格")])
    header_pos = int(nonblank.argmax())
    header = [v.normalize_text(x) or "" for x in frame.iloc[header_pos].tolist()]
    body = frame.iloc[header_pos + 1:]
    body = body[body.notna().any(axis=1)]  # blank rows carry nothing
    return RawTable(path, sheet, header, header_pos + 1, body.reset_index(drop=True),
                    pd.Series(body.index.to_numpy() + 1, dtype="int64"))


def _label_key(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).strip().lower()
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # 层级 (国家/省/市) → 层级
    return re.sub(r"[\s_\-*：:]", "", text)


def map_header(spec: TableSpec, header: list[str]) -> dict[int, str]:
    """Header position → English column name, for the columns this table knows."""
    lookup: dict[str, str] = {}
    for column in spec.columns:
        for label in (column.name, column.zh, *column.aliases):
            lookup.setdefault(_label_key(label), column.name)
    mapping: dict[int, str] = {}
    for position, label in enumerate(header):
        name = lookup.get(_label_key(label)) if label else None
        if name and name not in mapping.values():
            mapping[position] = name
    return mapping


def column_letter(position: int) -> str:
    """Excel column letter of a 0-based position (0 → A, 26 → AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ----------------------------------------------------------------------------- parsing


@dataclass
class _Context:
    """What a table parser needs, and where its problems go."""

    spec: TableSpec
    raw: RawTable
    mapping: dict[int, str]
    problems: list[Problem]
    divisions: Divisions
    params: Params
    year: int

    @property
    def position(self) -> dict[str, int]:
        return {name: pos for pos, name in self.mapping.items()}

    def label(self, name: str) -> str:
        pos = self.position.get(name)
        return self.raw.header[pos] if pos is not None else name

    def add(self, severity: str, index: int, column: str, message: str, *, value: Any = None,
            expected: str = "", code: str = "", affects: bool | None = None) -> None:
        pos = self.position.get(column)
        row = int(self.raw.rows.iloc[index])
        self.problems.append(Problem(
            severity, self.spec.name, message,
            file=self.raw.file.name, sheet=self.raw.sheet, row=row,
            column=self.label(column) if column else "",
            cell=f"{column_letter(pos)}{row}" if pos is not None else "",
            value="" if value is None else str(v.normalize_text(value) or ""),
            expected=expected, code=code,
            affects_status=(severity == ERROR and bool(code)) if affects is None else affects,
        ))


def _parse_column(raw: pd.Series, parser: Callable[[Any], Any]) -> tuple[list[Any], list[Any]]:
    """Apply ``parser`` once per distinct raw value; returns values and BadValue-or-None lists."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parsed: list[Any] = []
    errors: list[Any] = []
    for item in list(uniques) + [None]:  # the last slot serves blanks (code -1)
        try:
            parsed.append(parser(item))
            errors.append(None)
        except v.BadValue as error:
            parsed.append(None)
            errors.append(error)
    return [parsed[c] for c in codes], [errors[c] for c in codes]


def _cell(ctx: _Context, name: str) -> pd.Series:
    pos = ctx.position.get(name)
    if pos is None or pos not in ctx.raw.frame.columns:
        return pd.Series([None] * len(ctx.raw.frame), dtype=object)
    return ctx.raw.frame[pos]


def _parse_into(ctx: _Context, out: pd.DataFrame, name: str, parser: Callable[[Any], Any], *,
                required: bool, codes: pd.Series | None = None, target: str | None = None,
                affects: bool = True) -> None:
    """Parse column ``name`` into ``out[target or name]``, recording a problem per bad cell."""
    raw = _cell(ctx, name)
    values, errors = _parse_column(raw, parser)
    out[target or name] = pd.Series(values, index=out.index, dtype=object)
    blank = raw.isna().to_numpy()
    for i, error in enumerate(errors):
        if error is None:
            continue
        if blank[i] and not required:
            out.iat[i, out.columns.get_loc(target or name)] = None
            continue
        code = codes.iat[i] if codes is not None else ""
        ctx.add(ERROR, i, name, error.message or error.expected, value=raw.iat[i],
                expected=error.expected, code=code or "", affects=affects and bool(code))
        out.iat[i, out.columns.get_loc("is_valid")] = False


def _parse_codes(ctx: _Context, out: pd.DataFrame) -> pd.Series:
    """Parse the county code column; unknown and development-zone codes are problems."""
    raw = _cell(ctx, "code")
    values, errors = _parse_column(raw, v.parse_code)
    known = set(ctx.divisions.codes)
    prefixes = ctx.divisions.city_prefixes()
    codes = []
    for i, (code, error) in enumerate(zip(values, errors, strict=True)):
        if error is not None:
            ctx.add(ERROR, i, "code", error.message or error.expected, value=raw.iat[i],
                    expected=error.expected, affects=False)
            out.iat[i, out.columns.get_loc("is_valid")] = False
            codes.append("")
            continue
        if code not in known:
            if code[:4] in prefixes and code[4] == "7":
                message = f"{code} 是开发区（功能区）代码，不是经国务院批准设立的县级行政区，不是评估对象（五）"
            else:
                message = f"{code} 不在县级行政区划名单中"
            ctx.add(ERROR, i, "code", message, value=raw.iat[i],
                    expected="名单中的县级行政区划代码", code=code, affects=False)
            out.iat[i, out.columns.get_loc("is_valid")] = False
            codes.append("")
            continue
        codes.append(code)
    out["code"] = codes
    return out["code"]


def _base_frame(raw: RawTable) -> pd.DataFrame:
    return pd.DataFrame({
        "file": raw.file.name, "sheet": raw.sheet, "row": raw.rows.to_numpy(), "is_valid": True,
    }, index=raw.frame.index)


def _parse_city(ctx: _Context) -> Callable[[Any], str]:
    cities = set(ctx.divisions.cities)

    def parse(raw: Any) -> str:
        text = v.normalize_text(raw)
        if text is None:
            raise v.BadValue("设区市名称", "设区市为空")
        for name in (text, text + "市"):
            if name in cities:
                return name
        raise v.BadValue("设区市名称，如 南京市", f"“{text}”不是本省设区市")
    return parse


def _check_areas(ctx: _Context, out: pd.DataFrame, names: list[str], *, required: bool,
                 prefix: str = "") -> None:
    """Parse area columns and the unit; convert to 亩 exactly into ``<name>_mu``."""
    _parse_into(ctx, out, "area_unit", v.parse_unit, required=False, codes=out["code"])
    factor = ctx.params.vetoes.hectare_to_mu
    for name in names:
        _parse_into(ctx, out, name, v.parse_area, required=required, codes=out["code"],
                    target=f"_{name}")
        areas, units = [], []
        for i, (parsed, unit) in enumerate(zip(out[f"_{name}"], out["area_unit"], strict=True)):
            if parsed is None:
                areas.append(None)
                units.append(unit)
                continue
            value, cell_unit = parsed
            row_unit = unit if unit is not None else v.UNIT_MU
            if cell_unit is not None and not v.is_blank(_cell(ctx, "area_unit").iat[i]) \
                    and cell_unit != unit:
                ctx.add(ERROR, i, name, f"面积单元格写明“{cell_unit}”，与面积单位列“{unit}”不一致",
                        value=_cell(ctx, name).iat[i], expected="单位一致", code=out["code"].iat[i])
                out.iat[i, out.columns.get_loc("is_valid")] = False
                areas.append(None)
                units.append(unit)
                continue
            used_unit = cell_unit or row_unit
            areas.append(value * factor if used_unit == v.UNIT_HECTARE else value)
            units.append(used_unit)
        out[f"{name}_mu"] = pd.Series(areas, index=out.index, dtype=object)
        out[f"{name}_unit"] = units
        out[name] = [p[0] if p is not None else None for p in out[f"_{name}"]]
        del out[f"_{name}"]


def _parse_declarations(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    _parse_into(ctx, out, "name", v.parse_text, required=True, codes=codes)
    _parse_into(ctx, out, "city", _parse_city(ctx), required=True, codes=codes)
    _parse_into(ctx, out, "declared_on", v.parse_date, required=True, codes=codes)
    _check_areas(ctx, out, ["self_illegal_cultivated_area", "self_construction_cultivated_area"],
                 required=False)
    for name in ("contact", "phone"):
        out[name] = [v.normalize_text(x) for x in _cell(ctx, name)]
    name_of, city_of = ctx.divisions.name_of(), ctx.divisions.city_of()
    deadline = ctx.params.deadlines.declaration_date(ctx.year)
    for i, code in enumerate(codes):
        if not code:
            continue
        name, city = out["name"].iat[i], out["city"].iat[i]
        if name is not None and name != name_of[code]:
            ctx.add(ERROR, i, "name", f"名称与代码不符：代码 {code} 是“{name_of[code]}”", value=name,
                    expected=name_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        if city is not None and city != city_of[code]:
            ctx.add(ERROR, i, "city", f"设区市与代码不符：代码 {code} 属于{city_of[code]}", value=city,
                    expected=city_of[code], code=code)
            out.iat[i, out.columns.get_loc("is_valid")] = False
        declared_on = out["declared_on"].iat[i]
        if declared_on is not None and declared_on > deadline:
            ctx.add(NOTICE, i, "declared_on", f"申报日期晚于截止日期 {deadline.isoformat()}（六(一)），请省厅决定是否受理",
                    value=declared_on.isoformat(), expected=f"不晚于 {deadline.isoformat()}", code=code)
        if declared_on is not None and declared_on <= dt.date(ctx.year, 12, 31):
            ctx.add(NOTICE, i, "declared_on", f"申报日期早于评估年度结束（{ctx.year}-12-31）",
                    value=declared_on.isoformat(), expected=f"{ctx.year + 1}年1月", code=code)
    _flag_duplicates(ctx, out, ["code"], "申报")
    return out


def _parse_recommendations(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    # A recommendation names a county but is the city's act: its problems do not make the county
    # incomplete (docs/rules.md).
    _parse_into(ctx, out, "city", _parse_city(ctx), required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "order", v.parse_positive_int, required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "recommended_on", v.parse_date, required=False, codes=codes,
                affects=False)
    deadline = ctx.params.deadlines.recommendation_date(ctx.year)
    for i, code in enumerate(codes):
        on = out["recommended_on"].iat[i]
        if on is not None and on > deadline:
            ctx.add(NOTICE, i, "recommended_on", f"推荐日期晚于截止日期 {deadline.isoformat()}（六(二)），请省厅决定是否受理",
                    value=on.isoformat(), expected=f"不晚于 {deadline.isoformat()}", code=code)
    return out


def _parse_land_stats(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    _parse_codes(ctx, out)
    _check_areas(ctx, out, ["illegal_cultivated_area", "construction_cultivated_area"], required=True)
    out["source"] = [v.normalize_text(x) for x in _cell(ctx, "source")]
    _flag_duplicates(ctx, out, ["code"], "耕地数据",
                     compare=["illegal_cultivated_area_mu", "construction_cultivated_area_mu"])
    return out


def _parse_veto_events(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "否决类型：" + "、".join(EVENT_VETO_TYPES.values()) + "（或其英文编号）"
    _parse_into(ctx, out, "type", lambda x: v.parse_choice(x, _VETO_TYPE_WORDS, expected),
                required=True, codes=codes)
    _parse_into(ctx, out, "date", v.parse_date, required=True, codes=codes)
    _parse_into(ctx, out, "authority_level", v.parse_level, required=True, codes=codes)
    _parse_into(ctx, out, "verified", v.parse_bool, required=False, codes=codes)
    for i, kind in enumerate(out["type"]):
        if kind == "media_exposure" and out["verified"].iat[i] is None and out["is_valid"].iat[i]:
            ctx.add(ERROR, i, "verified", "媒体披露事项须填写是否查实", value=None, expected="是/否",
                    code=codes.iat[i])
            out.iat[i, out.columns.get_loc("is_valid")] = False
    for name in ("reference", "description"):
        out[name] = [v.normalize_text(x) for x in _cell(ctx, name)]
    return out


def _parse_bonus_events(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "类别：通报表扬 或 典型经验"
    _parse_into(ctx, out, "kind", lambda x: v.parse_choice(x, _BONUS_KIND_WORDS, expected),
                required=True, codes=codes)
    _parse_into(ctx, out, "level", v.parse_level, required=True, codes=codes)
    _parse_into(ctx, out, "document_no", v.parse_text, required=True, codes=codes)
    _parse_into(ctx, out, "document_no", v.normalize_document_number, required=True, codes=codes,
                target="document_key")
    _parse_into(ctx, out, "date", v.parse_date, required=True, codes=codes)
    out["title"] = [v.normalize_text(x) for x in _cell(ctx, "title")]
    return out


def _criterion_lookup(params: Params) -> dict[str, str]:
    lookup = {}
    for cid in params.rubric.criterion_ids():
        lookup[cid.lower()] = cid
        match = re.fullmatch(r"([a-z]+)0*(\d+)", cid.lower())
        if match:
            lookup[f"{match[1]}{int(match[2])}"] = cid
    return lookup


def _parse_scores(ctx: _Context) -> pd.DataFrame:
    """Long form (evaluator, code, criterion, score) or wide form (evaluator, code, C01 …)."""
    lookup = _criterion_lookup(ctx.params)
    wide = {pos: lookup[_label_key(label)] for pos, label in enumerate(ctx.raw.header)
            if pos not in ctx.mapping and _label_key(label) in lookup}
    base = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, base)
    _parse_into(ctx, base, "evaluator", v.parse_text, required=True, codes=codes)
    maxima = ctx.params.rubric.max_by_criterion()
    if wide:
        if "criterion" in ctx.position or "score" in ctx.position:
            raise InputError([_fatal("scores", "评分表同时含有长表列（指标、得分）和宽表列（C01…）", ctx.raw.file,
                                     "长表：评委、县级代码、指标、得分；或宽表：评委、县级代码、C01…C13")])
        parts = []
        for pos, cid in wide.items():
            part = base.copy()
            part["criterion"] = cid
            part["_raw_score"] = ctx.raw.frame[pos].to_numpy()
            part["_pos"] = pos
            parts.append(part)
        out = pd.concat(parts, ignore_index=True)
        out = out[out["_raw_score"].notna()].reset_index(drop=True)  # blank = not scored
        raw_score = out.pop("_raw_score")
        positions = out.pop("_pos")
        labels = [ctx.raw.header[p] for p in positions]
    else:
        missing = [c for c in ("criterion", "score") if c not in ctx.position]
        if missing:
            raise InputError([_fatal("scores", "评分表缺少列：" + "、".join(missing), ctx.raw.file,
                                     "长表：评委、县级代码、指标、得分；或宽表：评委、县级代码、C01…C13")])
        out = base.copy()
        crit_raw = _cell(ctx, "criterion")
        crit_values, crit_errors = _parse_column(
            crit_raw, lambda x: v.parse_choice(x, lookup, "指标编号：" + "、".join(maxima)))
        out["criterion"] = crit_values
        for i, error in enumerate(crit_errors):
            if error is not None:
                ctx.add(ERROR, i, "criterion", "未知指标：" + (error.message or ""), value=crit_raw.iat[i],
                        expected=error.expected, code=codes.iat[i])
                out.iat[i, out.columns.get_loc("is_valid")] = False
        raw_score = _cell(ctx, "score")
        positions = pd.Series([ctx.position["score"]] * len(out))
        labels = [ctx.raw.header[ctx.position["score"]]] * len(out)
    scores, errors = _parse_column(raw_score.reset_index(drop=True), v.parse_decimal)
    out["score"] = pd.Series(scores, index=out.index, dtype=object)
    is_valid = out["is_valid"].to_numpy().copy()
    for i, error in enumerate(errors):
        criterion, score = out["criterion"].iat[i], scores[i]
        problem = None
        if error is not None:
            problem = (error.message or "得分不是数值", error.expected)
        elif criterion is not None and not (0 <= score <= maxima[criterion]):
            problem = (f"得分超出范围：{criterion} 满分 {maxima[criterion]}", f"0 至 {maxima[criterion]} 之间的数值")
        if problem is None:
            continue
        row = int(out["row"].iat[i])
        pos = int(positions.iat[i])
        ctx.problems.append(Problem(
            ERROR, "scores", problem[0], file=ctx.raw.file.name, sheet=ctx.raw.sheet, row=row,
            column=labels[i], cell=f"{column_letter(pos)}{row}",
            value=v.normalize_text(raw_score.iat[i]) or "", expected=problem[1],
            code=out["code"].iat[i], affects_status=bool(out["code"].iat[i])))
        is_valid[i] = False
    out["is_valid"] = is_valid
    _flag_duplicates(ctx, out, ["evaluator", "code", "criterion"], "评分", compare=["score"], rows_are_raw=False)
    return out


def _parse_verification(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    _parse_into(ctx, out, "check_passed", v.parse_bool, required=False, codes=codes)
    _parse_into(ctx, out, "objection_upheld", v.parse_bool, required=False, codes=codes)
    out["disqualified_reason"] = [v.normalize_text(x) for x in _cell(ctx, "disqualified_reason")]
    return out


def _parse_decisions(ctx: _Context) -> pd.DataFrame:
    out = _base_frame(ctx.raw)
    codes = _parse_codes(ctx, out)
    expected = "决定：模范、先进、未入选（或 model、advanced、not_selected）"
    # A decision is the committee's act: a bad decision row is not applied but does not make
    # the county incomplete.
    _parse_into(ctx, out, "decision", lambda x: v.parse_choice(x, _DECISION_WORDS, expected),
                required=True, codes=codes, affects=False)
    _parse_into(ctx, out, "reason", _required_text("决定理由"), required=True, codes=codes,
                affects=False)
    out["decided_by"] = [v.normalize_text(x) for x in _cell(ctx, "decided_by")]
    _parse_into(ctx, out, "decided_on", v.parse_date, required=False, codes=codes, affects=False)
    _flag_duplicates(ctx, out, ["code"], "评审决定", compare=["decision"], affects=False)
    return out


def _required_text(what: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        text = v.normalize_text(raw)
        if text is None:
            raise v.BadValue(f"{what}（不能为空）", f"{what}为空")
        return text
    return parse


def _flag_duplicates(ctx: _Context, out: pd.DataFrame, keys: list[str], label: str, *,
                     compare: list[str] | None = None, rows_are_raw: bool = True,
                     affects: bool = True) -> None:
    """Repeated keys: identical repeats are notices, conflicting ones are problems."""
    usable = out[out["is_valid"] & (out["code"] != "")]
    if usable.empty:
        return
    dup = usable[usable.duplicated(keys, keep=False)]
    if dup.empty:
        return
    compare = compare or [c for c in out.columns if c not in {"file", "sheet", "row", "is_valid"}]
    for _, group in dup.groupby(keys, sort=False):
        first = group.iloc[0]
        differs = any(group[c].astype(str).nunique() > 1 for c in compare)
        rows = "、".join(str(r) for r in group["row"])
        for index in group.index[1:]:
            row = out.loc[index]
            severity = ERROR if differs else NOTICE
            message = (f"{label}重复且内容不一致（第 {rows} 行）" if differs
                       else f"{label}重复（第 {rows} 行），内容相同，只计一次")
            ctx.problems.append(Problem(
                severity, ctx.spec.name, message, file=row["file"], sheet=row["sheet"],
                row=int(row["row"]), column=ctx.label(keys[-1]), code=first["code"],
                value="", expected="每项只填一行",
                affects_status=severity == ERROR and affects))
            out.loc[index, "is_valid"] = False
        if differs:
            out.loc[group.index[0], "is_valid"] = False


_PARSERS: dict[str, Callable[[_Context], pd.DataFrame]] = {
    "declarations": _parse_declarations,
    "recommendations": _parse_recommendations,
    "land_stats": _parse_land_stats,
    "veto_events": _parse_veto_events,
    "bonus_events": _parse_bonus_events,
    "scores": _parse_scores,
    "verification": _parse_verification,
    "decisions": _parse_decisions,
}


def empty_table(name: str, params: Params) -> pd.DataFrame:
    """An optional table that is absent: no rows, the parsed columns."""
    columns = {
        "verification": ["code", "check_passed", "objection_upheld", "disqualified_reason"],
        "decisions": ["code", "decision", "reason", "decided_by", "decided_on"],
    }[name]
    return pd.DataFrame(columns=["file", "sheet", "row", "is_valid", *columns])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


DEMO_MARKER = "DEMO_DATA.txt"


def load_year(folder: Path, year: int, params: Params, divisions: Divisions) -> YearInputs:
    """Read and parse every table of a year; raise InputError listing all fatal problems."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(FATAL, "declarations", f"输入文件夹不存在：{folder}",
                                  expected="包含 declarations.csv 等表格的文件夹")])
    problems: list[Problem] = []
    fatal: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    for name, spec in TABLES.items():
        found = find_table_file(folder, spec)
        if isinstance(found, list):
            fatal.append(_fatal(name, f"{spec.zh}表有多个文件：{'、'.join(p.name for p in found)}", None,
                                "每张表只保留一个文件"))
            continue
        if found is None:
            if spec.optional:
                tables[name] = empty_table(name, params)
            else:
                fatal.append(_fatal(name, f"缺少必需的{spec.zh}表（{name}.csv 或 {name}.xlsx）", None,
                                    f"文件 {name}.csv 或 {name}.xlsx"))
            continue
        files[name] = found
        try:
            raw = read_raw_table(found, name)
            mapping = map_header(spec, raw.header)
            required = [c for c in spec.columns if c.required and c.name not in mapping.values()]
            if required:
                labels = "、".join(f"{c.zh}（{c.name}）" for c in required)
                raise InputError([_fatal(name, f"{spec.zh}表缺少必需的列：{labels}", found,
                                         "表头含有：" + "、".join(c.zh for c in spec.columns if c.required))])
            ctx = _Context(spec, raw, mapping, problems, divisions, params, year)
            tables[name] = _PARSERS[name](ctx)
        except InputError as error:
            fatal.extend(error.problems)
    if fatal:
        raise InputError(fatal)
    marker = folder / DEMO_MARKER
    return YearInputs(
        year=year, folder=folder, tables=tables, problems=problems, files=files,
        file_hashes={n: sha256_file(p) for n, p in files.items()},
        is_demo=marker.is_file(),
        demo_label=marker.read_text(encoding="utf-8").strip() if marker.is_file() else "",
    )
