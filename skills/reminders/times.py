"""A time said for a reminder or an alarm: read into its parts, placed on the clock, and said back.

An hour said without am or pm means different things to the two: a reminder's is the soonest
coming time that is not in the small hours ("remind me at 3" at 11:00 is 3 pm), an alarm's is the
morning's when that is a time people wake ("wake me up at 6:30" at 23:45 is 6:30 tomorrow).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from collections.abc import Iterable

from skills.api import (
    SMALL_HOURS, WEEKDAYS, CalendarEntry, Pending, Schedule, When, day_phrase, find_when, language, period, sentence_text,
    spoken_time,
)
from .words import Timing, Words

TOMORROW = language().time.tomorrow


@dataclass(frozen=True)
class Spoken:
    """The parts of a time as said; `place` puts them on the clock."""

    said: str
    seconds: int | None = None
    """ "In 10 minutes": from now."""
    clock: time | None = None
    half_said: bool = True
    """Whether am or pm was said (or a 24-hour time): "at 9" did not."""
    day: str | None = None
    repeat: str | None = None
    """An RFC 5545 rule: FREQ=DAILY, FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR."""


def read(text: str) -> Spoken | None:
    """The time in `text` (the words of a {when} slot, or a planner's "tomorrow at 6:30"); None when the
    words are not all one time, or name one that cannot be ("at 25 o'clock", "in minus 5 minutes")."""
    tokens = sentence_text(text).split()
    found = find_when(tokens)
    covered = {i for w in found for i in range(w.start, w.end)}
    if not found or len(covered) < len(tokens) or any(w.kind in ("invalid", "bare") for w in found):
        return None
    return _merged(" ".join(tokens), found)


def _merged(said: str, found: list[When]) -> Spoken | None:
    """Pieces said apart ("at 7 every weekday") as one time; None when they contradict each other."""
    lengths = [w.seconds for w in found if w.kind in ("after", "for") and w.seconds]
    clocks = [w for w in found if w.clock is not None]
    days = [w.day for w in found if w.day]
    repeats = [w.repeat for w in found if w.repeat]
    if len(clocks) > 1 or len(days) > 1 or len(repeats) > 1 or (repeats and days) or (lengths and len(found) > 1):
        return None
    clock = clocks[0] if clocks else None
    return Spoken(said, lengths[0] if lengths else None, clock.clock if clock else None,
                  clock.half_said if clock else True, days[0] if days else None, repeats[0] if repeats else None)


def place(spoken: Spoken, now: datetime, timing: Timing, alarm: bool = False) -> datetime | None:
    """The moment meant, from `now` (aware, local): possibly past when a day was said ("today at 9 am" at
    10), None when it names none (an alarm with no time of day, "at 8 pm tomorrow morning")."""
    if spoken.seconds:
        return datetime.fromtimestamp(now.timestamp() + spoken.seconds, now.tzinfo)
    if spoken.clock is None and alarm:
        return None
    clock = spoken.clock or timing.default_clock
    hours = readings(clock, spoken.half_said or spoken.clock is None, alarm, timing)
    if spoken.repeat:
        return min(next_repeat(spoken.repeat, hour, now) for hour in hours)
    if spoken.day:
        return _on_day(spoken.day, hours, now, timing, default=spoken.clock is None)
    return min(_next(hour, now) for hour in hours)


def readings(clock: time, half_said: bool, alarm: bool, timing: Timing) -> list[time]:
    """The times of day an hour can mean: itself when am or pm was said; for an alarm the morning's when
    people wake then; else either half of the day but the small hours."""
    if half_said:
        return [clock]
    both = [clock, time((clock.hour + 12) % 24, clock.minute)]
    morning = min(both)
    if alarm and timing.wake_hours[0] <= morning.hour < timing.wake_hours[1]:
        return [morning]
    return [t for t in both if not SMALL_HOURS[0] <= t.hour < SMALL_HOURS[1]]


def _next(clock: time, now: datetime) -> datetime:
    moment = datetime.combine(now.date(), clock, tzinfo=now.tzinfo)
    return moment if moment > now else datetime.combine(now.date() + timedelta(days=1), clock, tzinfo=now.tzinfo)


def _on_day(day: str, hours: list[time], now: datetime, timing: Timing, default: bool) -> datetime | None:
    today = now.date()
    if now.hour < timing.dawn and TOMORROW in day.split():
        today -= timedelta(days=1)  # "tomorrow at 7", said at 1 am: the day that is dawning
    span = period(day, today)
    if span is None:
        return None
    fitting = [h for h in hours if span.hours[0] <= h.hour < span.hours[1]]
    if not fitting and default:
        fitting = [time(span.hours[0])]  # "remind me tonight": the default hour is not in it, its start is
    moments = [datetime.combine(span.days[0], h, tzinfo=now.tzinfo) for h in fitting]
    future = [m for m in moments if m > now]
    return min(future) if future else max(moments, default=None)


def next_repeat(rule: str, clock: time, after: datetime) -> datetime:
    """The first time at or after `after` that a repeating reminder or alarm falls due (the calendar's
    own recurrence rules do the counting)."""
    entry = CalendarEntry("repeat", "", clock.strftime("%H:%M"), rrule=rule)
    found = Schedule([entry], after.tzinfo or "UTC").upcoming(after, 1)
    return found[0].start


# -- said back ------------------------------------------------------------------------------------

def said_when(due: datetime, now: datetime, repeat: str | None, words: Words) -> str:
    """ "3 pm", "6:30 am tomorrow", "9 am on Friday the 27th", "7 am every weekday"."""
    hour = spoken_time(due.time())
    if repeat:
        return f"{hour} {said_repeat(repeat, words)}"
    return hour if due.date() == now.date() else f"{hour} {day_phrase(due.date(), now.date())}"


_WORKDAYS, _WEEKEND = ["MO", "TU", "WE", "TH", "FR"], ["SA", "SU"]
_CODES = [name[:2].upper() for name in WEEKDAYS]


def said_repeat(rule: str, words: Words) -> str:
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    days = [d for d in parts.get("BYDAY", "").split(",") if d in _CODES]
    if parts.get("FREQ") == "DAILY" or len(days) == 7 or not days:
        return str(words.spoken["every_day"])
    if days == _WORKDAYS:
        return str(words.spoken["every_weekday"])
    if days == _WEEKEND:
        return str(words.spoken["every_weekend"])
    names = [WEEKDAYS[_CODES.index(d)].capitalize() for d in days]
    return str(words.spoken["every"]).format(day=words.joined(names))


def said_length(seconds: float, words: Words) -> str:
    """ "30 minutes", "1 hour and 15 minutes", "45 seconds"."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    units = ((hours, "hour"), (minutes, "minute"), (secs, "second"))
    return words.joined([f"{n} {words.spoken[unit][n != 1]}" for n, unit in units if n])


def said_item(item: Pending, now: datetime, reply: str, words: Words, names: Iterable[str]) -> str:
    """One reminder or alarm as a reply calls it: `reply` is filled with its words and when it is due."""
    due = on_the_clock(item.due or now.timestamp(), now)
    what = words.what(str(item.payload.get("text", "")), str(item.payload.get("form", "to")), names)
    return reply.format(what=what, when=said_when(due, now, item.repeat, words))


def on_the_clock(due: float, like: datetime) -> datetime:
    """Epoch seconds as a local time in `like`'s timezone."""
    return datetime.fromtimestamp(due, like.tzinfo)
