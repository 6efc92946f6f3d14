"""The spoken turn: audio of one utterance → the reading of it understood best → the Assistant → reply audio.

`VoicePipeline.hear` is the only way audio becomes a turn: `homebody ask --audio`, `homebody
eval --audio` and the live loop (`agent.voice.live`, which reads the utterance ahead during its
silence tail) all call it, so the audio evaluation measures what a user hears.

Whisper's greedy decode is acted on when it is read exactly and nothing the decoder nearly wrote
instead would be answered otherwise (`LEAST_SURE`). Otherwise Whisper's N best hypotheses of the
same encoding (and their repairs: a command said twice once, commas dropped) are each parsed by
the skills' sentences and the matcher, well under a millisecond each, and the one understood
best is acted on, once: "turn on the kitten fight" loses to "turn on the kitchen
light" because only the second names a device (`agent.voice.readings`). The vocabulary prompt
is made of the household's words Whisper finds rare, and rebuilt when the registry's device
list changes (`agent.voice.vocabulary`).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from agent.config import VoiceSettings
from agent.turn.context import TurnContext, TurnResult
from agent.turn.plan import Plan
from agent.turn.policy import answer_kind
from agent.understanding.confidence import EXACT
from agent.understanding.language import language
from agent.voice.audio import SAMPLE_RATE, AudioError, is_silent, read_wav, write_wav
from agent.voice.readings import (MAX_REPAIRS_SCORED, choose_hypothesis, fitting_repair, possible, read_exactly,
                                  readings, understood_whole)
from agent.voice.soundalike import repaired_texts
from agent.voice.stt import Transcriber, Transcript, WhisperTranscriber
from agent.voice.tts import PiperSynthesizer, Synthesizer
from agent.voice.vocabulary import Vocabulary, household_words, whisper_word_cost

if TYPE_CHECKING:
    from agent.config import Settings
    from agent.turn.assistant import Assistant


class Host(Protocol):
    """What the voice layer needs of the running application (agent.app.App is one)."""

    assistant: Assistant
    settings: Settings

log = logging.getLogger(__name__)

N_BEST = 5
"""Hypotheses asked of Whisper (beam 20 instead of greedy): ~100 ms more than one on a 2-core x86, no
more than three; on the tuning voices it understood 1.8 % more commands than three, and eight no more."""
LEAST_SURE = 0.1
"""How sure Whisper's greedy decode must be of its least sure word (`Transcript.sure`) for a reading of it that is
read exactly to be acted on without the N best (`VoicePipeline.understand`). Of a word below `decoding.DOUBTFUL`
(0.5) it must also be that nothing the decoder nearly wrote there (`Transcript.rivals`) would be answered otherwise
(`_acts_otherwise`). On the 792 spoken turns of the dev cases (three default and three tuning voices) the greedy
reading is taken for 43 % of them (26 % when every word must be at 0.5, no rivals read; 40 % when a refused rival
also counts); one is planned otherwise than by the N best, and better ("When is Emma's soccer practice?" asked of
Emma's calendar). The rivals ruled out "Check the Thermostat, just 21." (rival "Set the Thermostat, …") and "Light
off," ("Lights off"). Taken, the reading costs ~100 ms (encoder and greedy decoder) against ~240 with the beam; not
taken, ~45 ms more."""
RIVAL_MARGIN = 2.0
"""Nats of log-probability within which a repair of Whisper's first hypothesis, doing something else, makes a
lower hypothesis understood where the first was not too close to call (`VoicePipeline.rival_repair`)."""
REPLIES = language().replies
UNUSABLE = REPLIES["unusable_recording"]
TOO_LONG = REPLIES["too_long"]
DIDNT_HEAR = REPLIES["didnt_hear"]
APOLOGY = REPLIES["went_wrong"]
QUIET_VOLUME = 0.5
"""Replies in quiet hours are played at this fraction of the normal volume."""


@dataclass(frozen=True)
class LastWord:
    """A reading's last word as the audio bears it out."""

    probability: float
    """Its least likely token, forced through the decoder (`Transcriber.last_words`)."""
    spoken: float
    """The share of its stretch of the audio in which the voice activity detector heard speech."""


@dataclass
class Understood:
    """One utterance heard and read; nothing done yet."""

    transcript: Transcript
    """Whisper's hypotheses, the reading to act on first (`text`); empty when nothing was said."""
    plan: Plan
    """What the skills' sentences or the matcher make of that reading (never the LLM)."""
    last_word: LastWord | None = None
    """How the reading's last word was heard, when asked (by the live loop, of a complete command)."""
    repair_of: str = ""
    """The text Whisper heard that the reading repairs (sound-alikes swapped in), when it is a repair."""


@dataclass
class SpokenTurn:
    """One utterance answered: the turn, what else Whisper heard, and any problem with a recording."""

    result: TurnResult
    hypotheses: list[str] = field(default_factory=list)
    """Whisper's alternatives, the one acted on first; empty when nothing was transcribed."""
    problem: str = ""
    """Why a recording could not be used (unreadable, too long); empty when it could."""
    reply_seconds: float = 0.0
    """Length of the spoken reply written, when one was asked for."""


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
        self._vocabulary_of: tuple[int, Vocabulary] | None = None

    @classmethod
    def from_app(cls, app: Host, **engines: object) -> VoicePipeline:
        return cls(app.assistant, app.settings.voice, **engines)  # type: ignore[arg-type]

    def load(self) -> dict[str, float]:
        """Load and warm both models now rather than on the first command, one after the other;
        milliseconds per model. Not side by side: Whisper's thread pool, started while onnxruntime
        starts Piper's, ran every later transcription 4-10 times slower (1.2-5 s instead of 0.3 s for
        a 2 s command on a 2-core x86); loading them in turn costs ~0.4 s more once."""
        return {name: float(load()) for name, engine in (("stt", self.transcriber), ("tts", self.synthesizer))
                if (load := getattr(engine, "load", None)) is not None}

    @property
    def vocabulary(self) -> Vocabulary:
        """The household's words as the voice layer uses them; rebuilt when the registry changes."""
        version = self.assistant.registry.version
        if self._vocabulary_of is None or self._vocabulary_of[0] != version:
            self._word_cost = self._word_cost or whisper_word_cost(self.settings)
            self._vocabulary_of = (version, household_words(self.assistant, self._word_cost))
        return self._vocabulary_of[1]

    @property
    def prompt(self) -> str:
        """The vocabulary prompt: the household's rare words (else its names)."""
        return self.vocabulary.prompt

    def hear(self, audio: np.ndarray, context: TurnContext, understood: Understood | None = None) -> SpokenTurn:
        """One spoken turn, the only one: nothing is changed unless speech was heard and understood; never raises.

        `understood` is this audio already understood (`understand`), when the caller read it ahead.
        """
        if audio.size > self.settings.max_utterance_seconds * SAMPLE_RATE:
            return SpokenTurn(nothing_done(TOO_LONG))
        if audio.size == 0 or is_silent(audio):
            return SpokenTurn(nothing_done(DIDNT_HEAR))
        try:
            understood = understood or self.understand(audio, context)
        except Exception:
            log.exception("transcription failed")
            return SpokenTurn(nothing_done(APOLOGY))
        transcript = understood.transcript
        try:
            result = (self.assistant.turn(transcript.text, context) if transcript.text
                      else nothing_done(DIDNT_HEAR))
        except Exception:
            log.exception("the assistant failed on %r", transcript.text)
            result = nothing_done(APOLOGY, transcript.text)
        result.timings_ms["stt"] = transcript.ms
        return SpokenTurn(result, transcript.hypotheses)

    def understand(self, audio: np.ndarray, context: TurnContext) -> Understood:
        """The utterance read: Whisper's greedy decode when it is understood exactly and its rivals would not act
        otherwise (`_sure_reading`; the beam's N best cost ~3 times as much), else Whisper's N best (with the
        vocabulary prompt) read as `select` reads them. Both decode the one encoding of the audio."""
        prompt = self.prompt or None
        quick = self.transcriber.quick(audio, prompt) if self.n_best > 1 else None
        if quick is None:
            return self.select(self.transcriber.transcribe(audio, prompt, self.n_best), context)
        understood = self._sure_reading(quick, context)
        if understood is not None:
            return understood
        transcript = self.transcriber.transcribe(audio, prompt, self.n_best, heard=quick.heard)
        transcript.ms += quick.ms
        return self.select(transcript, context)

    def _sure_reading(self, quick: Transcript, context: TurnContext) -> Understood | None:
        """A greedy decode's reading, when the decoder was sure enough of its every word, it is understood exactly as
        something the devices can do, and no rival of it would be understood as another action; None otherwise (and
        while a confirmation waits)."""
        if (quick.sure is None or quick.sure < LEAST_SURE or context.conversation.pending is not None
                or not quick.text):
            return None
        texts, plans, chosen, _ = self._read(quick, context)
        plan = plans[chosen]
        if not read_exactly(plan) or not self.possible(plan):
            return None
        if any(self._acts_otherwise(rival, plan, context) for rival in quick.rivals):
            return None
        return Understood(Transcript(texts[chosen], [texts[chosen]], quick.ms, quick.heard, quick.sure), plan)

    def _acts_otherwise(self, text: str, plan: Plan, context: TurnContext) -> bool:
        """Whether `text` would be answered otherwise than by `plan`'s actions: by others it is understood well enough
        to take unasked (`understanding.confidence`), or by none, understood exactly ("Turn on the" asks which device).
        A rival that names nothing here ("Turn on the best lamp") is refused, which the N best would never choose."""
        rival = self.parse(text, context)
        if not rival.calls:
            return rival.confidence >= EXACT
        return rival.confidence >= self.assistant.settings.understanding.confidence and rival.calls != plan.calls

    def select(self, transcript: Transcript, context: TurnContext) -> Understood:
        """The reading of `transcript` understood best, as `text` (and first of `hypotheses`), with its plan."""
        hypotheses = transcript.hypotheses or ([transcript.text] if transcript.text else [])
        if not hypotheses:
            return Understood(transcript, Plan())
        texts, plans, chosen, chosen_rank = self._read(transcript, context)
        best, plan = texts[chosen], plans[chosen]
        pending = context.conversation.pending is not None
        repair_of = ""
        if not pending and not plan.declined and (not plan.calls or plan.confidence < 1.0):
            best, plan, repair_of = self.repair(transcript, list(dict.fromkeys([best, texts[0]])), plan, context)
        elif not pending and chosen_rank != 0 and best != texts[0]:
            best, plan, repair_of = self.rival_repair(transcript, (texts[0], plans[0]), best, plan, context)
        if best != hypotheses[0]:
            log.debug("acting on %r rather than %r", best, hypotheses[0])
        return Understood(Transcript(best, [best, *(h for h in hypotheses if h != best)], transcript.ms,
                                     transcript.heard), plan, repair_of=repair_of)

    def _read(self, transcript: Transcript, context: TurnContext) -> tuple[list[str], list[Plan], int, int]:
        """Every reading of the transcript's hypotheses (`readings`), each parsed; which to act on first, and the
        rank of the hypothesis it reads."""
        hypotheses = transcript.hypotheses or [transcript.text]
        texts, ranks = zip(*readings(hypotheses), strict=True)
        plans = [self.parse(text, context) for text in texts]
        pending = context.conversation.pending is not None
        # An impossible value loses only to a reading that sets a possible one: "set the thermostat
        # to 40 degrees", heard so in every reading, is refused in words rather than taken for a question.
        possible = [self.possible(plan) for plan in plans]
        sets = any(ok and any(call.tool == "set_state" for call in plan.calls)
                   for ok, plan in zip(possible, plans, strict=True))
        devices = self.assistant.registry.devices
        chosen = choose_hypothesis(plans, list(ranks), [answer_kind(t) is not None for t in texts] if pending else None,
                                   possible if sets else None, lambda device: devices[device].area)
        return list(texts), plans, chosen, ranks[chosen]

    def repair(self, transcript: Transcript, heard: list[str], plan: Plan,
               context: TurnContext) -> tuple[str, Plan, str]:
        """The first of `heard` (understood as `plan`), or the repair of any of them that is understood
        better and fits the audio nearly as well as they do (`fitting_repair`); with its plan, and the text
        heard it repairs (empty when it is no repair)."""
        understood = (bool(plan.calls), plan.confidence)
        better = self._understood_offers(heard, context, lambda parsed: (True, parsed.confidence) > understood)
        scores = self.transcriber.score(transcript, [*heard, *better]) if better else None
        if not scores:
            return heard[0], plan, ""
        log.debug("repairs of %r (%s): %s", heard, ", ".join(f"{s:.1f}" for s in scores[:len(heard)]),
                  ", ".join(f"{c!r} {s:.1f}" for c, s in zip(better, scores[len(heard):], strict=True)))
        whole = frozenset(text for text, (_, parsed, _) in better.items() if understood_whole(parsed))
        chosen = fitting_repair(scores[:len(heard)], {text: offer[0] for text, offer in better.items()},
                                scores[len(heard):], whole)
        if chosen is None:
            return heard[0], plan, ""
        _, repaired, source = better[chosen]
        return chosen, repaired, source

    def rival_repair(self, transcript: Transcript, first: tuple[str, Plan], switch: str, plan: Plan,
                     context: TurnContext) -> tuple[str, Plan, str]:
        """A lower hypothesis understood where Whisper's first was not: the first's repairs understood as well
        compete with it on the audio. One that fits the audio better is acted on, with the text it repairs. One
        that does otherwise and fits within RIVAL_MARGIN of it is too close to call: Whisper's first is taken as
        heard (a recording of "activate Mood Lighting" read "Activate those lighting.", the living room's lights,
        and "Activate mood lighting.", the routine, 1.1 nats apart, for Whisper's first "Activate wood lighting.",
        which is the routine's nearest name). Else the switch. `first` is Whisper's first text with its plan."""
        rivals = self._understood_offers([first[0]], context, lambda parsed: not parsed.say
                                         and parsed.confidence >= plan.confidence, skip=switch)
        scores = self.transcriber.score(transcript, [switch, *rivals]) if rivals else None
        if not scores:
            return switch, plan, ""
        fits = dict(zip(rivals, scores[1:], strict=True))
        rival = max(fits, key=lambda text: fits[text])
        log.debug("repair %r (%.1f) against %r (%.1f)", rival, fits[rival], switch, scores[0])
        _, rival_plan, source = rivals[rival]
        if fits[rival] > scores[0]:
            return rival, rival_plan, source
        if fits[rival] > scores[0] - RIVAL_MARGIN and rival_plan.calls != plan.calls:
            return first[0], first[1], ""
        return switch, plan, ""

    def _understood_offers(self, heard: list[str], context: TurnContext, accepts: Callable[[Plan], bool],
                           skip: str = "") -> dict[str, tuple[float, Plan, str]]:
        """The offers for `heard` (`_offers`, best first) that are understood as calls `accepts` takes and the
        devices can do, MAX_REPAIRS_SCORED at most, half at most with words left not understood (else "… the stand
        lamp and the spacekeeper" and other lamps kept out "… the desk lamp and the space heater"): each with its
        similarity, its plan and the text heard it reads otherwise."""
        found: dict[str, tuple[float, Plan, str]] = {}
        partial = 0
        for candidate, similarity, source in self._offers(heard):
            if len(found) == MAX_REPAIRS_SCORED:
                break
            if candidate not in found and candidate != skip:
                parsed = self.parse(candidate, context)
                if parsed.calls and accepts(parsed) and self.possible(parsed) and (
                        not parsed.say or partial < MAX_REPAIRS_SCORED // 2):
                    found[candidate] = (similarity, parsed, source)
                    partial += bool(parsed.say)
        return found

    def _offers(self, heard: list[str]) -> Iterator[tuple[str, float, str]]:
        """Other readings of the texts heard, with their similarity and the text they read otherwise: Whisper's
        habits put right, then words swapped for sound-alikes; each text's best first, then each one's second,
        and so on."""
        vocabulary = self.vocabulary
        offers = [[(*offer, text) for offer in (*vocabulary.mishearings.readings(text).items(),
                                                *repaired_texts(text, vocabulary.sound_alikes.repairs(text)).items())]
                  for text in heard]
        for offer in itertools.chain.from_iterable(itertools.zip_longest(*offers)):
            if offer is not None:
                yield offer

    def possible(self, plan: Plan) -> bool:
        return possible(plan, self.assistant.registry.devices)

    def parse(self, text: str, context: TurnContext) -> Plan:
        """What the skills' sentences or the matcher make of a text, acting on nothing (never the LLM)."""
        return self.assistant.recognize(text, context)

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


def writable(path: str | Path) -> None:
    """AudioError unless a reply can be written at `path`: checked before acting, not after."""
    if not Path(path).parent.is_dir():
        raise AudioError(f"{path}: cannot write the reply (no folder {Path(path).parent})")


def answer_recording(pipeline: VoicePipeline, path: str | Path, context: TurnContext,
                     say: str | Path | None = None) -> SpokenTurn:
    """`homebody ask --audio IN.wav [--say OUT.wav]`: the recording heard as one spoken turn, the reply written."""
    if say is not None:
        writable(say)
    try:
        audio = read_wav(path, max_seconds=pipeline.settings.max_utterance_seconds)
    except AudioError as error:
        log.info("unusable recording: %s", error)
        spoken = SpokenTurn(nothing_done(UNUSABLE), problem=str(error))
    else:
        spoken = pipeline.hear(audio, context)
    if say is not None:
        spoken.reply_seconds = pipeline.reply_wav(spoken.result, say)
    return spoken


def answer_text(pipeline: VoicePipeline, text: str, context: TurnContext, say: str | Path) -> SpokenTurn:
    """`homebody ask TEXT --say OUT.wav`: a typed turn (the text as typed) with a spoken reply."""
    writable(say)
    result = pipeline.assistant.turn(text, context)
    return SpokenTurn(result, [text], reply_seconds=pipeline.reply_wav(result, say))
