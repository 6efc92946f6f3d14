"""Zigbee2MQTT discovery: the retained `zigbee2mqtt/bridge/devices` list ⇄ Device objects.

Kind and features are inferred from each device's `definition.exposes`: a specific expose
(light, switch, fan, cover, lock, climate) wins; otherwise the first binary property that
means something (contact, occupancy, …) makes a binary sensor, else the first measured
quantity (temperature, humidity, …) a sensor. Battery, link quality and per-endpoint
exposes are ignored. The virtual home publishes the same list, built by `bridge_devices`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from devices.model import Device, Kind
from devices.zigbee2mqtt import BINARY_KEYS, FAN_MODES

log = logging.getLogger(__name__)

BASE_TOPIC = "zigbee2mqtt"
BRIDGE_DEVICES_TOPIC = f"{BASE_TOPIC}/bridge/devices"

_SPECIFIC = {"light": Kind.LIGHT, "switch": Kind.SWITCH, "fan": Kind.FAN, "cover": Kind.COVER,
             "lock": Kind.LOCK, "climate": Kind.CLIMATE}
_BINARY_CLASSES = {"contact": "door", "occupancy": "motion", "presence": "presence",
                   "water_leak": "moisture", "smoke": "smoke"}
_SENSOR_PROPERTIES = ("temperature", "humidity", "illuminance_lux", "illuminance", "pressure", "co2",
                      "pm25", "voc", "power", "energy", "soil_moisture")
_UNITS = {"°C": "C", "°F": "F"}


def devices_from_bridge(payload: Any, base_topic: str = BASE_TOPIC) -> list[Device]:
    """Devices described by a bridge/devices payload; entries that can't be understood are skipped."""
    if not isinstance(payload, list):
        raise TypeError("zigbee2mqtt/bridge/devices is a JSON list")
    found = []
    for entry in payload:
        device = _device(entry, base_topic) if isinstance(entry, dict) else None
        if device is not None:
            found.append(device)
    return found


def _device(entry: dict[str, Any], base_topic: str) -> Device | None:
    name, definition = entry.get("friendly_name"), entry.get("definition")
    if entry.get("type") == "Coordinator" or entry.get("disabled") or not isinstance(name, str):
        return None
    exposes = definition.get("exposes") if isinstance(definition, dict) else None
    if not isinstance(exposes, list):
        return None
    exposes = [e for e in exposes if isinstance(e, dict) and "endpoint" not in e]
    fields = _specific(exposes) or _binary(exposes) or _sensor(exposes)
    if fields is None:
        log.debug("zigbee2mqtt device %r exposes nothing homebody understands", name)
        return None
    return Device(id=slug(name), name=name.replace("/", " ").replace("_", " "),
                  topic=f"{base_topic}/{name}", **fields)


def _specific(exposes: list[dict[str, Any]]) -> dict[str, Any] | None:
    expose = next((e for e in exposes if e.get("type") in _SPECIFIC), None)
    if expose is None:
        return None
    kind = _SPECIFIC[expose["type"]]
    features = {str(f.get("property")): f for f in expose.get("features", []) if isinstance(f, dict)}
    fields: dict[str, Any] = {"kind": kind, "features": []}
    if kind is Kind.LIGHT:
        fields["features"] = [f for f in ("brightness", "color_temp", "color") if f in features]
    elif kind is Kind.COVER and "position" in features:
        fields["features"] = ["position"]
    elif kind is Kind.FAN and "fan_mode" in features:
        fields["features"] = ["percentage", "fan_mode"] if "percentage" not in features else ["percentage"]
    elif kind is Kind.FAN and "percentage" in features:
        fields["features"] = ["percentage"]
    elif kind is Kind.CLIMATE:
        fields.update(_climate(features))
    return fields


def _climate(features: dict[str, dict[str, Any]]) -> dict[str, Any]:
    modes = features.get("system_mode", {}).get("values", [])
    setpoint = features.get("occupied_heating_setpoint") or features.get("current_heating_setpoint") or {}
    fields: dict[str, Any] = {"modes": [m for m in modes if isinstance(m, str)]}
    for field, key in (("min_temp", "value_min"), ("max_temp", "value_max")):
        if isinstance(setpoint.get(key), (int, float)):
            fields[field] = float(setpoint[key])
    return fields


def _binary(exposes: list[dict[str, Any]]) -> dict[str, Any] | None:
    properties = {e.get("property") for e in exposes if e.get("type") == "binary"}
    key = next((k for k in _BINARY_CLASSES if k in properties), None)
    return {"kind": Kind.BINARY_SENSOR, "device_class": _BINARY_CLASSES[key]} if key else None


def _sensor(exposes: list[dict[str, Any]]) -> dict[str, Any] | None:
    numeric = {e.get("property"): e for e in exposes if e.get("type") == "numeric"}
    key = next((k for k in _SENSOR_PROPERTIES if k in numeric), None)
    if key is None:
        return None
    unit = numeric[key].get("unit")
    return {"kind": Kind.SENSOR, "device_class": key,
            "unit": _UNITS.get(unit, unit) if isinstance(unit, str) else None}


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
    words = {Kind.COVER: ["OPEN", "CLOSE", "STOP"], Kind.LOCK: ["LOCK", "UNLOCK"]}.get(device.kind, ["ON", "OFF"])
    features: list[dict[str, Any]] = [{"type": "enum" if device.kind is Kind.COVER else "binary", "name": "state", "property": "state",
                 "access": 7, "values": words}]
    if device.kind is Kind.CLIMATE:
        features = [{"type": "enum", "name": "system_mode", "property": "system_mode", "access": 7,
                     "values": list(device.modes)},
                    {**_numeric("occupied_heating_setpoint", "°C", 7),
                     "value_min": device.min_temp, "value_max": device.max_temp},
                    _numeric("local_temperature", "°C")]
    for feature in device.features:
        if feature == "color":
            features.append({"type": "composite", "name": "color_xy", "property": "color", "access": 7,
                             "features": [_numeric("x", None, 7), _numeric("y", None, 7)]})
        elif feature == "fan_mode":
            features.append({"type": "enum", "name": "mode", "property": "fan_mode", "access": 7,
                             "values": list(FAN_MODES)})
        else:
            features.append(_numeric(feature, "mired" if feature == "color_temp" else None, 7))
    return features


def _numeric(prop: str, unit: str | None, access: int = 1) -> dict[str, Any]:
    expose: dict[str, Any] = {"type": "numeric", "name": prop, "property": prop, "access": access}
    if unit:
        expose["unit"] = {"C": "°C", "F": "°F"}.get(unit, unit)
    return expose
