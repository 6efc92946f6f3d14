"""The clock: the time, the date and the day, in the home's local time (the turn's time)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from langchain_core.tools import InjectedToolArg, StructuredTool
from pydantic import BaseModel

from skills.api import Sentences, Skill, SkillContext, Turn


def time_sentence(now: datetime) -> str:
    """ "It's 1:02." — 24-hour, no leading zero."""
    return f"It's {now.hour}:{now.minute:02d}."


def date_sentence(day: date) -> str:
    """ "Today is Tuesday, November 24th, 2026." """
    return f"Today is {day:%A}, {day:%B} {ordinal(day.day)}, {day.year}."


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class ClockArgs(BaseModel):
    turn: Annotated[Turn, InjectedToolArg]


def current_time(turn: Turn) -> str:
    return time_sentence(turn.now)


def current_date(turn: Turn) -> str:
    return date_sentence(turn.now.date())


WHAT_IS = "(what is|tell me|say|give me|do you know)"

SENTENCES = [
    Sentences("current_time", [
        f"{WHAT_IS} the [current] time [now|right now|please]",
        "what time is it [now|right now|here|at the moment]",
        "[do you know|can you tell me] what time it is [now|right now]",
        "(have you got|do you have) the time",
    ]),
    Sentences("current_date", [
        f"{WHAT_IS} (todays|the current|the|the day and) date [today]",
        f"{WHAT_IS} (the day|today) [today]",
        "what (date|day) is it [today|now]",
        "what (date|day) is today",
        "what day of the (week|month) is it [today]",
        "which day is (it|today)",
        "what year is it [now]",
        "[do you know|can you tell me] what (day|date) it is [today]",
    ]),
]


def skill(context: SkillContext) -> Skill:
    """The entry point: stateless; the time comes with each turn."""
    tools = [
        StructuredTool.from_function(func=current_time, name="current_time", args_schema=ClockArgs,
                                     description="Tell the current local time."),
        StructuredTool.from_function(func=current_date, name="current_date", args_schema=ClockArgs,
                                     description="Tell today's date and day of the week."),
    ]
    examples = ["what time is it", "what's the time", "what's the date today", "what day is it"]
    return Skill("clock", "The time, the date and the day of the week.", tools, SENTENCES, examples,
                 ability="tell you the time and the date")
