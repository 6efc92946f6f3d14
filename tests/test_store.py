import multiprocessing
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.config import HouseholdSettings
from agent.turn.plan import Plan, tool_call
from agent.memory.store import (
    MIGRATIONS,
    Actuation,
    HouseholdStore,
    StateChange,
    Suggestion,
    Timer,
    TurnRecord,
    database_path,
    open_store,
)
from agent.turn.context import DeviceOutcome, TurnContext, TurnResult
from devices.errors import StoreError
from devices.household import Household, Person, load_household
from helpers import HOMES

HOME = HOMES / "hazel_court.toml"


@pytest.fixture
def household() -> Household:
    return load_household(HOME)


@pytest.fixture
def store(tmp_path: Path, household: Household) -> Iterator[HouseholdStore]:
    with HouseholdStore(tmp_path / "home.db") as opened:
        opened.seed(household)
        yield opened


def _turn(text: str = "turn on the kitchen light", at: float = 1_795_000_000.0) -> TurnRecord:
    results = [Actuation("kitchen_ceiling", "confirmed", {"state": "on", "brightness": 80})]
    plan = {"calls": [{"tool": "set", "args": {"device": "kitchen_ceiling"}}]}
    return TurnRecord(at, text, "Kitchen light on.", "matcher", "kitchen", "alex", plan, results, {"total": 12.5})


def test_new_database_is_wal_at_the_current_schema(tmp_path: Path) -> None:
    with HouseholdStore(tmp_path / "new.db") as store:
        assert store.schema_version() == len(MIGRATIONS)
        assert store.db.journal_mode == "wal"
        assert not store.seeded()


def test_seeding_twice_leaves_one_copy(tmp_path: Path, household: Household) -> None:
    with HouseholdStore(tmp_path / "home.db") as store:
        first = store.seed(household)
        counts = store.counts()
        second = store.seed(household)
        assert (first.people, first.preferences, first.schedule, first.routines) == (3, 8, 6, 2)
        assert (second.people, second.preferences, second.schedule, second.routines) == (0, 0, 0, 0)
        assert store.counts() == counts
        assert len({e.uid for e in store.entries()}) == 6


def test_seeding_again_keeps_what_changed_since(store: HouseholdStore, household: Household) -> None:
    store.set_preference("nina", "temperature", 19.5)
    removed = store.entries()[0].uid
    store.delete_entry(removed)
    store.seed(household)
    assert store.preference("nina", "temperature") == 19.5
    assert removed not in {e.uid for e in store.entries()}


def test_seeded_content_matches_the_household_file(store: HouseholdStore, household: Household) -> None:
    assert store.people() == household.people
    assert store.routines() == household.routines
    assert store.home() == household.home
    assert [e.title for e in store.entries()] == [e.title for e in household.schedule]


@pytest.mark.parametrize("value", [21.5, 70, "06:30", True, None, ["warm white", 40], {"start": "22:00"}])
def test_preferences_keep_their_types(store: HouseholdStore, value: Any) -> None:
    store.set_preference("omar", "anything", value)
    assert store.preference("omar", "anything") == value


def test_unknown_preference_is_none(store: HouseholdStore) -> None:
    assert store.preference("nina", "favourite_colour") is None
    assert store.preference("nobody", "temperature") is None


def test_save_person_adds_and_updates(store: HouseholdStore) -> None:
    store.save_person(Person("gran", "Grandma", {"temperature": 23.0}))
    store.save_person(Person("nina", "Nina Shah", {"wake": "07:00"}))
    assert store.person("gran") == Person("gran", "Grandma", {"temperature": 23.0})
    assert store.person("nina") == Person("nina", "Nina Shah", {"temperature": 21.0, "wake": "07:00",
                                                               "light_brightness": 80})


def test_preference_of_unknown_person_is_a_store_error(store: HouseholdStore) -> None:
    with pytest.raises(StoreError, match="not in the database"):
        store.set_preference("stranger", "temperature", 20)


def test_timers_are_saved_updated_and_deleted(store: HouseholdStore) -> None:
    timer = Timer("t1", "pasta", 600.0, 1_795_000_600.0, "kitchen")
    store.save_timer(timer)
    timer.paused_remaining_s = 420.0
    store.save_timer(timer)
    assert store.timers() == [timer]
    assert store.delete_timer("t1") is True
    assert store.delete_timer("t1") is False
    assert store.timers() == []


def test_turns_round_trip_newest_first(store: HouseholdStore) -> None:
    first, second = _turn("first"), _turn("second", at=1_795_000_010.0)
    first.id, second.id = store.record_turn(first), store.record_turn(second)
    store.record_turn(TurnRecord(1_795_000_020.0, "what time is it", "It's ten.", "matcher"))
    assert store.history(limit=3)[1:] == [second, first]
    assert store.history(limit=10, device_id="kitchen_ceiling") == [second, first]
    assert store.counts()["actuations"] == 2


def test_turn_record_from_a_turn_result() -> None:
    plan = Plan([tool_call("set", {"device": "tv", "state": "on"})], 0.9, "matcher")
    result = TurnResult(text="turn on the telly", reply="TV on.", plan=plan, path="matcher",
                        outcomes=[DeviceOutcome("tv", "confirmed", {"state": "on"})], timings_ms={"total": 40.0})
    record = TurnRecord.from_turn(result, TurnContext(area="living_room", person="sam"), at=5.0)
    assert (record.area, record.person, record.path, record.at) == ("living_room", "sam", "matcher", 5.0)
    assert record.plan == plan.to_json()
    assert record.results == [Actuation("tv", "confirmed", {"state": "on"}, "")]


def test_state_changes_newest_first(store: HouseholdStore) -> None:
    store.record_state_change("tv", {"state": "off"}, {"state": "on"}, 1.0)
    store.record_state_change("floor_lamp", {"state": "off"}, {"state": "on"}, 2.0)
    assert store.state_changes(device_id="tv") == [StateChange("tv", {"state": "off"}, {"state": "on"}, 1.0)]
    assert [c.device_id for c in store.state_changes()] == ["floor_lamp", "tv"]


def test_suggestions_are_stored(store: HouseholdStore) -> None:
    suggestion = Suggestion("alex", "temperature", 21.5, "set 21.5 three evenings running", created=3.0)
    suggestion.id = store.add_suggestion(suggestion)
    assert store.suggestions() == [suggestion]


def test_open_store_seeds_a_new_database_once(tmp_path: Path) -> None:
    settings = HouseholdSettings(file=str(HOME), database=str(tmp_path / "sub" / "homebody.db"))
    with open_store(settings) as store:
        store.set_preference("lily", "bedtime", "20:00")
    with open_store(settings) as store:
        assert store.counts()["people"] == 3
        assert store.preference("lily", "bedtime") == "20:00"


def test_by_default_each_household_has_a_database_of_its_own_in_the_data_dir(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with open_store(HouseholdSettings()) as example:
        assert example.path == tmp_path / "homebody" / "birch-cottage.db"
        assert {p.id for p in example.people()} == {"robin", "kai"}
    with open_store(HouseholdSettings(file=str(HOME))) as hazel:
        assert hazel.path == tmp_path / "homebody" / "hazel-court.db"
        assert {p.id for p in hazel.people()} == {"nina", "omar", "lily"}
    assert database_path(HouseholdSettings(database="~/elsewhere.db"), load_household(HOME)) == \
        Path("~/elsewhere.db").expanduser()


def test_another_household_file_gets_its_own_database_beside_the_first(tmp_path: Path) -> None:
    database = tmp_path / "homebody.db"
    with open_store(HouseholdSettings(file="", database=str(database))) as example:
        example.set_preference("robin", "temperature", 19.0)
        example_people = {p.id for p in example.people()}
    with open_store(HouseholdSettings(file=str(HOME), database=str(database))) as hazel:
        assert hazel.path == tmp_path / "homebody-hazel-court.db"
        assert {p.id for p in hazel.people()} == {"nina", "omar", "lily"}
    with open_store(HouseholdSettings(file="", database=str(database))) as example:
        assert {p.id for p in example.people()} == example_people
        assert example.preference("robin", "temperature") == 19.0


def _write_history(path: Path, label: str, start: Any) -> None:
    start.wait()
    with HouseholdStore(path) as store:
        for n in range(200):
            store.record_turn(_turn(f"{label} {n}"))


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    HouseholdStore(path).close()
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=_write_history, args=(path, label, start)) for label in ("a", "b")]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(timeout=60)
        assert writer.exitcode == 0
    with HouseholdStore(path) as store:
        texts = {t.text for t in store.history(limit=1000)}
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert texts == {f"{label} {n}" for label in ("a", "b") for n in range(200)}


@pytest.mark.parametrize("garbage", [os.urandom(8192), b"hello, not a database\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_corrupt_file_is_a_store_error_naming_it(tmp_path: Path, garbage: bytes) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="corrupt") as error:
        HouseholdStore(path)
    assert str(path) in str(error.value)


def test_database_from_a_newer_homebody_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    HouseholdStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="newer"):
        HouseholdStore(path)


def _unprivileged(function: Callable[..., Any], *args: Any) -> Any:
    """Run in a child without root when we are root (containers), so that file modes apply."""
    if os.geteuid() != 0:
        return function(*args)
    with multiprocessing.get_context("fork").Pool(1, initializer=os.setuid, initargs=(65534,)) as pool:
        return pool.apply(function, args)


def _read_then_write(path: Path) -> tuple[str, str]:
    try:
        store = HouseholdStore(path)
    except StoreError as error:
        return "open failed", str(error)
    with store:
        names = ", ".join(p.name for p in store.people())
        try:
            store.set_preference("nina", "temperature", 25.0)
        except StoreError as error:
            return names, str(error)
    return names, "written"


@pytest.fixture
def open_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        Path(name).chmod(0o777)  # reachable by the unprivileged child
        yield Path(name)


@pytest.mark.parametrize(("folder_mode", "read"), [(0o777, "Nina, Omar, Lily"), (0o755, "open failed")])
def test_read_only_file_reads_or_fails_clearly(
    open_folder: Path, household: Household, folder_mode: int, read: str
) -> None:
    folder = open_folder / "data"
    folder.mkdir()
    path = folder / "home.db"
    with HouseholdStore(path) as store:
        store.seed(household)
    path.chmod(0o444)
    folder.chmod(folder_mode)
    names, message = _unprivileged(_read_then_write, path)
    assert names == read
    assert str(path) in message and "read-only" in message
