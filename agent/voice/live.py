"""The live voice loop around the voice pipeline: wake word, end of speech, command, spoken reply.

The silence after a command is not wasted: a fifth of a second into it the utterance is
transcribed speculatively (in a worker thread), and when that transcript is a complete,
confidently understood command the utterance ends there instead of after the full silence
tail. If the speaker goes on talking the guess is dropped; if the tail runs out first the
guess, already made or nearly, is used. `agent.voice.listen.LiveLoop` runs the loop unchanged: this
module only hands it the session's end-of-speech detector, transcriber and assistant turn.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from agent.voice.audio import SAMPLE_RATE
from agent.voice.listen import (
    VAD_WINDOW,
    AudioInput,
    AudioOutput,
    EndOfSpeech,
    Exchange,
    LiveLoop,
    Microphone,
    SileroVad,
    Speaker,
    VoiceActivity,
    WakeWordDetector,
)
from agent.turn.plan import Plan
from agent.voice.stt import Transcriber, Transcript
from agent.voice.tts import Synthesizer
from agent.turn.context import TurnContext, TurnResult
from agent.voice.pipeline import QUIET_VOLUME, Host, VoicePipeline

log = logging.getLogger(__name__)

EARLY_CONFIDENCE = 0.9
"""The matcher confidence at which a speculative transcript ends the utterance early."""


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
    """End of speech that transcribes during the silence tail and ends early on a complete command.

    `reason` may also be "complete": the speculative transcript was understood with confidence.
    """

    speculate: Callable[[np.ndarray], Future[Transcript]] | None = None
    complete: Callable[[Transcript], bool] = lambda transcript: False
    early_seconds: float = 0.2
    """Quiet after speech at which the speculative transcription starts."""
    ended_at: float | None = field(default=None, init=False)
    """time.perf_counter() when the utterance was found to be over."""
    _future: Future[Transcript] | None = field(default=None, init=False, repr=False)
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

    def transcript(self) -> Transcript | None:
        """The speculative transcript when it still covers the whole utterance (waits for it)."""
        if self._future is None or self.watch.speech_windows != self._mark or not self._usable(self._future):
            return None
        return self._future.result()

    @staticmethod
    def _usable(future: Future[Transcript]) -> bool:
        try:
            future.result()
        except Exception:
            log.exception("speculative transcription failed")
            return False
        return True


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

    def transcribe(self, audio: np.ndarray) -> Transcript:
        speculated = self.utterance.transcript() if self.utterance is not None else None
        if speculated is not None:
            return self.pipeline.select(speculated, self.context)
        return self.pipeline.transcribe(audio, self.context)

    def turn(self, text: str) -> TurnResult:
        result = self.pipeline.assistant.turn(text, self.context)
        self.last_result, self.answered_at = result, time.perf_counter()
        return result

    def loop(self, wake_word: WakeWordDetector) -> LiveLoop:
        """The live loop over this session: the wake word, then commands answered aloud."""
        return LiveLoop(self.turn, _SessionTranscriber(self), _SessionVoice(self), wake_word, self.new_utterance)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _speculate(self, audio: np.ndarray) -> Future[Transcript]:
        prompt = self.pipeline.prompt or None
        return self._executor.submit(self.pipeline.transcriber.transcribe, audio, prompt, self.pipeline.n_best)

    def _complete(self, transcript: Transcript) -> bool:
        chosen = self.pipeline.select(transcript, self.context).text
        plan = self.pipeline.parse(chosen, self.context) if chosen else Plan()
        return bool(plan.calls) and plan.confidence >= EARLY_CONFIDENCE


class _SessionTranscriber(Transcriber):
    """What the live loop calls to transcribe: the session's speculative or fresh N-best transcript."""

    def __init__(self, session: VoiceSession):
        self._session = session

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1) -> Transcript:
        return self._session.transcribe(audio)


class _SessionVoice(Synthesizer):
    """The pipeline's voice, softer for a reply given in quiet hours."""

    def __init__(self, session: VoiceSession):
        self._session = session

    @property
    def sample_rate(self) -> int:
        return self._session.pipeline.synthesizer.sample_rate

    def stream(self, text: str) -> Iterator[np.ndarray]:
        quiet = self._session.last_result is not None and self._session.last_result.quiet
        for chunk in self._session.pipeline.synthesizer.stream(text):
            yield (chunk * QUIET_VOLUME).astype(np.int16) if quiet else chunk


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
        """Each spoken exchange with the turn behind it (None when nothing was understood)."""
        for exchange in self.session.loop(self.wake_word).exchanges(self.audio_in, self.audio_out):
            yield exchange, self.session.last_result

    def close(self) -> None:
        self.session.close()
