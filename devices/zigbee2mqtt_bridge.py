"""Zigbee2MQTT discovery: the retained `zigbee2mqtt/bridge/devices` list ⇄ Device objects.

What each entry holds is read from its `definition.exposes` (devices/zigbee2mqtt_exposes.py):
one device per endpoint or part, each with the Wire that names its own properties. The virtual
home publishes the same list, built by `bridge_devices`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from devices.model import Device, Kind
from devices.zigbee2mqtt_exposes import device_of, entities
from devices.zigbee2mqtt_values import BINARY_KEYS
from devices.zigbee2mqtt_wire import Wire

log = logging.getLogger(__name__)

BASE_TOPIC = "zigbee2mqtt"
BRIDGE_DEVICES_TOPIC = f"{BASE_TOPIC}/bridge/devices"


def devices_from_bridge(payload: Any, base_topic: str = BASE_TOPIC) -> list[Device]:
    """Devices described by a bridge/devices payload; entries that can't be understood are skipped."""
    return [device for device, _wire in wired_devices_from_bridge(payload, base_topic)]


def wired_devices_from_bridge(payload: Any, base_topic: str = BASE_TOPIC) -> list[tuple[Device, Wire]]:
    """Each device of a bridge/devices payload with the Wire its exposes describe."""
    if not isinstance(payload, list):
        raise TypeError("zigbee2mqtt/bridge/devices is a JSON list")
    found = []
    for entry in payload:
        if isinstance(entry, dict):
            found += _devices(entry, base_topic)
    return found


def _devices(entry: dict[str, Any], base_topic: str) -> list[tuple[Device, Wire]]:
    name, definition = entry.get("friendly_name"), entry.get("definition")
    if entry.get("type") == "Coordinator" or entry.get("disabled") or not isinstance(name, str):
        return []
    exposes = definition.get("exposes") if isinstance(definition, dict) else None
    if not isinstance(exposes, list):
        return []
    found = entities(exposes)
    if not found:
        log.debug("zigbee2mqtt device %r exposes nothing homebody understands", name)
    return [(device_of(e, name, f"{base_topic}/{name}", slug(name)), replace(e.wire, part=e.suffix)) for e in found]


def slug(text: str) -> str:
    """A device id from a friendly name: `Kitchen/Ceiling Light` → `kitchen_ceiling_light`."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "device"


# ---- the virtual home's side -----------------------------------------------------------------

def bridge_devices(devices: list[Device], base_topic: str = BASE_TOPIC) -> list[dict[str, Any]]:
    """A bridge/devices payload describing the given devices (those on Zigbee2MQTT topics)."""
    prefix = f"{base_topic}/"
    entries = []
    for index, device in enumerate(devices, start=1):
        exposes = _exposes(device)
        if not device.topic.startswith(prefix) or exposes is None:
            continue
        entries.append({
            "ieee_address": f"0x{index:016x}",
            "type": "EndDevice" if device.kind in (Kind.SENSOR, Kind.BINARY_SENSOR) else "Router",
            "friendly_name": device.topic[len(prefix):],
            "supported": True,
            "disabled": False,
            "definition": {"vendor": "homebody", "model": f"virtual-{device.kind.value}",
                           "description": f"Virtual {device.kind.value.replace('_', ' ')}", "exposes": exposes},
        })
    return entries


def _exposes(device: Device) -> list[dict[str, Any]] | None:
    kind = device.kind
    if kind in (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.COVER, Kind.LOCK, Kind.CLIMATE):
        return [{"type": kind.value, "features": _specific_features(device)}, _numeric("linkquality", "lqi")]
    if kind is Kind.SENSOR:
        return [_numeric(device.device_class or "value", device.unit), _numeric("battery", "%")]
    if kind is Kind.BINARY_SENSOR:
        key = BINARY_KEYS.get(device.device_class or "", "state")
        return [{"type": "binary", "name": key, "property": key, "access": 1,
                 "value_on": key != "contact", "value_off": key == "contact"}, _numeric("battery", "%")]
    return None


def _specific_features(device: Device) -> list[dict[str, Any]]:
    if device.kind is Kind.CLIMATE:
        return [{"type": "enum", "name": "system_mode", "property": "system_mode", "access": 7,
                 "values": list(device.modes)},
                {**_numeric("occupied_heating_setpoint", "°C", 7), "value_min": device.min_temp,
                 "value_max": device.max_temp},
                _numeric("local_temperature", "°C")]
    state: dict[str, Any] = {"type": "binary", "name": "state", "property": "state", "access": 7,
                             "value_on": "ON", "value_off": "OFF"}
    if device.kind is Kind.COVER:
        state = {"type": "enum", "name": "state", "property": "state", "access": 7, "values": ["OPEN", "CLOSE", "STOP"]}
    elif device.kind is Kind.LOCK:
        state = {**state, "value_on": "LOCK", "value_off": "UNLOCK"}
    features = [state]
    for feature in device.features:
        if feature == "color":
            features.append({"type": "composite", "name": "color_xy", "property": "color", "access": 7,
                             "features": [_numeric("x", None, 7), _numeric("y", None, 7)]})
        else:
            features.append(_numeric(feature, "mired" if feature == "color_temp" else None, 7))
    return features


def _numeric(prop: str, unit: str | None, access: int = 1) -> dict[str, Any]:
    expose: dict[str, Any] = {"type": "numeric", "name": prop, "property": prop, "access": access}
    if unit:
        expose["unit"] = {"C": "°C", "F": "°F"}.get(unit, unit)
    return expose
