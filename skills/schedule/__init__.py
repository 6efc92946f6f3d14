"""The household schedule as a skill: what is on, when something is, what is next, add and cancel.

The entries live in the household database (`context.store`); `agent.memory.schedule` expands them
into occurrences and words them. This package understands the days, times and people in a sentence
(`slots`, `people`) and chooses the answer (`calendar`, said by `spoken`). Its sentences, the words it
reads and everything it says are in schedule.toml (`words`).
"""

from __future__ import annotations

from skills.api import Skill, SkillContext, clock_time, period

from .calendar import Calendar
from .people import People
from .slots import clean_title, slot_types
from .spoken import repeats
from .tools import tools
from .words import words

__all__ = ["EXAMPLES", "PERSON_EXAMPLES", "People", "clean_title", "clock_time", "period", "repeats", "skill"]

EXAMPLES = list(words().examples)
PERSON_EXAMPLES = list(words().person_examples)
"""Said with the household's first person's name; left out when nobody lives there."""


def skill(context: SkillContext) -> Skill:
    """The entry point: people are read from the store now and re-read when they may have changed."""
    calendar = Calendar(context)
    names = list(calendar.people.names.values())
    language = words()
    return Skill(
        "schedule", "The household calendar: what is on, when something is, what is next; add and cancel entries.",
        tools(calendar), list(language.sentences), EXAMPLES + [e.format(name=n) for n in names[:1] for e in PERSON_EXAMPLES],
        slots={**calendar.people.slots(), **slot_types()}, ability=language.ability,
    )
