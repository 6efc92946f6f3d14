"""Announcements (timers ringing, reminders, later commands, automations) played on the satellites of their room.

`SatelliteAnnouncer` is the `announce` that `homebody serve` gives `App.start`: it is called from the
scheduler's thread; each announcement is printed (the service's log) and handed to the Wyoming event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from agent.app import print_announcement
from agent.turn.quiet import in_quiet_hours
from agent.voice.pipeline import QUIET_VOLUME
from devices.household import HomeInfo

log = logging.getLogger(__name__)


class Speaker(Protocol):
    """A satellite as announcements see it."""

    area: str

    async def announce(self, text: str, volume: float = 1.0) -> None: ...


def speakers_for(area: str | None, speakers: Sequence[Speaker]) -> list[Speaker]:
    """Where an announcement for `area` plays: that room's satellites; every satellite when it belongs to no
    room (None), or to a room that has none, so that it is heard rather than lost."""
    in_room = [speaker for speaker in speakers if area is not None and speaker.area == area]
    return in_room or list(speakers)


class SatelliteAnnouncer:
    """Prints each announcement and plays it on the satellites `speakers_for` its room, softly in quiet hours."""

    def __init__(self) -> None:
        self._home: HomeInfo | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._speakers: list[Speaker] = []

    def attach(self, home: HomeInfo, loop: asyncio.AbstractEventLoop, speakers: Sequence[Speaker]) -> None:
        """From now on announcements also play on `speakers`, on `loop` (until `detach`)."""
        self._home, self._loop, self._speakers = home, loop, list(speakers)

    def detach(self) -> None:
        self._loop, self._speakers = None, []

    def __call__(self, text: str, area: str | None, *, alarm: bool = False) -> None:
        print_announcement(text, area, alarm=alarm)
        loop, speakers = self._loop, speakers_for(area, self._speakers)
        if loop is None or not speakers or loop.is_closed():
            return
        volume = QUIET_VOLUME if self._quiet() else 1.0
        for speaker in speakers:
            asyncio.run_coroutine_threadsafe(speaker.announce(text, volume), loop)

    def _quiet(self) -> bool:
        home = self._home
        return home is not None and in_quiet_hours(home, datetime.now(ZoneInfo(home.timezone)))
