"""Commands said with a pause mid-way, through the live loop's end of turn: how many end early, and how many
would be cut off (ended on a reading made before the rest was said).

Each command is spoken by espeak-ng in the default voices (the ones tuning may use), whole and with
0.4, 0.55 and 0.7 s of silence between its halves (an SSML break, so the words keep the sound they
have in the sentence), and heard as the live loop hears it: the real VAD, and at every pause the
session's own reading (`VoiceSession.read`: Whisper, the recognizer, the last word's speech) and its
test of a complete command. Each reading is waited for, as if it took no time: the strictest case
for a pause, since a reading ready sooner can end a turn sooner. It needs the Maple House.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from agent.config import Settings
from agent.evaluation.audio import VOICE_SETS, Voice
from agent.evaluation.benchmarks import SHARED_EVAL
from agent.evaluation.benchmarks.voice import espeak_wav, trimmed
from agent.turn.context import TurnContext
from agent.voice.audio import SAMPLE_RATE, read_wav
from agent.voice.listen import BLOCK_SAMPLES, SileroVad
from agent.voice.live import SILENCE_SECONDS, VoiceSession
from agent.voice.pipeline import Understood
from agent.voice.turn_end import QuietWatch, SpeculativeEnd

HALVES = [
    ("turn on the", "kitchen light"), ("set the heating to", "twenty two degrees"),
    ("dim the floor lamp to", "thirty percent"), ("turn off the living room", "light"),
    ("turn off the bedroom", "light"), ("switch off the", "bathroom light"),
    ("set the bedroom light to", "fifty percent"), ("turn on the", "desk lamp"), ("lock the", "back door"),
    ("open the", "living room blinds"), ("turn up the", "heating"), ("close the", "bedroom blinds"),
    ("turn on the bedroom", "fan"), ("turn off the office", "lights"), ("switch the", "fan off"),
    ("turn the kitchen light", "off"), ("set the thermostat to", "nineteen degrees"),
    ("turn off the hallway", "light"),
]
"""Commands to the Maple House, split where people pause: before the thing or the value."""
PAUSES = (0.4, 0.55, 0.7)


def run() -> dict[str, Any]:
    home = SHARED_EVAL / "home.toml"
    if not home.exists():
        print(f"bench pauses: needs the Maple House ({home})", file=sys.stderr)
        return {}
    from agent.app import App
    from agent.voice.pipeline import VoicePipeline

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings()
        settings.household.file, settings.household.database = str(home), str(Path(folder) / "pauses.db")
        with App.start(settings) as app:
            pipeline = VoicePipeline.from_app(app)
            pipeline.load()
            session = VoiceSession(pipeline, TurnContext(), SileroVad())
            try:
                heard = [_heard(session, voice, first, second, Path(folder))
                         for voice in VOICE_SETS["default"] for first, second in HALVES]
            finally:
                session.close()
    whole = [early for early, _ in heard]
    paused = [outcome for _, outcomes in heard for outcome in outcomes]
    return {"pauses_commands": len(heard), "pauses_whole_early_end_share": round(sum(whole) / len(whole), 2),
            "pauses_paused_early_end_share": round(sum(o == "early" for o in paused) / len(paused), 2),
            "pauses_cut_off": sum(o == "cut off" for o in paused)}


def _heard(session: VoiceSession, voice: Voice, first: str, second: str, folder: Path) -> tuple[bool, list[str]]:
    """Whether the whole command ended early, and for each pause: "early", "tail" (the silence tail) or
    "cut off"."""
    whole = paused_speech(first, second, 0.0, folder, voice)
    outcomes = []
    for pause in PAUSES:
        speech = paused_speech(first, second, pause, folder, voice)
        utterance = _listen(session, speech)
        if utterance.reason != "complete":
            outcomes.append("tail")
        else:
            outcomes.append("cut off" if utterance.read_samples < _second_half(speech) else "early")
    return _listen(session, whole).reason == "complete", outcomes


def _listen(session: VoiceSession, speech: np.ndarray) -> SpeculativeEnd:
    utterance = SpeculativeEnd(QuietWatch(SileroVad()), silence_seconds=SILENCE_SECONDS,
                               speculate=_at_once(session.read), complete=session.complete)
    audio = np.concatenate([speech, np.zeros(round((SILENCE_SECONDS + 0.2) * SAMPLE_RATE), np.float32)])
    for start in range(0, audio.size, BLOCK_SAMPLES):
        if utterance.feed(audio[start : start + BLOCK_SAMPLES]):
            break
    return utterance


def _at_once(read: Callable[[np.ndarray, np.ndarray], Understood]) -> Callable[..., Future[Understood]]:
    def speculate(audio: np.ndarray, speech: np.ndarray) -> Future[Understood]:
        future: Future[Understood] = Future()
        future.set_result(read(audio, speech))
        return future

    return speculate


def paused_speech(first: str, second: str, pause: float, folder: Path, voice: Voice | None = None) -> np.ndarray:
    """espeak-ng's speech of the whole command, as one sentence, with `pause` seconds of silence between the
    halves (SSML's break: the words keep the sound they have in the sentence; none at 0), in espeak-ng's own
    voice unless one is given; 16 kHz, trimmed."""
    said = f"{first} <break time='{round(pause * 1000)}ms'/> {second}" if pause else f"{first} {second}"
    name, words_per_minute = (voice.name, voice.words_per_minute) if voice else (None, Voice.words_per_minute)
    path = espeak_wav(said, folder / "paused.wav", rate=SAMPLE_RATE, markup=True, voice=name,
                      words_per_minute=words_per_minute)
    return trimmed(read_wav(path))


def _second_half(speech: np.ndarray) -> int:
    """The first sample after the longest quiet inside the speech: where its second half begins."""
    quiet = np.abs(speech) < 1e-3
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    runs = edges.reshape(-1, 2)
    _, end = max(runs, key=lambda run: run[1] - run[0]) if runs.size else (0, 0)
    return int(end)
