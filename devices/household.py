"""The household file (see shared/eval/README.md): floors, areas, devices, people, schedule, routines."""

from __future__ import annotations

import tomllib
import types
import typing
from dataclasses import dataclass, field, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devices.errors import ConfigError
from devices.model import Device, Kind

EXAMPLE_HOME = Path(__file__).with_name("example_home.toml")


@dataclass
class Floor:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Area:
    id: str
    name: str
    floor: str | None = None
    aliases: list[str] = field(default_factory=list)


@dataclass
class Person:
    id: str
    name: str
    preferences: dict[str, Any] = field(default_factory=dict)


@dataclass
class ScheduleEntry:
    title: str
    start: str
    """Local start time, `HH:MM`."""
    person: str | None = None
    rrule: str | None = None
    """RFC 5545 recurrence rule, e.g. `FREQ=WEEKLY;BYDAY=TU,TH`."""
    date: str | None = None
    """`YYYY-MM-DD` for a one-off entry."""
    end: str | None = None
    area: str | None = None


@dataclass
class RoutineAction:
    set: dict[str, Any]
    device: str | None = None
    area: str | None = None
    """An area id, or `*` for every area (with `kind`)."""
    kind: str | None = None

    def __post_init__(self) -> None:
        if self.kind is not None:
            Kind(self.kind)  # an unknown kind is a ValueError, reported as the household file's

    @property
    def kinds(self) -> list[Kind] | None:
        """The kind as the registry selects by it; None for every kind."""
        return [Kind(self.kind)] if self.kind else None


@dataclass
class Routine:
    id: str
    name: str
    actions: list[RoutineAction]
    aliases: list[str] = field(default_factory=list)
    at: str | None = None
    """Local time `HH:MM` at which it runs by itself."""
    days: list[str] = field(default_factory=list)
    """Weekdays `MO`…`SU` for `at`; empty means every day."""
    on: str | None = None
    """`leave` or `arrive`: it runs when someone says they are leaving or back."""


@dataclass
class HomeInfo:
    name: str = "Home"
    timezone: str = "UTC"
    temperature_unit: str = "C"
    quiet_hours: dict[str, str] | None = None


@dataclass
class Household:
    home: HomeInfo
    floors: list[Floor]
    areas: list[Area]
    devices: list[Device]
    people: list[Person] = field(default_factory=list)
    schedule: list[ScheduleEntry] = field(default_factory=list)
    routines: list[Routine] = field(default_factory=list)
    source: str = ""
    """Where it was read from, for messages."""


def load_household(path: str | Path | None = None) -> Household:
    """Read a household file; None means the example household shipped with homebody."""
    file = Path(path) if path else EXAMPLE_HOME
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: household file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: cannot read household file ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{file}: not valid TOML ({error})") from None
    return parse_household(data, str(file))


def parse_household(data: dict[str, Any], source: str = "<household>") -> Household:
    household = Household(
        home=_build(HomeInfo, data.get("home", {}), source, "home"),
        floors=_build_all(Floor, data, "floors", source),
        areas=_build_all(Area, data, "areas", source),
        devices=[_device(item, source, i) for i, item in enumerate(_tables(data, "devices", source))],
        people=_build_all(Person, data, "people", source),
        schedule=_build_all(ScheduleEntry, data, "schedule", source),
        routines=[_routine(item, source, i) for i, item in enumerate(_tables(data, "routines", source))],
        source=source,
    )
    try:
        ZoneInfo(household.home.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{source}: home.timezone {household.home.timezone!r} is not an IANA timezone") from None
    _check_references(household)
    return household


def _device(item: Any, source: str, index: int) -> Device:
    where = f"devices[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{source}: {where} must be a table")
    values = dict(item)
    mqtt = values.pop("mqtt", None) or {}
    if not isinstance(mqtt, dict) or not isinstance(mqtt.get("topic", ""), str):
        raise ConfigError(f"{source}: {where}.mqtt must be a table like {{topic = \"zigbee2mqtt/...\"}}")
    values["topic"] = mqtt.get("topic", "")
    kind = values.get("kind")
    if kind not in Kind.__members__.values():
        raise ConfigError(f"{source}: {where}.kind must be one of {', '.join(Kind)}, not {kind!r}")
    return _build(Device, values, source, where)


def _routine(item: Any, source: str, index: int) -> Routine:
    where = f"routines[{index}]"
    if not isinstance(item, dict):
        raise ConfigError(f"{source}: {where} must be a table")
    values = dict(item)
    actions = values.get("actions", [])
    if not isinstance(actions, list):
        raise ConfigError(f"{source}: {where}.actions must be an array")
    values["actions"] = [_build(RoutineAction, a, source, f"{where}.actions") for a in actions]
    return _build(Routine, values, source, where)


def _tables(data: dict[str, Any], section: str, source: str) -> list[Any]:
    items = data.get(section, [])
    if not isinstance(items, list):
        raise ConfigError(f"{source}: [[{section}]] must be an array of tables")
    return items


def _build_all(cls: type, data: dict[str, Any], section: str, source: str) -> list[Any]:
    return [_build(cls, item, source, f"{section}[{i}]") for i, item in enumerate(_tables(data, section, source))]


def _build(cls: type, values: Any, source: str, where: str) -> Any:
    if not isinstance(values, dict):
        raise ConfigError(f"{source}: {where} must be a table")
    hints = get_type_hints(cls)
    for name, value in values.items():
        if name in hints and not _fits(value, hints[name]):
            raise ConfigError(f"{source}: {where}.{name} must be {_type_name(hints[name])}, not {value!r}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{source}: {where}: {error}".replace("__init__() ", "")) from None


def _fits(value: Any, expected: Any) -> bool:
    """Whether a TOML value has the type a household field declares."""
    origin = typing.get_origin(expected)
    if expected is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, option) for option in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(expected) or (Any,)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if origin is dict or expected is dict:
        return isinstance(value, dict)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(expected, type) and issubclass(expected, Enum):
        return isinstance(value, str)
    if isinstance(expected, type) and is_dataclass(expected):
        return True
    return isinstance(expected, type) and isinstance(value, expected)


def _type_name(expected: Any) -> str:
    text = str(expected).replace("typing.", "").replace("devices.model.", "").replace("<class '", "")
    return text.replace("'>", "").replace("NoneType", "absent")


def _check_references(household: Household) -> None:
    floors = {f.id for f in household.floors}
    areas = {a.id for a in household.areas}
    devices = [d.id for d in household.devices]
    for area in household.areas:
        if area.floor and area.floor not in floors:
            raise ConfigError(f"{household.source}: area {area.id!r} names unknown floor {area.floor!r}")
    for device in household.devices:
        if device.area and device.area not in areas:
            raise ConfigError(f"{household.source}: device {device.id!r} names unknown area {device.area!r}")
    duplicates = {d for d in devices if devices.count(d) > 1}
    if duplicates:
        raise ConfigError(f"{household.source}: device ids used twice: {', '.join(sorted(duplicates))}")
