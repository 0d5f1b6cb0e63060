"""``landassess init --year Y [--root DIR]``: lay out a year in the department folder (SPEC 8.0, 8.3).

The department works in one folder (the working folder by default)::

    params/<Y>.yaml                 the year's parameters, each with a Chinese comment
    data/<Y>/省厅记录/               what the department writes itself: recusals.csv, veto_events.csv,
                                    bonus_events.csv, verification.csv, decisions.csv, 收集确认.csv
                                    (header only) and 说明.txt
    returned/<Y>/                   the workbooks that come back
    templates/<Y>/                  the workbooks sent out (``landassess template``)
    outputs/                        the results (``landassess run``)

``init`` never overwrites or changes a file: a file that exists is left as it is and said so (a file
is created with exclusive creation, so not even a race replaces one). It refuses a root inside an
output folder of landassess (exit 2).
"""

from __future__ import annotations

from pathlib import Path

from landassess.errors import UsageError
from landassess.intake import TABLES

DEPARTMENT_FILES = {
    "recusals.csv": "评委,县级代码,设区市,理由\n",
    "veto_events.csv": ",".join(c.zh for c in TABLES["veto_events"].columns) + "\n",  # the schema's columns
    "bonus_events.csv": "县级代码,类别,级别,文号,日期,标题\n",
    "verification.csv": "县级代码,查验通过,异议成立,取消资格原因\n",
    "decisions.csv": "县级代码,决定,理由,决定人,决定日期,依据\n",
    "收集确认.csv": "县级代码,采用文件,理由,确认人,日期\n",
}
"""The department's own tables: a header (the columns intake reads), no rows. CSV has no comments: see 说明.txt."""

NOTE = """省厅记录（{year} 年度）——省厅自己掌握、自己填写的表。各县交回的材料不会写进这个文件夹，landassess collect 也从不改动它。
每张表第一行是表头，请从第二行开始填写，每项一行；用 Excel 或 WPS 打开、填写后按原格式（CSV）保存。

recusals.csv（回避）：评委对某县（填县级代码）或整个设区市（填设区市）回避，其评分不计。例：评委甲,320583,,曾在该县任职
veto_events.csv（否决事项）：省厅掌握的挂牌督办、约谈问责、媒体披露等（七(一)），与各县自报的事项合并计算，不替换县里的材料。
  类型：{veto_types}；层级：国家、省、市；是否查实：是/否。
bonus_events.csv（加分事项）：省厅掌握的通报表扬、典型经验（七(二)）；同一文号只计一次，与县里报的重复也只计一次。
verification.csv（查验与异议）：实地查验是否通过（是/否）、公示异议是否成立（是/否），或其他取消资格原因；每个县一行。
decisions.csv（评审决定）：评审委员会对并列待定或其他事项的决定；依据一列可写“评分汇总表 待定并列 第4行”；也可以在评估工作台的“记录决定”中填写。
收集确认.csv：某县交回两份不同的材料，或材料以其他县的文件名交回时，写明采用哪一个文件（照抄“收集情况.xlsx”中的文件名）。

填好后运行 landassess validate --year {year} 检查；问题会列在 省厅待核实事项.xlsx 中。
"""

PARAMS = """# {year} 年度参数（landassess init 生成）。可以修改；landassess 从不覆盖本文件。
# 没有写出的参数取软件自带的默认值（方案原文的规定和注明的假设）。修改后运行
#   landassess validate --year {year} --data data/{year}
# 检查：参数有误时退出码为 3，并指出是哪一项。

# 实地查验抽取（方案六(三)）：公开种子由省厅在公示前当众确定（例如评审会上当场抽签、或取某个事先约定的
# 公开数据），写在这里后不要再改。报告中列出任何人都能复核抽取结果的命令。不填则不抽取。
spot_check:
  seed: null          # 例如 "{year}-公示-01"（两边的英文引号要保留）
  count: 4            # 抽取单位数

# 公示与公文（landassess documents）：未填写的在 Word 文稿中显示为【占位】，填写后重新起草即可。
documents:
  issuer: null             # 发文机关（版头的发文机关标志和落款的署名），例如 江苏省自然资源厅
  gongshi_number: null     # 公示的发文字号，例如 苏自然资公〔{next}〕3号（〔〕是六角括号）
  issue_date: null         # 公示的成文日期，例如 {next}-02-20
  publicity_start: null    # 公示期开始，例如 {next}-02-21
  publicity_end: null      # 公示期结束，例如 {next}-02-27
  objection_channel: null  # 异议受理方式（受理部门、电话、通信地址、电子邮箱），按对外公布的原文填写
  notice_number: null      # 表彰通报的发文字号，例如 苏自然资发〔{next}〕20号
  notice_date: null        # 表彰通报的成文日期（定稿之后），例如 {next}-04-15
  addressees: null         # 主送机关，例如 各设区市自然资源和规划局
  cc: null                 # 抄送（版记），例如 自然资源部国家自然资源督察南京局
  printer: null            # 印发机关（版记），例如 江苏省自然资源厅办公室
  print_date: null         # 印发日期（版记），例如 {next}-04-16

# 评委名单：评分表、汇总表按这里的顺序排列；collect 会把名单外的评分表列为问题。例如：
#   evaluators: [评委甲, 评委乙, 评委丙]
evaluators: []

# 一票否决事项条款（方案七(一)）：本年度通知新增或停用某一情形时，在这里写明，其他一概不用改。例如：
# vetoes:
#   event_clauses:
#     national_inspection_notice:          # 新条款的英文编号（小写字母、数字、下划线）
#       label: 督察通报                     # 表格、下拉列表和报告中的名称
#       clause: 七(一)4
#       description: 年度内被国家自然资源督察机构公开通报的
#       levels: [国家]                      # 哪些层级的事项构成否决（国家、省、市）；不写则不限
#       requires: [reference]               # 须填写的栏目：verified（是否查实）、reference（文号或出处）
#     interview_or_accountability:
#       in_force: false                     # 本年度不再执行的条款

# 称号名额（方案三：模范、先进各不超过 10 个）；如本年度另有规定，取消下面两行的注释并修改：
# tiers:
#   model: {{quota: 10}}
#   advanced: {{quota: 10}}
"""


def _veto_types(root: Path, year: int) -> str:
    """The year's veto types in force (SPEC 8.7): the department's parameters when they load, else the notice's."""
    from landassess.params import ParamsError, clauses_in_force, department_files, load_params

    try:
        params = load_params(year, department_files(year, root / "params"))
    except (ParamsError, OSError):
        params = None
    return "、".join(c.label for c in clauses_in_force(params).values())


def _create(path: Path, text: str) -> bool:
    """Write ``text`` to a new file; False (nothing written) when the path exists."""
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


def init_year(year: int, root: Path) -> list[str]:
    """Lay out ``year`` under ``root``; the lines to print (what was made, what was kept, what to do next)."""
    from landassess.intake.department import FOLDER
    from landassess.run.ownership import absolute, output_folder_around

    root = absolute(root)
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root} 不是文件夹：请用 --root 指定省厅的工作文件夹")
    around = output_folder_around(root)
    if around is not None:
        raise UsageError(f"{root} 位于 landassess 的输出文件夹 {around[0]} 之内：请用 --root 指定省厅的工作文件夹，而不是评估结果文件夹")
    made, kept = [], []
    records = root / "data" / str(year) / FOLDER
    for folder in (root / "params", records, root / "returned" / str(year), root / "templates" / str(year),
                   root / "outputs"):
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise UsageError(f"{folder} 已存在但不是文件夹：请先移走它")
        if not folder.exists():
            folder.mkdir(parents=True)
            made.append(str(folder.relative_to(root)) + "/")
    files = {root / "params" / f"{year}.yaml": PARAMS.format(year=year, next=year + 1),
             records / "说明.txt": NOTE.format(year=year, veto_types=_veto_types(root, year)),
             **{records / name: header for name, header in DEPARTMENT_FILES.items()}}
    for path, text in files.items():
        (made if _create(path, text) else kept).append(str(path.relative_to(root)))
    lines = [f"{year} 年度的工作文件夹已就绪：{root}"]
    if made:
        lines.append("新建：" + "、".join(made))
    if kept:
        lines.append("已存在，未改动：" + "、".join(kept))
    lines += [
        "下一步：",
        f"  1. 填写 params/{year}.yaml 中的公开种子和公示信息（不急，公示前填好即可）；",
        f"  2. landassess template --year {year}     生成发给各县、各设区市的模板（在 templates/{year}/）；",
        f"  3. 把交回的工作簿放进 returned/{year}/，然后 landassess collect --year {year} --from returned/{year}；",
        f"  4. 省厅自己掌握的回避、否决事项、加分事项填在 data/{year}/省厅记录/ 中（见其中的 说明.txt）。",
    ]
    return lines
