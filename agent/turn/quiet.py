"""Quiet hours from the household file: shorter, softer replies and no unprompted speech."""

from __future__ import annotations

from datetime import datetime, time

from agent.understanding.language import language
from devices.household import HomeInfo

RESULTS = language().wording.results
_DONE_WITH = RESULTS.done_with.partition("{described}")[0].strip()
"""How a reply that says what was done starts ("Done,"): in quiet hours it is cut to `done`."""


def in_quiet_hours(home: HomeInfo, now: datetime) -> bool:
    """Whether local time `now` lies in the home's quiet hours (which may span midnight)."""
    if not home.quiet_hours:
        return False
    start = time.fromisoformat(home.quiet_hours["start"])
    end = time.fromisoformat(home.quiet_hours["end"])
    moment = now.time()
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end


def quiet_reply(reply: str) -> str:
    """"Done, the kitchen light is on." becomes "Done."; questions and problems are kept whole."""
    if reply.startswith(_DONE_WITH) and reply.count(".") == 1:
        return RESULTS.done
    return reply
