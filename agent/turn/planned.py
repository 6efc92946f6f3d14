"""Later commands and automations: set up from a turn, kept in the household store, carried out when due.

"Turn off the TV in ten minutes" is a `Later` kept as a pending item until the scheduler says it is
due; "when the front door opens, turn on the hallway light" a `Watch` that waits for a device report.
Both run through the executor, closed loop, and say what they did in the room they were asked from.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dateutil.rrule import rrulestr

from agent.memory.records import Pending
from agent.memory.spoken import at_moment, day_phrase, spoken_time
from agent.memory.store import HouseholdStore
from agent.replies.describe import describe_calls, describe_condition
from agent.replies.grammar import conjugate, join_words
from agent.replies.wording import plural_name, predicate, the_name
from agent.replies.replies import reply_for
from agent.turn.context import TurnContext
from agent.turn.executor import CallResult
from agent.turn.plan import Later, Plan, SetState, Watch, call_from_json
from agent.turn.watching import holds, presence_matches
from agent.understanding.language import language
from agent.understanding.times.expressions import When, WhenKind, due
from devices.errors import StoreError
from devices.model import State, writable_attributes
from devices.registry import Registry

log = logging.getLogger(__name__)
WORDS = language()
SAY = WORDS.wording.plans
RunPlan = Callable[[Plan, TurnContext], list[CallResult]]
LISTED = 5
"""Items said in "what have you got planned"; the rest are counted."""
Announce = Callable[..., None]


@dataclass
class Plans:
    """Sets up, lists, cancels and carries out later commands and automations."""

    store: HouseholdStore | None
    registry: Registry
    run_plan: RunPlan
    announce: Announce = lambda text, area, **_: None
    routine_names: Callable[[], dict[str, str]] = dict
    clock: Callable[[], datetime] = lambda: datetime.now().astimezone()
    """The scheduler's clock: automations that fire say it happened now."""
    waiting: list[Pending] = field(default_factory=list)
    """Items set up without a store: kept for this run only."""

    # -- setting up ---------------------------------------------------------------------------------

    def later(self, call: Later, context: TurnContext, now: datetime) -> CallResult:
        when = self._due(call, now)
        if when is None or when <= now:
            return CallResult(call, answer=SAY.past)
        action = describe_calls(call.calls, self.registry, self.routine_names(), undo=call.undo)
        payload: dict[str, Any] = {"call": call.to_json(), "before": self._before(call, context)}
        item = Pending(uuid.uuid4().hex[:12], "later", payload, when.timestamp(), call.repeat, context.area,
                       context.person, f"{action} {self._when_words(call, when, now)}", now.timestamp())
        if not self._keep(item, context):
            return CallResult(call, answer=SAY.not_saved)
        return CallResult(call, answer=self._scheduled(call, action, when, now))

    def watch(self, call: Watch, context: TurnContext, now: datetime) -> CallResult:
        condition = describe_condition(call.condition)
        action = describe_calls(call.calls, self.registry, self.routine_names())
        if call.now_if_true and call.calls and holds(call.condition, self.registry, context):
            results = self.run_plan(Plan(list(call.calls)), context)
            return CallResult(call, [o for r in results for o in r.outcomes],
                              answer=SAY.at_once.format(condition=condition[:1].upper() + condition[1:],
                                                        reply=reply_for(results, self.registry)))
        said = f"{_marker(call)} {describe_condition(call.condition)}"
        item = Pending(uuid.uuid4().hex[:12], "watch", {"call": call.to_json()}, None, None, context.area,
                       context.person, SAY.telling_item.format(said=said) if not call.calls
                       else SAY.watching_item.format(action=action, said=said), now.timestamp())
        if not self._keep(item, context):
            return CallResult(call, answer=SAY.not_saved)
        if not call.calls:
            return CallResult(call, answer=SAY.tell.format(said=said))
        return CallResult(call, answer=SAY.watch.format(said=said, action=action))

    def _keep(self, item: Pending, context: TurnContext) -> bool:
        try:
            if self.store is not None:
                self.store.add_pending(item)
            else:
                self.waiting.append(item)
        except StoreError as error:
            log.error("could not keep %s: %s", item.said, error)
            return False
        context.conversation.last_planned = item.id
        return True

    def _due(self, call: Later, now: datetime) -> datetime | None:
        clock = datetime.strptime(call.clock, "%H:%M").time() if call.clock else None
        kind: WhenKind = "after" if call.seconds else "at"
        return due(When(kind, 0, 0, call.seconds, clock, call.half_said, call.day, call.repeat, said=call.said), now)

    def _before(self, call: Later, context: TurnContext) -> dict[str, State]:
        """For "… for 15 minutes": the states to go back to, as they were when the turn began."""
        if not call.undo:
            return {}
        devices = {d for c in call.calls if isinstance(c, SetState) for d in c.devices}
        start = context.conversation.snapshot or self.registry.states.snapshot()
        return {d: start[d] for d in devices if d in start}

    def _scheduled(self, call: Later, action: str, when: datetime, now: datetime) -> str:
        time = spoken_time(when.time())
        if call.repeat:
            return SAY.every.format(action=action, said=call.said)
        if call.seconds:
            return SAY.after.format(action=action, said=_as_after(call), time=time)
        if when.date() == now.date():
            return SAY.at.format(action=action, time=time)
        return SAY.at_day.format(action=action, day=day_phrase(when.date(), now.date()), time=time)

    def _when_words(self, call: Later, when: datetime, now: datetime) -> str:
        if call.repeat:
            return call.said
        return at_moment(when, now.date())

    # -- carrying out -------------------------------------------------------------------------------

    def run_later(self, item: Pending, at: datetime) -> None:
        """A later command that fell due: do it, say so where it was asked, and end it (or wait again)."""
        call = call_from_json(item.payload["call"])
        if not isinstance(call, Later):
            self._end(item, at, "done")
            return
        calls = self._put_back(item) if call.undo else list(call.calls)
        context = TurnContext(area=item.area, person=item.person, now=at)
        results = self.run_plan(Plan(calls), context) if calls else []
        self._end(item, at, "done", self._next(item, at))
        if results:
            self.announce(reply_for(results, self.registry, SAY.done_later), item.area)

    def _put_back(self, item: Pending) -> list[Any]:
        back = []
        for device_id, before in item.payload.get("before", {}).items():
            device = self.registry.devices.get(device_id)
            if device is None:
                continue
            now = self.registry.state(device_id)
            change = {k: v for k, v in before.items() if k in writable_attributes(device) and now.get(k) != v}
            if change:
                back.append(SetState((device_id,), change))
        return back

    def on_state(self, event: tuple[str, State, State]) -> None:
        """A device reported: automations waiting for it, whose condition just came true, fire (once)."""
        device_id, old, new = event
        for item in self._watches():
            call = call_from_json(item.payload["call"])
            if not isinstance(call, Watch) or device_id not in call.condition.devices:
                continue
            if holds(call.condition, self.registry, TurnContext(), {device_id: new}) and \
                    not holds(call.condition, self.registry, TurnContext(), {device_id: old}):
                self._fire(item, call)

    def on_presence(self, person: str, event: str, speaker: str | None) -> None:
        """Someone left or arrived: automations waiting for that fire."""
        for item in self._watches():
            call = call_from_json(item.payload["call"])
            if isinstance(call, Watch) and presence_matches(call.condition, person, event, item.person, speaker):
                self._fire(item, call)

    def _fire(self, item: Pending, call: Watch) -> None:
        now = self.clock()
        self._end(item, now, "done")
        context = TurnContext(area=item.area, person=item.person, now=now)
        if call.calls:
            results = self.run_plan(Plan(list(call.calls)), context)
            self.announce(reply_for(results, self.registry, SAY.done_later), item.area)
        else:
            self.announce(SAY.told.format(condition=self._now_true(call)), item.area)

    def _now_true(self, call: Watch) -> str:
        """What came true, as the devices now are: "the garage door is open"."""
        for device_id in call.condition.devices:
            device = self.registry.devices.get(device_id)
            if device is not None:
                return f"{the_name(device)} {conjugate(predicate(device, self.registry.state(device_id)), plural_name(device))}"
        return describe_condition(call.condition)

    # -- listing and cancelling ---------------------------------------------------------------------

    def listing(self) -> str:
        items = self.items()
        if not items:
            return SAY.nothing_planned
        if len(items) > LISTED:
            return SAY.planned_more.format(items=", ".join(i.said for i in items[:LISTED]), more=len(items) - LISTED)
        return SAY.planned.format(items=join_words([i.said for i in items]))

    def cancel_last(self, context: TurnContext, now: datetime) -> str:
        item_id = context.conversation.last_planned
        item = next((i for i in self.items() if i.id == item_id), None)
        if item is None:
            return SAY.nothing_to_cancel
        self._end(item, now, "cancelled")
        context.conversation.last_planned = None
        return SAY.cancelled.format(action=item.said)

    def items(self) -> list[Pending]:
        try:
            stored = self.store.pending(("later", "watch")) if self.store is not None else []
        except StoreError as error:
            log.warning("cannot read what is planned: %s", error)
            stored = []
        return stored + [i for i in self.waiting if i.ended is None]

    def _watches(self) -> list[Pending]:
        return [i for i in self.items() if i.kind == "watch"]

    def _end(self, item: Pending, at: datetime, outcome: str, next_due: float | None = None) -> None:
        if next_due is None:
            item.ended, item.outcome = at.timestamp(), outcome
        else:
            item.due = next_due
        if self.store is not None and item not in self.waiting:
            try:
                self.store.end_pending(item.id, at.timestamp(), outcome, next_due)
            except StoreError as error:
                log.error("could not mark %s %s: %s", item.id, outcome, error)

    @staticmethod
    def _next(item: Pending, at: datetime) -> float | None:
        if not item.repeat or item.due is None:
            return None
        start = datetime.fromtimestamp(item.due, at.tzinfo)
        following = rrulestr(item.repeat, dtstart=start.replace(tzinfo=None)).after(at.replace(tzinfo=None))
        return following.replace(tzinfo=at.tzinfo).timestamp() if following else None


def _as_after(call: Later) -> str:
    """ "For 20 minutes" becomes "in 20 minutes" when said of putting things back."""
    words = call.said.split()
    if call.undo and words and words[0] in WORDS.time.during:
        return " ".join([WORDS.time.after[0], *words[1:]])
    return call.said


def _marker(call: Watch) -> str:
    return "if" if call.now_if_true else "when"
