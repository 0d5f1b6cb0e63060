"""Report sections 十 假设与口径 and 十一 溯源: what the notice leaves open, and where the numbers come from.

The assumptions log is built from the parameters (the number of criteria, the rounding), so it
cannot contradict them; the provenance section shows the year's manifest as
:mod:`landassess.publish.provenance` built it, the same dictionary ``manifest.json`` holds, and the
parameters used as a table of values and the files they came from (:mod:`.parameters`).
"""

from __future__ import annotations

import pandas as pd

from landassess.assessment import Assessment
from landassess.clock import china_now
from landassess.params import Params, event_clauses, params_as_dict
from landassess.params.labels import PARAM_GROUP_ZH
from landassess.publish.provenance import year_manifest
from landassess.publish.report.markup import HTMLFragment, _e, _section, _source_zh, _table, decimals_zh
from landassess.publish.report.parameters import parameter_file_zh, parameters_table
from landassess.vocabulary import TABLE_ZH

_NO_COMMIT = "（不在 git 仓库中）"
__all__ = ["PARAM_GROUP_ZH", "assumption_items", "assumptions_section", "provenance_section"]


def _effectiveness_name(params: Params) -> str:
    rubric = params.rubric
    return next(d.name for d in rubric.dimensions if d.id == rubric.effectiveness_dimension)


def event_clauses_item(params: Params) -> str:
    """The year's event clauses (SPEC 8.7) in one sentence: what each needs to veto; those not in force."""
    clauses = event_clauses(params)
    needs = []
    for c in clauses.values():
        if not c.in_force:
            continue
        parts = ([f"须为{'、'.join(w + '级' for w in c.levels)}"] if c.levels is not None else [])
        parts += [{"verified": "须“经查实”", "reference": "须有文号或出处"}[r] for r in c.requires]
        if parts:
            needs.append(f"{c.label}（{c.clause}）{'、'.join(parts)}")
    off = [f"{c.label}（{c.clause}）" for c in clauses.values() if not c.in_force]
    return ("否决事项按本年度参数中的条款判断：" + "；".join(needs) + "；其他层级或缺少所需栏目的事项不计，列入“未计入的否决事项”"
            + (f"；本年度不执行：{'、'.join(off)}" if off else "") + "。")


def assumption_items(params: Params) -> list[str]:
    """The assumptions and readings of this run, in Chinese, built from ``params``."""
    rounding = decimals_zh(params.scoring.score_decimals)
    return [
        f"《评估细则》未公开：{len(params.rubric.criteria)}项指标、分组与满分为假设，保存在参数文件中，可替换而无需改代码。",
        "否决事项、耕地数据对所有县评估（无论是否申报）；状态按规定顺序判定，未申报优先。",
        event_clauses_item(params),
        "违法占用耕地比例使用省厅耕地数据；申报县缺少耕地数据为“材料不全”，不视为通过。",
        "无效推荐（他市县、未申报县、开发区）不占名额；同一县重复推荐按第一次计。",
        "只有名额内、未被否决的县参与评分；其他县的评分不计并提示。",
        f"排名用{rounding}四舍五入后的总分；并列时用{rounding}的“{_effectiveness_name(params)}”得分，"
        "再用精确的违法占用耕地比例。",
        "实地查验抽取范围为拟评定模范、先进的单位（不含并列待定）；抽取算法 sha256(\"种子:代码\") 升序。",
        "截止日期后申报或推荐只作提示，由省厅决定是否受理。",
    ]


def assumptions_section(a: Assessment) -> HTMLFragment:
    """What the notice does not fix: the rubric, thresholds' readings and other choices."""
    p = params_as_dict(a.params)
    sources = [(PARAM_GROUP_ZH.get(k, k), _source_zh(v.get("source", ""))) for k, v in p.items()
               if isinstance(v, dict) and "source" in v]
    frame = pd.DataFrame(sources, columns=["参数组", "来源或假设"])
    markup = ("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in assumption_items(a.params)) + "</ul>" + _table(frame)
              + '<p class="la-note">完整的口径说明见项目文档 docs/rules.md。</p>')
    return _section("assumptions", "十、假设与口径", markup, a)


def provenance_section(a: Assessment, run_time: str | None = None) -> HTMLFragment:
    """The year's manifest as a reader sees it: input hashes, parameters, versions, commit, as-of date.

    Only the run time is the report's own (the moment the notebook ran); everything else is read
    from :func:`landassess.publish.provenance.year_manifest`.
    """
    manifest = year_manifest(a)
    files = pd.DataFrame([
        {"表": TABLE_ZH.get(name, "收集记录" if name == "collected" else name), "文件": entry["file"],
         "SHA-256": entry["sha256"]}
        for name, entry in sorted(manifest["inputs"].items())
    ] + [{"表": "参数文件（依次生效）", "文件": parameter_file_zh(entry["file"]), "SHA-256": entry["sha256"]}
         for entry in manifest.get("parameter_files", [])])
    software = dict(manifest["software"])
    python = software.pop("python")
    versions = [f"{package} {version or '（未安装）'}" for package, version in software.items()]
    commit = manifest["commit"][:12] if manifest["commit"] else _NO_COMMIT
    run_time = run_time or china_now().isoformat(timespec="seconds")
    as_of = manifest["as_of"] or "—"
    markup = (f"{_table(files)}"
              f"<p>软件：{_e('；'.join(versions))}；Python {_e(python)}；代码版本（git）：<span class='la-mono'>{_e(commit)}</span>；"
              f'运行时间（北京时间）：<span class="la-run-time">{_e(run_time)}</span>；'
              f"评估基准日（--as-of，判断日期是否晚于“今天”）：<b>{_e(as_of)}</b></p>"
              "<h3>本次使用的参数</h3>"
              '<p class="la-note">参数文件按上表顺序依次生效，后生效的覆盖先生效的；“取自”是最后写明该取值的参数文件'
              "（“软件默认参数”即软件自带的 params/base.yaml），参数文件都未写明的用软件内置默认值。</p>"
              f"{parameters_table(a, manifest.get('parameter_files', []))}"
              '<p class="la-note">完整参数见 manifest.json 的 parameters。</p>')
    return _section("provenance", "十一、溯源", markup, a)
