"""The embedded MQTT broker: amqtt on loopback, its asyncio loop in a daemon thread.

Used when no broker is configured, and by the tests, the evaluation and the benchmarks.
Only the anonymous-auth plugin is loaded: amqtt's default plugins ($SYS topics, packet
logging) cost start-up time and CPU for nothing here.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from concurrent.futures import Future
from typing import Any, Self

from devices.errors import BrokerUnavailable

log = logging.getLogger(__name__)

_START_TIMEOUT = 10.0
"""Seconds to wait for the broker to listen before giving up."""


class EmbeddedBroker:
    """An amqtt broker on 127.0.0.1: `start()` returns the port it listens on."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port or _free_port(host)
        """The port it listens on; 0 asks for a free one, picked now so clients can be set up first."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._broker: Any = None

    def start(self) -> int:
        if self._thread is not None:
            return self.port
        _quiet_amqtt_logging()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="amqtt-broker", daemon=True)
        self._thread.start()
        started: Future[None] = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        try:
            started.result(_START_TIMEOUT)
        except Exception as error:  # noqa: BLE001 - whatever amqtt raised, the caller gets one error
            self.stop()
            raise BrokerUnavailable(f"the embedded broker could not listen on {self.host}:{self.port}: {error}") from None
        log.debug("embedded broker listening on %s:%d", self.host, self.port)
        return self.port

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._broker is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._broker.shutdown(), loop).result(_START_TIMEOUT)
            except Exception:  # a broker that failed to stop cleanly is stopped with its loop anyway
                log.debug("embedded broker did not shut down cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_START_TIMEOUT)
        loop.close()
        self._loop = self._thread = self._broker = None

    async def _start(self) -> None:
        from devices.amqtt_fixes import FixedBroker  # imported here: amqtt takes ~0.1 s to import

        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        self._broker = FixedBroker(config)
        await self._broker.start()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _quiet_amqtt_logging() -> None:
    """amqtt logs every connection at INFO and expected disconnects as errors."""
    for name in ("amqtt", "transitions"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
