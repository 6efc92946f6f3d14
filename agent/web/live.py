"""Live device states for open pages, as Server-Sent Events.

The registry calls its listeners on the MQTT thread; the listener here only hands the report to the
web server's event loop (`call_soon_threadsafe`), which puts it on every open page's queue. A page
that stops reading loses its oldest reports, never anyone else's, and nothing waits on the MQTT thread.
The registry hears of one listener while the server serves (none per page); a page's queue goes with the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from devices.model import State
from devices.registry import Registry

log = logging.getLogger(__name__)

QUEUE_SIZE = 256
"""Reports kept for one page that is slow to read them."""
KEEPALIVE_S = 15.0


class LiveStates:
    """Fans the registry's state reports out to the event streams of open pages."""

    def __init__(self, registry: Registry, describe: Callable[[str, State], dict[str, Any]]) -> None:
        self.registry = registry
        self.describe = describe
        """Device id and new state -> the event's data (what the page shows)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: set[asyncio.Queue[str | None]] = set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """The server serves on `loop`: the registry's reports go to its open pages from now on."""
        self._loop = loop
        self.registry.states.add_listener(self.changed)

    def detach(self) -> None:
        """The server stops (from any thread; twice is harmless): the registry stops calling here, and every
        stream ends, so no open page holds the server up."""
        self.registry.states.remove_listener(self.changed)
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._end_streams)

    def _end_streams(self) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(None)

    def changed(self, device_id: str, _old: State, new: State) -> None:
        """The registry's listener, on the MQTT thread."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
            loop.call_soon_threadsafe(self._publish, device_id, dict(new))

    def _publish(self, device_id: str, state: State) -> None:
        try:
            event = f"event: state\ndata: {json.dumps(self.describe(device_id, state), default=str)}\n\n"
        except Exception:  # a device's odd state must not stop the others' reports
            log.exception("web: cannot describe the state of %s", device_id)
            return
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    async def stream(self) -> AsyncIterator[str]:
        """One page's events, from now until it goes away or the server stops."""
        if self._loop is None:
            return
        queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield "retry: 2000\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if event is None:
                    return
                yield event
        finally:
            self._queues.discard(queue)

    @property
    def listeners(self) -> int:
        """How many pages are listening now."""
        return len(self._queues)
