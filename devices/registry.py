"""The live household: areas, floors and devices, and their current normalized state."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from devices.errors import UnknownDevice
from devices.household import Area, Floor, Household
from devices.model import Device, Kind, State

StateListener = Callable[[str, State, State], None]
"""Called with (device_id, old_state, new_state) after every change, on the MQTT thread."""


class StateStore:
    """Current state and availability per device, shared between the MQTT thread and turns."""

    def __init__(self) -> None:
        self._states: dict[str, State] = {}
        self._online: dict[str, bool] = {}
        self._changed = threading.Condition()
        self._listeners: list[StateListener] = []

    def get(self, device_id: str) -> State:
        with self._changed:
            return dict(self._states.get(device_id, {}))

    def snapshot(self) -> dict[str, State]:
        with self._changed:
            return {k: dict(v) for k, v in self._states.items()}

    def update(self, device_id: str, partial: State) -> None:
        self._store(device_id, partial, merge=True)

    def replace(self, device_id: str, state: State) -> None:
        """Set the whole state, dropping attributes it lacks: for devices that report everything at once."""
        self._store(device_id, state, merge=False)

    def _store(self, device_id: str, state: State, merge: bool) -> None:
        with self._changed:
            old = self._states.get(device_id, {})
            new = {**old, **state} if merge else dict(state)
            self._states[device_id] = new
            self._changed.notify_all()
        if new != old:
            for listener in list(self._listeners):  # one removed meanwhile (another thread) skips no other
                listener(device_id, old, new)

    def set_online(self, device_id: str, online: bool) -> None:
        with self._changed:
            self._online[device_id] = online
            self._changed.notify_all()

    def is_online(self, device_id: str) -> bool:
        """Unknown availability counts as online: many devices never publish it."""
        with self._changed:
            return self._online.get(device_id, True)

    def add_listener(self, listener: StateListener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: StateListener) -> None:
        """Stop calling `listener`; one that is not listening is no error."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Block until `predicate()` (called under the store's lock) holds, or the timeout passes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def matches_exactly(self, device_id: str, expected: State) -> bool:
        """Like `matches`, and holding no attribute beyond `expected`; call under wait_for."""
        return self.matches(device_id, expected) and not set(self._states.get(device_id, {})) - set(expected)

    def matches(self, device_id: str, expected: State) -> bool:
        """Whether the device's state holds every attribute of `expected`; call under wait_for."""
        state = self._states.get(device_id, {})
        return all(_same(state.get(k), v) for k, v in expected.items())


def _same(actual: object, expected: object) -> bool:
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and abs(actual - expected) < 0.05
    return actual == expected


@dataclass
class Registry:
    """Areas, floors and devices by id, with their live state."""

    floors: dict[str, Floor] = field(default_factory=dict)
    areas: dict[str, Area] = field(default_factory=dict)
    devices: dict[str, Device] = field(default_factory=dict)
    states: StateStore = field(default_factory=StateStore)
    version: int = 0
    """Bumped whenever the device list changes, so indexes built from it know to rebuild."""
    declared: set[str] = field(default_factory=set)
    """Ids of the devices the household file lists (the rest came from discovery)."""

    @classmethod
    def from_household(cls, household: Household) -> Registry:
        registry = cls(
            floors={f.id: f for f in household.floors},
            areas={a.id: a for a in household.areas},
            devices={d.id: d for d in household.devices},
            declared={d.id for d in household.devices},
        )
        for device in household.devices:
            registry.states.update(device.id, dict(device.initial))
        return registry

    def with_states(self, states: dict[str, State]) -> Registry:
        """A copy that sees these states and changes nothing live: what a plan's later clauses read while its
        earlier ones are still to be done."""
        store = StateStore()
        for device_id, state in states.items():
            store.replace(device_id, state)
        return replace(self, states=store)

    def device(self, device_id: str) -> Device:
        try:
            return self.devices[device_id]
        except KeyError:
            raise UnknownDevice(f"no device with id {device_id!r}") from None

    def state(self, device_id: str) -> State:
        return self.states.get(device_id)

    def area_name(self, area_id: str | None) -> str | None:
        return self.areas[area_id].name if area_id in self.areas else None

    def floor_of(self, device: Device) -> str | None:
        area = self.areas.get(device.area or "")
        return area.floor if area else None

    def select(
        self,
        kinds: Iterable[Kind] | None = None,
        area: str | None = None,
        floor: str | None = None,
    ) -> list[Device]:
        """Devices of the given kinds in an area or on a floor (None: anywhere)."""
        wanted = set(kinds) if kinds is not None else None
        return [
            d
            for d in self.devices.values()
            if (wanted is None or d.kind in wanted)
            and (area is None or d.area == area)
            and (floor is None or self.floor_of(d) == floor)
        ]

    def add_discovered(self, device: Device) -> Device:
        """Merge a device found by discovery; the household file wins on name, aliases and area.

        A discovered device is one already known by its id, or a household device of the same kind
        on the same topic (the file names devices by topic). Discovered devices sharing a topic stay
        apart: one Zigbee2MQTT topic carries a wall switch's two rockers, one HA state topic a
        sensor's temperature and humidity.
        """
        known = self.devices.get(device.id) or self._declared_on(device.topic, device.kind)
        if known is not None:
            for feature in device.features:
                if feature not in known.features:
                    known.features.append(feature)
            return known
        self.devices[device.id] = device
        self.version += 1
        return device

    def _declared_on(self, topic: str, kind: Kind) -> Device | None:
        return next((self.devices[i] for i in self.declared
                     if self.devices[i].topic == topic and self.devices[i].kind is kind), None)

    def by_topic(self) -> dict[str, Device]:
        return {d.topic: d for d in self.devices.values()}
