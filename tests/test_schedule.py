from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from agent.memory.schedule import (
    Occurrence,
    Schedule,
    add_entry,
    check_rrule,
    days_named,
    occurrences,
    remove_entry,
    skip_occurrence,
)
from agent.memory.spoken import day_phrase, describe, describe_when, spoken_time
from agent.memory.store import CalendarEntry, HouseholdStore, new_entry
from devices.household import load_household
from helpers import HOMES

HOME = HOMES / "hazel_court.toml"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)  # a Tuesday, the evaluation's default
NAMES = {"nina": "Nina", "omar": "Omar", "lily": "Lily"}


@pytest.fixture
def schedule() -> Schedule:
    entries = [CalendarEntry.from_household(e) for e in load_household(HOME).schedule]
    return Schedule(entries, "Europe/London")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HouseholdStore]:
    with HouseholdStore(tmp_path / "home.db") as opened:
        opened.seed(load_household(HOME))
        yield opened


def _at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(("word", "titles"), [
    ("today", ["Teaching at the college", "Swimming lesson"]),
    ("tomorrow", ["Yoga", "Bottle collection"]),
    ("friday", ["Yoga", "Orthodontist appointment"]),
    ("weekend", ["Dinner at Uncle Raj's"]),
    ("monday", ["Yoga"]),
    ("2026-11-26", ["Teaching at the college", "Swimming lesson"]),
])
def test_days_hold_their_entries(schedule: Schedule, word: str, titles: list[str]) -> None:
    assert [o.title for o in schedule.on_days(days_named(word, NOW.date()))] == titles


@pytest.mark.parametrize(("word", "today", "days"), [
    ("today", date(2026, 11, 24), [date(2026, 11, 24)]),
    ("Tomorrow", date(2026, 11, 30), [date(2026, 12, 1)]),
    ("tuesday", date(2026, 11, 24), [date(2026, 11, 24)]),
    ("mon", date(2026, 11, 24), [date(2026, 11, 30)]),
    ("the weekend", date(2026, 11, 24), [date(2026, 11, 28), date(2026, 11, 29)]),
    ("weekend", date(2026, 11, 28), [date(2026, 11, 28), date(2026, 11, 29)]),
    ("this weekend", date(2026, 11, 29), [date(2026, 11, 29)]),
    ("2027-01-05", date(2026, 11, 24), [date(2027, 1, 5)]),
])
def test_days_named(word: str, today: date, days: list[date]) -> None:
    assert days_named(word, today) == days


def test_unknown_day_word_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a day"):
        days_named("someday", NOW.date())


@pytest.mark.parametrize(("first", "change"), [
    ("2026-10-04", date(2026, 10, 25)),  # last Sunday of October: BST -> GMT
    ("2027-03-07", date(2027, 3, 28)),  # last Sunday of March: GMT -> BST
])
def test_weekly_entry_keeps_its_local_hour_across_daylight_saving(first: str, change: date) -> None:
    entry = new_entry("Swimming", "09:00", "10:00", first, "FREQ=WEEKLY;BYDAY=SU")
    found = occurrences([entry], _at(2026, 9, 1), _at(2027, 6, 1), "Europe/London")[:6]
    assert [o.start.date() for o in found] == [date.fromisoformat(first) + timedelta(weeks=n) for n in range(6)]
    assert {(o.start.hour, o.start.minute, o.end.hour if o.end else None) for o in found} == {(9, 0, 10)}
    offsets = {o.start.date() >= change: o.start.utcoffset() for o in found}
    assert offsets[True] != offsets[False]


def test_a_time_that_does_not_exist_moves_forward() -> None:
    entry = new_entry("Early feed", "01:30", None, "2027-03-27", "FREQ=DAILY")
    found = occurrences([entry], _at(2027, 3, 27), _at(2027, 3, 30), "Europe/London")
    assert [(o.start.day, o.start.hour, o.start.minute) for o in found] == [(27, 1, 30), (28, 2, 30), (29, 1, 30)]


@pytest.mark.parametrize(("rule", "first"), [
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "2019-06-13"),
    ("FREQ=MONTHLY;BYDAY=1SA", "2015-02-07"),
    ("FREQ=MONTHLY;BYMONTHDAY=-1", "2018-01-31"),
    ("FREQ=MONTHLY", "2020-01-31"),
    ("FREQ=YEARLY", "2012-02-29"),
    ("FREQ=YEARLY;INTERVAL=2;BYMONTH=12;BYMONTHDAY=24", "2011-12-24"),
    ("FREQ=DAILY;INTERVAL=3", "2024-02-27"),
    ("FREQ=WEEKLY;COUNT=300", "2021-01-05"),
    ("FREQ=WEEKLY;BYDAY=WE;UNTIL=20261202T235959", "2025-01-01"),
])
def test_moving_the_first_start_forward_changes_no_occurrence(rule: str, first: str) -> None:
    entry = new_entry("Thing", "18:15", None, first, rule)
    start, end = _at(2026, 11, 1), _at(2027, 1, 1)
    expected = rrulestr(rule, dtstart=datetime.fromisoformat(f"{first}T18:15")).between(
        start.replace(tzinfo=None), end.replace(tzinfo=None), inc=True)
    assert [o.start.replace(tzinfo=None) for o in occurrences([entry], start, end, LONDON)] == expected


def test_an_exception_skips_one_occurrence() -> None:
    entry = new_entry("Piano", "16:00", None, "2026-11-02", "FREQ=WEEKLY;BYDAY=MO")
    entry.exdates = ["2026-11-16T16:00"]
    found = occurrences([entry], _at(2026, 11, 1), _at(2026, 12, 1), LONDON)
    assert [o.start.day for o in found] == [2, 9, 23, 30]


def test_all_day_and_overnight_entries() -> None:
    birthday = new_entry("Emma's birthday", None, None, "2026-12-03")
    shift = new_entry("Night shift", "22:00", "06:00", "2026-12-03")
    found = occurrences([birthday, shift], _at(2026, 12, 3), _at(2026, 12, 4), LONDON)
    assert [(o.title, o.all_day, o.start.hour) for o in found] == [("Emma's birthday", True, 0),
                                                                   ("Night shift", False, 22)]
    assert found[1].end == _at(2026, 12, 4, 6)


def test_queries_across_a_month_end(schedule: Schedule) -> None:
    found = schedule.between(_at(2026, 11, 30), _at(2026, 12, 2))
    assert [(o.start.day, o.title) for o in found] == [(30, "Yoga"), (1, "Teaching at the college"), (1, "Swimming lesson")]


@pytest.mark.parametrize(("query", "title", "day"), [
    ("swimming lesson", "Swimming lesson", 24),
    ("the orthodontist appointment", "Orthodontist appointment", 27),
    ("orthodontist", "Orthodontist appointment", 27),
    ("Lily's swimming", "Swimming lesson", 24),
    ("the bottles", "Bottle collection", 25),
    ("dinner at uncle raj's", "Dinner at Uncle Raj's", 29),
    ("when's the yoga", "Yoga", 25),
    ("this orthodontist appointment", "Orthodontist appointment", 27),
    ("that appointment of this week with the orthodontist", "Orthodontist appointment", 27),
    ("Lily's lesson", "Swimming lesson", 24),
    ("the appointment", "Orthodontist appointment", 27),
])
def test_next_of_finds_the_entry_a_title_names(schedule: Schedule, query: str, title: str, day: int) -> None:
    found = schedule.next_of(query, NOW)
    assert found is not None and (found.title, found.start.day) == (title, day)


@pytest.mark.parametrize("query", ["piano lesson", "the piano appointment", "", "the"])
def test_next_of_something_not_on_the_schedule_is_none(schedule: Schedule, query: str) -> None:
    assert schedule.next_of(query, NOW) is None


def test_next_of_looks_past_two_months() -> None:
    entry = new_entry("Car service", "08:30", None, "2027-06-01")
    found = Schedule([entry], LONDON).next_of("car service", NOW)
    assert found is not None and found.start == _at(2027, 6, 1, 8, 30)


def test_upcoming_and_for_person(schedule: Schedule) -> None:
    assert [o.title for o in schedule.upcoming(NOW, 3)] == ["Swimming lesson", "Yoga", "Bottle collection"]
    assert [o.title for o in schedule.upcoming(NOW, 2, person="lily")] == ["Swimming lesson", "Swimming lesson"]
    week = schedule.for_person("nina", NOW, NOW + timedelta(days=7))
    assert [o.start.day for o in week] == [25, 27, 30]


def test_weekend_from_a_weekday(schedule: Schedule) -> None:
    assert [o.title for o in schedule.weekend(NOW)] == ["Dinner at Uncle Raj's"]


def test_describe_today(schedule: Schedule) -> None:
    assert describe(schedule.on_day(NOW.date()), NOW, NAMES) == (
        "Today: Omar is teaching at the college from 9 am and Lily has a swimming lesson at 5 pm."
    )


def test_describe_several_days(schedule: Schedule) -> None:
    found = schedule.on_days(days_named("tomorrow", NOW.date()) + days_named("friday", NOW.date()))
    assert describe(found, NOW, NAMES) == (
        "Tomorrow: Nina has yoga at 6:45 am and bottle collection at 7 am. "
        "On Friday the 27th: Nina has yoga at 6:45 am and Lily has an orthodontist appointment at 3:30 pm."
    )


def test_describe_nothing() -> None:
    assert describe([], NOW) == "Nothing is on the schedule."


def _one(title: str, person: str | None, start: datetime, all_day: bool = False) -> Occurrence:
    return Occurrence(title, person, None, start, None, all_day)


@pytest.mark.parametrize(("occurrence", "said"), [
    (_one("Soccer practice", "lily", _at(2026, 11, 24, 17)), "Lily's soccer practice is today at 5 pm"),
    (_one("Dentist appointment", "lily", _at(2026, 11, 27, 15, 30)),
     "Lily's dentist appointment is on Friday the 27th at 3:30 pm"),
    (_one("Working from home", "omar", _at(2026, 11, 26, 9)), "Omar is working from home on Thursday the 26th from 9 am"),
    (_one("Visiting Grandma", "nina", _at(2026, 11, 25, 12)), "Nina is visiting Grandma tomorrow from noon"),
    (_one("Morning run", "nina", _at(2026, 11, 25, 6)), "Nina's morning run is tomorrow at 6 am"),
    (_one("Bin collection", None, _at(2026, 12, 9, 7)), "Bin collection is on Wednesday the 9th of December at 7 am"),
    (_one("TV licence renewal", None, _at(2026, 11, 28, 0), all_day=True), "TV licence renewal is on Saturday the 28th"),
    (_one("Birthday party", "lily", _at(2026, 11, 28, 0), all_day=True), "Lily's birthday party is on Saturday the 28th"),
])
def test_describe_when(occurrence: Occurrence, said: str) -> None:
    assert describe_when(occurrence, NOW, NAMES) == said


@pytest.mark.parametrize(("title", "clause"), [
    ("Haircut", "Nina has a haircut at 4 pm"),
    ("Swimming lesson", "Nina has a swimming lesson at 4 pm"),
    ("Eye test", "Nina has an eye test at 4 pm"),
    ("Gym", "Nina has gym at 4 pm"),
    ("Shopping", "Nina is shopping from 4 pm"),
    ("Meeting with Bob", "Nina is meeting with Bob from 4 pm"),
    ("Wedding at the church", "Nina has wedding at the church at 4 pm"),
])
def test_describe_chooses_has_or_is(title: str, clause: str) -> None:
    assert describe([_one(title, "nina", _at(2026, 11, 24, 16))], NOW, NAMES) == f"Today: {clause}."


@pytest.mark.parametrize(("moment", "said"), [
    (time(17, 0), "5 pm"), (time(15, 30), "3:30 pm"), (time(6, 45), "6:45 am"), (time(12, 0), "noon"),
    (time(0, 0), "midnight"), (time(12, 15), "12:15 pm"), (time(0, 5), "12:05 am"),
])
def test_spoken_time(moment: time, said: str) -> None:
    assert spoken_time(moment) == said


@pytest.mark.parametrize(("day", "said"), [
    (date(2026, 11, 24), "today"), (date(2026, 11, 25), "tomorrow"), (date(2026, 11, 27), "on Friday the 27th"),
    (date(2026, 11, 30), "on Monday the 30th"), (date(2026, 12, 1), "on Tuesday the 1st of December"), (date(2027, 1, 22), "on Friday the 22nd of January"),
    (date(2026, 12, 13), "on Sunday the 13th of December"),
])
def test_day_phrase(day: date, said: str) -> None:
    assert day_phrase(day, NOW.date()) == said


@pytest.mark.parametrize("text", ["FREQ=SOMETIMES", "BYDAY=XX", "not a rule"])
def test_bad_rule_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not a recurrence rule"):
        check_rrule(text)


def test_add_entry_then_ask_for_it(store: HouseholdStore) -> None:
    entry = add_entry(store, "Haircut", "nina", date(2026, 11, 26), time(16))
    add_entry(store, "Haircut", "nina", date(2026, 11, 26), time(16))
    schedule = Schedule.load(store)
    found = schedule.next_of("nina's haircut", NOW)
    assert found is not None and found.uid == entry.uid
    assert describe_when(found, NOW, NAMES) == "Nina's haircut is on Thursday the 26th at 4 pm"
    assert [e.title for e in store.entries()].count("Haircut") == 1


@pytest.mark.parametrize(("title", "day", "rule"), [("  ", date(2026, 11, 26), None), ("Haircut", None, None)])
def test_add_entry_refuses_what_cannot_be_an_entry(
    store: HouseholdStore, title: str, day: date | None, rule: str | None
) -> None:
    with pytest.raises(ValueError):
        add_entry(store, title, None, day, time(9), rrule=rule)


def test_remove_entry_and_skip_one_occurrence(store: HouseholdStore) -> None:
    schedule = Schedule.load(store)
    swimming = schedule.next_of("swimming lesson", NOW)
    orthodontist = schedule.next_of("orthodontist", NOW)
    assert swimming is not None and orthodontist is not None
    assert skip_occurrence(store, swimming) is True
    assert remove_entry(store, orthodontist.uid) is True
    assert remove_entry(store, orthodontist.uid) is False
    schedule = Schedule.load(store, schedule)
    moved = schedule.next_of("swimming lesson", NOW)
    assert moved is not None and moved.start == _at(2026, 11, 26, 17)
    assert schedule.next_of("orthodontist", NOW) is None


def test_load_reuses_the_cached_schedule_until_it_changes(store: HouseholdStore) -> None:
    first = Schedule.load(store)
    assert Schedule.load(store, first) is first
    store.set_preference("nina", "temperature", 20.0)
    assert Schedule.load(store, first) is first
    add_entry(store, "Haircut", "nina", date(2026, 11, 26), time(16))
    assert Schedule.load(store, first) is not first
