"""Home Assistant MQTT discovery → Device + Binding, with Home Assistant's own MQTT semantics.

Covers what Tasmota, ESPHome, Shelly, EMS-ESP and Zigbee2MQTT announce for the kinds homebody
models: lights (default and `schema: json`), switches, fans, covers, locks, climates, sensors
and binary sensors. Value and command templates are rendered with sandboxed Jinja2
(devices/ha_templates.py); several entities may share one state topic, each reading its own
value from it. Config shapes and names: devices/ha_config.py; JSON-schema lights:
devices/ha_json_light.py; wire values per attribute: devices/ha_values.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.binding import Binding, Message
from devices.ha_config import EntityConfig, entity_configs
from devices.ha_json_light import json_light_binding, json_light_features
from devices.ha_templates import compile_template, render_command, render_value
from devices.ha_values import availability, read_value, write_value
from devices.model import Device, Kind, State
from devices.zigbee2mqtt_bridge import slug

log = logging.getLogger(__name__)

CONFIG_TOPICS = ("homeassistant/+/+/config", "homeassistant/+/+/+/config")

_CLIMATE_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"]
"""Home Assistant's default `modes` for an MQTT climate."""

_COMPONENTS = {kind.value: kind for kind in Kind if kind is not Kind.MEDIA_PLAYER}
_FALLBACK_TEMPLATE = (Kind.LIGHT, Kind.CLIMATE)
"""Kinds whose per-value templates default to `value_template` (as Home Assistant's light and climate do)."""
_CLASS_NAMES = {"temperature": "temperature", "humidity": "humidity", "pressure": "pressure",
                "illuminance": "illuminance", "power": "power", "energy": "energy", "motion": "motion",
                "door": "door", "window": "window", "moisture": "leak", "smoke": "smoke"}


@dataclass(frozen=True)
class _Channel:
    """One attribute of an entity: the config keys naming its topics and templates."""

    attribute: str
    state_topic: str
    template: str
    command_topic: str | None = None
    command_template: str | None = None


def _channels(*rows: tuple[str, ...]) -> tuple[_Channel, ...]:
    return tuple(_Channel(*row) for row in rows)


_CHANNELS: dict[Kind, tuple[_Channel, ...]] = {
    Kind.LIGHT: _channels(("state", "state_topic", "state_value_template", "command_topic"),
                          ("brightness", "brightness_state_topic", "brightness_value_template",
                           "brightness_command_topic", "brightness_command_template"),
                          ("color_temp", "color_temp_state_topic", "color_temp_value_template",
                           "color_temp_command_topic", "color_temp_command_template")),
    Kind.SWITCH: _channels(("state", "state_topic", "value_template", "command_topic", "command_template")),
    Kind.FAN: _channels(("state", "state_topic", "state_value_template", "command_topic", "command_template"),
                        ("percentage", "percentage_state_topic", "percentage_value_template",
                         "percentage_command_topic", "percentage_command_template")),
    Kind.COVER: _channels(("state", "state_topic", "value_template", "command_topic"),
                          ("position", "position_topic", "position_template", "set_position_topic",
                           "set_position_template")),
    Kind.LOCK: _channels(("state", "state_topic", "value_template", "command_topic", "command_template")),
    Kind.CLIMATE: _channels(("mode", "mode_state_topic", "mode_state_template", "mode_command_topic",
                             "mode_command_template"),
                            ("target_temperature", "temperature_state_topic", "temperature_state_template",
                             "temperature_command_topic", "temperature_command_template"),
                            ("current_temperature", "current_temperature_topic", "current_temperature_template")),
    Kind.SENSOR: _channels(("value", "state_topic", "value_template")),
    Kind.BINARY_SENSOR: _channels(("state", "state_topic", "value_template")),
}


_TEMPLATES = frozenset({"value_template", "availability_template",
                        *(c.template for cs in _CHANNELS.values() for c in cs),
                        *(c.command_template for cs in _CHANNELS.values() for c in cs if c.command_template)})
"""The templates homebody renders; others in a config (attributes, presets, actions) are not its business."""


def parse_discovery(topic: str, payload: Any) -> list[Binding]:
    """Every device a discovery message announces (several for device-based discovery), with bindings.

    What homebody does not model (cameras, diagnostic entities) is left out; ValueError or
    TypeError for a config it cannot read.
    """
    return [b for entity in entity_configs(topic, payload) if (b := _binding(entity)) is not None]


def parse_config(topic: str, payload: Any) -> Binding | None:
    """The device one discovery message announces (a device-based one: its first); None if not modelled."""
    found = parse_discovery(topic, payload)
    return found[0] if found else None


def _binding(entity: EntityConfig) -> Binding | None:
    kind, config = _COMPONENTS.get(entity.component), entity.config
    if kind is None or config.get("entity_category"):  # diagnostics and settings of a device
        return None
    json_light = kind is Kind.LIGHT and config.get("schema") == "json"
    if not _main_topic(kind, config):
        raise ValueError("the config names no state or command topic")
    for key in _TEMPLATES & config.keys():
        if isinstance(config[key], str):
            compile_template(config[key])  # a broken template homebody needs refuses the config, with the reason
    device = _device(kind, entity, json_light)
    if json_light:
        return json_light_binding(device, config)
    return _plain_binding(device, config)


def _device(kind: Kind, entity: EntityConfig, json_light: bool) -> Device:
    config = entity.config
    info: dict[str, Any] = config["device"] if isinstance(config.get("device"), dict) else {}
    object_id = str(config.get("object_id") or entity.object_id)
    unit = config.get("unit_of_measurement")
    device_class = config.get("device_class") if isinstance(config.get("device_class"), str) else None
    return Device(
        id=slug(object_id),
        name=_name(config, info, device_class, object_id),
        kind=kind,
        area=slug(info["suggested_area"]) if isinstance(info.get("suggested_area"), str) else None,
        features=json_light_features(config) if json_light else _features(kind, config),
        device_class=device_class,
        unit={"°C": "C", "°F": "F"}.get(unit, unit) if isinstance(unit, str) else None,
        modes=[m for m in config.get("modes", _CLIMATE_MODES) if isinstance(m, str)] if kind is Kind.CLIMATE else [],
        min_temp=_float(config.get("min_temp"), 7.0),
        max_temp=_float(config.get("max_temp"), 35.0),
        topic=_main_topic(kind, config),
    )


def _name(config: dict[str, Any], info: dict[str, Any], device_class: str | None, object_id: str) -> str:
    """Home Assistant's naming: the device's name, then the entity's (`null`: the entity is the device;
    none: the device class names it); an entity name that repeats the device's is not doubled."""
    device_name = info.get("name") if isinstance(info.get("name"), str) else None
    name = config.get("name")
    if not device_name:
        return str(name) if isinstance(name, str) else object_id.replace("_", " ")
    if isinstance(name, str):
        own = name[len(device_name):].strip() if name.lower().startswith(device_name.lower()) else name
        return f"{device_name} {own}" if own else device_name
    if "name" not in config and device_class in _CLASS_NAMES:
        return f"{device_name} {_CLASS_NAMES[device_class]}"
    return device_name


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def _main_topic(kind: Kind, config: dict[str, Any]) -> str:
    """The topic a device is known by: its state topic, else its first channel's, else its command topic."""
    first = next((config[c.state_topic] for c in _CHANNELS[kind] if isinstance(config.get(c.state_topic), str)), None)
    found = (config.get("state_topic"), first, config.get("command_topic"))
    return next((t for t in found if isinstance(t, str) and t), "")


def _features(kind: Kind, config: dict[str, Any]) -> list[str]:
    wanted = {Kind.LIGHT: ("brightness", "color_temp"), Kind.FAN: ("percentage",), Kind.COVER: ("position",)}
    return [c.attribute for c in _CHANNELS[kind] if c.attribute in wanted.get(kind, ()) and
            (config.get(c.command_topic or "") or config.get(c.state_topic))]


# ---- plain (one value per channel) entities ----------------------------------------------------

def _plain_binding(device: Device, config: dict[str, Any]) -> Binding:
    by_topic: dict[str, list[_Channel]] = {}
    for channel in _CHANNELS[device.kind]:
        if isinstance(config.get(channel.state_topic), str):
            by_topic.setdefault(config[channel.state_topic], []).append(channel)
    readers, mode = availability(config)
    return Binding(device, {t: _reader(device, config, cs) for t, cs in by_topic.items()},
                   lambda change: _command(device, config, change), readers, availability_mode=mode,
                   expected=lambda change: _expected(device, config, change))


def _template(device: Device, config: dict[str, Any], channel: _Channel) -> str | None:
    template = config.get(channel.template)
    if template is None and device.kind in _FALLBACK_TEMPLATE:
        template = config.get("value_template")
    return template if isinstance(template, str) else None


def _reader(device: Device, config: dict[str, Any], channels: list[_Channel]) -> Callable[[bytes], State]:
    templates = {c.attribute: _template(device, config, c) for c in channels}
    derive_state = device.kind is Kind.COVER and not isinstance(config.get("state_topic"), str)

    def read(raw: bytes) -> State:
        text = raw.decode("utf-8")
        found = {a: read_value(device, config, a, render_value(t, text)) for a, t in templates.items()}
        state = {k: v for k, v in found.items() if v is not None}
        if derive_state and "position" in state:  # a cover known by its position alone
            state["state"] = "open" if state["position"] > 0 else "closed"
        return state
    return read


def _command(device: Device, config: dict[str, Any], change: State) -> list[Message]:
    """The messages Home Assistant would publish for the change, channel by channel."""
    change = _switched_off(device, change)
    messages: list[Message] = []
    for channel in _CHANNELS[device.kind]:
        topic = config.get(channel.command_topic or "")
        if channel.attribute not in change or not isinstance(topic, str):
            continue
        value = write_value(device, config, channel.attribute, change[channel.attribute])
        template = config.get(channel.command_template or "")
        variables = {"position": value} if channel.attribute == "position" else {}
        payload = render_command(template if isinstance(template, str) else None, value, **variables)
        messages.append((topic, payload.encode()))
    return _with_light_on(device, config, change, messages)


def _switched_off(device: Device, change: State) -> State:
    """Brightness or speed 0 is a switch off, as Home Assistant turns a light or fan at 0 off."""
    level = {Kind.LIGHT: "brightness", Kind.FAN: "percentage"}.get(device.kind)
    if level and change.get(level) == 0:
        return {"state": "off"}
    return change


def _with_light_on(device: Device, config: dict[str, Any], change: State, messages: list[Message]) -> list[Message]:
    """A light told a brightness or colour temperature is also told ON, per its `on_command_type`."""
    topic = config.get("command_topic")
    if device.kind is not Kind.LIGHT or "state" in change or not messages or not isinstance(topic, str):
        return messages
    on_type = config.get("on_command_type", "last")
    if on_type == "brightness" and "brightness" in change:
        return messages
    on = (topic, write_value(device, config, "state", "on").encode())
    return [on, *messages] if on_type == "first" else [*messages, on]


def _expected(device: Device, config: dict[str, Any], change: State) -> State:
    """What the device reports for a change: the sent value read back (mireds and fan speeds are coarse)."""
    expected: State = {}
    for attribute, value in _switched_off(device, change).items():
        sent = write_value(device, config, attribute, value)
        read = read_value(device, config, attribute, str(sent)) if attribute != "state" else value
        expected[attribute] = value if read is None else read
    return expected
