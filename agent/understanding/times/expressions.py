"""Times said inside a command: "in ten minutes", "at half past four", "tomorrow at 6:30", "for 15 minutes",
"every weekday at 7", "tomorrow" alone — and numbers that look like times but are none ("at 25 o'clock").

A number inside a time is never a level: the frame reader marks these spans used. The moment a
time names is resolved against the clock only when the command is carried out (`due`), so
understanding stays a pure function of the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from agent.understanding.language import language
from agent.understanding.times.clock import _TIME_RE, clock_time, parse_duration
from agent.understanding.times.days import period
from agent.understanding.times.patterns import DAY, DURATION, TIME, WEEKDAY, T, alternatives, unnamed

WhenKind = Literal["at", "after", "for", "until", "every", "day", "invalid", "bare", "unread"]
"""bare: a number after "in" or "after" with no unit ("off in 5"): no time for a command (5 what?), and none
at all for a question ("is a light on in one of the bedrooms"); unread: words after one that says when
("until bedtime"), not understood."""
_C = T.commands
_DAY, _TIME, _DUR = unnamed(DAY), unnamed(TIME), unnamed(DURATION)
_EVERY_WHAT = alternatives((*_C.every_day, *T.weekdays_word, *T.weekends_word, *T.weekday_numbers))
_WHEN = re.compile(
    r"(?<![^ ])(?:"
    rf"(?P<every>(?:{alternatives(T.every)}) (?P<every_what>{_EVERY_WHAT})(?: (?P<every_time>{_TIME}))?)"
    rf"|(?P<after>(?:{alternatives(T.after)}) (?P<after_d>{_DUR}))"
    rf"|(?P<for>(?:{alternatives(T.during)}) (?P<for_d>{_DUR}))"
    rf"|(?P<more>{_DUR})"
    rf"|(?P<until>(?:{alternatives(T.until)}) (?:(?P<day3>{_DAY}) )?(?P<until_clock>{_TIME})(?: (?P<day4>{_DAY}))?)"
    rf"|(?P<at>(?:(?P<day1>{_DAY}) )?(?P<clock>{_TIME})(?: (?P<day2>{_DAY}))?)"
    rf"|(?P<day>{_DAY})"
    r")(?![^ ])"
)
_NUMBER_TIME = re.compile(rf"(?<![^ ])(?:\d+ (?:{alternatives(_C.time_words)})|(?:{alternatives(T.hour_prepositions)}) "
                          rf"\d+ (?:{alternatives(_C.time_words)}))(?![^ ])")
_BARE_NUMBER = re.compile(rf"(?<![^ ])(?:{alternatives(_C.unit_needed_after)}) \d+(?![^ ])")
_WEEKDAY_ONLY = re.compile(rf"(?:{WEEKDAY})")
_SETTING_UNITS = language().values.percent | language().values.degrees
SMALL_HOURS = (1, 7)
"""Local hours [from, to) nobody means by an hour said without am or pm."""


@dataclass(frozen=True)
class When:
    """A time said in a command, and the token span it takes."""

    kind: WhenKind
    start: int
    end: int
    seconds: int | None = None
    """For "after" and "for": the duration, in seconds."""
    clock: time | None = None
    """For "at" and "every": the time of day."""
    half_said: bool = True
    """Whether the time of day said which half of the day ("9 pm", "21:00"); "at 9" did not."""
    day: str | None = None
    """The day as said ("tomorrow", "on friday"), in token form."""
    repeat: str | None = None
    """For "every": an RFC 5545 rule (FREQ=DAILY, FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR)."""
    said: str = ""
    """The words, in token form."""


def find_when(tokens: list[str] | tuple[str, ...], skip: set[int] | frozenset[int] = frozenset()) -> list[When]:
    """Every time said in the tokens outside `skip` (names), left to right."""
    text = " ".join(tokens)
    starts = _token_starts(tokens)
    found: list[When] = []
    for match in _WHEN.finditer(text):
        start, end = starts.index(match.start()), _end_token(starts, match.end())
        if skip.intersection(range(start, end)) or (end < len(tokens) and tokens[end] in _SETTING_UNITS):
            continue  # a name, or "at 10 percent": a setting
        when = _read(match, start, end)
        if when is not None:
            found.append(_impossible(tokens, when))
    found += _not_times(_NUMBER_TIME, text, tokens, starts, found, skip)  # "at 25 o'clock"
    found += _not_times(_BARE_NUMBER, text, tokens, starts, found, skip, bare=True)  # "lights off in 5": 5 what?
    return _joined(sorted(found, key=lambda w: w.start))


def _not_times(pattern: re.Pattern[str], text: str, tokens: list[str] | tuple[str, ...], starts: list[int],
               found: list[When], skip: set[int] | frozenset[int], bare: bool = False) -> list[When]:
    """Numbers said as times that are none: the spans of `pattern` that no time and no name took (with
    `bare`, only where no unit follows, as kind "bare")."""
    taken = {i for w in found for i in range(w.start, w.end)} | set(skip)
    invalid = []
    for match in pattern.finditer(text):
        start, end = starts.index(match.start()), _end_token(starts, match.end())
        unit = bare and end < len(tokens) and (tokens[end] in _C.time_words or tokens[end] in _SETTING_UNITS)
        if not unit and not taken.intersection(range(start, end)):
            invalid.append(When("bare" if bare else "invalid", start, end, said=match.group()))
    return invalid


def _joined(found: list[When]) -> list[When]:
    """ "At 6 am every weekday" is one time, as "every weekday at 6 am" is: a time of day next to a repeat
    with none joins it."""
    joined: list[When] = []
    for when in found:
        last = joined[-1] if joined else None
        pair = {last.kind, when.kind} if last is not None and last.end == when.start else set()
        if last is not None and pair == {"at", "every"}:
            at, every = (last, when) if last.kind == "at" else (when, last)
            if every.clock is None and at.day is None:
                joined[-1] = When("every", last.start, when.end, clock=at.clock, half_said=at.half_said,
                                  repeat=every.repeat, said=f"{last.said} {when.said}")
                continue
        joined.append(when)
    return joined


def _read(match: re.Match[str], start: int, end: int) -> When | None:
    g, said = match.groupdict(), match.group()
    if g["every"]:
        return _every(g, start, end, said)
    if g["after"] or g["for"] or g["more"]:
        seconds = parse_duration(g["after_d"] or g["for_d"] or g["more"])
        kind: WhenKind = "after" if g["after"] else "for"
        return When(kind, start, end, seconds=seconds, said=said) if seconds else When("invalid", start, end, said=said)
    if g["at"] or g["until"]:
        spoken = g["clock"] or g["until_clock"] or ""
        clock = clock_time(spoken)
        if clock is None:
            return When("invalid", start, end, said=said)
        return When("at" if g["at"] else "until", start, end, clock=clock, half_said=_half_said(spoken),
                    day=g["day1"] or g["day2"] or g["day3"] or g["day4"], said=said)
    return When("day", start, end, day=g["day"], said=said)


def _every(g: dict[str, str | None], start: int, end: int, said: str) -> When:
    what = g["every_what"] or ""
    clock = clock_time(g["every_time"]) if g["every_time"] else None
    if what in T.weekdays_word:
        rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    elif what in T.weekends_word:
        rule = "FREQ=WEEKLY;BYDAY=SA,SU"
    elif _WEEKDAY_ONLY.fullmatch(what):
        rule = f"FREQ=WEEKLY;BYDAY={('MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU')[T.weekday_numbers[what]]}"
    else:
        rule = "FREQ=DAILY"
    half = _half_said(g["every_time"]) if g["every_time"] else True
    return When("every", start, end, clock=clock, half_said=half, repeat=rule, said=said)


def _impossible(tokens: list[str] | tuple[str, ...], when: When) -> When:
    """ "In minus five minutes": a time before now is no time."""
    if when.kind in ("after", "for") and any(t in _C.impossible for t in tokens[max(0, when.start - 1):when.start + 2]):
        return When("invalid", when.start, when.end, said=when.said)
    return when


def _half_said(spoken: str) -> bool:
    found = _TIME_RE.fullmatch(spoken)
    if found is None:
        return True
    g = found.groupdict()
    if g["named"] or g["ap1"] or g["ap2"] or g["late"]:
        return True
    hour = next((int(g[k]) for k in ("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8") if g[k]), 0)
    return hour == 0 or hour > 12


def due(when: When, now: datetime) -> datetime | None:
    """The moment a time names, from `now` (aware, local): the next such time; None when it names none."""
    if when.kind in ("after", "for") and when.seconds:
        return now + timedelta(seconds=when.seconds)
    if when.clock is None:
        return None
    span = period(when.day, now.date()) if when.day else None
    return _next_time(when.clock, when.half_said, now, span.days[0] if span else None, part_of_day(when.said))


def part_of_day(said: str) -> tuple[int, int] | None:
    """The local hours [from, to) a time's words put it in: "tonight", "every night", "this morning"."""
    words = said.split()
    if T.tonight in words:
        return T.parts.get("night")
    return next((T.parts[word] for word in words if word in T.parts), None)


def _next_time(clock: time, half_said: bool, now: datetime, day: date | None,
               part: tuple[int, int] | None = None) -> datetime | None:
    """The next time the clock shows `clock` (on `day` when said); an hour said without am/pm is the half of
    the day its words say ("tonight at 11") or else the sooner of its two halves ("at 9" said at 8 pm is 9 pm),
    but never the small hours ("at 3" is 3 pm)."""
    other = time((clock.hour + 12) % 24, clock.minute)
    candidates = [clock] if half_said or SMALL_HOURS[0] <= other.hour < SMALL_HOURS[1] else [clock, other]
    if not half_said and part is not None:
        candidates = [c for c in (clock, other) if part[0] <= c.hour < part[1]] or candidates
    moments = []
    for choice in candidates:
        first = datetime.combine(day or now.date(), choice, tzinfo=now.tzinfo)
        if day is None and first <= now:
            first += timedelta(days=1)
        moments.append(first)
    future = [m for m in moments if m > now]
    return min(future) if future else None


def _token_starts(tokens: list[str] | tuple[str, ...]) -> list[int]:
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    return starts


def _end_token(starts: list[int], end: int) -> int:
    return next((i for i, s in enumerate(starts) if s > end), len(starts))
