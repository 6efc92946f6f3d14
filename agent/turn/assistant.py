"""The Assistant: one object that runs a turn, used by the CLI, the voice loop, evaluation and tests."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from agent.replies.answers import referred_to
from agent.config import Settings
from agent.turn.executor import CallResult, Controller, Executor, SkillRunner
from agent.understanding.language import language
from agent.understanding.matcher import Matcher
from agent.understanding.recognizer import CandidateSource, Recognizer
from agent.understanding.sentences import AssistantSentences
from agent.turn.household import Answerer, HouseholdTools
from agent.turn.planned import Plans
from agent.turn.presence import Presence
from agent.turn.recall import history_of
from agent.turn.briefing import the_day
from agent.memory.store import HouseholdStore
from devices.errors import StoreError
from agent.turn.plan import DeviceChange, GetState, Later, Plan, SetState, Watch, devices_of
from agent.turn.policy import RateLimiter, answer_kind, confirmation_question, pending_for, pin_matches, risky_actions
from agent.turn.quiet import in_quiet_hours, quiet_reply
from agent.replies.replies import reply_for
from agent.turn.context import Announce, Conversation, TurnContext, TurnResult, log_announcement
from agent.replies.grammar import GRAMMAR, join_words
from agent.replies.wording import display_name
from devices.household import Household
from devices.registry import Registry

log = logging.getLogger(__name__)

REPLIES = language().replies

SET_ACTIONS = {("state", "on"): "on", ("state", "off"): "off", ("state", "open"): "open",
               ("state", "closed"): "close", ("state", "locked"): "lock", ("state", "unlocked"): "unlock"}

class Planner(Protocol):
    def plan(self, text: str, context: TurnContext) -> Plan | None: ...


TurnObserver = Callable[[TurnResult, TurnContext], None]


@dataclass
class Assistant:
    """Understands, checks, acts and replies; holds nothing per conversation itself."""

    registry: Registry
    controller: Controller
    household: Household
    settings: Settings = field(default_factory=Settings)
    sources: list[CandidateSource] = field(default_factory=list)
    """Sentence readers beside the device reader (the skills); the recognizer weighs them all."""
    skill_runner: SkillRunner | None = None
    planner: Planner | None = None
    """The LLM planner, asked when the matcher is unsure (see understanding.llm)."""
    observers: list[TurnObserver] = field(default_factory=list)
    """Told about every finished turn (the history writer is one)."""
    preferences: Callable[[str, str], object] | None = None
    """(person, key) -> value from the household store; None reads the household file."""
    abilities: Callable[[], list[str]] = list
    """What the installed skills can do, in words, for "what can you do"."""
    answers: Answerer | None = None
    """A language model able to answer general questions, when one is configured."""
    store: HouseholdStore | None = None
    """The household database: what is planned, who is home, the history; None keeps them for this run."""
    announce: Announce = log_announcement
    """Speaks what homebody says unprompted (a later command done, an automation fired)."""
    clock: Callable[[], datetime] | None = None
    """The local time now; None is the wall clock (the evaluation and tests pass their own)."""

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.registry, self.household.routines, self.preference)
        own = AssistantSentences(self.matcher, self.people)
        self.recognizer = Recognizer(self.matcher, [own, *self.sources])
        self.routines = {r.id: r for r in self.household.routines}
        self.rate_limiter = RateLimiter(self.settings.safety.actuations_per_minute)
        self.plans = Plans(self.store, self.registry, self._run_plan, self.announce,
                           lambda: {r.id: r.name for r in self.household.routines}, lambda: self.now(TurnContext()))
        self.tools = HouseholdTools(
            self.registry, self._run_plan, self.plans, Presence(self.store, self.people), self.now,
            self.abilities, self.answers, routine_named=self._routine_named, routines_on=self._routines_on,
            day=lambda context: the_day(self.store, self.registry, context.person, self.now(context), self.people),
            history=history_of(self.store, self.registry, ZoneInfo(self.household.home.timezone), self.people,
                               lambda: self.now(TurnContext())))
        self.executor = Executor(self.registry, self.controller, self.household.routines, self.skill_runner,
                                 self.tools.run)

    def people(self) -> dict[str, str]:
        """Person id -> name, as the household knows them now."""
        if self.store is not None:
            try:
                return {p.id: p.name for p in self.store.people()} or {p.id: p.name for p in self.household.people}
            except StoreError:
                pass
        return {p.id: p.name for p in self.household.people}

    def _routines_on(self, event: str) -> list[str]:
        return [r.id for r in self.household.routines if r.on == event]

    def _routine_named(self, name: str) -> str | None:
        wanted = name.casefold()
        return next((r.id for r in self.household.routines
                     if wanted in (n.casefold() for n in (r.name, *r.aliases))), None)

    def _run_plan(self, plan: Plan, context: TurnContext) -> list[CallResult]:
        return self.executor.run(plan, context)

    def preference(self, person: str, key: str) -> object:
        """A person's preference: from the household store when there is one, else the household file."""
        if self.preferences is not None:
            return self.preferences(person, key)
        people = {p.id: p for p in self.household.people}
        return people[person].preferences.get(key) if person in people else None

    def turn(self, text: str, context: TurnContext | None = None) -> TurnResult:
        """Run one turn; `context.conversation` is updated in place for the next one."""
        context = context or TurnContext()
        started = time.perf_counter()
        context.conversation.heard = text
        pending = context.conversation.pending
        if pending is not None:
            context.conversation.pending = None
            confirmed = self._answer_pending(text, context, pending)
            if confirmed is not None:
                return self._finish(confirmed, context, started)
        plan = self.understand(text, context)
        understood = time.perf_counter()
        result = self._act(text, plan, context)
        result.timings_ms["understand"] = (understood - started) * 1000
        return self._finish(result, context, started)

    def act(self, text: str, plan: Plan, context: TurnContext) -> TurnResult:
        """Run a plan made without words (the web page's buttons) as a turn: the same safety tiers, confirmation,
        limits, reply and history as a spoken one. `text` says what was asked, for the history."""
        started = time.perf_counter()
        context.conversation.heard = text
        context.conversation.pending = None
        return self._finish(self._act(text, plan, context), context, started)

    def recognize(self, text: str, context: TurnContext) -> Plan:
        """The recognizer's best reading of a text, acting on nothing (never the LLM)."""
        return self.recognizer.recognize(text, context).plan

    def understand(self, text: str, context: TurnContext) -> Plan:
        """The recognizer's best reading; the LLM planner as configured (off|fallback|always)."""
        mode = self.settings.understanding.llm if self.planner is not None else "off"
        if mode == "always":
            planned = self.planner.plan(text, context) if self.planner else None
            if planned is not None:
                return planned
        plan = self.recognize(text, context)
        if mode == "fallback" and plan.confidence < self.settings.understanding.confidence and self.planner:
            planned = self.planner.plan(text, context)
            if planned is not None and (planned.calls or not plan.say):
                return planned
        return plan

    def _act(self, text: str, plan: Plan, context: TurnContext) -> TurnResult:
        if not plan.calls:
            return TurnResult(text, plan.say or REPLIES["didnt_understand"], plan, plan.path)
        risky = risky_actions(plan, self.registry, self.routines)
        if risky:
            question = confirmation_question(risky)
            if self.settings.safety.pin_sha256:
                question = REPLIES["pin_to_confirm"].format(question=question)
            context.conversation.pending = pending_for(plan, context.area, self.settings.safety.confirm_seconds, question)
            return TurnResult(text, question, plan, plan.path, awaiting_confirmation=True)
        return self._execute(text, plan, context)

    def _execute(self, text: str, plan: Plan, context: TurnContext) -> TurnResult:
        over = self.rate_limiter.refused(plan, self.registry, self.routines)
        if over:
            names = join_words([GRAMMAR.the.format(name=display_name(d)) for d in over], comma=False)
            reply = REPLIES["changed_too_often"].format(names=names)
            return TurnResult(text, reply, plan, plan.path)
        started = time.perf_counter()
        before = context.conversation.snapshot = self.registry.states.snapshot()
        results = self.executor.run(plan, context)
        acted = time.perf_counter()
        reply = reply_for(results, self.registry)
        if plan.say:
            reply = f"{plan.say} {reply}"
        outcomes = [o for r in results for o in r.outcomes]
        self._remember(plan, context, results)
        changed = {o.device_id for o in outcomes if before.get(o.device_id) != self.registry.state(o.device_id)}
        if changed:
            context.conversation.before = {d: before[d] for d in changed if d in before}
        result = TurnResult(text, reply, plan, plan.path, outcomes)
        result.timings_ms["act"] = (acted - started) * 1000
        return result

    def _answer_pending(self, text: str, context: TurnContext, pending) -> TurnResult | None:
        """A yes from the same room before expiry runs the held plan; anything else cancels it."""
        pin = self.settings.safety.pin_sha256
        answer = answer_kind(text)
        if pin and pin_matches(text, pin):
            answer = "yes"
        elif pin and answer == "yes":
            return TurnResult(text, REPLIES["needs_pin"], Plan(), "none")
        expired = time.monotonic() > pending.expires_at
        same_room = pending.area == context.area
        if answer == "yes" and not expired and same_room:
            return self._execute(text, pending.plan, context)
        if answer == "yes":
            reason = REPLIES["request_expired"] if expired else REPLIES["another_room"]
            return TurnResult(text, REPLIES["ask_again"].format(reason=reason), Plan(path="none"), "none")
        if answer == "no":
            return TurnResult(text, REPLIES["wont"], Plan(path="none"), "none")
        return None

    def now(self, context: TurnContext) -> datetime:
        """The turn's local time: the context's when given (evaluation, tests), else the clock."""
        zone = ZoneInfo(self.household.home.timezone)
        if context.now is None:
            return self.clock() if self.clock is not None else datetime.now(zone)
        return context.now if context.now.tzinfo else context.now.replace(tzinfo=zone)

    def _remember(self, plan: Plan, context: TurnContext, results: list[CallResult]) -> None:
        devices = [d for r in results
                   for d in (referred_to(r.data, self.registry) if isinstance(r.call, GetState) and r.data
                             else devices_of(r.call))]
        if devices:
            context.conversation.last_devices = list(dict.fromkeys(devices))
        if any(isinstance(c, DeviceChange) for c in plan.calls) \
                and not any(isinstance(c, Later | Watch) for c in plan.calls):
            context.conversation.last_planned = None  # "never mind" after this is not about a timer set before
        first = plan.calls[0] if plan.calls else None
        if isinstance(first, SetState):
            changes = dict(first.changes)
            action = next((SET_ACTIONS[(k, v)] for k, v in changes.items() if (k, v) in SET_ACTIONS), None)
            context.conversation.last_call = {"tool": first.tool, "action": action or "set", "changes": changes}

    def _finish(self, result: TurnResult, context: TurnContext, started: float) -> TurnResult:
        if in_quiet_hours(self.household.home, self.now(context)):
            result.quiet = True
            result.reply = quiet_reply(result.reply)
        if result.outcomes or any(isinstance(c, Later) for c in result.plan.calls):
            context.conversation.last_reply = result.reply  # "what did you just do"
        result.timings_ms["total"] = (time.perf_counter() - started) * 1000
        for observer in self.observers:
            try:
                observer(result, context)
            except Exception:  # an observer must never break a turn
                log.exception("turn observer failed")
        log.info("turn %r -> %r (%s, %.1f ms)", result.text, result.reply, result.path, result.timings_ms["total"])
        return result


def new_conversation(area: str | None = None, person: str | None = None) -> TurnContext:
    return TurnContext(area=area, person=person, conversation=Conversation())
