"""End of a turn from meaning as well as silence: partial readings of the utterance while it is said.

Each time the speaker falls quiet (`partial_seconds`, a pause or the end), the utterance so far
is read (`VoicePipeline.understand`, off the audio thread: Whisper, then the recognizer). When
that reading is a complete, confident command (`is_complete`) and the speaker is still quiet a
fifth of a second later, the turn ends there, on that reading: the final transcription was done
while the speaker fell quiet. Otherwise it waits for the usual silence tail, long enough for a
person who pauses mid-command ("set the heating to … twenty two degrees"), and the whole
utterance is read again. If the speaker goes on, the reading is dropped.

What may go on is `agent.voice.turn_taking`'s to say. The reading is the one a recording gets
(`VoicePipeline.understand`): Whisper's greedy decode only when nothing it nearly wrote would be
understood otherwise (a greedy decode taken whenever it was understood, ~80 ms sooner, acted
differently on 6 of 72 complete espeak-ng commands, 4 of them wrongly: "the lights in the study"
heard as "… bedroom"), else its N best.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

import numpy as np

from agent.voice.audio import SAMPLE_RATE
from agent.voice.listen import VAD_WINDOW, EndOfSpeech, VoiceActivity
from agent.voice.pipeline import LastWord, Understood
from agent.voice.readings import read_exactly
from agent.voice.turn_taking import TurnTaking

log = logging.getLogger(__name__)


HEARD_LAST_WORD = 0.02
"""The least probability of a complete command's last word, forced through the decoder over the audio
(`Transcriber.last_words`), for the turn to end on it: below it Whisper would write something else there, and the
reading may be a half-said command misheard as a whole one ("turn up the …" read as the question "Do it up lit?").
A repair's last word is judged by the word it repairs, as Whisper wrote it (`VoiceSession.read`)."""
LAST_WORD_SPOKEN = 0.5
"""The least share of a complete command's last word, where the decoder's alignment puts it, in which the VAD heard
speech, for the turn to end on it. Whisper finishes words cut short with words of its own, which lie over the quiet
after the last word said ("open the …" heard as "Open lights.": 0.17; a "Thank you." over a pause: 0.06, at a
probability of 0.92); a word said lies over speech (0.6-1.0).

Measured on 704 utterances of 22 commands to the Maple House (every partial reading the live loop makes, the real
VAD; eight espeak-ng voices, none of the held-out ones), said whole and with a pause of 0.4, 0.55 or 0.7 s mid-way:
the probability alone at 0.5, the test before this one, ended 119 of 176 whole commands early and let a made-up
"Thank you." end a paused one; both tests end 151 of 176 early and cut no paused one off. `homebody bench --only
pauses` measures the same in the default voices."""


def is_complete(understood: Understood, turn_taking: TurnTaking) -> bool:
    """A command the recognizer reads exactly (every word understood, nothing to ask back) that cannot go on,
    and whose last word was said (when that was asked)."""
    return (read_exactly(understood.plan) and not turn_taking.may_go_on(understood.transcript.text)
            and (understood.last_word is None or was_said(understood.last_word)))


def was_said(word: LastWord) -> bool:
    return word.probability >= HEARD_LAST_WORD and word.spoken >= LAST_WORD_SPOKEN


def spoken_share(speech: np.ndarray, start: float, end: float) -> float:
    """The share of the voice activity windows (`speech`, one flag each) from `start` to `end` seconds that were
    speech; for a stretch shorter than a window, whether the window it begins in was."""
    if not speech.size:
        return 0.0
    seconds = VAD_WINDOW / SAMPLE_RATE
    middles = (np.arange(speech.size) + 0.5) * seconds
    inside = speech[(middles >= start) & (middles <= end)]
    return float(inside.mean()) if inside.size else float(speech[min(int(start / seconds), speech.size - 1)])


class QuietWatch:
    """A voice activity detector that also counts speech windows and the quiet run since the last one, and keeps
    which windows were speech."""

    def __init__(self, vad: VoiceActivity, threshold: float = 0.5):
        self.vad, self.threshold = vad, threshold
        self.speech_windows = 0
        self.quiet_windows = 0
        self.speech: list[bool] = []

    def __call__(self, window: np.ndarray) -> float:
        probability = self.vad(window)
        self.speech.append(probability >= self.threshold)
        if probability >= self.threshold:
            self.speech_windows, self.quiet_windows = self.speech_windows + 1, 0
        else:
            self.quiet_windows += 1
        return probability

    def reset(self) -> None:
        self.vad.reset()
        self.speech_windows = self.quiet_windows = 0
        self.speech = []

    @property
    def quiet_seconds(self) -> float:
        return self.quiet_windows * VAD_WINDOW / SAMPLE_RATE


@dataclass
class SpeculativeEnd(EndOfSpeech):
    """End of speech that reads the utterance at each pause and ends early on a complete command.

    `reason` may also be "complete": the reading of all the speech was a complete command.
    """

    speculate: Callable[[np.ndarray, np.ndarray], Future[Understood]] | None = None
    """Reads the utterance so far, given its audio and which of its voice activity windows were speech."""
    complete: Callable[[Understood], bool] = lambda understood: False
    early_seconds: float = 0.2
    """Quiet after a complete command that ends the turn."""
    partial_seconds: float = 0.064
    """Quiet after speech at which the utterance so far is read: two VAD windows. At one, readings also began in
    the gaps between words (2.6 per turn in `homebody bench --only e2e`, against 1.0), and a stale one still
    running delays the reading of the whole command: e2e p95 980 ms against 825."""
    ended_at: float | None = field(default=None, init=False)
    """time.perf_counter() when the utterance was found to be over."""
    partials: int = field(default=0, init=False)
    """Readings started (one per pause, and the final one)."""
    read_samples: int = field(default=0, init=False)
    """Samples of audio the latest reading was made of."""
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
            self._future.cancel()  # they went on talking: the reading is stale
            self._future = None
        if (self.speculate is not None and self._future is None and self.heard_speech
                and self.watch.quiet_seconds >= self.partial_seconds):
            audio = self.audio
            self._future = self.speculate(audio, np.array(self.watch.speech, bool))
            self._mark = self.watch.speech_windows
            self.partials, self.read_samples = self.partials + 1, audio.size
        if self.watch.quiet_seconds >= self.early_seconds and self._completed():
            self.reason = "complete"
            return True
        return False

    def _completed(self) -> bool:
        future = self._future
        return future is not None and future.done() and self._usable(future) and self.complete(future.result())

    def understood(self) -> Understood | None:
        """The reading the turn ended on, when it ended on one ("complete"). An utterance that ran to its silence
        tail is read again whole: after a pause the VAD may miss a short last word ("turn on the bedroom … fan")."""
        if self.reason != "complete" or self._future is None or not self._usable(self._future):
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
