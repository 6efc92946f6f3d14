"""The section dataclasses of the language file's [wording] tables: how homebody words what it says
about devices (agent/replies/). Read by the loader in language.py like every other section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Grammar:
    """How words combine in what homebody says: articles, plurals, verbs in the plural, lists."""

    the: str
    possessives: frozenset[str]
    possessive_ending: str
    a: str
    an: str
    vowels: frozenset[str]
    plural_ending: str
    es_ending: str
    es_after: tuple[str, ...]
    singular_endings: tuple[str, ...]
    plural_verbs: Mapping[str, str]
    last_and: str
    count: str
    second_person: Mapping[str, str]


@dataclass(frozen=True)
class Phrases:
    """What follows a device's name: its state as a predicate, a reading, a setting."""

    being: str
    already: str
    unavailable: str
    no_reading: str
    reads: str
    on_date: str
    date: str
    date_time: str
    degree: str
    degrees: str
    percent: str
    set_to: str
    off_set_to: str
    in_mode: str
    """A thermostat whose mode was just set: "on eco, set to 18 degrees"."""
    no_temperature: str
    at_percent: str
    at_brightness: str
    at_kelvin: str
    at_volume: str
    and_muted: str
    percent_open: str
    fully_open: str
    name_and_noun: str


@dataclass(frozen=True)
class AnswerSentences:
    """Answers to questions about the home, from the states read."""

    statement: str
    clause: str
    yes: str
    no: str
    only: str
    none_of: str
    no_none_of: str
    all_of: str
    both: str
    all_n: str
    only_some: str
    counted: str
    many: str
    others: str
    and_more: str
    more_devices: str


@dataclass(frozen=True)
class ResultSentences:
    """What a command did, and the confirmation asked before a risky one."""

    done: str
    done_with: str
    nothing_to_change: str
    routine_done: str
    the_routine: str
    failed: str
    timed_out: str
    offline: str
    unreachable: str
    media: Mapping[str, str]
    """Media command -> what is said when it is done."""
    confirm: str
    confirm_actions: Mapping[str, str]
    """Risky action -> how the confirmation names it."""


@dataclass(frozen=True)
class PlanSentences:
    """What homebody says of later commands and automations, when set up and when carried out."""

    actions: Mapping[str, str]
    set_to: str
    up: str
    down: str
    routine: str
    put_back: str
    after: str
    at: str
    at_day: str
    every: str
    watch: str
    tell: str
    at_once: str
    done_later: str
    told: str
    nothing_planned: str
    planned: str
    planned_more: str
    planned_item: str
    watching_item: str
    telling_item: str
    cancelled: str
    nothing_to_cancel: str
    not_saved: str
    past: str


@dataclass(frozen=True)
class BriefingSentences:
    """What homebody says of the speaker's day."""

    nothing_on: str
    reminders: str
    item: str
    unlocked: str
    open: str
    watched_classes: frozenset[str]


@dataclass(frozen=True)
class RecallSentences:
    """What homebody says of who or what changed a device."""

    asked: str
    by_itself: str
    unknown: str
    someone: str
    nothing: str


@dataclass(frozen=True)
class PresenceSentences:
    """What homebody says of who is home."""

    unknown: str
    is_home: str
    is_out: str
    busy: str
    home: str
    away: str
    nobody_home: str
    nobody_out: str
    out_at: str
    left: str
    left_all: str
    back: str
    back_all: str
    who: str


@dataclass(frozen=True)
class CalendarWords:
    """Days, clock times and schedule entries as homebody says them."""

    today: str
    tomorrow: str
    weekday: str
    weekday_of_month: str
    ordinal: str
    ordinal_endings: Mapping[str, str]
    """The last digit of a number -> its ordinal ending; others take `ordinal_ending`."""
    ordinal_ending: str
    noon: str
    midnight: str
    hour: str
    hour_minute: str
    halves: tuple[str, str]
    at_time: str
    at_time_on: str
    nothing: str
    day: str
    from_time: str
    all_day: str
    doing: str
    has: str
    whose: str
    is_when: str


@dataclass(frozen=True)
class Wording:
    """How homebody words what it says about devices (str.format templates)."""

    devices: tuple[str, str]
    reading_nouns: frozenset[str]
    months: tuple[str, ...]
    calendar: CalendarWords
    states: Mapping[str, str]
    """A state value -> the word said for it; a value not listed is said as it is."""
    whites: Mapping[str, int]
    """A shade of white -> the highest colour temperature it covers."""
    grammar: Grammar
    phrases: Phrases
    answers: AnswerSentences
    results: ResultSentences
    plans: PlanSentences
    presence: PresenceSentences
    recall: RecallSentences
    briefing: BriefingSentences
