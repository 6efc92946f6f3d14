"""The one recognizer: every reading of an utterance, from sentence templates and the device reader,
scored on one scale (agent/understanding/confidence.py) and the best chosen.

Sources of sentence candidates (the skills, the assistant's own sentences in the language file)
give each template that fits; the device reader gives its plan. A template fit scores 1.0 less the
cost of the device talk in its free text (a calendar title "put the heating on" is likelier a
command; one that is only a device's name, "cancel the kettle", is none). The highest score wins; on a tie a sentence beats the device
reader (a template is the more specific reading); readings that would act differently and are
too close to call become a question back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from agent.turn.context import TurnContext
from agent.turn.plan import GetState, OpenQuestion, Plan
from agent.understanding.confidence import CLOSE_CALL, DEVICE_TALK_COST, EXACT, OPEN_QUESTION
from agent.understanding.language import language
from agent.understanding.matcher import Matcher
from agent.understanding.mentions import find_mentions
from agent.understanding.normalize import normalize
from agent.understanding.templates import Match

log = logging.getLogger(__name__)
WORDS = language()
REPLIES = WORDS.replies


@dataclass(frozen=True)
class Candidate:
    """One reading of an utterance and its score."""

    plan: Plan
    score: float
    """On the recognizer's scale: 1.0 is every word understood exactly."""
    source: str
    """"devices", or the name of the sentences' owner ("timers", "assistant")."""
    specificity: tuple[int, int] = (0, 0)
    """For sentences: (characters in free text, template characters negated); lower is more specific."""


@dataclass(frozen=True)
class Recognition:
    """What the recognizer made of an utterance: the chosen plan and every reading it weighed."""

    plan: Plan
    candidates: tuple[Candidate, ...] = field(default=())


class CandidateSource(Protocol):
    """Something that reads sentences: the skill host, the assistant's own sentences."""

    def candidates(self, text: str, context: TurnContext, free_cost: Callable[[Match], float]) -> list[Candidate]: ...


@dataclass
class PlanSource:
    """A source from a function that may claim an utterance with a plan (tests, other engines)."""

    claim: Callable[[str, TurnContext], Plan | None]
    name: str = "claimed"

    def candidates(self, text: str, context: TurnContext, free_cost: Callable[[Match], float]) -> list[Candidate]:
        plan = self.claim(text, context)
        return [] if plan is None else [Candidate(plan, EXACT, self.name)]


@dataclass
class Recognizer:
    """Chooses among the readings of every source; never acts."""

    matcher: Matcher
    sources: list[CandidateSource] = field(default_factory=list)

    def recognize(self, text: str, context: TurnContext) -> Recognition:
        candidates = self._readings(text, context)
        plan = choose(candidates)
        if plan.confidence < EXACT:
            plan = self._compound(normalize(text), context) or plan
        if not plan.calls and not plan.declined and self._open_question(normalize(text)):
            plan = Plan([OpenQuestion(text.strip())], confidence=OPEN_QUESTION, path="matcher")
        return Recognition(plan, tuple(candidates))

    def _compound(self, tokens: list[str], context: TurnContext) -> Plan | None:
        """ "Switch off the telly and remind me to call grandma at 7": readings of different sources joined at a
        splitter, each understood on its own, when together they are understood better than the whole."""
        best: Plan | None = None
        for i, token in enumerate(tokens):
            if token not in WORDS.commands.splitters or i in (0, len(tokens) - 1):
                continue
            left, right = (self._part(part, context) for part in (tokens[:i], tokens[i + 1:]))
            if left is None or right is None:
                continue
            score = min(left.confidence, right.confidence)
            if score > (best.confidence if best else 0.0):
                best = Plan(left.calls + right.calls, confidence=score, path="matcher")
        return best

    def _part(self, tokens: list[str], context: TurnContext) -> Plan | None:
        text = " ".join(t for t in tokens if t != ",")
        plan = choose(self._readings(text, context))
        return plan if plan.calls and not plan.say and plan.confidence >= EXACT else None

    def _open_question(self, tokens: list[str]) -> bool:
        """A question or request that nothing understood and that names nothing of the household: one for a
        language model ("how long should I boil an egg"), never "I don't have a device called …"."""
        if not tokens or not (tokens[0] in WORDS.questions.starts or tokens[0] in WORDS.questions.open_starts):
            return False
        return not any(m.type != "kind" or m.score >= EXACT for m in find_mentions(tokens, self.matcher.index))

    def _readings(self, text: str, context: TurnContext) -> list[Candidate]:
        return [*self._sentence_candidates(text, context), self._device_candidate(text, context)]

    def _device_candidate(self, text: str, context: TurnContext) -> Candidate:
        plan = self.matcher.match(text, context)
        return Candidate(plan, plan.confidence, "devices")

    def _sentence_candidates(self, text: str, context: TurnContext) -> list[Candidate]:
        found: list[Candidate] = []
        for source in self.sources:
            try:
                found += source.candidates(text, context, self.device_talk)
            except Exception:  # a plugin's slot type failed: the other readings still count
                log.exception("sentences of %s failed on %r", type(source).__name__, text)
        return found

    def device_talk(self, fit: Match) -> float:
        """What the device talk in a fit's free text costs it: DEVICE_TALK_COST a word that names a device or
        kind of device of this household (as nearly as it was heard), everything when a free text is nothing but
        such a name."""
        cost = 0.0
        for free in fit.free_texts:
            tokens = normalize(free)
            mentions = [m for m in find_mentions(tokens, self.matcher.index) if m.type in ("device", "kind")]
            named = {i for m in mentions if m.score >= EXACT for i in range(m.start, m.end)}
            if named and all(i in named or t in WORDS.words.function for i, t in enumerate(tokens)):
                return EXACT  # "cancel the kettle": the kettle, not a calendar entry called so
            cost += DEVICE_TALK_COST * sum(m.score * (m.end - m.start) for m in mentions)
        return cost


def sentence_candidate(plan: Plan, fit: Match, source: str, free_cost: Callable[[Match], float]) -> Candidate:
    """A template fit as a candidate: exact, less what the device talk in its free text costs."""
    score = max(0.0, EXACT - free_cost(fit)) if fit.free_texts else EXACT
    return Candidate(replace(plan, confidence=score), score, source, fit.rank)


def choose(candidates: Iterable[Candidate]) -> Plan:
    """The best reading; a question back when two that would act differently are too close to call."""
    ranked = sorted((c for c in candidates if c.score > 0 or c.source == "devices"), key=_rank)
    if not ranked:
        return Plan(say=REPLIES["not_understood"], path="matcher")
    best = ranked[0]
    rival = next((c for c in ranked[1:] if _acts(c.plan) and _acts(best.plan) and c.plan.calls != best.plan.calls), None)
    if rival is not None and best.score < EXACT and best.score - rival.score < CLOSE_CALL \
            and best.source != rival.source:
        return Plan(say=REPLIES["close_call"], path="matcher", confidence=best.score)
    return best.plan


def _rank(candidate: Candidate) -> tuple[float, int, tuple[int, int]]:
    return (-candidate.score, candidate.source == "devices", candidate.specificity)


def _acts(plan: Plan) -> bool:
    return bool(plan.calls) and not all(isinstance(call, GetState) for call in plan.calls)
