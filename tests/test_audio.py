"""WAV reading and writing: every common format becomes float32 mono 16 kHz; bad input, a clear AudioError."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from agent.voice.audio import (
    SAMPLE_RATE,
    AudioError,
    is_silent,
    read_wav,
    resample,
    rms_dbfs,
    to_float32,
    to_int16,
    write_wav,
)
from agent.evaluation.benchmarks.voice import espeak_wav
from devices.errors import HomebodyError

TEXT = "turn on the kitchen light"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """The phrase at espeak-ng's own 22.05 kHz, read through the same path."""
    return read_wav(espeak_wav(TEXT, tmp_path_factory.mktemp("ref") / "ref.wav"))


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    n = min(a.size, b.size)
    return float(np.corrcoef(a[:n], b[:n])[0, 1])


@pytest.mark.parametrize("rate", [8_000, 16_000, 22_050, 44_100, 48_000])
@pytest.mark.parametrize("channels", [1, 2])
def test_any_rate_and_channel_count_becomes_16k_mono(tmp_path: Path, reference: np.ndarray, rate: int, channels: int):
    audio = read_wav(espeak_wav(TEXT, tmp_path / "x.wav", rate=rate, channels=channels))
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(audio.size - reference.size) <= 2
    assert not is_silent(audio)
    # 8 kHz has lost everything above 4 kHz, so it only resembles the reference.
    assert _similarity(audio, reference) > (0.95 if rate == 8_000 else 0.99)


@pytest.mark.parametrize(
    "encoding",
    [
        ("-b", "8"),
        ("-b", "16"),
        ("-b", "24"),
        ("-b", "32"),
        ("-e", "floating-point", "-b", "32"),
        ("-e", "floating-point", "-b", "64"),
    ],
    ids=["u8", "s16", "s24", "s32", "f32", "f64"],
)
def test_every_sample_width(tmp_path: Path, reference: np.ndarray, encoding: tuple[str, ...]):
    audio = read_wav(espeak_wav(TEXT, tmp_path / "x.wav", rate=44_100, channels=2, sox_encoding=encoding))
    assert _similarity(audio, reference) > 0.99


def test_bytes_are_read_like_a_file(tmp_path: Path, reference: np.ndarray):
    path = espeak_wav(TEXT, tmp_path / "x.wav")
    assert np.array_equal(read_wav(path.read_bytes()), reference)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a WAV file"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00", "corrupt WAV"),
        (b"RIFF\x24\x00\x00\x00WAVEdata\x00\x00\x00\x00", "data before format"),
        (b"turn on the kitchen light\n" * 20, "not a WAV file"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a WAV file"),
    ],
    ids=["empty", "truncated-header", "data-first", "text", "png"],
)
def test_unusable_files_raise_a_clear_error(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError, match=message):
        read_wav(path)


def test_a_header_without_samples_is_empty(tmp_path: Path):
    write_wav(tmp_path / "empty.wav", np.zeros(0, np.float32))
    with pytest.raises(AudioError, match="holds no audio"):
        read_wav(tmp_path / "empty.wav")


def test_an_unsupported_encoding_is_named(tmp_path: Path):
    path = espeak_wav(TEXT, tmp_path / "alaw.wav", sox_encoding=("-e", "a-law"))
    with pytest.raises(AudioError, match="unsupported WAV encoding 6"):
        read_wav(path)


def test_missing_file_and_directory(tmp_path: Path):
    with pytest.raises(AudioError, match="cannot read"):
        read_wav(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="cannot read"):
        read_wav(tmp_path)


def test_audio_error_is_a_homebody_error():
    assert issubclass(AudioError, HomebodyError)


def test_a_ten_minute_file_is_refused_before_it_is_read(tmp_path: Path):
    path = tmp_path / "long.wav"
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "2", str(path), "synth", "600", "sine", "440"], check=True)
    with pytest.raises(AudioError, match="600 s of audio is longer than the 60 s limit"):
        read_wav(path)
    with pytest.raises(AudioError, match="longer than the 10 s limit"):
        read_wav(path, max_seconds=10)


def test_silence_and_near_silence_are_flagged(tmp_path: Path):
    write_wav(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE, np.float32))
    assert is_silent(read_wav(tmp_path / "silence.wav"))
    hum = 0.001 * np.random.default_rng(1).standard_normal(SAMPLE_RATE).astype(np.float32)
    assert rms_dbfs(hum) == pytest.approx(-60, abs=1)
    assert is_silent(hum)
    assert is_silent(np.zeros(0, np.float32))


def test_pure_noise_is_read_and_not_called_silence(tmp_path: Path):
    path = tmp_path / "noise.wav"
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(path), "synth", "2", "whitenoise"], check=True)
    audio = read_wav(path)
    assert audio.size == 2 * SAMPLE_RATE
    assert not is_silent(audio)
    assert np.abs(audio).max() <= 1.0


def test_resampling_keeps_the_tone_and_removes_what_cannot_be_represented():
    seconds = np.arange(44_100) / 44_100
    tone = resample(np.sin(2 * np.pi * 1_000 * seconds).astype(np.float32), 44_100)
    assert tone.size == SAMPLE_RATE
    assert np.argmax(np.abs(np.fft.rfft(tone))) == 1_000  # 1 Hz bins over one second
    above_nyquist = resample(np.sin(2 * np.pi * 10_000 * seconds).astype(np.float32), 44_100)
    assert rms_dbfs(above_nyquist) < -60  # no alias folded back into the speech band


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_write_then_read_round_trips(tmp_path: Path, dtype: type):
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)
    audio = to_int16(tone.astype(np.float32)) if dtype is np.int16 else tone.astype(dtype)
    write_wav(tmp_path / "tone.wav", audio)
    assert np.allclose(read_wav(tmp_path / "tone.wav"), tone, atol=1e-4)


def test_write_refuses_stereo_arrays(tmp_path: Path):
    with pytest.raises(AudioError, match="mono"):
        write_wav(tmp_path / "x.wav", np.zeros((10, 2), np.float32))


def test_int16_float_conversions_clip_and_scale():
    assert to_int16(np.array([2.0, -2.0, 0.5], np.float32)).tolist() == [32767, -32767, 16383]
    assert to_float32(np.array([-32768, 16384], np.int16)).tolist() == [-1.0, 0.5]
