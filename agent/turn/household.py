"""The assistant's own tools: small talk, open questions, undo and recall, later commands and automations,
who is home, the morning briefing — what no device and no skill does.

They run beside the device tools (agent/turn/executor.py) and read the conversation, the household
and the devices; what they say comes from the language file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from agent.replies.grammar import join_words
from agent.turn.context import TurnContext
from agent.turn.executor import CallResult
from agent.turn.plan import (
    Briefing, CancelPlanned, Chat, HouseholdCall, Later, OpenQuestion, Plan, Planned, Presence, Recall, RunRoutine,
    SetState, Undo, Watch, WhoIsHome,
)
from agent.turn.planned import Plans
from agent.turn.presence import Presence as Whereabouts
from agent.turn.recall import why_changed
from agent.understanding.language import language
from devices.model import State, writable_attributes
from devices.outcome import DeviceOutcome
from devices.registry import Registry

CHAT = language().chat
SAY_PRESENCE = language().wording.presence


class Answerer(Protocol):
    """A language model able to answer general questions (agent.llm.OpenAnswers is one)."""

    @property
    def available(self) -> bool: ...

    def answer(self, question: str) -> str | None: ...


RunPlan = Callable[[Plan, TurnContext], list[CallResult]]


@dataclass
class HouseholdTools:
    """Runs the household calls of a plan; each returns what to say (and the outcomes of devices it changed)."""

    registry: Registry
    run_plan: RunPlan
    """Runs device calls closed-loop, as the executor does (undo sets devices back through it)."""
    plans: Plans
    presence: Whereabouts
    now: Callable[[TurnContext], datetime]
    """The turn's local time."""
    abilities: Callable[[], list[str]] = list
    """What the installed skills can do, in words ("set timers", "keep the shopping list")."""
    answers: Answerer | None = None
    routine_named: Callable[[str], str | None] = lambda name: None
    """The id of the household's routine called so ("good morning"), if any."""
    routines_on: Callable[[str], list[str]] = lambda event: []
    """The ids of the routines that run when someone leaves or arrives."""
    day: Callable[[TurnContext], str] = lambda context: ""
    """The speaker's day in words: what is on, reminders and alarms, anything unusual in the house."""
    history: Callable[[str], str | None] = lambda device_id: None
    """Who or what last changed a device, and when, in words; None when the history does not say."""
    _said: dict[str, int] = field(default_factory=dict)
    """How often each small-talk topic was answered: its lines are said in turn."""

    def run(self, call: HouseholdCall | Later | Watch, context: TurnContext) -> CallResult:
        now = self.now(context)
        if isinstance(call, Later):
            return self.plans.later(call, context, now)
        if isinstance(call, Watch):
            return self.plans.watch(call, context, now)
        if isinstance(call, Planned):
            return CallResult(call, answer=self.plans.listing())
        if isinstance(call, CancelPlanned):
            return CallResult(call, answer=self.plans.cancel_last(context, now))
        if isinstance(call, Presence):
            return self._presence(call, context, now)
        if isinstance(call, WhoIsHome):
            return CallResult(call, answer=self.presence.answer(call.person, call.out, now))
        return self._conversation(call, context)

    def _conversation(self, call: HouseholdCall | Later | Watch, context: TurnContext) -> CallResult:
        if isinstance(call, Chat):
            outcomes = self._greeting_routine(call.greeting, context)
            return CallResult(call, outcomes, answer=self._chat(call.topic))
        if isinstance(call, OpenQuestion):
            return CallResult(call, answer=self._open(call.text))
        if isinstance(call, Undo):
            return self._undo(call, context)
        if isinstance(call, Briefing):
            return self._briefing(call, context)
        if isinstance(call, Recall):
            return CallResult(call, answer=self._recall(call, context))
        return CallResult(call, answer=CHAT["cannot_yet"][0])

    def _chat(self, topic: str) -> str:
        lines = CHAT.get(topic) or CHAT["greeting"]
        turn = self._said[topic] = self._said.get(topic, -1) + 1
        line = lines[turn % len(lines)]
        if topic == "what_can_you_do":
            line = line.format(abilities=join_words([*CHAT["abilities"], *self.abilities()]))
        return line

    def _open(self, question: str) -> str:
        if self.answers is not None and self.answers.available:
            answer = self.answers.answer(question)
            if answer:
                return answer
        return CHAT["no_open_answers"][0]

    def _recall(self, call: Recall, context: TurnContext) -> str:
        if not call.devices:
            return context.conversation.last_reply or CHAT["nothing_yet"][0]
        return why_changed(call.devices, self.registry, self.history)

    def _presence(self, call: Presence, context: TurnContext, now: datetime) -> CallResult:
        """ "I'm off to work": remembered, the household's routine for leaving runs, automations waiting fire."""
        if not call.everyone and context.person is None:
            return CallResult(call, answer=SAY_PRESENCE.who)
        who = self.presence.update(context.person, call.everyone, call.leaving, call.where or "", now)
        event = "leave" if call.leaving else "arrive"
        for person in who:
            self.plans.on_presence(person, event, context.person)
        routines = [RunRoutine(r) for r in self.routines_on(event)]
        results = self.run_plan(Plan(list(routines)), context) if routines else []
        name = self.presence.people().get(context.person or "", "").split(" ")[0]
        if call.everyone:
            reply = SAY_PRESENCE.left_all if call.leaving else SAY_PRESENCE.back_all
        else:
            reply = (SAY_PRESENCE.left if call.leaving else SAY_PRESENCE.back).format(name=f", {name}" if name else "")
        return CallResult(call, [o for r in results for o in r.outcomes], answer=reply)

    def _greeting_routine(self, greeting: str | None, context: TurnContext) -> list[DeviceOutcome]:
        """ "Good morning", "good night": the household's routine of that name runs, when there is one."""
        routine = self.routine_named(greeting) if greeting else None
        results = self.run_plan(Plan([RunRoutine(routine)]), context) if routine else []
        return [o for r in results for o in r.outcomes]

    def _briefing(self, call: Briefing, context: TurnContext) -> CallResult:
        """ "Good morning": the household's routine of that name, when there is one, then the day."""
        outcomes = self._greeting_routine(call.greeting, context)
        name = self.presence.people().get(context.person or "", "").split(" ")[0]
        hello = CHAT["briefing_hello"][0].format(greeting=(call.greeting or "hello").capitalize(),
                                                  name=f", {name}" if name else "")
        day = self.day(context)
        return CallResult(call, outcomes, answer=" ".join(p for p in (hello, day) if p))

    def _undo(self, call: Undo, context: TurnContext) -> CallResult:
        """Every device the previous turn changed goes back to the state it had before."""
        changes = [SetState((device_id, ), change) for device_id, before in context.conversation.before.items()
                   if (change := self._back_to(device_id, before))]
        if not changes:
            return CallResult(call, answer=CHAT["nothing_to_undo"][0])
        results = self.run_plan(Plan(list(changes)), context)
        return CallResult(call, [o for r in results for o in r.outcomes])

    def _back_to(self, device_id: str, before: State) -> State:
        device = self.registry.devices.get(device_id)
        if device is None:
            return {}
        now = self.registry.state(device_id)
        writable = set(writable_attributes(device))
        return {k: v for k, v in before.items() if k in writable and now.get(k) != v}
