"""A command of several clauses is read in order: each clause sees the home as the ones before it leave it,
and a clause that names something not understood, or asks two actions at once, does nothing.

"Turn on the lamp and dim it" dims a lamp that is on by then; it is not "already off". And a feeling that
asks less light of a room whose lights are all off says so, instead of not being understood.

Each rule runs on the reference home and on the Home Assistant fixture home.
"""

from __future__ import annotations

import pytest

from helpers import NEEDS_SHARED, SHARED, context, ha_home, make_assistant, maple

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=NEEDS_SHARED)

HOMES = {"maple": maple, "ha": ha_home}


@pytest.mark.parametrize(("home", "light", "text"), [
    ("maple", "floor_lamp", "turn on the floor lamp and dim it"),
    ("maple", "floor_lamp", "switch the floor lamp on and turn it down a bit"),
    ("ha", "light_garage", "turn on the garage light and dim it"),
    ("ha", "light_garage", "make the garage light red and dim it"),
])
def test_a_later_clause_sees_what_an_earlier_one_did(home: str, light: str, text: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    registry.states.update(light, {"state": "off", "brightness": 60})
    reply = assistant.turn(text, context()).reply
    assert registry.state(light)["state"] == "on" and registry.state(light)["brightness"] < 60, reply
    assert "already" not in reply, reply


@pytest.mark.parametrize(("home", "area", "lights"), [
    ("maple", "living_room", ("living_ceiling", "floor_lamp")),
    ("ha", "kitchen", ("light_kitchen_countertop", "light_kitchen_ceiling", "light_kitchen_cabinets")),
])
def test_too_bright_with_every_light_off_says_they_are_off(home: str, area: str, lights: tuple[str, ...]):
    assistant, registry, _ = make_assistant(HOMES[home]())
    for light in lights:
        registry.states.update(light, {"state": "off"})
    reply = assistant.turn("it's too bright in here", context(area)).reply
    assert "already off" in reply, reply
    assert all(registry.state(light)["state"] == "off" for light in lights)


@pytest.mark.parametrize(("home", "text", "first"), [
    ("maple", "switch off the telly and turn the radio down", "tv"),
    ("ha", "turn off the garage light and turn the gizmo up", "light_garage"),
])
def test_a_later_clause_naming_something_not_understood_is_no_it(home: str, text: str, first: str):
    """"… and turn the radio down" names a radio the home does not have: never the device before it."""
    assistant, registry, _ = make_assistant(HOMES[home]())
    registry.states.update(first, {"state": "on"})
    before = dict(registry.state(first))
    reply = assistant.turn(text, context()).reply
    assert registry.state(first) == {**before, "state": "off"}, reply


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "throwing off all the lights up as"),
    ("ha", "turn off the lights up"),
])
def test_off_and_up_in_one_clause_do_neither(home: str, text: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    before = registry.states.snapshot()
    assistant.turn(text, context())
    assert registry.states.snapshot() == before
