"""Reminders and alarms: "remind me to call the plumber at 3", "remind me 15 minutes before Emma's soccer
practice to get her kit ready", "wake me up at 6:30", "set an alarm for 7 every weekday"; listed,
cancelled, snoozed.

Each is a `reminder` or `alarm` row of the household store's `pending` table, so it outlives a
restart; it is said in the room it was asked from, to the one who asked by name, and alarms ring
through quiet hours. The sentences and everything the skill says are in reminders.toml.
"""

from __future__ import annotations

from typing import Annotated, Literal

from langchain_core.tools import BaseTool, InjectedToolArg
from pydantic import BaseModel, Field

from skills.api import Skill, SkillContext, Turn, skill_tool

from .asking import Asking
from .book import Book
from .ringing import Ringer
from .words import slot_types, words

InjectedTurn = Annotated[Turn, InjectedToolArg]
_WHEN = ("when, as spoken: 'at 3 pm', 'at 6:30', 'in 10 minutes', 'tomorrow at 9', 'on Friday', "
         "'every weekday at 7'; an hour without am or pm is read as people mean it")
_KIND = "'reminder' or 'alarm'; none or '' for both"


class ReminderArgs(BaseModel):
    text: str | None = Field(default=None, description="what to remind of, as said: 'call the plumber'")
    when: str | None = Field(default=None, description=_WHEN)
    form: Literal["to", "about"] = Field(default="to", description="'to' for 'remind me to …', 'about' for "
                                                                   "'remind me about …'")
    turn: InjectedTurn


class BeforeArgs(BaseModel):
    text: str = Field(description="what to remind of, as said: 'get her kit ready'")
    before: int = Field(description="how long before the entry starts, in seconds")
    entry: str = Field(description="the household schedule's entry as said: 'Emma's soccer practice'")
    turn: InjectedTurn


class AlarmArgs(BaseModel):
    when: str | None = Field(default=None, description=_WHEN)
    turn: InjectedTurn


class ListArgs(BaseModel):
    kind: Literal["reminder", "alarm", ""] | None = Field(default=None, description=_KIND)
    only_next: bool = Field(default=False, description="only the next one ('when is my next alarm')")
    turn: InjectedTurn


class CancelArgs(BaseModel):
    kind: Literal["reminder", "alarm", ""] | None = Field(default=None, description=_KIND)
    about: str | None = Field(default=None, description="words of the reminder meant: 'the plumber'")
    when: str | None = Field(default=None, description="the time it is set for, as spoken: '6:30'")
    every: bool = Field(default=False, description="cancel every one that fits, not just one")
    turn: InjectedTurn


class SnoozeArgs(BaseModel):
    duration: int | None = Field(default=None, description="for how long, in seconds; none for the usual")
    turn: InjectedTurn


def _tools(book: Book, asking: Asking) -> list[BaseTool]:
    return [
        skill_tool(book.set_reminder, "set_reminder", "Remind the speaker of something at a time, once or repeating "
             "('remind me to call the plumber at 3'). Not for device commands.", ReminderArgs),
        skill_tool(book.remind_before, "remind_before", "Remind the speaker some time before an entry of the household "
             "schedule ('remind me 15 minutes before Emma's soccer practice to get her kit ready').", BeforeArgs),
        skill_tool(book.set_alarm, "set_alarm", "Set an alarm, once or repeating ('wake me up at 6:30', "
             "'set an alarm for 7 every weekday').", AlarmArgs),
        skill_tool(asking.listing, "list_reminders",
             "Tell the speaker's reminders or alarms ('what reminders do I have').", ListArgs),
        skill_tool(asking.cancel, "cancel_reminder",
             "Cancel a reminder or alarm, or every one that fits ('cancel my alarm', "
             "'cancel the reminder about the plumber').", CancelArgs),
        skill_tool(book.snooze, "snooze_alarm", "Snooze the alarm that just rang ('snooze for 10 minutes').", SnoozeArgs),
    ]


def skill(context: SkillContext) -> Skill:
    """The entry point: what is due is read from the household store at the first tick."""
    language = words()
    ringer = Ringer(context, language)
    book, asking = Book(context, language, ringer), Asking(context, language, ringer)
    return Skill(
        "reminders", "Reminders and alarms: set them for a time or before a schedule entry, list, cancel, snooze.",
        _tools(book, asking), list(language.sentences), list(language.examples), slots=slot_types(), tick=ringer.tick,
        ability=language.ability,
    )
