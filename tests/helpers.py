"""Shared test helpers: the households the tests run on and a fake device controller.

The fake controller stands in for MQTT only in tests of the logic above the device layer
(matcher, policy, executor, assistant); the real MQTT path is tested with a real broker.
"""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from agent.turn.assistant import Assistant
from agent.config import Settings
from agent.understanding.matcher import Matcher
from agent.understanding.recognizer import PlanSource
from agent.turn.plan import Plan
from agent.turn.context import DeviceOutcome, TurnContext
from devices.household import Household, load_household, parse_household
from devices.model import State, apply_change
from devices.registry import Registry

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
"""The project's shared folder, beside the repository in CI; a user's clone has none."""
EVAL = SHARED / "eval"
MAPLE_HOME = EVAL / "home.toml"
HA_HOME = EVAL / "ha" / "home.toml"
HOMES = Path(__file__).resolve().parent / "homes"
"""Small households the tests run on, beside the example home the repository ships."""
NEEDS_SHARED = "needs the project's shared evaluation data (../shared beside the repository, as in CI)"

MORNING = datetime(2026, 11, 24, 10, 0)
"""Outside every household's quiet hours, so replies are never shortened."""

#: A small household written inline, so the matcher tests do not depend only on shared data.
TINY_HOME: dict[str, Any] = {
    "home": {"name": "Tiny Flat", "timezone": "UTC"},
    "floors": [{"id": "main", "name": "Main floor"}],
    "areas": [
        {"id": "den", "name": "Den", "floor": "main", "aliases": ["snug"]},
        {"id": "porch", "name": "Porch", "floor": "main"},
        {"id": "loft", "name": "Loft", "floor": "main"},
    ],
    "devices": [
        {"id": "den_lamp", "name": "Reading lamp", "area": "den", "kind": "light",
         "features": ["brightness", "color"], "initial": {"state": "off", "brightness": 50, "color": "white"}},
        {"id": "den_ceiling", "name": "Den ceiling", "area": "den", "kind": "light",
         "features": ["brightness", "color_temp"], "initial": {"state": "on", "brightness": 60, "color_temp": 3000}},
        {"id": "den_heater", "name": "Den heater", "aliases": ["radiator"], "area": "den", "kind": "climate",
         "modes": ["off", "heat"], "min_temp": 10, "max_temp": 26,
         "initial": {"mode": "heat", "target_temperature": 19.0, "current_temperature": 18.0}},
        {"id": "record_player", "name": "Record player", "area": "den", "kind": "media_player",
         "initial": {"state": "off", "volume": 20, "muted": False}},
        {"id": "loft_blinds", "name": "Loft blinds", "aliases": ["blinds"], "area": "loft", "kind": "cover",
         "features": ["position"], "initial": {"state": "closed", "position": 0}},
        {"id": "den_blinds", "name": "Den blinds", "area": "den", "kind": "cover",
         "features": ["position"], "initial": {"state": "open", "position": 100}},
        {"id": "porch_light", "name": "Porch light", "area": "porch", "kind": "light", "initial": {"state": "off"}},
        {"id": "side_door", "name": "Side door", "area": "porch", "kind": "lock", "sensitive": True,
         "initial": {"state": "locked"}},
        {"id": "porch_gate", "name": "Porch gate", "area": "porch", "kind": "cover", "device_class": "gate",
         "initial": {"state": "closed", "position": 0}},
        {"id": "kettle", "name": "Kettle", "area": "den", "kind": "switch", "sensitive": True,
         "initial": {"state": "off"}},
        {"id": "loft_fan", "name": "Loft fan", "area": "loft", "kind": "fan", "features": ["percentage"],
         "initial": {"state": "off", "percentage": 40}},
        {"id": "porch_motion", "name": "Porch motion", "area": "porch", "kind": "binary_sensor",
         "device_class": "motion", "initial": {"state": "off"}},
    ],
    "routines": [
        {"id": "welcome", "name": "Welcome home", "actions": [
            {"device": "side_door", "set": {"state": "unlocked"}},
            {"device": "porch_light", "set": {"state": "on"}},
        ]},
    ],
}


class FakeController:
    """Applies every command at once and reports it confirmed; no broker, no virtual home."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.sent: list[tuple[str, State]] = []

    def set_many(self, commands: list[tuple[str, State]]) -> list[DeviceOutcome]:
        out = []
        for device_id, change in commands:
            device = self.registry.devices[device_id]
            new = apply_change(device, self.registry.state(device_id), change)
            self.registry.states.update(device_id, new)
            self.sent.append((device_id, change))
            out.append(DeviceOutcome(device_id, "confirmed", new))
        return out

    def media(self, device_id: str, command: str) -> DeviceOutcome:
        self.sent.append((device_id, {"media": command}))
        return DeviceOutcome(device_id, "confirmed", self.registry.state(device_id))


def shared(path: Path) -> Path:
    """A file of the shared folder. Without the folder the test is skipped, always for the same reason;
    with it, a missing file fails the test (CI must run everything)."""
    if not SHARED.is_dir():
        pytest.skip(NEEDS_SHARED)
    return path


def maple() -> Household:
    """The Maple House, the shared reference household."""
    return load_household(shared(MAPLE_HOME))


def ha_home() -> Household:
    """The household of Home Assistant's own intent tests, from the shared folder."""
    return load_household(shared(HA_HOME))


def tiny() -> Household:
    return parse_household(copy.deepcopy(TINY_HOME), "<tiny>")


def example() -> Household:
    """Birch Cottage, the example home the repository ships and `make run` starts."""
    return load_household()


def hazel() -> Household:
    """Hazel Court (tests/homes/hazel_court.toml): a week of schedule, three people."""
    return load_household(HOMES / "hazel_court.toml")


HOUSEHOLDS = {"maple": maple, "ha": ha_home, "tiny": tiny, "example": example, "hazel": hazel}
"""Households by the name a parametrized test gives; maple and ha need the shared folder."""


def household(name: str) -> Household:
    return HOUSEHOLDS[name]()


def matcher_for(household: Household) -> Matcher:
    return Matcher(Registry.from_household(household), household.routines)


def make_assistant(household: Household, settings: Settings | None = None,
                   understanders: list | None = None) -> tuple[Assistant, Registry, FakeController]:
    """An assistant on a fake controller; `understanders` claim utterances with plans of their own."""
    registry = Registry.from_household(household)
    controller = FakeController(registry)
    assistant = Assistant(registry, controller, household, settings or Settings(),
                          sources=[PlanSource(claim) for claim in understanders or []])
    return assistant, registry, controller


def context(area: str | None = None, person: str | None = None) -> TurnContext:
    return TurnContext(area=area, person=person, now=MORNING)


def acted_on(plan: Plan) -> set[str]:
    """Device ids a plan would change (set_state, adjust, media_control)."""
    return {d for call in plan.calls if call.tool in ("set_state", "adjust", "media_control")
            for d in call.args.get("devices", [])}


def calls_of(plan: Plan) -> list[tuple[str, dict[str, Any]]]:
    return [(call.tool, call.args) for call in plan.calls]


def changed(before: dict[str, State], after: dict[str, State]) -> dict[str, State]:
    """The devices whose state differs, with their new state."""
    return {k: v for k, v in after.items() if before.get(k) != v}
