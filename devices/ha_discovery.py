"""Home Assistant MQTT discovery: `homeassistant/<component>/[<node_id>/]<object_id>/config` → Device + Binding.

Covers what Tasmota, ESPHome, Shelly and Zigbee2MQTT itself announce for the kinds homebody
models: lights (default and `schema: json`), switches, fans, covers, locks, climates,
sensors and binary sensors. Abbreviated keys and the `~` base topic are expanded; value
templates of the form `{{ value }}` and `{{ value_json.a.b }}` (filters dropped) are understood.
"""

from __future__ import annotations

import colorsys
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.binding import Binding, Message
from devices.colors import rgb_to_xy, to_rgb
from devices.model import Device, Kind, State
from devices.zigbee2mqtt import decode_color, is_number, kelvin_from_mired
from devices.zigbee2mqtt_bridge import slug

log = logging.getLogger(__name__)

CONFIG_TOPICS = ("homeassistant/+/+/config", "homeassistant/+/+/+/config")

_CLIMATE_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"]
"""Home Assistant's default `modes` for an MQTT climate."""

_COMPONENTS = {kind.value: kind for kind in Kind if kind is not Kind.MEDIA_PLAYER}

_ABBREVIATIONS = {
    "avty": "availability", "avty_t": "availability_topic", "bri_cmd_t": "brightness_command_topic",
    "bri_scl": "brightness_scale", "bri_stat_t": "brightness_state_topic", "bri_val_tpl": "brightness_value_template",
    "clr_temp_cmd_t": "color_temp_command_topic", "clr_temp_stat_t": "color_temp_state_topic",
    "clr_temp_val_tpl": "color_temp_value_template", "cmd_t": "command_topic",
    "curr_temp_t": "current_temperature_topic", "curr_temp_tpl": "current_temperature_template", "dev": "device",
    "dev_cla": "device_class", "ent_cat": "entity_category", "mode_cmd_t": "mode_command_topic",
    "mode_stat_t": "mode_state_topic", "mode_stat_tpl": "mode_state_template", "obj_id": "object_id",
    "pct_cmd_t": "percentage_command_topic", "pct_stat_t": "percentage_state_topic",
    "pct_val_tpl": "percentage_value_template", "pl_avail": "payload_available", "pl_cls": "payload_close",
    "pl_lock": "payload_lock", "pl_not_avail": "payload_not_available", "pl_off": "payload_off",
    "pl_on": "payload_on", "pl_open": "payload_open", "pl_unlk": "payload_unlock", "pos_clsd": "position_closed",
    "pos_open": "position_open", "pos_t": "position_topic", "pos_tpl": "position_template",
    "set_pos_t": "set_position_topic", "spd_rng_max": "speed_range_max", "stat_clsd": "state_closed",
    "stat_closing": "state_closing", "stat_locked": "state_locked", "stat_off": "state_off", "stat_on": "state_on",
    "stat_open": "state_open", "stat_opening": "state_opening", "stat_t": "state_topic",
    "stat_unlocked": "state_unlocked", "stat_val_tpl": "state_value_template", "sup_clrm": "supported_color_modes",
    "t": "topic", "temp_cmd_t": "temperature_command_topic", "temp_stat_t": "temperature_state_topic",
    "temp_stat_tpl": "temperature_state_template", "uniq_id": "unique_id", "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}


@dataclass(frozen=True)
class _Channel:
    """One attribute of an entity: the config keys naming its state topic, template and command topic."""

    attribute: str
    state_topic: str
    template: str
    command_topic: str | None


def _channels(*rows: tuple[str, str, str, str | None]) -> tuple[_Channel, ...]:
    return tuple(_Channel(*row) for row in rows)


_CHANNELS: dict[Kind, tuple[_Channel, ...]] = {
    Kind.LIGHT: _channels(("state", "state_topic", "state_value_template", "command_topic"),
                          ("brightness", "brightness_state_topic", "brightness_value_template", "brightness_command_topic"),
                          ("color_temp", "color_temp_state_topic", "color_temp_value_template", "color_temp_command_topic")),
    Kind.SWITCH: _channels(("state", "state_topic", "value_template", "command_topic")),
    Kind.FAN: _channels(("state", "state_topic", "state_value_template", "command_topic"),
                        ("percentage", "percentage_state_topic", "percentage_value_template", "percentage_command_topic")),
    Kind.COVER: _channels(("state", "state_topic", "value_template", "command_topic"),
                          ("position", "position_topic", "position_template", "set_position_topic")),
    Kind.LOCK: _channels(("state", "state_topic", "value_template", "command_topic")),
    Kind.CLIMATE: _channels(("mode", "mode_state_topic", "mode_state_template", "mode_command_topic"),
                            ("target_temperature", "temperature_state_topic", "temperature_state_template",
                             "temperature_command_topic"),
                            ("current_temperature", "current_temperature_topic", "current_temperature_template", None)),
    Kind.SENSOR: _channels(("value", "state_topic", "value_template", None)),
    Kind.BINARY_SENSOR: _channels(("state", "state_topic", "value_template", None)),
}


def parse_config(topic: str, payload: Any) -> Binding | None:
    """The device a discovery message announces, with its binding; None for what homebody doesn't model."""
    parts = topic.split("/")
    if not isinstance(payload, dict) or len(parts) not in (4, 5) or parts[1] not in _COMPONENTS:
        return None
    config = expand(payload)
    if config.get("entity_category"):  # diagnostics and configuration entities of a device
        return None
    kind = _COMPONENTS[parts[1]]
    json_light = kind is Kind.LIGHT and config.get("schema") == "json"
    if not _main_topic(kind, config):
        raise ValueError("the config names no state or command topic")
    device = _device(kind, config, parts, json_light)
    if json_light:
        return Binding(device, {device.topic: lambda raw: _read_json_light(config, raw)},
                       lambda change: _command_json_light(config, change), _availability(config),
                       expected=lambda change: _read_json_light(config, _command_json_light(config, change)[0][1]))
    return _plain_binding(device, config)


def expand(payload: dict[str, Any]) -> dict[str, Any]:
    """Full key names, and `~` replaced by the base topic in every topic."""
    config = _unabbreviate(payload)
    entries = config.get("availability")
    if isinstance(entries, list):
        config["availability"] = entries = [_unabbreviate(e) for e in entries if isinstance(e, dict)]
    base = config.pop("~", None)
    if isinstance(base, str):
        for mapping in [config, *(entries if isinstance(entries, list) else [])]:
            for key, value in mapping.items():
                if key.endswith("topic") and isinstance(value, str):
                    mapping[key] = value.replace("~", base)
    return config


def _unabbreviate(mapping: dict[str, Any]) -> dict[str, Any]:
    return {_ABBREVIATIONS.get(k, k): v for k, v in mapping.items()}


def _device(kind: Kind, config: dict[str, Any], parts: list[str], json_light: bool) -> Device:
    object_id = str(config.get("object_id") or "_".join(parts[2:-1]))
    info: dict[str, Any] = config["device"] if isinstance(config.get("device"), dict) else {}
    name = config.get("name") if isinstance(config.get("name"), str) else info.get("name")
    unit = config.get("unit_of_measurement")
    topic = _main_topic(kind, config)
    return Device(
        id=slug(object_id),
        name=str(name or object_id.replace("_", " ")),
        kind=kind,
        area=slug(info["suggested_area"]) if isinstance(info.get("suggested_area"), str) else None,
        features=_json_light_features(config) if json_light else _features(kind, config),
        device_class=config.get("device_class") if isinstance(config.get("device_class"), str) else None,
        unit={"°C": "C", "°F": "F"}.get(unit, unit) if isinstance(unit, str) else None,
        modes=[m for m in config.get("modes", _CLIMATE_MODES) if isinstance(m, str)] if kind is Kind.CLIMATE else [],
        min_temp=float(config.get("min_temp", 7)),
        max_temp=float(config.get("max_temp", 35)),
        topic=str(topic),
    )


def _main_topic(kind: Kind, config: dict[str, Any]) -> str:
    """The topic a device is known by: its state topic, else its first channel's, else its command topic."""
    found = (config.get("state_topic"), _first_topic(kind, config), config.get("command_topic"))
    return next((t for t in found if isinstance(t, str) and t), "")


def _first_topic(kind: Kind, config: dict[str, Any]) -> str | None:
    return next((config[c.state_topic] for c in _CHANNELS[kind] if isinstance(config.get(c.state_topic), str)), None)


def _features(kind: Kind, config: dict[str, Any]) -> list[str]:
    wanted = {Kind.LIGHT: ("brightness", "color_temp"), Kind.FAN: ("percentage",), Kind.COVER: ("position",)}
    return [c.attribute for c in _CHANNELS[kind] if c.attribute in wanted.get(kind, ()) and
            (config.get(c.command_topic or "") or config.get(c.state_topic))]


def _json_light_features(config: dict[str, Any]) -> list[str]:
    modes = set(config.get("supported_color_modes") or [])
    features = []
    if config.get("brightness") or modes - {"onoff"}:
        features.append("brightness")
    if config.get("color_temp") or "color_temp" in modes:
        features.append("color_temp")
    if modes & {"hs", "xy", "rgb", "rgbw", "rgbww"}:
        features.append("color")
    return features


def _availability(config: dict[str, Any]) -> dict[str, Callable[[bytes], bool | None]]:
    entries = config.get("availability")
    if not isinstance(entries, list):
        entries = [config] if isinstance(config.get("availability_topic"), str) else []
    readers: dict[str, Callable[[bytes], bool | None]] = {}
    for entry in entries:
        topic = entry.get("topic") or entry.get("availability_topic")
        if isinstance(topic, str):
            words = {str(entry.get("payload_available", config.get("payload_available", "online"))): True,
                     str(entry.get("payload_not_available", config.get("payload_not_available", "offline"))): False}
            readers[topic] = _availability_reader(words)
    return readers


def _availability_reader(words: dict[str, bool]) -> Callable[[bytes], bool | None]:
    return lambda raw: words.get(raw.decode("utf-8", "replace").strip())


# ---- plain (one value per topic) entities ----------------------------------------------------

def _plain_binding(device: Device, config: dict[str, Any]) -> Binding:
    by_topic: dict[str, list[_Channel]] = {}
    for channel in _CHANNELS[device.kind]:
        if isinstance(config.get(channel.state_topic), str):
            by_topic.setdefault(config[channel.state_topic], []).append(channel)

    def reader(channels: list[_Channel]) -> Callable[[bytes], State]:
        def read(raw: bytes) -> State:
            text = raw.decode("utf-8")
            found = {c.attribute: _read(device, config, c.attribute, render(config.get(c.template), text))
                     for c in channels}
            return {k: v for k, v in found.items() if v is not None}
        return read

    def command(change: State) -> list[Message]:
        messages = []
        for channel in _CHANNELS[device.kind]:
            topic = config.get(channel.command_topic or "")
            if channel.attribute in change and isinstance(topic, str):
                messages.append((topic, _write(device, config, channel.attribute, change[channel.attribute]).encode()))
        return messages

    def expected(change: State) -> State:
        """What the device reports for a change: the sent value read back (fan speeds are coarse)."""
        read = {a: _read(device, config, a, _write(device, config, a, v)) for a, v in change.items()}
        return {a: change[a] if v is None else v for a, v in read.items()}

    return Binding(device, {t: reader(cs) for t, cs in by_topic.items()}, command, _availability(config),
                   expected=expected)


def render(template: Any, text: str) -> Any:
    """The value a simple Home Assistant value template picks out of a payload."""
    if not isinstance(template, str):
        return text
    match = re.fullmatch(r"\{\{\s*value_json((?:\.\w+|\[\s*['\"][^'\"]+['\"]\s*\])+)\s*(\|[^}]*)?\}\}", template.strip())
    if match is None:
        return text
    value: Any = json.loads(text)
    for key in re.findall(r"\.(\w+)|\[\s*['\"]([^'\"]+)['\"]\s*\]", match.group(1)):
        value = value.get(key[0] or key[1]) if isinstance(value, dict) else None
    return value


def _words(kind: Kind, config: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(what the device reports → normalized state, normalized state → what to send)."""
    def get(key: str, default: str) -> str:
        return str(config.get(key, default))

    if kind is Kind.COVER:
        return ({get("state_open", "open"): "open", get("state_opening", "opening"): "open",
                 get("state_closed", "closed"): "closed", get("state_closing", "closing"): "closed"},
                {"open": get("payload_open", "OPEN"), "closed": get("payload_close", "CLOSE")})
    if kind is Kind.LOCK:
        return ({get("state_locked", "LOCKED"): "locked", get("state_unlocked", "UNLOCKED"): "unlocked"},
                {"locked": get("payload_lock", "LOCK"), "unlocked": get("payload_unlock", "UNLOCK")})
    on, off = get("payload_on", "ON"), get("payload_off", "OFF")
    return {get("state_on", on): "on", get("state_off", off): "off"}, {"on": on, "off": off}


def _read(device: Device, config: dict[str, Any], attribute: str, value: Any) -> Any:
    if attribute == "state":
        return _words(device.kind, config)[0].get(str(value)) if value is not None else None
    if attribute == "mode":
        return value if value in device.modes else None
    number = _number(value)
    if number is None:
        return None
    if attribute == "brightness":
        return _percent(number * 100 / float(config.get("brightness_scale", 255)))
    if attribute == "color_temp":
        return kelvin_from_mired(number) if number > 0 else None
    if attribute == "percentage":
        return _percent(number * 100 / float(config.get("speed_range_max", 100)))
    if attribute == "position":
        closed, opened = float(config.get("position_closed", 0)), float(config.get("position_open", 100))
        return _percent((number - closed) * 100 / ((opened - closed) or 100))
    return number


def _write(device: Device, config: dict[str, Any], attribute: str, value: Any) -> str:
    if attribute == "state":
        return _words(device.kind, config)[1][value]
    if attribute == "brightness":
        return str(round(value * float(config.get("brightness_scale", 255)) / 100))
    if attribute == "color_temp":
        return str(round(1_000_000 / value))
    if attribute == "percentage":
        return str(round(value * float(config.get("speed_range_max", 100)) / 100))
    if attribute == "position":
        closed, opened = float(config.get("position_closed", 0)), float(config.get("position_open", 100))
        return str(round(closed + value * (opened - closed) / 100))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _number(value: Any) -> float | int | None:
    if isinstance(value, str):
        try:
            value = float(value) if "." in value or "e" in value.lower() else int(value)
        except ValueError:
            return None
    return value if is_number(value) else None


def _percent(value: float) -> int:
    return min(100, max(0, round(value)))


# ---- JSON schema lights ----------------------------------------------------------------------

def _read_json_light(config: dict[str, Any], raw: bytes) -> State:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise TypeError("a JSON-schema light state is a JSON object")
    state: State = {}
    if data.get("state") in ("ON", "OFF"):
        state["state"] = data["state"].lower()
    if is_number(data.get("brightness")):
        state["brightness"] = _percent(data["brightness"] * 100 / float(config.get("brightness_scale", 255)))
    if is_number(data.get("color_temp")) and data["color_temp"] > 0:
        kelvin = config.get("color_temp_kelvin")
        state["color_temp"] = round(data["color_temp"]) if kelvin else kelvin_from_mired(data["color_temp"])
    if (color := decode_color(data.get("color"))) is not None:
        state["color"] = color
    return state


def _command_json_light(config: dict[str, Any], change: State) -> list[Message]:
    body: dict[str, Any] = {}
    if "state" in change or change.keys() & {"brightness", "color", "color_temp"}:
        body["state"] = "OFF" if change.get("state") == "off" or change.get("brightness") == 0 else "ON"
    if "brightness" in change:
        body["brightness"] = round(change["brightness"] * float(config.get("brightness_scale", 255)) / 100)
    if "color_temp" in change:
        kelvin = change["color_temp"]
        body["color_temp"] = kelvin if config.get("color_temp_kelvin") else round(1_000_000 / kelvin)
    if "color" in change:
        body["color"] = _json_color(config, change["color"])
    return [(str(config.get("command_topic", "")), json.dumps(body).encode())]


def _json_color(config: dict[str, Any], color: Any) -> dict[str, Any]:
    rgb = to_rgb(color)
    modes = config.get("supported_color_modes") or []
    if "xy" in modes:
        x, y = rgb_to_xy(rgb)
        return {"x": x, "y": y}
    if "hs" in modes and "rgb" not in modes:
        hue, saturation, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
        return {"h": round(hue * 360, 1), "s": round(saturation * 100, 1)}
    return {"r": rgb[0], "g": rgb[1], "b": rgb[2]}
