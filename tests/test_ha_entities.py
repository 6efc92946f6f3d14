"""Home Assistant MQTT semantics for discovered entities: templates both ways, shared topics, device-based
discovery, availability lists, and each device's own ranges. Small configs of the shapes real firmwares send."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from brokers import BrokerAddress, eventually

from devices.binding import Binding
from devices.ha_config import entity_configs
from devices.ha_discovery import parse_config, parse_discovery
from devices.household import HomeInfo, Household
from devices.model import Kind
from devices.mqtt import MqttConnection
from devices.registry import Registry
from devices.runtime import DeviceRuntime


def parse(component: str, config: dict[str, Any], object_id: str = "thing") -> Binding:
    binding = parse_config(f"homeassistant/{component}/{object_id}/config", config)
    assert binding is not None
    return binding


def read(binding: Binding, topic: str, payload: Any) -> dict[str, Any]:
    return binding.readers[topic](payload if isinstance(payload, bytes) else json.dumps(payload).encode())


# ---- command templates ---------------------------------------------------------------------------

MODE_FAN = {  # a fan whose speeds are words, as bridges announce fans driven by a mode enum
    "name": "Attic fan", "cmd_t": "attic/fan/set/state", "stat_t": "attic/fan", "stat_val_tpl": "{{ value_json.on }}",
    "pct_cmd_t": "attic/fan/set/mode", "pct_stat_t": "attic/fan",
    "pct_cmd_tpl": "{{ {0: 'off', 1: 'slow', 2: 'fast'}[value] | default('') }}",
    "pct_val_tpl": "{{ {'off': 0, 'slow': 1, 'fast': 2}[value_json.mode] | default('None') }}",
    "spd_rng_min": 1, "spd_rng_max": 2, "pl_on": "true", "pl_off": "false",
}


@pytest.mark.parametrize(("percentage", "word", "reads_back"), [(1, "slow", 50), (50, "slow", 50), (51, "fast", 100),
                                                                  (100, "fast", 100)])
def test_fan_speeds_go_through_the_percentage_templates(percentage: int, word: str, reads_back: int) -> None:
    fan = parse("fan", MODE_FAN)
    assert fan.command({"percentage": percentage}) == [("attic/fan/set/mode", word.encode())]
    assert fan.expected({"percentage": percentage}) == {"percentage": reads_back}
    assert read(fan, "attic/fan", {"on": "true", "mode": word}) == {"state": "on", "percentage": reads_back}


def test_a_fan_at_zero_is_switched_off_and_an_unknown_speed_is_no_speed() -> None:
    fan = parse("fan", MODE_FAN)
    assert fan.command({"percentage": 0}) == [("attic/fan/set/state", b"false")]
    assert read(fan, "attic/fan", {"on": "false", "mode": "boost"}) == {"state": "off"}


def test_climate_mode_and_setpoint_templates() -> None:
    radiator = parse("climate", {
        "mode_cmd_t": "trv/set", "mode_stat_t": "trv", "modes": ["off", "heat", "auto"],
        "mode_cmd_tpl": '{% set v = {"auto": "schedule", "heat": "manual", "off": "pause"} %}'
                        '{"operating_mode": "{{ v[value] }}"}',
        "mode_stat_tpl": "{% set v = {'schedule': 'auto', 'manual': 'heat', 'pause': 'off'} %}"
                         "{{ v[value_json.operating_mode] }}",
        "temp_cmd_t": "trv/set", "temp_cmd_tpl": '{"setpoint": {{ value }}}', "temp_stat_t": "trv",
        "temp_stat_tpl": "{{ value_json.setpoint }}", "curr_temp_t": "trv", "curr_temp_tpl": "{{ value_json.local }}",
        "min_temp": "5", "max_temp": "30"})
    assert (radiator.device.min_temp, radiator.device.max_temp) == (5.0, 30.0)
    assert radiator.command({"mode": "heat", "target_temperature": 21.5}) == [
        ("trv/set", b'{"operating_mode": "manual"}'), ("trv/set", b'{"setpoint": 21.5}')]
    assert read(radiator, "trv", {"operating_mode": "schedule", "setpoint": 19, "local": 18.5}) == {
        "mode": "auto", "target_temperature": 19.0, "current_temperature": 18.5}


def test_cover_position_template_sees_the_position() -> None:
    vent = parse("cover", {"cmd_t": "vent/set", "set_pos_t": "vent/set", "set_pos_tpl": '{"position": {{ position }}}',
                           "pos_t": "vent", "pos_tpl": "{{ value_json.position }}", "stat_t": "vent",
                           "val_tpl": "{{ value_json.state }}", "stat_open": "OPEN", "stat_clsd": "CLOSE"})
    assert vent.command({"position": 30}) == [("vent/set", b'{"position": 30}')]
    assert vent.command({"state": "closed"}) == [("vent/set", b"CLOSE")]
    assert read(vent, "vent", {"state": "CLOSE", "position": 0}) == {"state": "closed", "position": 0}


def test_switch_and_lock_command_templates_get_the_payload_word() -> None:
    relay = parse("switch", {"cmd_t": "relay/cmd", "stat_t": "relay/state", "cmd_tpl": '{"POWER": "{{ value }}"}'})
    assert relay.command({"state": "on"}) == [("relay/cmd", b'{"POWER": "ON"}')]
    lock = parse("lock", {"cmd_t": "door/cmd", "stat_t": "door", "cmd_tpl": '{"action": "{{ value | lower }}"}'})
    assert lock.command({"state": "unlocked"}) == [("door/cmd", b'{"action": "unlock"}')]


# ---- value templates -------------------------------------------------------------------------------

def test_a_lights_value_template_is_the_template_of_each_of_its_values() -> None:
    """Home Assistant's default-schema light applies value_template wherever no per-value template is set."""
    lamp = parse("light", {"cmd_t": "cmnd/lamp/POWER", "stat_t": "stat/lamp/RESULT",
                           "val_tpl": "{{ value_json.POWER }}",
                           "bri_cmd_t": "cmnd/lamp/Dimmer", "bri_stat_t": "stat/lamp/RESULT", "bri_scl": 100,
                           "bri_val_tpl": "{{ value_json.Dimmer }}"})
    assert read(lamp, "stat/lamp/RESULT", {"POWER": "ON", "Dimmer": 40}) == {"state": "on", "brightness": 40}


def test_a_basic_light_told_a_brightness_is_told_on_as_its_on_command_type_says() -> None:
    config = {"cmd_t": "l/power", "stat_t": "l/state", "bri_cmd_t": "l/dim", "bri_scl": 100}
    assert parse("light", config).command({"brightness": 30}) == [("l/dim", b"30"), ("l/power", b"ON")]
    assert parse("light", {**config, "on_cmd_type": "first"}).command({"brightness": 30}) == [
        ("l/power", b"ON"), ("l/dim", b"30")]
    assert parse("light", {**config, "on_cmd_type": "brightness"}).command({"brightness": 30}) == [("l/dim", b"30")]
    assert parse("light", config).command({"brightness": 0}) == [("l/power", b"OFF")]


@pytest.mark.parametrize(("config", "kelvin", "sent"), [
    ({"schema": "json", "cmd_t": "b/set", "stat_t": "b", "sup_clrm": ["color_temp"], "min_mirs": 250, "max_mirs": 454},
     6500, {"state": "ON", "color_temp": 250}),
    ({"schema": "json", "cmd_t": "b/set", "stat_t": "b", "sup_clrm": ["color_temp"], "min_mirs": 250, "max_mirs": 454},
     2000, {"state": "ON", "color_temp": 454}),
    ({"schema": "json", "cmd_t": "b/set", "stat_t": "b", "sup_clrm": ["color_temp"], "color_temp_kelvin": True,
      "min_kelvin": 2700, "max_kelvin": 5000}, 6500, {"state": "ON", "color_temp": 5000}),
])
def test_colour_temperature_is_clamped_to_the_lights_own_range(config: dict[str, Any], kelvin: int,
                                                              sent: dict[str, Any]) -> None:
    bulb = parse("light", config)
    [(_topic, payload)] = bulb.command({"color_temp": kelvin})
    assert json.loads(payload) == sent
    assert bulb.expected({"color_temp": kelvin})["color_temp"] != kelvin  # the clamped value is what it reports


# ---- shared topics and device-based discovery ------------------------------------------------------

ROCKERS = [("homeassistant/switch/0x42/switch_left/config",
            {"name": "Left", "cmd_t": "z/wall/left/set", "stat_t": "z/wall", "val_tpl": "{{ value_json.state_left }}",
             "obj_id": "wall_left", "dev": {"ids": ["z_0x42"], "name": "wall"}}),
           ("homeassistant/switch/0x42/switch_right/config",
            {"name": "Right", "cmd_t": "z/wall/right/set", "stat_t": "z/wall",
             "val_tpl": "{{ value_json.state_right }}",
             "obj_id": "wall_right", "dev": {"ids": ["z_0x42"], "name": "wall"}})]


def test_entities_sharing_a_state_topic_stay_separate_devices_each_reading_its_own_value() -> None:
    registry = Registry()
    left, right = (parse_discovery(topic, config)[0] for topic, config in ROCKERS)
    assert registry.add_discovered(left.device) is left.device
    assert registry.add_discovered(right.device) is right.device
    assert sorted(registry.devices) == ["wall_left", "wall_right"]
    assert (left.device.name, right.device.name) == ("wall Left", "wall Right")
    payload = {"state_left": "ON", "state_right": "OFF"}
    assert (read(left, "z/wall", payload), read(right, "z/wall", payload)) == ({"state": "on"}, {"state": "off"})


DEVICE_CONFIG = {
    "dev": {"ids": "ea33", "name": "Pantry"}, "o": {"name": "bla2mqtt"}, "stat_t": "pantry/state", "qos": 1,
    "avty_t": "pantry/online",
    "cmps": {"t": {"p": "sensor", "dev_cla": "temperature", "unit_of_meas": "°C", "val_tpl": "{{ value_json.t }}"},
             "h": {"p": "sensor", "dev_cla": "humidity", "unit_of_meas": "%", "val_tpl": "{{ value_json.h }}"},
             "fan": {"p": "fan", "cmd_t": "pantry/fan/set", "stat_t": "pantry/fan"},
             "gone": {"p": "sensor"}, "cam": {"p": "camera", "t": "pantry/cam"}},
}


def test_device_based_discovery_gives_each_component_with_the_shared_options() -> None:
    found = {b.device.id: b for b in parse_discovery("homeassistant/device/ea33/config", DEVICE_CONFIG)}
    assert set(found) == {"ea33_t", "ea33_h", "ea33_fan"}  # no topic to read: "gone"; not modelled: the camera
    temperature, humidity, fan = found["ea33_t"], found["ea33_h"], found["ea33_fan"]
    assert (temperature.device.name, temperature.device.unit, temperature.device.kind) == (
        "Pantry temperature", "C", Kind.SENSOR)
    assert read(temperature, "pantry/state", {"t": 4.5, "h": 80}) == {"value": 4.5}
    assert read(humidity, "pantry/state", {"t": 4.5, "h": 80}) == {"value": 80}
    assert list(fan.readers) == ["pantry/fan"]  # its own state topic wins over the shared one
    assert set(temperature.availability) == set(fan.availability) == {"pantry/online"}


def test_a_device_config_component_inherits_only_what_home_assistant_shares() -> None:
    [entity] = entity_configs("homeassistant/device/n1/config",
                              {"dev": {"name": "x"}, "stat_t": "s", "name": "not shared", "val_tpl": "{{ 1 }}",
                               "cmps": {"a": {"p": "binary_sensor", "dev_cla": "door"}}})
    assert (entity.component, entity.object_id) == ("binary_sensor", "n1_a")
    assert entity.config["state_topic"] == "s" and "name" not in entity.config and "value_template" not in entity.config


# ---- availability ----------------------------------------------------------------------------------

AVAILABILITY = [{"t": "bridge/state", "val_tpl": "{{ value_json.state }}"},
                {"t": "plug/LWT", "pl_avail": "Online", "pl_not_avail": "Offline"}]


@pytest.mark.parametrize(("mode", "bridge", "lwt", "online"), [
    ("all", "online", "Offline", False), ("all", "online", "Online", True),
    ("any", "offline", "Online", True), ("any", "offline", "Offline", False),
    ("latest", "offline", "Online", True), (None, "online", "Offline", False),
])
def test_availability_lists_follow_the_availability_mode(fresh_amqtt_broker: BrokerAddress, mode: str | None,
                                                        bridge: str, lwt: str, online: bool) -> None:
    config = {"name": "Plug", "cmd_t": "plug/set", "stat_t": "plug/state", "avty": AVAILABILITY, "obj_id": "plug",
              **({"avty_mode": mode} if mode else {})}
    household = Household(HomeInfo(name="Test", timezone="UTC"), [], [], [])
    with (DeviceRuntime.start(fresh_amqtt_broker.settings(), household, virtual=False) as runtime,
          MqttConnection(fresh_amqtt_broker.settings(), client_id="plug", status_topic=None) as plug):
        plug.publish("homeassistant/switch/plug/config", config, retain=True, wait=2.0)
        assert eventually(lambda: "plug" in runtime.registry.devices)
        time.sleep(0.1)  # the availability subscriptions are live once the device is bound
        plug.publish("bridge/state", {"state": bridge}, wait=2.0)
        plug.publish("plug/LWT", lwt, wait=2.0)
        assert plug.sync() and runtime.connection.sync()
        assert runtime.registry.states.is_online("plug") is online


def test_zigbee2mqtts_bridge_going_offline_takes_its_devices_with_it(fresh_amqtt_broker: BrokerAddress,
                                                                    maple_home: Household) -> None:
    with DeviceRuntime.start(fresh_amqtt_broker.settings(), maple_home, virtual=True) as runtime:
        assert runtime.virtual_home is not None
        runtime.virtual_home.connection.publish("zigbee2mqtt/bridge/state", {"state": "offline"}, retain=True, wait=2.0)
        assert eventually(lambda: not runtime.registry.states.is_online("garage_light"))
        outcome = runtime.controller.set("garage_light", {"state": "on"})
        assert outcome.status == "offline"
        runtime.virtual_home.connection.publish("zigbee2mqtt/bridge/state", "online", retain=True, wait=2.0)
        assert eventually(lambda: runtime.registry.states.is_online("garage_light"))


def test_a_config_is_refused_for_a_broken_template_homebody_renders_not_for_one_it_never_does() -> None:
    config = {"cmd_t": "p/set", "stat_t": "p/state",
              "json_attributes_template": "{% for a in value_json %}{% for b in a %}{{ b }}{% endfor %}{% endfor %}"}
    assert parse("switch", config).command({"state": "on"}) == [("p/set", b"ON")]
    with pytest.raises(ValueError, match="does not compile"):
        parse("switch", {**config, "val_tpl": "{{ value_json.POWER"})
