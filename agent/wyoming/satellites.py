"""Room satellites: homebody connects to each configured wyoming-satellite, as Home Assistant does.

The protocol, as wyoming-satellite speaks it: the satellite runs a Wyoming server (its `--uri`) and waits for
its server to connect; homebody connects, asks `describe` and sends `run-satellite`. The satellite answers
with `run-pipeline`: from the wake stage when it streams everything it hears (homebody then listens for the
wake word), from asr when it heard the wake word itself (`--wake-uri` or `--wake-command`) and streams the
command after it. homebody sends back what the turn brings: `detection`, `voice-started`, `voice-stopped`,
`transcript`, then the reply as `synthesize` (its text) and `audio-start`, `audio-chunk`…, `audio-stop`, which
the satellite plays. Audio sent to it outside a turn it plays too: that is how announcements reach it.

Each satellite has its area and a TurnContext of its own, so "turn on the light" means its room, and only a
"yes" said to the same satellite confirms what it was asked. A satellite that goes away is reconnected.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk
from wyoming.client import AsyncClient
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.pipeline import PipelineStage, RunPipeline
from wyoming.satellite import RunSatellite
from wyoming.tts import Synthesize
from wyoming.vad import VoiceStarted, VoiceStopped
from wyoming.wake import Detection

from agent.turn.context import TurnContext
from agent.voice.listen import SileroVad, WakeWordDetector
from agent.voice.live import VoiceSession
from agent.voice.turn_end import SpeculativeEnd
from agent.voice.pipeline import QUIET_VOLUME
from agent.wyoming.audio import AudioFormatError, Incoming
from agent.wyoming.engines import Engines
from agent.wyoming.listening import Ears, Heard

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 3.0
"""Between attempts to reach a satellite that is not there."""
DESCRIBE_SECONDS = 10.0
"""The longest a satellite may take to say what it is."""
PLAYED_MARGIN_SECONDS = 0.3
"""After homebody's speech has played on a satellite, its microphone is ignored this much longer (the room's echo)."""


class SatelliteLink:
    """One room satellite: the connection to it, its listening, its turns and what it says."""

    def __init__(self, uri: str, area: str, engines: Engines, wake_word: str,
                 report: Callable[[str], None] = log.info):
        self.uri, self.area, self.wake_word = uri, area, wake_word
        self.engines, self.report = engines, report
        self.context = TurnContext(area=area)
        self.session = VoiceSession(engines.pipeline, self.context, SileroVad())
        self.ears = Ears(self.session, WakeWordDetector(wake_word))
        self.name = ""
        """The satellite's own name, from its `info`."""
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"satellite-{area}")
        self._client: AsyncClient | None = None
        self._speaking = asyncio.Lock()
        self._incoming = Incoming()
        self._start_stage = PipelineStage.WAKE
        self._speaks = True
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def connected(self) -> bool:
        return self._client is not None

    async def run(self) -> None:
        """Stay connected until cancelled: a satellite that cannot be reached or goes away is tried again."""
        said_lost = False
        while True:
            try:
                await self._connect_and_serve()
                problem, said_lost = "went away", False
            except (OSError, EOFError, TimeoutError) as error:
                problem = f"cannot be reached ({error or type(error).__name__})"
            except Exception:  # a fault in one satellite's session must not end its link
                log.exception("satellite %s: unexpected error; reconnecting", self.area)
                problem = "failed"
            if not said_lost:
                self.report(f"satellite {self.area} ({self.uri}) {problem}; trying again every {RECONNECT_SECONDS:g} s")
                said_lost = True
            await asyncio.sleep(RECONNECT_SECONDS)

    async def announce(self, text: str, volume: float = 1.0) -> None:
        """Say `text` on this satellite now, unprompted (a timer ringing); logged when it is not connected."""
        if not self.connected:
            log.warning("satellite %s is not connected: %r was not played there", self.area, text)
            return
        try:
            await self.say(text, volume)
        except (ConnectionError, OSError):
            log.warning("satellite %s went away while %r was played there", self.area, text)

    async def say(self, text: str, volume: float = 1.0) -> None:
        """`synthesize` with the text, then the speech; one thing said at a time, the microphone ignored meanwhile."""
        async with self._speaking:
            await self._control(self.ears.deafen, math.inf)
            started = time.monotonic()
            seconds = 0.0
            try:
                await self._send(Synthesize(text=text).event())
                seconds = await self.engines.speak(text, self._send, volume)
            finally:
                await self._control(self.ears.deafen, started + seconds + PLAYED_MARGIN_SECONDS)

    def close(self) -> None:
        """After the event loop has stopped: the worker threads."""
        self.session.close()
        self._worker.shutdown(wait=False, cancel_futures=True)

    async def _connect_and_serve(self) -> None:
        client = AsyncClient.from_uri(self.uri, connect_timeout=DESCRIBE_SECONDS)
        await client.connect()
        try:
            await self._introduce(client)
            self._client = client
            self.report(f"satellite {self.area} is connected: {self.name or self.uri}")
            while (event := await client.read_event()) is not None:
                await self._on(event)
        finally:
            self._client = None
            await self._control(self.ears.stop)
            await client.disconnect()

    async def _introduce(self, client: AsyncClient) -> None:
        """`describe` (is it a satellite, what is it called), then `run-satellite`."""
        await client.write_event(Describe().event())
        async with asyncio.timeout(DESCRIBE_SECONDS):
            while not Info.is_type((event := await _next(client)).type):
                pass
        satellite = Info.from_event(event).satellite
        if satellite is None:
            log.warning("%s describes no satellite; treating it as one in %s", self.uri, self.area)
        else:
            self.name = satellite.name
            if satellite.area and satellite.area.casefold() != self.area.casefold():
                log.info("satellite %s says it is in %r; homebody's settings put it in %s", self.name, satellite.area,
                         self.area)
        await client.write_event(RunSatellite().event())

    async def _on(self, event: Event) -> None:
        if RunPipeline.is_type(event.type):
            try:
                pipeline = RunPipeline.from_event(event)
            except (KeyError, ValueError) as error:
                log.warning("satellite %s asked for a pipeline homebody cannot run: %s", self.area, error)
                return
            self._start_stage, self._speaks = pipeline.start_stage, pipeline.end_stage == PipelineStage.TTS
            await self._control(self.ears.listen, self._start_stage == PipelineStage.WAKE)
        elif AudioChunk.is_type(event.type):
            await self._hear(event)
        else:
            log.debug("satellite %s: ignored %s", self.area, event.type)

    async def _hear(self, event: Event) -> None:
        try:
            audio = self._incoming.convert(event)
        except AudioFormatError as error:
            log.warning("satellite %s streams audio homebody cannot read: %s", self.area, error)
            return
        heard: Heard = await self._control(self.ears.feed, audio)
        if heard.woke:
            await self._send(Detection(name=self.wake_word).event())
        if heard.speaking:
            await self._send(VoiceStarted().event())
        if heard.utterance is not None:
            await self._send(VoiceStopped().event())
            task = asyncio.create_task(self._answer(heard.utterance))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer(self, utterance: SpeculativeEnd) -> None:
        """The turn of one utterance, answered on the satellite; then listening again for the wake word when
        homebody is the one listening for it (a satellite with a wake word of its own sends `run-pipeline`)."""
        try:
            result = (await self.engines.hear(self.session, utterance)).result
            log.info("satellite %s heard %r, replied %r", self.area, result.text, result.reply)
            await self._send(Transcript(text=result.text).event())
            if self._speaks:
                await self.say(result.reply, QUIET_VOLUME if result.quiet else 1.0)
        except (ConnectionError, OSError):
            log.info("satellite %s went away before its reply", self.area)
        finally:
            if self._start_stage == PipelineStage.WAKE and self.connected:
                await self._control(self.ears.listen, True)

    async def _send(self, event: Event) -> None:
        client = self._client
        if client is None:
            raise ConnectionError(f"satellite {self.area} is not connected")
        await client.write_event(event)

    async def _control(self, call: Callable[..., Any], *args: Any) -> Any:
        """Run `call` on the listening thread, after the audio already handed to it."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, call, *args)


async def _next(client: AsyncClient) -> Event:
    event = await client.read_event()
    if event is None:
        raise EOFError("the satellite closed the connection")
    return event
