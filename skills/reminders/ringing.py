"""Reminders and alarms falling due: said once (alarms ring through quiet hours), repeats set again.

The soonest due time is kept in memory, so a tick with nothing due is one comparison; the household
store is read only when something falls due. What fell due while homebody was off is seen at the
first tick after a start: said when it is less than an hour late (saying so), else marked missed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from skills.api import Pending, SkillContext, StoreError, spoken_time

from .times import next_repeat, on_the_clock, said_length
from .words import KINDS, Words

log = logging.getLogger(__name__)

RETRY_S = 30.0
"""After the store failed to answer, how long a tick waits before asking again."""


@dataclass(frozen=True)
class Announcement:
    text: str
    area: str | None
    alarm: bool


class Ringer:
    """Rings what falls due; `tick` is the skill's tick."""

    def __init__(self, context: SkillContext, words: Words) -> None:
        self.context = context
        self.store = context.store
        self.words = words
        self.timing = words.timing
        self._lock = threading.Lock()
        self._next_due = float("-inf")
        """Epoch seconds of the soonest item; -inf until the first tick has read the store."""
        self._started = False
        self._rung: dict[str, float] = {}
        """Item id -> the due time it was said for, while the store could not be told (said once only)."""
        self._ours: set[str] = set()
        """Ids of the items set since the start: only the others can have fallen due while homebody was off."""
        self.last_alarm: tuple[Pending, float] | None = None
        """The alarm that rang last and when (epoch seconds): what "snooze" snoozes."""

    def added(self, item: Pending) -> None:
        """A new item: it may be the soonest, and however late a tick finds it, it was never missed."""
        with self._lock:
            self._ours.add(item.id)
            self._next_due = min(self._next_due, item.due if item.due is not None else float("inf"))

    def tick(self, now: datetime) -> None:
        moment = now.timestamp()
        if self.store is None or moment < self._next_due:
            return
        with self._lock:
            try:
                due = [p for p in self.store.due_pending(moment) if p.kind in KINDS]
            except StoreError as error:
                log.error("reminders: cannot read what is due: %s", error)
                self._next_due = moment + RETRY_S
                return
            first, self._started = not self._started, True
            said = [a for item in due if (a := self._ring(item, now, first)) is not None]
            self._next_due = self._soonest(moment)
        for announcement in said:
            log.info("%s: %s", "alarm" if announcement.alarm else "reminder", announcement.text)
            self.context.announce(announcement.text, announcement.area, alarm=announcement.alarm)

    def _ring(self, item: Pending, now: datetime, first: bool) -> Announcement | None:
        """Settle one item that fell due and what to say for it; None when nothing is to be said."""
        if item.due is None:
            return None
        if self._rung.get(item.id) == item.due:  # said already; the store is told again
            self._settle(item, now, "done")
            return None
        late = now.timestamp() - item.due
        while_off = first and item.id not in self._ours
        if while_off and late > self.timing.late_limit_minutes * 60:
            log.info("reminders: %s %s was due %.0f minutes before the start: missed", item.kind, item.id, late / 60)
            self._settle(item, now, "missed")
            return None
        if not self._settle(item, now, "done"):
            self._rung[item.id] = item.due
        if item.kind == "alarm":
            self.last_alarm = (item, now.timestamp())
        said_late = while_off and late > self.timing.late_after_seconds
        return Announcement(self._said(item, now, said_late), item.area, item.kind == "alarm")

    def _settle(self, item: Pending, now: datetime, outcome: str) -> bool:
        """Tell the store it rang (or was missed): a repeat waits for its next time, the rest end."""
        next_due = None
        if item.repeat and item.due is not None:
            after = max(now, on_the_clock(item.due, now)) + timedelta(seconds=1)
            next_due = next_repeat(item.repeat, clock_of(item, now), after).timestamp()
        try:
            self.store.end_pending(item.id, now.timestamp(), outcome, next_due)  # type: ignore[union-attr]
        except StoreError as error:
            log.error("reminders: %s %s rang but is not marked so: %s", item.kind, item.id, error)
            return False
        self._rung.pop(item.id, None)
        return True

    def _soonest(self, moment: float) -> float:
        try:
            waiting = self.store.pending(KINDS) if self.store is not None else []
        except StoreError as error:
            log.error("reminders: cannot read what waits: %s", error)
            return moment + RETRY_S
        dues = [p.due for p in waiting if p.due is not None and self._rung.get(p.id) != p.due]
        return min(dues, default=float("inf"))

    def _said(self, item: Pending, now: datetime, late: bool) -> str:
        names = self.names()
        due = on_the_clock(item.due or now.timestamp(), now)
        name = f"{names[item.person]}, " if item.person in names else ""
        text = self._sentence(item, now, name, list(names.values()))
        return self.words.say("late", time=spoken_time(due.time())) + text if late else text

    def _sentence(self, item: Pending, now: datetime, name: str, names: list[str]) -> str:
        say, payload = self.words.say, item.payload
        if item.kind == "alarm":
            due = on_the_clock(item.due or now.timestamp(), now)
            snooze = said_length(self.timing.snooze_minutes * 60, self.words)
            return say("alarm_due", name=name, time=spoken_time(due.time()), snooze=snooze)
        form = payload.get("form", "to")
        what = self.words.what(str(payload.get("text", "")), form, names)
        if form == "before":
            left = (item.due or 0) + float(payload.get("lead", 0)) - now.timestamp()
            if left < 60:
                return say("before_started", name=name, what=what, entry=payload.get("entry", ""))
            lead = said_length(round(left / 60) * 60, self.words)
            return say("before_due", name=name, what=what, entry=payload.get("entry", ""), lead=lead)
        return say("about_due" if form == "about" else "reminder_due", name=name, what=what)

    def names(self) -> dict[str, str]:
        """Person id -> name, for saying things to people by name."""
        if self.store is None:
            return {}
        try:
            return {p.id: p.name for p in self.store.people()}
        except StoreError as error:
            log.warning("reminders: people not read, so not said by name: %s", error)
            return {}


def clock_of(item: Pending, like: datetime) -> time:
    """The time of day a repeating item comes back at (kept in its payload: a snooze or a late start
    never moves it)."""
    kept = item.payload.get("clock")
    if isinstance(kept, str):
        return time.fromisoformat(kept)
    return on_the_clock(item.due or like.timestamp(), like).time()
