"""homebody's Wyoming side, running: the server Home Assistant connects to (when `wyoming.uri` is set) and a
link to each configured satellite, on an event loop of their own in one thread. The models are loaded once,
before anything is served; nothing is loaded when there is nothing to serve."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Self

from wyoming.server import AsyncServer

from agent.config import SatelliteSettings, WyomingSettings
from agent.voice.pipeline import Host
from agent.wyoming.announcements import SatelliteAnnouncer
from agent.wyoming.engines import Engines
from agent.wyoming.handler import Conversations, ServiceHandler
from agent.wyoming.info import service_info
from agent.wyoming.satellites import SatelliteLink
from devices.errors import ConfigError

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0


@dataclass
class WyomingService:
    """Started by `start`, stopped by `close` (or as a context manager)."""

    uri: str
    satellites: list[SatelliteLink]
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    server: AsyncServer | None = None
    announcer: SatelliteAnnouncer | None = None
    load_ms: dict[str, float] | None = None
    _tasks: tuple[asyncio.Task[None], ...] = ()

    @classmethod
    def start(cls, app: Host, settings: WyomingSettings, announcer: SatelliteAnnouncer | None = None,
              satellites: Sequence[SatelliteSettings] = (), report: Callable[[str], None] = log.info) -> Self:
        """Serve `settings.uri` (if set) and connect to `satellites` (their areas already resolved to ids).
        ConfigError when the address cannot be listened on."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="wyoming", daemon=True)
        service = cls(settings.uri, [], loop, thread, announcer=announcer)
        if not settings.uri and not satellites:
            return service
        engines = Engines.from_app(app)
        service.load_ms = engines.load()
        wake_word = app.settings.voice.wake_word
        service.satellites = [SatelliteLink(s.uri, s.area, engines, wake_word, report) for s in satellites]
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(service._begin(engines), loop).result(STOP_SECONDS)
        except BaseException:
            service.close()
            raise
        if announcer is not None:
            announcer.attach(app.assistant.household.home, loop, service.satellites)
        return service

    async def _begin(self, engines: Engines) -> None:
        if self.uri:
            self.server = AsyncServer.from_uri(self.uri)
            info = service_info(engines.pipeline.settings)
            factory = partial(ServiceHandler, engines, Conversations(), info,
                              engines.pipeline.settings.max_utterance_seconds)
            try:
                await self.server.start(factory)
            except OSError as error:
                self.server = None
                raise ConfigError(f"wyoming.uri {self.uri}: cannot listen there ({error.strerror or error})") from None
        self._tasks = tuple(asyncio.create_task(link.run(), name=f"satellite {link.area}")
                            for link in self.satellites)

    def close(self) -> None:
        if self.announcer is not None:
            self.announcer.detach()
        if self.thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._end(), self.loop).result(STOP_SECONDS)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(STOP_SECONDS)
        for link in self.satellites:
            link.close()
        self.loop.close()

    async def _end(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.server is not None:
            await self.server.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()
