"""The year's steps as the app runs them (SPEC 8.5): the CLI's own functions, answers as Chinese HTML.

Each step takes a :class:`YearFolders` — the department folder (SPEC 8.0) and the chosen year, so
every folder is derived, never typed — and returns what to show: what was done and what was
written, with links to the files (the app's file route, behind its token). Errors are the CLI's
own :class:`~landassess.errors.LandassessError` in Chinese; the caller shows them.

The run itself (运行评估, 重新发布) is ``python -m landassess.cli run`` in a child process, so the
kernel stays free and papermill's kernel is not nested in the app's; :func:`run_command` builds it.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from landassess.errors import LandassessError

LINK_STYLE = "color:#1565c0;text-decoration:underline"
FILE_ROUTE = "landassess/files"
"""Where the app serves a file of the department folder's ``outputs/`` and ``templates/`` (behind the token)."""


@dataclass(frozen=True)
class YearFolders:
    """One year of one department folder: where each step reads and writes."""

    root: Path
    data_root: Path
    out_root: Path
    year: int
    params: tuple[Path, ...] = ()
    file_url: str = ""
    """The app's file route prefix (``/landassess/files``); empty outside the app (paths are shown)."""

    @property
    def data(self) -> Path:
        return self.data_root / str(self.year)

    @property
    def out(self) -> Path:
        return self.out_root / str(self.year)

    @property
    def notices(self) -> Path:
        return self.out_root / f"{self.year}-补正通知"

    @property
    def templates(self) -> Path:
        return self.root / "templates" / str(self.year)

    @property
    def returned_root(self) -> Path:
        return self.root / "returned"

    def link(self, path: Path, label: str | None = None) -> str:
        """A link to ``path`` through the app's file route, or the path itself when it cannot be linked."""
        label = html.escape(label or path.name)
        try:
            relative = Path(path).resolve().relative_to(self.root.resolve())
        except ValueError:
            return f"{label}（{html.escape(str(path))}）"
        if not self.file_url or relative.parts[:1] not in (("outputs",), ("templates",)):
            return f"{label}（{html.escape(str(path))}）"
        href = f"{self.file_url}/{quote(relative.as_posix())}"
        return f'<a href="{html.escape(href)}" target="_blank" rel="noopener" style="{LINK_STYLE}">{label}</a>'


def years(data_root: Path) -> list[int]:
    """The years laid out under ``data_root`` (four-digit folders), oldest first."""
    if not Path(data_root).is_dir():
        return []
    return sorted(int(p.name) for p in Path(data_root).iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) == 4)


def returned_folders(folders: YearFolders) -> list[tuple[str, Path]]:
    """The folders 收集材料 may read: ``returned/<Y>`` first, then its sub-folders (label, path)."""
    base = folders.returned_root / str(folders.year)
    if not base.is_dir():
        return []
    found = [base] + sorted(p for p in base.rglob("*") if p.is_dir() and not p.is_symlink())
    return [(p.relative_to(folders.root).as_posix() + "/", p) for p in found]


def _lines(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _written(folders: YearFolders, paths: list[Path]) -> str:
    if not paths:
        return ""
    return "<p>写出：" + "、".join(folders.link(p) for p in paths) + "</p>"


# --------------------------------------------------------------------------- the steps


def init_year(folders: YearFolders, year: int) -> str:
    """建立年度: ``landassess init`` in the department folder."""
    from landassess.run.init import init_year as lay_out

    return _lines("\n".join(lay_out(year, folders.root)))


def make_templates(folders: YearFolders) -> str:
    """生成模板: the templates and every county's and city's form in ``templates/<Y>/``."""
    from landassess.run.templates import write_forms

    message = write_forms(folders.year, folders.templates, folders.params)
    return _lines(message) + _written(folders, sorted(folders.templates.iterdir()))


def make_score_sheets(folders: YearFolders) -> str:
    """生成评分表: the evaluators' sheets (the parameters' list), recused rows greyed."""
    from landassess.run.templates import SCORE_SHEETS, write_evaluator_sheets

    message = write_evaluator_sheets(folders.year, folders.templates, folders.data, folders.params)
    return _lines(message) + _written(folders, sorted((folders.templates / SCORE_SHEETS).iterdir()))


def collect(folders: YearFolders, source: Path) -> str:
    """收集材料 from a folder chosen under ``returned/`` into ``data/<Y>/``."""
    from landassess.run.collect import collect_year, format_collected

    source = Path(source)
    if folders.returned_root.resolve() not in source.resolve().parents:
        raise LandassessError(f"只能从 {folders.returned_root} 中的文件夹收集。")
    collected, written = collect_year(folders.year, source, folders.data, folders.params)
    return f'<p style="white-space:pre-wrap">{html.escape(format_collected(collected, folders.data, written))}</p>'


def validate(folders: YearFolders) -> str:
    """检查数据, with the 补正通知 in ``outputs/<Y>-补正通知/``."""
    from landassess.run.validation import validate_year

    report, _ = validate_year(folders.year, folders.data, folders.params, folders.notices)
    notices = sorted(folders.notices.glob("*.xlsx")) if folders.notices.is_dir() else []
    return validation_html(report) + _written(folders, notices)


def run_command(folders: YearFolders, *, pdf: bool = False, reason: str | None = None) -> list[str]:
    """The command line 运行评估 (and, with ``reason``, 重新发布) starts: the CLI's own ``run``."""
    command = [sys.executable, "-m", "landassess.cli", "run", "--year", str(folders.year), "--data", str(folders.data),
               "--out", str(folders.out)]
    command += [arg for path in folders.params for arg in ("--params", str(path))]
    if pdf:
        command.append("--pdf")
    if reason is not None:
        command += ["--force", "--reason", reason]
    return command


def run_result(folders: YearFolders, stdout: str) -> str:
    """What a finished run shows: its summary and links to what it wrote."""
    names = ("report.html", "report.pdf", "results.xlsx", "公示名单.xlsx", "评分汇总表.xlsx", "results.csv")
    written = [folders.out / name for name in names if (folders.out / name).is_file()]
    return f'<p style="white-space:pre-wrap">{html.escape(stdout.strip())}</p>' + _written(folders, written)


def draft_documents(folders: YearFolders) -> str:
    """起草公文: the 公示 (issued once) and, for a finalised year, the 通报."""
    from landassess.run.documents import write_documents

    drafted = write_documents(folders.year, folders.out, folders.params)
    notes = "".join(f"<p>{html.escape(note)}</p>" for note in drafted.notes)
    issued = folders.out / "公示"
    kept = sorted(issued.iterdir()) if issued.is_dir() and not drafted.written else []
    if drafted.written:
        return notes + _written(folders, drafted.written)
    return notes + "<p>没有需要起草的文稿。</p>" + (_written(folders, kept) if kept else "")


def finalize(folders: YearFolders) -> str:
    """定稿: the CLI's finalize; the report and PDF then say 定稿 第N版."""
    from landassess.run.versions import finalize as lock

    warnings: list[str] = []
    record = lock(folders.out, folders.year, warnings)
    again = "（此前已定稿）" if record.get("reissued") else ""
    return (f"<p>{folders.year} 年度已定稿{again}：第 {record['version']} 版，results.csv "
            f"sha256 {html.escape(str(record['results_sha256'])[:16])}…</p>"
            + "".join(f"<p>{html.escape(w)}</p>" for w in warnings)
            + _written(folders, [p for p in (folders.out / "report.html", folders.out / "report.pdf") if p.is_file()]))


def changes_html(folders: YearFolders) -> str:
    """After 重新发布: what changed against the version it replaced (the report's 版本变更 table)."""
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish.outputs import changes_table, compare_results
    from landassess.publish.report import _table
    from landassess.run.versions import VERSIONS_DIR, version_count

    count = version_count(folders.out)
    if not count:
        return ""
    label = f"v{count}"

    def read(path: Path) -> pd.DataFrame:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    changes = compare_results(read(folders.out / VERSIONS_DIR / label / "results.csv"), read(folders.out / "results.csv"))
    names = load_divisions(load_params(folders.year, folders.params).divisions.file).name_of()
    return (f"<p>与原定稿结果（{label}，保存在 versions/{label}/）相比：</p>"
            + _table(changes_table(changes, names, label), empty=f"与原定稿结果（{label}）相比，状态、名次和称号均无变化。"))


def validation_html(report: str) -> str:
    """The validation report: its heading, the problems as a table, then what happened to the notices."""
    lines = report.splitlines()
    heading, rest = (lines[0], lines[1:]) if lines else ("", [])
    notes = ("已生成", "补正通知文件夹", "材料不全", "未发现")
    problems = [line for line in rest if not line.startswith(notes)]
    parts = [f"<p><b>{html.escape(heading)}</b></p>"]
    if problems:
        rows = "".join(f"<tr><td>{i}</td><td>{html.escape(line)}</td></tr>" for i, line in enumerate(problems, 1))
        parts.append(f'<table class="la-table"><thead><tr><th>序号</th><th>问题（文件、位置、说明）</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>")
    parts.extend(f"<p>{html.escape(line)}</p>" for line in rest if line.startswith(notes))
    return "".join(parts)
