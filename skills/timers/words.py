"""The skill's language, read once from timers.toml: its sentences, the words it reads and everything it says;
and timers said with it: a length ("1 hour, 15 minutes and 30 seconds") and how a timer is called.

Templates, replies, the words of lengths and the words no timer's name holds are data; this module only
reads them and puts lengths and names into them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from skills.api import FREE_TEXT, Sentences, SlotType, Timer, read_data, sentences_of

@dataclass(frozen=True)
class Words:
    """The data file, read."""

    sentences: tuple[Sentences, ...]
    examples: tuple[str, ...]
    ability: str
    articles: frozenset[str]
    timer: frozenset[str]
    """Words never in a timer's name: "timer", "timers"."""
    spoken: Mapping[str, Any]
    """[spoken]: the words of lengths (each unit one and many) and of lists."""
    replies: Mapping[str, str]

    def say(self, reply: str, **values: Any) -> str:
        return self.replies[reply].format(**values)

    def joined(self, parts: list[str], last: str) -> str:
        """ "a, b and c": `last` is the [spoken] word before the last part ("and", "or")."""
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {self.spoken[last]} {parts[-1]}"


@cache
def words() -> Words:
    data = read_data(__package__, "timers.toml")
    said = data["words"]
    return Words(tuple(sentences_of(data)), tuple(data["examples"]), data["ability"], frozenset(said["articles"]),
                 frozenset(said["timer"]), data["spoken"], data["replies"])


def _timer_name(text: str) -> str | None:
    """A timer's name as heard: articles dropped; never the word "timer" itself."""
    said = words()
    heard = text.split()
    while heard and heard[0] in said.articles:
        heard.pop(0)
    return " ".join(heard) if heard and not said.timer & set(heard) else None


TIMER_NAME = SlotType(FREE_TEXT, _timer_name, free=True)


def spoken_duration(seconds: float) -> str:
    """ "1 hour, 15 minutes and 30 seconds": whole seconds, rounded up so a fresh timer says its length."""
    said = words()
    parts = [f"{n} {said.spoken[unit][n != 1]}" for n, unit in _units(seconds)]
    if not parts:
        return said.spoken["nothing"]
    return said.joined(parts, "and")


def label(timer: Timer) -> str:
    """How a timer is called: "pizza timer", or by its length, "1 hour 15 minute timer"."""
    said = words()
    if timer.name:
        return said.say("named", name=timer.name)
    return said.say("unnamed", length=" ".join(f"{n} {said.spoken[unit][0]}" for n, unit in _units(timer.duration_s)))


def _units(seconds: float) -> list[tuple[int, str]]:
    """(count, unit) for each unit the length has, largest first; [spoken] of timers.toml says each unit."""
    hours, rest = divmod(math.ceil(seconds - 1e-6), 3600)
    minutes, secs = divmod(rest, 60)
    return [(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]
