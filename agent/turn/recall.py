"""Why a device is as it is: who or what changed it last, and when, from the household's history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from agent.memory.spoken import at_moment
from agent.memory.store import HouseholdStore
from agent.replies.grammar import capital
from agent.replies.wording import the_name
from agent.understanding.language import language
from devices.errors import StoreError
from devices.registry import Registry

SAY = language().wording.recall


def why_changed(devices: tuple[str, ...], registry: Registry, history: Callable[[str], str | None]) -> str:
    """ "Alex turned the heating on at 7:02 am: 'turn the heating up'." — for each device asked about."""
    parts = []
    for device_id in devices:
        device = registry.devices.get(device_id)
        if device is None:
            continue
        told = history(device_id)
        parts.append(told if told else SAY.unknown.format(name=the_name(device)))
    return " ".join(parts) or SAY.nothing


def history_of(store: HouseholdStore | None, registry: Registry, zone: ZoneInfo,
               names: Callable[[], dict[str, str]], now: Callable[[], datetime]) -> Callable[[str], str | None]:
    """What the household store remembers of a device's last change, in words."""
    def told(device_id: str) -> str | None:
        if store is None or device_id not in registry.devices:
            return None
        try:
            changes = store.state_changes(limit=1, device_id=device_id)
            turns = store.history(limit=20, device_id=device_id)
        except StoreError:
            return None
        if not changes:
            return None
        change, device = changes[0], registry.devices[device_id]
        at = datetime.fromtimestamp(change.at, zone)
        when = at_moment(at, now().date())
        asked = next((t for t in turns if abs(t.at - change.at) < 120), None)
        if asked is None:
            return SAY.by_itself.format(name=capital(the_name(device)), when=when)
        who = names().get(asked.person or "", "") or SAY.someone
        return SAY.asked.format(who=who, name=the_name(device), when=when, text=asked.text)

    return told
