"""Timers: named or not, several at once, paused, extended, asked about; they ring by announcement.

A timer belongs to the area of the satellite that started it ("the kitchen timer"); every change is
written to the household database, so timers outlive a restart of the assistant (`running`). The
sentences and everything the skill says are in timers.toml (`words`). Below: the tools as the LLM
planner sees them, and the entry point.
"""

from __future__ import annotations

from typing import Annotated

from langchain_core.tools import BaseTool, InjectedToolArg
from pydantic import BaseModel, Field

from skills.api import Skill, SkillContext, Turn, skill_tool

from .running import Timers, narrow, select
from .words import TIMER_NAME, label, spoken_duration, words

__all__ = ["label", "narrow", "select", "skill", "spoken_duration"]

# -- tools ----------------------------------------------------------------------------------------

InjectedTurn = Annotated[Turn, InjectedToolArg]


class Target(BaseModel):
    """Which timer: by any of these, or none when there is only one."""

    name: str | None = Field(default=None, description="the timer's name, e.g. pizza")
    length: int | None = Field(default=None, description="the length it was set to, in seconds (the 10 minute timer)")
    area: str | None = Field(default=None, description="area id where it was started (the kitchen timer)")
    turn: InjectedTurn


class StartArgs(BaseModel):
    duration: int | None = Field(default=None, gt=0, description="length in seconds; none asks for it")
    name: str | None = Field(default=None, description="a name for it, e.g. pizza")
    turn: InjectedTurn


class CancelArgs(Target):
    every: bool = Field(default=False, description="cancel every timer that fits, not just one")


class ChangeArgs(Target):
    duration: int = Field(gt=0, description="seconds to add or take off")


def _tools(timers: Timers) -> list[BaseTool]:
    return [
        skill_tool(timers.start, "start_timer", "Start a countdown timer, optionally named.", StartArgs),
        skill_tool(timers.status, "timer_status", "Tell how long is left on timers.", Target),
        skill_tool(timers.cancel, "cancel_timer", "Cancel a timer, or every timer that fits.", CancelArgs),
        skill_tool(timers.pause, "pause_timer", "Pause a running timer.", Target),
        skill_tool(timers.resume, "resume_timer", "Resume a paused timer.", Target),
        skill_tool(timers.add, "add_timer_time", "Add time to a timer.", ChangeArgs),
        skill_tool(timers.remove, "remove_timer_time", "Take time off a timer.", ChangeArgs),
    ]


def skill(context: SkillContext) -> Skill:
    """The entry point: timers loaded from the household database, ringing from `tick`."""
    timers = Timers(context)
    language = words()
    return Skill(
        "timers", "Countdown timers: start, ask, pause, resume, add or take time, cancel; they ring when done.",
        _tools(timers), list(language.sentences), list(language.examples), slots={"timer_name": TIMER_NAME},
        tick=timers.tick, ability=language.ability,
    )
