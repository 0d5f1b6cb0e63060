"""``landassess demo``: the packaged demo years, run into a folder of the user's choice.

What ``make demo`` does, without ``make`` and on any operating system: ``landassess batch`` over
the demo years 2022–2024 (``<out>/<year>/``, ``<out>/index.html``), then the annual cycle on
2024: the returned workbooks (``demo/returned/2024``) are collected into a scratch copy of the
province's own tables (``demo/collect-2024``), validated (the 补正通知 go to
``<out>/2024-collected-补正通知``; the demo has problems on purpose) and run into
``<out>/2024-collected``. The demo inputs ship with the package (:func:`landassess.paths.demo_dir`)
and are never written; every output folder goes through the owner-checked writer (SPEC 7.1).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from landassess.errors import InputError
from landassess.paths import demo_dir

DEMO_YEARS = (2022, 2023, 2024)
CYCLE_YEAR = 2024
DEFAULT_OUT = Path("landassess-demo")


@dataclass
class DemoResult:
    """Where the demo went and each step's exit code (0 = success)."""

    out: Path
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        return self.out / "index.html"

    @property
    def ok(self) -> bool:
        return all(code == 0 for code in self.codes.values())

    def summary(self) -> str:
        if self.ok:
            return f"演示完成（演示数据，非真实评估结果）。汇总页：{self.index}"
        failed = "、".join(step for step, code in self.codes.items() if code != 0)
        return f"演示未全部完成（{failed} 失败，原因见上），已完成的在 {self.out}"

    def open_index(self) -> None:
        """Show the index in the default browser (a ``file://`` address: works on every system)."""
        import webbrowser

        if self.index.exists():
            webbrowser.open(self.index.as_uri())


def demo_inputs() -> Path:
    """The packaged demo folder, checked: one folder per demo year."""
    root = demo_dir()
    missing = [str(y) for y in DEMO_YEARS if not (root / str(y)).is_dir()]
    if missing:
        raise InputError(f"找不到演示数据 {root}（缺少 {'、'.join(missing)} 年度）：安装包不完整，请重新安装 landassess。")
    return root


def run_demo(out: Path = DEFAULT_OUT, *, cycle: bool = True, jobs: int | None = None,
             as_of: dt.date | None = None) -> DemoResult:
    """Run the demo years into ``out`` (an output root landassess owns), then the 2024 cycle."""
    from landassess.clock import parse_as_of
    from landassess.run.batch import run_batch

    root = demo_inputs()
    as_of = parse_as_of(as_of)
    out = Path(out)
    result = DemoResult(out)
    codes = run_batch(list(DEMO_YEARS), root, out, None, jobs, as_of=as_of)
    result.out = out.resolve()
    result.codes.update({str(year): code for year, code in codes.items()})
    if cycle and (root / "returned" / str(CYCLE_YEAR)).is_dir():
        result.codes.update(_annual_cycle(root, result.out, as_of))
    return result


def _annual_cycle(root: Path, out: Path, as_of: dt.date) -> dict[str, int]:
    """Collect → validate → run for the demo year, as ``make demo`` (docs/使用指南.md)."""
    from landassess.errors import LandassessError
    from landassess.run.collect import collect_year
    from landassess.run.runner import run_year
    from landassess.run.validation import validate_year

    year = CYCLE_YEAR
    codes: dict[str, int] = {}
    print(f"\n年度工作流程演示（{year}）：收集交回的工作簿 → 校验 → 评估", flush=True)
    with tempfile.TemporaryDirectory(prefix="landassess-demo-") as scratch:
        data = Path(scratch) / str(year)
        shutil.copytree(root / f"collect-{year}", data)
        step = "collect"
        try:
            _collected, written = collect_year(year, root / "returned" / str(year), data)
            print(f"收集：从交回的工作簿写出 {len(written)} 个文件（{'、'.join(p.name for p in written)}）", flush=True)
            step = "validate"
            notices = out / f"{year}-collected-补正通知"
            report, has_problems = validate_year(year, data, None, notices, as_of=as_of)
            print(f"校验：{'发现数据问题（演示数据有意如此），补正通知在 ' + str(notices) if has_problems else '没有问题'}",
                  flush=True)
            step = "run"
            run = run_year(year, data, out / f"{year}-collected", None, as_of=as_of)
            print(f"评估完成（{run.seconds:.1f} 秒）：{run.out / 'report.html'}", flush=True)
            codes[f"{year}-collected"] = 0
        except LandassessError as error:
            print(f"年度工作流程演示未完成（{step}）：{error.message}", flush=True)
            codes[f"{year}-collected"] = 4
    return codes


def add_parsers(commands, epilog: str) -> None:
    """The ``demo`` and ``setup-lab`` subcommands (kept here so that cli.py stays short)."""
    demo = commands.add_parser("demo", help="运行随包附带的演示年度（2022–2024，虚构数据），写出报告并打开汇总页",
                               description="评估演示年度 2022–2024，再演示 2024 年度的收集 → 校验 → 评估；无需 make，"
                                           "任何操作系统均可。", epilog=epilog)
    demo.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出文件夹（默认当前文件夹下的 landassess-demo/）")
    demo.add_argument("--no-browser", action="store_true", help="完成后不在浏览器中打开汇总页")
    commands.add_parser("setup-lab", help="为本环境的 JupyterLab 设置中文界面、关闭新闻弹窗（不改动用户自己的设置）",
                        description="写入 JupyterLab 默认设置 share/jupyter/lab/settings/overrides.d/landassess.json。",
                        epilog=epilog)


def command(args) -> int:
    """Run ``landassess demo`` or ``landassess setup-lab``; the exit code (0, or 4: a step failed)."""
    if args.command == "setup-lab":
        from landassess.run.labsettings import setup_lab

        print(setup_lab(), flush=True)
        return 0
    result = run_demo(args.out)
    print(result.summary(), flush=True)
    if not args.no_browser:
        result.open_index()
    return 0 if result.ok else 4
