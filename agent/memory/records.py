"""What the household database holds, as dataclasses: schedule entries, timers, turns, state changes,
suggestions and what a seeding added."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from devices.household import ScheduleEntry
from devices.outcome import DeviceOutcome

if TYPE_CHECKING:
    from agent.turn.context import TurnContext, TurnResult


@dataclass
class CalendarEntry:
    """One schedule entry as stored: a one-off or a recurrence, at a local wall-clock time."""

    uid: str
    """Stable id: derived from the content for seeded and added entries, the iCalendar UID for imported ones."""
    title: str
    start: str | None
    """Local start time `HH:MM`; None for an all-day entry."""
    end: str | None = None
    """Local end time `HH:MM`, on the next day when not after `start`."""
    date: str | None = None
    """`YYYY-MM-DD`: the day of a one-off entry, or the first day of a recurring one (None: since ever)."""
    rrule: str | None = None
    """RFC 5545 recurrence rule without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=TU,TH`."""
    exdates: list[str] = field(default_factory=list)
    """Local start times `YYYY-MM-DDTHH:MM` of occurrences that do not happen."""
    person: str | None = None
    area: str | None = None

    @classmethod
    def from_household(cls, entry: ScheduleEntry) -> CalendarEntry:
        return new_entry(entry.title, entry.start, entry.end, entry.date, entry.rrule, entry.person, entry.area)


def new_entry(
    title: str,
    start: str | None,
    end: str | None = None,
    date: str | None = None,
    rrule: str | None = None,
    person: str | None = None,
    area: str | None = None,
) -> CalendarEntry:
    """An entry whose uid comes from its content, so adding or seeding the same entry twice stores it once."""
    content = json.dumps([title, start, end, date, rrule, person, area])
    uid = hashlib.sha1(content.encode()).hexdigest()[:16] + "@homebody"
    return CalendarEntry(uid, title, start, end, date, rrule, [], person, area)


@dataclass
class Timer:
    id: str
    name: str
    duration_s: float
    """Length as set, seconds."""
    ends_at: float
    """Epoch seconds at which it rings while running."""
    area: str | None = None
    """Where it was set and where it rings."""
    paused_remaining_s: float | None = None
    """Seconds left when paused; None while running."""


@dataclass
class Pending:
    """Something waiting to happen: a later command, an automation, a reminder or an alarm."""

    id: str
    kind: str
    """later | watch | reminder | alarm."""
    payload: dict[str, Any]
    """What to do: a `Later` or `Watch` call's JSON, or a reminder's text."""
    due: float | None = None
    """Epoch seconds when it falls due; None for an automation, which waits for its condition."""
    repeat: str | None = None
    """An RFC 5545 rule when it comes back (every weekday at 7)."""
    area: str | None = None
    """The room it was asked from: where it is spoken."""
    person: str | None = None
    said: str = ""
    """What it is, in words, for lists and announcements ("turn off the TV at 9:10 pm")."""
    created: float = 0.0
    """Epoch seconds."""
    ended: float | None = None
    """Epoch seconds when it ran for the last time or was cancelled; None while it waits."""
    outcome: str | None = None
    """done | cancelled | missed, once ended."""


@dataclass
class Whereabouts:
    """Whether someone is home, from what they said."""

    person: str
    home: bool
    since: float
    """Epoch seconds."""
    said: str = ""


Actuation = DeviceOutcome
"""What happened to one device in a turn: the history keeps the turn's own outcome records."""


@dataclass
class TurnRecord:
    """One turn as the history keeps it."""

    at: float
    """Epoch seconds when the turn started."""
    text: str
    """What was heard."""
    reply: str
    path: str = "none"
    """Which understanding made the plan: matcher | llm | none."""
    area: str | None = None
    person: str | None = None
    plan: dict[str, Any] = field(default_factory=dict)
    """Plan.to_json()."""
    results: list[Actuation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage: understand, act, reply, total."""
    id: int | None = None
    """Row id, set when stored."""

    @classmethod
    def from_turn(cls, result: TurnResult, context: TurnContext, at: float) -> TurnRecord:
        results = [Actuation(o.device_id, o.status, dict(o.state), o.message) for o in result.outcomes]
        return cls(
            at, result.text, result.reply, result.path, context.area, context.person,
            result.plan.to_json(), results, dict(result.timings_ms),
        )


@dataclass
class StateChange:
    device_id: str
    old: dict[str, Any]
    new: dict[str, Any]
    at: float
    """Epoch seconds."""


@dataclass
class Suggestion:
    """A preference the assistant noticed and may offer to remember."""

    person: str
    key: str
    value: Any
    reason: str
    created: float = field(default_factory=time.time)
    """Epoch seconds."""
    id: int | None = None
    outcome: str | None = None
    """approved | dismissed, once answered; None while it waits."""


@dataclass
class SeedReport:
    """Rows a seeding added (0 everywhere when run again)."""

    people: int
    preferences: int
    schedule: int
    routines: int
