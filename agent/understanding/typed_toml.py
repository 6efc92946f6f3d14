"""A TOML value read as the type a hint describes: frozen containers, frozen dataclasses, Kind; a value that
does not fit is a `ConfigError` naming its key ("language file: en.toml.values.percent must be an array")."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, Field, fields, is_dataclass
from typing import Any

from devices.errors import ConfigError
from devices.model import Kind


def read_typed(value: Any, hint: Any, where: str) -> Any:
    """`value` from TOML as the type `hint` describes (frozen containers, dataclasses, Kind)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return value
    if is_dataclass(hint):
        return _read_dataclass(value, typing.cast(type, hint), where)
    if origin is types.UnionType or origin is typing.Union:
        return None if value in (None, "") and type(None) in args else read_typed(value, args[0], where)
    if origin is tuple and isinstance(value, str):
        return tuple(value.split())  # a phrase read as its words: "do not"
    if origin in (frozenset, tuple):
        if not isinstance(value, list):
            raise ConfigError(f"language file: {where} must be an array")
        if origin is tuple and len(args) == 2 and args[1] is not Ellipsis:
            return tuple(read_typed(v, a, f"{where}[{i}]") for i, (v, a) in enumerate(zip(value, args, strict=True)))
        items = [read_typed(v, args[0], f"{where}[{i}]") for i, v in enumerate(value)]
        return frozenset(items) if origin is frozenset else tuple(items)
    if origin is Mapping:
        if not isinstance(value, dict):
            raise ConfigError(f"language file: {where} must be a table")
        return types.MappingProxyType({k: read_typed(v, args[1], f"{where}.{k}") for k, v in value.items()})
    return _read_scalar(value, hint, where)


def _read_scalar(value: Any, hint: Any, where: str) -> Any:
    if hint is Kind:
        try:
            return Kind(value)
        except ValueError:
            raise ConfigError(f"language file: {where}: unknown kind {value!r}") from None
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"language file: {where} must be {hint.__name__}, not {value!r}")
    return value


def _read_dataclass(value: Any, cls: type, where: str) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"language file: {where} must be a table")
    hints = typing.get_type_hints(cls)
    names = {f.name: f for f in fields(cls) if f.init}
    keys = {_toml_key(name): name for name in names}
    unknown = set(value) - set(keys)
    if unknown:
        raise ConfigError(f"language file: {where}: unknown key {', '.join(sorted(unknown))}")
    missing = [key for key, name in keys.items() if key not in value and not _has_default(names[name])]
    if missing:
        raise ConfigError(f"language file: {where}: missing {', '.join(missing)}")
    return cls(**{name: read_typed(value[key], hints[name], f"{where}.{key}") for key, name in keys.items() if key in value})


def _toml_key(field_name: str) -> str:
    """The TOML key of a field: `device_class` is "class", a trailing _ (a Python keyword) is dropped."""
    return "class" if field_name == "device_class" else field_name.removesuffix("_")


def _has_default(spec: Field[Any]) -> bool:
    return spec.default is not MISSING or spec.default_factory is not MISSING
