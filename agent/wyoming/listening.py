"""A satellite's listening: the audio it streams, fed in order in a worker thread (never on the event loop).

When the satellite has no wake word of its own (its `run-pipeline` starts at the wake stage) homebody listens
for `voice.wake_word` first; then one utterance is taken until it ends, by the live loop's own end of speech
(`agent.voice.turn_end`: the VAD's silence tail, or earlier when the reading at a pause is a complete command).
While homebody speaks on the satellite, what its microphone hears is not listened to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np

from agent.voice.listen import WakeWordDetector
from agent.voice.live import VoiceSession
from agent.voice.turn_end import SpeculativeEnd

Waiting = Literal["nothing", "wake word", "speech"]


@dataclass
class Heard:
    """What one block of audio brought."""

    woke: bool = False
    """The wake word ended in it."""
    speaking: bool = False
    """The utterance's first speech was in it."""
    utterance: SpeculativeEnd | None = None
    """The utterance, when it ended in this block."""


class Ears:
    """Wake word, then one utterance; `feed` and the control calls run on the satellite's one worker thread."""

    def __init__(self, session: VoiceSession, wake_word: WakeWordDetector):
        self.session, self.wake_word = session, wake_word
        self.waiting: Waiting = "nothing"
        self._utterance: SpeculativeEnd | None = None
        self._deaf_until = 0.0

    def listen(self, wake_word: bool) -> None:
        """Start listening: for the wake word first, or (the satellite heard it) for the command at once."""
        self.wake_word.reset()
        self._utterance = None if wake_word else self.session.new_utterance()
        self.waiting = "wake word" if wake_word else "speech"

    def stop(self) -> None:
        """Hear nothing until told to listen again (a turn is being answered, the satellite went)."""
        self.waiting, self._utterance = "nothing", None

    def deafen(self, until: float) -> None:
        """Ignore the microphone until time.monotonic() reaches `until` (homebody is speaking there)."""
        self._deaf_until = until

    def feed(self, audio: np.ndarray) -> Heard:
        """One block of 16 kHz float32 audio, in the order it was recorded."""
        if self.waiting == "nothing" or time.monotonic() < self._deaf_until:
            return Heard()
        if self.waiting == "wake word":
            if not self.wake_word.process(audio):
                return Heard()
            self.listen(wake_word=False)
            return Heard(woke=True)
        utterance = self._utterance
        if utterance is None:
            return Heard()
        was_speaking = utterance.heard_speech
        ended = utterance.feed(audio)
        heard = Heard(speaking=utterance.heard_speech and not was_speaking)
        if ended:
            heard.utterance = utterance
            self.stop()
        return heard
