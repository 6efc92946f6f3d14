"""Zigbee2MQTT payloads ⇄ normalized state (shared/eval/README.md), in both directions.

The assistant encodes commands for `<topic>/set` and decodes the retained state on `<topic>`;
the virtual home does the reverse. Wire conventions per kind:

| kind | on the wire |
| --- | --- |
| light | `state` ON/OFF, `brightness` 0–254, `color_temp` mireds, `color` {x, y} (set: {hex}; read: {hex} / {r, g, b} / {x, y}) |
| switch | `state` ON/OFF |
| fan | `state` ON/OFF and `percentage` 0–100; read also `fan_state` and `fan_mode` (off/low/medium/high); a fan discovered with `fan_mode` only (feature `fan_mode`) is commanded through `fan_mode` |
| cover | set `state` OPEN/CLOSE, read `state` OPEN/CLOSED; `position` 0–100 |
| lock | `state` LOCK/UNLOCK; read also `lock_state` locked/unlocked |
| climate | `system_mode`, `occupied_heating_setpoint` (read also `current_heating_setpoint`), `local_temperature` |
| media_player | `state` ON/OFF/PLAYING/PAUSED, `volume` 0–100, `mute` bool; set also `media_command` next/previous |
| sensor | the value under its device class (`temperature`, `humidity`, …), else `value` |
| binary_sensor | `contact` (false = open = on), `occupancy`, `water_leak`, `smoke`, `presence`, else `state` ON/OFF |

Real bulbs report colour as x/y only, so names that differ only in lightness (purple and
magenta) read back as the brighter one; the virtual home adds `hex` so names survive.
"""

from __future__ import annotations

import colorsys
import json
import math
from typing import Any

from devices.binding import Binding, Message
from devices.colors import nearest_color_name, rgb_to_hex, rgb_to_xy, to_rgb, xy_to_rgb
from devices.errors import InvalidChange
from devices.model import Device, Kind, State, writable_attributes

BRIGHTNESS_MAX = 254
MEDIA_COMMANDS = ("next", "previous")
FAN_MODES = {"off": 0, "low": 33, "medium": 66, "high": 100}

_WORDS: dict[Kind, dict[str, str]] = {
    Kind.LIGHT: {"on": "ON", "off": "OFF"},
    Kind.SWITCH: {"on": "ON", "off": "OFF"},
    Kind.FAN: {"on": "ON", "off": "OFF"},
    Kind.COVER: {"open": "OPEN", "closed": "CLOSED"},
    Kind.LOCK: {"locked": "LOCK", "unlocked": "UNLOCK"},
    Kind.MEDIA_PLAYER: {"on": "ON", "off": "OFF", "playing": "PLAYING", "paused": "PAUSED"},
    Kind.BINARY_SENSOR: {"on": "ON", "off": "OFF"},
}
"""Normalized `state` → the word a device reports."""

_READ_WORDS: dict[Kind, dict[str, str]] = {
    kind: {wire: value for value, wire in words.items()} for kind, words in _WORDS.items()
}
_READ_WORDS[Kind.COVER] |= {"CLOSE": "closed", "OPENING": "open", "CLOSING": "closed"}
_READ_WORDS[Kind.LOCK] |= {"LOCKED": "locked", "UNLOCKED": "unlocked"}

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
"""Normalized attribute → its Zigbee2MQTT property (sensors and binary sensors: see `_value_keys`)."""

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


# ---- assistant side --------------------------------------------------------------------------

def encode_command(device: Device, change: State) -> dict[str, Any]:
    """A validated normalized change as the JSON object for `<topic>/set`."""
    if device.kind is Kind.FAN and device.has("fan_mode"):
        return {"fan_mode": _fan_mode(change)}
    payload = {_key(device, a): _encode(device, a, v) for a, v in change.items()}
    if device.kind is Kind.COVER and payload.get("state") == "CLOSED":
        payload["state"] = "CLOSE"
    if "color" in payload:
        payload["color"] = {"hex": payload["color"]["hex"]}
    return payload


def media_command(command: str) -> dict[str, str]:
    return {"media_command": command}


def decode_state(device: Device, payload: Any) -> State:
    """The normalized attributes found in a state payload; unknown keys and wrong values are skipped.

    Raises TypeError when the payload is not a JSON object, ValueError when every property the
    device reports by has a wrong value (garbage, as opposed to a message about something else).
    """
    if not isinstance(payload, dict):
        raise TypeError(f"a Zigbee2MQTT state is a JSON object, not {type(payload).__name__}")
    state: State = {}
    known = False
    for attribute in device.attributes():
        for key in _value_keys(device, attribute):
            known = known or key in payload
            if key in payload and (value := _decode(device, attribute, key, payload[key])) is not None:
                state[attribute] = value
                break
    if known and not state:
        raise ValueError(f"no usable value in {payload!r:.200}")
    if device.kind is Kind.COVER and "state" not in state and "position" in state:
        state["state"] = "open" if state["position"] > 0 else "closed"
    return state


def binding(device: Device) -> Binding:
    """The Zigbee2MQTT binding: state retained on `<topic>`, commands on `<topic>/set`."""

    def read(raw: bytes) -> State:
        return decode_state(device, json.loads(raw))

    def command(change: State) -> list[Message]:
        return [(f"{device.topic}/set", json.dumps(encode_command(device, change)).encode())]

    def media(name: str) -> list[Message]:
        return [(f"{device.topic}/set", json.dumps(media_command(name)).encode())]

    return Binding(
        device,
        readers={device.topic: read},
        command=command,
        availability={f"{device.topic}/availability": read_availability},
        media=media if device.kind is Kind.MEDIA_PLAYER else None,
        complete=True,
        expected=lambda change: decode_state(device, encode_command(device, change)),
    )


def read_availability(raw: bytes) -> bool | None:
    """`{"state": "online"}` (Zigbee2MQTT ≥ 1.22) or the legacy plain `online` / `offline`."""
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text).get("state", ""))
        except (ValueError, AttributeError):
            return None
    return {"online": True, "offline": False}.get(text.lower())


# ---- device side (the virtual home) ----------------------------------------------------------

def encode_state(device: Device, state: State) -> dict[str, Any]:
    """A normalized state as the retained JSON object a Zigbee2MQTT device publishes."""
    return {_key(device, a): _encode(device, a, v) for a, v in state.items() if a in device.attributes()}


def decode_command(device: Device, payload: Any) -> tuple[State, str | None]:
    """A `<topic>/set` object as (normalized change, media command); InvalidChange when the device can't."""
    if not isinstance(payload, dict):
        raise InvalidChange(f"{device.id}: a set payload is a JSON object")
    keys = {_key(device, attribute): attribute for attribute in writable_attributes(device)}
    change: State = {}
    media: str | None = None
    for key, value in payload.items():
        if key == "media_command" and device.kind is Kind.MEDIA_PLAYER and value in MEDIA_COMMANDS:
            media = value
            continue
        if key == "fan_mode" and device.kind is Kind.FAN and value in FAN_MODES:
            change["state"] = _from_fan_mode("state", value)
            if device.has("percentage"):
                change["percentage"] = FAN_MODES[value]
            continue
        attribute = keys.get(key)
        if attribute is None:
            raise InvalidChange(f"{device.id}: no converter available for '{key}'")
        decoded = _decode(device, attribute, key, value)
        if decoded is None:
            raise InvalidChange(f"{device.id}: invalid value {value!r} for '{key}'")
        change[attribute] = decoded
    return change, media


# ---- values ----------------------------------------------------------------------------------

def _key(device: Device, attribute: str) -> str:
    return _value_keys(device, attribute)[0]


def _value_keys(device: Device, attribute: str) -> tuple[str, ...]:
    """The properties that may carry an attribute, preferred first."""
    if device.kind is Kind.SENSOR:
        return (device.device_class, "value") if device.device_class else ("value",)
    if device.kind is Kind.BINARY_SENSOR:
        first = BINARY_KEYS.get(device.device_class or "", "state")
        return (first, *dict.fromkeys(k for k in (*BINARY_KEYS.values(), "state") if k != first))
    return (_KEYS[attribute], *_FALLBACK_KEYS.get((device.kind, attribute), ()))


def _encode(device: Device, attribute: str, value: Any) -> Any:
    if attribute == "state" and device.kind is Kind.BINARY_SENSOR:
        key = _key(device, attribute)
        return value == "on" if key != "contact" else value != "on"
    if attribute == "state":
        return _WORDS[device.kind][value]
    if attribute == "brightness":
        return round(value * BRIGHTNESS_MAX / 100)
    if attribute == "color_temp":
        return round(1_000_000 / value)
    if attribute == "color":
        rgb = to_rgb(value)
        x, y = rgb_to_xy(rgb)
        return {"x": x, "y": y, "hex": rgb_to_hex(rgb)}
    return value


def _decode(device: Device, attribute: str, key: str, value: Any) -> Any:
    """A wire value as a normalized value, or None when it is not one."""
    if key == "fan_mode":
        return _from_fan_mode(attribute, value)
    if attribute == "state":
        return _decode_state_word(device, key, value)
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
        return _percent(value * 100 / BRIGHTNESS_MAX)
    if attribute == "color_temp":
        return kelvin_from_mired(value) if value > 0 else None
    if attribute in ("percentage", "position", "volume"):
        return _percent(value)
    return float(value) if attribute in ("target_temperature", "current_temperature") else value


def _decode_state_word(device: Device, key: str, value: Any) -> str | None:
    if device.kind is Kind.BINARY_SENSOR and isinstance(value, bool):
        return "on" if value != (key == "contact") else "off"
    if device.kind is Kind.BINARY_SENSOR and key != "state":
        return None
    if not isinstance(value, str):
        return None
    return _READ_WORDS[device.kind].get(value.upper())


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


def _from_fan_mode(attribute: str, value: Any) -> Any:
    if not isinstance(value, str):
        return None
    if attribute == "state":
        return "off" if value == "off" else "on"
    return FAN_MODES.get(value)


def _fan_mode(change: State) -> str:
    if change.get("state") == "off" or change.get("percentage") == 0:
        return "off"
    if "percentage" not in change:
        return "on"
    return next(mode for mode, top in FAN_MODES.items() if change["percentage"] <= top)


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


def _percent(value: float) -> int:
    return min(100, max(0, round(value)))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
