"""iCalendar (RFC 5545) import and export of the household schedule, through `icalendar`.

Export writes one VEVENT per entry: DTSTART with the home's TZID (a recurring entry that names no
first day starts at its first occurrence from 2000-01-03), RRULE, EXDATE, and the person and area
as X-HOMEBODY-PERSON / X-HOMEBODY-AREA. Import reads any calendar: times are converted to the
home's timezone, an UNTIL to local time, and a moved occurrence (RECURRENCE-ID) becomes an
exception of its series plus a one-off entry.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from icalendar import Calendar, Component, Event, vRecur

from agent.memory.schedule import first_start, zone
from agent.memory.store import CalendarEntry, HouseholdStore
from devices.errors import ConfigError

log = logging.getLogger(__name__)

PRODID = "-//homebody//household schedule//EN"
PERSON = "X-HOMEBODY-PERSON"
AREA = "X-HOMEBODY-AREA"


def export_calendar(store: HouseholdStore, path: str | Path) -> int:
    """Write every schedule entry to an .ics file; returns how many."""
    entries = store.entries()
    try:
        Path(path).write_bytes(to_ics(entries, store.home().timezone))
    except OSError as error:
        raise ConfigError(f"{path}: cannot write calendar ({error.strerror})") from None
    return len(entries)


def import_calendar(store: HouseholdStore, path: str | Path) -> int:
    """Add or update (by UID) the events of an .ics file, in one transaction; returns how many entries."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read calendar ({error.strerror})") from None
    entries = from_ics(data, store.home().timezone, str(path))
    store.save_entries(entries)
    log.info("imported %d entries from %s", len(entries), path)
    return len(entries)


def to_ics(entries: Iterable[CalendarEntry], tz: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    for entry in entries:
        calendar.add_component(_event(entry, zone(tz)))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def from_ics(data: bytes, tz: str, source: str = "<calendar>") -> list[CalendarEntry]:
    """The entries of a calendar's events, in the home's timezone; ConfigError if it is not iCalendar."""
    try:
        events = Calendar.from_ical(data).walk("VEVENT")
    except ValueError as error:
        raise ConfigError(f"{source}: not an iCalendar file ({str(error)[:160]})") from None  # it quotes the line
    home = zone(tz)
    entries = {e.uid: e for e in (_entry(event, home) for event in events if not _is_override(event)) if e}
    for event in filter(_is_override, events):
        _apply_override(entries, event, home)
    return list(entries.values())


def _event(entry: CalendarEntry, home: tzinfo) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", entry.title)
    start = first_start(entry)
    event.add("dtstart", start.date() if entry.start is None else start.replace(tzinfo=home))
    if entry.end and entry.start:
        end = datetime.combine(start.date(), time.fromisoformat(entry.end))
        event.add("dtend", (end if end > start else end + timedelta(days=1)).replace(tzinfo=home))
    if entry.rrule:
        event.add("rrule", vRecur.from_ical(entry.rrule))
    if entry.exdates:
        skipped = [datetime.fromisoformat(x) for x in entry.exdates]
        event.add("exdate", [d.date() if entry.start is None else d.replace(tzinfo=home) for d in skipped])
    for name, value in ((PERSON, entry.person), (AREA, entry.area)):
        if value:
            event.add(name, value)
    return event


def _is_override(event: Component) -> bool:
    return "RECURRENCE-ID" in event


def _entry(event: Component, home: tzinfo) -> CalendarEntry | None:
    if "DTSTART" not in event or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = _local(event.decoded("DTSTART"), home)
    all_day = not isinstance(event.decoded("DTSTART"), datetime)
    end = _end(event, start, home)
    rule = event.get("RRULE")
    return CalendarEntry(
        uid=str(event.get("UID") or _uid(event)),
        title=str(event.get("SUMMARY", "Untitled")),
        start=None if all_day else start.strftime("%H:%M"),
        end=end.strftime("%H:%M") if end and not all_day else None,
        date=start.date().isoformat(),
        rrule=_local_rule(rule, home) if rule else None,
        exdates=[d.isoformat(timespec="minutes") for d in _exdates(event, home)],
        person=_text(event.get(PERSON)),
        area=_text(event.get(AREA)),
    )


def _apply_override(entries: dict[str, CalendarEntry], event: Component, home: tzinfo) -> None:
    """A moved or cancelled occurrence: an exception of its series, plus a one-off when it still happens."""
    moved_from = _local(event.decoded("RECURRENCE-ID"), home)
    series = entries.get(str(event.get("UID")))
    if series is not None:
        series.exdates.append(moved_from.isoformat(timespec="minutes"))
    replacement = _entry(event, home)
    if replacement is not None:
        replacement.uid = f"{replacement.uid}/{moved_from:%Y%m%dT%H%M}"
        entries[replacement.uid] = replacement


def _local(moment: date | datetime, home: tzinfo) -> datetime:
    """Home wall-clock time; a floating time is taken as home time, a day as its midnight."""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, time())
    return moment.astimezone(home).replace(tzinfo=None) if moment.tzinfo else moment


def _end(event: Component, start: datetime, home: tzinfo) -> datetime | None:
    if "DTEND" in event:
        return _local(event.decoded("DTEND"), home)
    if "DURATION" in event:
        duration: timedelta = event.decoded("DURATION")
        return start + duration
    return None


def _local_rule(rule: vRecur, home: tzinfo) -> str:
    """The rule as text, its UNTIL in home time (homebody expands rules on local wall-clock times)."""
    local = vRecur(rule)
    if "UNTIL" in local:
        local["UNTIL"] = [_local(u, home) if isinstance(u, datetime) else u for u in local["UNTIL"]]
    text: bytes = local.to_ical()
    return text.decode()


def _exdates(event: Component, home: tzinfo) -> list[datetime]:
    found = event.get("EXDATE", [])
    lists = found if isinstance(found, list) else [found]
    return [_local(d.dt, home) for dates in lists for d in dates.dts]


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _uid(event: Component) -> str:
    """For an event without a UID: one from its summary and start, stable across imports."""
    content = f"{event.get('SUMMARY')}|{event.decoded('DTSTART')}"
    return hashlib.sha1(content.encode()).hexdigest()[:16] + "@import"
