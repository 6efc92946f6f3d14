"""Grounding: a plan is used only when the request refers to each call's devices or routine.

A guard for small models, which answer "blah blah" with the first example's device: a word of
the device's name or aliases, its room or floor, its kind when no other room or device is named,
"it"/"them" for the previous turn's devices, or "in here" for the speaker's room.
"""

from __future__ import annotations

import itertools

from agent.turn.context import TurnContext
from agent.turn.plan import Plan, RunRoutine, devices_of
from agent.understanding.language import language
from devices.household import Routine
from devices.model import Device, Kind
from devices.registry import Registry

_WORDS = language().grounding
PRONOUNS = _WORDS.references
HERE_WORDS = _WORDS.here
STOP_WORDS = _WORDS.ignored


def words(text: str, joined: bool = False) -> set[str]:
    """Content words, lower case, without a possessive or plural s: "Emma's lights" -> {"emma", "light"}.

    `joined` adds each two neighbouring words written as one: "thermo stat", "bed side" as heard.
    """
    letters = "".join(c if c.isalnum() or c == "'" else " " for c in text.lower())
    raw = [w.removesuffix("'s").strip("'") for w in letters.split()]
    pairs = [a + b for a, b in itertools.pairwise(raw) if a not in STOP_WORDS and b not in STOP_WORDS]
    return {_singular(w) for w in raw + (pairs if joined else [])} - STOP_WORDS


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


KIND_WORDS = {Kind(kind): words(" ".join(said)) for kind, said in _WORDS.kinds.items()}
"""Each kind's words as `words` reads them ("light", "lamp", "bright", …)."""
_GENERIC = frozenset(word for said in KIND_WORDS.values() for word in said)


def grounded(plan: Plan, text: str, registry: Registry, routines: list[Routine], context: TurnContext) -> bool:
    """Whether every call targets something the request refers to: a word of a device's name, alias,
    area or kind, "it"/"them" for the previous turn's devices, or the speaker's room ("in here")."""
    said = words(text, joined=True) | (set(text.lower().replace("'", " ").split()) & (PRONOUNS | HERE_WORDS))
    for call in plan.calls:
        if isinstance(call, RunRoutine):
            routine = next((r for r in routines if r.id == call.routine), None)
            if routine is None or not any(words(name) <= said for name in [routine.name, *routine.aliases]):
                return False
        elif devices_of(call) and not any(
                _refers_to(registry.devices[d], said, registry, context) for d in devices_of(call)):
            return False
    return True


def _refers_to(device: Device, said: set[str], registry: Registry, context: TurnContext) -> bool:
    if said & PRONOUNS and device.id in context.conversation.last_devices:
        return True
    if said & _own_words(device):
        return True  # "kitchen", "ceiling", "telly"
    if said & _place_words(registry, device.area):
        return True  # "everything in the bathroom", "lights upstairs"
    if not said & KIND_WORDS.get(device.kind, set()):  # "it" is the last turn's, never the room's
        return bool(said & HERE_WORDS) and device.area is not None and device.area == context.area
    # only a kind word ("lights on", "it's cold"): not when another place or device is named
    if any(said & _place_words(registry, area) for area in registry.areas if area != device.area):
        return False
    if any(said & _own_words(other) for other in registry.devices.values() if other is not device):
        return False
    here_has_kind = any(d.kind is device.kind and d.area == context.area for d in registry.devices.values())
    return device.area == context.area or not here_has_kind


def _own_words(device: Device) -> set[str]:
    """The words of a device's id, name and aliases that are not just its kind ("reading" of "reading lamp")."""
    return words(" ".join([device.id.replace("_", " "), device.name, *device.aliases])) - _GENERIC


def _place_words(registry: Registry, area_id: str | None) -> set[str]:
    area = registry.areas.get(area_id or "")
    if area is None:
        return set()
    floor = registry.floors.get(area.floor or "")
    return words(" ".join([area.id.replace("_", " "), area.name, *area.aliases]
                          + ([floor.name, *floor.aliases] if floor else []))) - _WORDS.not_places
