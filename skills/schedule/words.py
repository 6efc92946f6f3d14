"""The skill's language, read once from schedule.toml: its sentences, the words it reads and everything it
says; and entries said back with it: how one repeats ("every Tuesday and Thursday"), when it is ("on
Thursday at 4 pm"), its title made safe to speak.

Weekday and month names, the possessive ending and the "and" of a list are the language file's
(`language()`), shared with the rest of homebody; what only this skill reads or says is in schedule.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from typing import Any

from skills.api import CalendarEntry, Sentences, day_phrase, language, read_data, sentences_of, spoken_time


@dataclass(frozen=True)
class Repeats:
    """How an entry's repeating is said: see [repeats] in schedule.toml."""

    every: tuple[str, ...]
    frequencies: Mapping[str, str]
    day: str
    week: str
    weekdays: str
    said: str


@dataclass(frozen=True)
class Words:
    """The data file, read; with the language file's words the skill shares."""

    sentences: tuple[Sentences, ...]
    examples: tuple[str, ...]
    person_examples: tuple[str, ...]
    ability: str
    not_names: frozenset[str]
    my: frozenset[str]
    everyone: tuple[str, ...]
    pronouns: frozenset[str]
    articles: tuple[str, ...]
    clause_starts: frozenset[str]
    on: str
    generic: frozenset[str]
    repeats: Repeats
    answers: Mapping[str, Mapping[str, str]]
    replies: Mapping[str, str]
    weekdays: tuple[str, ...]
    """Monday first, as said in a sentence ("Tuesday")."""
    possessive: str
    """The ending that makes a name its owner's: "Emma's"."""
    last_and: str

    def say(self, reply: str, **values: Any) -> str:
        return self.replies[reply].format(**values)

    def bare(self, text: str) -> str:
        """The words of `text` after the articles it starts with: "the dentist" -> "dentist"."""
        words = text.split()
        while words and words[0] in self.articles:
            words.pop(0)
        return " ".join(words)

    def listed(self, parts: list[str]) -> str:
        """ "a, b and c"; "" for none."""
        if not parts:
            return ""
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {self.last_and} {parts[-1]}"


@cache
def words() -> Words:
    data = read_data(__package__, "schedule.toml")
    said, shared = data["words"], language()
    return Words(
        tuple(sentences_of(data)), tuple(data["examples"]), tuple(data["person_examples"]), data["ability"],
        frozenset([*said["not_names"], *shared.time.weekday_numbers, *shared.time.month_numbers]),
        frozenset(said["my"]), tuple(said["everyone"]), frozenset(said["pronouns"]), tuple(said["articles"]),
        frozenset(said["clause_starts"]), said["on"], frozenset(said["generic"]),
        Repeats(**{**data["repeats"], "every": tuple(data["repeats"]["every"])}), data["answers"], data["replies"],
        tuple(day.capitalize() for day in shared.time.weekdays), shared.wording.grammar.possessive_ending,
        shared.wording.grammar.last_and,
    )


# -- entries said back ----------------------------------------------------------------------------

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


def clean_title(title: str, limit: int = 80) -> str:
    """A stored title made safe to speak: one line, printable, not too long. It stays plain text."""
    text = " ".join("".join(c if c.isprintable() else " " for c in title).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
