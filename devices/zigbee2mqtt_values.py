"""Zigbee2MQTT property values ⇄ normalized values, one attribute at a time (the codec's vocabulary).

`value_keys` says which properties carry an attribute (the device's Wire first, else the classic
names with their fallbacks); `encode_value` and `decode_value` convert one value, using the
property's own words and ranges when the Wire knows them.
"""

from __future__ import annotations

import colorsys
import math
from typing import Any

from devices.colors import nearest_color_name, rgb_to_hex, rgb_to_xy, to_rgb, xy_to_rgb
from devices.model import Device, Kind
from devices.zigbee2mqtt_wire import Property, Wire, speed_percentage

BRIGHTNESS_MAX = 254
FAN_MODES = {"off": 0, "low": 33, "medium": 66, "high": 100}
"""The classic fan's `fan_mode` words and the percentages they stand for."""

_WORDS: dict[Kind, dict[str, str]] = {
    Kind.LIGHT: {"on": "ON", "off": "OFF"},
    Kind.SWITCH: {"on": "ON", "off": "OFF"},
    Kind.FAN: {"on": "ON", "off": "OFF"},
    Kind.COVER: {"open": "OPEN", "closed": "CLOSE"},
    Kind.LOCK: {"locked": "LOCK", "unlocked": "UNLOCK"},
    Kind.MEDIA_PLAYER: {"on": "ON", "off": "OFF", "playing": "PLAYING", "paused": "PAUSED"},
    Kind.BINARY_SENSOR: {"on": "ON", "off": "OFF"},
}
"""Normalized `state` → the word a device is sent."""

_READ_WORDS: dict[Kind, dict[str, str]] = {
    kind: {wire: value for value, wire in words.items()} for kind, words in _WORDS.items()
}
_READ_WORDS[Kind.COVER] |= {"CLOSED": "closed", "OPENING": "open", "CLOSING": "closed"}
_READ_WORDS[Kind.LOCK] |= {"LOCKED": "locked", "UNLOCKED": "unlocked"}

_POSITIVE = {Kind.LOCK: "locked"}
"""The state a binary property's `value_on` stands for, where it is not `on`."""

_KEYS = {
    "state": "state",
    "brightness": "brightness",
    "color_temp": "color_temp",
    "color": "color",
    "percentage": "percentage",
    "position": "position",
    "mode": "system_mode",
    "target_temperature": "occupied_heating_setpoint",
    "current_temperature": "local_temperature",
    "volume": "volume",
    "muted": "mute",
}
"""Normalized attribute → its classic Zigbee2MQTT property (sensors and binary sensors: see `value_keys`)."""

_FALLBACK_KEYS: dict[tuple[Kind, str], tuple[str, ...]] = {
    (Kind.FAN, "state"): ("fan_state", "fan_mode"),
    (Kind.FAN, "percentage"): ("fan_mode",),
    (Kind.LOCK, "state"): ("lock_state",),
    (Kind.CLIMATE, "target_temperature"): ("current_heating_setpoint",),
}

BINARY_KEYS = {"door": "contact", "window": "contact", "opening": "contact", "garage_door": "contact",
               "motion": "occupancy", "occupancy": "occupancy", "presence": "presence",
               "moisture": "water_leak", "smoke": "smoke"}
"""Binary sensor device class → the Zigbee2MQTT property that carries it."""


def value_keys(device: Device, wire: Wire, attribute: str) -> tuple[str, ...]:
    """The properties that may carry an attribute, preferred first."""
    prop = wire.get(attribute)
    if prop is not None:
        return (prop.key, prop.fallback) if prop.fallback else (prop.key,)
    if device.kind is Kind.SENSOR:
        return (device.device_class, "value") if device.device_class else ("value",)
    if device.kind is Kind.BINARY_SENSOR:
        first = BINARY_KEYS.get(device.device_class or "", "state")
        return (first, *dict.fromkeys(k for k in (*BINARY_KEYS.values(), "state") if k != first))
    return (_KEYS[attribute], *_FALLBACK_KEYS.get((device.kind, attribute), ()))


def encode_value(device: Device, wire: Wire, attribute: str, value: Any) -> Any:
    prop = wire.get(attribute)
    if attribute == "state":
        return _encode_state(device, prop, value)
    if attribute == "brightness":
        return round(value * _high(prop, BRIGHTNESS_MAX) / 100)
    if attribute == "color_temp":
        mired = 1_000_000 / value  # clamped to the bulb's own range, as Zigbee2MQTT itself does
        if prop is not None and prop.low is not None and prop.high is not None:
            mired = min(prop.high, max(prop.low, mired))
        return round(mired)
    if attribute == "color":
        rgb = to_rgb(value)
        x, y = rgb_to_xy(rgb)
        return {"x": x, "y": y, "hex": rgb_to_hex(rgb)}
    if attribute == "percentage" and prop is not None and prop.high:
        low, high = _speed_range(prop)
        return math.ceil((high - low + 1) * value / 100) + low - 1 if value else 0
    return value


def _encode_state(device: Device, prop: Property | None, value: str) -> Any:
    if device.kind is Kind.BINARY_SENSOR and prop is None:
        key = value_keys(device, Wire(), "state")[0]
        return value == "on" if key != "contact" else value != "on"
    if prop is not None and prop.on is not None and device.kind is not Kind.COVER:
        return prop.on if value == _POSITIVE.get(device.kind, "on") else prop.off
    return _WORDS[device.kind][value]


def decode_value(device: Device, wire: Wire, attribute: str, key: str, value: Any) -> Any:
    """A wire value as a normalized value, or None when it is not one."""
    prop, mode = wire.get(attribute), wire.fan_mode
    if key == (mode.key if mode is not None else "fan_mode"):
        return _from_fan_mode(wire, attribute, value)
    if attribute == "state":
        return _decode_state(device, prop if prop is not None and key == prop.key else None, key, value)
    if attribute == "color":
        return decode_color(value)
    if attribute == "muted":
        return value if isinstance(value, bool) else None
    if attribute == "mode":
        return value if isinstance(value, str) and (value in device.modes or not device.modes) else None
    if attribute == "value" and isinstance(value, str):
        return value  # a sensor may report text, such as a date
    if not is_number(value):
        return None
    if attribute == "brightness":
        return _percent(value * 100 / _high(prop, BRIGHTNESS_MAX))
    if attribute == "color_temp":
        return kelvin_from_mired(value) if value > 0 else None
    if attribute == "percentage" and prop is not None and prop.high:
        low, high = _speed_range(prop)
        return _percent((value - low + 1) * 100 // (high - low + 1)) if value >= low else 0
    if attribute in ("percentage", "position", "volume"):
        return _percent(value)
    return float(value) if attribute in ("target_temperature", "current_temperature") else value


def _decode_state(device: Device, prop: Property | None, key: str, value: Any) -> str | None:
    if prop is not None and prop.on is not None and value in (prop.on, prop.off):
        positive = _POSITIVE.get(device.kind, "on")
        negative = {"locked": "unlocked"}.get(positive, "off")
        return positive if value == prop.on else negative
    if device.kind is Kind.BINARY_SENSOR and isinstance(value, bool):
        return "on" if value != (key == "contact") else "off"
    if device.kind is Kind.BINARY_SENSOR and key != "state":
        return None
    if not isinstance(value, str):
        return None
    return _READ_WORDS[device.kind].get(value.upper())


def _from_fan_mode(wire: Wire, attribute: str, value: Any) -> Any:
    if not isinstance(value, str):
        return None
    if attribute == "state":
        return "off" if value == "off" else "on"
    mode = wire.fan_mode
    return speed_percentage(mode, value) if mode is not None else FAN_MODES.get(value)


def decode_color(value: Any) -> str | None:
    """The nearest colour name of a `{hex}`, `{r, g, b}`, `{h, s}` or `{x, y}` object."""
    if not isinstance(value, dict):
        return None
    try:
        if isinstance(value.get("hex"), str):
            return nearest_color_name(to_rgb(value["hex"]))
        if all(k in value for k in "rgb"):
            return nearest_color_name(to_rgb([value["r"], value["g"], value["b"]]))
        if is_number(value.get("x")) and is_number(value.get("y")):
            return nearest_color_name(xy_to_rgb(value["x"], value["y"]))
        if is_number(value.get("h")) and is_number(value.get("s")):
            r, g, b = colorsys.hsv_to_rgb(value["h"] / 360 % 1, min(1.0, value["s"] / 100), 1.0)
            return nearest_color_name((round(r * 255), round(g * 255), round(b * 255)))
    except ValueError:
        return None
    return None


def kelvin_from_mired(mired: float) -> int:
    """The roundest kelvin that a whole mired value stands for: 370 → 2700, not 2703.

    Mireds are coarse (one mired is ~40 K at 6500 K), so a light told 2700 K reports 370 and
    must read back as 2700.
    """
    low = 1_000_000 / (mired + 0.5)
    high = 1_000_000 / (mired - 0.5) if mired > 0.5 else math.inf
    for step in (100, 50, 10):
        candidate = math.ceil(low / step) * step
        if candidate <= high:
            return candidate
    return round(1_000_000 / mired)


def _speed_range(prop: Property) -> tuple[int, int]:
    """A numeric fan speed's running range, as Home Assistant's speed_range: 0 is off, not a speed."""
    return max(1, int(prop.low or 1)), int(prop.high or 100)


def _high(prop: Property | None, default: float) -> float:
    return prop.high if prop is not None and prop.high else default


def _percent(value: float) -> int:
    return min(100, max(0, round(value)))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
