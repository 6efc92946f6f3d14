"""The devices page's data: every device by room, with its live state in words and the controls it takes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.model import Device, Kind, State
from devices.registry import Registry

UNITS = {"brightness": "%", "percentage": "%", "position": "%", "volume": "%"}


@dataclass
class DeviceCard:
    """One device as the page shows it."""

    id: str
    name: str
    kind: str
    area: str | None
    summary: str
    """The state in words: "on, 80 %", "locked", "19.5 °C, set to 21 °C"."""
    state: dict[str, Any] = field(default_factory=dict)
    """The normalized state (devices/model.py)."""
    online: bool = True
    controls: list[str] = field(default_factory=list)
    """What the page offers: toggle, brightness, percentage, position, volume, temperature, mode, open_close, lock."""
    min_temp: float = 7.0
    max_temp: float = 35.0
    modes: list[str] = field(default_factory=list)


@dataclass
class Room:
    id: str | None
    """The area's id; None for devices in no area."""
    name: str
    devices: list[DeviceCard] = field(default_factory=list)


def rooms(registry: Registry) -> list[Room]:
    """Rooms in the household's order, each with its devices; devices in no room last."""
    found = {area_id: Room(area_id, area.name) for area_id, area in registry.areas.items()}
    loose = Room(None, "Elsewhere")
    for device in registry.devices.values():
        room = found.get(device.area or "", loose)
        room.devices.append(card(registry, device))
    return [room for room in [*found.values(), loose] if room.devices]


def card(registry: Registry, device: Device, state: State | None = None) -> DeviceCard:
    state = registry.state(device.id) if state is None else state
    return DeviceCard(device.id, device.name, device.kind.value, device.area, summary(device, state), dict(state),
                      registry.states.is_online(device.id), controls(device), device.min_temp, device.max_temp,
                      list(device.modes))


def live_event(registry: Registry, device_id: str, state: State) -> dict[str, Any]:
    """What an open page is told when a device reports."""
    device = registry.devices.get(device_id)
    if device is None:
        return {"id": device_id, "state": state, "summary": "", "online": True}
    return {"id": device_id, "state": state, "summary": summary(device, state),
            "online": registry.states.is_online(device_id)}


def controls(device: Device) -> list[str]:
    kind = device.kind
    found: list[str] = []
    if kind in (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER):
        found.append("toggle")
    if kind is Kind.LIGHT and device.has("brightness"):
        found.append("brightness")
    if kind is Kind.FAN and device.has("percentage"):
        found.append("percentage")
    if kind is Kind.MEDIA_PLAYER:
        found.append("volume")
    if kind is Kind.COVER:
        found += ["open_close", "position"] if device.has("position") else ["open_close"]
    if kind is Kind.LOCK:
        found.append("lock")
    if kind is Kind.CLIMATE:
        found += ["temperature", "mode"] if device.modes else ["temperature"]
    return found


def summary(device: Device, state: State) -> str:
    """The state in a few words, as the page shows it."""
    if not state:
        return "no report yet"
    if device.kind is Kind.CLIMATE:
        return _climate(state)
    if device.kind is Kind.SENSOR:
        value = state.get("value")
        return f"{value:g} {device.unit or ''}".strip() if isinstance(value, int | float) else str(value)
    words = [str(state.get("state", ""))]
    for attribute in ("brightness", "percentage", "position", "volume"):
        value = state.get(attribute)
        if isinstance(value, int | float) and attribute in device.attributes() and _shows(device, state, attribute):
            words.append(f"{attribute if attribute == 'volume' else ''} {value:g} {UNITS[attribute]}".strip())
    if state.get("muted"):
        words.append("muted")
    if device.kind is Kind.LIGHT and state.get("state") == "on" and state.get("color"):
        words.append(str(state["color"]))
    return ", ".join(w for w in words if w)


def _shows(device: Device, state: State, attribute: str) -> bool:
    """A level is worth saying while the device is on (a cover's position always)."""
    return device.kind is Kind.COVER or state.get("state") not in ("off", None)


def _climate(state: State) -> str:
    words = []
    if isinstance(state.get("current_temperature"), int | float):
        words.append(f"{state['current_temperature']:g} °C")
    if isinstance(state.get("target_temperature"), int | float):
        words.append(f"set to {state['target_temperature']:g} °C")
    if state.get("mode"):
        words.append(str(state["mode"]))
    return ", ".join(words) or "no report yet"
