"""`homebody household …`: the household database from the command line.

Each command parses its arguments and makes one library call; each sets `handler(args, settings)`.
StoreError and ConfigError are left for the main CLI to print as one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from agent.config import Settings

if TYPE_CHECKING:  # the memory modules are imported where used: icalendar and dateutil cost every command time
    from agent.memory.schedule import Occurrence
    from agent.memory.store import HouseholdStore

Handler = Callable[[argparse.Namespace, Settings], None]


def register(subparsers: Any) -> None:
    """Add `household` and its commands to the main CLI's subparsers."""
    parser = subparsers.add_parser("household", help="people, schedule and history in the household database")
    commands = parser.add_subparsers(dest="household_command", metavar="COMMAND", required=True)
    _command(commands, "show", _show, "where the database is and what it holds")
    _command(commands, "people", _people, "the people and their preferences")
    schedule = _command(commands, "schedule", _schedule, "what is on a day")
    schedule.add_argument("--day", type=_day_word, default="today",
                          help="today, tomorrow, a weekday, weekend or YYYY-MM-DD (default: today)")
    schedule.add_argument("--person", help="only this person's entries (a person id)")
    add = _command(commands, "add-event", _add_event, "add a schedule entry")
    add.add_argument("title")
    add.add_argument("--day", type=_day_word, default="today",
                     help="its day, or the first day of a recurring entry (default: today)")
    add.add_argument("--start", type=_clock, help="local start HH:MM (default: all day)")
    add.add_argument("--end", type=_clock, help="local end HH:MM")
    add.add_argument("--person", help="whose entry it is (a person id)")
    add.add_argument("--area", help="where it happens (an area id)")
    add.add_argument("--rrule", type=_rrule, help="RFC 5545 recurrence, e.g. FREQ=WEEKLY;BYDAY=TU,TH")
    _command(commands, "import-ics", _import_ics, "add the events of an iCalendar file").add_argument("file")
    _command(commands, "export-ics", _export_ics, "write the schedule to an iCalendar file").add_argument("file")
    history = _command(commands, "history", _history, "the latest turns, newest first")
    history.add_argument("--limit", type=int, default=20, help="how many turns (default: 20)")
    _command(commands, "suggestions", _suggestions, "preference suggestions waiting for a yes")


def _command(commands: Any, name: str, handler: Handler, text: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=text, description=text)
    parser.set_defaults(handler=handler)
    return parser


def _day_word(text: str) -> str:
    from agent.memory.schedule import days_named

    try:
        days_named(text, datetime.now().date())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (HH:MM, 24-hour)") from None


def _rrule(text: str) -> str:
    from agent.memory.schedule import check_rrule

    try:
        return check_rrule(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _today(store: HouseholdStore) -> datetime:
    from agent.memory.schedule import zone

    return datetime.now(zone(store.home().timezone))


def _show(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        home = store.home()
        print(f"{store.path} (schema version {store.schema_version()})")
        print(f"{home.name}, timezone {home.timezone}")
        for table, count in store.counts().items():
            print(f"  {table}: {count}")


def _people(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        for person in store.people():
            preferences = " ".join(f"{k}={v}" for k, v in person.preferences.items())
            print(f"{person.id}\t{person.name}\t{preferences}")


def _schedule(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.schedule import Schedule, days_named
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        days = days_named(args.day, _today(store).date())
        found = Schedule.load(store).on_days(days)
    for occurrence in found:
        if args.person in (None, occurrence.person):
            print(_line(occurrence))


def _line(occurrence: Occurrence) -> str:
    start = occurrence.start
    when = f"{start:%a %d %b}  " + ("all day    " if occurrence.all_day else f"{start:%H:%M}")
    if occurrence.end and not occurrence.all_day:
        when += f"–{occurrence.end:%H:%M}"
    extra = ", ".join(x for x in (occurrence.person, occurrence.area) if x)
    return f"{when:<24}{occurrence.title}" + (f"  ({extra})" if extra else "")


def _add_event(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.schedule import add_entry, days_named
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        day = days_named(args.day, _today(store).date())[0]
        entry = add_entry(store, args.title, args.person, day, args.start, args.end, args.area, args.rrule)
    print(f"added {entry.uid}: {entry.title}")


def _import_ics(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.ics import import_calendar
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        count = import_calendar(store, args.file)
    print(f"imported {count} entries from {args.file}")


def _export_ics(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.ics import export_calendar
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        count = export_calendar(store, args.file)
    print(f"wrote {count} entries to {args.file}")


def _history(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.schedule import zone
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        tz = zone(store.home().timezone)
        turns = store.history(args.limit)
    for turn in turns:
        at = datetime.fromtimestamp(turn.at, tz)
        devices = ", ".join(f"{r.device_id} {r.status}" for r in turn.results)
        print(f"{at:%Y-%m-%d %H:%M:%S}  {turn.area or '-'}  {turn.person or '-'}  {turn.path}  "
              f"{turn.text!r} -> {turn.reply!r}" + (f"  [{devices}]" if devices else ""))


def _suggestions(args: argparse.Namespace, settings: Settings) -> None:
    from agent.memory.store import open_store

    with open_store(settings.household) as store:
        for s in store.suggestions():
            print(f"{s.id}\t{s.person}\t{s.key}={s.value}\t{s.reason}")
