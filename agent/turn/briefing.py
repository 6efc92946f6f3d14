"""The speaker's day, for "good morning" and "anything I should know": what is on the household calendar for
them (and for everyone), the reminders and alarms still to come today, and anything unusual in the house."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from agent.memory.schedule import Schedule
from agent.memory.spoken import describe, spoken_time
from agent.memory.store import HouseholdStore
from agent.replies.grammar import capital, indefinite, join_words
from agent.replies.wording import holds, the_name
from agent.understanding.language import language
from devices.errors import StoreError
from devices.model import Kind
from devices.registry import Registry

log = logging.getLogger(__name__)
SAY = language().wording.briefing


def the_day(store: HouseholdStore | None, registry: Registry, person: str | None, now: datetime,
            names: Callable[[], Mapping[str, str]]) -> str:
    """ "Today: Emma has soccer practice at 5 pm. Reminder at 8 pm: put the bins out. The back door is unlocked."."""
    parts = [_schedule(store, person, now, names), _reminders(store, person, now), _unusual(registry)]
    return " ".join(p for p in parts if p)


def _schedule(store: HouseholdStore | None, person: str | None, now: datetime,
              names: Callable[[], Mapping[str, str]]) -> str:
    if store is None:
        return ""
    try:
        schedule = Schedule.load(store)
    except StoreError as error:
        log.warning("briefing: cannot read the schedule: %s", error)
        return ""
    end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    today = [o for o in schedule.between(now, end) if person is None or o.person in (person, None)]
    return describe(today, now, dict(names()), empty=SAY.nothing_on) if today else SAY.nothing_on


def _reminders(store: HouseholdStore | None, person: str | None, now: datetime) -> str:
    if store is None:
        return ""
    end = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo).timestamp()
    try:
        items = [p for p in store.pending(("reminder", "alarm")) if p.due is not None and p.due < end
                 and (person is None or p.person in (person, None))]
    except StoreError:
        return ""
    items.sort(key=lambda p: p.due or 0)
    said = [SAY.item.format(time=spoken_time(datetime.fromtimestamp(p.due or 0, now.tzinfo).time()),
                            what=indefinite(p.said)) for p in items]
    return SAY.reminders.format(items=join_words(said)) if said else ""


def _unusual(registry: Registry) -> str:
    """Doors left unlocked or open, and windows open: what a household wants to hear before it goes out."""
    found = []
    for device in registry.devices.values():
        state = registry.state(device.id)
        if device.kind is Kind.LOCK and holds(device, state, "unlocked"):
            found.append(SAY.unlocked.format(name=the_name(device)))
        elif device.kind in (Kind.COVER, Kind.BINARY_SENSOR) and device.device_class in SAY.watched_classes \
                and holds(device, state, "open"):
            found.append(SAY.open.format(name=the_name(device)))
    return capital(join_words(found)) + "." if found else ""
