"""A Zigbee2MQTT `bridge/devices` entry → the devices it holds, each with the Wire its exposes describe.

Every specific expose (light, switch, fan, cover, lock, climate) is a part of the device, on its
endpoint (`"endpoint": "left"`) or on none. Parts are grouped by endpoint; in a group, a climate
takes the group's switch as its own (a thermostat's on/off, or settings like window detection
listed before it), and the most specific kind is the group's main part (climate, cover, lock,
fan, light, switch). Each main part is a device: the endpoint-less one, or a device's only part,
takes the device's id; an endpoint's is `<id>_<endpoint>`. Other parts of a group are devices
named by their kind (`<id>_light` for a ceiling fan's light). Switch exposes that are settings,
not loads (`window_detection`, `away_mode`: a binary feature not named `state`), are skipped.

A device with no specific expose is a binary sensor (first meaningful binary property) or a
sensor (first measured quantity). Diagnostic and config exposes never make a device.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from devices.model import Device, Kind
from devices.zigbee2mqtt_wire import Property, Wire

SPECIFIC = {"climate": Kind.CLIMATE, "cover": Kind.COVER, "lock": Kind.LOCK, "fan": Kind.FAN,
            "light": Kind.LIGHT, "switch": Kind.SWITCH}
"""Specific exposes, most specific first: the order that picks a group's main part."""
BINARY_CLASSES = {"contact": "door", "occupancy": "motion", "presence": "presence",
                  "water_leak": "moisture", "smoke": "smoke"}
SENSOR_PROPERTIES = ("temperature", "humidity", "illuminance_lux", "illuminance", "pressure", "co2",
                     "pm25", "voc", "power", "energy", "soil_moisture")
_UNITS = {"°C": "C", "°F": "F"}
_SETPOINTS = ("occupied_heating_setpoint", "current_heating_setpoint")
_NEEDED = {Kind.CLIMATE: {"system_mode", *_SETPOINTS}, Kind.COVER: {"state", "position"}, Kind.LOCK: {"state"},
           Kind.FAN: {"state", "mode", "speed", "percentage"}, Kind.LIGHT: {"state"}, Kind.SWITCH: {"state"}}
"""Features without which a part cannot be controlled at all."""


@dataclass
class Part:
    """One specific expose: its kind, endpoint and features by name (`state`, `brightness`, …)."""

    kind: Kind
    endpoint: str | None
    features: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Entity:
    """A device found in an entry, before it gets its id and name."""

    kind: Kind
    suffix: str
    """What follows the device's id and name: "", the endpoint, the part's kind, or both."""
    wire: Wire
    fields: dict[str, Any]


def entities(exposes: list[Any]) -> list[Entity]:
    """The devices an entry's exposes hold (see the module docstring)."""
    parts = [p for e in exposes if isinstance(e, dict) and (p := _part(e)) is not None]
    if not parts:
        plain = [e for e in exposes if isinstance(e, dict) and "endpoint" not in e and _is_reading(e)]
        reading = _binary(plain) or _sensor(plain)
        return [reading] if reading else []
    groups: dict[str | None, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.endpoint, []).append(part)
    found: list[Entity] = []
    for endpoint, members in groups.items():
        if any(p.kind is Kind.CLIMATE for p in members):
            members = [p for p in members if p.kind is not Kind.SWITCH]
        members.sort(key=lambda p: list(SPECIFIC.values()).index(p.kind))
        for index, part in enumerate(members):
            suffix = "_".join(s for s in (endpoint, part.kind.value if index else None) if s)
            found.append(Entity(part.kind, suffix, *_describe(part)))
    if len(found) == 1:
        found[0].suffix = ""
    return found


def _part(expose: dict[str, Any]) -> Part | None:
    kind = SPECIFIC.get(str(expose.get("type")))
    features = expose.get("features")
    if kind is None or not isinstance(features, list):
        return None
    named = {str(f.get("name")): f for f in features if isinstance(f, dict) and isinstance(f.get("property"), str)}
    if kind is Kind.SWITCH and "state" not in named:
        return None  # a setting shown as a switch (window_detection, away_mode), not a load
    if not named.keys() & _NEEDED[kind]:
        return None
    endpoint = expose.get("endpoint")
    return Part(kind, endpoint if isinstance(endpoint, str) and endpoint else None, named)


def _describe(part: Part) -> tuple[Wire, dict[str, Any]]:
    """The part's wire (attribute → property) and its Device fields (features, modes, limits)."""
    named = part.features
    props: dict[str, Property] = {}
    if "state" in named:  # a lock's state is also in lock_state, a fan's in its mode
        props["state"] = _property(named["state"], fallback=_key(named.get("lock_state") or named.get("mode")))
    fields: dict[str, Any] = {"features": []}
    if part.kind is Kind.LIGHT:
        for feature, name in (("brightness", "brightness"), ("color_temp", "color_temp"),
                              ("color", "color_xy"), ("color", "color_hs")):
            if name in named and feature not in props:
                props[feature] = _property(named[name])
                fields["features"].append(feature)
    elif part.kind is Kind.COVER and "position" in named:
        props["position"] = _property(named["position"])
        fields["features"] = ["position"]
    elif part.kind is Kind.FAN:
        speed = named.get("mode") or named.get("speed") or named.get("percentage")
        if speed is not None:
            props["percentage"] = _property(speed)
            fields["features"] = ["percentage"]
    elif part.kind is Kind.CLIMATE:
        fields.update(_climate(named, props))
    return Wire(props), fields


def _climate(named: dict[str, dict[str, Any]], props: dict[str, Property]) -> dict[str, Any]:
    setpoint = next((f for f in named.values() if f.get("name") in _SETPOINTS), None)
    fields: dict[str, Any] = {"modes": [], "features": []}
    if "system_mode" in named:
        props["mode"] = _property(named["system_mode"])
        fields["modes"] = list(props["mode"].values)
    if setpoint is not None:
        props["target_temperature"] = _property(setpoint)
        for field_name, key in (("min_temp", "value_min"), ("max_temp", "value_max")):
            if isinstance(setpoint.get(key), (int, float)):
                fields[field_name] = float(setpoint[key])
    if "local_temperature" in named:
        props["current_temperature"] = _property(named["local_temperature"])
    return fields


def _property(feature: dict[str, Any], fallback: str | None = None) -> Property:
    values = feature.get("values")
    low, high = feature.get("value_min"), feature.get("value_max")
    binary = feature.get("type") == "binary"
    return Property(str(feature["property"]), feature.get("value_on", "ON") if binary else None,
                    feature.get("value_off", "OFF") if binary else None,
                    tuple(str(v) for v in values) if isinstance(values, list) else (),
                    _number(low), _number(high), fallback)


def _key(feature: dict[str, Any] | None) -> str | None:
    return str(feature["property"]) if feature is not None else None


def _is_reading(expose: dict[str, Any]) -> bool:
    return isinstance(expose.get("property"), str) and expose.get("category") not in ("diagnostic", "config")


def _binary(exposes: list[dict[str, Any]]) -> Entity | None:
    found = {e["property"]: e for e in exposes if e.get("type") == "binary"}
    key = next((k for k in BINARY_CLASSES if k in found), None)
    if key is None:
        return None
    return Entity(Kind.BINARY_SENSOR, "", Wire({"state": _property(found[key])}),
                  {"device_class": BINARY_CLASSES[key]})


def _sensor(exposes: list[dict[str, Any]]) -> Entity | None:
    numeric = {e["property"]: e for e in exposes if e.get("type") == "numeric"}
    key = next((k for k in SENSOR_PROPERTIES if k in numeric), None)
    if key is None:
        return None
    unit = numeric[key].get("unit")
    return Entity(Kind.SENSOR, "", Wire({"value": Property(key)}),
                  {"device_class": key, "unit": _UNITS.get(unit, unit) if isinstance(unit, str) else None})


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def device_of(entity: Entity, friendly_name: str, topic: str, device_id: str) -> Device:
    suffix = entity.suffix
    name = friendly_name.replace("/", " ").replace("_", " ")
    return Device(id=f"{device_id}_{suffix}" if suffix else device_id,
                  name=f"{name} {suffix.replace('_', ' ')}" if suffix else name,
                  kind=entity.kind, topic=topic, **entity.fields)
