"""The household schedule as a skill: what is on, when something is, what is next, add and cancel.

The entries live in the household database (`context.store`); `agent.memory.schedule` expands them
into occurrences and words them. This package understands the days, times and people in a sentence
(`slots`) and chooses the answer (`calendar`). Its sentences, the words it reads and everything it says
are in schedule.toml (`words`). Below: the tools as the LLM planner sees them, and the entry point.
"""

from __future__ import annotations

from typing import Annotated, Literal

from langchain_core.tools import BaseTool, InjectedToolArg
from pydantic import BaseModel, Field

from skills.api import Skill, SkillContext, Turn, skill_tool, clock_time, period

from .calendar import Calendar
from .slots import People, slot_types
from .words import clean_title, repeats, words

__all__ = ["EXAMPLES", "PERSON_EXAMPLES", "People", "clean_title", "clock_time", "period", "repeats", "skill"]

EXAMPLES = list(words().examples)
PERSON_EXAMPLES = list(words().person_examples)
"""Said with the household's first person's name; left out when nobody lives there."""

InjectedTurn = Annotated[Turn, InjectedToolArg]
_PERSON = "whose entries: a person's name, or 'me' for the speaker; none for the whole household"
_DAY_HELP = "a day or span: today, tomorrow, tonight, a weekday, this weekend, next week, the 27th, December 3rd, or YYYY-MM-DD"


class DayArgs(BaseModel):
    day: str = Field(default="today", description=_DAY_HELP)
    person: str | None = Field(default=None, description=_PERSON)
    asking: Literal["what", "anything", "free"] = Field(
        default="what", description="what: list the entries; anything: answer yes/no 'is anything on'; "
                                    "free: answer yes/no 'is someone free'")
    turn: InjectedTurn


class WhenArgs(BaseModel):
    what: str = Field(description="the entry as said, e.g. 'the dentist appointment', 'soccer practice', 'the bins'")
    person: str | None = Field(default=None, description="whose entry: a name, or 'me' for the speaker")
    day: str | None = Field(default=None, description="only on this day (answers yes/no); " + _DAY_HELP)
    turn: InjectedTurn


class NextArgs(BaseModel):
    person: str | None = Field(default=None, description=_PERSON)
    what: str | None = Field(default=None, description="a kind of entry, e.g. 'dentist'; none for anything")
    turn: InjectedTurn


class AddArgs(BaseModel):
    title: str = Field(description="what it is, e.g. 'a haircut', 'the plumber', 'dentist'")
    day: str | None = Field(default=None, description="which day; " + _DAY_HELP)
    time: str | None = Field(default=None, description="start time, 24-hour HH:MM or spoken ('4 pm'); none: all day")
    person: str | None = Field(default=None, description="who it is for: a name, or 'me'; none: the household")
    end: str | None = Field(default=None, description="end time, HH:MM, when said")
    turn: InjectedTurn


class RemoveArgs(BaseModel):
    what: str = Field(description="the entry as said, e.g. 'the haircut', 'the plumber'")
    day: str | None = Field(default=None, description="the day of the occurrence to cancel; " + _DAY_HELP)
    person: str | None = Field(default=None, description="whose entry: a name, or 'me'")
    whole: bool = Field(default=False, description="remove a repeating entry altogether, not just its next time")
    turn: InjectedTurn


def _tools(calendar: Calendar) -> list[BaseTool]:
    return [
        skill_tool(calendar.on_day, "schedule_on_day", "Tell what is on the household calendar on a day or span, "
             "for everyone or one person ('what's on today', 'does Emma have anything on Friday').", DayArgs),
        skill_tool(calendar.when, "schedule_when", "Tell when an entry of the household calendar is "
             "('when is the dentist appointment').", WhenArgs),
        skill_tool(calendar.upcoming, "schedule_next", "Tell the next entry on the household calendar "
             "('what's next', 'what's my next appointment').", NextArgs),
        skill_tool(calendar.add, "schedule_add", "Add a one-off entry to the household calendar "
             "('add a haircut for Alex on Thursday at 4 pm'). Not for reminders or device schedules.", AddArgs),
        skill_tool(calendar.remove, "schedule_remove", "Cancel an entry of the household calendar, or one time of a "
             "repeating one ('cancel the haircut on Thursday', 'remove the plumber').", RemoveArgs),
    ]


def skill(context: SkillContext) -> Skill:
    """The entry point: people are read from the store now and re-read when they may have changed."""
    calendar = Calendar(context)
    names = list(calendar.people.names.values())
    language = words()
    return Skill(
        "schedule", "The household calendar: what is on, when something is, what is next; add and cancel entries.",
        _tools(calendar), list(language.sentences), EXAMPLES + [e.format(name=n) for n in names[:1] for e in PERSON_EXAMPLES],
        slots={**calendar.people.slots(), **slot_types()}, ability=language.ability,
    )
