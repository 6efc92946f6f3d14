"""The household database's schema, as migrations, and what SQLite's errors mean to a person.

Tables (schema version 1):

- `meta`: `home` (HomeInfo as JSON) and `schedule_revision`, bumped by triggers on every schedule write.
- `people`, `preferences`: values are JSON, so 21.0 stays a number and "06:30" a string.
- `schedule`: one row per CalendarEntry; a removed entry keeps a tombstone (`removed`), so seeding
  again does not bring it back.
- `routines`, `timers`, `suggestions`.
- `turns`: one row per turn; `actuations`: the audit, one row per device a turn acted on, with
  who/where/path copied from its turn so "who unlocked the back door" is one query.
- `state_changes`: every device state change.

Schema version 2 adds:

- `pending`: what waits to happen — a later command, an automation, a reminder or an alarm — with
  its due time (epoch seconds; none for an automation), its repeat rule and its payload as JSON; an
  item that ran or was cancelled keeps its row with `ended` and `outcome` ("done", "cancelled",
  "missed").
- `presence`: whether each person is home, since when, and what they said.

Schema version 3 adds `suggestions.outcome`: "approved" or "dismissed" once the household answered
(the web page), NULL while a suggestion waits; an answered one stays, so it is not suggested again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from sqlite_utils import Database


def _schema_1(db: Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("people").create({"id": str, "name": str}, pk="id", not_null={"name"})
    db.table("preferences").create(
        {"person": str, "key": str, "value": str, "updated": float},
        pk=("person", "key"), foreign_keys=[("person", "people", "id")],
    )
    db.table("schedule").create(
        {"uid": str, "title": str, "start": str, "end": str, "date": str, "rrule": str, "exdates": str,
         "person": str, "area": str, "removed": float},
        pk="uid", not_null={"title"},
    )
    db.table("routines").create(
        {"id": str, "name": str, "aliases": str, "at": str, "days": str, "actions": str}, pk="id"
    )
    db.table("timers").create(
        {"id": str, "name": str, "area": str, "duration_s": float, "ends_at": float, "paused_remaining_s": float},
        pk="id",
    )
    db.table("turns").create(
        {"id": int, "at": float, "area": str, "person": str, "text": str, "path": str, "plan": str, "reply": str,
         "timings_ms": str},
        pk="id",
    )
    db.table("actuations").create(
        {"id": int, "turn": int, "at": float, "person": str, "area": str, "path": str, "device_id": str,
         "status": str, "state": str, "message": str},
        pk="id", foreign_keys=[("turn", "turns", "id")],
    ).create_index(["device_id", "at"])
    db.table("state_changes").create(
        {"id": int, "at": float, "device_id": str, "old": str, "new": str}, pk="id"
    ).create_index(["device_id", "at"])
    db.table("suggestions").create(
        {"id": int, "person": str, "key": str, "value": str, "reason": str, "created": float}, pk="id"
    )
    db.table("meta").insert({"key": "schedule_revision", "value": "0"})
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER schedule_{event.lower()} AFTER {event} ON schedule BEGIN "
            "UPDATE meta SET value = value + 1 WHERE key = 'schedule_revision'; END"
        )


def _schema_2(db: Database) -> None:
    """What waits to happen (later commands, automations, reminders, alarms) and who is in."""
    db.table("pending").create(
        {"id": str, "kind": str, "due": float, "repeat": str, "payload": str, "area": str, "person": str,
         "said": str, "created": float, "ended": float, "outcome": str},
        pk="id", not_null={"kind", "payload", "created"},
    ).create_index(["ended", "due"])
    db.table("presence").create({"person": str, "home": int, "since": float, "said": str}, pk="person")


def _schema_3(db: Database) -> None:
    """Suggestions remember the household's answer."""
    db.table("suggestions").add_column("outcome", str)


MIGRATIONS: list[Callable[[Database], None]] = [_schema_1, _schema_2, _schema_3]
"""In order; migration i brings the schema from version i to i + 1."""

_EXPLAINED = {
    "file is not a database": "the file is not a SQLite database, or is corrupt",
    "database disk image is malformed": "the database is corrupt",
    "readonly database": "the file is read-only",
    "database is locked": "another process keeps the database locked",
    "unable to open database file": "cannot open the file (missing folder or no permission)",
    "FOREIGN KEY constraint failed": "it names a person or turn that is not in the database",
}


def explain(error: sqlite3.Error) -> str:
    text = str(error)
    return next((meaning for key, meaning in _EXPLAINED.items() if key in text), text)
