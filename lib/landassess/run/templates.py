"""``landassess template``: the workbooks sent out for a year (SPEC 7.4, 8.3), for the CLI and the app alike.

:func:`write_forms` writes the three blank templates, one 申报材料 per county and one 推荐名单
per city into ``templates/<Y>/``; :func:`write_evaluator_sheets` (with the year's data and the
evaluators) writes only the evaluators' score sheets into ``<out>/评委评分表/``, beside what the
folder holds. Both go through the owner-checked folder writer (SPEC 7.1) and return the Chinese
line to show.
"""

from __future__ import annotations

from pathlib import Path

from landassess.errors import UsageError
from landassess.paths import ParamsFiles

SCORE_SHEETS = "评委评分表"
PARTS = ("县级申报材料", "设区市推荐名单")


def write_forms(year: int, out: Path, params_files: ParamsFiles = None) -> str:
    """The templates, county and city forms of ``year`` in ``out``; what was written, in Chinese."""
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish import return_forms
    from landassess.run.ownership import TEMPLATES, OwnedFolder, carry_listed

    params = load_params(year, params_files)
    divisions = load_divisions(params.divisions.file)
    writers = dict(zip(PARTS, (return_forms.write_county_forms, return_forms.write_city_forms), strict=True))
    with OwnedFolder(out, TEMPLATES) as folder:
        paths = return_forms.write_templates(folder.path, year, divisions, params)
        counts = {}
        for name, write in writers.items():
            (folder.path / name).mkdir()
            counts[name] = len(write(folder.path / name, year, divisions, params))
        kept = carry_listed(folder, exclude={p.name for p in paths} | set(writers))
        folder.commit(manifest_files=[p.name for p in paths] + list(counts) + kept, year=year)
    return (f"已生成模板（{folder.out}）：" + "；".join(f"{name} {n} 份" for name, n in counts.items())
            + "；通用表格：" + "、".join(p.name for p in paths))


def write_evaluator_sheets(year: int, out: Path, data: Path, params_files: ParamsFiles = None,
                           evaluators: tuple[str, ...] | list[str] = ()) -> str:
    """The evaluators' score sheets only (``--data``), recused rows greyed; what was written, in Chinese.

    ``evaluators`` defaults to the parameters' list (``evaluators`` in ``params/<Y>.yaml``).
    """
    from landassess.divisions import load_divisions
    from landassess.params import load_params
    from landassess.publish import return_forms
    from landassess.run.ownership import TEMPLATES, OwnedFolder, carry_listed

    params = load_params(year, params_files)
    divisions = load_divisions(params.divisions.file)
    plan = return_forms.score_sheet_plan(data, year, params, divisions, tuple(evaluators))
    if not plan[1]:
        raise UsageError("没有评委名单：请用 --evaluators 给出（如 --evaluators 评委甲,评委乙），"
                         f"或写在 params/{year}.yaml 的 evaluators 中")
    with OwnedFolder(out, TEMPLATES, protect=[data]) as folder:
        kept = carry_listed(folder, exclude={SCORE_SHEETS})
        (folder.path / SCORE_SHEETS).mkdir()
        count = len(return_forms.write_score_sheets(folder.path / SCORE_SHEETS, year, params, *plan))
        folder.commit(manifest_files=[*kept, SCORE_SHEETS], year=year)
    return (f"已生成评委评分表 {count} 份（{folder.out / SCORE_SHEETS}）；回避的县在各自的评分表中置灰并锁定。"
            + (f"该文件夹中原有的 {'、'.join(kept)} 保持不变。" if kept else ""))
