"""The shape of the code: imports point one way through the pipeline's layers, built-in skills use only the
plugin API, and every record that crosses a wire or a file comes back from its JSON form unchanged."""

from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import inspect
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.jsondata import from_json, to_json

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "devices", "skills")

#: Low to high; a module may import only from its own layer or those below it. The longest prefix names a module's layer.
LAYERS: list[tuple[str, ...]] = [
    ("devices",),
    ("agent.config", "agent.understanding.language", "agent.understanding.typed_toml", "agent.understanding.wording_tables",
     "agent.understanding.phrase_tables", "agent.turn.plan"),
    ("agent.turn.context",),
    ("agent.memory.records", "agent.memory.schema", "agent.memory.store", "agent.memory.pending", "agent.memory.schedule",
     "agent.memory.spoken", "agent.memory.ics"),
    ("agent.turn.executor", "agent.turn.quiet", "agent.turn.routine_clock"),
    ("agent.replies",),
    ("agent.understanding",),
    ("agent.turn", "agent.memory"),
    ("skills.api",),
    ("skills",),
    ("agent.skill_host", "agent.llm", "agent.voice"),
    ("agent.app",),
    ("agent.evaluation", "agent.cli", "agent.web", "agent.wyoming"),
    ("agent",),
]


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"))
    return found


def layer_of(module: str) -> int:
    best = max(((prefix, i) for i, names in enumerate(LAYERS) for prefix in names
                if module == prefix or module.startswith(prefix + ".")), key=lambda found: len(found[0]))
    return best[1]


def module_path(module: str) -> Path:
    path = ROOT / (module.replace(".", "/") + ".py")
    return path if path.exists() else ROOT / module.replace(".", "/") / "__init__.py"


def project_imports(module: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module_path(module).read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] in PACKAGES}


@pytest.mark.parametrize("module", modules())
def test_imports_point_down_the_layers(module: str):
    wrong = [name for name in project_imports(module) if layer_of(name) > layer_of(module)]
    assert not wrong, f"{module} (layer {layer_of(module)}) imports {wrong} from above it"


@pytest.mark.parametrize("module", [m for m in modules() if m.startswith("skills.") and m != "skills.api"])
def test_built_in_skills_use_only_the_plugin_api(module: str):
    assert project_imports(module) <= {"skills.api"}


@pytest.mark.parametrize("module", modules())
def test_every_module_imports(module: str):
    importlib.import_module(module)


MODULE_LINES, FUNCTION_LINES = 400, 50
"""The most a module and a function may hold: a module with one job, a function that reads at a glance."""


@pytest.mark.parametrize("module", modules())
def test_modules_and_functions_stay_small(module: str):
    source = module_path(module).read_text(encoding="utf-8")
    assert source.count("\n") <= MODULE_LINES, f"{module}: over {MODULE_LINES} lines"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.end_lineno or node.lineno) - node.lineno + 1 > FUNCTION_LINES]
    assert not long, f"{module}: functions over {FUNCTION_LINES} lines: {long}"


# ---- every record round-trips through its JSON form --------------------------------------------------------

LANGUAGE_TABLES = {"agent.understanding.language", "agent.understanding.wording_tables",
                   "agent.understanding.phrase_tables"}
"""Sections of the language file: read from TOML by their own loader, never written as JSON."""


def records() -> list[type]:
    """Every dataclass of the project whose fields are all JSON data (not callables, threads or engines), except
    reports written for people and scripts that are never read back (a `to_json` without a `from_json`)."""
    found: dict[str, type] = {}
    for module in modules():
        for _, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            written_only = "to_json" in vars(cls) and "from_json" not in vars(cls)
            if dataclasses.is_dataclass(cls) and cls.__module__ == module and _is_record(cls) and not written_only \
                    and module not in LANGUAGE_TABLES:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


def _is_record(cls: type) -> bool:
    try:
        hints = typing.get_type_hints(cls)
    except NameError:
        return False
    return all(_is_data(hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def _is_data(hint: Any) -> bool:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (str, int, float, bool, type(None), datetime) or hint is Any:
        return True
    if origin is typing.Literal:
        return True
    if origin in (list, tuple, set, frozenset, dict, Mapping, Sequence, types.UnionType, typing.Union):
        return all(_is_data(a) for a in args if a is not Ellipsis)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return True
    return dataclasses.is_dataclass(hint) and _is_record(typing.cast(type, hint))


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=6)


def strategy(hint: Any) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=8), int: st.integers(-10**6, 10**6), bool: st.booleans(), type(None): st.none(),
        float: st.floats(-1e6, 1e6, allow_nan=False), datetime: st.datetimes(timezones=st.just(UTC)),
    }
    if hint in simple:
        return simple[hint]
    if hint is Any:
        return JSON_VALUES
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (types.UnionType, typing.Union):
        return st.one_of(*(strategy(a) for a in args))
    if origin in (list, Sequence):
        return st.lists(strategy(args[0]) if args else JSON_VALUES, max_size=3)
    if origin is tuple:
        if args and args[-1] is not Ellipsis:
            return st.tuples(*(strategy(a) for a in args))
        return st.lists(strategy(args[0]), max_size=3).map(tuple)
    if origin in (set, frozenset):
        return st.frozensets(strategy(args[0]), max_size=3).map(origin)
    if origin in (dict, Mapping) or hint is dict:
        return st.dictionaries(st.text(max_size=5), strategy(args[1]) if args else JSON_VALUES, max_size=3)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(list(hint))
    return _record(hint)


def _record(cls: type) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    return st.builds(cls, **{f.name: strategy(hints[f.name]) for f in dataclasses.fields(cls) if f.init})


@pytest.mark.parametrize("cls", records(), ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_record_round_trips_through_json(cls: type, data: st.DataObject):
    try:
        record = data.draw(_record(cls))
    except (TypeError, ValueError):  # a field combination the record itself refuses (validated in __post_init__)
        return
    assert from_json(cls, to_json(record)) == record


def test_the_records_include_the_pipeline_seams():
    names = {cls.__name__ for cls in records()}
    assert {"Plan", "SetState", "Adjust", "GetState", "MediaControl", "RunRoutine", "SkillCall", "DeviceOutcome",
            "TurnResult"} <= names
