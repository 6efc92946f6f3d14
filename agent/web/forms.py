"""What the page's forms send, checked whole before anything is written: a clear message for each mistake.

Text from a form is data: it is stored and shown (escaped), never read as a command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from agent.memory.schedule import check_rrule
from devices.errors import HomebodyError

MAX_TITLE = 200
"""Characters in a schedule entry's title."""
MAX_ICS_BYTES = 1 << 20
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
REPEATS = {"none": None, "daily": "FREQ=DAILY", "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
           "weekly": "FREQ=WEEKLY", "monthly": "FREQ=MONTHLY", "yearly": "FREQ=YEARLY"}


class BadInput(HomebodyError):
    """A request the page cannot take; its message is shown to the person as it is."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class EntryForm:
    """A schedule entry as the page's form gives it."""

    title: str
    day: date
    """The day of a one-off entry, or the first day of a repeating one."""
    start: time | None = None
    """None: all day."""
    end: time | None = None
    rrule: str | None = None
    person: str | None = None
    area: str | None = None
    until: date | None = None
    days: list[str] = field(default_factory=list)


def entry_form(data: dict[str, Any], people: set[str], areas: set[str]) -> EntryForm:
    """The form checked: BadInput naming the first thing wrong."""
    title = _text(data, "title", "a title", MAX_TITLE)
    if not title:
        raise BadInput("Give the entry a title.")
    day = _day(data.get("day"), "day")
    if day is None:
        raise BadInput("Choose the entry's day (for a repeating entry, its first day).")
    start, end = _clock(data.get("start"), "start"), _clock(data.get("end"), "end")
    if end is not None and start is None:
        raise BadInput("An entry with an end needs a start too.")
    if start is not None and end is not None and end <= start:
        raise BadInput(f"The end ({end:%H:%M}) is not after the start ({start:%H:%M}).")
    person, area = _choice(data, "person", people), _choice(data, "area", areas)
    days = _weekdays(data.get("days"))
    until = _day(data.get("until"), "until")
    if until is not None and until < day:
        raise BadInput(f"The last day ({until}) is before the first ({day}).")
    return EntryForm(title, day, start, end, _rule(data, day, days, until), person, area, until, days)


def _rule(data: dict[str, Any], day: date, days: list[str], until: date | None) -> str | None:
    repeat = str(data.get("repeat") or "none").strip().lower()
    if repeat == "custom":
        rule = _text(data, "rrule", "the recurrence rule", 500)
        try:
            return check_rrule(rule)
        except ValueError:
            raise BadInput(f"{rule!r} is not a recurrence rule (e.g. FREQ=WEEKLY;BYDAY=TU,TH).") from None
    if repeat not in REPEATS:
        raise BadInput(f"Repeat must be one of {', '.join([*REPEATS, 'custom'])}.")
    simple = REPEATS[repeat]
    if simple is None:
        return None
    rule = simple
    if repeat == "weekly":
        rule += ";BYDAY=" + ",".join(days or [WEEKDAYS[day.weekday()]])
    if until is not None:
        rule += f";UNTIL={until:%Y%m%d}T235959"
    return check_rrule(rule)


def _text(data: dict[str, Any], key: str, what: str, longest: int) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{what[0].upper()}{what[1:]} must be text.")
    value = value.strip()
    if len(value) > longest:
        raise BadInput(f"{what[0].upper()}{what[1:]} is {len(value):,} characters long; at most {longest} fit.")
    return value


def _day(value: Any, key: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadInput(f"The {key} {str(value)[:40]!r} is not a date (YYYY-MM-DD).") from None


def _clock(value: Any, key: str) -> time | None:
    if value in (None, ""):
        return None
    try:
        return time.fromisoformat(str(value)).replace(second=0, microsecond=0)
    except ValueError:
        raise BadInput(f"The {key} {str(value)[:40]!r} is not a time (HH:MM).") from None


def _choice(data: dict[str, Any], key: str, known: set[str]) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in known:
        raise BadInput(f"There is no {key} {str(value)[:40]!r} in this household.")
    return value


def _weekdays(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    days = [value] if isinstance(value, str) else value
    if not isinstance(days, list) or not all(isinstance(d, str) and d.upper() in WEEKDAYS for d in days):
        raise BadInput(f"Weekdays are {', '.join(WEEKDAYS)}.")
    return sorted({d.upper() for d in days}, key=WEEKDAYS.index)


def changes_form(data: Any) -> dict[str, Any]:
    """A device change as the page sends it: {"changes": {attribute: value}}."""
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, dict) or not changes:
        raise BadInput('Send the change as {"changes": {"state": "on"}}.')
    if len(changes) > 8 or any(not isinstance(k, str) or len(k) > 40 for k in changes):
        raise BadInput("That is not a change a device takes.")
    return changes
