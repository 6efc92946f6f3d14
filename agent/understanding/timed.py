"""A command with a time said becomes a later command: "turn off the TV in ten minutes", "at 9 pm",
"every weekday at 7", "for 15 minutes" or "until midnight" (now, and back again then), "five more minutes, then
off".

A time that cannot be read is never dropped to act on the rest ("at 25 o'clock" does nothing), and a
day without a time asks for one.
"""

from __future__ import annotations

from dataclasses import replace

from agent.turn.plan import DeviceChange, GetState, Later, ToolCall
from agent.understanding.commands import Reading, Reply
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.times.expressions import When

WORDS = language()
REPLIES = WORDS.replies


def with_time(frame: Frame, calls: list[ToolCall]) -> Reading:
    """The frame's calls as said: now, later, or back again later; a reply when the time is not one."""
    when = frame.when
    if when is None or not (calls or frame.action):
        return calls
    changes = tuple(c for c in calls if isinstance(c, DeviceChange))
    if when.kind == "bare" and calls and not changes:
        return calls  # a question: "in one of the bedrooms" counts rooms
    if when.kind in ("invalid", "bare", "unread"):
        return Reply(REPLIES["unread_part" if when.kind == "unread" else "not_a_time"].format(said=when.said),
                     sure=True)
    if when.kind == "day":
        return Reply(REPLIES["what_time"].format(day=when.said), sure=True)
    if not changes or any(isinstance(c, GetState | Later) for c in calls):
        return calls  # a question said with a time is answered now
    if when.kind in ("for", "until"):
        return [*calls, later(changes, when, undo=True)]
    return [later(changes, when)]


def later(calls: tuple[DeviceChange, ...], when: When, undo: bool = False) -> Later:
    clock = when.clock.strftime("%H:%M") if when.clock else None
    return Later(calls, seconds=when.seconds if when.kind in ("after", "for") else None, clock=clock,
                 half_said=when.half_said, day=when.day, repeat=when.repeat, undo=undo, said=when.said)


def then_after(frames: list[Frame], joiners: list[frozenset[str]]) -> list[Frame]:
    """ "Leave it on five more minutes, then off": the clause after "then" waits as long as the one before lasts."""
    timed = list(frames)
    for i in range(1, len(timed)):
        before = timed[i - 1].when
        if before is not None and before.kind == "for" and timed[i].when is None \
                and joiners[i] & WORDS.time.commands.then:
            timed[i] = replace(timed[i], when=replace(before, kind="after", start=0, end=0))
            timed[i - 1] = replace(timed[i - 1], when=None)
    return timed

