"""The schedule in words: what is on a day, when one entry is, days and times as spoken."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from agent.memory.schedule import EVENT_NOUNS, WEEKDAYS, Occurrence
from agent.understanding.language import language

_MONTH_NAMES = language().wording.months
_SAY = language().wording.calendar
_GRAMMAR = language().wording.grammar
_WORDS = language().schedule


def describe(
    found: list[Occurrence], now: datetime, names: dict[str, str] | None = None,
    empty: str = _SAY.nothing,
) -> str:
    """One short spoken sentence per day, e.g. "Today: Sam is working from home from 9 am and Emma has
    soccer practice at 5 pm." `names` maps person ids to spoken names."""
    if not found:
        return empty
    today = now.astimezone(found[0].start.tzinfo).date()
    days: dict[date, list[str]] = {}
    for occurrence in found:
        days.setdefault(occurrence.start.date(), []).append(_clause(occurrence, names or {}))
    return " ".join(_SAY.day.format(day=_capital(day_phrase(day, today)), entries=_listed(parts))
                    for day, parts in days.items())


def describe_when(occurrence: Occurrence, now: datetime, names: dict[str, str] | None = None) -> str:
    """When one occurrence is: "Emma's soccer practice is today at 5 pm", "… on Friday the 27th at 3:30 pm"."""
    today = now.astimezone(occurrence.start.tzinfo).date()
    when = day_phrase(occurrence.start.date(), today)
    what, who = _title(occurrence.title), _name(occurrence.person, names or {})
    doing = bool(who) and _is_doing(occurrence.title)
    if not occurrence.all_day:
        when += _time_phrase(occurrence, _SAY.from_time if doing else _SAY.at_time)
    if doing:
        return f"{_SAY.doing.format(who=who, what=what)} {when}"
    what = _SAY.whose.format(who=who, what=what) if who else _capital(what)
    return _SAY.is_when.format(what=what, when=when)


def day_phrase(day: date, today: date) -> str:
    """ "today", "tomorrow", "on Friday the 27th", "on Monday the 4th of January"."""
    if day == today:
        return _SAY.today
    if day == today + timedelta(days=1):
        return _SAY.tomorrow
    far = day.month != today.month and abs((day - today).days) > 6
    return (_SAY.weekday_of_month if far else _SAY.weekday).format(
        weekday=WEEKDAYS[day.weekday()].capitalize(), ordinal=_ordinal(day.day), month=_MONTH_NAMES[day.month - 1])


def at_moment(moment: datetime, today: date) -> str:
    """ "at 9:10 pm" today, "at 9:10 pm tomorrow", "at 7 am on Friday the 27th"."""
    time = spoken_time(moment.time())
    if moment.date() == today:
        return _SAY.at_time.format(time=time)
    return _SAY.at_time_on.format(time=time, day=day_phrase(moment.date(), today))


def spoken_time(moment: time) -> str:
    """ "5 pm", "3:30 pm", "noon", "midnight"."""
    if moment.hour in (0, 12) and moment.minute == 0:
        return _SAY.midnight if moment.hour == 0 else _SAY.noon
    hour, half = moment.hour % 12 or 12, _SAY.halves[moment.hour >= 12]
    return (_SAY.hour if moment.minute == 0 else _SAY.hour_minute).format(hour=hour, minute=moment.minute, half=half)


def _clause(occurrence: Occurrence, names: dict[str, str]) -> str:
    what, who = _title(occurrence.title), _name(occurrence.person, names)
    if not who:
        return what + _time_phrase(occurrence, _SAY.at_time)
    if _is_doing(occurrence.title):
        return _SAY.doing.format(who=who, what=what) + _time_phrase(occurrence, _SAY.from_time)
    return _SAY.has.format(who=who, what=_with_article(what)) + _time_phrase(occurrence, _SAY.at_time)


def _time_phrase(occurrence: Occurrence, template: str) -> str:
    """ " at 5 pm", " from 9 am", " all day": `template` places the start time."""
    return " " + (_SAY.all_day if occurrence.all_day else template.format(time=spoken_time(occurrence.start.time())))


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
    return (_GRAMMAR.an if what[0].lower() in _GRAMMAR.vowels else _GRAMMAR.a).format(noun=what)


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
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {_GRAMMAR.last_and} {parts[-1]}"


def _ordinal(number: int) -> str:
    teen = 11 <= number % 100 <= 13
    ending = _SAY.ordinal_ending if teen else _SAY.ordinal_endings.get(str(number % 10), _SAY.ordinal_ending)
    return _SAY.ordinal.format(n=number, ending=ending)
