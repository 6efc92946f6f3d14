"""The schedule in words: what is on a day, when one entry is, days and times as spoken."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from agent.memory.schedule import EVENT_NOUNS, WEEKDAYS, Occurrence
from agent.understanding.language import language

_MONTH_NAMES = language().wording.months
_WORDS = language().schedule


def describe(
    found: list[Occurrence], now: datetime, names: dict[str, str] | None = None,
    empty: str = "Nothing is on the schedule.",
) -> str:
    """One short spoken sentence per day, e.g. "Today: Sam is working from home from 9 am and Emma has
    soccer practice at 5 pm." `names` maps person ids to spoken names."""
    if not found:
        return empty
    today = now.astimezone(found[0].start.tzinfo).date()
    days: dict[date, list[str]] = {}
    for occurrence in found:
        days.setdefault(occurrence.start.date(), []).append(_clause(occurrence, names or {}))
    return " ".join(f"{_capital(day_phrase(day, today))}: {_listed(parts)}." for day, parts in days.items())


def describe_when(occurrence: Occurrence, now: datetime, names: dict[str, str] | None = None) -> str:
    """When one occurrence is: "Emma's soccer practice is today at 5 pm", "… on Friday the 27th at 3:30 pm"."""
    today = now.astimezone(occurrence.start.tzinfo).date()
    when = day_phrase(occurrence.start.date(), today)
    what, who = _title(occurrence.title), _name(occurrence.person, names or {})
    doing = bool(who) and _is_doing(occurrence.title)
    if not occurrence.all_day:
        when += _time_phrase(occurrence, "from" if doing else "at")
    if doing:
        return f"{who} is {what} {when}"
    return f"{who}'s {what} is {when}" if who else f"{_capital(what)} is {when}"


def day_phrase(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Friday the 27th", "on Monday the 4th of January"."""
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    phrase = f"on {WEEKDAYS[day.weekday()].capitalize()} the {_ordinal(day.day)}"
    if day.month != today.month and abs((day - today).days) > 6:
        phrase += f" of {_MONTH_NAMES[day.month - 1]}"
    return phrase


def spoken_time(moment: time) -> str:
    """ "5 pm", "3:30 pm", "noon", "midnight"."""
    if moment.hour in (0, 12) and moment.minute == 0:
        return "midnight" if moment.hour == 0 else "noon"
    hour, suffix = moment.hour % 12 or 12, "am" if moment.hour < 12 else "pm"
    return f"{hour} {suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d} {suffix}"


def _clause(occurrence: Occurrence, names: dict[str, str]) -> str:
    what, who = _title(occurrence.title), _name(occurrence.person, names)
    if not who:
        return what + _time_phrase(occurrence, "at")
    if _is_doing(occurrence.title):
        return f"{who} is {what}{_time_phrase(occurrence, 'from')}"
    return f"{who} has {_with_article(what)}{_time_phrase(occurrence, 'at')}"


def _time_phrase(occurrence: Occurrence, preposition: str) -> str:
    return " all day" if occurrence.all_day else f" {preposition} {spoken_time(occurrence.start.time())}"


def _is_doing(title: str) -> bool:
    """Whether a title is something one does ("Working from home", "Visiting Grandma") rather than has."""
    words = title.split()
    first = words[0].lower() if words else ""
    if not first.endswith(_WORDS.doing_ending) or first in _WORDS.not_doing:
        return False
    return len(words) == 1 or words[1].lower() in _WORDS.doing_followers or words[1][:1].isupper()


def _with_article(what: str) -> str:
    if what.split()[-1].lower() not in EVENT_NOUNS:
        return what
    return f"{'an' if what[0].lower() in 'aeiou' else 'a'} {what}"


def _title(title: str) -> str:
    """A title inside a sentence: lower-cased first letter, unless it starts an acronym or a name like "TV"."""
    if len(title) > 1 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(person: str | None, names: dict[str, str]) -> str:
    if not person:
        return ""
    return names.get(person, person.replace("_", " ").title())


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
