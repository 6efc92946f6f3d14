"""A command of several clauses is read in order: each clause sees the home as the ones before it leave it.

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
