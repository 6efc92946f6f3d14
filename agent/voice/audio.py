"""WAV in and out: any common WAV becomes float32 mono 16 kHz, the one format the voice stages use.

The header is parsed here rather than with the `wave` module because Python 3.11's `wave`
rejects WAVE_FORMAT_EXTENSIBLE (what sox and most recorders write for 24-bit or multichannel
audio) and IEEE float files.
"""

from __future__ import annotations

import io
import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from devices.errors import HomebodyError

SAMPLE_RATE = 16_000
"""Hz; what Whisper, the wake word model and the VAD expect."""

SILENCE_DBFS = -50.0
"""RMS level below which a clip counts as silence: a quiet room through a typical microphone."""

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


class AudioError(HomebodyError):
    """Audio that cannot be used: unreadable, not a WAV, empty, too long, or no audio device."""


@dataclass(frozen=True)
class WavFormat:
    """Where a WAV file's samples are and how they are encoded."""

    encoding: int
    """1 integer PCM, 3 IEEE float."""
    channels: int
    sample_rate: int
    """Hz."""
    bits: int
    """Bits per sample: 8, 16, 24, 32 (or 64 for float)."""
    data_offset: int
    """Byte offset of the first sample."""
    frames: int
    """Samples per channel."""

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate


def read_wav(source: str | Path | bytes, max_seconds: float = 60.0) -> np.ndarray:
    """A WAV file (path or bytes) as float32 mono 16 kHz in [-1, 1]; AudioError says what is wrong."""
    name = "audio" if isinstance(source, bytes) else str(source)
    try:
        with _open(source) as file:
            fmt = wav_format(file, name)
            if fmt.seconds > max_seconds:
                raise AudioError(f"{name}: {fmt.seconds:.0f} s of audio is longer than the {max_seconds:g} s limit")
            file.seek(fmt.data_offset)
            data = file.read(fmt.frames * fmt.channels * fmt.bits // 8)
    except OSError as error:
        raise AudioError(f"{name}: cannot read ({error.strerror or error})") from None
    return resample(_decode(data, fmt), fmt.sample_rate, SAMPLE_RATE)


def wav_format(file: BinaryIO, name: str = "audio") -> WavFormat:
    """Parse the RIFF header: the fmt chunk, then the data chunk's position and length."""
    head = file.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:] != b"WAVE":
        raise AudioError(f"{name}: not a WAV file (no RIFF/WAVE header)")
    size = file.seek(0, io.SEEK_END)
    file.seek(12)
    fields: tuple[int, int, int, int] | None = None
    while len(header := file.read(8)) == 8:
        chunk_id, chunk_size = struct.unpack("<4sI", header)
        if chunk_id == b"fmt ":
            fields = _fmt_fields(file.read(chunk_size), name)
        elif chunk_id == b"data":
            if fields is None:
                raise AudioError(f"{name}: corrupt WAV (data before format)")
            return _data_format(fields, file.tell(), min(chunk_size, size - file.tell()), name)
        else:
            file.seek(chunk_size, io.SEEK_CUR)
        if chunk_size % 2:
            file.seek(1, io.SEEK_CUR)
    raise AudioError(f"{name}: corrupt WAV (no {'data' if fields else 'format'} chunk)")


def _fmt_fields(body: bytes, name: str) -> tuple[int, int, int, int]:
    if len(body) < 16:
        raise AudioError(f"{name}: corrupt WAV (short format chunk)")
    encoding, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
    if encoding == _EXTENSIBLE and len(body) >= 26:
        encoding = struct.unpack("<H", body[24:26])[0]
    return encoding, channels, rate, bits


def _data_format(fields: tuple[int, int, int, int], offset: int, length: int, name: str) -> WavFormat:
    encoding, channels, rate, bits = fields
    if (encoding, bits) not in {(_PCM, 8), (_PCM, 16), (_PCM, 24), (_PCM, 32), (_FLOAT, 32), (_FLOAT, 64)}:
        raise AudioError(f"{name}: unsupported WAV encoding {encoding} with {bits}-bit samples")
    if channels < 1 or not 1_000 <= rate <= 384_000:
        raise AudioError(f"{name}: corrupt WAV ({channels} channels at {rate} Hz)")
    frames = max(length, 0) // (channels * bits // 8)
    if frames == 0:
        raise AudioError(f"{name}: the WAV file holds no audio")
    return WavFormat(encoding, channels, rate, bits, offset, frames)


def _open(source: str | Path | bytes) -> BinaryIO:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")


def _decode(data: bytes, fmt: WavFormat) -> np.ndarray:
    if fmt.encoding == _FLOAT:
        samples = np.frombuffer(data, "<f4" if fmt.bits == 32 else "<f8").astype(np.float32)
    elif fmt.bits == 8:
        samples = (np.frombuffer(data, np.uint8).astype(np.float32) - 128.0) / 128.0
    elif fmt.bits == 24:
        triplets = np.frombuffer(data, np.uint8).reshape(-1, 3).astype(np.int32)
        values = triplets[:, 0] | (triplets[:, 1] << 8) | (triplets[:, 2] << 16)
        samples = (np.where(values >= 1 << 23, values - (1 << 24), values) / float(1 << 23)).astype(np.float32)
    else:
        dtype, scale = ("<i2", 32768.0) if fmt.bits == 16 else ("<i4", 2147483648.0)
        samples = (np.frombuffer(data, dtype) / scale).astype(np.float32)
    mono = samples.reshape(-1, fmt.channels).mean(axis=1, dtype=np.float32)
    return np.clip(np.nan_to_num(mono), -1.0, 1.0)


def resample(audio: np.ndarray, from_rate: int, to_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited resampling through the FFT: exact anti-aliasing, no dependency beyond numpy."""
    if from_rate == to_rate or audio.size == 0:
        return audio.astype(np.float32, copy=False)
    length = max(1, round(audio.size * to_rate / from_rate))
    spectrum = np.fft.rfft(audio)[: length // 2 + 1]
    return (np.fft.irfft(spectrum, length) * (length / audio.size)).astype(np.float32)


def rms_dbfs(audio: np.ndarray) -> float:
    """Loudness of float audio in dB relative to full scale; -inf for digital silence."""
    if audio.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def is_silent(audio: np.ndarray, threshold_dbfs: float = SILENCE_DBFS) -> bool:
    """True when there is nothing worth transcribing, so the caller can say it heard nothing."""
    return rms_dbfs(audio) < threshold_dbfs


def to_int16(audio: np.ndarray) -> np.ndarray:
    """Float audio in [-1, 1] (or int16, unchanged) as int16 samples."""
    if audio.dtype == np.int16:
        return audio
    return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)


def to_float32(audio: np.ndarray) -> np.ndarray:
    """int16 samples (or float, unchanged) as float32 in [-1, 1]."""
    if audio.dtype == np.int16:
        return audio.astype(np.float32) / 32768.0
    return audio.astype(np.float32, copy=False)


def write_wav(path: str | Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write mono float or int16 audio as a 16-bit PCM WAV."""
    if audio.ndim != 1:
        raise AudioError(f"{path}: expected mono audio, got an array of shape {audio.shape}")
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(sample_rate)
        file.writeframes(to_int16(audio).astype("<i2").tobytes())
