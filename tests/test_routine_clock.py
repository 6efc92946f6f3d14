"""Routines run at their time on their days, and are not replayed late after downtime."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.turn.routine_clock import RoutineClock, due_routines
from devices.household import Routine, RoutineAction

LONDON = ZoneInfo("Europe/London")
MORNING = Routine("good_morning", "Good morning", [RoutineAction({"state": "on"}, device="kettle")],
                  at="06:45", days=["MO", "TU", "WE", "TH", "FR"])
NIGHT = Routine("good_night", "Good night", [RoutineAction({"state": "off"}, area="*", kind="light")], at="23:30")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(
    ("since", "now", "expected"),
    [
        ("2026-11-24T06:44:00", "2026-11-24T06:45:00", ["good_morning"]),  # a Tuesday, on time
        ("2026-11-24T06:45:00", "2026-11-24T06:46:00", []),  # already fired
        ("2026-11-28T06:44:00", "2026-11-28T06:46:00", []),  # Saturday: not on its days
        ("2026-11-24T23:29:30", "2026-11-24T23:30:10", ["good_night"]),  # every day
        ("2026-11-24T06:00:00", "2026-11-24T09:00:00", []),  # down for hours: not replayed late
        ("2026-11-24T23:29:00", "2026-11-25T00:00:30", []),  # crossed midnight after the grace
    ],
)
def test_due_routines(since: str, now: str, expected: list[str]) -> None:
    assert [r.id for r in due_routines([MORNING, NIGHT], at(since), at(now))] == expected


def test_the_clock_fires_a_routine_once_at_its_time_with_an_injected_clock() -> None:
    moments = iter([at("2026-11-24T06:44:00"), at("2026-11-24T06:44:30"), at("2026-11-24T06:45:05"),
                    at("2026-11-24T06:45:20")])
    ran: list[str] = []
    clock = RoutineClock([MORNING, NIGHT], lambda r: ran.append(r.id), "Europe/London", clock=lambda: next(moments))
    clock.tick()
    clock.tick()
    clock.tick()
    assert ran == ["good_morning"]


def test_a_failing_routine_does_not_stop_the_others() -> None:
    now = [at("2026-11-24T23:29:00")]
    ran: list[str] = []

    def run(routine: Routine) -> None:
        ran.append(routine.id)
        raise RuntimeError("device exploded")

    clock = RoutineClock([NIGHT], run, "Europe/London", clock=lambda: now[0])
    now[0] += timedelta(minutes=1, seconds=5)
    assert [r.id for r in clock.tick()] == ["good_night"]
    assert ran == ["good_night"]
