"""Who is home: from what people say ("I'm off to work", "we're back"), else from the household schedule.

Saying so is remembered in the household store; where nobody said anything, a schedule entry
going on now (with no room of the house) means that person is out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agent.memory.records import Whereabouts
from agent.memory.schedule import Occurrence, Schedule
from agent.memory.spoken import spoken_time
from agent.memory.store import HouseholdStore
from agent.replies.grammar import join_words
from agent.understanding.language import language
from devices.errors import StoreError

log = logging.getLogger(__name__)
SAY = language().wording.presence


@dataclass
class Presence:
    """Whereabouts of the household's people."""

    store: HouseholdStore | None
    people: Callable[[], Mapping[str, str]]
    """Person id -> name."""
    said: dict[str, Whereabouts] = field(default_factory=dict)
    """What was said, when there is no store to keep it."""
    _schedule: Schedule | None = None

    def update(self, person: str | None, everyone: bool, leaving: bool, words: str, now: datetime) -> list[str]:
        """Who is now out (or in); the person ids it concerns (none when the speaker is not known)."""
        who = list(self.people()) if everyone else [person] if person else []
        for someone in who:
            record = Whereabouts(someone, not leaving, now.timestamp(), words)
            self.said[someone] = record
            if self.store is not None:
                try:
                    self.store.set_whereabouts(record)
                except StoreError as error:
                    log.warning("could not keep where %s is: %s", someone, error)
        return who

    def is_home(self, person: str, now: datetime) -> bool | None:
        """Whether someone is in (None: nobody said, and nothing is on)."""
        said, going_on = self._said_or_on(person, now)
        return said.home if said is not None else False if going_on is not None else None

    def _said_or_on(self, person: str, now: datetime) -> tuple[Whereabouts | None, Occurrence | None]:
        """What they said last, unless something on the schedule began since; or that."""
        said = self._whereabouts().get(person)
        going_on = self._going_on(person, now)
        if said is not None and (going_on is None or said.since >= going_on.start.timestamp()):
            return said, None
        return None, going_on

    def answer(self, person: str | None, out: bool, now: datetime) -> str:
        """ "No, Alex went out to work at 8:30 am.", "Sam and Emma are home.", "Alex has football at 7 pm."."""
        names = self.people()
        if person is not None:
            return self._one(names.get(person, person), *self._said_or_on(person, now), now)
        if out:
            return self._out_later(now)
        known = {p: self.is_home(p, now) for p in names}
        inside = [names[p] for p, h in known.items() if h is not False]
        away = [names[p] for p, h in known.items() if h is False]
        if not inside:
            return SAY.nobody_home
        out_too = " " + SAY.away.format(names=join_words(away)) if away else ""
        return SAY.home.format(names=join_words(inside)) + out_too

    @staticmethod
    def _one(name: str, said: Whereabouts | None, going_on: Occurrence | None, now: datetime) -> str:
        if said is not None and said.home:
            return SAY.is_home.format(name=name, why="")
        if said is not None:
            when = spoken_time(datetime.fromtimestamp(said.since, now.tzinfo).time())
            return SAY.is_out.format(name=name, where=f" to {said.said}" if said.said else "", time=when)
        if going_on is not None:
            until = spoken_time((going_on.end or going_on.start).time())
            return SAY.busy.format(name=name, what=going_on.title.lower(), until=until)
        return SAY.unknown.format(name=name)

    def _out_later(self, now: datetime) -> str:
        """ "Who's out tonight": the people with something on between now and the end of the day."""
        names = self.people()
        end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
        out = [o for o in self._between(now, end) if o.person and not o.area]
        if not out:
            return SAY.nobody_out
        parts = [SAY.out_at.format(name=names.get(o.person or "", o.person), title=o.title.lower(),
                                   time=spoken_time(o.start.time())) for o in out]
        return join_words(parts).capitalize() + "."

    def _going_on(self, person: str, now: datetime) -> Occurrence | None:
        return next((o for o in self._between(now - timedelta(hours=12), now + timedelta(minutes=1))
                     if o.person == person and not o.area and o.start <= now < (o.end or o.start)), None)

    def _between(self, start: datetime, end: datetime) -> list[Occurrence]:
        if self.store is None:
            return []
        try:
            self._schedule = Schedule.load(self.store, self._schedule)
        except StoreError as error:
            log.warning("presence: cannot read the schedule: %s", error)
            return []
        return self._schedule.between(start, end)

    def _whereabouts(self) -> dict[str, Whereabouts]:
        if self.store is None:
            return dict(self.said)
        try:
            return self.store.whereabouts()
        except StoreError as error:
            log.warning("presence: cannot read who is home: %s", error)
            return dict(self.said)
