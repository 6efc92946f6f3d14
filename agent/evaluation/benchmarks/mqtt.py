"""MQTT benchmarks: command → confirmed state over loopback, and state messages absorbed per second.

Runs the reference home as a virtual home on the embedded amqtt broker, or on a mosquitto it
starts itself (`broker="mosquitto"`, when installed) to keep the comparison honest.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devices.outcome import Status
from devices.settings import MqttSettings
from agent.evaluation.cases import percentiles
from devices.household import Household, load_household
from devices.model import Kind
from devices.runtime import DeviceRuntime
from agent.evaluation.benchmarks import SHARED_EVAL



def run(home_path: str | Path | None = None, broker: str = "amqtt", commands: int = 200,
        messages: int = 5000) -> dict[str, Any]:
    """`mqtt_confirm_ms` over `commands` confirmed commands; `mqtt_ingest_msgs_per_s` over `messages` states."""
    default = SHARED_EVAL / "home.toml"
    household = load_household(home_path or (default if default.exists() else None))
    with _broker(broker) as settings, DeviceRuntime.start(settings, household, virtual=True) as runtime:
        return {
            "mqtt_confirm_ms": _confirm(runtime, household, commands),
            "mqtt_ingest_msgs_per_s": _ingest(runtime, household, messages),
        }


def _confirm(runtime: DeviceRuntime, household: Household, commands: int) -> dict[str, float]:
    """Toggle the lights one by one, so that every command is a real change the device must report."""
    lights = [d.id for d in household.devices if d.kind is Kind.LIGHT]
    samples = []
    for index in range(commands):
        device_id = lights[index % len(lights)]
        state = "off" if runtime.registry.state(device_id).get("state") == "on" else "on"
        started = time.perf_counter()
        outcome = runtime.controller.set(device_id, {"state": state})
        samples.append((time.perf_counter() - started) * 1000)
        if outcome.status != Status.CONFIRMED:
            raise RuntimeError(f"{device_id} was not confirmed: {outcome.status} {outcome.message}")
    return percentiles(samples)


def _ingest(runtime: DeviceRuntime, household: Household, messages: int) -> float:
    """Sensor readings published flat out by another process: the rate at which the registry takes them in.

    The publisher is a separate process, as real devices are, so that it does not compete with
    the broker and the assistant for this process's GIL.
    """
    sensors = [d for d in household.devices if d.kind is Kind.SENSOR]
    topics = [(d.topic, d.device_class or "value") for d in sensors]
    before = sum(runtime.link.reports(d.id) for d in sensors)

    def received() -> int:
        return sum(runtime.link.reports(d.id) for d in sensors) - before

    where = runtime.connection
    publisher = subprocess.Popen([sys.executable, "-c", _PUBLISHER, where.host, str(where.port), str(messages),
                                  json.dumps(topics)])
    try:
        store = runtime.registry.states
        store.wait_for(lambda: received() > 0, 30.0)
        first = time.perf_counter()
        store.wait_for(lambda: received() >= messages, 60.0)
        elapsed = time.perf_counter() - first
    finally:
        publisher.wait(30)
    return round((received() - 1) / elapsed, 1) if elapsed > 0 else 0.0


_PUBLISHER = """
import json, sys
import paho.mqtt.client as mqtt
host, port, count, topics = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="homebody-bench-ingest")
client.connect(host, port)
client.loop_start()
for index in range(count):
    topic, key = topics[index % len(topics)]
    client.publish(topic, json.dumps({key: index / 10}), qos=0)
client.publish("homebody/bench/done", b"", qos=1).wait_for_publish(60)
client.disconnect()
client.loop_stop()
"""


@contextmanager
def _broker(name: str) -> Iterator[MqttSettings]:
    """Settings for the broker to measure: empty host for the embedded amqtt, or a private mosquitto."""
    if name == "amqtt":
        yield MqttSettings()
        return
    if name != "mosquitto" or not shutil.which("mosquitto"):
        raise ValueError(f"broker must be amqtt or mosquitto (installed), not {name!r}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "mosquitto.conf"
        config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                          "set_tcp_nodelay true\n", encoding="utf-8")
        process = subprocess.Popen(["mosquitto", "-c", str(config)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        try:
            _wait_for_port(port)
            yield MqttSettings(host="127.0.0.1", port=port)
        finally:
            process.terminate()
            process.wait(5)


def _wait_for_port(port: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)
