"""The device layer over real brokers: closed-loop commands, faults, reconnects, garbage, credentials."""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable, Iterator

import paho.mqtt.client as paho
import pytest

from agent.config import MqttSettings
from devices.errors import BrokerUnavailable
from devices.household import Household
from devices.model import Device, Kind
from devices.mqtt import MqttConnection
from devices.runtime import DeviceRuntime
from devices.virtual_home import VirtualHome
from brokers import BrokerAddress, Mosquitto, eventually, spy
from helpers import household


@pytest.fixture
def runtime(broker: BrokerAddress, maple_home: Household) -> Iterator[DeviceRuntime]:
    with DeviceRuntime.start(broker.settings(), maple_home, virtual=True) as started:
        yield started





def test_command_is_confirmed_by_the_reported_state(runtime: DeviceRuntime) -> None:
    outcome = runtime.controller.set("kitchen_ceiling", {"state": "on", "brightness": 50, "color_temp": 2700})
    assert outcome.status == "confirmed"
    assert outcome.state == {"state": "on", "brightness": 50, "color_temp": 2700}
    assert runtime.virtual_home is not None
    assert runtime.virtual_home.state("kitchen_ceiling") == outcome.state


def test_runtime_starts_with_every_device_reported(runtime: DeviceRuntime, maple_home: Household) -> None:
    for device in maple_home.devices:
        assert runtime.registry.state(device.id) == device.initial, device.id
        assert runtime.registry.states.is_online(device.id)


def test_set_many_waits_for_all_devices_together(runtime: DeviceRuntime) -> None:
    """Three slow devices answer within one wait, not three in a row (sequential would take 1.5 s)."""
    assert runtime.virtual_home is not None
    for device_id in ("garage_light", "emma_ceiling", "hallway_light"):
        runtime.virtual_home.set_behaviour(device_id, delay=0.5)
    started = time.monotonic()
    outcomes = runtime.controller.set_many([(d, {"state": "on"}) for d in ("garage_light", "emma_ceiling",
                                                                          "hallway_light")])
    assert [o.status for o in outcomes] == ["confirmed"] * 3
    assert time.monotonic() - started < 1.3


def test_device_that_never_answers_times_out_and_says_so(runtime: DeviceRuntime) -> None:
    assert runtime.virtual_home is not None
    runtime.virtual_home.set_behaviour("garage_light", silent=True)
    runtime.controller.confirm_timeout = 0.3
    started = time.monotonic()
    outcome = runtime.controller.set("garage_light", {"state": "on"})
    assert time.monotonic() - started >= 0.3
    assert (outcome.status, outcome.message) == ("timed_out", "Garage light didn't respond")
    assert outcome.state == {"state": "off"}


def test_offline_device_is_not_commanded(runtime: DeviceRuntime, broker: BrokerAddress) -> None:
    assert runtime.virtual_home is not None
    runtime.virtual_home.set_behaviour("sprinklers", offline=True)
    assert eventually(lambda: not runtime.registry.states.is_online("sprinklers"))
    with spy(broker, "zigbee2mqtt/+/set", "zigbee2mqtt/spy/set") as commands:
        outcome = runtime.controller.set("sprinklers", {"state": "on"})
        time.sleep(0.05)
    assert (outcome.status, outcome.message) == ("offline", "Sprinklers is offline")
    assert commands == []


def test_next_track_is_acknowledged_by_a_fresh_report(runtime: DeviceRuntime) -> None:
    outcome = runtime.controller.media("tv", "next")
    assert outcome.status == "confirmed"
    assert runtime.controller.media("tv", "rewind").status == "rejected"
    assert runtime.controller.media("kitchen_ceiling", "next").status == "rejected"


def test_invalid_changes_never_reach_the_broker(runtime: DeviceRuntime) -> None:
    assert runtime.controller.set("hallway_light", {"brightness": 50}).status == "rejected"
    assert runtime.controller.set("living_thermostat", {"target_temperature": 80}).status == "refused"
    assert runtime.controller.set("no_such_device", {"state": "on"}).status == "rejected"


def test_virtual_device_refuses_what_it_cannot_do(runtime: DeviceRuntime, broker: BrokerAddress) -> None:
    with spy(broker, "zigbee2mqtt/bridge/logging", "zigbee2mqtt/bridge/logging") as errors:
        runtime.connection.publish("zigbee2mqtt/hallway_light/set", {"brightness": 50})
        assert eventually(lambda: bool(errors))
    assert b"brightness" in errors[0][1]
    assert runtime.virtual_home is not None
    assert runtime.virtual_home.state("hallway_light") == {"state": "off"}


def test_reset_publishes_only_what_changed(runtime: DeviceRuntime, broker: BrokerAddress,
                                           maple_home: Household) -> None:
    runtime.controller.set("floor_lamp", {"state": "on"})
    with spy(broker, "zigbee2mqtt/+", "zigbee2mqtt/spy") as states:
        runtime.reset({"tv": {"state": "playing"}})
        time.sleep(0.05)
    assert sorted(topic for topic, _ in states) == ["zigbee2mqtt/floor_lamp", "zigbee2mqtt/tv"]
    assert runtime.registry.state("floor_lamp") == {"state": "off", "brightness": 60}
    assert runtime.registry.state("tv")["state"] == "playing"


def test_garbage_on_state_topics_is_ignored_and_logged_once(runtime: DeviceRuntime, broker: BrokerAddress,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    before = runtime.registry.state("kitchen_ceiling")
    garbage = [b"{not json", b"[1, 2]", b'{"state": 42, "brightness": "x"}', b"\xff\xfe", b'"ON"']
    with caplog.at_level(logging.WARNING, logger="devices.link"):
        for payload in garbage:
            runtime.connection.publish("zigbee2mqtt/kitchen_ceiling", payload, wait=1.0)
        runtime.connection.publish("zigbee2mqtt/kitchen_ceiling/availability", b"maybe", wait=1.0)
        outcome = runtime.controller.set("kitchen_ceiling", {"state": "on"})
    assert outcome.status == "confirmed"
    assert outcome.state == {**before, "state": "on"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if w.startswith("zigbee2mqtt/kitchen_ceiling:")]) == 1
    assert len([w for w in warnings if w.startswith("zigbee2mqtt/kitchen_ceiling/availability:")]) == 1


def test_client_reconnects_after_the_broker_restarts(mosquitto_factory: Callable[[str], Mosquitto],
                                                     maple_home: Household) -> None:
    mosquitto = mosquitto_factory("")
    with DeviceRuntime.start(mosquitto.address.settings(), maple_home, virtual=True) as runtime:
        assert runtime.controller.set("coffee_maker", {"state": "on"}).status == "confirmed"
        mosquitto.stop()
        assert eventually(lambda: not runtime.connection.connected)
        mosquitto.start()
        home = runtime.virtual_home
        assert home is not None
        assert eventually(lambda: runtime.connection.connected and home.connection.connected, timeout=5.0)
        outcome = runtime.controller.set("coffee_maker", {"state": "off"})
        assert outcome.status == "confirmed"


def test_rejected_credentials_are_named(mosquitto_factory: Callable[[str], Mosquitto], tmp_path: object,
                                        maple_home: Household) -> None:
    password_file = f"{tmp_path}/passwords"
    subprocess.run(["mosquitto_passwd", "-b", "-c", password_file, "alice", "s3cret"], check=True)
    mosquitto = mosquitto_factory(f"allow_anonymous false\npassword_file {password_file}\n")
    address = mosquitto.address
    with pytest.raises(BrokerUnavailable, match=rf"the broker at 127.0.0.1:{address.port} refused the username/pa"):
        MqttConnection(address.settings(username="alice", password="wrong")).connect()
    with pytest.raises(BrokerUnavailable, match="refused the username/password"):
        DeviceRuntime.start(address.settings(), maple_home, virtual=False)
    with MqttConnection(address.settings(username="alice", password="s3cret")) as connection:
        assert connection.connected


def test_unreachable_broker_is_named() -> None:
    with pytest.raises(BrokerUnavailable, match=r"cannot reach the MQTT broker at 127.0.0.1:1\b"):
        MqttConnection(MqttSettings(host="127.0.0.1", port=1)).connect()


def test_status_topic_says_online_then_offline(broker: BrokerAddress) -> None:
    with spy(broker, "homebody/status", "homebody/status") as status:
        with MqttConnection(broker.settings(), client_id="status-test"):
            assert eventually(lambda: (b"online" in [p for _, p in status]))
        assert eventually(lambda: status[-1][1] == b"offline")


def test_devices_are_discovered_from_the_bridge(fresh_amqtt_broker: BrokerAddress, maple_home: Household) -> None:
    shed = Device(id="shed_light", name="Shed light", kind=Kind.LIGHT, features=["brightness"],
                  initial={"state": "off", "brightness": 10})
    with (VirtualHome([*maple_home.devices, shed], fresh_amqtt_broker.host, fresh_amqtt_broker.port),
          DeviceRuntime.start(fresh_amqtt_broker.settings(), maple_home, virtual=False) as runtime):
        assert eventually(lambda: runtime.registry.state("shed_light") == shed.initial)
        assert runtime.registry.device("shed_light").features == ["brightness"]
        assert runtime.controller.set("shed_light", {"brightness": 70}).status == "confirmed"


@pytest.mark.parametrize("name", ["maple", "example", "hazel", "tiny"])
def test_the_embedded_runtime_is_ready_with_every_state_when_start_returns(name: str) -> None:
    """How fast it starts is measured by `homebody bench` (cold_start_s), not asserted here."""
    home = household(name)
    with DeviceRuntime.start(MqttSettings(), home) as runtime:
        assert runtime.virtual_home is not None and runtime.broker is not None
        assert not runtime.link.wait_reported([d.id for d in home.devices], 0)


def test_embedded_broker_sends_retained_messages_only_for_a_clients_own_filters(
        fresh_amqtt_broker: BrokerAddress) -> None:
    """amqtt 0.12.1 sends every retained message anyone subscribed to, to each new client (fixed here)."""
    with spy(fresh_amqtt_broker, "lamp/#", "lamp/probe"):
        publisher = MqttConnection(fresh_amqtt_broker.settings(), status_topic=None)
        with publisher:
            publisher.publish("lamp/state", b"ON", retain=True, wait=1.0)
        newcomer = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id="newcomer")
        received: list[str] = []
        newcomer.on_message = lambda _client, _userdata, message: received.append(message.topic)
        newcomer.connect(fresh_amqtt_broker.host, fresh_amqtt_broker.port)
        newcomer.loop_start()
        time.sleep(0.2)
        newcomer.disconnect()
        newcomer.loop_stop()
    assert received == []
