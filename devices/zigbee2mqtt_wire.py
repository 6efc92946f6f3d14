"""What one Zigbee2MQTT device's `exposes` say about its wire: property names, words, ranges, fan modes.

A `Wire` maps normalized attributes to the properties that carry them (`state_left`,
`current_heating_setpoint`, `fan_state`, …) with their values (`value_on`/`value_off`,
`value_min`/`value_max`, enum values). An empty Wire means the classic conventions of the
virtual home and of household-file devices (see devices/zigbee2mqtt.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SPEED_WORDS = ("low", "medium", "high", "1", "2", "3", "4", "5", "6", "7", "8", "9")
"""`fan_mode` values that are speeds, slowest first (Zigbee2MQTT's homeassistant.ts reads them so)."""
PRESET_WORDS = ("on", "auto", "smart")
"""`fan_mode` values that run a fan without naming a speed; the first a fan takes switches it on."""


@dataclass(frozen=True)
class Property:
    """One exposed property that carries a normalized attribute."""

    key: str
    on: Any = None
    """A binary property's `value_on` (a lock's is its locked word); None: the kind's usual word."""
    off: Any = None
    values: tuple[str, ...] = ()
    """An enum property's values."""
    low: float | None = None
    high: float | None = None
    fallback: str | None = None
    """Another property to read the attribute from when this one is missing (a lock's `lock_state`)."""


@dataclass(frozen=True)
class Wire:
    """How one device (or one endpoint or part of it) names and scales its properties."""

    properties: dict[str, Property] = field(default_factory=dict)
    """Normalized attribute → property; an attribute not named here uses the classic property."""
    part: str = ""
    """Which part of its device this is (an endpoint, a second kind: `left`, `light`); "" for the device itself."""

    def get(self, attribute: str) -> Property | None:
        return self.properties.get(attribute)

    @property
    def fan_mode(self) -> Property | None:
        """The enum that sets a fan's speed (`fan_mode`), when that is how its speed is set."""
        prop = self.properties.get("percentage")
        return prop if prop is not None and prop.values else None


CLASSIC = Wire()


def speeds(mode: Property) -> tuple[str, ...]:
    return tuple(w for w in SPEED_WORDS if w in mode.values)


def presets(mode: Property) -> tuple[str, ...]:
    return tuple(w for w in PRESET_WORDS if w in mode.values)


def speed_word(mode: Property, percentage: float) -> str:
    """The speed a percentage falls on, as Home Assistant maps 1–100 % onto a fan's n speeds."""
    steps = speeds(mode)
    if not steps:
        return presets(mode)[0] if presets(mode) else "on"
    return steps[min(len(steps), max(1, math.ceil(len(steps) * percentage / 100))) - 1]


def speed_percentage(mode: Property, word: str) -> int | None:
    """The percentage of a speed word; 0 for off; None for a preset (running, at a speed it chooses)."""
    if word == "off":
        return 0
    steps = speeds(mode)
    return (steps.index(word) + 1) * 100 // len(steps) if word in steps else None


def running_word(mode: Property, last_percentage: float | None) -> str:
    """What switches a fan on through its mode alone: its last running speed, else a preset, else the slowest."""
    if last_percentage:
        return speed_word(mode, last_percentage)
    found = presets(mode) or speeds(mode)
    return found[0] if found else "on"
