"""The plugin API: what a skill declares, and what homebody hands it.

A skill package exposes, in the entry-point group `homebody.skills`, a factory
`skill(context: SkillContext) -> Skill`. The factory gets everything the skill may use through
the context (clock, household store, device registry, a way to speak later), never through
globals, so two assistants in one process (tests, a restart) never share state.

This module is the whole of what a skill imports from homebody: the declaration types below, the
reading of a skill's own data file (its sentences, replies and words), and re-exported from the rest
of homebody the sentence-template slots, times as spoken (days, times of day, durations, and the
times said inside a command), the household store and calendar, and the spelling-and-sound likeness
of names. The built-in skills use nothing else.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.memory.schedule import (
    WEEKDAYS, Occurrence, Schedule, add_entry, days_named, remove_entry, skip_occurrence, title_words,
)
from agent.memory.spoken import day_phrase, describe, describe_when, spoken_time
from agent.memory.records import Pending
from agent.turn.context import Announce, log_announcement
from agent.memory.store import CalendarEntry, HouseholdStore, Timer
from agent.understanding.language import Language, language
from agent.understanding.normalize import normalize
from agent.understanding.similarity import similarity
from agent.understanding.templates import FREE_TEXT, SlotType, choice, sentence_text
from agent.understanding.times import DAY as DAY_PATTERN
from agent.understanding.times import DURATION as DURATION_PATTERN
from agent.understanding.times import TIME as TIME_PATTERN
from agent.understanding.times import Period, alternatives, clock_time, next_date, parse_duration, period, unnamed
from agent.understanding.times.expressions import SMALL_HOURS, When, find_when
from devices.errors import StoreError

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool
    from pydantic import BaseModel

    from devices.registry import Registry

__all__ = [
    "DAY_PATTERN", "DURATION_PATTERN", "FREE_TEXT", "SMALL_HOURS", "TIME_PATTERN", "WEEKDAYS", "Announce", "CalendarEntry",
    "HouseholdStore", "Language", "Occurrence", "Pending", "Period", "Schedule", "Sentences", "Skill", "SkillContext",
    "SkillFactory", "SlotType", "StoreError", "Timer", "Turn", "When", "add_entry", "alternatives", "choice",
    "clock_time", "day_phrase", "days_named", "describe", "describe_when", "find_when", "language", "log_announcement",
    "next_date", "normalize", "parse_duration", "period", "read_data", "remove_entry", "sentence_text",
    "sentences_of", "similarity", "skill_tool", "skip_occurrence", "spoken_time", "title_words", "unnamed",
]

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Turn:
    """Who asked, where, and when. A tool gets it by declaring `turn: Annotated[Turn, InjectedToolArg]`
    (hidden from the LLM planner's schema, filled in by homebody)."""

    now: datetime
    """The turn's local time, aware, in the home's timezone (fixed by evaluation and tests)."""
    area: str | None = None
    """Area id of the satellite that heard it."""
    person: str | None = None
    """Person id of the speaker, when known."""


@dataclass
class SkillContext:
    """What a skill may use; the registry gives each skill its own copy."""

    timezone: tzinfo
    """The home's timezone: `now()` and `Turn.now` are in it."""
    registry: Registry | None = None
    """Areas and devices, read-only for skills (device changes go through device tools)."""
    store: HouseholdStore | None = None
    """The household database; None when it is unavailable (keep working from memory)."""
    announce: Announce = log_announcement
    """Speak later: a timer ringing, a reminder. The live loop speaks it, the console prints it."""
    clock: Callable[[], datetime] | None = None
    """Injected in tests; None is the real clock."""
    data_dir: Path | None = None
    """A folder of the skill's own for files it keeps (created on first use); None: keep nothing."""

    def now(self) -> datetime:
        return self.clock() if self.clock is not None else datetime.now(self.timezone)


@dataclass
class Sentences:
    """Templates (see agent.understanding.templates) that mean one tool; their slots become its arguments."""

    tool: str
    templates: list[str]
    args: dict[str, Any] = field(default_factory=dict)
    """Fixed arguments added to the slots, e.g. {"all": True} for "cancel all timers"."""


@dataclass
class Skill:
    """A skill's declaration: its tools, the sentences that call them, and how results are spoken."""

    name: str
    description: str
    tools: Sequence[BaseTool]
    """LangChain tools: typed arguments and a description for the LLM planner. A tool returns the
    sentence to speak, or a dict that `replies` turns into one."""
    sentences: list[Sentences] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    """What a user might say; listed by `homebody skills` and checked against `sentences` at load."""
    replies: dict[str, str] = field(default_factory=dict)
    """Tool name -> a str.format template filled from the dict the tool returns."""
    slots: dict[str, SlotType] = field(default_factory=dict)
    """Slot types of the skill's own, by name, for its templates."""
    ability: str = ""
    """What the skill lets homebody do, as said after "I can" ("set timers"): "what can you do" lists it."""
    tick: Callable[[datetime], None] | None = None
    """Called about once a second with the current local time (timers ring from here)."""
    close: Callable[[], None] | None = None

    def tool(self, name: str) -> BaseTool | None:
        return next((t for t in self.tools if t.name == name), None)

    def speak(self, tool: str, result: Any) -> str:
        """The sentence for a tool's result."""
        if isinstance(result, str):
            return result
        template = self.replies.get(tool)
        if template is not None and isinstance(result, dict):
            return template.format(**result)
        return "Done."


SkillFactory = Callable[[SkillContext], Skill]
"""What an entry point in `homebody.skills` names."""


def skill_tool(func: Callable[..., str], name: str, description: str, schema: type[BaseModel]) -> BaseTool:
    """One of a skill's tools: `func` called with the arguments `schema` describes (the LLM planner reads
    `description`; the recognizer calls it by `name` from a sentence)."""
    from langchain_core.tools import StructuredTool  # imported with the skills, not with homebody (0.6 s)

    return StructuredTool.from_function(func=func, name=name, description=description, args_schema=schema)


def read_data(package: str, filename: str) -> dict[str, Any]:
    """A TOML file shipped inside a skill's package (its sentences, replies and words): read it once, at load."""
    return tomllib.loads(resources.files(package).joinpath(filename).read_text(encoding="utf-8"))


def sentences_of(data: Mapping[str, Any]) -> list[Sentences]:
    """The `[[sentences]]` of a skill's data file (`tool`, `templates`, optional `args`), each `<name>` in a
    template replaced by the phrase `name` of its `[parts]` (which may use other parts): a phrase written once
    for many templates."""
    parts: Mapping[str, str] = data.get("parts", {})

    def expanded(template: str) -> str:
        return re.sub(r"<(\w+)>", lambda found: expanded(parts[found[1]]), template)

    return [Sentences(s["tool"], [expanded(t) for t in s["templates"]], dict(s.get("args", {})))
            for s in data.get("sentences", [])]
