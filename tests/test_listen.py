"""The live loop's pieces: end of speech, the loop itself with fake engines before the real assistant, and the
audio devices."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

import numpy as np
import pytest

from helpers import MORNING, make_assistant, maple

from agent.config import Settings
from agent.evaluation.benchmarks.voice import espeak_wav, trimmed
from agent.turn.assistant import Assistant
from agent.turn.context import TurnContext, TurnResult
from agent.voice.audio import SAMPLE_RATE, AudioError, read_wav
from agent.voice.listen import (
    NO_MICROPHONE,
    NO_SPEAKER,
    VAD_WINDOW,
    ArrayInput,
    EndOfSpeech,
    Microphone,
    SileroVad,
    Speaker,
    WakeWordDetector,
)
from agent.voice.live import Exchange, LiveLoop, VoiceSession
from agent.voice.pipeline import APOLOGY, DIDNT_HEAR, N_BEST, VoicePipeline
from agent.voice.stt import Transcriber, Transcript
from agent.voice.tts import Synthesizer


class Loud:
    """A fake VAD: anything audible is speech."""

    def __call__(self, window: np.ndarray) -> float:
        return 1.0 if np.abs(window).max() > 0.05 else 0.0

    def reset(self) -> None:
        pass


def _tone(seconds: float) -> np.ndarray:
    return (0.5 * np.sin(np.arange(int(seconds * SAMPLE_RATE)) / 5)).astype(np.float32)


def _quiet(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def _feed(end: EndOfSpeech, audio: np.ndarray, block: int = 1000) -> None:
    for chunk in ArrayInput(audio, block).chunks():
        if end.feed(chunk):
            return


@pytest.mark.parametrize(
    ("audio", "reason", "heard", "seconds"),
    [
        (np.concatenate([_quiet(0.5), _tone(1.0), _quiet(3.0)]), "silence", True, 0.5 + 1.0 + 0.6),
        (np.concatenate([_tone(0.5), _quiet(0.3), _tone(0.5), _quiet(2.0)]), "silence", True, 0.5 + 0.3 + 0.5 + 0.6),
        (_tone(12.0), "max_length", True, 10.0),
        (_quiet(5.0), "no_speech", False, 3.0),
        (np.concatenate([_tone(1.0), _quiet(0.3)]), None, True, 1.3),
    ],
    ids=["tail", "pause-inside", "too-long", "nothing-said", "still-talking"],
)
def test_end_of_speech(audio: np.ndarray, reason: str | None, heard: bool, seconds: float):
    end = EndOfSpeech(Loud())
    _feed(end, audio)
    assert (end.reason, end.heard_speech) == (reason, heard)
    assert end.audio.size / SAMPLE_RATE == pytest.approx(seconds, abs=2 * VAD_WINDOW / SAMPLE_RATE)


def test_end_of_speech_limits_come_from_arguments():
    end = EndOfSpeech(Loud(), silence_seconds=0.2, max_seconds=2.0)
    _feed(end, np.concatenate([_tone(1.0), _quiet(1.0)]))
    assert end.reason == "silence"
    assert end.audio.size / SAMPLE_RATE == pytest.approx(1.2, abs=0.07)


def test_silero_finds_the_end_of_a_spoken_command(tmp_path: Path):
    command = read_wav(espeak_wav("turn on the kitchen light", tmp_path / "x.wav"))
    end = EndOfSpeech(SileroVad())
    _feed(end, np.concatenate([command, _quiet(3.0)]), block=1280)
    assert end.reason == "silence"
    assert command.size / SAMPLE_RATE < end.audio.size / SAMPLE_RATE < command.size / SAMPLE_RATE + 1.0


def test_the_end_of_speech_in_a_quiet_room_is_found_without_the_vad_models_lag(tmp_path: Path):
    command = _spoken(tmp_path, "turn on the kitchen light")
    end = EndOfSpeech(SileroVad(), silence_seconds=0.6)
    _feed(end, np.concatenate([command, _quiet(3.0)]), block=1280)
    assert end.reason == "silence"
    assert end.audio.size / SAMPLE_RATE - command.size / SAMPLE_RATE == pytest.approx(0.6, abs=0.1)


def test_in_a_noisy_room_the_vad_model_alone_finds_the_end_of_speech(tmp_path: Path):
    command = _spoken(tmp_path, "turn on the kitchen light")
    noise = 0.05 * np.random.default_rng(1).standard_normal(command.size + 3 * SAMPLE_RATE).astype(np.float32)
    end = EndOfSpeech(SileroVad(), silence_seconds=0.6)
    _feed(end, np.concatenate([command, np.zeros(3 * SAMPLE_RATE, np.float32)]) + noise, block=1280)
    assert end.reason == "silence"
    assert command.size / SAMPLE_RATE + 0.6 <= end.audio.size / SAMPLE_RATE < command.size / SAMPLE_RATE + 2.0


def _spoken(folder: Path, text: str) -> np.ndarray:
    return trimmed(read_wav(espeak_wav(text, folder / "x.wav")))


class FakeTranscriber(Transcriber):
    """A fake Whisper that always hears `text`, and notes what it was asked with."""

    def __init__(self, text: str):
        self.text = text
        self.asked: list[tuple[str | None, int]] = []

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1) -> Transcript:
        self.asked.append((prompt, n_best))
        return Transcript(self.text, [self.text] if self.text else [], 12.0)


class FakeSynthesizer(Synthesizer):
    @property
    def sample_rate(self) -> int:
        return 22_050

    def stream(self, text: str) -> Iterator[np.ndarray]:
        for _ in text.split():
            yield np.ones(100, np.int16)


class FakeSpeaker:
    def __init__(self, audio_in: MutedInput):
        self.audio_in, self.played = audio_in, []

    def play(self, chunks: Iterable[np.ndarray], sample_rate: int) -> None:
        assert self.audio_in.is_muted, "the microphone must be muted while the assistant speaks"
        self.played.append((sum(chunk.size for chunk in chunks), sample_rate))


class MutedInput(ArrayInput):
    is_muted = False

    @contextmanager
    def muted(self) -> Iterator[None]:
        self.is_muted = True
        yield
        self.is_muted = False


@pytest.fixture(scope="module")
def okay_nabu(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return read_wav(espeak_wav("okay nabu", tmp_path_factory.mktemp("wake") / "wake.wav"))


@pytest.fixture
def assistant() -> Assistant:
    return make_assistant(maple())[0]


def _pipeline(assistant: Assistant, transcriber: Transcriber) -> VoicePipeline:
    return VoicePipeline(assistant, Settings().voice, transcriber, FakeSynthesizer(), word_cost=lambda word: 1)


def _run(pipeline: VoicePipeline, audio: np.ndarray) -> tuple[list[Exchange], FakeSpeaker]:
    """The live loop over `audio` with the real wake word and a fake VAD, until the audio ends."""
    audio_in = MutedInput(audio)
    speaker = FakeSpeaker(audio_in)
    session = VoiceSession(pipeline, TurnContext(now=MORNING), Loud())
    try:
        return list(LiveLoop(session, WakeWordDetector("okay_nabu")).exchanges(audio_in, speaker)), speaker
    finally:
        session.close()


def test_the_loop_answers_each_wake_word(okay_nabu: np.ndarray, assistant: Assistant):
    transcriber = FakeTranscriber("turn on the kitchen light")
    pipeline = _pipeline(assistant, transcriber)
    turn = np.concatenate([_quiet(0.5), okay_nabu, _quiet(0.3), _tone(1.5), _quiet(1.5)])
    exchanges, speaker = _run(pipeline, np.concatenate([turn, turn, _quiet(1.0)]))
    assert [e.heard for e in exchanges] == ["turn on the kitchen light"] * 2
    assert "kitchen" in exchanges[0].reply.lower()
    assert speaker.played == [(100 * len(e.reply.split()), 22_050) for e in exchanges]
    assert set(exchanges[0].timings_ms) == {"stt", "assistant", "first_audio"}


def test_the_loop_asks_whisper_with_the_households_prompt_for_its_n_best(okay_nabu: np.ndarray, assistant: Assistant):
    transcriber = FakeTranscriber("turn on the kitchen light")
    pipeline = _pipeline(assistant, transcriber)
    _run(pipeline, np.concatenate([okay_nabu, _tone(1.0), _quiet(1.0)]))
    assert transcriber.asked and set(transcriber.asked) == {(pipeline.prompt, N_BEST)}
    assert "Kitchen" in pipeline.prompt


def test_nothing_said_after_the_wake_word(okay_nabu: np.ndarray, assistant: Assistant,
                                          monkeypatch: pytest.MonkeyPatch):
    def turn(text: str, context: TurnContext) -> TurnResult:
        raise AssertionError("the assistant must not be asked")

    monkeypatch.setattr(assistant, "turn", turn)
    transcriber = FakeTranscriber("ignored")
    exchanges, _ = _run(_pipeline(assistant, transcriber), np.concatenate([okay_nabu, _quiet(4.0)]))
    assert [(e.heard, e.reply) for e in exchanges] == [("", DIDNT_HEAR)]
    assert transcriber.asked == []


def test_an_empty_transcript_is_not_sent_to_the_assistant(okay_nabu: np.ndarray, assistant: Assistant,
                                                          monkeypatch: pytest.MonkeyPatch):
    def turn(text: str, context: TurnContext) -> TurnResult:
        raise AssertionError("the assistant must not be asked")

    monkeypatch.setattr(assistant, "turn", turn)
    exchanges, _ = _run(_pipeline(assistant, FakeTranscriber("")), np.concatenate([okay_nabu, _tone(1.0), _quiet(1.0)]))
    assert [(e.heard, e.reply) for e in exchanges] == [("", DIDNT_HEAR)]


def test_a_failing_assistant_becomes_an_apology(okay_nabu: np.ndarray, assistant: Assistant,
                                                monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    def turn(text: str, context: TurnContext) -> TurnResult:
        raise RuntimeError("broker exploded")

    monkeypatch.setattr(assistant, "turn", turn)
    pipeline = _pipeline(assistant, FakeTranscriber("turn it on"))
    exchanges, speaker = _run(pipeline, np.concatenate([okay_nabu, _tone(1.0), _quiet(1.0)]))
    assert [(e.heard, e.reply) for e in exchanges] == [("turn it on", APOLOGY)]
    assert speaker.played
    assert "broker exploded" in caplog.text


def test_a_failing_transcriber_becomes_an_apology(okay_nabu: np.ndarray, assistant: Assistant):
    class Broken(FakeTranscriber):
        def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1) -> Transcript:
            raise OSError("model file vanished")

    exchanges, _ = _run(_pipeline(assistant, Broken("")), np.concatenate([okay_nabu, _tone(1.0), _quiet(1.0)]))
    assert [(e.heard, e.reply) for e in exchanges] == [("", APOLOGY)]


def test_no_wake_word_no_turn(assistant: Assistant):
    exchanges, speaker = _run(_pipeline(assistant, FakeTranscriber("x")), _tone(3.0))
    assert exchanges == [] and speaker.played == []


def _fake_sounddevice(device: dict[str, Any] | None) -> types.ModuleType:
    module = types.ModuleType("sounddevice")

    class PortAudioError(Exception):
        pass

    def query_devices(kind: str) -> dict[str, Any]:
        if device is None:
            raise PortAudioError("Error querying device -1")
        return device

    module.PortAudioError = PortAudioError  # type: ignore[attr-defined]
    module.query_devices = query_devices  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize("device", [None, {"name": "HDMI", "max_input_channels": 0, "max_output_channels": 0}])
def test_no_audio_device_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, device: dict[str, Any] | None):
    monkeypatch.setitem(sys.modules, "sounddevice", _fake_sounddevice(device))
    with pytest.raises(AudioError) as error:
        Microphone()
    assert str(error.value) == "no microphone found — use `homebody ask` or the text console" == NO_MICROPHONE
    with pytest.raises(AudioError, match=NO_SPEAKER):
        Speaker()


def test_the_microphone_drops_what_it_hears_while_muted(monkeypatch: pytest.MonkeyPatch):
    module = _fake_sounddevice({"name": "USB mic", "max_input_channels": 1})
    streams: list[Any] = []

    def block(value: int) -> bytes:
        return np.full(4, value, np.int16).tobytes()

    class RawInputStream:
        """Delivers one block as soon as it is opened, then whatever the test hands its callback."""

        def __init__(self, **options: Any):
            self.callback = options["callback"]
            streams.append(self)

        def __enter__(self) -> Self:
            self.callback(block(1), 4, None, None)
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    module.RawInputStream = RawInputStream  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", module)
    microphone = Microphone()
    chunks = microphone.chunks()
    assert next(chunks).tolist() == [1, 1, 1, 1]
    streams[0].callback(block(2), 4, None, None)  # heard before the reply: stale once it is over
    with microphone.muted():
        streams[0].callback(block(5), 4, None, None)  # the assistant's own voice
    streams[0].callback(block(3), 4, None, None)
    assert next(chunks).tolist() == [3, 3, 3, 3]
