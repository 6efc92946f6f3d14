"""Regular expressions for spoken days, times of day and durations, built from the language file's words.

Each is written over the recognizer's token form (lowercase, number words as digits) and comes
in two shapes: with named groups, to read a match, and plain, to embed in a sentence template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.understanding.language import language

T = language().time


def alternatives(words: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first."""
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(set(words), key=len, reverse=True))


def unnamed(pattern: str) -> str:
    """A pattern with named groups made plain, to embed in templates (each slot names its own group)."""
    return re.sub(r"\?P<\w+>", "?:", pattern)


WEEKDAY = alternatives(T.weekday_numbers)
MONTH = alternatives(T.month_numbers)
PART = alternatives(T.parts)
ORDINAL = rf"(?:[12]?\d|3[01])(?:{alternatives(language().numbers.ordinal_suffixes)})" \
          rf"|(?:(?:20|30) )?(?:{alternatives(language().numbers.ordinals)})"
DAY_NUMBER = rf"(?:[12]?\d|3[01])(?:{alternatives(language().numbers.ordinal_suffixes)})?"
_THE, _OF = re.escape(T.the), re.escape(T.of)
_NEXT = alternatives((*T.this, *T.coming, *T.next))
_RELATIVE = alternatives((T.today, T.tonight, T.tomorrow, *T.day_after_tomorrow))

DAY = (
    rf"(?:(?:(?:{alternatives(T.relative_day_prepositions)}) )?"
    rf"(?P<rel>{_RELATIVE}|(?:{alternatives(T.this)}) (?:{PART}))(?: (?P<rel_part>{PART}))?"
    rf"|(?:(?:{alternatives(T.day_prepositions)}) )?(?:"
    rf"(?:(?:{WEEKDAY}) )?(?:{_THE} )?(?P<dom>{ORDINAL})(?: {_OF} (?P<mon>{MONTH}))?(?: (?P<year>20\d\d))?"
    rf"|(?:(?:{WEEKDAY}) )?(?:{_THE} )?(?P<dom2>{DAY_NUMBER}) (?:{_OF} )?(?P<mon2>{MONTH})(?: (?P<year2>20\d\d))?"
    rf"|(?:(?:{WEEKDAY}) )?(?P<mon3>{MONTH}) (?:{_THE} )?(?P<dom3>{ORDINAL}|{DAY_NUMBER})(?: (?P<year3>20\d\d))?"
    rf"|(?:(?P<weekend>{_NEXT}) )?(?:{_THE} )?{re.escape(T.weekend)}"
    rf"|(?P<week>{alternatives((*T.this, *T.next, *T.rest_of))}) {re.escape(T.week)}"
    rf"|(?:(?P<which>{_NEXT}) )?(?P<wd>{WEEKDAY})(?: (?P<wd_part>{PART}))?"
    "))"
)
"""A spoken day or span: "on sunday", "this weekend", "the 3rd of december", "tomorrow morning"."""

_H, _MM = r"(?:[01]?\d|2[0-3])", r"[0-5]\d"
_AMPM = alternatives((*T.am, *T.pm))
_LATER = alternatives(T.later)
_PAST_TO = alternatives((*T.past, *T.to))
TIME = (
    rf"(?:(?:(?:{alternatives(T.time_prepositions)}) )?(?:"
    rf"(?P<h1>{_H})(?:[ .:](?P<m1>{_MM}))? ?(?P<ap1>{_AMPM})"
    rf"|(?P<h2>{_H}) (?:{alternatives(T.oclock)})"
    rf"|(?P<h3>{_H})[ .:](?P<m3>{_MM})"
    rf"|{re.escape(T.half)} (?:(?:{alternatives(T.past)}) )?(?P<h4>{_H})"
    rf"|(?:(?:{alternatives(T.a)}) )?{re.escape(T.quarter)} (?P<q>{_PAST_TO}) (?P<h5>{_H})"
    rf"|(?:(?P<m6>5|10|20|25)|(?P<m6b>\d{{1,2}}) (?:{alternatives(T.minutes)})) (?P<dir>{_PAST_TO}) (?P<h6>{_H})"
    rf"|(?P<named>{alternatives(T.named)})"
    rf"|(?P<h8>{_H})(?= (?:{_LATER})))"
    rf"|(?:{alternatives(T.hour_prepositions)}) (?P<h7>{_H}))"
    rf"(?: (?P<ap2>{_AMPM}))?(?: (?P<late>{_LATER}))?"
)
"""A spoken time of day: "4 pm", "at 9", "half past 3", "16:00", "quarter to 7", "noon"."""

_UNIT = f"(?:{alternatives(T.units)})"
FRACTIONS = language().numbers.fractions
"""A share of a unit: "a quarter of an hour", "three quarters of an hour", "two thirds of a minute"."""
_A = f"(?:{alternatives(T.a)})"
_PART_OF_DURATION = (
    rf"(?P<count>\d+(?:\.\d+)?|{_A}) (?:(?:{alternatives(T.extra)}) )?(?P<half_before>{re.escape(T.and_)} {_A} "
    rf"{re.escape(T.half)} )?(?P<unit>{_UNIT})(?P<half_after> {re.escape(T.and_)} {_A} {re.escape(T.half)})?"
    rf"(?: {re.escape(T.and_)} (?P<share_parts>\d+|{_A}) (?P<share>{alternatives(FRACTIONS)}))?"
    rf"|{re.escape(T.half)} (?:{_A}) (?P<half_unit>{_UNIT})"
    rf"|(?:(?P<parts>\d+|{_A}) )?(?P<fraction>{alternatives(FRACTIONS)}) (?:{_OF} (?:{_A}) )?(?P<fraction_unit>{_UNIT})"
    rf"|(?:{_A} )?(?P<half_hour>{re.escape(T.half)}) (?P<half_of>{_UNIT})"
)
DURATION = rf"(?:{unnamed(_PART_OF_DURATION)})(?: (?:{re.escape(T.and_)} )?(?:{unnamed(_PART_OF_DURATION)}))*"
"""A spoken duration: "10 minutes", "an hour and a half", "1 hour and 15 minutes", "half a minute"."""
DURATION_PART = re.compile(_PART_OF_DURATION)
