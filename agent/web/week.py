"""The schedule page's data: a week of occurrences, Monday first, and the entries behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from agent.memory.schedule import Occurrence, Schedule
from agent.web.forms import REPEATS, BadInput

if TYPE_CHECKING:
    from agent.app import App
    from agent.memory.store import CalendarEntry

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass
class Slot:
    """One occurrence in the week."""

    uid: str
    title: str
    time: str
    """"16:00–17:00", "16:00" or "all day"."""
    who: str


@dataclass
class Day:
    date: str
    name: str
    today: bool = False
    slots: list[Slot] = field(default_factory=list)


def week_start(text: str | None, today: date) -> date:
    """The Monday of the week a `YYYY-MM-DD` falls in (this week's when none is given)."""
    if text:
        try:
            today = date.fromisoformat(text)
        except ValueError:
            raise BadInput(f"The week {text[:40]!r} is not a date (YYYY-MM-DD).") from None
    return today - timedelta(days=today.weekday())


def week(app: App, start: date, schedule: Schedule | None = None) -> list[Day]:
    """Seven days from `start` with what is on each."""
    if app.store is None:
        raise BadInput("The household database is not available, so there is no schedule.", 503)
    schedule = schedule or Schedule.load(app.store)
    people = app.assistant.people()
    today = datetime.now(schedule.tz).date()
    days = [Day(str(d), DAY_NAMES[d.weekday()], d == today) for d in (start + timedelta(days=i) for i in range(7))]
    for index, day in enumerate(days):
        for occurrence in schedule.on_day(start + timedelta(days=index)):
            day.slots.append(_slot(occurrence, people, app))
    return days


def _slot(occurrence: Occurrence, people: dict[str, str], app: App) -> Slot:
    if occurrence.all_day:
        when = "all day"
    else:
        when = occurrence.start.strftime("%H:%M") + (f"–{occurrence.end:%H:%M}" if occurrence.end else "")
    who = [people.get(occurrence.person, occurrence.person) if occurrence.person else "",
           app.runtime.registry.area_name(occurrence.area) or ""]
    return Slot(occurrence.uid, occurrence.title, when, ", ".join(w for w in who if w))


def entry_json(entry: CalendarEntry) -> dict[str, Any]:
    """An entry as the edit form and the API give it: the stored fields and the form's repeat choice."""
    rule = entry.rrule or ""
    parts = dict(part.split("=", 1) for part in rule.split(";") if "=" in part)
    simple = {v: k for k, v in REPEATS.items() if v}
    base = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("BYDAY", "UNTIL"))
    weekly_days = parts.get("BYDAY", "").split(",") if base == "FREQ=WEEKLY" and parts.get("BYDAY") else []
    if not rule:
        repeat = "none"
    elif rule in simple:
        repeat = simple[rule]
    elif base == "FREQ=WEEKLY" and all(len(d) == 2 for d in weekly_days) and "INTERVAL" not in parts:
        repeat = "weekly"
    else:
        repeat = "custom"
    until = parts.get("UNTIL", "")
    return {"uid": entry.uid, "title": entry.title, "day": entry.date or "", "start": entry.start or "",
            "end": entry.end or "", "person": entry.person or "", "area": entry.area or "", "rrule": rule,
            "repeat": repeat, "days": weekly_days,
            "until": f"{until[:4]}-{until[4:6]}-{until[6:8]}" if repeat == "weekly" and len(until) >= 8 else "",
            "exdates": entry.exdates}
