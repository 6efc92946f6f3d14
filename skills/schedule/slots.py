"""The slot types of the skill's sentences: days, times, new entries' titles and the entries a question names.

Titles are data: they are only ever read out, never acted on. A title or entry is refused (the template
does not fit) when it is a pronoun or a clause; device talk is the recognizer's to weigh (agent.understanding).
"""

from __future__ import annotations

import re
from datetime import time

from skills.api import DAY_PATTERN, FREE_TEXT, TIME_PATTERN, SlotType, alternatives, clock_time, language, unnamed

from .words import words

DAY = SlotType(unnamed(DAY_PATTERN),
               lambda text: re.sub(rf"^(?:{alternatives(language().time.day_prepositions)}) ", "", text))
"""A spoken day or span ("on sunday", "this weekend", "the 3rd of december"); the tool reads it with `period`."""
TIME = SlotType(unnamed(TIME_PATTERN), lambda text: _hhmm(clock_time(text)))


def _hhmm(moment: time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


def title(text: str) -> str | None:
    """A new entry's title as heard (articles kept for the reply)."""
    return text if words().bare(text) else None


def what(text: str) -> str | None:
    """An entry named in a question ("the dentist appointment"); None for pronouns."""
    said = words().bare(text).split()
    if not said or said[0] in words().pronouns:
        return None
    return text


def what_alone(text: str) -> str | None:
    """An entry named right after "when", the verb mis-heard or lost ("when inammon soccer practice");
    never a clause ("when will the next birthday be", "when I get home")."""
    said = text.split()
    return what(text) if said and said[0] not in words().clause_starts else None


def clean_title(title: str, limit: int = 80) -> str:
    """A stored title made safe to speak: one line, printable, not too long. It stays plain text."""
    text = " ".join("".join(c if c.isprintable() else " " for c in title).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def slot_types() -> dict[str, SlotType]:
    """The slots of the skill's own beside the people's (`People.slots`)."""
    return {
        "day": DAY, "time": TIME, "title": SlotType(FREE_TEXT, title, free=True),
        "what": SlotType(FREE_TEXT, what, free=True), "what_alone": SlotType(FREE_TEXT, what_alone, free=True),
    }
