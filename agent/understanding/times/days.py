"""Days and spans of days as spoken: "tomorrow", "on Friday", "next week", "the 3rd of December"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from agent.memory.schedule import Occurrence, days_named
from agent.memory.spoken import day_phrase
from agent.understanding.language import language
from agent.understanding.normalize import normalize
from agent.understanding.times.patterns import DAY, T

_DAY_RE = re.compile(DAY)
_ORDINALS = language().numbers.ordinals


@dataclass(frozen=True)
class Period:
    """The days a phrase means, and how to say them."""

    days: tuple[date, ...]
    phrase: str
    """ "today", "this weekend", "on Friday the 27th"."""
    hours: tuple[int, int] = (0, 24)
    """Local hours [from, to) of each day: "tonight" is (17, 24)."""

    def holds(self, occurrence: Occurrence) -> bool:
        return occurrence.start.date() in self.days and self.hours[0] <= occurrence.start.hour < self.hours[1]


def period(spoken: str, today: date) -> Period | None:
    """The days a phrase means, from `today`: "tomorrow", "friday", "next week", "the 27th", "2026-12-03"."""
    try:
        day = date.fromisoformat(spoken.strip())
        return Period((day,), day_phrase(day, today))
    except ValueError:
        pass
    found = _DAY_RE.fullmatch(" ".join(t for t in normalize(spoken) if t != ","))
    if found is None:
        return None
    parts = found.groupdict()
    if parts["dom"] or parts["dom2"] or parts["dom3"]:
        return _dated(parts, today)
    if parts["rel"]:
        return _relative(parts["rel"], parts["rel_part"], today)
    if parts["wd"]:
        return _weekday(parts["wd"], parts["which"], parts["wd_part"], today)
    if parts["week"]:
        return _week(parts["week"] in T.next, today)
    return _weekend(parts["weekend"] in T.next, today)


def _dated(parts: dict[str, str | None], today: date) -> Period | None:
    spoken = parts["dom"] or parts["dom2"] or parts["dom3"] or ""
    words = spoken.split()
    number = int(words[0]) + _ORDINALS[words[1]] if len(words) == 2 \
        else _ORDINALS.get(spoken) or int(re.sub(r"\D", "", spoken))
    month = parts["mon"] or parts["mon2"] or parts["mon3"]
    year = parts["year"] or parts["year2"] or parts["year3"]
    day = next_date(number, T.month_numbers[month] if month else None, int(year) if year else None, today)
    return Period((day,), day_phrase(day, today)) if day else None


def next_date(number: int, month: int | None, year: int | None, today: date) -> date | None:
    """The first date on or after today with that day of the month (and month, and year, when given)."""
    if month is None:
        months = (divmod(today.year * 12 + today.month - 1 + step, 12) for step in range(13))
        candidates = [(y, m + 1) for y, m in months]
    else:
        candidates = [(y, month) for y in ([year] if year else [today.year, today.year + 1])]
    for y, m in candidates:
        try:
            day = date(y, m, number)
        except ValueError:
            continue
        if day >= today or year:
            return day
    return None


def _relative(word: str, part: str | None, today: date) -> Period:
    this = next((w for w in T.this if word.startswith(w + " ")), None)
    if word == T.tonight or this is not None:
        return _part_of(today, "evening" if word == T.tonight else word.removeprefix(f"{this} "), today)
    days = 2 if word in T.day_after_tomorrow else 1 if word == T.tomorrow else 0
    return _part_of(today + timedelta(days=days), part, today)


def _weekday(word: str, which: str | None, part: str | None, today: date) -> Period:
    day = days_named(T.weekdays[T.weekday_numbers[word]], today)[0]
    if which in T.next and day == today:
        day += timedelta(days=7)
    return _part_of(day, part, today)


def _part_of(day: date, part: str | None, today: date) -> Period:
    """One day, or a part of it: "tonight", "tomorrow morning", "on Friday the 27th, in the afternoon"."""
    phrase = day_phrase(day, today)
    if part is None:
        return Period((day,), phrase)
    if phrase == "today":
        phrase = "tonight" if part in ("evening", "night") else f"this {part}"
    else:
        phrase += f" {part}" if phrase == "tomorrow" else " at night" if part == "night" else f", in the {part}"
    return Period((day,), phrase, T.parts[part])


def _week(following: bool, today: date) -> Period:
    first = today + timedelta(days=7 - today.weekday()) if following else today
    last = first + timedelta(days=6 - first.weekday())
    days = tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    return Period(days, "next week" if following else "this week")


def _weekend(following: bool, today: date) -> Period:
    days = days_named("weekend", today)
    if following and today.weekday() >= 5:
        days = [days_named("saturday", today + timedelta(days=1))[0]]
        days.append(days[0] + timedelta(days=1))
    return Period(tuple(days), "next weekend" if following else "this weekend")
