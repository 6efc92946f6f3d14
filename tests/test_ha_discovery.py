"""Home Assistant MQTT discovery: configs as Tasmota, ESPHome and friends announce them, and their codecs."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from devices.binding import Binding
from devices.ha_config import expand
from devices.ha_discovery import parse_config
from devices.ha_templates import render_value
from devices.household import load_household
from devices.model import Kind
from devices.mqtt import MqttConnection
from devices.runtime import DeviceRuntime
from brokers import BrokerAddress

TASMOTA_PLUG = {  # abbreviated keys and a `~` base topic, as Tasmota sends them
    "name": "Kitchen Plug", "~": "tasmota_ABC123/", "cmd_t": "cmnd/~POWER", "stat_t": "stat/~RESULT",
    "val_tpl": "{{value_json.POWER}}", "pl_off": "OFF", "pl_on": "ON", "avty_t": "tele/~LWT",
    "pl_avail": "Online", "pl_not_avail": "Offline", "uniq_id": "ABC123_RL_1",
    "dev": {"ids": ["ABC123"], "name": "Kitchen Plug"},
}
ESPHOME_STRIP = {
    "name": "RGB Strip", "schema": "json", "stat_t": "livingroom/light/rgb_strip/state",
    "cmd_t": "livingroom/light/rgb_strip/command", "avty_t": "livingroom/status", "brightness": True,
    "supported_color_modes": ["rgb"], "uniq_id": "espRGBstrip",
    "dev": {"ids": "24a160", "name": "livingroom", "suggested_area": "Living room"},
}
GARAGE = {
    "name": "Garage Door", "cmd_t": "garage/cmd", "stat_t": "garage/state", "pos_t": "garage/position",
    "set_pos_t": "garage/set_position", "pl_open": "OPEN", "pl_cls": "CLOSE", "stat_open": "open",
    "stat_clsd": "closed", "dev_cla": "garage",
}
LOCK = {"name": "Front Door", "cmd_t": "lock/front/set", "stat_t": "lock/front/state"}
THERMOSTAT = {
    "name": "Hall Thermostat", "mode_cmd_t": "hall/thermostat/mode/set", "mode_stat_t": "hall/thermostat/mode",
    "temp_cmd_t": "hall/thermostat/target/set", "temp_stat_t": "hall/thermostat/target",
    "curr_temp_t": "hall/thermostat/current", "modes": ["off", "heat"], "min_temp": 10, "max_temp": 28,
}
GARDEN_SENSOR = {
    "name": "Garden Temperature", "stat_t": "tele/garden/SENSOR",
    "val_tpl": "{{ value_json.DS18B20.Temperature | round(1) }}", "dev_cla": "temperature", "unit_of_meas": "°C",
}
PORCH_MOTION = {"name": "Porch Motion", "stat_t": "porch/motion", "pl_on": "1", "pl_off": "0", "dev_cla": "motion"}
BATH_FAN = {"name": "Bathroom Fan", "cmd_t": "fan/set", "stat_t": "fan/state", "pct_cmd_t": "fan/speed/set",
            "pct_stat_t": "fan/speed", "spd_rng_max": 3}


def parse(component: str, config: dict[str, Any], object_id: str = "thing") -> Binding:
    binding = parse_config(f"homeassistant/{component}/{object_id}/config", config)
    assert binding is not None
    return binding


def test_tasmota_switch() -> None:
    plug = parse("switch", TASMOTA_PLUG, "ABC123_RL_1")
    assert (plug.device.id, plug.device.name, plug.device.kind) == ("abc123_rl_1", "Kitchen Plug", Kind.SWITCH)
    assert plug.device.topic == "stat/tasmota_ABC123/RESULT"
    assert plug.readers["stat/tasmota_ABC123/RESULT"](b'{"POWER":"ON"}') == {"state": "on"}
    assert plug.command({"state": "off"}) == [("cmnd/tasmota_ABC123/POWER", b"OFF")]
    available = plug.availability["tele/tasmota_ABC123/LWT"]
    assert (available(b"Online"), available(b"Offline"), available(b"?")) == (True, False, None)


def test_esphome_json_light() -> None:
    strip = parse("light", ESPHOME_STRIP, "rgb_strip")
    assert (strip.device.kind, strip.device.features, strip.device.area) == (
        Kind.LIGHT, ["brightness", "color"], "living_room")
    read = strip.readers["livingroom/light/rgb_strip/state"]
    assert read(b'{"state":"ON","brightness":128,"color_mode":"rgb","color":{"r":0,"g":0,"b":255}}') == {
        "state": "on", "brightness": 50, "color": "blue"}
    [(topic, payload)] = strip.command({"brightness": 100, "color": "red"})
    assert topic == "livingroom/light/rgb_strip/command"
    assert json.loads(payload) == {"state": "ON", "brightness": 255, "color": {"r": 255, "g": 0, "b": 0}}
    assert strip.expected({"brightness": 100, "color": "red"}) == {"state": "on", "brightness": 100, "color": "red"}


def test_json_light_colour_modes_and_kelvin() -> None:
    xy = parse("light", {**ESPHOME_STRIP, "supported_color_modes": ["xy", "color_temp"]})
    body = json.loads(xy.command({"color": "blue", "color_temp": 2700})[0][1])
    assert body["color"] == {"x": 0.15, "y": 0.06} and body["color_temp"] == 370
    assert xy.device.features == ["brightness", "color_temp", "color"]
    hs = parse("light", {**ESPHOME_STRIP, "supported_color_modes": ["hs"], "color_temp_kelvin": True})
    assert json.loads(hs.command({"color": "blue"})[0][1])["color"] == {"h": 240.0, "s": 100.0}
    assert hs.readers[hs.device.topic](b'{"color_temp": 2700, "color": {"h": 0, "s": 100}}') == {
        "color_temp": 2700, "color": "red"}


def test_cover_lock_climate() -> None:
    garage = parse("cover", GARAGE)
    assert garage.device.features == ["position"] and garage.device.device_class == "garage"
    assert garage.readers["garage/state"](b"closing") == {"state": "closed"}
    assert garage.readers["garage/position"](b"40") == {"position": 40}
    assert garage.command({"state": "open"}) == [("garage/cmd", b"OPEN")]
    assert garage.command({"position": 25}) == [("garage/set_position", b"25")]
    assert garage.expected({"state": "open"}) == {"state": "open"}

    lock = parse("lock", LOCK)
    assert lock.readers["lock/front/state"](b"UNLOCKED") == {"state": "unlocked"}
    assert lock.command({"state": "locked"}) == [("lock/front/set", b"LOCK")]

    thermostat = parse("climate", THERMOSTAT)
    device = thermostat.device
    assert (device.modes, device.min_temp, device.max_temp) == (["off", "heat"], 10.0, 28.0)
    assert thermostat.readers["hall/thermostat/current"](b"19.5") == {"current_temperature": 19.5}
    assert thermostat.readers["hall/thermostat/mode"](b"cool") == {}
    assert thermostat.command({"mode": "heat", "target_temperature": 21.5}) == [
        ("hall/thermostat/mode/set", b"heat"), ("hall/thermostat/target/set", b"21.5")]


def test_fan_speeds_are_coarse_and_the_expectation_says_so() -> None:
    fan = parse("fan", BATH_FAN)
    assert fan.command({"state": "on", "percentage": 50}) == [("fan/set", b"ON"), ("fan/speed/set", b"2")]
    assert fan.readers["fan/speed"](b"2") == {"percentage": 66}  # Home Assistant's ranged_value_to_percentage
    assert fan.expected({"percentage": 50}) == {"percentage": 66}


def test_sensors_with_templates() -> None:
    garden = parse("sensor", GARDEN_SENSOR)
    assert (garden.device.device_class, garden.device.unit) == ("temperature", "C")
    payload = b'{"Time":"2026-11-24T10:00:00","DS18B20":{"Id":"0316","Temperature":6.5},"TempUnit":"C"}'
    assert garden.readers["tele/garden/SENSOR"](payload) == {"value": 6.5}
    assert garden.readers["tele/garden/SENSOR"](b'{"Time":"x"}') == {}
    with pytest.raises(ValueError):
        garden.readers["tele/garden/SENSOR"](b"not json")
    motion = parse("binary_sensor", PORCH_MOTION)
    assert motion.readers["porch/motion"](b"1") == {"state": "on"}
    assert motion.readers["porch/motion"](b"2") == {}


@pytest.mark.parametrize(("topic", "payload"), [
    ("homeassistant/camera/door/config", {"name": "Door camera", "topic": "cam/door"}),
    ("homeassistant/sensor/plug/linkquality/config",
     {"name": "Link quality", "stat_t": "z/plug", "ent_cat": "diagnostic"}),
    ("homeassistant/switch/config", {"name": "bad topic"}),
    ("homeassistant/switch/plug/config", ["not", "a", "dict"]),
])
def test_what_homebody_does_not_model_is_skipped(topic: str, payload: Any) -> None:
    assert parse_config(topic, payload) is None


def test_node_id_and_availability_list() -> None:
    config = {"name": None, "stat_t": "~/state", "cmd_t": "~/set", "~": "shelly/plug1",
              "avty": [{"t": "~/online", "pl_avail": "true", "pl_not_avail": "false"}],
              "dev": {"name": "Desk Plug"}}
    binding = parse_config("homeassistant/switch/shelly_plug1/relay_0/config", config)
    assert binding is not None
    assert (binding.device.id, binding.device.name) == ("shelly_plug1_relay_0", "Desk Plug")
    assert binding.availability["shelly/plug1/online"](b"false") is False


def test_expand_and_render() -> None:
    assert expand({"~": "base", "stat_t": "~/state", "name": "x"}) == {"state_topic": "base/state", "name": "x"}
    assert render_value("{{ value_json['a'].b }}", '{"a": {"b": 3}}') == "3"
    assert render_value("{{ value }}", "12") == "12"
    assert render_value(None, "raw") == "raw"


def test_discovered_devices_are_controlled_over_a_real_broker(fresh_amqtt_broker: BrokerAddress) -> None:
    """A Tasmota-like plug announced by discovery joins the registry and confirms commands."""
    address = fresh_amqtt_broker
    plug = MqttConnection(address.settings(), client_id="fake-tasmota", status_topic=None)

    def obey(_topic: str, payload: bytes, _retained: bool) -> None:
        plug.publish("stat/tasmota_ABC123/RESULT", json.dumps({"POWER": payload.decode()}), qos=0, retain=True)

    plug.subscribe("cmnd/tasmota_ABC123/POWER", obey)
    plug.connect()
    try:
        plug.publish("homeassistant/switch/ABC123_RL_1/config", TASMOTA_PLUG, retain=True, wait=1.0)
        plug.publish("stat/tasmota_ABC123/RESULT", '{"POWER":"OFF"}', retain=True, wait=1.0)
        with DeviceRuntime.start(address.settings(), load_household(), virtual=True) as runtime:
            deadline = time.monotonic() + 2
            while runtime.registry.state("abc123_rl_1") != {"state": "off"} and time.monotonic() < deadline:
                time.sleep(0.01)
            assert runtime.registry.device("abc123_rl_1").name == "Kitchen Plug"
            outcome = runtime.controller.set("abc123_rl_1", {"state": "on"})
            assert (outcome.status, outcome.state) == ("confirmed", {"state": "on"})
    finally:
        plug.close()
