"""Brokers for tests: an address type, and mosquitto processes on free ports (fixtures in conftest.py)."""

from __future__ import annotations

import dataclasses
import threading
import getpass
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.config import MqttSettings
from devices.mqtt import MqttConnection


@dataclass
class BrokerAddress:
    name: str
    host: str
    port: int

    def settings(self, **overrides: Any) -> MqttSettings:
        """MQTT settings pointing at this broker; a short confirm timeout keeps tests quick."""
        return dataclasses.replace(MqttSettings(host=self.host, port=self.port, confirm_timeout=1.0), **overrides)


class Mosquitto:
    """A mosquitto process with its own config on a fixed free port; stop() and start() keep the port."""

    def __init__(self, directory: Path, extra_config: str = ""):
        self.port = _free_port()
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            # `user`: as root, mosquitto would otherwise switch to a user that cannot read the test's files.
            f"listener {self.port} 127.0.0.1\npersistence false\nset_tcp_nodelay true\nuser {getpass.getuser()}\n"
            + (extra_config or "allow_anonymous true\n"),
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> BrokerAddress:
        return BrokerAddress("mosquitto", "127.0.0.1", self.port)

    def start(self) -> None:
        self.process = subprocess.Popen(["mosquitto", "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"mosquitto did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(5)
            self.process = None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def eventually(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@contextmanager
def spy(address: BrokerAddress, topic_filter: str, probe: str, timeout: float = 2.0,
        **credentials: str) -> Iterator[list[tuple[str, bytes]]]:
    """Collect messages on a filter; `probe` (a topic it matches) proves the subscription is live first."""
    seen: list[tuple[str, bytes]] = []
    live = threading.Event()

    def record(topic: str, payload: bytes, _retained: bool) -> None:
        if payload == b"spy-probe":
            live.set()
        else:
            seen.append((topic, payload))

    connection = MqttConnection(address.settings(**credentials), status_topic=None)
    connection.subscribe(topic_filter, record)
    with connection:
        if not eventually(lambda: connection.publish(probe, b"spy-probe", qos=0) and live.wait(0.05), timeout):
            raise RuntimeError(f"no live subscription to {topic_filter}")
        seen.clear()
        yield seen
