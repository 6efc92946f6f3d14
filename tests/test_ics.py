from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent.memory.ics import export_calendar, from_ics, import_calendar, to_ics
from agent.memory.schedule import occurrences
from agent.memory.store import CalendarEntry, HouseholdStore, new_entry
from devices.errors import ConfigError
from devices.household import load_household
from helpers import HOMES

HOME = HOMES / "hazel_court.toml"
LONDON = ZoneInfo("Europe/London")
WINDOW = (datetime(2026, 9, 1, tzinfo=LONDON), datetime(2027, 5, 1, tzinfo=LONDON))

# A family calendar as other programs write it: New York times, a UTC UNTIL, an exception,
# a moved and a cancelled occurrence, an all-day event and a DURATION.
FAMILY = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Example//Family//EN
BEGIN:VEVENT
UID:piano@example.com
DTSTAMP:20260101T000000Z
SUMMARY:Piano lesson
DTSTART;TZID=America/New_York:20261102T110000
DTEND;TZID=America/New_York:20261102T114500
RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221T160000Z
EXDATE;TZID=America/New_York:20261109T110000
END:VEVENT
BEGIN:VEVENT
UID:piano@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=America/New_York:20261116T110000
SUMMARY:Piano lesson (moved)
DTSTART;TZID=America/New_York:20261117T120000
DURATION:PT45M
END:VEVENT
BEGIN:VEVENT
UID:piano@example.com
DTSTAMP:20260101T000000Z
RECURRENCE-ID;TZID=America/New_York:20261123T110000
STATUS:CANCELLED
DTSTART;TZID=America/New_York:20261123T110000
END:VEVENT
BEGIN:VEVENT
UID:bday@example.com
DTSTAMP:20260101T000000Z
SUMMARY:Emma's birthday
DTSTART;VALUE=DATE:20261203
RRULE:FREQ=YEARLY
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HouseholdStore]:
    with HouseholdStore(tmp_path / "home.db") as opened:
        opened.seed(load_household(HOME))
        yield opened


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[HouseholdStore]:
    with HouseholdStore(tmp_path / "other.db") as opened:
        opened.seed(load_household(HOME))
        for entry in opened.entries():
            opened.delete_entry(entry.uid)
        yield opened


def _starts(entries: list[CalendarEntry]) -> list[tuple[str, datetime, datetime | None, str | None]]:
    return [(o.title, o.start, o.end, o.person) for o in occurrences(entries, *WINDOW, LONDON)]


def test_a_recurring_entry_with_an_exception_round_trips(
    store: HouseholdStore, fresh: HouseholdStore, tmp_path: Path
) -> None:
    swimming = new_entry("Swimming", "09:00", "10:00", "2026-10-04", "FREQ=WEEKLY;BYDAY=SU", "lily", "garden")
    swimming.exdates = ["2026-10-25T09:00", "2027-03-28T09:00"]  # both daylight-saving Sundays
    store.save_entries([swimming])
    file = tmp_path / "family.ics"
    assert export_calendar(store, file) == 7
    assert import_calendar(fresh, file) == 7
    back = fresh.entry(swimming.uid)
    assert back == swimming
    assert _starts(fresh.entries()) == _starts(store.entries())


def test_export_writes_tzid_rrule_and_exdate(store: HouseholdStore) -> None:
    text = to_ics(store.entries(), "Europe/London").decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text
    assert "DTSTART;TZID=Europe/London:20000104T170000" in text  # the swimming lesson's first Tuesday from 2000-01-03
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,TH" in text
    assert "X-HOMEBODY-PERSON:lily" in text


def test_import_converts_another_calendar_to_home_time() -> None:
    entries = {e.uid: e for e in from_ics(FAMILY, "Europe/London")}
    piano = entries["piano@example.com"]
    assert (piano.start, piano.end, piano.date) == ("16:00", "16:45", "2026-11-02")
    assert piano.rrule == "FREQ=WEEKLY;UNTIL=20261221T160000;BYDAY=MO"
    assert piano.exdates == ["2026-11-09T16:00", "2026-11-16T16:00", "2026-11-23T16:00"]
    moved = entries["piano@example.com/20261116T1600"]
    assert (moved.title, moved.date, moved.start, moved.end, moved.rrule) == (
        "Piano lesson (moved)", "2026-11-17", "17:00", "17:45", None)
    birthday = entries["bday@example.com"]
    assert (birthday.start, birthday.date, birthday.rrule) == (None, "2026-12-03", "FREQ=YEARLY")


def test_imported_calendar_expands_as_written() -> None:
    found = occurrences(from_ics(FAMILY, "Europe/London"), *WINDOW, LONDON)
    assert [(o.title, o.start.strftime("%m-%d %H:%M")) for o in found] == [
        ("Piano lesson", "11-02 16:00"),
        ("Piano lesson (moved)", "11-17 17:00"),
        ("Piano lesson", "11-30 16:00"),
        ("Emma's birthday", "12-03 00:00"),
        ("Piano lesson", "12-07 16:00"),
        ("Piano lesson", "12-14 16:00"),
        ("Piano lesson", "12-21 16:00"),
    ]


def test_importing_twice_does_not_duplicate(fresh: HouseholdStore, tmp_path: Path) -> None:
    file = tmp_path / "family.ics"
    file.write_bytes(FAMILY)
    import_calendar(fresh, file)
    import_calendar(fresh, file)
    assert len(fresh.entries()) == 3


@pytest.mark.parametrize("content", [b"not a calendar", b"BEGIN:VCALENDAR\nBEGIN:VEVENT\n"])
def test_a_file_that_is_not_icalendar_is_a_config_error(store: HouseholdStore, tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "broken.ics"
    file.write_bytes(content)
    with pytest.raises(ConfigError, match=r"broken\.ics"):
        import_calendar(store, file)


def test_a_missing_file_is_a_config_error(store: HouseholdStore, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read calendar"):
        import_calendar(store, tmp_path / "missing.ics")
