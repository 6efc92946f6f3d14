"""The Zigbee2MQTT codec, both ways, against payloads as real devices send them; and bridge discovery."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import household

from devices.colors import NAMED_COLORS
from devices.errors import InvalidChange
from devices.household import Household
from devices.model import Device, Kind, State
from devices.zigbee2mqtt import (
    decode_command,
    decode_state,
    encode_command,
    encode_state,
    read_availability,
)
from devices.zigbee2mqtt_values import kelvin_from_mired
from devices.zigbee2mqtt_bridge import bridge_devices, devices_from_bridge, slug


def device(kind: str, **fields: Any) -> Device:
    return Device(id=f"test_{kind}", name=f"Test {kind}", kind=Kind(kind), **fields)


COLOR_LIGHT = device("light", features=["brightness", "color_temp", "color"])
PLAIN_LIGHT = device("light")
FAN = device("fan", features=["percentage"])
COVER = device("cover", features=["position"])
LOCK = device("lock")
THERMOSTAT = device("climate", modes=["off", "heat", "auto"], min_temp=5.0, max_temp=30.0)
TV = device("media_player")
THERMOMETER = device("sensor", device_class="temperature", unit="C")
DOOR = device("binary_sensor", device_class="door")
MOTION = device("binary_sensor", device_class="motion")
LEAK = device("binary_sensor", device_class="moisture")

# Payloads as Zigbee2MQTT publishes them for real devices (trimmed of nothing: extra keys must be ignored).
REAL_STATES: list[tuple[Device, dict[str, Any], State]] = [
    (COLOR_LIGHT, {"brightness": 254, "color": {"hue": 25, "saturation": 95, "x": 0.5267, "y": 0.4133},
                   "color_mode": "color_temp", "color_temp": 370, "linkquality": 72, "state": "ON",
                   "update": {"state": "idle"}},
     {"state": "on", "brightness": 100, "color_temp": 2700, "color": "orange"}),
    (COLOR_LIGHT, {"state": "OFF", "brightness": 127, "color_temp": 250, "color": {"x": 0.7006, "y": 0.2993}},
     {"state": "off", "brightness": 50, "color_temp": 4000, "color": "red"}),
    (PLAIN_LIGHT, {"state": "ON", "brightness": 30, "linkquality": 40}, {"state": "on"}),
    (device("switch"), {"state": "OFF", "power": 0.4, "energy": 1.2, "linkquality": 120}, {"state": "off"}),
    (FAN, {"state": "ON", "percentage": 66}, {"state": "on", "percentage": 66}),
    (FAN, {"fan_state": "ON", "fan_mode": "medium", "linkquality": 90}, {"state": "on", "percentage": 66}),
    (COVER, {"position": 100, "state": "OPEN", "linkquality": 54}, {"state": "open", "position": 100}),
    (COVER, {"position": 0, "state": "CLOSED"}, {"state": "closed", "position": 0}),
    (COVER, {"position": 35}, {"state": "open", "position": 35}),
    (LOCK, {"battery": 86, "lock_state": "locked", "state": "LOCK"}, {"state": "locked"}),
    (LOCK, {"lock_state": "unlocked", "battery": 86}, {"state": "unlocked"}),
    (THERMOSTAT, {"local_temperature": 19.5, "occupied_heating_setpoint": 21, "system_mode": "heat",
                  "running_state": "heat", "battery": 90},
     {"mode": "heat", "target_temperature": 21.0, "current_temperature": 19.5}),
    (THERMOSTAT, {"current_heating_setpoint": 17.5, "local_temperature": 18, "system_mode": "auto"},
     {"mode": "auto", "target_temperature": 17.5, "current_temperature": 18.0}),
    (TV, {"state": "PLAYING", "volume": 25, "mute": False}, {"state": "playing", "volume": 25, "muted": False}),
    (THERMOMETER, {"battery": 97, "humidity": 45.2, "linkquality": 87, "pressure": 1012, "temperature": 21.3,
                   "voltage": 3005}, {"value": 21.3}),
    (device("sensor", device_class="illuminance"), {"illuminance": 320, "occupancy": False}, {"value": 320}),
    (device("sensor"), {"value": 7}, {"value": 7}),
    (DOOR, {"battery": 100, "contact": True, "device_temperature": 25, "voltage": 3025}, {"state": "off"}),
    (DOOR, {"contact": False}, {"state": "on"}),
    (MOTION, {"occupancy": True, "illuminance": 12, "battery": 70}, {"state": "on"}),
    (LEAK, {"water_leak": False, "battery_low": False}, {"state": "off"}),
    (device("binary_sensor", device_class="smoke"), {"smoke": True}, {"state": "on"}),
    (device("binary_sensor"), {"state": "ON"}, {"state": "on"}),
]


@pytest.mark.parametrize(("dev", "payload", "expected"), REAL_STATES)
def test_decode_real_state_payloads(dev: Device, payload: dict[str, Any], expected: State) -> None:
    assert decode_state(dev, payload) == expected


COMMANDS: list[tuple[Device, State, dict[str, Any]]] = [
    (COLOR_LIGHT, {"state": "on", "brightness": 50}, {"state": "ON", "brightness": 127}),
    (COLOR_LIGHT, {"color_temp": 2700}, {"color_temp": 370}),
    (COLOR_LIGHT, {"color": "red"}, {"color": {"hex": "#ff0000"}}),
    (device("switch"), {"state": "off"}, {"state": "OFF"}),
    (FAN, {"state": "on", "percentage": 30}, {"state": "ON", "percentage": 30}),
    (COVER, {"state": "closed"}, {"state": "CLOSE"}),
    (COVER, {"state": "open"}, {"state": "OPEN"}),
    (COVER, {"position": 40}, {"position": 40}),
    (LOCK, {"state": "unlocked"}, {"state": "UNLOCK"}),
    (THERMOSTAT, {"mode": "heat", "target_temperature": 21.5},
     {"system_mode": "heat", "occupied_heating_setpoint": 21.5}),
    (TV, {"state": "paused", "volume": 10, "muted": True}, {"state": "PAUSED", "volume": 10, "mute": True}),
]


@pytest.mark.parametrize(("dev", "change", "payload"), COMMANDS)
def test_encode_command_and_the_device_reads_it_back(dev: Device, change: State, payload: dict[str, Any]) -> None:
    assert encode_command(dev, change) == payload
    assert decode_command(dev, payload) == (change, None)


def test_set_payload_colours_in_every_form_zigbee2mqtt_accepts() -> None:
    for color in ({"hex": "#0000ff"}, {"r": 0, "g": 0, "b": 255}, {"x": 0.1355, "y": 0.0399}, {"h": 240, "s": 100}):
        assert decode_command(COLOR_LIGHT, {"color": color}) == ({"color": "blue"}, None)


def test_media_command_is_taken_apart_from_state() -> None:
    assert decode_command(TV, {"media_command": "next"}) == ({}, "next")


@pytest.mark.parametrize(("dev", "payload"), [
    (PLAIN_LIGHT, {"brightness": 100}),
    (COLOR_LIGHT, {"state": "BLINK"}),
    (COLOR_LIGHT, {"brightness": "high"}),
    (LOCK, {"state": "OPEN"}),
    (THERMOMETER, {"temperature": 30}),
    (COLOR_LIGHT, ["state", "ON"]),
])
def test_devices_refuse_what_they_cannot_do(dev: Device, payload: Any) -> None:
    with pytest.raises(InvalidChange):
        decode_command(dev, payload)


def test_every_named_colour_survives_the_round_trip() -> None:
    for name in NAMED_COLORS:
        expected = "cyan" if name == "aqua" else name  # the same colour under two names
        assert decode_state(COLOR_LIGHT, encode_state(COLOR_LIGHT, {"color": name})) == {"color": expected}


def test_rgb_lists_read_back_as_the_nearest_name() -> None:
    assert decode_state(COLOR_LIGHT, encode_state(COLOR_LIGHT, {"color": [250, 10, 10]})) == {"color": "red"}


@pytest.mark.parametrize("percent", range(101))
def test_brightness_percent_survives_the_0_254_scale(percent: int) -> None:
    assert decode_state(COLOR_LIGHT, encode_command(COLOR_LIGHT, {"brightness": percent}))["brightness"] == percent


@pytest.mark.parametrize(("mired", "kelvin"), [(370, 2700), (250, 4000), (154, 6500), (500, 2000), (333, 3000),
                                               (367, 2725)])
def test_mireds_read_as_the_roundest_kelvin(mired: int, kelvin: int) -> None:
    assert kelvin_from_mired(mired) == kelvin


def test_every_household_state_survives_the_wire(any_household: Household) -> None:
    for dev in any_household.devices:
        assert decode_state(dev, encode_state(dev, dev.initial)) == dev.initial, dev.id


@pytest.mark.parametrize("payload", [
    {"state": 42},
    {"state": "ON", "brightness": "bright", "color_temp": -5, "color": "red"},
    {"temperature": "warm"},
    {"brightness": float("nan")},
])
def test_wrong_types_are_skipped_never_raised_past_the_codec(payload: dict[str, Any]) -> None:
    for dev in (COLOR_LIGHT, THERMOMETER):
        try:
            state = decode_state(dev, payload)
        except ValueError:
            continue
        assert all(isinstance(v, (str, int, float)) for v in state.values())
    assert decode_state(COLOR_LIGHT, {"state": "ON", "brightness": "bright"}) == {"state": "on"}


def test_garbage_is_reported_as_such() -> None:
    with pytest.raises(TypeError):
        decode_state(COLOR_LIGHT, [1, 2, 3])
    with pytest.raises(ValueError, match="no usable value"):
        decode_state(COLOR_LIGHT, {"state": 42})
    assert decode_state(COLOR_LIGHT, {"linkquality": 42}) == {}


@pytest.mark.parametrize(("payload", "online"), [
    (b'{"state":"online"}', True), (b'{"state":"offline"}', False), (b"online", True), (b"offline", False),
    (b"{not json", None), (b"[1]", None), (b"maybe", None),
])
def test_availability_payloads(payload: bytes, online: bool | None) -> None:
    assert read_availability(payload) is online


# ---- bridge/devices discovery ----------------------------------------------------------------

BRIDGE_DEVICES = [
    {"ieee_address": "0x00124b0012345678", "type": "Coordinator", "friendly_name": "Coordinator",
     "definition": None, "supported": True, "disabled": False},
    {"ieee_address": "0x0017880104e45517", "type": "Router", "friendly_name": "Kitchen/Pendant",
     "supported": True, "disabled": False, "power_source": "Mains (single phase)",
     "definition": {"model": "9290022166", "vendor": "Philips", "description": "Hue white and color ambiance E26",
                    "exposes": [
                        {"type": "light", "features": [
                            {"type": "binary", "name": "state", "property": "state", "access": 7,
                             "value_on": "ON", "value_off": "OFF", "value_toggle": "TOGGLE"},
                            {"type": "numeric", "name": "brightness", "property": "brightness", "access": 7,
                             "value_min": 0, "value_max": 254},
                            {"type": "numeric", "name": "color_temp", "property": "color_temp", "access": 7,
                             "unit": "mired", "value_min": 153, "value_max": 500},
                            {"type": "composite", "name": "color_xy", "property": "color", "access": 7,
                             "features": [{"type": "numeric", "name": "x", "property": "x", "access": 7},
                                          {"type": "numeric", "name": "y", "property": "y", "access": 7}]}]},
                        {"type": "enum", "name": "effect", "property": "effect", "access": 2,
                         "values": ["blink", "breathe"]},
                        {"type": "numeric", "name": "linkquality", "property": "linkquality", "access": 1}]}},
    {"ieee_address": "0x00158d0001a2b3c4", "type": "EndDevice", "friendly_name": "front door sensor",
     "supported": True, "disabled": False,
     "definition": {"model": "MCCGQ11LM", "vendor": "Aqara", "description": "Door and window sensor",
                    "exposes": [
                        {"type": "numeric", "name": "battery", "property": "battery", "access": 1, "unit": "%"},
                        {"type": "binary", "name": "contact", "property": "contact", "access": 1,
                         "value_on": False, "value_off": True},
                        {"type": "numeric", "name": "device_temperature", "property": "device_temperature",
                         "access": 1, "unit": "°C"}]}},
    {"ieee_address": "0x00158d0002c3d4e5", "type": "EndDevice", "friendly_name": "bathroom_climate",
     "supported": True, "disabled": False,
     "definition": {"model": "WSDCGQ11LM", "vendor": "Aqara", "description": "Temperature and humidity sensor",
                    "exposes": [
                        {"type": "numeric", "name": "battery", "property": "battery", "access": 1, "unit": "%"},
                        {"type": "numeric", "name": "humidity", "property": "humidity", "access": 1, "unit": "%"},
                        {"type": "numeric", "name": "temperature", "property": "temperature", "access": 1,
                         "unit": "°C"}]}},
    {"ieee_address": "0x0c4314fffe123456", "type": "EndDevice", "friendly_name": "radiator",
     "supported": True, "disabled": False,
     "definition": {"model": "SPZB0001", "vendor": "Eurotronic", "description": "Spirit Zigbee wireless heater",
                    "exposes": [{"type": "climate", "features": [
                        {"type": "numeric", "name": "occupied_heating_setpoint",
                         "property": "occupied_heating_setpoint", "access": 7, "value_min": 5, "value_max": 30,
                         "unit": "°C"},
                        {"type": "numeric", "name": "local_temperature", "property": "local_temperature",
                         "access": 5, "unit": "°C"},
                        {"type": "enum", "name": "system_mode", "property": "system_mode", "access": 7,
                         "values": ["off", "auto", "heat"]}]}]}},
    {"ieee_address": "0x00158d0003d4e5f6", "type": "Router", "friendly_name": "double switch",
     "supported": True, "disabled": False,
     "definition": {"model": "QBKG12LM", "vendor": "Aqara", "description": "Two-gang switch",
                    "exposes": [{"type": "switch", "endpoint": "left", "features": []},
                                {"type": "switch", "endpoint": "right", "features": []}]}},
    {"ieee_address": "0x00158d0004e5f6a7", "type": "Router", "friendly_name": "disabled plug",
     "supported": True, "disabled": True, "definition": {"exposes": [{"type": "switch", "features": []}]}},
    "not an entry",
]


def test_bridge_devices_become_devices() -> None:
    found = {d.id: d for d in devices_from_bridge(BRIDGE_DEVICES)}
    assert set(found) == {"kitchen_pendant", "front_door_sensor", "bathroom_climate", "radiator"}
    pendant = found["kitchen_pendant"]
    assert (pendant.kind, pendant.features, pendant.topic) == (
        Kind.LIGHT, ["brightness", "color_temp", "color"], "zigbee2mqtt/Kitchen/Pendant")
    assert (found["front_door_sensor"].kind, found["front_door_sensor"].device_class) == (Kind.BINARY_SENSOR, "door")
    sensor = found["bathroom_climate"]
    assert (sensor.kind, sensor.device_class, sensor.unit) == (Kind.SENSOR, "temperature", "C")
    radiator = found["radiator"]
    assert (radiator.kind, radiator.modes, radiator.min_temp, radiator.max_temp) == (
        Kind.CLIMATE, ["off", "auto", "heat"], 5.0, 30.0)


def test_bridge_devices_must_be_a_list() -> None:
    with pytest.raises(TypeError):
        devices_from_bridge({"devices": []})


@pytest.mark.parametrize("name", ["maple", "example", "hazel", "tiny"])
def test_the_virtual_homes_device_list_describes_the_household(name: str) -> None:
    home = household(name)
    described = {d.id: d for d in devices_from_bridge(bridge_devices(home.devices))}
    for original in home.devices:
        if original.kind is Kind.MEDIA_PLAYER:  # not a Zigbee thing
            assert original.id not in described
            continue
        found = described[original.id]
        assert (found.kind, found.features, found.topic) == (original.kind, original.features, original.topic)
        if original.kind is Kind.CLIMATE:
            assert (found.modes, found.min_temp, found.max_temp) == (original.modes, original.min_temp,
                                                                     original.max_temp)
        if original.kind is Kind.SENSOR:
            assert (found.device_class, found.unit) == (original.device_class, original.unit)


def test_slug() -> None:
    assert slug("Kitchen/Ceiling Light") == "kitchen_ceiling_light"
    assert slug("---") == "device"


def test_binary_sensors_of_any_class_and_text_sensors_round_trip() -> None:
    battery = Device(id="phone_battery", name="Phone", kind=Kind.BINARY_SENSOR, device_class="battery")
    birthday = Device(id="birthday", name="Birthday", kind=Kind.SENSOR, device_class="date")
    for device, state in ((battery, {"state": "off"}), (battery, {"state": "on"}), (birthday, {"value": "2024-04-01"})):
        assert decode_state(device, encode_state(device, state)) == state
