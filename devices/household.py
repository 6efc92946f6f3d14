"""The household file (see shared/eval/README.md): floors, areas, devices, people, schedule, routines."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
        devices=[_device(item, source, i) for i, item in enumerate(data.get("devices", []))],
        people=_build_all(Person, data, "people", source),
        schedule=_build_all(ScheduleEntry, data, "schedule", source),
        routines=[_routine(item, source, i) for i, item in enumerate(data.get("routines", []))],
        source=source,
    )
    _check_references(household)
    return household


def _device(item: dict[str, Any], source: str, index: int) -> Device:
    fields = dict(item)
    mqtt = fields.pop("mqtt", None) or {}
    fields["topic"] = mqtt.get("topic", "")
    where = f"devices[{index}]"
    kind = fields.get("kind")
    if kind not in Kind.__members__.values():
        raise ConfigError(f"{source}: {where}.kind must be one of {', '.join(Kind)}, not {kind!r}")
    return _build(Device, fields, source, where)


def _routine(item: dict[str, Any], source: str, index: int) -> Routine:
    fields = dict(item)
    where = f"routines[{index}]"
    fields["actions"] = [_build(RoutineAction, a, source, f"{where}.actions") for a in fields.get("actions", [])]
    return _build(Routine, fields, source, where)


def _build_all(cls: type, data: dict[str, Any], section: str, source: str) -> list[Any]:
    items = data.get(section, [])
    if not isinstance(items, list):
        raise ConfigError(f"{source}: [[{section}]] must be an array of tables")
    return [_build(cls, item, source, f"{section}[{i}]") for i, item in enumerate(items)]


def _build(cls: type, fields: Any, source: str, where: str) -> Any:
    if not isinstance(fields, dict):
        raise ConfigError(f"{source}: {where} must be a table")
    try:
        return cls(**fields)
    except TypeError as error:
        raise ConfigError(f"{source}: {where}: {error}".replace("__init__() ", "")) from None


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
