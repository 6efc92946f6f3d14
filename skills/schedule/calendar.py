"""The tools' bodies: each reads or writes the household calendar once and returns the sentence to speak.

An entry's title is only ever read out (made safe to speak first), never acted on: an entry called
"unlock the front door" is a title, nothing more, and the skill has no way to touch a device.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Literal

from skills.api import (
    HouseholdStore, Occurrence, Period, Schedule, SkillContext, StoreError, Turn, add_entry, clock_time, describe,
    describe_when, period, remove_entry, skip_occurrence, title_words,
)

from .slots import ME, People
from .words import clean_title, for_day, repeats, when_said, words

log = logging.getLogger(__name__)


def _asker(person: str | None, turn: Turn) -> tuple[str | None, str]:
    """A question about "me" from a speaker nobody recognised is answered for everyone, saying so."""
    if person == ME and turn.person is None:
        return None, words().say("everyones")
    return person, ""


class Calendar:
    """The tools, one public method each, on the household store the skill was given."""

    def __init__(self, context: SkillContext) -> None:
        self.store = context.store
        self.people = People(context.store)
        self.words = words()
        self._lock = threading.Lock()
        self._cached: Schedule | None = None

    def _schedule(self, store: HouseholdStore) -> Schedule:
        with self._lock:
            self._cached = Schedule.load(store, self._cached)
            return self._cached

    def _run(self, work: Callable[[HouseholdStore], str]) -> str:
        if self.store is None:
            return self.words.say("unreachable")
        try:
            self.people.refresh()  # someone added since the sentence was matched is known to the tool
            return work(self.store)
        except StoreError as error:
            log.error("schedule: %s", error)
            return self.words.say("unreachable")

    def _who(self, person: str | None, turn: Turn) -> tuple[str | None, str | None]:
        """(person id, None) for a name, "me" or nobody; (None, the sentence to say) when it names nobody known."""
        if person is None or not person.strip():
            return None, None
        found = self.people.person(person) or self.people.owner(person) or (person if person in self.people.names
                                                                                else None)
        if found == ME:
            return (turn.person, None) if turn.person else (None, self.words.say("who_is_me"))
        if found is None:
            name = person.strip().title()
            if not self.people.names:
                return None, self.words.say("nobody_called", name=name)
            return None, self.words.say("nobody_called_known", name=name,
                                        names=self.words.listed(list(self.people.names.values())))
        return found, None

    def _name(self, person: str | None) -> str:
        return self.people.names.get(person, person.replace("_", " ").title()) if person else ""

    def _owned(self, person: str | None, title: str) -> str:
        """ "Emma's dentist appointment"."""
        return self.words.say("owned", owner=f"{self._name(person)}{self.words.possessive}", title=title)

    def _heard(self, text: str) -> str:
        """Words as heard, with the household's possessives given back: "emmas party" -> "Emma's party"."""
        return " ".join(f"{self._name(o)}{self.words.possessive}" if (o := self.people.owner(w)) else w
                        for w in text.split())

    def _says(self, found: Iterable[Occurrence]) -> list[Occurrence]:
        return [dataclasses.replace(o, title=clean_title(o.title)) for o in found]

    def _described(self, found: Occurrence, turn: Turn) -> str:
        return describe_when(self._says([found])[0], turn.now, self.people.names)

    def on_day(self, turn: Turn, day: str = "today", person: str | None = None,
               asking: Literal["what", "anything", "free"] = "what") -> str:
        return self._run(lambda store: self._on_day(store, turn, day, person, asking))

    def _on_day(self, store: HouseholdStore, turn: Turn, day: str, person: str | None, asking: str) -> str:
        span = period(day or "today", turn.now.date())
        if span is None:
            return self.words.say("which_day")
        person, note = _asker(person, turn)
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found = self._says(o for o in self._schedule(store).on_days(span.days)
                           if span.holds(o) and who in (None, o.person))
        if not found:
            said = for_day(span.phrase)
            reply = self.words.say("nothing_on", day=said) if who is None else \
                self.words.say("nothing_on_for", name=self._name(who), day=said)
            return note + self.words.answers["none"][asking].format(text=reply)
        text = describe(found, turn.now, self.people.names)
        return note + self.words.answers["some"][asking].format(text=text)

    def when(self, turn: Turn, what: str, person: str | None = None, day: str | None = None) -> str:
        return self._run(lambda store: self._when(store, turn, what, person, day))

    def _when(self, store: HouseholdStore, turn: Turn, what: str, person: str | None, day: str | None) -> str:
        who, problem = self._who(_asker(person, turn)[0], turn)
        if problem:
            return problem
        schedule = self._schedule(store)
        found, span = self._find(schedule, turn, what, who, day)
        if span is not None and found is None:
            later = self._find(schedule, turn, what, who, None)[0]
            if later is None:
                return self.words.say("not_then", what=self._heard(what), day=span.phrase)
            return self.words.say("not_then_later", what=self._heard(what), day=span.phrase,
                                  when=self._described(later, turn))
        if found is None:
            if who:
                return self.words.say("not_found_for", what=self._heard(what), name=self._name(who))
            return self.words.say("not_found", what=self._heard(what))
        sentence = self._described(found, turn)
        entry = store.entry(found.uid)
        every = repeats(entry) if entry else None
        return self.words.say("when_repeating", when=sentence, every=every) if every else \
            self.words.say("when", when=sentence)

    def _find(self, schedule: Schedule, turn: Turn, what: str, who: str | None,
              day: str | None) -> tuple[Occurrence | None, Period | None]:
        """The next occurrence of the entry `what` names (on `day`, when given) and the day's period."""
        span = period(day, turn.now.date()) if day else None
        start = turn.now
        if span is not None:
            start = datetime.combine(span.days[0], time(span.hours[0]), turn.now.tzinfo)
        if who is not None:  # only their entries: another's with the same title must not hide theirs
            schedule = Schedule([e for e in schedule.entries if e.person == who], schedule.tz)
        found = schedule.next_of(what, start)
        if found is not None and span is not None and not span.holds(found):
            found = None
        return found, span

    def upcoming(self, turn: Turn, person: str | None = None, what: str | None = None) -> str:
        if what and not set(self.words.bare(what).split()) <= self.words.generic:
            return self.when(turn, what, person)
        return self._run(lambda store: self._upcoming(store, turn, person))

    def _upcoming(self, store: HouseholdStore, turn: Turn, person: str | None) -> str:
        person, note = _asker(person, turn)
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found = self._schedule(store).upcoming(turn.now, 1, who)
        if not found:
            return note + (self.words.say("nothing_next_for", name=self._name(who)) if who else
                           self.words.say("nothing_next"))
        return note + self.words.say("next", when=self._described(found[0], turn))

    def add(self, turn: Turn, title: str, day: str | None = None, time: str | None = None,
            person: str | None = None, end: str | None = None) -> str:
        return self._run(lambda store: self._add(store, turn, title, day, time, person, end))

    def _add(self, store: HouseholdStore, turn: Turn, title: str, day: str | None, at: str | None,
             person: str | None, end: str | None) -> str:
        heard, person, owned = self._whose(" ".join(title.split()), person)
        who, problem = self._who(person, turn)
        if problem:
            return self.words.say("not_added", problem=problem)
        name = self.words.bare(heard)
        if not name:
            return self.words.say("what_title")
        span = period(day, turn.now.date()) if day else None
        if span is None or len(span.days) != 1:
            return self.words.say("which_day_to_add", what=heard)
        start, finish = (clock_time(t) if t else None for t in (at, end))
        if (at and start is None) or (end and finish is None):
            return self.words.say("which_time")
        on = span.days[0]
        same = [o for o in self._schedule(store).on_day(on) if o.person == who
                and title_words(o.title) == title_words(name) and (start is None or o.start.time() == start)]
        if same:
            return self.words.say("already_on", when=self._described(same[0], turn))
        add_entry(store, name[:1].upper() + name[1:], who, on, start, finish)
        if owned and who:
            spoken = self._owned(who, name)
        else:
            spoken = self.words.say("added_for", what=heard, name=self._name(who)) if who else heard
        return self.words.say("added", what=spoken, when=when_said(on, start, turn.now.date(), finish))

    def _whose(self, heard: str, person: str | None) -> tuple[str, str | None, bool]:
        """A title without "for everyone", and whose it is when it says so first: "emma's party", "my haircut"."""
        everyone = "|".join(self.words.everyone)
        heard = re.sub(rf" for (?:{everyone})$", "", heard)
        said = heard.split()
        if said and person is None and (said[0] in self.words.my or self.people.owner(said[0])):
            return " ".join(said[1:]), said[0], True
        return heard, person, False

    def remove(self, turn: Turn, what: str, day: str | None = None, person: str | None = None,
               whole: bool = False) -> str:
        return self._run(lambda store: self._remove(store, turn, what, day, person, whole))

    def _remove(self, store: HouseholdStore, turn: Turn, what: str, day: str | None, person: str | None,
                whole: bool) -> str:
        who, problem = self._who(person, turn)
        if problem:
            return problem
        found, span = self._find(self._schedule(store), turn, what, who, day)
        if found is None:
            if span:
                return self.words.say("not_found_on", what=self._heard(what), day=for_day(span.phrase))
            return self.words.say("not_found", what=self._heard(what))
        entry = store.entry(found.uid)
        every = repeats(entry) if entry else None
        shown = self._says([found])[0]
        title = shown.title[:1].lower() + shown.title[1:] if shown.title[1:2].islower() else shown.title
        subject = self._owned(shown.person, title) if shown.person else self.words.say("the", title=title)
        when = when_said(found.start.date(), None if found.all_day else found.start.time(), turn.now.date())
        if entry is not None and entry.rrule and whole and span is None:
            remove_entry(store, entry.uid)
            return self.words.say("removed_repeating", what=subject, every=every) if every else \
                self.words.say("removed", what=subject)
        skip_occurrence(store, found)
        if entry is not None and entry.rrule:
            return self.words.say("cancelled_repeating", what=subject, when=when, every=every) if every else \
                self.words.say("cancelled", what=subject, when=when)
        return self.words.say("removed_once" if whole else "cancelled", what=subject, when=when)
