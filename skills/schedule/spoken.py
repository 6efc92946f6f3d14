"""Entries said back: how one repeats ("every Tuesday and Thursday") and when it is ("on Thursday at 4 pm")."""

from __future__ import annotations

from datetime import date, time

from skills.api import CalendarEntry, day_phrase, spoken_time

from .words import words

BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""iCalendar's weekday codes, Monday first."""
WORKDAYS = list(BYDAY[:5])
INTERVALS = ("1", "2")
"""The RRULE intervals said: every one, every other."""


def repeats(entry: CalendarEntry) -> str | None:
    """How a recurring entry repeats, spoken ("every Tuesday and Thursday"); None for one-offs and odd rules."""
    if not entry.rrule:
        return None
    said = words().repeats
    parts = dict(p.partition("=")[::2] for p in entry.rrule.split(";"))
    every = dict(zip(INTERVALS, said.every, strict=True)).get(parts.get("INTERVAL", "1"))
    frequency = parts.get("FREQ", "")
    if every is None or (frequency != "WEEKLY" and frequency not in said.frequencies):
        return None
    if frequency != "WEEKLY":
        return said.said.format(every=every, what=said.frequencies[frequency])
    codes = [c[-2:] for c in parts.get("BYDAY", "").split(",") if c[-2:] in BYDAY]
    if not codes and entry.date:
        codes = [BYDAY[date.fromisoformat(entry.date).weekday()]]
    if len(codes) == 7 or not codes:
        return said.said.format(every=every, what=said.day if codes else said.week)
    if codes == WORKDAYS:
        return said.said.format(every=every, what=said.weekdays)
    names = words().weekdays
    return said.said.format(every=every, what=words().listed([names[BYDAY.index(c)] for c in codes]))


def when_said(day: date, start: time | None, today: date, end: time | None = None) -> str:
    """ "on Thursday at 4 pm": the weekday alone within the coming week, else the date."""
    said = words()
    phrase = day_phrase(day, today)
    if 1 < (day - today).days < 7:
        phrase = said.say("on_weekday", day=said.weekdays[day.weekday()])
    if start is None:
        return said.say("all_day", day=phrase)
    if end:
        return said.say("from_to", day=phrase, start=spoken_time(start), end=spoken_time(end))
    return said.say("at", day=phrase, start=spoken_time(start))


def for_day(phrase: str) -> str:
    """ "for Friday" for "on Friday": a day as said after "nothing on the schedule"."""
    said = words()
    return said.say("for_day", day=phrase.removeprefix(f"{said.on} "))
