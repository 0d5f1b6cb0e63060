"""Command line (SPEC 6, 7.4): ``landassess run | validate | batch | finalize | template | whatif | documents``.

Exit codes: 0 success; 1 ``validate`` found problems; 2 wrong usage (also an output folder
landassess does not own, SPEC 7.1); 3 the inputs or parameters cannot be assessed (a missing
table, an unreadable file, invalid parameters); 4 the notebook failed or an internal error (a bug:
the failed notebook is kept for diagnosis); 5 the year is finalised (locked); 6 another landassess
process is writing the same output folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from landassess import __version__
from landassess.errors import FinalizedError, InputError, LandassessError, NotebookError, UsageError
from landassess.run.arguments import ChineseParser as _ChineseParser
from landassess.run.arguments import as_of as _as_of
from landassess.run.arguments import jobs as _jobs
from landassess.run.arguments import names as _names
from landassess.run.arguments import reason as _reason
from landassess.run.arguments import year as _year
from landassess.run.arguments import year_range as _year_range

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INPUT, EXIT_EXECUTION, EXIT_LOCKED, EXIT_BUSY = range(7)
"""The exit codes (README): success, problems found, wrong usage, input cannot be assessed,
notebook failed or internal error, year finalised, another process is writing the folder."""

EPILOG = """退出码：0 成功；1 校验发现数据问题；2 命令用法错误（含拒绝写入不属于 landassess 的输出文件夹）；
3 输入或参数无法评估（缺少必需的表、文件无法读取、参数无效）；4 笔记本执行失败或程序内部错误（失败的笔记本会保留）；
5 年度已定稿（锁定），需加 --force；6 另一个 landassess 进程正在写同一输出文件夹。"""
AS_OF_HELP = "评估基准日 YYYY-MM-DD（判断日期是否“晚于今天”；默认北京时间的今天），记录在 manifest.json 和报告中"


PDF_HELP = ("同时写出 report.pdf（A4，全部章节展开），用本机的 Chromium、Chrome 或 Edge 打印；"
            "找不到浏览器时给出安装提示的警告，HTML 报告照常写出，退出码仍为 0")


def build_parser() -> argparse.ArgumentParser:
    from landassess.run.demo import add_parsers as add_demo_parsers

    parser = _ChineseParser(
        prog="landassess",
        description="江苏省土地执法模范县（市、区）创建活动评估：按年度读取申报材料，依《创建活动方案》规则评估，输出结果与可审计报告。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"landassess {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    run = commands.add_parser("run", help="评估一个年度：执行笔记本，写出 results.csv、report.html、公示名单等",
                              description="评估一个年度（papermill 执行 notebooks/assessment.ipynb）。", epilog=EPILOG)
    run.add_argument("--year", type=_year, required=True, help="评估年度 Y（上一自然年，如 2024）")
    run.add_argument("--data", type=Path, help="该年度输入文件夹（默认 data/<Y>/）")
    run.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件（如 spot_check.seed、tiers.model.quota、bonus.cap）")
    run.add_argument("--out", type=Path, help="输出文件夹（默认 outputs/<Y>/）；只有整个运行成功才替换其中旧文件")
    run.add_argument("--force", action="store_true",
                     help="覆盖已定稿的年度：原结果保留为 versions/vN，新报告列出与原版本的差异，新结果仍为定稿")
    run.add_argument("--reason", type=_reason, default="", metavar="原因",
                     help="与 --force 一起用：重新出具的原因（如“异议成立，见省厅复核意见”），记入 FINALIZED.json 和报告")
    run.add_argument("--as-of", type=_as_of, help=AS_OF_HELP)
    run.add_argument("--pdf", action="store_true", help=PDF_HELP)

    finalize = commands.add_parser("finalize", help="定稿（锁定）一个年度的结果；之后重新运行需加 --force",
                                   description="定稿一个年度：记录 results.csv 的哈希，之后的运行不会覆盖它。",
                                   epilog=EPILOG)
    finalize.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    finalize.add_argument("--out", type=Path, help="该年度输出文件夹（默认 outputs/<Y>/）")

    documents = commands.add_parser("documents", help="起草 Word 文稿：公示公告.docx，已定稿年度另有表彰通报.docx",
                                    description="按年度输出文件夹的 results.csv 起草公示公告与（已定稿年度）表彰通报；"
                                                "发文机关、日期、公示期、异议受理方式取参数 documents 组。", epilog=EPILOG)
    documents.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    documents.add_argument("--out", type=Path, help="该年度输出文件夹（默认 outputs/<Y>/，须由 landassess run 写出）")
    documents.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件（documents 组）")
    documents.add_argument("--only", choices=["公示", "通报"], help="只起草其中一份（通报要求年度已定稿）")


    validate = commands.add_parser("validate", help="只校验输入，列出全部数据问题；无问题时退出码为 0",
                                   description="只校验一个年度的输入，不评估。", epilog=EPILOG)
    validate.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    validate.add_argument("--data", type=Path, help="该年度输入文件夹（默认 data/<Y>/）")
    validate.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件")
    validate.add_argument("--notices", type=Path,
                          help="补正通知的输出文件夹（默认 outputs/<Y>-补正通知/），每个有问题的县一个 .xlsx")
    validate.add_argument("--as-of", type=_as_of, help=AS_OF_HELP)

    template = commands.add_parser(
        "template", help="生成发给各县、各设区市、各评委的 Excel 模板（含填表说明、下拉选项、锁定表头）",
        description="生成模板：每县一份申报材料（申报、否决事项、加分事项），每市一份推荐名单；给出 --data 时，"
                    "再按已推荐的县为每位评委生成评分表（回避的县置灰）。", epilog=EPILOG)
    template.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    template.add_argument("--out", type=Path, help="输出文件夹（默认 templates/<Y>/）")
    template.add_argument("--data", type=Path, help="该年度输入文件夹（已有申报、推荐、耕地数据）：据此生成评委评分表")
    template.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件（名额比例、截止日期、评估细则）")
    template.add_argument("--evaluators", type=_names, help="评委名单，逗号分隔（默认：评分表或回避表中的评委）")

    collect = commands.add_parser(
        "collect", help="收集交回的模板（县级申报材料、设区市推荐名单、评委评分表），写出该年度的输入表",
        description="读取文件夹（含子文件夹）中交回的工作簿，按内容识别，写出 declarations、veto_events、"
                    "bonus_events、recommendations、scores 表；每行记住来源文件和单元格。", epilog=EPILOG)
    collect.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    collect.add_argument("--from", dest="source", type=Path, required=True, help="交回的工作簿所在文件夹")
    collect.add_argument("--data", type=Path, help="写出输入表的文件夹（默认 data/<Y>/；其中省厅的耕地数据等文件保持不变）")
    collect.add_argument("--params", type=Path, action="append", help="覆盖默认参数的 YAML 文件")
    collect.add_argument("--evaluators", type=_names, help="本年度评委名单，逗号分隔（名单外的评分表报告为问题）")

    batch = commands.add_parser("batch", help="并行评估多个年度，并写出 outputs/index.html 汇总页",
                                description="并行评估多个年度（进程数 = CPU 核数）。", epilog=EPILOG)
    batch.add_argument("--years", type=_year_range, required=True, help="年度，如 2022-2024 或 2022,2024")
    batch.add_argument("--data-root", type=Path, default=Path("data"),
                       help="输入根文件夹，其下每个年度一个子文件夹 <Y>/（默认 data/）")
    batch.add_argument("--params", type=Path, action="append", help="对每个年度都生效的覆盖参数 YAML 文件")
    batch.add_argument("--out-root", type=Path, default=Path("outputs"), help="输出根文件夹（默认 outputs/）")
    batch.add_argument("--jobs", type=_jobs, default=None, help="并行进程数（默认 = CPU 核数 + 1，不超过年度数）")
    batch.add_argument("--as-of", type=_as_of, help=AS_OF_HELP + "；各年度相同")
    batch.add_argument("--pdf", action="store_true", help=PDF_HELP)

    whatif = commands.add_parser("whatif", help="假如分析：更改参数后谁进入、离开模范/先进（不写任何文件）",
                                 description="以更改后的参数重新评估一个年度（与正式评估同一套规则），列出与正式结果相比"
                                             "进入或离开各称号的单位；不写任何文件。", epilog=EPILOG)
    whatif.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    whatif.add_argument("--data", type=Path, help="该年度输入文件夹（默认 data/<Y>/）")
    whatif.add_argument("--params", type=Path, action="append", help="正式评估使用的覆盖参数 YAML 文件")
    whatif.add_argument("--set", dest="overrides", action="append", default=[], metavar="键=值",
                        help="更改一个参数，可重复，如 --set tiers.model.quota=8 --set bonus.cap=none "
                             "--set rubric.dimensions.effectiveness.weight=1.2 --set rubric.criteria.C09.max=20")
    whatif.add_argument("--as-of", type=_as_of, help=AS_OF_HELP)

    init = commands.add_parser("init", help="建立一个年度的工作文件夹：参数文件、省厅记录、交回、模板、输出（从不覆盖已有文件）",
                               description="在省厅的工作文件夹中建立一个年度：params/<Y>.yaml（带中文说明）、"
                                           "data/<Y>/省厅记录/（回避、否决事项、加分事项、评审决定、收集确认，只有表头）、"
                                           "returned/<Y>/、templates/<Y>/、outputs/。已有的文件保持不变。", epilog=EPILOG)
    init.add_argument("--year", type=_year, required=True, help="评估年度 Y")
    init.add_argument("--root", type=Path, default=Path("."), help="省厅的工作文件夹（默认当前文件夹）")

    add_demo_parsers(commands, EPILOG)  # demo, setup-lab
    from landassess.run.app import add_arguments  # the app's options live with the app (run/app.py)

    add_arguments(commands.add_parser("app", help="在浏览器中打开评估工作台（无代码；仅本机 127.0.0.1，网址含访问令牌）",
                                      epilog=EPILOG), _year)
    from landassess.run.bundle import add_arguments as add_bundle_arguments

    add_bundle_arguments(commands.add_parser("bundle", help="为没有网络的办公电脑制作离线安装包（一个 zip，含全部软件包和安装脚本）",
                                             epilog=EPILOG))
    return parser


def _print(text: str, *, error: bool = False) -> None:
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    from landassess.run.runner import run_year

    data = args.data or Path("data") / str(args.year)
    out = args.out or Path("outputs") / str(args.year)
    if args.reason and not args.force:
        raise UsageError("--reason 只用于重新出具已定稿的年度，请与 --force 一起使用。")
    _print(f"评估 {args.year} 年度：输入 {data}，参数 {'、'.join(map(str, args.params)) if args.params else '默认'}，输出 {out}")
    result = run_year(args.year, data, out, args.params, force=args.force, as_of=args.as_of, pdf=args.pdf,
                      reason=args.reason)
    written = ["results.csv", "report.html"] + (["report.pdf"] if (result.out / "report.pdf").is_file() and args.pdf else [])
    _print(f"完成（{result.seconds:.1f} 秒）：" + "、".join(str(result.out / name) for name in written))
    for warning in result.warnings:
        _print(warning, error=True)
    _print_summary(result.out)
    return EXIT_OK


def _print_summary(out: Path) -> None:
    """The run's summary from its manifest: counts, problems, titles at risk, decisions not applied."""
    import json

    from landassess.publish.summary import format_summary

    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if manifest.get("summary"):
        _print(format_summary(manifest["summary"], str(out / "problems.csv")))


def cmd_finalize(args: argparse.Namespace) -> int:
    from landassess.run.versions import finalize

    out = args.out or Path("outputs") / str(args.year)
    warnings: list[str] = []
    record = finalize(out, args.year, warnings)
    for warning in warnings:
        _print(warning, error=True)
    if record.get("reissued"):
        _print(f"{args.year} 年度（重新出具的第 {record['version']} 版）已是定稿状态。")
    _print(f"{args.year} 年度已定稿（第 {record['version']} 版，results.csv sha256 {record['results_sha256'][:16]}…）")
    return EXIT_OK


def cmd_documents(args: argparse.Namespace) -> int:
    from landassess.run.documents import write_documents

    drafted = write_documents(args.year, args.out or Path("outputs") / str(args.year), args.params, args.only)
    for note in drafted.notes:
        _print(note, error=True)
    _print(f"已起草 {args.year} 年度文稿：" + "、".join(str(p) for p in drafted.written) if drafted.written
           else f"{args.year} 年度没有需要起草的文稿（原因见上）。")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from landassess.run.validation import validate_year

    data = args.data or Path("data") / str(args.year)
    notices = args.notices or Path("outputs") / f"{args.year}-补正通知"
    report, has_problems = validate_year(args.year, data, args.params, notices, as_of=args.as_of)
    _print(report)
    return EXIT_PROBLEMS if has_problems else EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from landassess.run.templates import write_evaluator_sheets, write_forms

    out = args.out or Path("templates") / str(args.year)
    if args.data:  # SPEC 8.3: the evaluators' sheets only, beside what the folder already holds
        _print(write_evaluator_sheets(args.year, out, args.data, args.params, args.evaluators or ()))
    else:
        _print(write_forms(args.year, out, args.params))
    return EXIT_OK


def cmd_collect(args: argparse.Namespace) -> int:
    from landassess.run.collect import collect_year, format_collected
    from landassess.vocabulary import ERROR

    data = args.data or Path("data") / str(args.year)
    collected, written = collect_year(args.year, args.source, data, args.params, args.evaluators)
    _print(format_collected(collected, data, written))
    return EXIT_PROBLEMS if any(p.severity == ERROR for p in collected.problems) else EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from landassess.run.batch import run_batch

    return batch_exit_code(run_batch(args.years, args.data_root, args.out_root, args.params, args.jobs,
                                     as_of=args.as_of, pdf=args.pdf))


def batch_exit_code(codes: dict[int, int]) -> int:
    """A batch's exit code from its years': 0, the failures' shared code, or 4 (no single cause)."""
    failed = set(codes.values()) - {EXIT_OK}
    return EXIT_OK if not failed else failed.pop() if len(failed) == 1 else EXIT_EXECUTION


def cmd_whatif(args: argparse.Namespace) -> int:
    from landassess.assessment import run_assessment
    from landassess.workbench import whatif

    data = args.data or Path("data") / str(args.year)
    scenario = whatif.Scenario.parse(args.overrides)  # a bad --set is a ParamsError naming its key (exit 3)
    official = run_assessment(args.year, data, args.params, as_of=args.as_of)
    base = whatif.prepare(official)
    result = whatif.recompute(base, scenario)
    _print(whatif.describe(base, result))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from landassess.run.demo import command

    return command(args)


def cmd_bundle(args: argparse.Namespace) -> int:
    from landassess.run.bundle import command

    return command(args)


def cmd_app(args: argparse.Namespace) -> int:
    from landassess.run.app import launch

    return launch(args.root, args.data_root, args.out_root, args.year, args.params, args.port, not args.no_browser)


EXIT_FOR_ERROR = (
    (NotebookError, EXIT_EXECUTION),
    (FinalizedError, EXIT_LOCKED),
    (InputError, EXIT_INPUT),
    (UsageError, EXIT_USAGE),
)
"""Which error gives which exit code; another process holding the lock (``BusyError``) is 6."""


def exit_code_for(error: LandassessError) -> int:
    """The exit code of an error that stops a command (the one place they are decided)."""
    if type(error).__name__ == "BusyError":  # run.ownership is not imported here: start-up stays light
        return EXIT_BUSY
    return next((code for kind, code in EXIT_FOR_ERROR if isinstance(error, kind)), EXIT_EXECUTION)


def _without_working_folder_on_path() -> None:
    """``python -m`` puts the working folder first on ``sys.path``: a ``voila.py`` there would be imported."""
    here = os.path.abspath(os.getcwd())
    sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != here]


def cmd_init(args: argparse.Namespace) -> int:
    from landassess.run.init import init_year

    _print("\n".join(init_year(args.year, args.root)))
    return EXIT_OK


def _department_params(args: argparse.Namespace) -> None:
    """SPEC 8.0: the department folder's ``params/base.yaml`` and ``params/<Y>.yaml`` go under ``--params``.

    ``args.params`` becomes the files applied over the packaged defaults, in order (a tuple; the
    department's files that exist, then each ``--params`` as given — one is the rule, the app and
    ``batch`` hand several to their child ``run``). ``batch`` hands ``--params`` on to one ``run``
    per year, which adds that year's department files itself.
    """
    from landassess.paths import department_files  # not landassess.params: pydantic, YAML and pandas

    year = getattr(args, "year", None)
    if not hasattr(args, "params") or not isinstance(year, int) or args.command == "app":
        return  # the app reads the department's files for each year it shows
    given = list(args.params or ())
    shown = {_resolved(path) for path in given}
    files = [path for path in department_files(year) if _resolved(path) not in shown] + given
    args.params = tuple(files) or None


def _resolved(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, ValueError):
        return Path(path)


UNNEEDED_IMPORTS = ("rfc3987_syntax",)
"""Optional packages a dependency imports but no command uses: jsonschema (through papermill and
nbformat) builds 38 grammars of ``rfc3987_syntax`` at import, a second of every run, for an
``iri`` format check no notebook schema has (benchmarks/results.md, issue 22)."""


def main(argv: list[str] | None = None) -> int:
    _without_working_folder_on_path()
    for name in UNNEEDED_IMPORTS:  # an optional import: jsonschema goes on without it
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
    args = build_parser().parse_args(argv)
    if args.command == "run":  # the kernel starts and imports while this process reads the parameters
        from landassess.run.runner import WarmKernel

        WarmKernel.start_early()
    try:
        return _main(args)
    finally:
        if args.command == "run":
            WarmKernel.discard_early()


def _main(args: argparse.Namespace) -> int:
    _department_params(args)
    handler = {"run": cmd_run, "validate": cmd_validate, "batch": cmd_batch, "finalize": cmd_finalize,
               "template": cmd_template, "whatif": cmd_whatif, "collect": cmd_collect, "documents": cmd_documents,
               "demo": cmd_demo, "setup-lab": cmd_demo, "app": cmd_app, "init": cmd_init,
               "bundle": cmd_bundle}[args.command]
    try:
        return handler(args)
    except LandassessError as error:
        message = error.message
        if isinstance(error, InputError) and error.problems:
            message = f"{args.year} 年度输入无法评估：\n" + str(error) if hasattr(args, "year") else str(error)
        _print(message, error=True)
        return exit_code_for(error)
    except KeyboardInterrupt:
        _print("已中断。", error=True)
        return 130
    except Exception as error:
        # A bug: say so in Chinese, with where it happened, for the developers.
        frame = error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        where = f"（{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}）" if frame else ""
        _print(f"landassess 内部错误（程序缺陷，请把这一行发给维护人员）：{type(error).__name__}: {error}{where}", error=True)
        return EXIT_EXECUTION


def entry() -> None:  # pragma: no cover - console script wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
