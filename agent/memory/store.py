"""The household database: people, preferences, schedule, routines, timers and history (SQLite, WAL).

Every write is one `BEGIN IMMEDIATE` transaction, so a writer in another process waits (busy
timeout) instead of failing halfway. Every SQLite error becomes a StoreError naming the file.
The tables are described in `agent.memory.schema`, the records in `agent.memory.records`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database

from agent.config import HouseholdSettings, data_dir, home_slug
from agent.memory.pending import PendingRecords
from agent.memory.records import (
    Actuation,
    CalendarEntry,
    SeedReport,
    StateChange,
    Suggestion,
    Timer,
    TurnRecord,
    new_entry,
)
from agent.memory.schema import MIGRATIONS, explain
from devices.errors import StoreError
from devices.household import HomeInfo, Household, Person, Routine, RoutineAction, load_household

__all__ = ["MIGRATIONS", "Actuation", "CalendarEntry", "HouseholdStore", "SeedReport", "StateChange", "Suggestion",
           "Timer", "TurnRecord", "database_path", "new_entry", "open_store"]

log = logging.getLogger(__name__)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


class HouseholdStore(PendingRecords):
    """One household database file; safe to share between threads of one process."""

    def __init__(self, path: str | Path, timeout_s: float = 5.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self.db = self._open(timeout_s)
        try:
            self._migrate()
        except StoreError:
            self.db.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot {doing}: {explain(error)}") from error

    @contextmanager
    def _read(self, doing: str) -> Iterator[Database]:
        with self._lock, self._errors(doing):
            yield self.db

    @contextmanager
    def _write(self, doing: str) -> Iterator[Database]:
        with self._lock, self._errors(doing):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.execute("ROLLBACK")
                raise

    def _open(self, timeout_s: float) -> Database:
        with self._errors("open the database"):
            conn = sqlite3.connect(self.path, timeout=timeout_s, check_same_thread=False, isolation_level=None)
            try:
                db = Database(conn, execute_plugins=False)
                db.enable_wal()  # the first read of the file: a corrupt one fails here
                db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; commits skip the fsync
                db.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error as error:
                conn.close()
                if "readonly" in str(error):
                    raise StoreError(
                        f"{self.path}: cannot open the database: the file is read-only, and reading it needs"
                        " a writable folder (for its -wal and -shm files)"
                    ) from error
                raise
        return db

    def schema_version(self) -> int:
        with self._read("read the schema version") as db:
            if not db.table("schema_version").exists():
                return 0
            return int(db.execute("SELECT version FROM schema_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version() == len(MIGRATIONS):
            return  # nothing to write: a read-only file stays readable
        with self._write("update the database schema") as db:
            found = self.schema_version()  # again: another process may have migrated meanwhile
            if found > len(MIGRATIONS):
                raise StoreError(f"{self.path}: schema version {found} is newer than this homebody understands")
            for migration in MIGRATIONS[found:]:
                migration(db)
            db.table("schema_version").create({"version": int}, if_not_exists=True)
            db.execute("DELETE FROM schema_version")
            db.table("schema_version").insert({"version": len(MIGRATIONS)})
        log.info("%s: schema migrated from version %d to %d", self.path, found, len(MIGRATIONS))

    # -- seeding and home -----------------------------------------------------------------------

    def seeded(self) -> bool:
        """Whether a household file has been seeded into this database."""
        with self._read("read the home") as db:
            return db.execute("SELECT 1 FROM meta WHERE key = 'home'").fetchone() is not None

    def seed(self, household: Household) -> SeedReport:
        """Add what the household file has and the database lacks; never overwrites (the database is the truth)."""
        tables = ("people", "preferences", "schedule", "routines")
        with self._write(f"seed from {household.source}") as db:
            before = [db.table(t).count for t in tables]
            db.table("meta").insert({"key": "home", "value": _json(asdict(household.home))}, ignore=True)
            db.table("people").insert_all(({"id": p.id, "name": p.name} for p in household.people), ignore=True)
            db.table("preferences").insert_all(_preference_rows(household.people), ignore=True)
            entries = (CalendarEntry.from_household(e) for e in household.schedule)
            db.table("schedule").insert_all((_entry_row(e) for e in entries), ignore=True)
            db.table("routines").insert_all((_routine_row(r) for r in household.routines), ignore=True)
            report = SeedReport(*(db.table(t).count - n for t, n in zip(tables, before, strict=True)))
        log.info("%s: seeded from %s: %s", self.path, household.source, report)
        return report

    def home(self) -> HomeInfo:
        """The home's name, timezone and quiet hours (defaults before seeding)."""
        with self._read("read the home") as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'home'").fetchone()
        return HomeInfo(**json.loads(row[0])) if row else HomeInfo()

    def counts(self) -> dict[str, int]:
        """Rows per kind of record (removed schedule entries not counted)."""
        tables = ("people", "routines", "timers", "turns", "actuations", "state_changes", "suggestions")
        with self._read("count records") as db:
            found = {t: db.table(t).count for t in tables}
            found["schedule"] = db.table("schedule").count_where("removed IS NULL")
        return found

    # -- people and preferences -----------------------------------------------------------------

    def people(self) -> list[Person]:
        with self._read("read people") as db:
            preferences: dict[str, dict[str, Any]] = defaultdict(dict)
            for row in db.query("SELECT person, key, value FROM preferences ORDER BY rowid"):
                preferences[row["person"]][row["key"]] = json.loads(row["value"])
            rows = list(db.query("SELECT id, name FROM people ORDER BY rowid"))
        return [Person(r["id"], r["name"], preferences[r["id"]]) for r in rows]

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people() if p.id == person_id), None)

    def save_person(self, person: Person) -> None:
        """Add or rename a person and set the preferences given (others are kept)."""
        with self._write(f"save person {person.id}") as db:
            db.table("people").upsert({"id": person.id, "name": person.name}, pk="id")
            db.table("preferences").upsert_all(_preference_rows([person]), pk=("person", "key"))

    def preference(self, person_id: str, key: str) -> Any | None:
        with self._read("read a preference") as db:
            row = db.execute("SELECT value FROM preferences WHERE person = ? AND key = ?", [person_id, key]).fetchone()
        return json.loads(row[0]) if row else None

    def set_preference(self, person_id: str, key: str, value: Any) -> None:
        row = {"person": person_id, "key": key, "value": _json(value), "updated": time.time()}
        with self._write(f"save preference {person_id}.{key}") as db:
            db.table("preferences").upsert(row, pk=("person", "key"))

    # -- schedule -------------------------------------------------------------------------------

    def entries(self) -> list[CalendarEntry]:
        """Every schedule entry not removed, in the order added."""
        with self._read("read the schedule") as db:
            rows = list(db.query("SELECT * FROM schedule WHERE removed IS NULL ORDER BY rowid"))
        return [_entry_from_row(row) for row in rows]

    def entry(self, uid: str) -> CalendarEntry | None:
        with self._read("read the schedule") as db:
            rows = list(db.query("SELECT * FROM schedule WHERE uid = ? AND removed IS NULL", [uid]))
        return _entry_from_row(rows[0]) if rows else None

    def save_entries(self, entries: Iterable[CalendarEntry]) -> None:
        """Add or replace entries by uid, all in one transaction (a removed one comes back)."""
        with self._write("save schedule entries") as db:
            db.table("schedule").upsert_all((_entry_row(e) for e in entries), pk="uid")

    def delete_entry(self, uid: str) -> bool:
        """Remove an entry; False when there is none with that uid."""
        with self._write(f"remove schedule entry {uid}") as db:
            cursor = db.execute("UPDATE schedule SET removed = ? WHERE uid = ? AND removed IS NULL", [time.time(), uid])
            return cursor.rowcount > 0

    def schedule_revision(self) -> int:
        """A number that changes whenever the schedule does, in any process (for caches)."""
        with self._read("read the schedule revision") as db:
            return int(db.execute("SELECT value FROM meta WHERE key = 'schedule_revision'").fetchone()[0])

    # -- routines and timers --------------------------------------------------------------------

    def routines(self) -> list[Routine]:
        with self._read("read routines") as db:
            rows = list(db.query("SELECT * FROM routines ORDER BY rowid"))
        return [_routine_from_row(row) for row in rows]

    def save_routine(self, routine: Routine) -> None:
        with self._write(f"save routine {routine.id}") as db:
            db.table("routines").upsert(_routine_row(routine), pk="id")

    def timers(self) -> list[Timer]:
        with self._read("read timers") as db:
            return [Timer(**row) for row in db.query("SELECT * FROM timers ORDER BY ends_at")]

    def save_timer(self, timer: Timer) -> None:
        with self._write(f"save timer {timer.id}") as db:
            db.table("timers").upsert(asdict(timer), pk="id")
        self._changed()

    def delete_timer(self, timer_id: str) -> bool:
        with self._write(f"delete timer {timer_id}") as db:
            deleted = db.execute("DELETE FROM timers WHERE id = ?", [timer_id]).rowcount > 0
        self._changed()
        return deleted

    # -- history --------------------------------------------------------------------------------

    def record_turn(self, turn: TurnRecord) -> int:
        """Store a turn and its actuations in one transaction; returns its id."""
        with self._write("record a turn") as db:
            cursor = db.execute(
                "INSERT INTO turns (at, area, person, text, path, plan, reply, timings_ms) VALUES (?,?,?,?,?,?,?,?)",
                [turn.at, turn.area, turn.person, turn.text, turn.path, _json(turn.plan), turn.reply,
                 _json(turn.timings_ms)],
            )
            turn_id = int(cursor.lastrowid or 0)
            db.conn.executemany(
                "INSERT INTO actuations (turn, at, person, area, path, device_id, status, state, message)"
                " VALUES (?,?,?,?,?,?,?,?,?)",
                [[turn_id, turn.at, turn.person, turn.area, turn.path, a.device_id, a.status, _json(a.state),
                  a.message] for a in turn.results],
            )
        return turn_id

    def history(self, limit: int = 20, device_id: str | None = None) -> list[TurnRecord]:
        """The latest turns, newest first; with `device_id`, only turns that acted on that device."""
        where, params = ("WHERE id IN (SELECT turn FROM actuations WHERE device_id = ?)", [device_id]) if device_id \
            else ("", [])
        with self._read("read the history") as db:
            turns = list(db.query(f"SELECT * FROM turns {where} ORDER BY id DESC LIMIT ?", [*params, limit]))
            ids = [t["id"] for t in turns]
            marks = ",".join("?" * len(ids))
            acts = list(db.query(f"SELECT * FROM actuations WHERE turn IN ({marks}) ORDER BY id", ids))
        results: dict[int, list[Actuation]] = defaultdict(list)
        for a in acts:
            results[a["turn"]].append(Actuation(a["device_id"], a["status"], json.loads(a["state"]), a["message"]))
        return [_turn_from_row(t, results[t["id"]]) for t in turns]

    def record_state_change(self, device_id: str, old: dict[str, Any], new: dict[str, Any], at: float) -> None:
        with self._write(f"record a state change of {device_id}") as db:
            db.execute(
                "INSERT INTO state_changes (at, device_id, old, new) VALUES (?,?,?,?)",
                [at, device_id, _json(old), _json(new)],
            )

    def state_changes(self, limit: int = 100, device_id: str | None = None) -> list[StateChange]:
        """The latest device state changes, newest first."""
        where, params = ("WHERE device_id = ?", [device_id]) if device_id else ("", [])
        with self._read("read state changes") as db:
            rows = list(db.query(f"SELECT * FROM state_changes {where} ORDER BY id DESC LIMIT ?", [*params, limit]))
        return [StateChange(r["device_id"], json.loads(r["old"]), json.loads(r["new"]), r["at"]) for r in rows]

    # -- suggestions ----------------------------------------------------------------------------

    def add_suggestion(self, suggestion: Suggestion) -> int:
        row = {**asdict(suggestion), "value": _json(suggestion.value)}
        del row["id"]
        with self._write("save a suggestion") as db:
            return int(db.table("suggestions").insert(row).last_rowid or 0)

    def suggestions(self) -> list[Suggestion]:
        """Every suggestion, answered ones included (so none is suggested twice)."""
        with self._read("read suggestions") as db:
            rows = list(db.query("SELECT * FROM suggestions ORDER BY id"))
        return [Suggestion(**{**row, "value": json.loads(row["value"])}) for row in rows]

    def answer_suggestion(self, suggestion_id: int, approve: bool) -> Suggestion | None:
        """Approve (the preference is set) or dismiss a waiting suggestion, in one transaction; None when none waits."""
        with self._write(f"answer suggestion {suggestion_id}") as db:
            rows = list(db.query("SELECT * FROM suggestions WHERE id = ? AND outcome IS NULL", [suggestion_id]))
            if not rows:
                return None
            found = Suggestion(**{**rows[0], "value": json.loads(rows[0]["value"])})
            found.outcome = "approved" if approve else "dismissed"
            if approve:
                db.table("preferences").upsert({"person": found.person, "key": found.key, "value": rows[0]["value"],
                                                "updated": time.time()}, pk=("person", "key"))
            db.execute("UPDATE suggestions SET outcome = ? WHERE id = ?", [found.outcome, suggestion_id])
        return found


def database_path(settings: HouseholdSettings, household: Household) -> Path:
    """The configured database, or by default one file per household in the data dir (`birch-cottage.db`)."""
    if settings.database:
        return Path(settings.database).expanduser()
    return data_dir() / f"{home_slug(household.home.name)}.db"


def open_store(settings: HouseholdSettings, household: Household | None = None) -> HouseholdStore:
    """The household's database, created if missing; a database never seeded is seeded from the household
    file (`household`, when the caller has read it already)."""
    household = household or load_household(settings.file or None)
    path = database_path(settings, household)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{path}: cannot create its folder ({error.strerror})") from None
    store = HouseholdStore(path)
    seeded_from = store.home().name if store.seeded() else None
    if seeded_from is not None and seeded_from != household.home.name:
        own = path.with_name(f"{path.stem}-{home_slug(household.home.name)}{path.suffix}")
        log.info("%s holds %s's people and schedule; %s's are kept in %s", path, seeded_from, household.home.name, own)
        store.close()
        store = HouseholdStore(own)
    if not store.seeded():
        store.seed(household)
    return store


def _preference_rows(people: Iterable[Person]) -> Iterator[dict[str, Any]]:
    now = time.time()
    for person in people:
        for key, value in person.preferences.items():
            yield {"person": person.id, "key": key, "value": _json(value), "updated": now}


def _entry_row(entry: CalendarEntry) -> dict[str, Any]:
    return {**asdict(entry), "exdates": _json(entry.exdates), "removed": None}


def _entry_from_row(row: dict[str, Any]) -> CalendarEntry:
    fields = {k: v for k, v in row.items() if k != "removed"}
    return CalendarEntry(**{**fields, "exdates": json.loads(row["exdates"] or "[]")})


def _routine_row(routine: Routine) -> dict[str, Any]:
    return {
        "id": routine.id, "name": routine.name, "aliases": _json(routine.aliases), "at": routine.at,
        "days": _json(routine.days), "actions": _json([asdict(a) for a in routine.actions]),
    }


def _routine_from_row(row: dict[str, Any]) -> Routine:
    actions = [RoutineAction(**a) for a in json.loads(row["actions"])]
    return Routine(row["id"], row["name"], actions, json.loads(row["aliases"]), row["at"], json.loads(row["days"]))


def _turn_from_row(row: dict[str, Any], results: list[Actuation]) -> TurnRecord:
    return TurnRecord(
        row["at"], row["text"], row["reply"], row["path"], row["area"], row["person"],
        json.loads(row["plan"]), results, json.loads(row["timings_ms"]), row["id"],
    )
