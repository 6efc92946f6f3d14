"""Audio between the Wyoming wire and homebody's voice stages: chunks of any PCM format in, 16 kHz float32 for
Whisper, the wake word and the VAD; Piper's int16 chunks out as `audio-chunk` events."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from wyoming.audio import AudioChunk, AudioChunkConverter
from wyoming.event import Event

from agent.voice.audio import SAMPLE_RATE, to_float32
from devices.errors import HomebodyError

SAMPLES_PER_CHUNK = 1024
"""Samples per `audio-chunk` sent: ~46 ms of Piper's 22.05 kHz, as Home Assistant and wyoming-piper send."""
WIDTHS = (1, 2, 3, 4)
"""Bytes per sample the converter can read."""


class AudioFormatError(HomebodyError):
    """Audio on the wire that cannot be read as PCM (a width, rate or channel count that makes no sense)."""


class Incoming:
    """Converts the audio chunks of one stream to 16 kHz mono; one per stream, as the resampler keeps state."""

    def __init__(self) -> None:
        self._converter = AudioChunkConverter(rate=SAMPLE_RATE, width=2, channels=1)

    def convert(self, event: Event) -> np.ndarray:
        """An `audio-chunk` event as float32 16 kHz mono; AudioFormatError when it is not usable PCM."""
        try:
            chunk = AudioChunk.from_event(event)
        except (KeyError, TypeError, ValueError) as error:
            raise AudioFormatError(f"an audio chunk without {error}") from None
        if chunk.width not in WIDTHS or chunk.channels < 1 or not 1000 <= chunk.rate <= 384_000:
            raise AudioFormatError(f"{chunk.rate} Hz, {chunk.width} bytes, {chunk.channels} channels is not PCM "
                                   f"homebody can read (send 16000 Hz, 2 bytes, 1 channel)")
        if len(chunk.audio or b"") % (chunk.width * chunk.channels):
            raise AudioFormatError(f"{len(chunk.audio)} bytes is no whole number of "
                                   f"{chunk.width}-byte, {chunk.channels}-channel samples")
        try:
            converted = self._converter.convert(chunk)
        except Exception as error:  # noqa: BLE001 - audioop.error, or ValueError from its pure-Python stand-in
            raise AudioFormatError(f"audio that cannot be converted ({error})") from None
        return to_float32(np.frombuffer(converted.audio, dtype="<i2"))


def chunk_events(audio: np.ndarray, rate: int, samples: int = SAMPLES_PER_CHUNK) -> Iterator[Event]:
    """int16 audio as `audio-chunk` events of at most `samples` samples."""
    pcm = audio.astype("<i2").tobytes()
    step = samples * 2
    for start in range(0, len(pcm), step):
        yield AudioChunk(rate=rate, width=2, channels=1, audio=pcm[start:start + step]).event()


class Recording:
    """The audio of one `transcribe` request as it streams in: kept up to `max_seconds`, beyond that only counted,
    so a stream that never stops costs no memory; the first problem with the audio is kept to be reported."""

    def __init__(self, max_seconds: float):
        self.max_samples = round(max_seconds * SAMPLE_RATE)
        self.samples = 0
        self.problem = ""
        self._incoming = Incoming()
        self._parts: list[np.ndarray] = []

    @property
    def too_long(self) -> bool:
        return self.samples > self.max_samples

    def add(self, event: Event) -> None:
        if self.problem or self.too_long:
            return
        try:
            audio = self._incoming.convert(event)
        except AudioFormatError as error:
            self.problem, self._parts = str(error), []
            return
        self.samples += audio.size
        if self.too_long:
            self._parts.clear()
        else:
            self._parts.append(audio)

    @property
    def audio(self) -> np.ndarray:
        """float32 16 kHz mono, everything kept."""
        return np.concatenate(self._parts) if self._parts else np.zeros(0, np.float32)
