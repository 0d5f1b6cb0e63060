"""Parameters of an assessment year: load, merge and validate (SPEC 3, 8.0).

The packaged defaults live in ``params/base.yaml`` (and a packaged ``params/<year>.yaml`` when
there is one); the department folder's own ``params/base.yaml`` and ``params/<year>.yaml``
(:func:`department_files`) come next and a file given with ``--params`` comes last. The merged mapping is validated into frozen pydantic
models that reject unknown keys, so a typo in a YAML file is an error, not a silent default.

The package has three parts: :mod:`.models` (the frozen models), :mod:`.reading` (the defensive
file reader and its safe YAML loader) and :mod:`.errors` (``ParamsError`` and the Chinese
wording); this module loads, merges and validates.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from landassess.params.errors import ParamsError, dotted_key, error_message_zh, type_name_zh
from landassess.params.models import (
    MAX_COUNT,
    Bonus,
    BonusPoints,
    Criterion,
    Deadlines,
    Dimension,
    Divisions,
    LevelPoints,
    Params,
    Recommendation,
    Report,
    Rubric,
    Scoring,
    SpotCheck,
    TieBreak,
    Tier,
    Tiers,
    Trim,
)
from landassess.params.reading import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES, confined_path, read_yaml
from landassess.params.vetoes import (
    REQUIREMENT_ZH,
    EventClause,
    Vetoes,
    clauses_in_force,
    county_instructions,
    default_event_clauses,
    event_clauses,
    type_words,
    veto_clauses,
    veto_descriptions,
    veto_labels,
    veto_order,
)
from landassess.paths import ParamsFiles, department_files, override_files, params_dir

__all__ = [
    "MAX_COUNT", "MAX_DEPTH", "MAX_ERROR_LINES", "MAX_FILE_BYTES", "MAX_NODES",
    "Bonus", "BonusPoints", "EventClause", "REQUIREMENT_ZH", "clauses_in_force", "county_instructions", "default_event_clauses",
    "event_clauses",
    "type_words", "veto_clauses", "veto_descriptions", "veto_labels", "veto_order", "Criterion", "Deadlines", "Dimension", "Divisions", "LevelPoints", "Params",
    "ParamsError", "Recommendation", "Report", "Rubric", "Scoring", "Sources", "SpotCheck", "Tier", "Tiers",
    "TieBreak", "Trim", "Vetoes",
    "ParamsFiles", "confined_path", "deep_merge", "department_files", "load_params", "override_files",
    "parameter_files", "params_as_dict", "read_yaml",
    "validate_params", "value_sources",
]

MAX_ERROR_LINES = 20
"""Most validation failures listed in one message (the rest are counted)."""

Sources = dict[tuple[Any, ...], tuple[int, Path]]
"""Key path → (order in which the file was applied, file) of the last file that set it."""


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into ``base`` recursively; lists and scalars are replaced whole."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def parameter_files(year: int, params_file: ParamsFiles = None, root: Path | None = None) -> list[Path]:
    """The files that make up a year's parameters, in the order they are applied.

    The packaged ``base.yaml`` (and packaged ``<year>.yaml`` when there is one), then
    ``params_file`` — the department's files and ``--params``, as :func:`landassess.cli` lists them.
    """
    folder = root or params_dir()
    files = [folder / "base.yaml"]
    year_file = folder / f"{year}.yaml"
    if year_file.exists():
        files.append(year_file)
    return files + override_files(params_file)


def load_params(year: int, params_file: ParamsFiles = None, root: Path | None = None) -> Params:
    """Load base, year and override files, merge them and validate (raises ParamsError)."""
    merged: dict[str, Any] = {}
    sources: Sources = {}
    for rank, path in enumerate(parameter_files(year, params_file, root)):
        data = read_yaml(path)
        divisions = data.get("divisions")
        file = divisions.get("file") if isinstance(divisions, dict) else None
        if isinstance(file, str) and file:
            try:
                confined = confined_path(file, Path(path).parent)
            except ParamsError as error:
                raise ParamsError(f"参数文件 {path} 的 divisions.file：{error}") from None
            data = deep_merge(data, {"divisions": {"file": str(confined)}})
        _record_sources(data, (rank, path), (), sources)
        merged = deep_merge(merged, data)
    return validate_params(merged, sources)


def _record_sources(data: dict[str, Any], source: Any, prefix: tuple[Any, ...], sources: dict) -> None:
    """Remember which file set each key (a later file wins), to name it in messages."""
    for key, value in data.items():
        where = (*prefix, key)
        sources[where] = source
        if isinstance(value, dict):
            _record_sources(value, source, where, sources)


def value_sources(layers: Iterable[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """Dotted key → the label of the last layer that sets it, for ``(label, mapping)`` layers in applied order.

    The layers are the parameter files as :func:`load_params` stacks them (SPEC 8.0: a later file
    overrides an earlier one, key by key; a list or a value is set whole, as :func:`deep_merge`
    does). Every key is listed, groups (``tiers``, ``tiers.model``) as well as values
    (``tiers.model.quota``); a key no layer sets is absent (its value is the model's default).
    """
    sources: dict[tuple[Any, ...], Any] = {}
    for label, data in layers:
        _record_sources(data, label, (), sources)
    return {dotted_key(key): label for key, label in sources.items()}


def _source_of(loc: tuple[Any, ...], sources: Sources) -> Path | None:
    """The last-applied file that set ``loc``, a key above it or a key below it."""
    related = [source for key, source in sources.items() if key[:len(loc)] == loc or loc[:len(key)] == key]
    return max(related, key=lambda source: source[0])[1] if related else None


def validate_params(data: dict[str, Any], sources: Sources | None = None) -> Params:
    """Validate a merged mapping into :class:`Params`, with a Chinese message on failure.

    ``sources`` (from :func:`load_params`) maps key paths to the file that set them, so that each
    message names the file as well as the dotted key.
    """
    from pydantic import ValidationError

    if not isinstance(data, dict):
        raise ParamsError(f"参数校验失败：顶层应为键值映射，得到{type_name_zh(data)}")
    try:
        return Params.model_validate(data)
    except ValidationError as error:
        items = error.errors(include_url=False)
        order = [path for _, path in sorted(set((sources or {}).values()), key=lambda source: source[0])]
        lines = []
        for item in items[:MAX_ERROR_LINES]:
            loc = tuple(item["loc"])
            source = _source_of(loc, sources) if sources else None
            where = (dotted_key(loc) or "顶层") + (f"（{source}）" if source is not None else "")
            lines.append(f"  {where}：{error_message_zh(item)}")
        if len(items) > MAX_ERROR_LINES:
            lines.append(f"  ……另有 {len(items) - MAX_ERROR_LINES} 处")
        files = f"（参数文件：{'、'.join(str(f) for f in order)}）" if order else ""
        raise ParamsError(f"参数校验失败{files}：\n" + "\n".join(lines)) from None
    except RecursionError:
        raise ParamsError("参数校验失败：嵌套过深") from None


def params_as_dict(params: Params) -> dict[str, Any]:
    """The resolved parameters as plain JSON-friendly data (decimals as strings)."""
    return params.model_dump(mode="json")
