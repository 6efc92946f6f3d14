"""Household memory latency: schedule questions on a 2,000-entry household, and recording a turn.

`schedule_query_ms` times a warm schedule (the store's revision checked, the months asked about
already expanded), a mix of today / tomorrow / a weekday / the weekend / "when is X" / a person's
week / what's next, each with its spoken sentence. `schedule_cold_ms` times the first question
after the schedule changed: reading every entry and expanding one month.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from agent.evaluation.cases import percentiles
from agent.memory.schedule import Occurrence, Schedule, days_named
from agent.memory.spoken import describe, describe_when
from agent.memory.store import Actuation, CalendarEntry, HouseholdStore, TurnRecord, new_entry
from devices.household import HomeInfo, Household
from devices.outcome import Status

TIMEZONE = "Europe/London"
START = datetime(2026, 11, 2, 7, 0, tzinfo=ZoneInfo(TIMEZONE))
PEOPLE = ["alex", "sam", "emma", "noah", "grandma", "lily"]
ACTIVITIES = [
    "Soccer practice", "Piano lesson", "Gym", "Dentist appointment", "Swimming lesson", "Book club", "Yoga",
    "Working from home", "Parents evening", "Haircut", "Bin collection", "Recycling", "Choir", "Tutoring",
    "Vet appointment", "Date night", "Football match", "Cleaner", "Dog walker", "Grocery delivery",
]
RULES = [
    "FREQ=WEEKLY;BYDAY={day}", "FREQ=WEEKLY;BYDAY={day},{other}", "FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
    "FREQ=MONTHLY;BYDAY=1{day}", "FREQ=MONTHLY;BYMONTHDAY={dom}", "FREQ=DAILY;INTERVAL=3", "FREQ=YEARLY",
]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def run(entries: int = 2000, queries: int = 700, turns: int = 500) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder, HouseholdStore(Path(folder) / "bench.db") as store:
        store.seed(Household(HomeInfo(timezone=TIMEZONE), [], [], []))
        store.save_entries(generated_entries(entries))
        return {
            "schedule_cold_ms": _time_cold(store),
            "schedule_query_ms": _time_queries(store, queries),
            "history_insert_ms": _time_history(store, turns),
        }


def generated_entries(count: int, seed: int = 7) -> list[CalendarEntry]:
    """A large household: two thirds recurring (some for years), one third one-offs around START."""
    chance = random.Random(seed)
    return [_entry(chance, n) for n in range(count)]


def _entry(chance: random.Random, number: int) -> CalendarEntry:
    title = f"{chance.choice(ACTIVITIES)} {number}" if number % 4 else chance.choice(ACTIVITIES)
    person = chance.choice([*PEOPLE, None])
    start = f"{chance.randrange(6, 21):02d}:{chance.choice(['00', '15', '30', '45'])}"
    if number % 3 == 0:
        day = START.date() + timedelta(days=chance.randrange(-200, 200))
        return new_entry(title, start, None, day.isoformat(), None, person)
    first = date(chance.randrange(2015, 2027), chance.randrange(1, 13), chance.randrange(1, 29))
    weekday, other = chance.sample(DAYS, 2)
    rule = chance.choice(RULES).format(day=weekday, other=other, dom=chance.randrange(1, 29))
    return new_entry(title, start, None, first.isoformat() if number % 2 else None, rule, person)


def _time_cold(store: HouseholdStore) -> dict[str, float]:
    samples = []
    for months in range(3):
        now = START + timedelta(days=31 * months)
        started = time.perf_counter()
        Schedule.load(store).on_day(now.date())
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def _time_queries(store: HouseholdStore, count: int) -> dict[str, float]:
    schedule = Schedule.load(store)
    moments = [START + timedelta(hours=2 * n) for n in range(count)]
    for moment in moments:  # warm: expand the months the questions fall in
        schedule.between(moment, moment + timedelta(days=8))
    questions = _questions()
    samples = []
    for n, moment in enumerate(moments):
        started = time.perf_counter()
        schedule = Schedule.load(store, schedule)
        questions[n % len(questions)](schedule, moment)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def _questions() -> list[Callable[[Schedule, datetime], str]]:
    def on(word: str) -> Callable[[Schedule, datetime], str]:
        return lambda s, now: describe(s.on_days(days_named(word, now.date())), now)

    def when(title: str) -> Callable[[Schedule, datetime], str]:
        return lambda s, now: _said(s.next_of(title, now), now)

    return [
        on("today"), on("tomorrow"), on("friday"), lambda s, now: describe(s.weekend(now), now),
        when("the dentist appointment"), when("soccer practice"), when("book club 17"),
        lambda s, now: describe(s.for_person("emma", now, now + timedelta(days=7)), now),
        lambda s, now: describe(s.upcoming(now, 3), now),
    ]


def _said(found: Occurrence | None, now: datetime) -> str:
    return describe_when(found, now) if found else "I can't find that on the schedule."


def _time_history(store: HouseholdStore, count: int) -> dict[str, float]:
    plan = {"calls": [{"tool": "set_state", "args": {"device": "kitchen_ceiling", "state": "on"}}], "path": "matcher"}
    samples = []
    for n in range(count):
        record = TurnRecord(
            time.time(), f"turn on the kitchen light {n}", "Kitchen light on.", "matcher", "kitchen", "alex", plan,
            [Actuation("kitchen_ceiling", Status.CONFIRMED, {"state": "on", "brightness": 80})],
            {"understand": 1.2, "act": 35.0, "total": 37.0},
        )
        started = time.perf_counter()
        store.record_turn(record)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)
