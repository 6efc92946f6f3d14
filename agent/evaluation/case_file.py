"""Reading case files (`docs/evaluation.md`): every field the contract names, checked, and anything else
refused with one line naming the file and the line."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from devices.errors import ConfigError

Check = Callable[[Any], str | None]
"""Returns what is wrong with a value, or None when it is fine."""


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "expected a string"


def _flag(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _words(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "expected a list of strings"
    return None


def _patterns(value: Any) -> str | None:
    wrong = _words(value)
    if wrong:
        return wrong
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as error:
            return f"{pattern!r} is not a regular expression ({error})"
    return None


def _states(value: Any) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(state, dict) for state in value.values()):
        return 'expected {"device_id": {"attribute": value}}'
    return None


def _moment(value: Any) -> str | None:
    if not isinstance(value, str):
        return "expected an ISO 8601 local time, e.g. 2026-11-24T10:00:00"
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not an ISO 8601 local time, e.g. 2026-11-24T10:00:00"
    return None


def _turn_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value or not all(isinstance(turn, dict) for turn in value):
        return "expected a non-empty list of turns"
    return None


TURN_FIELDS: dict[str, Check] = {
    "utterance": _text, "expect": _states, "say": _patterns, "say_not": _patterns, "confirm": _flag,
    "now": _moment, "setup": _states, "area": _text, "person": _text, "announce": _patterns,
    "announce_not": _patterns,
}
"""What a turn of `turns` may carry; a turn without `utterance` only lets time pass and the world change."""

SINGLE_TURN_FIELDS = ("utterance", "expect", "say", "say_not", "confirm")
"""The fields of a one-turn case written on the case itself."""

CASE_FIELDS: dict[str, Check] = {
    "id": _text, "turns": _turn_list, "area": _text, "person": _text, "now": _moment, "setup": _states,
    "tags": _words, "audio": _text, **{name: TURN_FIELDS[name] for name in SINGLE_TURN_FIELDS},
}


def read_case_lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, checked case data) for every non-blank line; ConfigError names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: case file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a case file (.jsonl)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the case file ({error})") from None
    found: list[tuple[int, dict[str, Any]]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        problem, data = _checked_line(line)
        if problem is None and data["id"] in seen:
            problem = f"id {data['id']!r} is used twice"
        if problem is not None:
            raise ConfigError(f"{path}:{number}: {problem}")
        seen.add(data["id"])
        found.append((number, data))
    return found


def _checked_line(line: str) -> tuple[str | None, dict[str, Any]]:
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as error:
        return f"not valid JSON ({error})", {}
    if not isinstance(data, dict):
        return "expected a JSON object, one case a line", {}
    return _case_problem(data), data


def _case_problem(data: dict[str, Any]) -> str | None:
    problem = _fields_problem(data, CASE_FIELDS, "")
    if problem:
        return problem
    if "id" not in data:
        return "a case needs an id"
    if "turns" in data:
        single = [name for name in SINGLE_TURN_FIELDS if name in data]
        if single:
            return f"{', '.join(single)} belong in the turns of a multi-turn case"
        for number, turn in enumerate(data["turns"], 1):
            problem = _fields_problem(turn, TURN_FIELDS, f"turn {number}: ")
            if problem:
                return problem
    elif "utterance" not in data:
        return "a case needs an utterance, or turns"
    return None


def _fields_problem(data: dict[str, Any], fields: dict[str, Check], where: str) -> str | None:
    for name, value in data.items():
        check = fields.get(name)
        if check is None:
            return f"{where}unknown field {name!r} (known: {', '.join(fields)})"
        wrong = check(value)
        if wrong:
            return f"{where}{name}: {wrong}"
    return None
