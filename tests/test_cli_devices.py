"""`homebody devices`, `state` and `set` show what is known: the running homebody's home when one runs on
the embedded defaults, a fresh simulated home said plainly when none does, and "unknown" for a device
of a real broker that has reported nothing. Real processes, real brokers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from brokers import BrokerAddress, Mosquitto
from processes import Terminal, homebody, homebody_env

from agent.cli.devices import EXAMPLE_SET
from agent.cli.instance import RunningInstance, advertised, instance_file, running_instance
from agent.cli.main import build_parser
from devices.household import load_household


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Terminal]:
    """`homebody run --text` on the embedded defaults, ready."""
    with Terminal("run", "--text", env=homebody_env(tmp_path)) as terminal:
        terminal.wait_for("you> ")
        yield terminal


def test_devices_state_and_set_act_on_the_home_the_running_homebody_runs(running: Terminal, tmp_path: Path):
    env = homebody_env(tmp_path)
    done = homebody("set", "kettle", "state=on", env=env)
    assert done.returncode == 0 and done.stdout.startswith("kettle: confirmed"), done.stderr
    listed = homebody("devices", "--json", env=env)
    assert listed.returncode == 0 and "fresh simulated home" not in listed.stderr
    assert {row["id"]: row["state"] for row in json.loads(listed.stdout)}["kettle"] == {"state": "on"}
    assert json.loads(homebody("state", "kettle", env=env).stdout) == {"state": "on"}
    shown = running.wait_for("you> ")
    running.type("is the kettle on")
    running.wait_for("you> ", after=running.wait_for("the kettle is on", after=shown))


def test_without_a_running_homebody_they_say_it_is_a_fresh_simulated_home(tmp_path: Path):
    env = homebody_env(tmp_path)
    for args in (["devices"], ["state", "kettle"], ["set", "kettle", "state=on"]):
        done = homebody(*args, env=env)
        assert done.returncode == 0, done.stderr
        assert "no homebody is running for Birch Cottage" in done.stderr and "fresh simulated home" in done.stderr
    assert json.loads(homebody("state", "kettle", env=env).stdout) == {"state": "off"}


def test_the_running_homebody_is_recorded_while_it_runs_and_forgotten_when_it_stops(tmp_path: Path):
    env = homebody_env(tmp_path)
    record = tmp_path / "data" / "homebody" / "running-birch-cottage.json"
    with Terminal("run", "--text", env=env) as terminal:
        terminal.wait_for("you> ")
        instance = RunningInstance.from_json(json.loads(record.read_text()))
        assert (instance.pid, instance.home) == (terminal.process.pid, "Birch Cottage")
        terminal.type("quit")
        assert terminal.process.wait(30) == 0
    assert not record.exists()


def test_a_record_left_by_a_homebody_that_died_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with advertised(RunningInstance(2**22 + 1, "Birch Cottage", "127.0.0.1", 1)):  # no such process
        assert instance_file("Birch Cottage").exists()
        assert running_instance("Birch Cottage") is None
    assert not instance_file("Birch Cottage").exists()


@pytest.fixture(params=["amqtt", "mosquitto"])
def quiet_broker(request: pytest.FixtureRequest, fresh_amqtt_broker: BrokerAddress,
                 mosquitto_factory: Callable[[str], Mosquitto]) -> BrokerAddress:
    """A broker of the test's own, where no device has said anything yet."""
    return fresh_amqtt_broker if request.param == "amqtt" else mosquitto_factory("").address


def test_on_a_real_broker_a_device_that_reported_nothing_is_unknown(quiet_broker: BrokerAddress, tmp_path: Path):
    _retain(quiet_broker, {"zigbee2mqtt/kettle": {"state": "ON"}})
    env = homebody_env(tmp_path, HOMEBODY_MQTT_HOST=quiet_broker.host, HOMEBODY_MQTT_PORT=str(quiet_broker.port))
    listed = homebody("devices", env=env)
    assert listed.returncode == 0, listed.stderr
    shown = {line.split()[0]: line.split()[-1] for line in listed.stdout.splitlines()}
    assert shown.pop("kettle") == "state=on"
    assert set(shown.values()) == {"unknown"} and "fresh simulated home" not in listed.stderr
    silent = homebody("state", "sofa_lamp", env=env)
    assert silent.returncode == 1 and "sofa_lamp has reported no state: unknown" in silent.stderr


def _retain(broker: BrokerAddress, messages: dict[str, object]) -> None:
    publisher = paho.Client(paho.CallbackAPIVersion.VERSION2)
    publisher.connect(broker.host, broker.port)
    publisher.loop_start()
    for topic, payload in messages.items():
        publisher.publish(topic, json.dumps(payload), qos=1, retain=True).wait_for_publish(5)
    publisher.loop_stop()
    publisher.disconnect()


def test_devices_announced_on_the_broker_are_listed_with_their_states_at_once(quiet_broker: BrokerAddress,
                                                                             tmp_path: Path):
    """A household file with no devices: every device comes from what the broker retains, listed on the
    first run, however quickly the command would otherwise be done."""
    plug = {"ieee_address": "0x01", "type": "Router", "friendly_name": "Desk Plug", "supported": True,
            "disabled": False, "definition": {"exposes": [{"type": "switch", "features": [
                {"type": "binary", "name": "state", "property": "state", "access": 7,
                 "value_on": "ON", "value_off": "OFF"}]}]}}
    _retain(quiet_broker, {"zigbee2mqtt/bridge/devices": [plug], "zigbee2mqtt/Desk Plug": {"state": "ON"}})
    household = tmp_path / "household.toml"
    household.write_text('[home]\nname = "Bare Flat"\n')
    env = homebody_env(tmp_path, HOMEBODY_MQTT_HOST=quiet_broker.host, HOMEBODY_MQTT_PORT=str(quiet_broker.port),
                       HOMEBODY_HOUSEHOLD_FILE=str(household))
    listed = homebody("devices", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [(row["id"], row["kind"], row["state"]) for row in json.loads(listed.stdout)] == [
        ("desk_plug", "switch", {"state": "on"})]


def test_the_set_example_names_a_device_of_the_example_home():
    device = EXAMPLE_SET.split()[0]
    assert device in {d.id for d in load_household().devices}
    helps = {c.dest: c.help for c in build_parser()._subparsers._group_actions[0]._choices_actions}
    assert f"homebody set {EXAMPLE_SET}" in helps["set"]
