"""Timers: named or not, several at once, paused, extended, asked about; they ring by announcement.

A timer belongs to the area of the satellite that started it ("the kitchen timer"). Every change
is written to the household database, so timers outlive a restart of the assistant.
"""

from __future__ import annotations

import logging
import math
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from langchain_core.tools import BaseTool, InjectedToolArg, StructuredTool
from pydantic import BaseModel, Field

from skills.api import FREE_TEXT, Sentences, Skill, SkillContext, SlotType, StoreError, Timer, Turn, normalize, similarity

log = logging.getLogger(__name__)

ARTICLES = {"the", "my", "our", "a", "an", "this", "that"}


def _timer_name(text: str) -> str | None:
    """A timer's name as heard: articles dropped; never the word "timer" itself."""
    words = text.split()
    while words and words[0] in ARTICLES:
        words.pop(0)
    return " ".join(words) if words and not {"timer", "timers"} & set(words) else None


TIMER_NAME = SlotType(FREE_TEXT, _timer_name, free=True)


def spoken_duration(seconds: float) -> str:
    """ "1 hour, 15 minutes and 30 seconds": whole seconds, rounded up so a fresh timer says its length."""
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in _units(seconds)]
    if not parts:
        return "0 seconds"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def label(timer: Timer) -> str:
    """How a timer is called: "pizza timer", or by its length, "1 hour 15 minute timer"."""
    if timer.name:
        return f"{timer.name} timer"
    return " ".join(f"{n} {unit}" for n, unit in _units(timer.duration_s)) + " timer"


def _units(seconds: float) -> list[tuple[int, str]]:
    hours, rest = divmod(math.ceil(seconds - 1e-6), 3600)
    minutes, secs = divmod(rest, 60)
    return [(n, unit) for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]


SIMILAR_NAME = 60.0
"""Spelling or sound similarity (0–100) at which a heard name is taken for a timer's ("past a" for "pasta")."""


def name_likeness(heard: str, name: str) -> float:
    """How alike a heard timer name and a timer's are, 0–100: 100 when they are the same words."""
    return similarity(*("".join(normalize(text)) for text in (heard, name)))


def select(timers: list[Timer], name: str | None = None, length: int | None = None,
           area: str | None = None) -> list[Timer]:
    """The timers a description fits: its name (or the names most like it, as Whisper may mis-hear
    them), the length it was set to, the area it was started in."""
    found = [t for t in timers
             if (length is None or round(t.duration_s) == length) and (area is None or t.area == area)]
    if name is None:
        return found
    likeness = {t.id: name_likeness(name, t.name) for t in found}
    best = max(likeness.values(), default=0.0)
    return [t for t in found if likeness[t.id] == best] if best >= SIMILAR_NAME else []


def narrow(found: list[Timer], area: str | None, prefer: Callable[[Timer], bool] | None = None) -> list[Timer]:
    """Among several, those `prefer` likes (paused ones to resume), then those in the speaker's area."""
    for keep in (prefer, lambda t: t.area == area):
        if len(found) > 1 and keep is not None:
            found = [t for t in found if keep(t)] or found
    return found


def remaining(timer: Timer, now: float) -> float:
    """Seconds left, never below zero."""
    left = timer.paused_remaining_s if timer.paused_remaining_s is not None else timer.ends_at - now
    return max(0.0, left)


class Timers:
    """The live timers, kept in step with the store; every method is one user request."""

    def __init__(self, context: SkillContext) -> None:
        self.context = context
        self._lock = threading.Lock()
        self.timers: dict[str, Timer] = {t.id: t for t in self._load()}

    def _load(self) -> list[Timer]:
        if self.context.store is None:
            return []
        try:
            return self.context.store.timers()
        except StoreError as error:
            log.error("timers: starting without the saved ones: %s", error)
            return []

    def _save(self, timer: Timer) -> None:
        if self.context.store is not None:
            try:
                self.context.store.save_timer(timer)
            except StoreError as error:
                log.error("timers: %s kept in memory only: %s", timer.id, error)

    def _delete(self, timer: Timer) -> None:
        self.timers.pop(timer.id, None)
        if self.context.store is not None:
            try:
                self.context.store.delete_timer(timer.id)
            except StoreError as error:
                log.error("timers: %s not removed from the database: %s", timer.id, error)

    def start(self, turn: Turn, duration: int | None = None, name: str | None = None) -> str:
        if duration is None:
            return "For how long? Say, for example: set a timer for 5 minutes."
        timer = Timer(uuid.uuid4().hex[:12], name or "", float(duration), turn.now.timestamp() + duration, turn.area)
        with self._lock:
            self.timers[timer.id] = timer
            self._save(timer)
        title = f"{name.capitalize()} timer" if name else "Timer"
        return f"{title} set for {spoken_duration(duration)}."

    def status(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        now = turn.now.timestamp()
        with self._lock:
            running = sorted(self.timers.values(), key=lambda t: remaining(t, now))
            found = select(running, name, length, area)
        if not found and len(running) == 1 and name is not None and length is None and area is None:
            found = running  # "the pasta timer" heard as "the faster timer": the one there is is meant
        if not found:
            return _none_found(name, length, area)
        lines = [_status_line(t, now) for t in found]
        return " ".join(lines) if len(lines) == 1 else f"{len(lines)} timers. " + " ".join(lines)

    def cancel(self, turn: Turn, name: str | None, length: int | None, area: str | None, every: bool) -> str:
        with self._lock:
            found = select(list(self.timers.values()), name, length, area)
            if not every:
                found = narrow(found, turn.area)
            if len(found) > 1 and not every:
                return _which(found)
            for timer in found:
                self._delete(timer)
        if not found:
            return _none_found(name, length, area)
        if len(found) == 1:
            return f"Cancelled the {label(found[0])}."
        return f"Cancelled all {len(found)} timers."

    def pause(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, lambda t: t.paused_remaining_s is None, self._pause)

    def resume(self, turn: Turn, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, lambda t: t.paused_remaining_s is not None, self._resume)

    def add(self, turn: Turn, duration: int, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, None, lambda t, now: self._change(t, now, duration))

    def remove(self, turn: Turn, duration: int, name: str | None, length: int | None, area: str | None) -> str:
        return self._one(turn, name, length, area, None, lambda t, now: self._change(t, now, -duration))

    def _one(self, turn: Turn, name: str | None, length: int | None, area: str | None,
             prefer: Callable[[Timer], bool] | None, act: Callable[[Timer, float], str]) -> str:
        """Act on the one timer meant; ask which when several fit equally."""
        with self._lock:
            found = narrow(select(list(self.timers.values()), name, length, area), turn.area, prefer)
            if len(found) != 1:
                return _which(found) if found else _none_found(name, length, area)
            timer = found[0]
            reply = act(timer, turn.now.timestamp())
            self._save(timer)
        return reply

    @staticmethod
    def _pause(timer: Timer, now: float) -> str:
        if timer.paused_remaining_s is not None:
            return f"The {label(timer)} is already paused."
        timer.paused_remaining_s = remaining(timer, now)
        return f"Paused the {label(timer)}."

    @staticmethod
    def _resume(timer: Timer, now: float) -> str:
        if timer.paused_remaining_s is None:
            return f"The {label(timer)} is already running."
        timer.ends_at, timer.paused_remaining_s = now + timer.paused_remaining_s, None
        return f"Resumed the {label(timer)}."

    @staticmethod
    def _change(timer: Timer, now: float, seconds: int) -> str:
        left = max(0.0, remaining(timer, now) + seconds)
        if timer.paused_remaining_s is not None:
            timer.paused_remaining_s = left
        else:
            timer.ends_at = now + left
        if seconds >= 0:
            return f"Added {spoken_duration(seconds)} to the {label(timer)}."
        return f"Removed {spoken_duration(-seconds)} from the {label(timer)}."

    def tick(self, now: datetime) -> None:
        """Ring every running timer whose time has come, once."""
        moment = now.timestamp()
        with self._lock:
            due = [t for t in self.timers.values() if t.paused_remaining_s is None and t.ends_at <= moment]
            for timer in due:
                self._delete(timer)
        for timer in due:
            log.info("timer %s (%s) is done", timer.id, label(timer))
            self.context.announce(f"The {label(timer)} is done.", timer.area)


def _status_line(timer: Timer, now: float) -> str:
    left = remaining(timer, now)
    title = label(timer)
    title = title[0].upper() + title[1:]
    if timer.paused_remaining_s is not None:
        return f"{title}: paused with {spoken_duration(left)} left."
    return f"{title}: {spoken_duration(left)} left." if left > 0 else f"{title}: done."


def _none_found(name: str | None, length: int | None, area: str | None) -> str:
    if name is None and length is None and area is None:
        return "There are no timers running."
    return "I couldn't find that timer."


def _which(found: list[Timer]) -> str:
    names = [f"the {label(t)}" for t in found]
    return f"Which timer: {', '.join(names[:-1])} or {names[-1]}?"


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
    def tool(func: Callable[..., str], name: str, description: str, schema: type[BaseModel]) -> BaseTool:
        return StructuredTool.from_function(func=func, name=name, description=description, args_schema=schema)

    return [
        tool(timers.start, "start_timer", "Start a countdown timer, optionally named.", StartArgs),
        tool(timers.status, "timer_status", "Tell how long is left on timers.", Target),
        tool(timers.cancel, "cancel_timer", "Cancel a timer, or every timer that fits.", CancelArgs),
        tool(timers.pause, "pause_timer", "Pause a running timer.", Target),
        tool(timers.resume, "resume_timer", "Resume a paused timer.", Target),
        tool(timers.add, "add_timer_time", "Add time to a timer.", ChangeArgs),
        tool(timers.remove, "remove_timer_time", "Take time off a timer.", ChangeArgs),
    ]


# -- sentences ------------------------------------------------------------------------------------

THE = "[the|my|our|this|that]"
ONE = (f"{THE} ({{length:duration}} timer|timer for {{length:duration}}|{{area}} timer|timer in [the] {{area}}"
       "|timer (named|called|for) {name:timer_name}|{name:timer_name} timer|timer)")
"""One timer, described or not. Alternatives are tried in order: typed slots before free names."""
SOME = (f"{THE} ({{length:duration}} timer|timer for {{length:duration}}|{{area}} (timer|timers)"
        "|(timer|timers) in [the] {area}|timer (named|called|for) {name:timer_name}|{name:timer_name} timer"
        "|(timer|timers))")
START = "[start|set|create|make|begin|put on|set up|give me|i need|i want|i would like] [me] [a|an|another|the]"
NAMED = "[(named|called|for) {name:timer_name}]"
CANCEL = "(cancel|stop|delete|remove|clear|end|kill|dismiss|abort|turn off|switch off|get rid of)"
ALL = "(all [of] [the|my|our] [{area}] timers [in [the] {area}]|[the|my|our] [{area}] timers [in [the] {area}])"

SENTENCES = [
    Sentences("start_timer", [
        f"{START} {{duration}} timer {NAMED}",
        f"{START} timer [for] {{duration}} {NAMED}",
        f"{START} timer (named|called) {{name:timer_name}} for {{duration}}",
        f"{START} {{name:timer_name}} timer for {{duration}}",
        f"{START} {{duration}} {{name:timer_name}} timer",
        f"{START} timer",
    ]),
    Sentences("timer_status", [
        f"{SOME} status",
        f"[what is] [the] status of {SOME}",
        f"(check|show me) {SOME} [status]",
        f"[how much] time [is] [there] (left|remaining) (on|in|for) {SOME}",
        f"how (long|much longer|much time) [is] [there] [left|remaining] (on|in|for) {SOME}",
        f"how (long|much time) (does|has) {SOME} (got left|have left|left|got|to go)",
        "how (long|much time) [is] [there] (left|remaining|to go)",
        "how much time (do|have) (i|we) (have|got) left",
        f"how long (until|till|before) {SOME} (is done|goes off|rings|ends|finishes)",
        f"when (will|does) {SOME} (go off|ring|end|finish|be done)",
        f"when is {SOME} (done|going off|finished|up|going to go off)",
        f"is {SOME} (running|done|finished|still running|still going|paused)",
        "(what|which) timers (are|do i have|have i got|do we have) [running|set|going|on]",
        "(list|show) [me] [all] [the|my|our] timers",
        "(do i|do we) have any timers [running|set|going]",
        "are there any timers [running|set|going]",
        "how many timers (are|do i have|do we have) [there] [running|set|going]",
    ]),
    Sentences("cancel_timer", [f"{CANCEL} {ONE}"]),
    Sentences("cancel_timer", [f"{CANCEL} {ALL}", f"{CANCEL} every timer [in [the] {{area}}]"], {"every": True}),
    Sentences("pause_timer", [f"(pause|hold|freeze|suspend) {ONE}", f"put {ONE} on hold"]),
    Sentences("resume_timer", [f"(resume|continue|unpause|unfreeze|restart) {ONE} [again]", f"take {ONE} off hold"]),
    Sentences("add_timer_time", [
        f"add [another|an extra] {{duration}} [more|extra] (to|on|onto) {ONE}",
        f"put [another|an extra] {{duration}} [more] (on|onto) {ONE}",
        f"(increase|extend|lengthen) {ONE} by {{duration}}",
        f"give {ONE} [another] {{duration}} [more|extra]",
    ]),
    Sentences("remove_timer_time", [
        f"(remove|take|subtract|deduct|knock) {{duration}} (off|from|off of) {ONE}",
        f"(decrease|reduce|shorten|cut) {ONE} by {{duration}}",
    ]),
]

EXAMPLES = [
    "set a timer for 10 minutes", "start a 5 minute timer named pizza", "set a pasta timer for 8 minutes",
    "timer for 1 hour and 15 minutes", "how long is left on the pizza timer", "timer status",
    "pause the kitchen timer", "resume my timer", "add 5 minutes to the pizza timer",
    "take 2 minutes off my timer", "cancel the 5 minute timer", "cancel all timers",
]


def skill(context: SkillContext) -> Skill:
    """The entry point: timers loaded from the household database, ringing from `tick`."""
    timers = Timers(context)
    return Skill(
        "timers", "Countdown timers: start, ask, pause, resume, add or take time, cancel; they ring when done.",
        _tools(timers), SENTENCES, EXAMPLES, slots={"timer_name": TIMER_NAME}, tick=timers.tick,
        ability="set timers",
    )
