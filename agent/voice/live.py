"""The live voice loop: wake word, one utterance, the spoken turn (`VoicePipeline.hear`), the reply aloud.

The utterance is read at each pause while it is said (`agent.voice.turn_end`): a complete,
confidently understood command ends the turn a fifth of a second after the speaker stops,
anything else waits for the full silence tail, so a pause mid-command is not the end. Either
way the turn is `VoicePipeline.hear`, as for a recording, given the reading of all the speech
when one was made: the same reading of the same speech, only made early. The microphone is
muted while the reply plays so the assistant never hears itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from agent.turn.context import TurnContext, TurnResult
from agent.voice.audio import SAMPLE_RATE
from agent.voice.listen import AudioInput, AudioOutput, Microphone, SileroVad, Speaker, VoiceActivity, WakeWordDetector
from agent.voice.pipeline import Host, LastWord, SpokenTurn, Understood, VoicePipeline
from agent.voice.turn_end import QuietWatch, SpeculativeEnd, is_complete, spoken_share

log = logging.getLogger(__name__)

SILENCE_SECONDS = 1.2
"""The silence tail of an utterance not (yet) read as a complete command: longer than a person pauses
mid-command (0.4–0.7 s) and the VAD takes to hear them go on (up to ~0.35 s); a complete command ends
after `early_seconds`."""

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
                 silence_seconds: float = SILENCE_SECONDS, early_seconds: float = 0.2):
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
            speculate=self._speculate, complete=self.complete, early_seconds=self._early)
        self.last_result = None
        return self.utterance

    def hear(self, utterance: SpeculativeEnd) -> SpokenTurn:
        """The utterance as a spoken turn (`VoicePipeline.hear`), with the reading it ended on, if any. Without
        one, a reading still running is waited for, so it never overlaps the turn."""
        understood = utterance.understood()
        if understood is None:
            self._executor.submit(lambda: None).result()
        audio = utterance.audio if utterance.heard_speech else np.zeros(0, np.float32)
        spoken = self.pipeline.hear(audio, self.context, understood)
        self.last_result, self.answered_at = spoken.result, time.perf_counter()
        return spoken

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _speculate(self, audio: np.ndarray, speech: np.ndarray) -> Future[Understood]:
        return self._executor.submit(self.read, audio, speech)

    def read(self, audio: np.ndarray, speech: np.ndarray) -> Understood:
        """The utterance so far, understood; for a complete command, how much of its last word was speech
        (`speech`: which voice activity windows of `audio` were)."""
        understood = self.pipeline.understand(audio, self.context)
        if self.complete(understood):
            understood.last_word = self._last_word(understood, speech)
            log.debug("read %r after %.2f s: %s", understood.transcript.text, audio.size / SAMPLE_RATE,
                      understood.last_word)
        return understood

    def _last_word(self, understood: Understood, speech: np.ndarray) -> LastWord | None:
        """How the reading's last word was heard. A repair's last word may be one Whisper would by its nature write
        otherwise ("fan" for a "fine" it heard, at 0.002); the repair fits the audio as a whole (`fitting_repair`),
        so whether a word was said there is the word it repairs."""
        transcript = understood.transcript
        texts = [transcript.text, *([understood.repair_of] if understood.repair_of else [])]
        heard = self.pipeline.transcriber.last_words(transcript, texts)
        if heard is None:
            return None
        _, start, end = heard[0]
        return LastWord(max(probability for probability, _, _ in heard), spoken_share(speech, start, end))

    def complete(self, understood: Understood) -> bool:
        return is_complete(understood, self.pipeline.vocabulary.turn_taking)


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
