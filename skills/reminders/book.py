"""Reminders and alarms set and snoozed, each kept as a `pending` row of the household store.

A request is checked whole before anything is written (something to remind of, a time that is
one and still to come, a schedule entry that exists), and then written in one insert: bad input
or a store that fails leaves nothing behind, and the reply says which.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from skills.api import HouseholdStore, Occurrence, Pending, Schedule, SkillContext, StoreError, Turn

from .ringing import Ringer
from .times import Spoken, on_the_clock, place, read, said_item, said_length, said_when
from .words import Words

log = logging.getLogger(__name__)

MY = frozenset({"my", "mine", "our"})
ENTRY_TRIES = 20
"""Occurrences of a schedule entry looked at for one far enough ahead for "15 minutes before" it."""


class Book:
    """The set and snooze tools' bodies."""

    def __init__(self, context: SkillContext, words: Words, ringer: Ringer) -> None:
        self.store = context.store
        self.words = words
        self.timing = words.timing
        self.ringer = ringer

    # -- setting --------------------------------------------------------------------------------

    def set_reminder(self, turn: Turn, text: str | None = None, when: str | None = None, form: str = "to") -> str:
        text = " ".join((text or "").split())
        if self.store is None:
            return self.words.say("no_store")
        if not text:
            return self.words.say("what_to_remind")
        what = self.words.what(text, form, self._names().values())
        if not when:
            return self.words.say("when_to_remind", what=what)
        placed = self._placed(when, turn.now, alarm=False)
        if isinstance(placed, str):
            return placed
        spoken, due = placed
        payload = {"text": text, "form": form, **_clock(spoken, due)}
        item = self._item("reminder", payload, due, spoken.repeat, turn, f"reminder {self.words.what(text, form)}")
        return self._saved(self.store, item, turn.now, lambda: self._set_reply("reminder", what, due, spoken, turn.now))

    def remind_before(self, turn: Turn, text: str, before: int, entry: str) -> str:
        text = " ".join(text.split())
        if self.store is None:
            return self.words.say("no_store")
        if not text:
            return self.words.say("what_to_remind")
        if before <= 0:
            return self.words.say("not_a_time", said=f"{before} seconds before")
        lead = said_length(before, self.words)
        try:
            found, named = self._entry(self.store, entry, before, turn)
        except StoreError as error:
            log.error("reminders: the schedule is not readable: %s", error)
            return self.words.say("not_read")
        if found is None:
            return self.words.say("entry_too_soon" if named else "no_entry", entry=named or entry, lead=lead)
        due = found.start - timedelta(seconds=before)
        what = self.words.what(text, "to", self._names().values())
        payload = {"text": text, "form": "before", "entry": named, "lead": before}
        item = self._item("reminder", payload, due, None, turn, f"reminder {self.words.what(text, 'to')}")
        when = said_when(due, turn.now, None, self.words)
        return self._saved(self.store, item, turn.now,
                           lambda: self.words.say("before_set", what=what, when=when, lead=lead, entry=named))

    def set_alarm(self, turn: Turn, when: str | None = None) -> str:
        if self.store is None:
            return self.words.say("no_store")
        placed = self._placed(when, turn.now, alarm=True) if when else self.words.say("what_time_alarm")
        if isinstance(placed, str):
            return placed
        spoken, due = placed
        item = self._item("alarm", _clock(spoken, due), due, spoken.repeat, turn, "alarm")
        return self._saved(self.store, item, turn.now, lambda: self._set_reply("alarm", "", due, spoken, turn.now))

    def snooze(self, turn: Turn, duration: int | None = None) -> str:
        last = self.ringer.last_alarm
        window = self.timing.snooze_window_minutes * 60
        if self.store is None or last is None or turn.now.timestamp() - last[1] > window:
            return self.words.say("nothing_to_snooze")
        seconds = duration if duration is not None else self.timing.snooze_minutes * 60
        if seconds <= 0:
            return self.words.say("not_a_time", said=f"{seconds} seconds")
        rang = last[0]
        due = on_the_clock(turn.now.timestamp() + seconds, turn.now)
        item = Pending(uuid.uuid4().hex[:12], "alarm", {"snoozed": rang.id}, due.timestamp(), None, rang.area,
                       rang.person, "alarm", turn.now.timestamp())
        self.ringer.last_alarm = None
        length, when = said_length(seconds, self.words), said_when(due, turn.now, None, self.words)
        return self._saved(self.store, item, turn.now, lambda: self.words.say("snoozed", duration=length, when=when))

    def _placed(self, when: str, now: datetime, alarm: bool) -> tuple[Spoken, datetime] | str:
        """The time said and the moment it means, or the reply when it is no time, or one gone by."""
        spoken = read(when)
        if alarm and spoken is not None and spoken.clock is None and not spoken.seconds:
            return self.words.say("what_time_alarm")  # "set an alarm for tomorrow"
        due = place(spoken, now, self.timing, alarm) if spoken else None
        if spoken is None or due is None:
            return self.words.say("not_a_time", said=when)
        if due <= now:
            return self.words.say("gone_by", when=said_when(due, now, None, self.words))
        return spoken, due

    def _set_reply(self, kind: str, what: str, due: datetime, spoken: Spoken, now: datetime) -> str:
        when = said_when(due, now, spoken.repeat, self.words)
        if spoken.seconds:
            length = said_length(spoken.seconds, self.words)
            return self.words.say(f"{kind}_in", what=what, when=when, duration=length)
        return self.words.say(f"{kind}_set", what=what, when=when)

    def _item(self, kind: str, payload: dict[str, object], due: datetime, repeat: str | None, turn: Turn,
              said: str) -> Pending:
        return Pending(uuid.uuid4().hex[:12], kind, payload, due.timestamp(), repeat, turn.area, turn.person, said,
                       turn.now.timestamp())

    def _saved(self, store: HouseholdStore, item: Pending, now: datetime, reply: Callable[[], str]) -> str:
        """Write the item in one insert: the reply when it is kept (or was already), an apology when it is not."""
        try:
            same = self._same(store, item)
            if same is not None:
                return self.words.say("already", item=self._described(same, now, f"{item.kind}_item"))
            store.add_pending(item)
        except StoreError as error:
            log.error("reminders: %s not saved: %s", item.kind, error)
            return self.words.say("not_saved")
        self.ringer.added(item)
        return reply()

    @staticmethod
    def _same(store: HouseholdStore, item: Pending) -> Pending | None:
        """One already set for the same moment, words and person: asked twice, kept once."""
        return next((p for p in store.pending((item.kind,)) if p.due == item.due and p.repeat == item.repeat
                     and p.person == item.person and p.payload.get("text") == item.payload.get("text")), None)

    def _entry(self, store: HouseholdStore, entry: str, before: int, turn: Turn) -> tuple[Occurrence | None, str]:
        """The next occurrence of the entry named that starts more than `before` seconds from now, and
        how the entry is said ("Emma's soccer practice"); (None, "") when the schedule has no such entry, (None,
        its name) when no occurrence is far enough ahead."""
        schedule = Schedule.load(store)
        if MY & set(entry.split()) and turn.person:
            schedule = Schedule([e for e in schedule.entries if e.person in (None, turn.person)], schedule.tz)
        start, named = turn.now, ""
        for _ in range(ENTRY_TRIES):
            found = schedule.next_of(entry, start)
            if found is None:
                break
            named = self._entry_named(found)
            if found.start - timedelta(seconds=before) > turn.now:
                return found, named
            start = found.start + timedelta(minutes=1)
        return None, named

    def _entry_named(self, found: Occurrence) -> str:
        title = found.title if found.title[1:2].isupper() else found.title[:1].lower() + found.title[1:]
        name = self._names().get(found.person or "")
        return f"{name}'s {title}" if name else f"the {title}"

    def _described(self, item: Pending, now: datetime, reply: str) -> str:
        return said_item(item, now, self.words.replies[reply], self.words, self._names().values())

    def _names(self) -> dict[str, str]:
        return self.ringer.names()


def _clock(spoken: Spoken, due: datetime) -> dict[str, object]:
    """A repeat keeps its time of day in the payload."""
    return {"clock": due.strftime("%H:%M")} if spoken.repeat else {}
