"""The assistant's own tools: small talk, open questions, undo and recall — what no device and no skill does.

They run beside the device tools (agent/turn/executor.py) and read the conversation, the household
and the devices; what they say comes from the language file's [chat] section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from agent.replies.wording import join_words
from agent.turn.context import TurnContext
from agent.turn.executor import CallResult
from agent.turn.plan import Briefing, Chat, HouseholdCall, OpenQuestion, Plan, Recall, RunRoutine, SetState, Undo
from agent.understanding.language import language
from devices.model import State, writable_attributes
from devices.registry import Registry

CHAT = language().chat


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
    abilities: Callable[[], list[str]] = list
    """What the installed skills can do, in words ("set timers", "keep the shopping list")."""
    answers: Answerer | None = None
    routine_named: Callable[[str], str | None] = lambda name: None
    """The id of the household's routine called so ("good morning"), if any."""
    people: Callable[[], Mapping[str, str]] = dict
    """Person id -> name."""
    day: Callable[[TurnContext], str] = lambda context: ""
    """The speaker's day in words: what is on, reminders and alarms, anything unusual in the house."""
    _said: dict[str, int] = field(default_factory=dict)
    """How often each small-talk topic was answered: its lines are said in turn."""

    def run(self, call: HouseholdCall, context: TurnContext) -> CallResult:
        if isinstance(call, Chat):
            return CallResult(call, answer=self._chat(call.topic))
        if isinstance(call, OpenQuestion):
            return CallResult(call, answer=self._open(call.text))
        if isinstance(call, Undo):
            return self._undo(call, context)
        if isinstance(call, Briefing):
            return self._briefing(call, context)
        if isinstance(call, Recall) and not call.devices:
            return CallResult(call, answer=context.conversation.last_reply or CHAT["nothing_yet"][0])
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

    def _briefing(self, call: Briefing, context: TurnContext) -> CallResult:
        """ "Good morning": the household's routine of that name, when there is one, then the day."""
        routine = self.routine_named(call.greeting) if call.greeting else None
        results = self.run_plan(Plan([RunRoutine(routine)]), context) if routine else []
        name = self.people().get(context.person or "", "").split(" ")[0]
        hello = CHAT["briefing_hello"][0].format(greeting=(call.greeting or "hello").capitalize(),
                                                  name=f", {name}" if name else "")
        day = self.day(context)
        return CallResult(call, [o for r in results for o in r.outcomes], answer=" ".join(p for p in (hello, day) if p))

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
