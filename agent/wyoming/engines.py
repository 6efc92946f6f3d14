"""The models and the Assistant behind every Wyoming connection: loaded once, and never run on the event loop.

Whisper, Piper and the turn run in worker threads (`asyncio.to_thread`), so one client's transcription never
holds up another's audio. Turns take one lock: the Assistant is one conversation engine, not a reentrant one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
import numpy as np
from wyoming.audio import AudioStart, AudioStop
from wyoming.event import Event

from agent.turn.context import TurnContext, TurnResult
from agent.voice.audio import is_silent
from agent.voice.live import VoiceSession
from agent.voice.turn_end import SpeculativeEnd
from agent.voice.pipeline import APOLOGY, Host, SpokenTurn, VoicePipeline, nothing_done
from agent.wyoming.audio import chunk_events

log = logging.getLogger(__name__)


class Engines:
    """One VoicePipeline (Whisper, Piper, the Assistant) shared by Home Assistant's requests and the satellites."""

    def __init__(self, pipeline: VoicePipeline):
        self.pipeline = pipeline
        self._turns = threading.Lock()

    @classmethod
    def from_app(cls, app: Host) -> Engines:
        return cls(VoicePipeline.from_app(app))

    @property
    def sample_rate(self) -> int:
        """Hz of the speech `spoken` yields."""
        return self.pipeline.synthesizer.sample_rate

    @property
    def language(self) -> str:
        return self.pipeline.settings.language

    def load(self) -> dict[str, float]:
        """Load and warm both models now, and build the vocabulary prompt, before anything is served;
        milliseconds per model."""
        loaded = self.pipeline.load()
        self.pipeline.vocabulary  # noqa: B018 - built now (Whisper costs each household word), not on the first request
        return loaded

    async def transcribe(self, audio: np.ndarray) -> str:
        """What was said, as homebody hears a command: Whisper's N best with the household's vocabulary prompt,
        the reading it understands best (repaired against the audio when that fits it better); "" for silence."""
        if audio.size == 0 or is_silent(audio):
            return ""
        understood = await asyncio.to_thread(self.pipeline.understand, audio, TurnContext())
        return understood.transcript.text

    async def turn(self, text: str, context: TurnContext) -> TurnResult:
        """One typed turn in `context` (its room, its conversation); an apology, never an exception."""
        return await asyncio.to_thread(self._turn, text, context)

    async def hear(self, session: VoiceSession, utterance: SpeculativeEnd) -> SpokenTurn:
        """One spoken turn of a satellite's session (`VoicePipeline.hear`, which never raises)."""
        return await asyncio.to_thread(self._hear, session, utterance)

    async def spoken(self, text: str, volume: float = 1.0) -> AsyncIterator[np.ndarray]:
        """Piper's int16 chunks of `text` as they are made: the first sentence arrives while the rest is synthesized."""
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[np.ndarray | Exception | None] = asyncio.Queue()
        stop = threading.Event()

        def put(item: np.ndarray | Exception | None) -> None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(chunks.put_nowait, item)

        def synthesize() -> None:
            try:
                for chunk in self.pipeline.synthesizer.stream(text):
                    if stop.is_set():
                        return
                    put(chunk if volume == 1.0 else (chunk * volume).astype(np.int16))
            except Exception as error:  # noqa: BLE001 - handed to the loop, raised to the client's request there
                put(error)
            finally:
                put(None)

        loop.run_in_executor(None, synthesize)
        try:
            while (item := await chunks.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stop.set()  # a listener gone: the rest of the reply is not synthesized

    async def speak(self, text: str, send: Callable[[Event], Awaitable[None]], volume: float = 1.0) -> float:
        """Say `text` as one audio stream of events (`audio-start`, `audio-chunk`…, `audio-stop`), each chunk
        sent as soon as it is synthesized; returns the seconds of speech sent."""
        rate = self.sample_rate
        await send(AudioStart(rate=rate, width=2, channels=1).event())
        samples = 0
        async for chunk in self.spoken(text, volume):
            samples += chunk.size
            for event in chunk_events(chunk, rate):
                await send(event)
        await send(AudioStop().event())
        return samples / rate

    def _turn(self, text: str, context: TurnContext) -> TurnResult:
        try:
            with self._turns:
                return self.pipeline.assistant.turn(text, context)
        except Exception:
            log.exception("the assistant failed on %r", text)
            return nothing_done(APOLOGY, text)

    def _hear(self, session: VoiceSession, utterance: SpeculativeEnd) -> SpokenTurn:
        with self._turns:
            return session.hear(utterance)
