"""The assistant's one clock: what falls due runs in order — later commands, skills' timers, reminders and
alarms (their ticks), routines at their time — and automations fire as the devices report.

The clock is injected: live, a thread advances it to the wall clock about once a second; the
evaluation and the tests advance it themselves (`advance`, `settle`), so the same code runs either way.
Device reports arrive on the MQTT thread and are handed to the scheduler's own queue: nothing acts there.
"""

from __future__ import annotations

import bisect
import functools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agent.memory.records import Pending
from agent.memory.store import HouseholdStore
from agent.turn.routine_clock import due_routines
from devices.errors import StoreError
from devices.household import Routine
from devices.model import State
from devices.registry import StateStore

log = logging.getLogger(__name__)

StateEvent = tuple[str, State, State]
"""(device id, old state, new state), as the registry reports it."""


@dataclass
class Scheduler:
    """Runs what falls due and what automations wait for, on one worker, in order."""

    store: HouseholdStore | None
    clock: Callable[[], datetime]
    """The local time now, aware."""
    run_later: Callable[[Pending, datetime], None] = lambda item, at: None
    """Carries out a later command that fell due at `at`."""
    on_state: Callable[[StateEvent], None] = lambda event: None
    """Looks at a device report for automations waiting on it."""
    tick_skills: Callable[[datetime], None] = lambda now: None
    routines: list[Routine] = field(default_factory=list)
    run_routine: Callable[[Routine], None] = lambda routine: None
    last: datetime | None = None
    """Up to when everything has run."""

    def __post_init__(self) -> None:
        self.last = self.last or self.clock()
        self._events: queue.SimpleQueue[StateEvent] = queue.SimpleQueue()
        self._cached: tuple[int, list[float]] = (-1, [])
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._followed: list[StateStore] = []

    # -- the clock ----------------------------------------------------------------------------------

    def advance(self, to: datetime | None = None) -> None:
        """Run, in order, everything due up to `to` (the clock's now by default)."""
        to = to or self.clock()
        with self._lock:
            self.settle()
            while (moment := self._next_due(to)) is not None:
                self._run_at(moment)
            self._run_at(to)

    def _next_due(self, until: datetime) -> datetime | None:
        assert self.last is not None
        after, zone = self.last, until.tzinfo
        moments = [datetime.fromtimestamp(t, zone) for t in self._due_times(after.timestamp(), until.timestamp())]
        moments += [m for m in (_next_routine(r, after, until) for r in self.routines) if m is not None]
        return min(moments, default=None)

    def _due_times(self, after: float, until: float) -> list[float]:
        """What falls due in (after, until]: read from the store only when it changed (a tick is then a bisect)."""
        if self.store is None:
            return []
        if self._cached[0] != self.store.pending_revision:
            try:
                self._cached = (self.store.pending_revision, self.store.due_times())
            except StoreError as error:
                log.warning("scheduler: cannot read what is due: %s", error)
                return []
        times = self._cached[1]
        return times[bisect.bisect_right(times, after):bisect.bisect_right(times, until)]

    def _run_at(self, moment: datetime) -> None:
        assert self.last is not None
        due = self._due_times(float("-inf"), moment.timestamp())
        for item in self._due_later(moment) if due else []:
            self._guarded(functools.partial(self.run_later, item, moment), f"later command {item.id}")
        self._guarded(functools.partial(self.tick_skills, moment), "skills' tick")
        for routine in due_routines(self.routines, self.last, moment, grace=max(moment - self.last, _GRACE)):
            self._guarded(functools.partial(self.run_routine, routine), f"routine {routine.id}")
        self.last = moment
        self.settle()

    def _due_later(self, moment: datetime) -> list[Pending]:
        if self.store is None:
            return []
        try:
            return [p for p in self.store.due_pending(moment.timestamp()) if p.kind == "later"]
        except StoreError as error:
            log.warning("scheduler: cannot read what is due: %s", error)
            return []

    # -- device reports -----------------------------------------------------------------------------

    def state_changed(self, device_id: str, old: State, new: State) -> None:
        """The registry's listener (on the MQTT thread): hand the report to the scheduler's worker."""
        self._events.put((device_id, dict(old), dict(new)))

    def settle(self) -> None:
        """Look at every device report that arrived (automations fire here), until none is left."""
        with self._lock:
            while True:
                try:
                    event = self._events.get_nowait()
                except queue.Empty:
                    return
                self._guarded(functools.partial(self.on_state, event), f"automations on {event[0]}")

    # -- live ---------------------------------------------------------------------------------------

    def start(self, interval: float = 1.0) -> None:
        self._thread = threading.Thread(target=self._loop, args=(interval,), name="scheduler", daemon=True)
        self._thread.start()

    def follow(self, states: StateStore) -> None:
        """Hear every device report of `states`, until closed."""
        states.add_listener(self.state_changed)
        self._followed.append(states)

    def close(self) -> None:
        for states in self._followed:  # a closed scheduler hears nothing more (one is built per evaluation case)
            states.remove_listener(self.state_changed)
        self._followed.clear()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._guarded(self.advance, "the clock")

    @staticmethod
    def _guarded(action: Callable[[], object], what: str) -> None:
        try:
            action()
        except Exception:  # one broken item must never stop the clock
            log.exception("scheduler: %s failed", what)


_GRACE = timedelta(minutes=2)
"""A routine whose time passed while homebody was down is not replayed later than this."""


def _next_routine(routine: Routine, after: datetime, until: datetime) -> datetime | None:
    """The first moment in (after, until] a routine is due: found by asking day by day."""
    if not routine.at:
        return None
    hour, minute = (int(part) for part in routine.at.split(":"))
    day = after.date()
    while day <= until.date():
        moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=until.tzinfo)
        if after < moment <= until and due_routines([routine], after, moment, grace=moment - after):
            return moment
        day += timedelta(days=1)
    return None
