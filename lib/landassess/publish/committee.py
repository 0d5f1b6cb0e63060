"""The committee pack ``评分汇总表.xlsx`` (SPEC 8.4): what the 评审委员会 reviews, decides and signs.

Three sheets, each printing on A4 with its header row repeated and page numbers:

- 排名汇总: every ranked unit (六(三)) by position, with its aggregated scores (基础得分, 加分, 总分),
  its current title or status (SPEC 7.3) and how ties, decisions and disqualifications explain it;
- 待定并列: the units ``tie_pending`` (a tie across a title line, SPEC 3.4), with the tie-break chain
  they went through, an empty column for the committee's decision and the reference to cite in the
  ``basis`` (依据) column of ``decisions.csv``;
- 委员签字: one signature line per member.

The committee sees totals: no evaluator's name and no single evaluator's score is in the pack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import pandas as pd

from landassess.assessment import Assessment
from landassess.publish.documents import DEMO_MARK, current_title
from landassess.publish.workbooks import (
    NUMBER_FORMAT,
    fit_columns,
    neutralize_cell,
    print_setup,
    save_workbook,
)
from landassess.rules.ranking import TIE_BREAK_ZH
from landassess.rules.scoring import round_half_up
from landassess.vocabulary import DECISIONS, TIER_ZH

FILE_NAME = "评分汇总表.xlsx"
"""The pack's name in the year's folder (SPEC 8.4)."""
TITLE = "{year} 年度土地执法模范县创建活动 评分汇总表（供评审委员会审议）"
"""The pack's title: row 1 of 排名汇总 and the header of every printed page."""
RANKING_SHEET, TIES_SHEET, SIGNATURE_SHEET = "排名汇总", "待定并列", "委员签字"
RANKING_COLUMNS = ["名次", "县级代码", "单位", "设区市", "基础得分", "加分", "总分", "拟评定称号/状态", "说明"]
SCORE_COLUMNS = ("基础得分", "加分", "总分")
"""Aggregated scores only (SPEC 8.4): the committee sees totals, never a single evaluator's score."""
TIE_COLUMNS = ["并列名次", "县级代码", "单位", "设区市", "总分", "{effectiveness}得分", "违法占用耕地比例",
               "待定于", "比较情况", "委员会决定", "记录依据"]
"""待定并列: what the tie-break compared (SPEC 3.4), the committee's empty column and the row to cite."""
HEADER_ROW = 3
"""Rows 1–2 of the two tables are the title and a note; the header is row 3, the data start on row 4."""
BLANK_SIGNATURES = 9
"""Signature lines when no member is named (an assumption: the notice does not fix the committee's size)."""


def _score(text: object) -> float | None:
    """A rounded score of the county table (text, as in results.csv) as a number for a cell."""
    return float(text) if isinstance(text, str) and text.strip() else None


def _with_names(text: str, names: dict[str, str]) -> str:
    """A tie explanation with each division code followed by its name: 与 320117 → 与 320117 溧水区."""
    return re.sub(r"(?<!\d)(\d{6})(?!\d)", lambda m: f"{m.group(1)} {names.get(m.group(1), '')}".rstrip(), text)


def remark(row, names: dict[str, str]) -> str:
    """The 说明 of a ranked unit: the tie-break that placed it, the committee's decision, a disqualification."""
    parts = []
    if isinstance(row.tie_break, str) and row.tie_break:
        parts.append(_with_names(row.tie_break, names))
    if isinstance(row.decision, str) and row.decision:
        parts.append(f"评审决定：{DECISIONS[row.decision]}（理由：{row.decision_reason}）")
    if row.status == "disqualified" and row.disqualified_reason:
        parts.append(f"取消资格：{row.disqualified_reason}（不再增补）")
    return "；".join(parts)


def ranking_rows(assessment: Assessment) -> pd.DataFrame:
    """Every ranked unit by position then code, with the aggregated scores and its current status (六(三))."""
    counties = assessment.counties
    ranked = counties[counties["is_ranked"]].sort_values(["position", "code"])
    names = assessment.divisions.name_of()
    return pd.DataFrame({
        "名次": [int(r) for r in ranked["rank"]],
        "县级代码": ranked["code"], "单位": ranked["name"], "设区市": ranked["city"],
        "基础得分": [_score(x) for x in ranked["base_score"]],
        "加分": [_score(x) for x in ranked["bonus"]],
        "总分": [_score(x) for x in ranked["total"]],
        "拟评定称号/状态": [current_title(s, t, p) for s, t, p in
                      zip(ranked["status"], ranked["tier"], ranked["pending_between"], strict=True)],
        "说明": [remark(r, names) for r in ranked.itertuples()],
    }, columns=RANKING_COLUMNS).reset_index(drop=True)


def ratio_text(ratio: Fraction | None) -> str:
    """违法占用耕地比例 as a percentage with four decimals (half-up): 3/60 → 5.0000%."""
    if ratio is None or (isinstance(ratio, float) and pd.isna(ratio)):
        return "∞"
    return f"{round_half_up(Fraction(ratio) * 100, 4)}%"


def tie_break_chain(assessment: Assessment) -> str:
    """The rule a tie went through (SPEC 3.4), in the order of the ``tie_break`` parameters."""
    steps = "；".join(f"{'①②③④'[i]} {TIE_BREAK_ZH[rule]}" for i, rule in enumerate(assessment.params.tie_break.order))
    tiers = assessment.params.tiers
    return (f"总分相同时依次比较：{steps}；仍相同则名次并列。并列跨越名额线（{TIER_ZH['model']} {tiers.model.quota} 个、"
            f"{TIER_ZH['advanced']} {tiers.advanced.quota} 个）时为“并列待定”，由评审委员会决定（方案六(三)）。")


def pending_ties(assessment: Assessment) -> pd.DataFrame:
    """The units awaiting the committee (status ``tie_pending``), with what the tie-break compared.

    ``记录依据`` is the row of this sheet a decision cites in ``decisions.csv`` (its 依据 column).
    """
    counties = assessment.counties
    ties = counties[counties["status"] == "tie_pending"].sort_values(["position", "code"])
    names = assessment.divisions.name_of()
    effectiveness = assessment.params.rubric.effectiveness_dimension
    columns = _tie_columns(assessment)
    return pd.DataFrame({
        columns[0]: [f"第{int(r.rank)}名（{int(r.tie_size)}个单位并列，占第{int(r.position)}—{int(r.position_last)}位）"
                     for r in ties.itertuples()],
        columns[1]: ties["code"], columns[2]: ties["name"], columns[3]: ties["city"],
        columns[4]: [_score(x) for x in ties["total"]],
        columns[5]: [_score(x) for x in ties[f"dim_{effectiveness}"]],
        columns[6]: [ratio_text(x) for x in ties["ratio"]],
        columns[7]: ties["pending_between"],
        columns[8]: [_with_names(x, names) for x in ties["tie_break"]],
        columns[9]: "",
        columns[10]: [f"评分汇总表 {TIES_SHEET} 第{HEADER_ROW + 1 + i}行" for i in range(len(ties))],
    }, columns=columns).reset_index(drop=True)


def _tie_columns(assessment: Assessment) -> list[str]:
    rubric = assessment.params.rubric
    name = next(d.name for d in rubric.dimensions if d.id == rubric.effectiveness_dimension)
    return [c.format(effectiveness=name) for c in TIE_COLUMNS]


def how_to_record(year: int) -> str:
    """Where a decision is written down (SPEC 4 ``decisions``), with its 依据 taken from the sheet."""
    return (f"记录决定：在 data/{year}/省厅记录/decisions.csv 中每个决定写一行——县级代码、决定（模范、先进或未入选）、"
            "理由、决定人、决定日期，“依据”一列照抄上表的“记录依据”（如“评分汇总表 待定并列 第4行”）；"
            "也可以在评估工作台的“记录决定”中填写。重新运行 landassess run 后生效，报告列出每项决定及其依据。")


def signature_lines(members: Sequence[str] = ()) -> list[list[object]]:
    """One row per member (序号, 委员, 签字, 日期); ``BLANK_SIGNATURES`` blank lines when none is named."""
    names = list(members) or [""] * BLANK_SIGNATURES
    return [[number, name, "", ""] for number, name in enumerate(names, start=1)]


# ----------------------------------------------------------------------------- the workbook


def _title(assessment: Assessment) -> str:
    title = TITLE.format(year=assessment.year)
    return DEMO_MARK + title if assessment.inputs.is_demo else title


def _heading(sheet, texts: list[str], width: int) -> None:
    """Rows 1.. of a sheet: the title (bold) and notes, each merged across the table's width."""
    from openpyxl.styles import Alignment, Font

    for number, text in enumerate(texts, start=1):
        sheet.append([neutralize_cell(text)])
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        cell = sheet.cell(row=number, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center" if number == 1 else "left")
        if number == 1:
            cell.font = Font(bold=True, size=14)
        sheet.row_dimensions[number].height = 30 if number == 1 else 36


def _table(sheet, frame: pd.DataFrame) -> None:
    """The header (bold) and the rows, every cell framed; scores as numbers with two decimals."""
    from openpyxl.styles import Alignment, Border, Font, Side

    first = sheet.max_row + 1
    sheet.append([neutralize_cell(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([None if isinstance(v, float) and pd.isna(v) else neutralize_cell(v) for v in row])
    thin = Side(style="thin")
    numeric = [i + 1 for i, c in enumerate(frame.columns) if c in SCORE_COLUMNS or c.endswith("得分")]
    for row in sheet.iter_rows(min_row=first, max_row=sheet.max_row, max_col=len(frame.columns)):
        for cell in row:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            cell.alignment = Alignment(vertical="center")
            if cell.row == first:
                cell.font = Font(bold=True)
            elif cell.column in numeric:
                cell.number_format = NUMBER_FORMAT


def _ranking_sheet(sheet, assessment: Assessment) -> None:
    table = ranking_rows(assessment)
    tiers = assessment.params.tiers
    _heading(sheet, [_title(assessment),
                     f"进入排名的单位 {len(table)} 个，按名次排列。基础得分为各指标评分的平均之和，加分按方案七(二)计算，"
                     f"总分保留两位小数；第1—{tiers.model.quota}名为模范，其后 {tiers.advanced.quota} 名为先进。"
                     "本表只列汇总得分，不含评委个人评分。"], len(RANKING_COLUMNS))
    _table(sheet, table)
    fit_columns(sheet, header_row=HEADER_ROW)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", landscape=True, header=TITLE.format(year=assessment.year))


def _ties_sheet(sheet, assessment: Assessment) -> None:
    from openpyxl.styles import Alignment

    ties = pending_ties(assessment)
    width = len(ties.columns)
    _heading(sheet, [f"{assessment.year} 年度 待定并列（需评审委员会决定）", tie_break_chain(assessment)], width)
    _table(sheet, ties)
    if ties.empty:
        sheet.append(["本年度没有待定的并列，无需评审委员会决定。"])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    fit_columns(sheet, header_row=HEADER_ROW)
    sheet.append([])
    sheet.append([how_to_record(assessment.year)])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
    sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[sheet.max_row].height = 48
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", landscape=True, header=TITLE.format(year=assessment.year))


def _signature_sheet(sheet, assessment: Assessment, members: Sequence[str]) -> None:
    from openpyxl.styles import Alignment

    ranked, pending = ranking_rows(assessment), pending_ties(assessment)
    _heading(sheet, ["评审委员会委员签字",
                     f"评审委员会已审议本表（{RANKING_SHEET} {len(ranked)} 个单位，{TIES_SHEET} {len(pending)} 个单位）。"], 4)
    _table(sheet, pd.DataFrame(signature_lines(members), columns=["序号", "委员", "签字", "日期"]))
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        sheet.row_dimensions[row].height = 32
        sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="center")
    for letter, width in zip("ABCD", (8, 22, 30, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    print_setup(sheet, f"{HEADER_ROW}:{HEADER_ROW}", landscape=False, header=TITLE.format(year=assessment.year))


def write_committee_pack(assessment: Assessment, path: Path, members: Sequence[str] = ()) -> None:
    """``评分汇总表.xlsx`` (SPEC 8.4): 排名汇总, 待定并列 and 委员签字; byte-identical for the same year.

    ``members`` names the committee's members, one signature line each; without names the pack has
    ``BLANK_SIGNATURES`` blank lines to sign.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = RANKING_SHEET
    _ranking_sheet(workbook.active, assessment)
    _ties_sheet(workbook.create_sheet(TIES_SHEET), assessment)
    _signature_sheet(workbook.create_sheet(SIGNATURE_SHEET), assessment, members)
    workbook.properties.creator = "landassess"
    workbook.properties.title = TITLE.format(year=assessment.year)
    save_workbook(workbook, path, dt.datetime(assessment.year + 1, 1, 1))
