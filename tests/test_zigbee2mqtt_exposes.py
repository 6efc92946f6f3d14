"""Zigbee2MQTT devices as their exposes describe them: which parts are devices, and what each is sent.

The exposes here are small, in the shapes zigbee-herdsman-converters produces: features carry a
`name` (what it is) and a `property` (its key on the wire, with the endpoint appended).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from brokers import BrokerAddress, eventually, spy

from devices.binding import Binding
from devices.household import HomeInfo, Household
from devices.model import Device, Kind, validate_change
from devices.mqtt import MqttConnection
from devices.runtime import DeviceRuntime
from devices.zigbee2mqtt import binding
from devices.zigbee2mqtt_bridge import wired_devices_from_bridge


def binary(name: str, prop: str | None = None, on: Any = "ON", off: Any = "OFF", access: int = 7,
           endpoint: str | None = None) -> dict[str, Any]:
    feature = {"type": "binary", "name": name, "property": prop or name, "access": access, "value_on": on,
               "value_off": off}
    return {**feature, "endpoint": endpoint} if endpoint else feature


def numeric(name: str, prop: str | None = None, low: float | None = None, high: float | None = None,
            access: int = 7, **extra: Any) -> dict[str, Any]:
    feature: dict[str, Any] = {"type": "numeric", "name": name, "property": prop or name, "access": access, **extra}
    if low is not None:
        feature |= {"value_min": low, "value_max": high}
    return feature


def enum(name: str, values: list[str], prop: str | None = None, access: int = 7) -> dict[str, Any]:
    return {"type": "enum", "name": name, "property": prop or name, "access": access, "values": values}


def specific(kind: str, *features: dict[str, Any], endpoint: str | None = None) -> dict[str, Any]:
    expose: dict[str, Any] = {"type": kind, "features": list(features)}
    return {**expose, "endpoint": endpoint} if endpoint else expose


def devices(name: str, *exposes: dict[str, Any]) -> dict[str, Binding]:
    entry = {"friendly_name": name, "type": "Router", "ieee_address": "0x1", "definition": {"exposes": list(exposes)}}
    return {device.id: binding(device, wire) for device, wire in wired_devices_from_bridge([entry])}


def sent(found: Binding, change: dict[str, Any]) -> dict[str, Any]:
    [(topic, payload)] = found.command(validate_change(found.device, change))
    assert topic == f"{found.device.topic}/set"
    return json.loads(payload)  # type: ignore[no-any-return]


def state(found: Binding, payload: dict[str, Any]) -> dict[str, Any]:
    return found.readers[found.device.topic](json.dumps(payload).encode())


# ---- thermostats -------------------------------------------------------------------------------------

def trv(setpoint: str) -> tuple[dict[str, Any], ...]:
    return (specific("switch", binary("window_detection")), binary("child_lock", on="LOCK", off="UNLOCK"),
            specific("climate", numeric(setpoint, low=4, high=28), numeric("local_temperature", access=1),
                     enum("system_mode", ["off", "heat"])))


@pytest.mark.parametrize("setpoint", ["current_heating_setpoint", "occupied_heating_setpoint"])
def test_a_thermostat_is_a_climate_whatever_switches_its_exposes_list_first(setpoint: str) -> None:
    found = devices("Hall TRV", *trv(setpoint))
    assert list(found) == ["hall_trv"]
    radiator = found["hall_trv"]
    assert (radiator.device.kind, radiator.device.modes, radiator.device.min_temp, radiator.device.max_temp) == (
        Kind.CLIMATE, ["off", "heat"], 4.0, 28.0)
    assert sent(radiator, {"target_temperature": 19.5}) == {setpoint: 19.5}
    assert state(radiator, {setpoint: 18, "local_temperature": 17.5, "system_mode": "heat"}) == {
        "mode": "heat", "target_temperature": 18.0, "current_temperature": 17.5}


def test_a_thermostats_own_on_off_switch_is_part_of_it() -> None:
    found = devices("study", specific("switch", binary("state")), *trv("occupied_heating_setpoint")[2:])
    assert [(i, b.device.kind) for i, b in found.items()] == [("study", Kind.CLIMATE)]


# ---- endpoints and parts -----------------------------------------------------------------------------

def test_each_endpoint_of_a_two_gang_switch_is_a_device_on_the_shared_topic() -> None:
    found = devices("landing/switch", specific("switch", binary("state", "state_top"), endpoint="top"),
                    specific("switch", binary("state", "state_bottom"), endpoint="bottom"),
                    enum("operation_mode", ["decoupled", "control_relay"], "operation_mode_top"))
    assert set(found) == {"landing_switch_top", "landing_switch_bottom"}
    top, bottom = found["landing_switch_top"], found["landing_switch_bottom"]
    assert (top.device.name, top.device.topic) == ("landing switch top", "zigbee2mqtt/landing/switch")
    assert sent(bottom, {"state": "on"}) == {"state_bottom": "ON"}
    assert state(top, {"state_top": "ON", "state_bottom": "OFF"}) == {"state": "on"}
    assert state(bottom, {"state_top": "ON", "state_bottom": "OFF"}) == {"state": "off"}


def test_a_multi_light_module_gives_a_light_or_cover_per_endpoint_with_its_own_features() -> None:
    found = devices("module", specific("light", binary("state", "state_a"),
                                       numeric("brightness", "brightness_a", 0, 254), endpoint="a"),
                    specific("light", binary("state", "state_b"), endpoint="b"),
                    specific("cover", enum("state", ["OPEN", "CLOSE", "STOP"], "state_c"),
                             numeric("position", "position_c", 0, 100), endpoint="c"))
    assert {i: (b.device.kind, b.device.features) for i, b in found.items()} == {
        "module_a": (Kind.LIGHT, ["brightness"]), "module_b": (Kind.LIGHT, []), "module_c": (Kind.COVER, ["position"])}
    assert sent(found["module_a"], {"brightness": 50}) == {"brightness_a": 127}
    assert sent(found["module_c"], {"state": "closed"}) == {"state_c": "CLOSE"}
    assert state(found["module_c"], {"position_c": 40, "state_a": "ON"}) == {"state": "open", "position": 40}


def test_a_fan_and_light_controller_is_a_fan_with_a_light_each_reading_its_own_state() -> None:
    found = devices("porch fan",
                    specific("fan", binary("state", "fan_state"), enum("mode", ["low", "high", "on"], "fan_mode")),
                    specific("light", binary("state"), numeric("brightness", low=0, high=254)))
    fan, light = found["porch_fan"], found["porch_fan_light"]
    assert (fan.device.kind, light.device.kind, light.device.name) == (Kind.FAN, Kind.LIGHT, "porch fan light")
    payload = {"fan_state": "ON", "fan_mode": "low", "state": "OFF", "brightness": 10}
    assert state(fan, payload) == {"state": "on", "percentage": 50}
    assert state(light, payload)["state"] == "off"
    assert sent(fan, {"state": "off"}) == {"fan_state": "OFF"}
    assert sent(light, {"state": "on"}) == {"state": "ON"}


def test_settings_shown_as_switches_are_not_devices() -> None:
    assert devices("valve", specific("switch", binary("away_mode")), specific("switch", binary("auto_lock", on="AUTO",
                                                                                                 off="MANUAL"))) == {}


# ---- fan modes ---------------------------------------------------------------------------------------

PURIFIER = (specific("fan", binary("state", "fan_state"),
                     enum("mode", ["off", "auto", "1", "2", "3", "4"], "fan_mode")),)
MODE_ONLY = (specific("fan", enum("mode", ["off", "low", "medium", "high", "smart"], "fan_mode")),)


@pytest.mark.parametrize(("exposes", "percentage", "word"), [
    (PURIFIER, 1, "1"), (PURIFIER, 50, "2"), (PURIFIER, 51, "3"), (PURIFIER, 100, "4"),
    (MODE_ONLY, 20, "low"), (MODE_ONLY, 60, "medium"), (MODE_ONLY, 90, "high"),
])
def test_a_fans_speed_is_sent_as_a_word_of_its_own_mode_enum(exposes: tuple[dict[str, Any], ...], percentage: int,
                                                             word: str) -> None:
    [fan] = devices("fan", *exposes).values()
    assert sent(fan, {"percentage": percentage}) == {"fan_mode": word}
    assert state(fan, {"fan_mode": word})["state"] == "on"


def test_a_fan_is_switched_on_by_its_on_off_property_else_by_a_mode_it_takes() -> None:
    [purifier] = devices("purifier", *PURIFIER).values()
    assert sent(purifier, {"state": "on"}) == {"fan_state": "ON"}
    assert state(purifier, {"fan_state": "ON", "fan_mode": "auto"}) == {"state": "on"}  # a preset: no speed
    [fan] = devices("fan", *MODE_ONLY).values()
    assert sent(fan, {"state": "on"}) == {"fan_mode": "smart"}  # a preset it has, never a word it lacks
    assert sent(fan, {"state": "off"}) == {"fan_mode": "off"}
    state(fan, {"fan_mode": "high"})
    state(fan, {"fan_mode": "off"})
    assert sent(fan, {"state": "on"}) == {"fan_mode": "high"}  # back to its last running speed


def test_a_fan_with_a_numeric_speed_is_sent_a_speed_in_its_range() -> None:
    [fan] = devices("fan", specific("fan", binary("state"), numeric("speed", low=0, high=6))).values()
    assert sent(fan, {"percentage": 50}) == {"speed": 3}
    assert state(fan, {"state": "ON", "speed": 2}) == {"state": "on", "percentage": 33}


# ---- each device's own range ---------------------------------------------------------------------------

@pytest.mark.parametrize(("kelvin", "mired"), [(6500, 250), (2000, 454), (2700, 370)])
def test_colour_temperature_is_clamped_to_the_bulbs_own_range(kelvin: int, mired: int) -> None:
    [bulb] = devices("bulb", specific("light", binary("state"), numeric("color_temp", low=250, high=454))).values()
    assert sent(bulb, {"color_temp": kelvin}) == {"color_temp": mired}
    assert bulb.expected({"color_temp": kelvin}) == {"color_temp": state(bulb, {"color_temp": mired})["color_temp"]}


def test_a_lock_and_a_contact_speak_their_own_words() -> None:
    [lock] = devices("door", specific("lock", binary("state", on="LOCK", off="UNLOCK"),
                                      enum("lock_state", ["locked", "unlocked"], access=1))).values()
    assert sent(lock, {"state": "unlocked"}) == {"state": "UNLOCK"}
    assert state(lock, {"lock_state": "locked"}) == {"state": "locked"}
    [contact] = devices("window", binary("contact", on=False, off=True, access=1),
                        numeric("battery", access=1, category="diagnostic")).values()
    assert (contact.device.kind, contact.device.device_class) == (Kind.BINARY_SENSOR, "door")
    assert state(contact, {"contact": False}) == {"state": "on"}


# ---- a household-file device described by bridge/devices ---------------------------------------------

def test_a_household_device_follows_what_bridge_devices_says_it_exposes(fresh_amqtt_broker: BrokerAddress) -> None:
    """The file gives the TRV its name and area; its exposes say its setpoint is current_heating_setpoint."""
    radiator = Device(id="nursery_radiator", name="Nursery radiator", kind=Kind.CLIMATE, modes=["off", "heat"],
                      topic="zigbee2mqtt/0x2a", initial={"mode": "heat", "target_temperature": 18.0})
    household = Household(HomeInfo(name="Test", timezone="UTC"), [], [], [radiator])
    entry = {"friendly_name": "0x2a", "type": "EndDevice",
             "definition": {"exposes": list(trv("current_heating_setpoint"))}}
    bridge = MqttConnection(fresh_amqtt_broker.settings(), client_id="zigbee2mqtt", status_topic=None)
    with bridge, DeviceRuntime.start(fresh_amqtt_broker.settings(), household, virtual=False) as runtime:
        with spy(fresh_amqtt_broker, "zigbee2mqtt/+/set", "zigbee2mqtt/spy/set") as commands:
            bridge.publish("zigbee2mqtt/bridge/devices", [entry], retain=True, wait=2.0)
            assert bridge.sync() and runtime.connection.sync()
            runtime.controller.confirm_timeout = 0.1
            runtime.controller.set("nursery_radiator", {"target_temperature": 20.5})
            assert eventually(lambda: bool(commands))
        assert commands == [("zigbee2mqtt/0x2a/set", b'{"current_heating_setpoint": 20.5}')]
        assert list(runtime.registry.devices) == ["nursery_radiator"]
        assert runtime.registry.device("nursery_radiator").name == "Nursery radiator"
