"""homebody's Wyoming server as Home Assistant uses it, driven by the `wyoming` package's own client over a real
socket: describe, asr (homebody's hearing), tts (Piper, streamed) and handle (a turn per conversation); and bad
input of every kind, each answered or dropped while the server goes on serving everyone else."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from satellites import free_port
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.ping import Ping
from wyoming.tts import Synthesize

from agent.app import App
from agent.config import Settings
from agent.evaluation.benchmarks.voice import espeak_wav
from agent.wyoming import WyomingService

Served = tuple[App, int]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The example home with homebody's Wyoming server on a free loopback port."""
    settings = Settings()
    settings.understanding.llm = "off"
    settings.wyoming.uri = f"tcp://127.0.0.1:{free_port()}"
    with App.start(settings) as app, WyomingService.start(app, settings.wyoming) as service:
        yield app, int(service.uri.rsplit(":", 1)[1])


def talk(port: int, *events: Event, until: tuple[str, ...] = (), timeout: float = 60) -> list[Event]:
    """Send `events` on a fresh connection, then read until an event of a type in `until` (or the end)."""
    async def exchange() -> list[Event]:
        async with AsyncTcpClient("127.0.0.1", port, read_timeout=timeout) as client:
            for event in events:
                await client.write_event(event)
            received = []
            while until and (event := await client.read_event()) is not None:
                received.append(event)
                if event.type in until:
                    break
            return received
    return asyncio.run(exchange())


def spoken_events(path: Path, samples: int = 1024) -> list[Event]:
    """A WAV (16-bit, any rate and channels) as transcribe, audio-start, audio-chunk…, audio-stop."""
    import wave

    with wave.open(str(path)) as wav:
        rate, channels, pcm = wav.getframerate(), wav.getnchannels(), wav.readframes(wav.getnframes())
    step = samples * 2 * channels
    chunks = [AudioChunk(rate=rate, width=2, channels=channels, audio=pcm[i:i + step]).event()
              for i in range(0, len(pcm), step)]
    return [Transcribe(language="en").event(), AudioStart(rate=rate, width=2, channels=channels).event(), *chunks,
            AudioStop().event()]


# ---- what Home Assistant sees ----------------------------------------------------------------------


def test_describe_offers_speech_to_text_text_to_speech_and_a_conversation_agent(served: Served):
    _, port = served
    info = Info.from_event(talk(port, Describe().event(), until=("info",))[-1])
    assert [p.name for p in info.asr] == ["homebody"] and info.asr[0].models[0].name == "tiny.en"
    assert info.asr[0].models[0].languages == ["en"] and info.asr[0].installed
    assert info.tts[0].voices[0].name == "en_US-joe-medium" and info.tts[0].voices[0].languages == ["en_US"]
    assert info.handle[0].supports_home_control and info.handle[0].models[0].languages == ["en"]
    assert all(program.description for program in [*info.asr, *info.tts, *info.handle])


@pytest.mark.parametrize(("rate", "channels"), [(None, 1), (16_000, 1), (48_000, 2)])
def test_asr_hears_a_command_in_whatever_pcm_it_is_sent(served: Served, tmp_path: Path, rate, channels):
    _, port = served
    wav = espeak_wav("turn on the kitchen light", tmp_path / "command.wav", rate=rate, channels=channels)
    transcript = Transcript.from_event(talk(port, *spoken_events(wav), until=("transcript",))[-1])
    assert "kitchen light" in transcript.text.lower() and transcript.language == "en"


def test_asr_of_silence_is_an_empty_transcript(served: Served, tmp_path: Path):
    _, port = served
    silence = AudioChunk(rate=16_000, width=2, channels=1, audio=bytes(32_000)).event()
    events = talk(port, Transcribe().event(), AudioStart(rate=16_000, width=2, channels=1).event(), silence,
                  AudioStop().event(), until=("transcript",))
    assert Transcript.from_event(events[-1]).text == ""


def test_tts_streams_the_reply_in_small_chunks(served: Served):
    _, port = served
    events = talk(port, Synthesize(text="The kitchen light is on. The kettle is off, as you asked.").event(),
                  until=("audio-stop",))
    start, chunks = AudioStart.from_event(events[0]), [AudioChunk.from_event(e) for e in events[1:-1]]
    assert (start.rate, start.width, start.channels) == (22_050, 2, 1) and events[-1].type == "audio-stop"
    assert all(c.samples <= 1024 and c.rate == 22_050 for c in chunks) and sum(c.seconds for c in chunks) > 2
    assert np.abs(np.frombuffer(b"".join(c.audio for c in chunks), "<i2")).max() > 1000


def handle(port: int, text: str, conversation: str) -> Event:
    return talk(port, Transcript(text=text, context={"conversation_id": conversation}).event(),
                until=("handled", "not-handled", "error"))[-1]


def test_handle_acts_on_the_home_and_answers_in_words(served: Served):
    app, port = served
    answer = handle(port, "turn on the porch light", "porch")
    assert answer.type == "handled" and answer.data["text"].startswith("Done")
    assert answer.data["context"] == {"conversation_id": "porch"}
    assert app.runtime.registry.state("porch_light")["state"] == "on"
    nonsense = handle(port, "flibber the gnorp", "porch")
    assert nonsense.type == "not-handled" and "didn't understand" in nonsense.data["text"]


def test_a_confirmation_counts_only_in_the_conversation_that_asked(served: Served):
    app, port = served
    asked = handle(port, "unlock the front door", "hallway")
    assert asked.type == "handled" and asked.data["text"].startswith("Are you sure")
    handle(port, "yes", "someone else")
    assert app.runtime.registry.state("front_lock")["state"] == "locked"
    assert handle(port, "yes", "hallway").type == "handled"
    assert app.runtime.registry.state("front_lock")["state"] == "unlocked"
    handle(port, "lock the front door", "hallway")


def test_ping_is_answered(served: Served):
    _, port = served
    assert talk(port, Ping(text="hello").event(), until=("pong",))[-1].data["text"] == "hello"


# ---- bad input: answered or dropped, and the server goes on ---------------------------------------


def serves(port: int) -> bool:
    """A new client is answered as usual: the server is still there for everyone."""
    return talk(port, Describe().event(), until=("info",), timeout=10)[-1].type == "info"


def raw(port: int, data: bytes) -> bytes:
    """Send bytes that may be no event at all; what comes back until the server closes (or 5 s pass)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        try:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            while chunk := connection.recv(65536):
                received += chunk
        except (TimeoutError, OSError):  # a reset or a closed socket: the server dropped us, our bytes unread
            pass
    return received


def test_a_client_that_goes_away_mid_audio_leaves_the_server_serving(served: Served, tmp_path: Path):
    _, port = served
    header = b'{"type": "audio-chunk", "data": {"rate": 16000, "width": 2, "channels": 1}, "payload_length": 4096}\n'
    assert raw(port, b'{"type": "transcribe"}\n' + header + bytes(100)) == b""
    wav = espeak_wav("turn on the kitchen light", tmp_path / "command.wav")
    assert "kitchen" in talk(port, *spoken_events(wav), until=("transcript",))[-1].data["text"].lower()


@pytest.mark.parametrize(("rate", "width", "channels", "size"), [
    (16_000, 7, 1, 700), (16_000, 2, 0, 640), (0, 2, 1, 640), (16_000, 2, 1, 641), (16_000, 2, 2, 642),
])
def test_audio_in_a_format_that_is_no_pcm_is_answered_with_an_error(served: Served, rate, width, channels, size):
    _, port = served
    chunk = AudioChunk(rate=rate, width=width, channels=channels, audio=bytes(size)).event()
    events = talk(port, Transcribe().event(), chunk, AudioStop().event(), Describe().event(), until=("info",))
    assert [e.type for e in events] == ["error", "info"] and events[0].data["code"] == "audio-format"


def test_a_ten_minute_stream_is_refused_and_others_are_served_meanwhile(served: Served):
    _, port = served
    second = AudioChunk(rate=16_000, width=2, channels=1, audio=np.full(16_000, 300, "<i2").tobytes()).event()

    async def stream_and_meanwhile() -> tuple[Event | None, list[Event]]:
        async with AsyncTcpClient("127.0.0.1", port, read_timeout=60) as client:
            await client.write_event(Transcribe().event())
            await client.write_event(AudioStart(rate=16_000, width=2, channels=1).event())
            for sent in range(600):
                await client.write_event(second)
                if sent == 300:
                    others = await asyncio.to_thread(talk, port, Synthesize(text="Still here.").event(),
                                                     until=("audio-stop",))
            await client.write_event(AudioStop().event())
            return await client.read_event(), others

    answer, others = asyncio.run(stream_and_meanwhile())
    assert answer is not None and answer.type == "error" and answer.data["code"] == "too-long"
    assert others[0].type == "audio-start" and others[-1].type == "audio-stop" and len(others) > 3


@pytest.mark.parametrize("garbage", [
    b"not an event at all\n",
    b'{"no": "type"}\n',
    b"[1, 2, 3]\n",
    b'{"type": "synthesize", "data_length": 50}\n{"text": "cut',
    b'{"type": "info", "data": "not an object", "data_length": 5}\n12345',
    b"x" * 200_000,
    bytes(range(256)) * 10,
])
def test_garbage_ends_only_its_own_connection(served: Served, garbage: bytes):
    _, port = served
    raw(port, garbage)
    assert serves(port)


def test_an_event_homebody_does_not_know_is_ignored_and_one_without_its_data_is_answered(served: Served):
    _, port = served
    events = talk(port, Event(type="dance", data={"style": "tango"}), Event(type="synthesize", data={}),
                  Synthesize(text="   ").event(), Describe().event(), until=("info",))
    assert [e.type for e in events] == ["error", "error", "info"]
    assert [e.data["code"] for e in events[:2]] == ["no-text", "no-text"]
