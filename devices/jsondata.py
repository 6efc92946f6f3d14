"""Dataclasses to JSON and back, by their type hints: the one codec for records that cross a wire or a file.

`to_json(record)` gives plain JSON values (tuples and sets as lists, enums as their values, dates
as ISO strings); `from_json(cls, data)` rebuilds the record, checking each field against its type.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime, time
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
_WHEN = (datetime, date, time)


def to_json(value: Any) -> Any:
    """A dataclass (or any value inside one) as JSON values."""
    if hasattr(value, "to_json") and not isinstance(value, type):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _WHEN):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in (sorted(value, key=repr) if isinstance(value, set | frozenset) else value)]
    return value


def from_json(cls: type[T], data: Any) -> T:
    """The record of type `cls` that `to_json` gave `data`; TypeError or ValueError when it does not fit."""
    return typing.cast(T, _read(cls, data))


def _read(hint: Any, data: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any or hint is object:
        return data
    if isinstance(hint, type) and hasattr(hint, "from_json"):
        return hint.from_json(data)  # a record with a JSON form of its own
    if dataclasses.is_dataclass(hint):
        return _read_record(typing.cast(type, hint), data)
    if origin is types.UnionType or origin is typing.Union:
        return _read_union(args, data)
    if origin is typing.Literal:
        if data not in args:
            raise ValueError(f"{data!r} is not one of {args}")
        return data
    if origin in (list, tuple, set, frozenset) or origin is typing.Sequence:
        return _read_items(origin, args, data)
    if origin in (dict, Mapping) or hint is dict:
        return {k: _read(args[1] if args else Any, v) for k, v in _expect(dict, data).items()}
    return _read_scalar(hint, data)


def _read_record(cls: type, data: Any) -> Any:
    hints = _hints(cls)
    values = _expect(dict, data)
    fields = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = set(values) - fields
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    return cls(**{name: _read(hints[name], value) for name, value in values.items()})


def _read_union(args: tuple[Any, ...], data: Any) -> Any:
    if data is None and type(None) in args:
        return None
    errors = []
    for option in (a for a in args if a is not type(None)):
        try:
            return _read(option, data)
        except (TypeError, ValueError) as error:
            errors.append(str(error))
    raise ValueError(f"{data!r} fits none of {args}: {'; '.join(errors)}")


def _read_items(origin: Any, args: tuple[Any, ...], data: Any) -> Any:
    items = _expect(list, data)
    if origin is tuple and args and args[-1] is not Ellipsis:
        return tuple(_read(a, v) for a, v in zip(args, items, strict=True))
    item = args[0] if args else Any
    values = [_read(item, v) for v in items]
    return values if origin in (list, typing.Sequence) else (origin or list)(values)


def _read_scalar(hint: Any, data: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if hint in _WHEN:
        return hint.fromisoformat(_expect(str, data))
    if hint is float and isinstance(data, int) and not isinstance(data, bool):
        return float(data)
    if isinstance(hint, type) and not isinstance(data, hint):
        raise TypeError(f"{data!r} is not {hint.__name__}")
    return data


def _expect(kind: type[T], data: Any) -> T:
    if not isinstance(data, kind):
        raise TypeError(f"{data!r} is not {kind.__name__}")
    return data


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)
