"""The bad-input corpus (issue 4): one small mutation of the clean base year per case.

The base year is the golden year 2025 (tests/golden/2025: input/ and params.yaml), whose results
are known by hand. Each case changes a copy of it and says what SPEC 4 requires:

- ``fatal``: the year cannot be assessed; ``InputError`` names the table (and file).
- ``row``: a located problem (file, row, column, value, expected) in the table; the county
  ``target`` gets ``status`` (``incomplete`` unless said); every other county is unchanged.
- ``listed``: a located problem (or a notice: a row not counted, an ignored column) is listed;
  no county changes.
- ``clean``: the change is an accepted way of writing the same data (an encoding, an .xlsx
  layout); results and errors are those of the base year.

Most row cases use 321322 沭阳县: declared, recommended, scored and ranked last (9th, not
selected), so taking it out of the ranking changes nobody else.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import workbook as wb

TARGET = "321322"  # 沭阳县 (宿迁市)


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Path], None]
    kind: str  # fatal | row | listed | clean
    table: str  # the table the problem must name
    target: str | None = None  # row: the county whose status changes
    status: str = "incomplete"  # row: the target's status
    column: str | None = None  # the column label the problem must name
    row: int | None = None  # the row number (as the user sees it) the problem must name
    file: str | None = None  # the file name the problem must name (default: <table>.csv)
    text: str = ""  # a substring of the problem's message
    severity: str = "error"  # listed: error or notice
    code: str | None = None  # the county code on the problem (row: default target; "" none)


CASES: list[Case] = []


def case(id: str, kind: str, table: str, **expected) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    def register(mutate: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES.append(Case(id, mutate, kind, table, **expected))
        return mutate
    return register


# ============================================================================ encodings


@case("encoding-utf8-bom-declarations", "clean", "declarations")
def _(folder: Path) -> None:
    wb.reencode(folder, "declarations", "utf-8-sig")


@case("encoding-gbk-declarations", "clean", "declarations")
def _(folder: Path) -> None:
    wb.reencode(folder, "declarations", "gbk")


@case("encoding-gbk-land-stats", "clean", "land_stats")
def _(folder: Path) -> None:
    wb.reencode(folder, "land_stats", "gbk")


@case("encoding-gb18030-veto-events", "clean", "veto_events")
def _(folder: Path) -> None:
    # 𠀀 (U+20000) exists in GB18030 only (four bytes), not in GBK.
    wb.set_cell(folder, "veto_events", TARGET, "说明", "省厅挂牌督办（非自然资源部）𠀀")
    wb.reencode(folder, "veto_events", "gb18030")


@case("encoding-utf16-declarations", "fatal", "declarations", text="UTF-16")
def _(folder: Path) -> None:
    wb.reencode(folder, "declarations", "utf-16")


@case("encoding-big5-declarations", "fatal", "declarations", text="Big5")
def _(folder: Path) -> None:
    text = ("縣級代碼,名稱,設區市,申報日期\n321322,沭陽縣,宿遷市,2026-01-14\n"
            "321324,泗洪縣,宿遷市,2026-01-14\n321323,泗陽縣,宿遷市,2026-01-14\n")
    (folder / "declarations.csv").write_bytes(text.encode("big5"))


@case("encoding-latin1-land-stats", "fatal", "land_stats", text="编码")
def _(folder: Path) -> None:
    text = ("code,illegal_cultivated_area,construction_cultivated_area,area_unit,source\n"
            "321322,14,140,mu,Öffentliche Flächenstatistik für Straßen\n")
    (folder / "land_stats.csv").write_bytes(text.encode("cp1252"))


@case("encoding-mixed-utf8-and-gbk-scores", "fatal", "scores", text="第 582 行")
def _(folder: Path) -> None:
    with (folder / "scores.csv").open("ab") as handle:
        handle.write("评委丁,321322,C01,4\n".encode("gbk"))


# ============================================================================ files


@case("file-empty-0-bytes-recommendations", "fatal", "recommendations", text="为空")
def _(folder: Path) -> None:
    (folder / "recommendations.csv").write_bytes(b"")


@case("file-blank-lines-only-verification", "fatal", "verification", text="为空")
def _(folder: Path) -> None:
    (folder / "verification.csv").write_text("\n ,,\n\n", encoding="utf-8")


@case("file-header-only-land-stats", "fatal", "land_stats", text="只有表头")
def _(folder: Path) -> None:
    header, _ = wb.read_table(folder, "land_stats")
    wb.write_table(folder, "land_stats", header, [])


@case("file-header-only-declarations", "fatal", "declarations", text="只有表头")
def _(folder: Path) -> None:
    header, _ = wb.read_table(folder, "declarations")
    wb.write_table(folder, "declarations", header, [])


@case("file-code-column-unreadable-in-every-row-declarations", "fatal", "declarations",
      text="没有一行能识别出县级代码")
def _(folder: Path) -> None:
    # Codes written as names (a shifted column): as meaningless as a table without rows.
    header, rows = wb.read_table(folder, "declarations")
    wb.write_table(folder, "declarations", header, [[row[1], *row[1:]] for row in rows])


@case("file-header-only-decisions", "clean", "decisions")
def _(folder: Path) -> None:
    wb.write_table(folder, "decisions", ["县级代码", "决定", "理由"], [])


@case("file-corrupt-xlsx-scores", "fatal", "scores", file="scores.xlsx", text="xlsx")
def _(folder: Path) -> None:
    (folder / "scores.csv").unlink()
    (folder / "scores.xlsx").write_bytes(random.Random(4).randbytes(3000))


@case("file-truncated-xlsx-declarations", "fatal", "declarations", file="declarations.xlsx",
      text="损坏")
def _(folder: Path) -> None:
    path = wb.to_xlsx(folder, "declarations")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@case("file-xlsx-named-csv-land-stats", "fatal", "land_stats", text=".xlsx")
def _(folder: Path) -> None:
    path = wb.to_xlsx(folder, "land_stats")
    path.rename(folder / "land_stats.csv")


@case("file-xls-format-declarations", "fatal", "declarations", file="declarations.xls",
      text="格式不支持")
def _(folder: Path) -> None:
    (folder / "declarations.csv").rename(folder / "declarations.xls")


@case("file-missing-required-table-land-stats", "fatal", "land_stats", file="", text="缺少必需的耕地数据表")
def _(folder: Path) -> None:
    (folder / "land_stats.csv").unlink()


@case("file-both-csv-and-xlsx-bonus-events", "fatal", "bonus_events", file="",
      text="bonus_events.csv、bonus_events.xlsx")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "bonus_events")  # replaces the CSV; then a CSV reappears beside it
    (folder / "bonus_events.csv").write_text("code,kind,level,document_no,date\n", encoding="utf-8")


@case("file-xlsx-data-on-second-sheet-verification", "fatal", "verification", file="verification.xlsx",
      text="第一个工作表")
def _(folder: Path) -> None:
    import openpyxl

    header, rows = wb.read_table(folder, "verification")
    (folder / "verification.csv").unlink()
    book = openpyxl.Workbook()
    book.active.title = "说明"
    data = book.create_sheet("查验结果")
    data.append(header)
    for row in rows:
        data.append(row)
    book.save(folder / "verification.xlsx")


@case("xlsx-very-hidden-first-sheet-verification", "listed", "verification", severity="notice",
      file="verification.xlsx", text="旧表")
def _(folder: Path) -> None:
    # A veryHidden first sheet (not visible in Excel): the first visible sheet is read, a notice.
    path = wb.to_xlsx(folder, "verification")
    import openpyxl

    book = openpyxl.load_workbook(path)
    old = book.create_sheet("旧表", 0)
    old.append(["县级代码", "查验通过"])
    old.append([int(TARGET), "否"])
    old.sheet_state = "veryHidden"
    book.active = 1
    book.save(path)


@case("file-folder-named-like-table-declarations", "fatal", "declarations", text="不是普通文件")
def _(folder: Path) -> None:
    (folder / "declarations.csv").unlink()
    (folder / "declarations.csv").mkdir()


# ============================================================================ headers and columns


@case("header-missing-required-column-declarations", "fatal", "declarations", text="申报日期")
def _(folder: Path) -> None:
    wb.drop_column(folder, "declarations", "申报日期")


@case("header-long-scores-without-score-column", "fatal", "scores", text="得分")
def _(folder: Path) -> None:
    wb.drop_column(folder, "scores", "score")


@case("header-verification-without-outcome-column", "fatal", "verification", text="查验通过")
def _(folder: Path) -> None:
    for column in ("查验通过", "异议成立", "取消资格原因"):
        wb.drop_column(folder, "verification", column)


@case("header-decisions-without-reason-column", "fatal", "decisions", file="decisions.csv", text="理由")
def _(folder: Path) -> None:
    wb.write_table(folder, "decisions", ["县级代码", "决定"], [["320115", "先进"]])


@case("header-unknown-extra-column-land-stats", "listed", "land_stats", severity="notice", column="核查备注",
      row=1, text="未识别的列", code="")
def _(folder: Path) -> None:
    header, rows = wb.read_table(folder, "land_stats")
    wb.write_table(folder, "land_stats", [*header, "核查备注"], [[*row, "已核"] for row in rows])


@case("header-two-columns-for-name-declarations", "listed", "declarations", severity="notice",
      column="单位名称", row=1, text="只读取左边的一列", code="")
def _(folder: Path) -> None:
    header, rows = wb.read_table(folder, "declarations")
    wb.write_table(folder, "declarations", [*header, "单位名称"], [[*row, row[1]] for row in rows])


@case("header-title-line-and-blank-lines-csv-declarations", "row", "declarations", target=TARGET,
      column="申报日期", row=18)
def _(folder: Path) -> None:
    # A title line above the header and a blank line after row 5: 沭阳县's line 16 becomes 18.
    wb.set_cell(folder, "declarations", TARGET, "申报日期", "2026-02-30")
    path = folder / "declarations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = ["2025年度土地执法模范县申报汇总表,,,,,,,,", *lines[:5], ",,,,,,,,", *lines[5:], ",,,,,,,,", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


@case("csv-cells-beyond-the-header-declarations", "row", "declarations", target=TARGET, row=16,
      text="多于表头")
def _(folder: Path) -> None:
    # One row longer than the header: in a CSV that is a row shifted by an unquoted comma (its
    # values may have moved into columns the rules read), so the row is an error (issue 9).
    header, rows = wb.read_table(folder, "declarations")
    row = next(r for r in rows if r[0] == TARGET)
    row.append("备注：材料已补交")
    wb.write_table(folder, "declarations", header, rows)


@case("csv-column-without-header-in-every-row-declarations", "listed", "declarations", severity="notice",
      column="", row=2, text="没有表头", code="")
def _(folder: Path) -> None:
    # Every row has a cell right of the header: a column without a header, not a shifted row.
    header, rows = wb.read_table(folder, "declarations")
    wb.write_table(folder, "declarations", header, [[*r, "已核"] for r in rows])


@case("csv-stray-quote-swallows-later-rows-declarations", "row", "declarations", target=TARGET, row=2,
      column="联系人", text="引号")
def _(folder: Path) -> None:
    # 沭阳县 moved to the first row, a " typed before its contact: in CSV the quote runs to the end
    # of the file and the 16 rows below would vanish into one cell (issue 9). They are read.
    path = folder / "declarations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    mine = next(line for line in lines if line.startswith(TARGET))
    cells = mine.split(",")
    cells[7] = '"' + cells[7]
    rest = [line for line in lines[1:] if line != mine]
    path.write_text("\n".join([lines[0], ",".join(cells), *rest]) + "\n", encoding="utf-8")


@case("csv-unquoted-comma-shifts-row-land-stats", "row", "land_stats", target=TARGET, row=17, text="多于表头")
def _(folder: Path) -> None:
    path = folder / "land_stats.csv"
    text = path.read_text(encoding="utf-8")
    old = f"{TARGET},14,140,亩,省厅卫片执法年度数据"
    assert old in text
    path.write_text(text.replace(old, f"{TARGET},14,140,亩,省厅卫片执法,年度数据"), encoding="utf-8")


@case("csv-tab-separated-land-stats", "clean", "land_stats")
def _(folder: Path) -> None:
    path = folder / "land_stats.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8")


@case("csv-quoted-line-break-in-cell-veto-events", "clean", "veto_events")
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "说明", "省厅挂牌督办\n（非自然资源部）")


# ============================================================================ .xlsx layouts


@case("xlsx-typed-cells-declarations", "clean", "declarations")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "declarations")  # codes and areas as numbers, ISO dates as date cells


@case("xlsx-title-blank-and-trailing-rows-land-stats", "listed", "land_stats", severity="notice",
      file="land_stats.xlsx", row=1, text="标题", code="")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "land_stats", title="2025年度各县（市、区）耕地数据（省厅卫片执法）",
               blank_rows_after=(4, 9, 9), trailing_blank_rows=3)


@case("xlsx-two-row-merged-header-declarations", "clean", "declarations")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "declarations", group_header={
        "自报违法占用耕地面积": ("自报", "违法占用耕地面积"),
        "自报新增建设用地占用耕地面积": ("自报", "新增建设用地占用耕地面积"),
        "联系人": ("联系方式", "联系人"), "联系电话": ("联系方式", "联系电话"),
    })


@case("xlsx-title-and-two-row-header-bad-area-land-stats", "row", "land_stats", target=TARGET,
      file="land_stats.xlsx", column="违法占用耕地面积", row=19, text="不是数值")
def _(folder: Path) -> None:
    # Title row 1, header rows 2–3: 沭阳县 (CSV line 17) is on sheet row 19.
    wb.set_cell(folder, "land_stats", TARGET, "违法占用耕地面积", "约十四亩")
    wb.to_xlsx(folder, "land_stats", title="耕地数据", group_header={
        "违法占用耕地面积": ("面积", "违法占用耕地面积"),
        "新增建设用地占用耕地面积": ("面积", "新增建设用地占用耕地面积")})


@case("xlsx-merged-city-cells-recommendations", "clean", "recommendations")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "recommendations", merge_column="city")


@case("xlsx-hidden-column-declarations", "listed", "declarations", severity="notice",
      file="declarations.xlsx", column="联系电话", text="隐藏", code="")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "declarations", hidden_columns=("联系电话",))


@case("xlsx-hidden-row-declarations", "listed", "declarations", severity="notice",
      file="declarations.xlsx", row=16, text="隐藏", code="")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "declarations", hidden_rows=(16,))


@case("xlsx-formula-with-cached-value-scores", "clean", "scores")
def _(folder: Path) -> None:
    path = wb.to_xlsx(folder, "scores", formulas={(106, "score"): "=2+2"})  # 评委甲 321322 C01 4
    wb.cache_formula_values(path, {"D106": "4"})


@case("xlsx-formula-without-cached-value-scores", "row", "scores", target=TARGET, file="scores.xlsx",
      column="score", row=106, text="公式")
def _(folder: Path) -> None:
    wb.to_xlsx(folder, "scores", formulas={(106, "score"): "=2+2"})


@case("xlsx-formula-without-cached-value-in-code-land-stats", "row", "land_stats", target=TARGET,
      file="land_stats.xlsx", column="县级代码", row=17, text="公式", code="")
def _(folder: Path) -> None:
    # The code cannot be read, so the row names no county and 沭阳县 has no land statistics.
    wb.to_xlsx(folder, "land_stats", formulas={(17, "县级代码"): "=321000+322"})


@case("xlsx-error-value-in-area-land-stats", "row", "land_stats", target=TARGET, file="land_stats.xlsx",
      column="新增建设用地占用耕地面积", row=17)
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "新增建设用地占用耕地面积", "#DIV/0!")
    wb.to_xlsx(folder, "land_stats")


@case("xlsx-wide-scores", "clean", "scores")
def _(folder: Path) -> None:
    wb.scores_to_wide_xlsx(folder)


@case("xlsx-wide-scores-named-criteria-and-title", "clean", "scores")
def _(folder: Path) -> None:
    wb.scores_to_wide_xlsx(folder, named=True, title="2025年度评分汇总（宽表）")


@case("xlsx-wide-scores-bad-cell", "row", "scores", target=TARGET, file="scores.xlsx", column="C03",
      text="不是数值")
def _(folder: Path) -> None:
    wb.scores_to_wide_xlsx(folder, change=("评委乙", TARGET, "C03", "良好"))


# ============================================================================ declarations


@case("declarations-name-not-matching-code", "row", "declarations", target=TARGET, column="名称", row=16,
      text="名称与代码不符")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "名称", "泗洪县")


@case("declarations-city-not-matching-code", "row", "declarations", target=TARGET, column="设区市", row=16,
      text="设区市与代码不符")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "设区市", "徐州市")


@case("declarations-unknown-city", "row", "declarations", target=TARGET, column="设区市", row=16,
      text="不是本省设区市")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "设区市", "苏北市")


@case("declarations-unparseable-date", "row", "declarations", target=TARGET, column="申报日期", row=16,
      text="不是存在的日期")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "申报日期", "2026-02-30")


@case("declarations-future-date", "row", "declarations", target=TARGET, column="申报日期", row=16,
      text="晚于今天")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "申报日期", "2099-01-14")


@case("declarations-negative-area", "row", "declarations", target=TARGET, column="自报违法占用耕地面积",
      row=16, text="负数")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "自报违法占用耕地面积", "-14")


@case("declarations-wrong-unit", "row", "declarations", target=TARGET, column="面积单位", row=16,
      text="面积单位")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "面积单位", "平方米")


@case("declarations-blank-name", "row", "declarations", target=TARGET, column="名称", row=16)
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "名称", "")


@case("declarations-control-character-in-name", "row", "declarations", target=TARGET, column="名称",
      row=16, text="名称与代码不符")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "名称", "沭阳县\x07")


@case("declarations-unknown-code", "listed", "declarations", column="县级代码", row=19,
      text="不在县级行政区划名单中", code="329999")
def _(folder: Path) -> None:
    wb.append_row(folder, "declarations", {"县级代码": "329999", "名称": "某某县", "设区市": "宿迁市",
                                           "申报日期": "2026-01-10"})


@case("declarations-development-zone-320571", "listed", "declarations", column="县级代码", row=19,
      text="开发区", code="320571")
def _(folder: Path) -> None:
    wb.append_row(folder, "declarations", {"县级代码": "320571", "名称": "苏州工业园区", "设区市": "苏州市",
                                           "申报日期": "2026-01-10"})


@case("declarations-malformed-code", "listed", "declarations", column="县级代码", row=19,
      text="不是6位区划代码", code="")
def _(folder: Path) -> None:
    wb.append_row(folder, "declarations", {"县级代码": "32132X", "名称": "沭阳县", "设区市": "宿迁市",
                                           "申报日期": "2026-01-10"})


@case("declarations-code-with-apostrophe-and-full-width-digits", "clean", "declarations")
def _(folder: Path) -> None:
    wb.set_cell(folder, "declarations", TARGET, "县级代码", "'３２１３２２")


@case("declarations-duplicate-identical", "listed", "declarations", severity="notice", row=19,
      text="内容相同", code=TARGET)
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "declarations", TARGET)


@case("declarations-duplicate-conflicting", "row", "declarations", target=TARGET, row=19,
      text="重复且内容不一致")
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "declarations", TARGET, {"自报违法占用耕地面积": "12"})


# ============================================================================ recommendations


@case("recommendations-non-numeric-order", "row", "recommendations", target="321323",
      status="not_recommended", column="order", row=16, text="不是数值")
def _(folder: Path) -> None:
    # 泗阳县 is 宿迁市's third (over the quota of 2): the row cannot be placed, so it admits nobody
    # (docs/rules.md) and the county is not recommended.
    wb.set_cell(folder, "recommendations", "321323", "order", "第三")


@case("recommendations-unknown-city", "row", "recommendations", target="321323",
      status="not_recommended", column="city", row=16, text="不是本省设区市")
def _(folder: Path) -> None:
    wb.set_cell(folder, "recommendations", "321323", "city", "苏北市")


@case("recommendations-development-zone", "listed", "recommendations", column="code", row=19,
      text="开发区", code="320571")
def _(folder: Path) -> None:
    wb.append_row(folder, "recommendations", {"city": "苏州市", "code": "320571", "order": "3"})


@case("recommendations-unparseable-date", "listed", "recommendations", column="recommended_on", row=18,
      code=TARGET)
def _(folder: Path) -> None:
    wb.set_cell(folder, "recommendations", TARGET, "recommended_on", "2026-01-32")


@case("recommendations-future-date", "listed", "recommendations", column="recommended_on", row=18,
      text="晚于今天", code=TARGET)
def _(folder: Path) -> None:
    wb.set_cell(folder, "recommendations", TARGET, "recommended_on", "2099-01-30")


# ============================================================================ land statistics


@case("land-non-numeric-area", "row", "land_stats", target=TARGET, column="违法占用耕地面积", row=17,
      text="不是数值")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "违法占用耕地面积", "十四")


@case("land-negative-area", "row", "land_stats", target=TARGET, column="新增建设用地占用耕地面积", row=17,
      text="负数")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "新增建设用地占用耕地面积", "-140")


@case("land-nan-area", "row", "land_stats", target=TARGET, column="违法占用耕地面积", row=17)
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "违法占用耕地面积", "NaN")


@case("land-infinite-area", "row", "land_stats", target=TARGET, column="新增建设用地占用耕地面积", row=17)
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "新增建设用地占用耕地面积", "Infinity")


@case("land-huge-area", "row", "land_stats", target=TARGET, column="新增建设用地占用耕地面积", row=17,
      text="超出可处理的数值范围")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "新增建设用地占用耕地面积", "1e400")


@case("land-wrong-unit", "row", "land_stats", target=TARGET, column="面积单位", row=17)
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "面积单位", "平方公里")


@case("land-unit-in-cell-conflicts-with-unit-column", "row", "land_stats", target=TARGET,
      column="违法占用耕地面积", row=17, text="不一致")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "违法占用耕地面积", "14公顷")


@case("land-full-width-digits-and-separators", "clean", "land_stats")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "违法占用耕地面积", "１４．０亩")
    wb.set_cell(folder, "land_stats", "320981", "新增建设用地占用耕地面积", "1,000")


@case("land-missing-row", "row", "land_stats", target=TARGET, text="缺少该县的耕地数据")
def _(folder: Path) -> None:
    wb.delete_rows(folder, "land_stats", TARGET)


@case("land-code-typo", "row", "land_stats", target=TARGET, column="县级代码", row=17, code="")
def _(folder: Path) -> None:
    wb.set_cell(folder, "land_stats", TARGET, "县级代码", "32l322")


@case("land-development-zone", "listed", "land_stats", column="县级代码", row=20, text="开发区",
      code="320571")
def _(folder: Path) -> None:
    wb.append_row(folder, "land_stats", {"县级代码": "320571", "违法占用耕地面积": "1",
                                         "新增建设用地占用耕地面积": "10", "面积单位": "亩"})


@case("land-duplicate-identical", "listed", "land_stats", severity="notice", row=20, text="内容相同",
      code=TARGET)
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "land_stats", TARGET)


@case("land-duplicate-conflicting", "row", "land_stats", target=TARGET, row=20, text="重复且内容不一致")
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "land_stats", TARGET, {"违法占用耕地面积": "15"})


# ============================================================================ veto events


@case("veto-unknown-type", "row", "veto_events", target=TARGET, column="类型", row=7, text="不是可识别的取值")
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "类型", "群众举报")


@case("veto-unknown-level", "row", "veto_events", target=TARGET, column="层级", row=7, text="层级")
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "层级", "乡")


@case("veto-unreadable-verified", "row", "veto_events", target=TARGET, column="是否查实", row=7)
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "是否查实", "可能")


@case("veto-unparseable-date", "row", "veto_events", target=TARGET, column="日期", row=7)
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "日期", "2025-02-30")


@case("veto-media-report-without-verified", "row", "veto_events", target=TARGET, column="是否查实", row=8,
      text="须填写是否查实")
def _(folder: Path) -> None:
    wb.append_row(folder, "veto_events", {"县级代码": TARGET, "类型": "媒体披露", "日期": "2025-05-01",
                                          "层级": "省"})


@case("veto-event-after-the-year-not-counted", "listed", "veto_events", severity="notice", row=7,
      text="不在评估年度", code=TARGET)
def _(folder: Path) -> None:
    wb.set_cell(folder, "veto_events", TARGET, "日期", "2099-04-02")


@case("veto-unknown-code", "listed", "veto_events", column="县级代码", row=8, code="999999")
def _(folder: Path) -> None:
    wb.append_row(folder, "veto_events", {"县级代码": "999999", "类型": "约谈问责", "日期": "2025-05-01",
                                          "层级": "省", "是否查实": "是"})


# ============================================================================ bonus events


def _bonus(**changes: str) -> dict[str, str]:
    row = {"code": TARGET, "kind": "通报表扬", "level": "省级", "document_no": "苏自然资函〔2025〕99号",
           "date": "2025-05-01", "title": "测试通报"}
    row.update(changes)
    return row


@case("bonus-unknown-kind", "row", "bonus_events", target=TARGET, column="kind", row=9)
def _(folder: Path) -> None:
    wb.append_row(folder, "bonus_events", _bonus(kind="嘉奖"))


@case("bonus-unknown-level", "row", "bonus_events", target=TARGET, column="level", row=9)
def _(folder: Path) -> None:
    wb.append_row(folder, "bonus_events", _bonus(level="世界级"))


@case("bonus-blank-document-number", "row", "bonus_events", target=TARGET, column="document_no", row=9,
      text="文号为空")
def _(folder: Path) -> None:
    wb.append_row(folder, "bonus_events", _bonus(document_no=""))


@case("bonus-unparseable-date", "row", "bonus_events", target=TARGET, column="date", row=9)
def _(folder: Path) -> None:
    wb.append_row(folder, "bonus_events", _bonus(date="明年"))


@case("bonus-city-level-not-counted", "listed", "bonus_events", severity="notice", row=9, text="市级",
      code=TARGET)
def _(folder: Path) -> None:
    wb.append_row(folder, "bonus_events", _bonus(level="市级"))


@case("bonus-dated-after-the-year-not-counted", "listed", "bonus_events", severity="notice", row=9,
      text="不在评估年度", code=TARGET)
def _(folder: Path) -> None:
    # Outside the year, so not counted: 沭阳县 keeps its (zero) bonus.
    wb.append_row(folder, "bonus_events", _bonus(date="2099-05-01", title="<script>alert(1)</script>"))


# ============================================================================ scores
# Row 106 of scores.csv is 评委甲, 321322, C01, 4 (C01 maximum 5).


def _is_c01_of_first(row: list[str]) -> bool:
    return row[0] == "评委甲" and row[2] == "C01"


@case("scores-non-numeric", "row", "scores", target=TARGET, column="score", row=106, text="不是数值")
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "score", "优", where=_is_c01_of_first)


@case("scores-above-maximum", "row", "scores", target=TARGET, column="score", row=106, text="超出范围")
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "score", "6", where=_is_c01_of_first)


@case("scores-negative", "row", "scores", target=TARGET, column="score", row=106, text="超出范围")
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "score", "-1", where=_is_c01_of_first)


@case("scores-nan", "row", "scores", target=TARGET, column="score", row=106)
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "score", "nan", where=_is_c01_of_first)


@case("scores-too-many-decimals", "row", "scores", target=TARGET, column="score", row=106,
      text="小数位数过多")
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "score", "4.00000000001", where=_is_c01_of_first)


@case("scores-unknown-criterion", "row", "scores", target=TARGET, column="criterion", row=106,
      text="未知指标")
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "criterion", "C14", where=_is_c01_of_first)


@case("scores-blank-evaluator", "row", "scores", target=TARGET, column="evaluator", row=106)
def _(folder: Path) -> None:
    wb.set_cell(folder, "scores", TARGET, "evaluator", "", where=_is_c01_of_first)


@case("scores-unknown-code", "listed", "scores", column="code", row=582, code="329999")
def _(folder: Path) -> None:
    wb.append_row(folder, "scores", {"evaluator": "评委甲", "code": "329999", "criterion": "C01", "score": "4"})


@case("scores-duplicate-identical", "listed", "scores", severity="notice", row=582, text="内容相同",
      code=TARGET)
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "scores", TARGET, where=_is_c01_of_first)


@case("scores-duplicate-conflicting", "row", "scores", target=TARGET, row=582, text="重复且内容不一致")
def _(folder: Path) -> None:
    wb.duplicate_row(folder, "scores", TARGET, {"score": "3"}, where=_is_c01_of_first)


# ============================================================================ verification


@case("verification-unreadable-outcome", "row", "verification", target=TARGET, column="查验通过", row=5)
def _(folder: Path) -> None:
    wb.append_row(folder, "verification", {"县级代码": TARGET, "查验通过": "待定", "异议成立": "否"})


@case("verification-unknown-code", "listed", "verification", column="县级代码", row=5, code="329999")
def _(folder: Path) -> None:
    wb.append_row(folder, "verification", {"县级代码": "329999", "查验通过": "是", "异议成立": "否"})


# ============================================================================ decisions
# 320115 江宁区 and 320117 溧水区 are tied for 6th (tie_pending) in the base year.


@case("decisions-unknown-decision", "listed", "decisions", column="决定", row=2, code="320115")
def _(folder: Path) -> None:
    wb.write_table(folder, "decisions", ["县级代码", "决定", "理由"], [["320115", "冠军", "并列第六"]])


@case("decisions-blank-reason", "listed", "decisions", column="理由", row=2, code="320115")
def _(folder: Path) -> None:
    wb.write_table(folder, "decisions", ["县级代码", "决定", "理由"], [["320115", "先进", ""]])


@case("decisions-development-zone", "listed", "decisions", column="县级代码", row=2, text="开发区",
      code="320571")
def _(folder: Path) -> None:
    wb.write_table(folder, "decisions", ["县级代码", "决定", "理由"], [["320571", "先进", "并列"]])


# ============================================================================ recusals (回避, SPEC 7.4)
# A bad recusal row is not applied and makes no county incomplete (the committee fixes the table).


@case("recusals-unknown-code", "listed", "recusals", column="县级代码", row=2, code="", text="回避未生效")
def _(folder: Path) -> None:
    wb.write_table(folder, "recusals", ["评委", "县级代码", "设区市", "理由"], [["评委甲", "329999", "", "曾任职"]])


@case("recusals-neither-county-nor-city", "listed", "recusals", row=2, code="")
def _(folder: Path) -> None:
    wb.write_table(folder, "recusals", ["评委", "县级代码", "设区市", "理由"], [["评委甲", "", "", "曾任职"]])


@case("recusals-unknown-city", "listed", "recusals", column="设区市", row=2, code="")
def _(folder: Path) -> None:
    wb.write_table(folder, "recusals", ["评委", "县级代码", "设区市", "理由"], [["评委甲", "", "上海市", "曾任职"]])
