"""The clock: the time, the date and the day, in the home's local time (the turn's time).

The sentences it understands and everything it says are in clock.toml, read once; the names of days and
months it says are the language file's, shared with the rest of homebody.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Annotated

from langchain_core.tools import InjectedToolArg, StructuredTool
from pydantic import BaseModel

from skills.api import Sentences, Skill, SkillContext, Turn, language, read_data, sentences_of

__all__ = ["date_sentence", "ordinal", "skill", "time_sentence"]


@dataclass(frozen=True)
class Ordinals:
    """A number's ordinal ending: see [ordinal] in clock.toml."""

    last_two: Mapping[str, str]
    last: Mapping[str, str]
    other: str

    def ending(self, n: int) -> str:
        return self.last_two.get(str(n % 100)) or self.last.get(str(n % 10), self.other)


@dataclass(frozen=True)
class Words:
    """The data file, read; with the language file's names of days and months, as said in a sentence."""

    sentences: tuple[Sentences, ...]
    examples: tuple[str, ...]
    ability: str
    ordinals: Ordinals
    replies: Mapping[str, str]
    weekdays: tuple[str, ...]
    """Monday first: "Tuesday"."""
    months: tuple[str, ...]
    """January first: "November"."""


@cache
def words() -> Words:
    data, shared = read_data(__package__, "clock.toml"), language().time
    return Words(tuple(sentences_of(data)), tuple(data["examples"]), data["ability"], Ordinals(**data["ordinal"]),
                 data["replies"], tuple(d.capitalize() for d in shared.weekdays),
                 tuple(m.capitalize() for m in shared.months))


def time_sentence(now: datetime) -> str:
    """ "It's 1:02." — 24-hour, no leading zero."""
    return words().replies["time"].format(hour=now.hour, minute=now.minute)


def date_sentence(day: date) -> str:
    """ "Today is Tuesday, November 24th, 2026." """
    said = words()
    return said.replies["date"].format(weekday=said.weekdays[day.weekday()], month=said.months[day.month - 1],
                                       day=ordinal(day.day), year=day.year)


def ordinal(n: int) -> str:
    return f"{n}{words().ordinals.ending(n)}"


class ClockArgs(BaseModel):
    turn: Annotated[Turn, InjectedToolArg]


def current_time(turn: Turn) -> str:
    return time_sentence(turn.now)


def current_date(turn: Turn) -> str:
    return date_sentence(turn.now.date())


def skill(context: SkillContext) -> Skill:
    """The entry point: stateless; the time comes with each turn."""
    tools = [
        StructuredTool.from_function(func=current_time, name="current_time", args_schema=ClockArgs,
                                     description="Tell the current local time."),
        StructuredTool.from_function(func=current_date, name="current_date", args_schema=ClockArgs,
                                     description="Tell today's date and day of the week."),
    ]
    said = words()
    return Skill("clock", "The time, the date and the day of the week.", tools, list(said.sentences),
                 list(said.examples), ability=said.ability)
