"""The household store's record of what waits to happen, and of who is home (schema version 2).

A mixin of `HouseholdStore`: every read and write goes through the store's own lock and transaction.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlite_utils import Database

from agent.memory.records import Pending, Whereabouts


class _Store(Protocol):
    def _read(self, doing: str) -> AbstractContextManager[Database]: ...

    def _write(self, doing: str) -> AbstractContextManager[Database]: ...


class PendingRecords:
    """Later commands, automations, reminders and alarms; whereabouts."""

    _revision = 0

    @property
    def pending_revision(self) -> int:
        """Bumped by every change this process makes to what is pending or to timers: a clock that ticks every
        second reads the store again only when it changed."""
        return self._revision

    def _changed(self) -> None:
        self._revision += 1

    def add_pending(self, item: Pending) -> None:
        with self._write("save what is planned") as db:  # type: ignore[attr-defined]
            db.table("pending").insert(_pending_row(item), replace=True)
        self._changed()

    def pending(self: _Store, kinds: tuple[str, ...] = ()) -> list[Pending]:
        """What still waits, soonest first (automations last)."""
        where = "ended IS NULL" + (f" AND kind IN ({', '.join('?' for _ in kinds)})" if kinds else "")
        with self._read("read what is planned") as db:
            rows = list(db.query(f"SELECT * FROM pending WHERE {where} ORDER BY due IS NULL, due, created",
                                 list(kinds)))
        return [_pending_from_row(row) for row in rows]

    def pending_item(self: _Store, item_id: str) -> Pending | None:
        with self._read("read what is planned") as db:
            rows = list(db.query("SELECT * FROM pending WHERE id = ?", [item_id]))
        return _pending_from_row(rows[0]) if rows else None

    def due_pending(self: _Store, until: float) -> list[Pending]:
        """What waits and falls due by `until` (epoch seconds), soonest first."""
        with self._read("read what is due") as db:
            rows = list(db.query("SELECT * FROM pending WHERE ended IS NULL AND due <= ? ORDER BY due, created",
                                 [until]))
        return [_pending_from_row(row) for row in rows]

    def end_pending(self, item_id: str, at: float, outcome: str, next_due: float | None = None) -> bool:
        """Mark an item done, cancelled or missed; with `next_due` (a repeat) it waits again instead."""
        with self._write("update what is planned") as db:  # type: ignore[attr-defined]
            if next_due is not None:
                db.execute("UPDATE pending SET due = ? WHERE id = ? AND ended IS NULL", [next_due, item_id])
            else:
                db.execute("UPDATE pending SET ended = ?, outcome = ? WHERE id = ? AND ended IS NULL",
                           [at, outcome, item_id])
            changed = bool(db.execute("SELECT changes()").fetchone()[0])
        self._changed()
        return changed

    def due_times(self: _Store) -> list[float]:
        """Every time something waits for, pending items and running timers alike, soonest first."""
        with self._read("read what is due") as db:
            rows = db.execute("SELECT due FROM pending WHERE ended IS NULL AND due IS NOT NULL UNION ALL "
                              "SELECT ends_at FROM timers WHERE paused_remaining_s IS NULL ORDER BY 1").fetchall()
        return [row[0] for row in rows]

    def set_whereabouts(self: _Store, whereabouts: Whereabouts) -> None:
        with self._write("save who is home") as db:
            db.table("presence").insert({**whereabouts.__dict__, "home": int(whereabouts.home)}, replace=True)

    def whereabouts(self: _Store) -> dict[str, Whereabouts]:
        with self._read("read who is home") as db:
            rows = list(db.query("SELECT * FROM presence"))
        return {row["person"]: Whereabouts(row["person"], bool(row["home"]), row["since"], row["said"] or "")
                for row in rows}


def _pending_row(item: Pending) -> dict[str, Any]:
    return {**item.__dict__, "payload": json.dumps(item.payload, default=str)}


def _pending_from_row(row: dict[str, Any]) -> Pending:
    return Pending(**{**row, "payload": json.loads(row["payload"]), "said": row["said"] or ""})
