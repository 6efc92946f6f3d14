"""`homebody eval --audio`: the evaluation cases spoken aloud and heard through the whole voice pipeline.

Each utterance is spoken by espeak-ng in several voices and speeds (optionally over pink noise
made by sox), heard as one spoken turn exactly as the live loop hears it (`VoicePipeline.hear`:
the household's vocabulary prompt, N-best selection, repairs scored against the audio), and
run by the same case runner as the text evaluation (`agent.evaluation.runner`), over the embedded
broker and the virtual home, one fresh home per case. A case with an `audio` field is fed
that recording instead, in every mode.
"""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from agent.turn.assistant import Assistant
from agent.voice.audio import SAMPLE_RATE, AudioError, read_wav, rms_dbfs
from agent.evaluation.benchmarks.voice import espeak_wav
from agent.config import Settings
from agent.evaluation.runner import CaseWorld, default_assistant_factory, evaluate
from agent.turn.scheduler import Scheduler
from agent.evaluation.cases import Case, CaseResult, load_cases, summarize
from agent.understanding.language import language
from agent.understanding.normalize import CONTRACTIONS, tokens_of
from agent.understanding.numbers import words_to_numbers
from agent.memory.store import HouseholdStore
from agent.voice.stt import Transcriber, WhisperTranscriber
from agent.turn.context import TurnContext, TurnResult
from agent.voice.pipeline import UNUSABLE, VoicePipeline, nothing_done
from devices.household import Household
from devices.runtime import DeviceRuntime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice at a speaking rate."""

    name: str
    """As `espeak-ng -v` takes it, variant included: en-us, en-gb-scotland, en-us+f3."""
    words_per_minute: int = 150

    @property
    def label(self) -> str:
        return f"{self.name}@{self.words_per_minute}"


VOICE_SETS = {
    "default": (Voice("en-us", 150), Voice("en-gb", 175), Voice("en-us+f3", 130)),
    "held-out": (Voice("en-gb-scotland", 160), Voice("en-029", 140), Voice("en-gb-x-rp+m3", 190)),
}
"""The default voices are the ones the vocabulary prompt and selection were tuned on; never tune on held-out."""


def parse_voices(spec: str | None) -> list[Voice]:
    """`default`, `held-out`, or `NAME[:WPM],…` (e.g. `en-us:150,en-gb-scotland:170`)."""
    voices: list[Voice] = []
    for item in (spec or "default").split(","):
        name, _, rate = item.strip().partition(":")
        if name in VOICE_SETS and not rate:
            voices += VOICE_SETS[name]
        elif name:
            if rate and not rate.isdigit():
                raise AudioError(f"--voices: {item!r}: the speed after ':' is words per minute, e.g. en-us:150")
            voices.append(Voice(name, int(rate) if rate else 150))
    return voices


@dataclass
class VoiceRun:
    """The cases heard in one voice."""

    voice: str
    results: list[CaseResult]
    heard: list[tuple[str, str]] = field(default_factory=list)
    """(what was said, the transcript acted on) for every spoken turn."""

    @property
    def wer(self) -> float:
        return word_error_rate(self.heard)


@dataclass
class AudioReport:
    text: list[CaseResult]
    """The same cases as text, for comparison."""
    runs: list[VoiceRun]
    noise_db: float | None = None

    def lost_cases(self) -> list[tuple[str, str, str, str]]:
        """(voice, case id, said, heard) for cases that pass as text but fail as speech."""
        passed = {r.id for r in self.text if r.passed}
        return [(run.voice, r.id, " | ".join(t.utterance or "" for t in r.turns), " | ".join(_heard(run, r)))
                for run in self.runs for r in run.results if r.id in passed and not r.passed]

    def misheard_words(self) -> list[tuple[tuple[str, str], int]]:
        """(said, heard) word pairs that differ, most frequent first, over every voice."""
        counts: Counter[tuple[str, str]] = Counter()
        for run in self.runs:
            for said, heard in run.heard:
                counts.update((s or "", h or "") for s, h in align(words(said), words(heard)) if s != h and s)
        return counts.most_common()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": summarize(self.text),
            "noise_db": self.noise_db,
            "voices": {run.voice: {"summary": summarize(run.results), "wer": round(run.wer, 4),
                                   "heard": run.heard, "cases": [asdict(r) for r in run.results]}
                       for run in self.runs},
        }


def _heard(run: VoiceRun, result: CaseResult) -> list[str]:
    said = {s: h for s, h in run.heard}
    return [said.get(t.utterance or "", "?") for t in result.turns]


def evaluate_audio(case_files: list[str], settings: Settings, home: str | None, voices: list[Voice],
                   noise_db: float | None = None, transcriber: Transcriber | None = None) -> AudioReport:
    """Every case as text, then spoken in each voice; the speech model is loaded once."""
    text = evaluate(case_files, settings, home)
    utterances = [turn.utterance for case in _cases(case_files) for turn in case.turns if turn.utterance]
    transcriber = transcriber or _loaded_transcriber(settings)
    runs: list[VoiceRun] = []
    with tempfile.TemporaryDirectory(prefix="homebody-eval-audio-") as folder:
        noise = _pink_noise(Path(folder)) if noise_db is not None else None
        for voice in voices:
            spoken = speak_all(utterances, voice, Path(folder) / voice.label, noise, noise_db)
            runs.append(_evaluate_heard(case_files, settings, home, transcriber, spoken.get, voice.label))
    return AudioReport(text, runs, noise_db)


def evaluate_with_recordings(case_files: list[str], settings: Settings, home: str | None) -> list[CaseResult]:
    """The text evaluation, except that cases with an `audio` recording are heard from it."""
    if not any(case.audio for case in _cases(case_files)):
        return evaluate(case_files, settings, home)
    return _evaluate_heard(case_files, settings, home, _loaded_transcriber(settings), None, "text").results


def _evaluate_heard(case_files: list[str], settings: Settings, home: str | None, transcriber: Transcriber,
                    spoken: Callable[[str], np.ndarray | None] | None, label: str) -> VoiceRun:
    """`eval_runner.evaluate` with each case's Assistant behind a voice pipeline.

    `evaluate` builds one Assistant per case, in the order of the case files, so the factory
    pairs each with its case (to find the case's own recording).
    """
    cases = iter(_cases(case_files))
    run = VoiceRun(label, [])
    default_assistant = default_assistant_factory()

    def make_assistant(runtime: DeviceRuntime, household: Household, run_settings: Settings,
                       store: HouseholdStore, world: CaseWorld) -> tuple[Assistant, Scheduler]:
        assistant, scheduler = default_assistant(runtime, household, run_settings, store, world)
        pipeline = VoicePipeline(assistant, run_settings.voice, transcriber)
        return cast(Assistant, _Heard(pipeline, next(cases), spoken, run.heard)), scheduler

    run.results = evaluate(case_files, settings, home, make_assistant)
    return run


class _Heard:
    """Stands in for the Assistant in the case runner: each utterance is heard rather than read."""

    def __init__(self, pipeline: VoicePipeline, case: Case, spoken: Callable[[str], np.ndarray | None] | None,
                 heard: list[tuple[str, str]]):
        self._pipeline, self._case, self._spoken, self._heard = pipeline, case, spoken, heard

    def turn(self, text: str, context: TurnContext) -> TurnResult:
        if text not in {turn.utterance for turn in self._case.turns}:
            raise RuntimeError(f"case {self._case.id} was paired with another case's utterance {text!r}")
        if self._spoken is None and not self._recorded:
            return self._pipeline.assistant.turn(text, context)
        try:
            result = self._pipeline.hear(self._audio(text), context).result
        except AudioError as error:
            log.warning("case %s: %s", self._case.id, error)
            result = nothing_done(UNUSABLE)
        self._heard.append((text, result.text))
        return result

    @property
    def _recorded(self) -> bool:
        return bool(self._case.audio) and len(self._case.turns) == 1

    def _audio(self, text: str) -> np.ndarray:
        if self._recorded:
            return read_wav(Path(self._case.source).parent / str(self._case.audio),
                            max_seconds=self._pipeline.settings.max_utterance_seconds)
        spoken = self._spoken(text) if self._spoken is not None else None
        return spoken if spoken is not None else np.zeros(0, np.float32)


def speak_all(texts: Iterable[str], voice: Voice, folder: Path, noise: np.ndarray | None = None,
              noise_db: float | None = None) -> dict[str, np.ndarray]:
    """Each distinct text spoken by `voice` (two espeak-ng processes at a time), 16 kHz float32."""
    folder.mkdir(parents=True, exist_ok=True)
    unique = list(dict.fromkeys(texts))
    rng = np.random.default_rng(0)

    def speak(item: tuple[int, str]) -> np.ndarray:
        number, text = item
        if not text.strip():
            return np.zeros(SAMPLE_RATE // 2, np.float32)
        try:
            path = espeak_wav(text, folder / f"{number}.wav", words_per_minute=voice.words_per_minute,
                              voice=voice.name)
        except subprocess.CalledProcessError:
            raise AudioError(f"espeak-ng cannot speak with the voice {voice.name!r} (see espeak-ng --voices=en)") from None
        return read_wav(path)

    with ThreadPoolExecutor(max_workers=2) as pool:
        audio = dict(zip(unique, pool.map(speak, enumerate(unique)), strict=True))
    if noise is not None and noise_db is not None:
        audio = {text: add_noise(clip, noise, noise_db, rng) for text, clip in audio.items()}
    return audio


def add_noise(clip: np.ndarray, noise: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    """`clip` over a random stretch of `noise`, scaled to `snr_db` below the clip's loudness."""
    if clip.size == 0 or noise.size < clip.size or rms_dbfs(clip) == -np.inf:
        return clip
    start = int(rng.integers(0, noise.size - clip.size + 1))
    segment = noise[start : start + clip.size]
    gain = 10 ** ((rms_dbfs(clip) - snr_db - rms_dbfs(segment)) / 20)
    return np.clip(clip + gain * segment, -1.0, 1.0).astype(np.float32)


def _pink_noise(folder: Path, seconds: int = 60) -> np.ndarray:
    """The same minute of pink noise every run (sox's repeatable mode), so runs compare."""
    path = folder / "noise.wav"
    try:
        subprocess.run(["sox", "-R", "-n", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", str(path),
                        "synth", str(seconds), "pinknoise"], check=True, capture_output=True)
    except FileNotFoundError:
        raise AudioError("sox is needed to add noise (apt-get install sox)") from None
    return read_wav(path, max_seconds=seconds + 1)


def _cases(case_files: list[str]) -> list[Case]:
    return [case for path in case_files for case in load_cases(Path(path))]


def _loaded_transcriber(settings: Settings) -> WhisperTranscriber:
    transcriber = WhisperTranscriber(settings.voice)
    transcriber.load()
    return transcriber


def words(text: str) -> list[str]:
    """Words as compared for the word error rate: lower case, no punctuation; "%", "4pm", "p.m." and numbers alike."""
    out: list[str] = []
    for token in tokens_of(text):
        if token == ",":
            continue
        if token.endswith("%"):
            out += [token[:-1], language().tokens.percent_sign]
        else:
            token = token.replace("a.m", "am").replace("p.m", "pm")
            out += _UNIT_AFTER_NUMBER.sub(r"\1 \2", CONTRACTIONS.get(token, token)).split()
    return words_to_numbers(out)


_UNIT_AFTER_NUMBER = re.compile(r"^(\d+)(am|pm|st|nd|rd|th)$")


def align(said: list[str], heard: list[str]) -> list[tuple[str | None, str | None]]:
    """A minimum-edit alignment: pairs of words, None where one side has nothing."""
    rows, cols = len(said) + 1, len(heard) + 1
    cost = [[i + j if i == 0 or j == 0 else 0 for j in range(cols)] for i in range(rows)]
    for i in range(1, rows):
        for j in range(1, cols):
            cost[i][j] = min(cost[i - 1][j] + 1, cost[i][j - 1] + 1,
                             cost[i - 1][j - 1] + (said[i - 1] != heard[j - 1]))
    pairs: list[tuple[str | None, str | None]] = []
    i, j = len(said), len(heard)
    while i or j:
        if i and j and cost[i][j] == cost[i - 1][j - 1] + (said[i - 1] != heard[j - 1]):
            pairs.append((said[i - 1], heard[j - 1]))
            i, j = i - 1, j - 1
        elif i and cost[i][j] == cost[i - 1][j] + 1:
            pairs.append((said[i - 1], None))
            i -= 1
        else:
            pairs.append((None, heard[j - 1]))
            j -= 1
    return pairs[::-1]


def word_error_rate(pairs: Iterable[tuple[str, str]]) -> float:
    """Edits over words said, across all (said, heard) pairs; 0 when nothing was said."""
    errors = total = 0
    for said, heard in pairs:
        reference = words(said)
        total += len(reference)
        errors += sum(s != h for s, h in align(reference, words(heard)))
    return errors / total if total else 0.0
