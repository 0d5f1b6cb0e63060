"""Command line (SPEC 6): ``landassess run | validate | batch``.

Exit codes: 0 success; 1 ``validate`` found problems; 2 wrong usage; 3 the inputs or parameters
cannot be assessed (a missing table, an unreadable file, invalid parameters); 4 the notebook
failed (a bug: the failed notebook is kept for diagnosis); 5 the year is finalised (locked).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from landassess import __version__
from landassess.runner import EXIT_INPUT, EXIT_OK, EXIT_PROBLEMS, RunError

EPILOG = """退出码：0 成功；1 校验发现数据问题；2 命令用法错误；3 输入或参数无法评估（缺少必需的表、文件无法读取、参数无效）；
4 笔记本执行失败（程序错误，失败的笔记本会保留）；5 年度已定稿（锁定），需加 --force。"""


def _year_range(text: str) -> list[int]:
    """``2022-2024`` or ``2022,2024`` → years."""
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            first, last = (int(x) for x in part.split("-", 1))
            if last < first:
                raise argparse.ArgumentTypeError(f"年份范围 {part} 有误")
            years.extend(range(first, last + 1))
        elif part:
            years.append(int(part))
    if not years:
        raise argparse.ArgumentTypeError("至少需要一个年份")
    return years


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landassess",
        description="江苏省土地执法模范县（市、区）创建活动评估：按年度读取申报材料，依《创建活动方案》规则评估，输出结果与可审计报告。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"landassess {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    run = commands.add_parser("run", help="评估一个年度：执行笔记本，写出 results.csv、report.html、公示名单等",
                              description="评估一个年度（papermill 执行 notebooks/assessment.ipynb）。", epilog=EPILOG)
    run.add_argument("--year", type=int, required=True, help="评估年度 Y（上一自然年，如 2024）")
    run.add_argument("--data", type=Path, help="该年度输入文件夹（默认 data/<Y>/）")
    run.add_argument("--params", type=Path, help="覆盖默认参数的 YAML 文件（如 spot_check.seed、tiers.model.quota、bonus.cap）")
    run.add_argument("--out", type=Path, help="输出文件夹（默认 outputs/<Y>/）；只有整个运行成功才替换其中旧文件")
    run.add_argument("--force", action="store_true",
                     help="覆盖已定稿的年度：原结果保留为 versions/vN，新报告列出与原版本的差异")

    finalize = commands.add_parser("finalize", help="定稿（锁定）一个年度的结果；之后重新运行需加 --force",
                                   description="定稿一个年度：记录 results.csv 的哈希，之后的运行不会覆盖它。",
                                   epilog=EPILOG)
    finalize.add_argument("--year", type=int, required=True, help="评估年度 Y")
    finalize.add_argument("--out", type=Path, help="该年度输出文件夹（默认 outputs/<Y>/）")

    validate = commands.add_parser("validate", help="只校验输入，列出全部数据问题；无问题时退出码为 0",
                                   description="只校验一个年度的输入，不评估。", epilog=EPILOG)
    validate.add_argument("--year", type=int, required=True, help="评估年度 Y")
    validate.add_argument("--data", type=Path, help="该年度输入文件夹（默认 data/<Y>/）")
    validate.add_argument("--params", type=Path, help="覆盖默认参数的 YAML 文件")
    validate.add_argument("--notices", type=Path,
                          help="补正通知的输出文件夹（默认 outputs/<Y>-补正通知/），每个有问题的县一个 .xlsx")

    template = commands.add_parser("template", help="生成县级申报材料模板（.xlsx，含填表说明、下拉选项、锁定表头）",
                                   description="生成申报、否决事项、加分事项三张表的 Excel 模板。", epilog=EPILOG)
    template.add_argument("--year", type=int, required=True, help="评估年度 Y")
    template.add_argument("--out", type=Path, help="输出文件夹（默认 templates/<Y>/）")

    batch = commands.add_parser("batch", help="并行评估多个年度，并写出 outputs/index.html 汇总页",
                                description="并行评估多个年度（进程数 = CPU 核数）。", epilog=EPILOG)
    batch.add_argument("--years", type=_year_range, required=True, help="年度，如 2022-2024 或 2022,2024")
    batch.add_argument("--data-root", type=Path, default=Path("data"),
                       help="输入根文件夹，其下每个年度一个子文件夹 <Y>/（默认 data/）")
    batch.add_argument("--params", type=Path, help="对每个年度都生效的覆盖参数 YAML 文件")
    batch.add_argument("--out-root", type=Path, default=Path("outputs"), help="输出根文件夹（默认 outputs/）")
    batch.add_argument("--jobs", type=int, default=0, help="并行进程数（默认 = CPU 核数）")
    return parser


def _print(text: str, *, error: bool = False) -> None:
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    from landassess.runner import run_year

    data = args.data or Path("data") / str(args.year)
    out = args.out or Path("outputs") / str(args.year)
    _print(f"评估 {args.year} 年度：输入 {data}，参数 {args.params or '默认'}，输出 {out}")
    result = run_year(args.year, data, out, args.params, force=args.force)
    _print(f"完成（{result.seconds:.1f} 秒）：{result.out / 'results.csv'}、{result.out / 'report.html'}")
    return EXIT_OK


def cmd_finalize(args: argparse.Namespace) -> int:
    from landassess.versions import FinalizeError, finalize

    out = args.out or Path("outputs") / str(args.year)
    try:
        record = finalize(out, args.year)
    except FinalizeError as error:
        raise RunError(EXIT_INPUT, str(error)) from error
    _print(f"{args.year} 年度已定稿（第 {record['version']} 版，results.csv sha256 {record['results_sha256'][:16]}…）")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from landassess.validation import validate_year

    data = args.data or Path("data") / str(args.year)
    notices = args.notices or Path("outputs") / f"{args.year}-补正通知"
    report, has_problems = validate_year(args.year, data, args.params, notices)
    _print(report)
    return EXIT_PROBLEMS if has_problems else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from landassess.divisions import load_divisions
    from landassess.forms import write_templates
    from landassess.params import ParamsError, load_params

    out = args.out or Path("templates") / str(args.year)
    try:
        params = load_params(args.year)
    except ParamsError as error:
        raise RunError(EXIT_INPUT, str(error)) from error
    paths = write_templates(out, args.year, load_divisions(params.divisions.file))
    _print("已生成模板：" + "、".join(str(p) for p in paths))
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from landassess.batch import run_batch

    return run_batch(args.years, args.data_root, args.out_root, args.params, args.jobs)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"run": cmd_run, "validate": cmd_validate, "batch": cmd_batch, "finalize": cmd_finalize,
               "template": cmd_template}[args.command]
    try:
        return handler(args)
    except RunError as error:
        _print(error.message, error=True)
        return error.exit_code
    except KeyboardInterrupt:
        _print("已中断。", error=True)
        return 130


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
