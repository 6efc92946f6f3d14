"""The skill's language, read from reminders.toml: its sentences, slot types and everything it says.

Templates, replies, the words said back ("my" is "your") and the timing rules (a reminder's default
hour, when a bare hour is the morning's) are data; this module only reads them and builds the slot
patterns from homebody's own spoken-time patterns, so every time homebody can read is one here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from functools import cache
from collections.abc import Iterable
from typing import Any

from skills.api import (
    DAY_PATTERN, DURATION_PATTERN, FREE_TEXT, TIME_PATTERN, Sentences, SlotType, alternatives, choice, find_when,
    language, read_data, sentences_of, unnamed,
)

KINDS = ("reminder", "alarm")
"""The kinds of the household store's `pending` rows this skill owns; the others are the assistant's."""


@dataclass(frozen=True)
class Timing:
    """When things are meant and said: see [timing] in reminders.toml."""

    default_time: str
    wake_hours: tuple[int, int]
    dawn: int
    late_limit_minutes: int
    late_after_seconds: int
    snooze_minutes: int
    snooze_window_minutes: int
    listed: int

    @property
    def default_clock(self) -> time:
        return time.fromisoformat(self.default_time)


@dataclass(frozen=True)
class Words:
    """The data file, read."""

    sentences: tuple[Sentences, ...]
    examples: tuple[str, ...]
    ability: str
    """What the skill lets homebody do, for "what can you do"."""
    kinds: dict[str, dict[str, list[str]]]
    """Kind -> {"one": [...], "many": [...]}: the words that call it, the first is how it is said."""
    mirror: dict[str, str]
    replies: dict[str, str]
    spoken: dict[str, Any]
    """[spoken]: the words of lengths, repeats and lists."""
    timing: Timing

    def say(self, reply: str, **values: Any) -> str:
        """A reply filled in, its first letter made a capital (a sentence may start with a name or a time)."""
        text = self.replies[reply].format(**values)
        return text[:1].upper() + text[1:]

    def kind_word(self, kind: str | None, many: bool = False) -> str:
        if kind is None:
            return self.replies["both"]
        return self.kinds[kind]["many" if many else "one"][0]

    def counted(self, count: int, kind: str) -> str:
        """ "1 reminder", "3 alarms"."""
        return f"{count} {self.kind_word(kind, count != 1)}"

    def joined(self, parts: list[str]) -> str:
        """ "a, b and c"."""
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {self.spoken['and']} {parts[-1]}"

    def said_back(self, text: str, names: Iterable[str] = ()) -> str:
        """The words of a reminder (as heard: lowercase, no apostrophes) said back to the one who asked:
        "take my pills" -> "take your pills", "get emmas kit" -> "get Emma's kit"."""
        pattern = rf"(?<![^ ])(?:{alternatives(self.mirror)})(?![^ ])"
        text = re.sub(pattern, lambda found: self.mirror[found.group()], text)
        spelled = {n.lower(): n for n in names if " " not in n} | {f"{n.lower()}s": f"{n}'s" for n in names if " " not in n}
        return " ".join(spelled.get(word, word) for word in text.split())

    def what(self, text: str, form: str, names: Iterable[str] = ()) -> str:
        """ "to call the plumber", "about the dentist": a reminder's words as the replies put them."""
        return self.replies["about" if form == "about" else "to"].format(text=self.said_back(text, names))


@cache
def words() -> Words:
    data = read_data(__package__, "reminders.toml")
    timing = data["timing"]
    return Words(tuple(sentences_of(data)), tuple(data["examples"]), data["ability"], data["kinds"], data["mirror"], data["replies"], data["spoken"],
                 Timing(**{**timing, "wake_hours": tuple(timing["wake_hours"])}))


# -- slot types -----------------------------------------------------------------------------------

_T = language().time
_C = _T.commands
_DURATION = unnamed(DURATION_PATTERN)
_EVERY = (rf"(?:{alternatives(_T.every)}) "
          rf"(?:{alternatives((*_C.every_day, *_T.weekdays_word, *_T.weekends_word, *_T.weekday_numbers))})")
_AT = alternatives(_T.hour_prepositions)
_NO_TIME = rf"(?:(?:{_AT}) )?\d+(?: \d+)? (?:{alternatives(_C.time_words)})|(?:{_AT}) \d+(?: \d+)?"
"""Numbers said as a time that is none ("at 25 o'clock", "at 6 75"): taken, so the reply can say so."""
_PIECE = (rf"(?:(?:{alternatives(_T.after)}) {_DURATION}|(?:(?:{alternatives(_T.after)}) )?"
          rf"(?:{alternatives(_C.impossible)}) {_DURATION}|{unnamed(TIME_PATTERN)}|{unnamed(DAY_PATTERN)}|{_EVERY}"
          rf"|{_NO_TIME})")
WHEN = rf"{_PIECE}(?: {_PIECE}){{0,2}}"
"""A time as said in a command, in up to three pieces: "tomorrow at 6:30", "at 7 every weekday"."""
ALARM = rf"(?:\d{{1,2}}|{_DURATION}|{_PIECE})(?: {_PIECE}){{0,2}}"
"""The same, or a bare hour first: after "alarm for" a number is an hour ("set an alarm for 7")."""


def _alarm_time(text: str) -> str:
    """ "7 tomorrow" -> "at 7 tomorrow": a bare hour first is an hour (homebody reads one only after "at")."""
    tokens = text.split()
    found = find_when(tokens)
    if tokens[0].isdigit() and not any(w.start == 0 for w in found):
        return f"at {text.strip()}"
    return text.strip()


def _kinds(many: bool) -> SlotType:
    return choice({word: kind for kind, called in words().kinds.items() for word in called["many" if many else "one"]})


def slot_types() -> dict[str, SlotType]:
    return {
        "when": SlotType(WHEN, str.strip), "alarm": SlotType(ALARM, _alarm_time),
        "kind": _kinds(many=False), "kinds": _kinds(many=True),
        "entry": SlotType(FREE_TEXT, str.strip, free=True), "about": SlotType(FREE_TEXT, str.strip, free=True),
    }
