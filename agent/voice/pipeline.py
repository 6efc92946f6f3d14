"""The voice pipeline: audio → the best of Whisper's hypotheses → the Assistant → reply audio.

Whisper's N best hypotheses (and their repairs: a command said twice once, commas dropped) are
each parsed by the skills' sentences and the matcher, well under a millisecond each, and the
one understood best is acted on, once: "turn on the kitten fight" loses to "turn on the kitchen
light" because only the second names a device. The vocabulary prompt is made of the
household's words Whisper finds rare, and rebuilt when the registry's device list changes.
The live loop around this pipeline is in `agent.voice.live`.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from agent.voice.audio import SAMPLE_RATE, AudioError, is_silent, read_wav, write_wav
from agent.config import VoiceSettings
from agent.understanding.frames import COMPARATIVES
from agent.understanding.language import known_words
from agent.voice.listen import APOLOGY, DIDNT_HEAR
from agent.turn.plan import Plan, SetState
from agent.turn.policy import answer_kind
from agent.voice.soundalike import SoundAlikes, repaired_texts
from agent.voice.stt import Transcriber, Transcript, WhisperTranscriber, resolve_stt_model, vocabulary_prompt
from agent.voice.tts import PiperSynthesizer, Synthesizer
from agent.turn.context import TurnContext, TurnResult
from devices.colors import NAMED_COLORS
from devices.errors import ConfigError, InvalidChange
from devices.model import validate_change

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.turn.assistant import Assistant


class Host(Protocol):
    """What the voice layer needs of the running application (agent.app.App is one)."""

    assistant: Assistant
    settings: Settings

log = logging.getLogger(__name__)

_PIECES = re.compile(r"[,.!?;]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_CLAUSE_STARTS = ("and", "then", "also", "turn", "switch", "set", "make", "put", "start", "stop", "open", "close",
                  "lock", "unlock", "dim", "brighten", "mute", "unmute", "pause", "play", "raise", "lower", "what",
                  "is", "are", "how")
_STRAY_COMMA = re.compile(rf"\s*,(?!\s*(?:{'|'.join(_CLAUSE_STARTS)})\b)\s*", re.IGNORECASE)
"""A comma Whisper put inside a clause: one not followed by a word that starts a new clause."""

N_BEST = 5
"""Hypotheses asked of Whisper (beam 20 instead of greedy): ~100 ms more than one on a 2-core x86, no
more than three; on the tuning voices it understood 1.8 % more commands than three, and eight no more."""
SWITCH_MARGIN = 0.05
"""How much more confident the matcher must be before a lower-ranked hypothesis replaces Whisper's first."""
REPAIR_MARGIN = 7.5
"""Nats of log-probability a sound-alike repair may fall behind the text heard, both scored on the
audio. On the tuning voices most right repairs came within 5 and a few up to 7.7 behind ("Best
lamp on." → "Desk lamp on." 7.1); wrong ones that parse 7.2 or more (the 7.2 replaced every word
heard, which is no longer offered)."""
SIMILARITY_WEIGHT = 0.1
"""Nats one point of spelling or sound similarity (0–100) is worth when repairs fit the audio alike."""
MAX_REPAIRS_SCORED = 8
"""Repairs scored against the audio at most, in one batch: ~60 ms on a 2-core x86."""
UNUSABLE = "Sorry, I couldn't use that recording."
TOO_LONG = "Sorry, that was too long for a command."
QUIET_VOLUME = 0.5
"""Replies in quiet hours are played at this fraction of the normal volume."""


def household_vocabulary(assistant: Assistant) -> list[str]:
    """The household's names for Whisper's prompt: people, rooms, devices, routines, floors, then aliases."""
    registry, household = assistant.registry, assistant.household
    primary = [p.name for p in household.people]
    primary += [a.name for a in registry.areas.values()]
    primary += [d.name for d in registry.devices.values()]
    primary += [r.name for r in household.routines]
    aliases = [alias for group in (registry.areas.values(), registry.devices.values(), registry.floors.values(),
                                   household.routines) for item in group for alias in item.aliases]
    return primary + [f.name for f in registry.floors.values()] + aliases


def rare_words(names: list[str], word_cost: Callable[[str], int]) -> list[str]:
    """The words of `names` Whisper finds rare (two or more tokens), rarest first; "Emma's" before "kitchen".

    On the tuning voices a prompt of rare words understood ~2.5 % more commands than one of
    whole names (which fits fewer of them and invites commas between names).
    """
    costs: dict[str, tuple[str, int]] = {}
    for name in names:
        for word in _WORD.findall(name):
            if word.lower() not in costs:
                costs[word.lower()] = (word, word_cost(word))
    rare = [(word, cost) for word, cost in costs.values() if cost >= 2]
    return [word for word, _ in sorted(rare, key=lambda item: -item[1])]


def whisper_word_cost(settings: VoiceSettings) -> Callable[[str], int] | None:
    """Tokens the configured Whisper model spends on a word; None when its tokenizer cannot be read."""
    from tokenizers import Tokenizer

    try:
        path = resolve_stt_model(settings.stt_model) / "tokenizer.json"
    except ConfigError:
        return None
    if not path.is_file():
        log.info("%s has no tokenizer.json: the vocabulary prompt lists whole names", path.parent)
        return None
    tokenizer = Tokenizer.from_file(str(path))
    return lambda word: len(tokenizer.encode(" " + word.lower(), add_special_tokens=False).ids)


def readings(hypotheses: list[str]) -> list[tuple[str, int]]:
    """Each hypothesis with its Whisper rank, repaired first: a phrase said twice once, then without commas.

    Speech has no commas: Whisper adds them, often inside names ("open the bedroom, blinds,
    halfway") as in its comma-separated vocabulary prompt; only those before a new clause ("…,
    turn off the TV") are kept. On short commands it may also say the command twice. The text
    as heard stays a reading of its own, after its repairs.
    """
    found: dict[str, int] = {}
    for rank, text in enumerate(hypotheses):
        pieces = [" ".join(piece.split()) for piece in _PIECES.split(text) if piece.strip()]
        repeated = len(pieces) > 1 and len({piece.lower() for piece in pieces}) == 1
        for reading in (pieces[0] if repeated else "", " ".join(_STRAY_COMMA.sub(" ", text).split()), text):
            if reading:
                found.setdefault(reading, rank)
    return list(found.items())


def choose_hypothesis(plans: list[Plan], ranks: list[int], confirming: list[bool] | None = None,
                      possible: list[bool] | None = None) -> int:
    """Index of the reading to act on: one understood as actions the devices can do, most confidently.

    A reading understood whole beats one with a part left over (a plan that also says "Which
    device?" or "I don't have …"). Whisper's first hypothesis (rank 0) wins ties and near-ties
    (within SWITCH_MARGIN), and earlier readings win exact ties. A reading asking for a value a
    device cannot take ("Emma's radiator to 2018" for "… to 18") loses to one that is `possible`.
    While a confirmation is pending, the first reading that is a yes or a no wins (`confirming`).
    When Whisper's best reading declines ("don't turn on the heater"), no other reading acts instead.
    """
    if confirming is not None and any(confirming):
        return confirming.index(True)
    if plans and plans[0].declined and ranks[0] == 0:
        return 0

    def score(i: int) -> tuple[bool, bool, bool, float]:
        return (bool(plans[i].calls), possible is None or possible[i], not plans[i].say,
                plans[i].confidence - (SWITCH_MARGIN if ranks[i] else 0.0))

    return max(range(len(plans)), key=score, default=0)


def nothing_done(reply: str, text: str = "") -> TurnResult:
    """A turn in which the assistant was not asked: nothing heard, unusable audio, a failure."""
    return TurnResult(text, reply, Plan(path="none"), "none")


class VoicePipeline:
    """Transcriber and synthesizer (loaded once) in front of one Assistant."""

    def __init__(self, assistant: Assistant, settings: VoiceSettings, transcriber: Transcriber | None = None,
                 synthesizer: Synthesizer | None = None, n_best: int = N_BEST,
                 word_cost: Callable[[str], int] | None = None):
        self.assistant = assistant
        self.settings = settings
        self.transcriber = transcriber or WhisperTranscriber(settings)
        self.synthesizer = synthesizer or PiperSynthesizer(settings)
        self.n_best = n_best
        self._word_cost = word_cost
        self._vocabulary_of: tuple[int, str, SoundAlikes] | None = None

    @classmethod
    def from_app(cls, app: Host, **engines: object) -> VoicePipeline:
        return cls(app.assistant, app.settings.voice, **engines)  # type: ignore[arg-type]

    def load(self) -> dict[str, float]:
        """Load and warm both models now rather than on the first command, side by side (both load
        in native code, so together they take ~0.4 s less on a 2-core x86); milliseconds per model."""
        loads = {name: load for name, engine in (("stt", self.transcriber), ("tts", self.synthesizer))
                 if (load := getattr(engine, "load", None)) is not None}
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="load") as pool:
            started = {name: pool.submit(load) for name, load in loads.items()}
            return {name: float(future.result()) for name, future in started.items()}

    @property
    def prompt(self) -> str:
        """The vocabulary prompt: the household's rare words (else its names)."""
        return self._vocabulary()[0]

    @property
    def sound_alikes(self) -> SoundAlikes:
        """The household's words and colours to repair a transcript towards."""
        return self._vocabulary()[1]

    def _vocabulary(self) -> tuple[str, SoundAlikes]:
        """The prompt and the sound-alikes, both made from the household's names; rebuilt when the registry changes."""
        version = self.assistant.registry.version
        if self._vocabulary_of is None or self._vocabulary_of[0] != version:
            names = household_vocabulary(self.assistant)
            self._word_cost = self._word_cost or whisper_word_cost(self.settings)
            rare = rare_words(names, self._word_cost) if self._word_cost is not None else []
            known = self.assistant.matcher.index.words | known_words()
            people = [person.name for person in self.assistant.household.people]
            alikes = SoundAlikes([*names, *NAMED_COLORS], known, proper_names=people, endings=COMPARATIVES)
            self._vocabulary_of = (version, vocabulary_prompt(rare or names), alikes)
        return self._vocabulary_of[1], self._vocabulary_of[2]

    def transcribe(self, audio: np.ndarray, context: TurnContext) -> Transcript:
        """Whisper's N best, with the one to act on moved to the front (`text`)."""
        transcript = self.transcriber.transcribe(audio, self.prompt or None, self.n_best)
        return self.select(transcript, context)

    def select(self, transcript: Transcript, context: TurnContext) -> Transcript:
        """The same transcript with the reading understood best as `text` (and first of `hypotheses`)."""
        hypotheses = transcript.hypotheses or ([transcript.text] if transcript.text else [])
        if not hypotheses:
            return transcript
        texts, ranks = zip(*readings(hypotheses), strict=True)
        plans = [self.parse(text, context) for text in texts]
        pending = context.conversation.pending is not None
        # An impossible value loses only to a reading that sets a possible one: "set the thermostat
        # to 40 degrees", heard so in every reading, is refused in words rather than taken for a question.
        possible = [self.possible(plan) for plan in plans]
        sets = any(ok and any(call.tool == "set_state" for call in plan.calls)
                   for ok, plan in zip(possible, plans, strict=True))
        chosen = choose_hypothesis(plans, list(ranks), [answer_kind(t) is not None for t in texts] if pending else None,
                                   possible if sets else None)
        best = texts[chosen]
        if not pending and not plans[chosen].declined and (not plans[chosen].calls or plans[chosen].confidence < 1.0):
            best = self.repair(transcript, list(dict.fromkeys([best, texts[0]])), plans[chosen], context)
        if best != hypotheses[0]:
            log.debug("acting on %r rather than %r", best, hypotheses[0])
        return Transcript(best, [best, *(h for h in hypotheses if h != best)], transcript.ms)

    def repair(self, transcript: Transcript, heard: list[str], plan: Plan, context: TurnContext) -> str:
        """The first of `heard` (understood as `plan`), or the sound-alike repair of any of them that is
        understood better and fits the audio best, when it fits nearly as well as they do (within
        REPAIR_MARGIN); closer spellings win near-ties."""
        understood = (bool(plan.calls), plan.confidence)
        better: dict[str, float] = {}
        offers = [repaired_texts(text, self.sound_alikes.repairs(text)).items() for text in heard]
        for offer in itertools.chain.from_iterable(itertools.zip_longest(*offers)):  # each reading's best first
            if offer is not None and len(better) < MAX_REPAIRS_SCORED and offer[0] not in better:
                candidate, similarity = offer
                parsed = self.parse(candidate, context)
                if parsed.calls and (True, parsed.confidence) > understood and self.possible(parsed):
                    better[candidate] = similarity
        scores = self.transcriber.score(transcript, [*heard, *better]) if better else None
        if not scores:
            return heard[0]
        floor = max(scores[:len(heard)]) - REPAIR_MARGIN
        fits = {candidate: score for candidate, score in zip(better, scores[len(heard):], strict=True)
                if score >= floor}
        log.debug("repairs of %r (%s): %s", heard, ", ".join(f"{s:.1f}" for s in scores[:len(heard)]),
                  ", ".join(f"{c!r} {s:.1f}" for c, s in zip(better, scores[len(heard):], strict=True)))
        if not fits:
            return heard[0]
        return max(fits, key=lambda candidate: fits[candidate] + SIMILARITY_WEIGHT * better[candidate])

    def possible(self, plan: Plan) -> bool:
        """Whether every value the plan sets is one its devices can take (a misheard number often is not)."""
        devices = self.assistant.registry.devices
        try:
            for call in plan.calls:
                if isinstance(call, SetState):
                    for device_id in call.devices:
                        if device_id in devices:
                            validate_change(devices[device_id], call.changes)
        except InvalidChange:
            return False
        return True

    def parse(self, text: str, context: TurnContext) -> Plan:
        """What the skills' sentences or the matcher make of a text, acting on nothing (never the LLM)."""
        return self.assistant.recognize(text, context)

    def hear(self, audio: np.ndarray, context: TurnContext, transcript: Transcript | None = None) -> TurnResult:
        """One spoken turn: nothing is changed unless speech was heard and understood; never raises."""
        if audio.size > self.settings.max_utterance_seconds * SAMPLE_RATE:
            return nothing_done(TOO_LONG)
        if audio.size == 0 or is_silent(audio):
            return nothing_done(DIDNT_HEAR)
        try:
            transcript = transcript or self.transcribe(audio, context)
        except Exception:
            log.exception("transcription failed")
            return nothing_done(APOLOGY)
        if not transcript.text:
            return nothing_done(DIDNT_HEAR)
        try:
            result = self.assistant.turn(transcript.text, context)
        except Exception:
            log.exception("the assistant failed on %r", transcript.text)
            return nothing_done(APOLOGY, transcript.text)
        result.timings_ms["stt"] = transcript.ms
        return result

    def reply_audio(self, result: TurnResult) -> Iterator[np.ndarray]:
        """The spoken reply as int16 chunks, the first as early as possible; softer in quiet hours."""
        for chunk in self.synthesizer.stream(result.reply):
            yield (chunk * QUIET_VOLUME).astype(np.int16) if result.quiet else chunk

    def reply_wav(self, result: TurnResult, path: str | Path) -> float:
        """Write the spoken reply as a WAV; returns its duration in seconds."""
        writable(path)
        chunks = list(self.reply_audio(result))
        audio = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        try:
            write_wav(path, audio, self.synthesizer.sample_rate)
        except OSError as error:
            raise AudioError(f"{path}: cannot write the reply ({error.strerror or error})") from None
        return audio.size / self.synthesizer.sample_rate


@dataclass
class AudioAnswer:
    """One recorded question answered: what was heard, what was said, and any problem with the audio."""

    result: TurnResult
    hypotheses: list[str] = field(default_factory=list)
    """Whisper's alternatives, the one acted on first."""
    problem: str = ""
    """Why the recording could not be used (unreadable, too long); empty when it could."""
    reply_seconds: float = 0.0
    """Length of the spoken reply written, when one was asked for."""


def writable(path: str | Path) -> None:
    """AudioError unless a reply can be written at `path`: checked before acting, not after."""
    if not Path(path).parent.is_dir():
        raise AudioError(f"{path}: cannot write the reply (no folder {Path(path).parent})")


def answer_recording(pipeline: VoicePipeline, path: str | Path, context: TurnContext,
                     say: str | Path | None = None) -> AudioAnswer:
    """`homebody ask --audio IN.wav [--say OUT.wav]`: transcribe, act, and write the spoken reply."""
    if say is not None:
        writable(say)
    try:
        audio = read_wav(path, max_seconds=pipeline.settings.max_utterance_seconds)
    except AudioError as error:
        log.info("unusable recording: %s", error)
        answer = AudioAnswer(nothing_done(UNUSABLE), problem=str(error))
    else:
        transcript = None
        if audio.size and not is_silent(audio):
            transcript = pipeline.transcribe(audio, context)
        answer = AudioAnswer(pipeline.hear(audio, context, transcript), transcript.hypotheses if transcript else [])
    if say is not None:
        answer.reply_seconds = pipeline.reply_wav(answer.result, say)
    return answer


def answer_text(pipeline: VoicePipeline, text: str, context: TurnContext, say: str | Path) -> AudioAnswer:
    """`homebody ask TEXT --say OUT.wav`: a typed turn with a spoken reply."""
    writable(say)
    result = pipeline.assistant.turn(text, context)
    return AudioAnswer(result, [text], reply_seconds=pipeline.reply_wav(result, say))
