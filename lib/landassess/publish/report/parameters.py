"""The parameters a run used, as a reader checks them (issue 19): one row per value, in words, with its file.

Section 十一 溯源 shows a table, grouped as the parameter file is (一票否决, 加分, 推荐名额 …): each
value by its Chinese name (:data:`landassess.params.labels.PARAMETER_ZH`), its value in words
(lists joined with 、, 是/否, dates, shares also as percentages, "not set" as 不设) and the
parameter file it was taken from — the packaged defaults, the department's ``params/base.yaml`` or
``params/<Y>.yaml``, or a ``--params`` file — the last of the files applied that sets it
(:func:`landassess.params.value_sources`). Each group's row carries its 依据 (the ``source`` of
the group: the notice's clause, or an assumption). The full values stay in ``manifest.json``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from landassess.assessment import Assessment
from landassess.params import ParamsError, params_as_dict, read_yaml, value_sources
from landassess.params.labels import PARAM_GROUP_ZH, PARAMETER_ZH
from landassess.paths import sha256_file
from landassess.publish.report.markup import _e, _source_zh
from landassess.rules.ranking import TIE_BREAK_ZH

BUILT_IN = "软件内置默认值（参数文件未写）"
"""The source of a value no parameter file sets (the parameter model's default)."""
UNKNOWN = "无法确定（参数文件在评估后被改动或无法读取）"
"""The source of every value when a parameter file no longer matches the hash the manifest records."""
NOT_SET = "不设"

_WORDS = {
    "scoring.method": {"mean": "算术平均"},
    "spot_check.pool": {"titled": "拟评定为模范、先进的单位"},
}
"""Values written as codes in the parameter file, in words."""


def parameter_file_zh(file: str) -> str:
    """A parameter file as the report names it: the packaged defaults as such, others by folder and name."""
    if file.startswith("landassess:"):
        return f"软件默认参数（{file.removeprefix('landassess:')}）"
    path = PureWindowsPath(file) if "\\" in file else PurePosixPath(file)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


PACKAGED_BASE = "landassess:params/base.yaml"
"""The packaged defaults as the manifest names them; the parameter table says 软件默认参数."""


def _source_label(file: str) -> str:
    return "软件默认参数" if file == PACKAGED_BASE else parameter_file_zh(file)


def parameter_sources(a: Assessment, entries: list[dict[str, str]]) -> dict[str, str] | None:
    """Dotted key → the parameter file (in words) that set it, for the files ``a`` applied, in order.

    ``entries`` are the manifest's ``parameter_files`` (file and SHA-256, in the order applied).
    ``None`` when a file can no longer be read or no longer has its recorded hash: then no value's
    file can be told for certain.
    """
    layers = []
    for path, entry in zip(a.params_files, entries, strict=False):
        try:
            if sha256_file(path) != entry["sha256"]:
                return None
            layers.append((_source_label(entry["file"]), read_yaml(path)))
        except (OSError, ParamsError):
            return None
    if len(layers) != len(entries):
        return None
    return value_sources(layers)


_WHOLE = ("vetoes.event_clauses",)
"""Groups shown as one value (the clauses: the report's section 三 lists each in full)."""


def _leaves(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted key → value for every value of the parameters (a list is one value; ``source`` left out)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and dotted not in _WHOLE:
            out |= _leaves(value, dotted)
        elif key != "source":
            out[dotted] = value
    return out


def _share(value: str) -> str:
    return f"{value}（{(Decimal(value) * 100).normalize():f}%）"


def value_zh(key: str, value: Any, a: Assessment) -> str:
    """One parameter's value as a reader reads it."""
    if key in _WORDS:
        return _WORDS[key].get(value, str(value))
    if key in ("vetoes.cultivated_ratio_threshold", "recommendation.quota_share", "report.spread_flag_share"):
        return _share(value)
    if key == "vetoes.cultivated_area_threshold_mu":
        return f"{value} 亩"
    if key == "vetoes.hectare_to_mu":
        return f"1 公顷 = {value} 亩"
    if key == "vetoes.event_clauses":
        return "；".join(f"{c['label']}（{c['clause']}）" + ("" if c["in_force"] else "，本年度不执行")
                        for c in value.values()) + "（明细见“三、一票否决”）"
    if key.startswith("deadlines."):
        month, day = (int(x) for x in value.split("-"))
        return f"{a.year + 1}年{month}月{day}日（{value}）"
    if key == "tie_break.order":
        return "；".join(f"{i}. {TIE_BREAK_ZH.get(rule, rule)}" for i, rule in enumerate(value, 1))
    if key == "rubric.dimensions":
        rubric = a.params.rubric
        return (f"{len(rubric.dimensions)} 个方面、{len(rubric.criteria)} 项指标，满分合计 "
                f"{rubric.total_max().normalize():f} 分（明细见“五、评分”的评估指标表）")
    if key == "rubric.effectiveness_dimension":
        return next((d.name for d in a.params.rubric.dimensions if d.id == value), str(value))
    if key == "divisions.file":
        return (PurePosixPath(str(value).replace("\\", "/")).name if value
                else f"软件内置名单（{len(a.divisions.codes)} 个县级单位）")
    if key == "evaluators" and not value:
        return "未列出（按评分表中首次出现的顺序）"
    if key == "spot_check.seed" and value is None:
        return "不设（本年度不抽取）"
    if key.startswith("documents.") and value is None:
        return "未设（文稿中以【】占位）"
    if key.endswith(".min_total") and value is None:
        return "不设（只按名次）"
    if key == "bonus.cap" and value is None:
        return "不设（方案未规定）"
    return _plain(value)


def _plain(value: Any) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(v) for v in value) or "（空）"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def parameters_table(a: Assessment, entries: list[dict[str, str]]) -> str:
    """The parameters used, one row per value, grouped; each group with its 依据 (HTML)."""
    data = params_as_dict(a.params)
    values = _leaves(data)
    keys = [k for k in PARAMETER_ZH if k in values] + [k for k in values if k not in PARAMETER_ZH]
    sources = parameter_sources(a, entries)
    rows, group = [], None
    for key in keys:
        top = key.split(".")[0]
        if top != group:
            group = top
            basis = data[top].get("source", "") if isinstance(data[top], dict) else ""
            title = PARAM_GROUP_ZH.get(top, top) + (f"　依据：{_source_zh(basis)}" if basis else "")
            rows.append(f'<tr class="la-param-group"><td colspan="4">{_e(title)}</td></tr>')
        source = UNKNOWN if sources is None else sources.get(key, BUILT_IN)
        rows.append(f"<tr><td>{_e(PARAMETER_ZH.get(key, key))}</td><td>{_e(value_zh(key, values[key], a))}</td>"
                    f'<td>{_e(source)}</td><td class="la-key">{_e(key)}</td></tr>')
    head = "".join(f"<th>{h}</th>" for h in ("参数", "取值", "取自（参数文件）", "参数文件中的键"))
    return (f'<table class="la-table la-params" data-columns="4"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
