"""One client of homebody's Wyoming server (Home Assistant, wyoming-bench, a script): asr, tts and handle.

- asr: `transcribe`?, `audio-start`, `audio-chunk`…, `audio-stop` → `transcript` (homebody's hearing, `Engines`).
- tts: `synthesize` → `audio-start`, `audio-chunk`…, `audio-stop`, the first sentence sent while the rest is made.
- handle: `transcript` (with Home Assistant's `conversation_id` in its context) → `handled`, or `not-handled`
  when nothing in it was understood. Each conversation has its own TurnContext, so "yes" confirms only what
  was asked in the same conversation.

Bad input is answered or dropped, never raised: audio that is not PCM or longer than a command is answered
with an `error` event; an event that cannot be read at all (not JSON, cut off) ends that connection only.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import OrderedDict
from typing import Any

from wyoming.asr import Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_read_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.ping import Ping, Pong
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize

from agent.turn.context import TurnContext, TurnResult
from agent.voice.pipeline import TOO_LONG
from agent.wyoming.audio import Recording
from agent.wyoming.engines import Engines

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
"""The longest text taken to speak or to handle: a command or a reply, not a book."""
UNREADABLE = (EOFError, OSError, KeyError, TypeError, AttributeError)
"""What reading an event raises when the client sent something that is not one, or went away mid-event."""


class BadEvent(Exception):
    """An event of a known type whose data is not what the protocol says; answered with an `error` event."""

    def __init__(self, text: str, code: str):
        super().__init__(text)
        self.code = code


class Conversations:
    """Home Assistant's conversation ids → the TurnContext of each (what "it" is, a confirmation waiting);
    the most recent `limit` are kept."""

    def __init__(self, limit: int = 100):
        self.limit = limit
        self._contexts: OrderedDict[str, TurnContext] = OrderedDict()

    def get(self, conversation_id: str | None) -> tuple[str, TurnContext]:
        """The conversation's id and context; a new one for an id not seen (or none given)."""
        key = conversation_id or uuid.uuid4().hex
        context = self._contexts.pop(key, None) or TurnContext()
        self._contexts[key] = context
        while len(self._contexts) > self.limit:
            self._contexts.popitem(last=False)
        return key, context


def understood(result: TurnResult) -> bool:
    """Whether the turn made anything of the text: acted, answered, asked back ("which light?"), declined, or
    took it as the answer to its question (path "none"); not when the recognizer made nothing of it."""
    plan = result.plan
    return bool(plan.calls or plan.declined or result.awaiting_confirmation or plan.confidence > 0
                or plan.path == "none")


class ServiceHandler(AsyncEventHandler):
    """The events of one connection, in order; the server's other connections go on meanwhile."""

    def __init__(self, engines: Engines, conversations: Conversations, info: Info, max_seconds: float,
                 reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        super().__init__(reader, writer)
        self.engines, self.conversations, self.info = engines, conversations, info
        self.max_seconds = max_seconds
        self.recording: Recording | None = None

    async def run(self) -> None:
        """Events until the client goes, or sends one that cannot be read (that ends this connection only)."""
        try:
            while (event := await self._read()) is not None and await self.handle_event(event):
                pass
        finally:
            await self.disconnect()
            self.writer.close()

    async def _read(self) -> Event | None:
        try:
            return await async_read_event(self.reader)
        except UNREADABLE as error:
            log.info("dropped a Wyoming client that sent no readable event (%s: %s)", type(error).__name__, error)
            return None

    async def handle_event(self, event: Event) -> bool:
        try:
            await self._dispatch(event)
        except BadEvent as error:
            log.info("answered a bad %s event: %s", event.type, error)
            await self._send(Error(text=str(error), code=error.code).event())
        except (ConnectionError, OSError):
            log.info("a Wyoming client went away during %s", event.type)
            return False
        return True

    async def _dispatch(self, event: Event) -> None:
        kind = event.type
        if Describe.is_type(kind):
            await self._send(self.info.event())
        elif kind == "transcribe":
            self.recording = Recording(self.max_seconds)
        elif AudioStart.is_type(kind):
            self.recording = self.recording or Recording(self.max_seconds)
        elif AudioChunk.is_type(kind):
            self.recording = self.recording or Recording(self.max_seconds)
            self.recording.add(event)
        elif AudioStop.is_type(kind):
            await self._transcribe()
        elif Synthesize.is_type(kind):
            await self._speak(_text(event, "synthesize"))
        elif Transcript.is_type(kind):
            await self._handle(_text(event, "transcript"), event.data.get("context"))
        elif Ping.is_type(kind):
            await self._send(Pong(text=event.data.get("text")).event())
        else:
            log.debug("ignored a Wyoming event of type %r", kind)

    async def _transcribe(self) -> None:
        recording, self.recording = self.recording, None
        if recording is None:
            raise BadEvent("audio-stop without audio", "no-audio")
        if recording.problem:
            raise BadEvent(recording.problem, "audio-format")
        if recording.too_long:
            raise BadEvent(f"{recording.samples / 16_000:.0f} s of audio: a command is at most "
                           f"{self.max_seconds:g} s", "too-long")
        text = await self.engines.transcribe(recording.audio)
        await self._send(Transcript(text=text, language=self.engines.language).event())

    async def _speak(self, text: str) -> None:
        if not text.strip():
            raise BadEvent("nothing to say", "no-text")
        await self.engines.speak(text, self._send)

    async def _handle(self, text: str, context: Any) -> None:
        conversation_id = context.get("conversation_id") if isinstance(context, dict) else None
        key, turn_context = self.conversations.get(conversation_id if isinstance(conversation_id, str) else None)
        reply_context = {"conversation_id": key}
        if len(text) > MAX_TEXT_CHARS:
            await self._send(NotHandled(text=TOO_LONG, context=reply_context).event())
            return
        result = await self.engines.turn(text, turn_context)
        answer = Handled if understood(result) else NotHandled
        await self._send(answer(text=result.reply, context=reply_context).event())

    async def _send(self, event: Event) -> None:
        await self.write_event(event)


def _text(event: Event, kind: str) -> str:
    """The `text` of an event that must have one; BadEvent for one without, or with too much."""
    text = event.data.get("text") if isinstance(event.data, dict) else None
    if not isinstance(text, str):
        raise BadEvent(f"{kind} without a text", "no-text")
    if len(text) > MAX_TEXT_CHARS and kind == "synthesize":
        raise BadEvent(f"{len(text)} characters to say: at most {MAX_TEXT_CHARS}", "text-too-long")
    return text
