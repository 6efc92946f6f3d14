"""The device model: kinds, features and the normalized state of the evaluation contract.

Normalized state is a plain dict per device (`{"state": "on", "brightness": 80}`); this
module says which attributes each kind has and checks a requested change against them.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from devices.colors import nearest_color_name, to_rgb
from devices.errors import InvalidChange, OutOfRange

State = dict[str, Any]


class Kind(StrEnum):
    LIGHT = "light"
    SWITCH = "switch"
    FAN = "fan"
    COVER = "cover"
    LOCK = "lock"
    CLIMATE = "climate"
    MEDIA_PLAYER = "media_player"
    SENSOR = "sensor"
    BINARY_SENSOR = "binary_sensor"


READ_ONLY_KINDS = frozenset({Kind.SENSOR, Kind.BINARY_SENSOR})

#: Allowed values of the `state` attribute per kind.
STATE_VALUES: dict[Kind, tuple[str, ...]] = {
    Kind.LIGHT: ("on", "off"),
    Kind.SWITCH: ("on", "off"),
    Kind.FAN: ("on", "off"),
    Kind.COVER: ("open", "closed"),
    Kind.LOCK: ("locked", "unlocked"),
    Kind.MEDIA_PLAYER: ("on", "off", "playing", "paused"),
    Kind.BINARY_SENSOR: ("on", "off"),
}

#: Numeric attributes in percent (0–100), and the feature a device needs to have them.
PERCENT_ATTRIBUTES: dict[str, tuple[Kind, str | None]] = {
    "brightness": (Kind.LIGHT, "brightness"),
    "percentage": (Kind.FAN, "percentage"),
    "position": (Kind.COVER, "position"),
    "volume": (Kind.MEDIA_PLAYER, None),
}

COLOR_TEMP_RANGE = (2000, 6500)
"""Colour temperatures a light accepts, in kelvin."""

RUNNING_SPEED = 33
"""The speed (%) a fan switched on takes when it has no running speed to go back to: the lowest of three."""
LIT_BRIGHTNESS = 100
"""The brightness (%) a light switched on takes when it has none to go back to, as a bulb powered on does."""


@dataclass
class Device:
    """One controllable or readable thing in the household."""

    id: str
    name: str
    kind: Kind
    area: str | None = None
    aliases: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    device_class: str | None = None
    unit: str | None = None
    modes: list[str] = field(default_factory=list)
    min_temp: float = 7.0
    """Lowest target temperature, °C."""
    max_temp: float = 35.0
    """Highest target temperature, °C."""
    sensitive: bool = False
    topic: str = ""
    """Zigbee2MQTT base topic; commands go to `<topic>/set`."""
    initial: State = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.kind = Kind(self.kind)
        if not self.topic:
            self.topic = f"zigbee2mqtt/{self.id}"

    def has(self, feature: str) -> bool:
        return feature in self.features

    def attributes(self) -> tuple[str, ...]:
        """The normalized attributes this device can report."""
        return attributes_of(self)


def attributes_of(device: Device) -> tuple[str, ...]:
    kind = device.kind
    if kind is Kind.LIGHT:
        return ("state", *tuple(f for f in ("brightness", "color_temp", "color") if device.has(f)))
    if kind is Kind.FAN:
        return ("state", "percentage") if device.has("percentage") else ("state",)
    if kind is Kind.COVER:
        return ("state", "position")
    if kind is Kind.CLIMATE:
        return ("mode", "target_temperature", "current_temperature")
    if kind is Kind.MEDIA_PLAYER:
        return ("state", "volume", "muted")
    if kind is Kind.SENSOR:
        return ("value",)
    return ("state",)


def writable_attributes(device: Device) -> tuple[str, ...]:
    if device.kind in READ_ONLY_KINDS:
        return ()
    return tuple(a for a in device.attributes() if a != "current_temperature")


def validate_change(device: Device, change: State) -> State:
    """Check a requested change and return it normalized; raise InvalidChange saying why.

    Values outside a device's limits raise OutOfRange (never clamped silently): the
    assistant speaks the range back to the person.
    """
    if device.kind in READ_ONLY_KINDS:
        raise InvalidChange(f"{device.name} is a {device.kind.value.replace('_', ' ')}; it can only be read")
    allowed = writable_attributes(device)
    result: State = {}
    for attribute, value in change.items():
        if attribute not in allowed:
            raise InvalidChange(f"{device.name} has no settable {_said(attribute)} (it has {', '.join(allowed)})")
        result[attribute] = _validate_value(device, attribute, value)
    return result


def _said(value: Any) -> str:
    """A value as a message quotes it back: cut short when long (a web form can send 10 kB of it)."""
    return reprlib.repr(value)


def _validate_value(device: Device, attribute: str, value: Any) -> Any:
    if attribute == "state":
        values = STATE_VALUES[device.kind]
        if value not in values:
            raise InvalidChange(f"{device.name}: state must be one of {', '.join(values)}, not {_said(value)}")
        return value
    if attribute in PERCENT_ATTRIBUTES:
        return round(_number_within(device, attribute, value, 0, 100))
    if attribute == "target_temperature":
        return float(_number_within(device, attribute, value, device.min_temp, device.max_temp))
    if attribute == "color_temp":
        return round(_number_within(device, attribute, value, *COLOR_TEMP_RANGE))
    if attribute == "color":
        try:
            rgb = to_rgb(value)
        except ValueError as error:
            raise InvalidChange(f"{device.name}: {error}") from None
        return value.strip().lower() if isinstance(value, str) else nearest_color_name(rgb)
    if attribute == "mode":
        if value not in device.modes:
            raise InvalidChange(f"{device.name}: mode must be one of {', '.join(device.modes)}, not {_said(value)}")
        return value
    if attribute == "muted":
        if not isinstance(value, bool):
            raise InvalidChange(f"{device.name}: muted must be true or false, not {_said(value)}")
        return value
    raise InvalidChange(f"{device.name}: cannot set {attribute}")


def _number_within(device: Device, attribute: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidChange(f"{device.name}: {attribute} must be a number, not {_said(value)}")
    if not low <= value <= high:
        raise OutOfRange(device.name, attribute, low, high, value)
    return value


def clamp_change(device: Device, change: State) -> State:
    """What a real device does with an out-of-range value: it clamps. Used by the virtual home."""
    clamped = dict(change)
    for attribute, value in change.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if attribute in PERCENT_ATTRIBUTES:
            clamped[attribute] = min(100, max(0, round(value)))
        elif attribute == "target_temperature":
            clamped[attribute] = min(device.max_temp, max(device.min_temp, float(value)))
        elif attribute == "color_temp":
            clamped[attribute] = min(COLOR_TEMP_RANGE[1], max(COLOR_TEMP_RANGE[0], round(value)))
    return clamped


def apply_change(device: Device, state: State, change: State) -> State:
    """The state a device reaches after a (valid) change, with the implied attributes.

    Brightness, colour or colour temperature turn a light on, and a light switched on with no
    brightness to go back to is lit at LIT_BRIGHTNESS; a cover's position sets
    open/closed; a fan's percentage turns it on, and a fan switched on runs (at the speed it
    had, which switching it off keeps, else at RUNNING_SPEED); unmuting or setting volume wakes
    a player.
    """
    new = {**state, **change}
    kind = device.kind
    if kind is Kind.LIGHT and "state" not in change and change.keys() & {"brightness", "color", "color_temp"}:
        new["state"] = "off" if change.get("brightness") == 0 else "on"
    if kind is Kind.LIGHT and new.get("state") == "on" and device.has("brightness") and not new.get("brightness"):
        new["brightness"] = LIT_BRIGHTNESS
    if kind is Kind.FAN and "percentage" in change and "state" not in change:
        new["state"] = "on" if change["percentage"] > 0 else "off"
    if kind is Kind.FAN and change.get("state") == "on" and device.has("percentage") and not new.get("percentage"):
        new["percentage"] = RUNNING_SPEED
    if kind is Kind.MEDIA_PLAYER and "state" not in change and state.get("state") == "off" \
            and ("volume" in change or change.get("muted") is False):
        new["state"] = "on"
    if kind is Kind.COVER:
        if "position" in change and "state" not in change:
            new["state"] = "open" if change["position"] > 0 else "closed"
        elif "state" in change and "position" not in change:
            new["position"] = 100 if change["state"] == "open" else 0
    return new
