"""Writes the history of turns and device changes off the turn's path, so a slow or full disk
never delays a reply or loses the turn: a failed write is logged and the assistant goes on."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from agent.memory.store import HouseholdStore, TurnRecord
from agent.turn.context import TurnContext, TurnResult
from devices.errors import StoreError
from devices.model import State

log = logging.getLogger(__name__)

Write = Callable[[HouseholdStore], object]


class HistoryWriter:
    """A single writer thread in front of the household store (SQLite wants one writer)."""

    def __init__(self, store: HouseholdStore, capacity: int = 10_000):
        self.store = store
        self._queue: queue.Queue[Write | None] = queue.Queue(maxsize=capacity)
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()
        self.failures = 0

    def record_turn(self, result: TurnResult, context: TurnContext) -> None:
        record = TurnRecord.from_turn(result, context, time.time())
        self._put(lambda store: store.record_turn(record))

    def record_state_change(self, device_id: str, old: State, new: State) -> None:
        at = time.time()
        self._put(lambda store: store.record_state_change(device_id, old, new, at))

    def submit(self, write: Write) -> None:
        """Run `write(store)` on the writer thread, after what is already queued."""
        self._put(write)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued write is done (shutdown, tests)."""
        done = threading.Event()
        self._put(lambda _: done.set())
        return done.wait(timeout)

    def close(self) -> None:
        self.flush()
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _put(self, write: Write) -> None:
        try:
            self._queue.put_nowait(write)
        except queue.Full:
            log.error("history queue is full (%d writes waiting); dropping a history record", self._queue.qsize())

    def _run(self) -> None:
        while (write := self._queue.get()) is not None:
            try:
                write(self.store)
            except StoreError as error:
                self.failures += 1
                log.error("could not write history, the turn itself completed: %s", error)
            except Exception:
                self.failures += 1
                log.exception("could not write history")
