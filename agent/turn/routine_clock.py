"""Routines that run by themselves at their time on their days.

A small loop rather than a scheduler library: every tick asks which routines fell due since
the last tick. A routine whose time passed while homebody was down is not replayed late:
only times within `grace` of now count.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from devices.household import Routine

log = logging.getLogger(__name__)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def due_routines(routines: list[Routine], since: datetime, now: datetime,
                 grace: timedelta = timedelta(minutes=2)) -> list[Routine]:
    """Routines whose `at` time on an allowed day lies in (since, now] and no further back than `grace`."""
    start = max(since, now - grace)
    due = []
    for routine in routines:
        if not routine.at:
            continue
        hour, minute = (int(part) for part in routine.at.split(":"))
        for day in {start.date(), now.date()}:
            moment = datetime.combine(day, time(hour, minute), tzinfo=now.tzinfo)
            if start < moment <= now and _runs_on(routine, moment):
                due.append(routine)
                break
    return due


def _runs_on(routine: Routine, moment: datetime) -> bool:
    return not routine.days or WEEKDAYS[moment.weekday()] in routine.days


class RoutineClock:
    """Runs `run(routine)` for each routine as it falls due; `tick()` is the whole logic, testable."""

    def __init__(self, routines: list[Routine], run: Callable[[Routine], None], timezone: str,
                 clock: Callable[[], datetime] | None = None, interval: float = 15.0):
        self.routines = routines
        self.run = run
        self.zone = ZoneInfo(timezone)
        self.clock = clock or (lambda: datetime.now(self.zone))
        self.interval = interval
        self.last = self.clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> list[Routine]:
        now = self.clock()
        fired = due_routines(self.routines, self.last, now)
        self.last = now
        for routine in fired:
            try:
                self.run(routine)
            except Exception:  # one broken routine must not stop the clock
                log.exception("routine %s failed", routine.id)
        return fired

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="routine-clock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()
