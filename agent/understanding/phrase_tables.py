"""Sections of the language file about time, the schedule, conditions, grounding and the assistant's own sentences
(see language.py)."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from devices.errors import ConfigError
from devices.model import Kind


@dataclass(frozen=True)
class TimeInCommands:
    impossible: frozenset[str]
    time_words: frozenset[str]
    every_day: tuple[str, ...]
    then: frozenset[str]
    prepositions: frozenset[str]
    """Words that say when: a word not understood after one is a time not understood."""
    unit_needed_after: tuple[str, ...]
    """A bare number after one of these is a time with its unit unsaid ("lights off in 5"), never a level."""


@dataclass(frozen=True)
class Time:
    """Days, times of day and durations."""

    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    today: str
    tonight: str
    tomorrow: str
    day_after_tomorrow: tuple[str, ...]
    weekend: str
    week: str
    this: tuple[str, ...]
    coming: tuple[str, ...]
    next: tuple[str, ...]
    rest_of: tuple[str, ...]
    day_prepositions: tuple[str, ...]
    relative_day_prepositions: tuple[str, ...]
    time_prepositions: tuple[str, ...]
    hour_prepositions: tuple[str, ...]
    am: tuple[str, ...]
    pm: tuple[str, ...]
    oclock: tuple[str, ...]
    half: str
    quarter: str
    past: tuple[str, ...]
    to: tuple[str, ...]
    minutes: tuple[str, ...]
    later: Mapping[str, str]
    """Words after an hour that say am or pm ("in the morning": am)."""
    after: tuple[str, ...]
    during: tuple[str, ...]
    until: tuple[str, ...]
    every: tuple[str, ...]
    weekdays_word: tuple[str, ...]
    weekends_word: tuple[str, ...]
    daily: tuple[str, ...]
    extra: tuple[str, ...]
    a: tuple[str, ...]
    and_: str
    of: str
    the: str
    weekday_aliases: Mapping[str, int]
    month_aliases: Mapping[str, int]
    parts: Mapping[str, tuple[int, int]]
    named: Mapping[str, str]
    units: Mapping[str, int]
    commands: TimeInCommands

    @property
    def weekday_numbers(self) -> dict[str, int]:
        """Every way a weekday is said -> its number, Monday 0."""
        return {**{d: n for n, d in enumerate(self.weekdays)}, **self.weekday_aliases}

    @property
    def month_numbers(self) -> dict[str, int]:
        return {**{m: n for n, m in enumerate(self.months, 1)}, **self.month_aliases}


@dataclass(frozen=True)
class ScheduleWords:
    """How the titles of calendar entries are read and said (agent/memory/schedule.py, spoken.py)."""

    ignored: frozenset[str]
    """Words of a title or question that name no entry ("when is my dentist")."""
    event_nouns: frozenset[str]
    """Kinds of event, not names of one: "lesson" alone does not tell the piano lesson from the swimming one."""
    doing_ending: str
    """A title that starts with a word with this ending is something someone is doing ("Working from home")…"""
    not_doing: frozenset[str]
    """…unless the word is one of these, a thing someone has ("Wedding", "Evening out")…"""
    doing_followers: frozenset[str]
    """…and it stands alone, or a name or one of these follows it ("Visiting Grandma", "Working from home")."""


@dataclass(frozen=True)
class Grounding:
    """The words that tie a language model's plan to the request (agent/llm/grounding.py)."""

    references: frozenset[str]
    """Words for the previous turn's devices ("turn them off")."""
    here: frozenset[str]
    """Words for the speaker's room ("in here")."""
    ignored: frozenset[str]
    """Words that refer to nothing: a device is never grounded by one."""
    not_places: frozenset[str]
    """Words of a floor's name that name no place on their own ("the first floor": "first")."""
    kinds: Mapping[str, tuple[str, ...]]
    """Kind of device -> the words that refer to one ("lamp", "bright", "cold")."""

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - {kind.value for kind in Kind}
        if unknown:
            raise ConfigError(f"language file: grounding.kinds: unknown kind {', '.join(sorted(unknown))}")


@dataclass(frozen=True)
class Conditions:
    """How a condition is said: markers, state verbs, numbers crossed, people leaving or arriving."""

    markers: tuple[str, ...]
    at_once: frozenset[str]
    tell: tuple[str, ...]
    tell_when: tuple[str, ...]
    """Ask to be told only before a marker that waits; else what follows is a question."""
    not_after: frozenset[str]
    copulas: frozenset[str]
    """The verb that turns a condition into the question it asks ("someone is on the porch")."""
    me: frozenset[str]
    everyone: tuple[str, ...]
    below: tuple[str, ...]
    above: tuple[str, ...]
    states: Mapping[str, tuple[str, ...]]
    """State word -> the verb phrases that mean it."""
    presence: Mapping[str, tuple[str, ...]]
    """"leave" / "arrive" -> the verb phrases that mean it."""


@dataclass(frozen=True)
class SentenceSet:
    """Templates that all mean one tool of the assistant's own."""

    tool: str
    templates: tuple[str, ...]
    args: Mapping[str, Any] = field(default_factory=lambda: types.MappingProxyType({}))
    """Fixed arguments of the call, beside the templates' slots."""


@dataclass(frozen=True)
class DeviceIntent:
    """Templates of device commands that all ask for one action (agent/understanding/intents.py)."""

    action: str
    """The clause's action, as a verb of [commands.verbs] gives it: "pause", "next", "on" …"""
    templates: tuple[str, ...]
    attribute: str | None = None
    """The attribute the action changes, when the templates say it ("turn the music up": volume)."""
