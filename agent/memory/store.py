"""The household database: people, preferences, schedule, routines, timers and history (SQLite, WAL).

Every write is one `BEGIN IMMEDIATE` transaction, so a writer in another process waits (busy
timeout) instead of failing halfway. Every SQLite error becomes a StoreError naming the file.

Tables (schema version 1):

- `meta`: `home` (HomeInfo as JSON) and `schedule_revision`, bumped by triggers on every schedule write.
- `people`, `preferences`: values are JSON, so 21.0 stays a number and "06:30" a string.
- `schedule`: one row per CalendarEntry; a removed entry keeps a tombstone (`removed`), so seeding
  again does not bring it back.
- `routines`, `timers`, `suggestions`.
- `turns`: one row per turn; `actuations`: the audit, one row per device a turn acted on, with
  who/where/path copied from its turn so "who unlocked the back door" is one query.
- `state_changes`: every device state change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from sqlite_utils import Database

from agent.config import HouseholdSettings
from devices.outcome import DeviceOutcome
from devices.errors import StoreError
from devices.household import HomeInfo, Household, Person, Routine, RoutineAction, ScheduleEntry, load_household

if TYPE_CHECKING:
    from agent.turn.context import TurnContext, TurnResult

log = logging.getLogger(__name__)


@dataclass
class CalendarEntry:
    """One schedule entry as stored: a one-off or a recurrence, at a local wall-clock time."""

    uid: str
    """Stable id: derived from the content for seeded and added entries, the iCalendar UID for imported ones."""
    title: str
    start: str | None
    """Local start time `HH:MM`; None for an all-day entry."""
    end: str | None = None
    """Local end time `HH:MM`, on the next day when not after `start`."""
    date: str | None = None
    """`YYYY-MM-DD`: the day of a one-off entry, or the first day of a recurring one (None: since ever)."""
    rrule: str | None = None
    """RFC 5545 recurrence rule without the `RRULE:` prefix, e.g. `FREQ=WEEKLY;BYDAY=TU,TH`."""
    exdates: list[str] = field(default_factory=list)
    """Local start times `YYYY-MM-DDTHH:MM` of occurrences that do not happen."""
    person: str | None = None
    area: str | None = None

    @classmethod
    def from_household(cls, entry: ScheduleEntry) -> CalendarEntry:
        return new_entry(entry.title, entry.start, entry.end, entry.date, entry.rrule, entry.person, entry.area)


def new_entry(
    title: str,
    start: str | None,
    end: str | None = None,
    date: str | None = None,
    rrule: str | None = None,
    person: str | None = None,
    area: str | None = None,
) -> CalendarEntry:
    """An entry whose uid comes from its content, so adding or seeding the same entry twice stores it once."""
    content = json.dumps([title, start, end, date, rrule, person, area])
    uid = hashlib.sha1(content.encode()).hexdigest()[:16] + "@homebody"
    return CalendarEntry(uid, title, start, end, date, rrule, [], person, area)


@dataclass
class Timer:
    id: str
    name: str
    duration_s: float
    """Length as set, seconds."""
    ends_at: float
    """Epoch seconds at which it rings while running."""
    area: str | None = None
    """Where it was set and where it rings."""
    paused_remaining_s: float | None = None
    """Seconds left when paused; None while running."""


Actuation = DeviceOutcome
"""What happened to one device in a turn: the history keeps the turn's own outcome records."""


@dataclass
class TurnRecord:
    """One turn as the history keeps it."""

    at: float
    """Epoch seconds when the turn started."""
    text: str
    """What was heard."""
    reply: str
    path: str = "none"
    """Which understanding made the plan: matcher | llm | none."""
    area: str | None = None
    person: str | None = None
    plan: dict[str, Any] = field(default_factory=dict)
    """Plan.to_json()."""
    results: list[Actuation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage: understand, act, reply, total."""
    id: int | None = None
    """Row id, set when stored."""

    @classmethod
    def from_turn(cls, result: TurnResult, context: TurnContext, at: float) -> TurnRecord:
        results = [Actuation(o.device_id, o.status, dict(o.state), o.message) for o in result.outcomes]
        return cls(
            at, result.text, result.reply, result.path, context.area, context.person,
            result.plan.to_json(), results, dict(result.timings_ms),
        )


@dataclass
class StateChange:
    device_id: str
    old: dict[str, Any]
    new: dict[str, Any]
    at: float
    """Epoch seconds."""


@dataclass
class Suggestion:
    """A preference the assistant noticed and may offer to remember."""

    person: str
    key: str
    value: Any
    reason: str
    created: float = field(default_factory=time.time)
    """Epoch seconds."""
    id: int | None = None


@dataclass
class SeedReport:
    """Rows a seeding added (0 everywhere when run again)."""

    people: int
    preferences: int
    schedule: int
    routines: int


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


MIGRATIONS: list[Callable[[Database], None]] = [_schema_1]
"""In order; migration i brings the schema from version i to i + 1."""

_EXPLAINED = {
    "file is not a database": "the file is not a SQLite database, or is corrupt",
    "database disk image is malformed": "the database is corrupt",
    "readonly database": "the file is read-only",
    "database is locked": "another process keeps the database locked",
    "unable to open database file": "cannot open the file (missing folder or no permission)",
    "FOREIGN KEY constraint failed": "it names a person or turn that is not in the database",
}


def _explain(error: sqlite3.Error) -> str:
    text = str(error)
    return next((meaning for key, meaning in _EXPLAINED.items() if key in text), text)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


class HouseholdStore:
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
            raise StoreError(f"{self.path}: cannot {doing}: {_explain(error)}") from error

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

    def delete_timer(self, timer_id: str) -> bool:
        with self._write(f"delete timer {timer_id}") as db:
            return db.execute("DELETE FROM timers WHERE id = ?", [timer_id]).rowcount > 0

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
        with self._read("read suggestions") as db:
            rows = list(db.query("SELECT * FROM suggestions ORDER BY id"))
        return [Suggestion(**{**row, "value": json.loads(row["value"])}) for row in rows]


def open_store(settings: HouseholdSettings, household: Household | None = None) -> HouseholdStore:
    """The configured database, created if missing; a database never seeded is seeded from the household
    file (`household`, when the caller has read it already)."""
    path = Path(settings.database).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{path}: cannot create its folder ({error.strerror})") from None
    household = household or load_household(settings.file or None)
    store = HouseholdStore(path)
    seeded_from = store.home().name if store.seeded() else None
    if seeded_from is not None and seeded_from != household.home.name:
        own = path.with_name(f"{path.stem}-{_slug(household.home.name)}{path.suffix}")
        log.info("%s holds %s's people and schedule; %s's are kept in %s", path, seeded_from, household.home.name, own)
        store.close()
        store = HouseholdStore(own)
    if not store.seeded():
        store.seed(household)
    return store


def _slug(name: str) -> str:
    """"Maple House" → "maple-house": a file-name part."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "home"


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
