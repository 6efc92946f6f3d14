"""The live voice loop: wake word, one utterance, the spoken turn (`VoicePipeline.hear`), the reply aloud.

The silence after a command is not wasted: a fifth of a second into it the utterance is
understood speculatively (`VoicePipeline.understand`, in a worker thread), and when that is a
complete, confidently understood command the utterance ends there instead of after the full
silence tail. If the speaker goes on talking the guess is dropped; if the tail runs out first
the guess, already made or nearly, is used. Either way the turn is `VoicePipeline.hear`, as for
a recording: the guess is the same reading of the same speech, only made early. The microphone
is muted while the reply plays so the assistant never hears itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from agent.turn.context import TurnContext, TurnResult
from agent.voice.audio import SAMPLE_RATE
from agent.voice.listen import (
    VAD_WINDOW,
    AudioInput,
    AudioOutput,
    EndOfSpeech,
    Microphone,
    SileroVad,
    Speaker,
    VoiceActivity,
    WakeWordDetector,
)
from agent.voice.pipeline import Host, SpokenTurn, Understood, VoicePipeline

log = logging.getLogger(__name__)

EARLY_CONFIDENCE = 0.9
"""The matcher confidence at which a speculative reading ends the utterance early."""


class QuietWatch:
    """A voice activity detector that also counts speech windows and the quiet run since the last one."""

    def __init__(self, vad: VoiceActivity, threshold: float = 0.5):
        self.vad, self.threshold = vad, threshold
        self.speech_windows = 0
        self.quiet_windows = 0

    def __call__(self, window: np.ndarray) -> float:
        probability = self.vad(window)
        if probability >= self.threshold:
            self.speech_windows, self.quiet_windows = self.speech_windows + 1, 0
        else:
            self.quiet_windows += 1
        return probability

    def reset(self) -> None:
        self.vad.reset()
        self.speech_windows = self.quiet_windows = 0

    @property
    def quiet_seconds(self) -> float:
        return self.quiet_windows * VAD_WINDOW / SAMPLE_RATE


@dataclass
class SpeculativeEnd(EndOfSpeech):
    """End of speech that understands the utterance during the silence tail and ends early on a complete command.

    `reason` may also be "complete": the speculative reading was understood with confidence.
    """

    speculate: Callable[[np.ndarray], Future[Understood]] | None = None
    complete: Callable[[Understood], bool] = lambda understood: False
    early_seconds: float = 0.2
    """Quiet after speech at which the speculative reading starts."""
    ended_at: float | None = field(default=None, init=False)
    """time.perf_counter() when the utterance was found to be over."""
    _future: Future[Understood] | None = field(default=None, init=False, repr=False)
    _mark: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.vad, QuietWatch):
            self.vad = QuietWatch(self.vad, self.threshold)
        super().__post_init__()

    @property
    def watch(self) -> QuietWatch:
        return self.vad  # type: ignore[return-value]

    def feed(self, chunk: np.ndarray) -> bool:
        if super().feed(chunk) or self._feed_speculatively():
            self.ended_at = self.ended_at or time.perf_counter()
            return True
        return False

    def _feed_speculatively(self) -> bool:
        if self._future is not None and self.watch.speech_windows != self._mark:
            self._future.cancel()  # they went on talking: the guess is stale
            self._future = None
        if (self.speculate is not None and self._future is None and self.heard_speech
                and self.watch.quiet_seconds >= self.early_seconds):
            self._future, self._mark = self.speculate(self.audio), self.watch.speech_windows
        future = self._future
        if future is not None and future.done() and self._usable(future) and self.complete(future.result()):
            self.reason = "complete"
            return True
        return False

    def understood(self) -> Understood | None:
        """The speculative reading when it still covers the whole utterance (waits for it)."""
        if self._future is None or self.watch.speech_windows != self._mark or not self._usable(self._future):
            return None
        return self._future.result()

    @staticmethod
    def _usable(future: Future[Understood]) -> bool:
        try:
            future.result()
        except Exception:
            log.exception("speculative reading failed")
            return False
        return True


@dataclass
class Exchange:
    """One spoken turn of the live loop."""

    heard: str
    """The transcript acted on; empty when nothing was heard."""
    reply: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    """stt, assistant, first_audio (end of speech → first reply sample handed to the speaker)."""


class VoiceSession:
    """The live loop's view of one speaker's place: context, the utterance being heard, the last turn."""

    def __init__(self, pipeline: VoicePipeline, context: TurnContext, vad: VoiceActivity,
                 silence_seconds: float = 0.6, early_seconds: float = 0.2):
        self.pipeline, self.context = pipeline, context
        self._vad = QuietWatch(vad)
        self._silence, self._early = silence_seconds, early_seconds
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt-speculative")
        self.utterance: SpeculativeEnd | None = None
        self.last_result: TurnResult | None = None
        self.answered_at: float | None = None
        """time.perf_counter() when the assistant had its reply ready."""

    def new_utterance(self) -> SpeculativeEnd:
        self.utterance = SpeculativeEnd(
            self._vad, silence_seconds=self._silence, max_seconds=self.pipeline.settings.max_utterance_seconds,
            speculate=self._speculate, complete=self._complete, early_seconds=self._early)
        self.last_result = None
        return self.utterance

    def hear(self, utterance: SpeculativeEnd) -> SpokenTurn:
        """The utterance as a spoken turn (`VoicePipeline.hear`), with its speculative reading when that still
        covers it. Without one, a stale guess still running is waited for, so it never overlaps the turn."""
        understood = utterance.understood()
        if understood is None:
            self._executor.submit(lambda: None).result()
        audio = utterance.audio if utterance.heard_speech else np.zeros(0, np.float32)
        spoken = self.pipeline.hear(audio, self.context, understood)
        self.last_result, self.answered_at = spoken.result, time.perf_counter()
        return spoken

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _speculate(self, audio: np.ndarray) -> Future[Understood]:
        return self._executor.submit(self.pipeline.understand, audio, self.context)

    @staticmethod
    def _complete(understood: Understood) -> bool:
        return bool(understood.plan.calls) and understood.plan.confidence >= EARLY_CONFIDENCE


class LiveLoop:
    """Wake word, then one utterance answered aloud, over a session."""

    def __init__(self, session: VoiceSession, wake_word: WakeWordDetector):
        self.session, self._wake_word = session, wake_word

    def exchanges(self, audio_in: AudioInput, audio_out: AudioOutput) -> Iterator[Exchange]:
        """Serve turns until the input ends (a live microphone never does)."""
        chunks = audio_in.chunks()
        while (exchange := self.listen_once(chunks, audio_in, audio_out)) is not None:
            yield exchange

    def listen_once(self, chunks: Iterator[np.ndarray], audio_in: AudioInput,
                    audio_out: AudioOutput) -> Exchange | None:
        """Wait for the wake word, take one utterance and answer it; None when the input ends first."""
        self._wake_word.reset()
        if not any(self._wake_word.process(chunk) for chunk in chunks):
            return None
        utterance = self.session.new_utterance()
        for chunk in chunks:
            if utterance.feed(chunk):
                break
        ended = time.perf_counter()
        result = self.session.hear(utterance).result
        timings = {name: result.timings_ms[key] for name, key in (("stt", "stt"), ("assistant", "total"))
                   if key in result.timings_ms}
        exchange = Exchange(result.text, result.reply, timings)
        pipeline = self.session.pipeline
        with audio_in.muted():
            audio_out.play(self._timed(pipeline.reply_audio(result), exchange, ended), pipeline.synthesizer.sample_rate)
        log.info("heard %r, replied %r %s", exchange.heard, exchange.reply, exchange.timings_ms)
        return exchange

    @staticmethod
    def _timed(chunks: Iterator[np.ndarray], exchange: Exchange, ended: float) -> Iterator[np.ndarray]:
        for chunk in chunks:
            exchange.timings_ms.setdefault("first_audio", (time.perf_counter() - ended) * 1000)
            yield chunk


class Listener:
    """The live voice loop, ready to listen once built; AudioError when there is no microphone or speaker."""

    def __init__(self, app: Host, context: TurnContext, audio_in: AudioInput | None = None,
                 audio_out: AudioOutput | None = None):
        self.audio_in = audio_in if audio_in is not None else Microphone()
        self.audio_out = audio_out if audio_out is not None else Speaker()
        self.wake_word = WakeWordDetector(app.settings.voice.wake_word)
        self.pipeline = VoicePipeline.from_app(app)
        self.load_ms = self.pipeline.load()
        self.session = VoiceSession(self.pipeline, context, SileroVad())

    def exchanges(self) -> Iterator[tuple[Exchange, TurnResult | None]]:
        """Each spoken exchange with the turn behind it."""
        for exchange in LiveLoop(self.session, self.wake_word).exchanges(self.audio_in, self.audio_out):
            yield exchange, self.session.last_result

    def close(self) -> None:
        self.session.close()
