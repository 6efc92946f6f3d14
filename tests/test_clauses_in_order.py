"""A command of several clauses is read in order: each clause sees the home as the ones before it leave it,
a clause that names something not understood, or asks two actions at once, does nothing, and a clause begun by a
correction ("no, …", "I mean …") takes the place of the one before it.

"Turn on the lamp and dim it" dims a lamp that is on by then; it is not "already off". And a feeling that
asks less light of a room whose lights are all off says so, instead of not being understood.

Each rule runs on the reference home and on the Home Assistant fixture home.
"""

from __future__ import annotations

import pytest

from helpers import NEEDS_SHARED, SHARED, acted_on, context, ha_home, hazel, make_assistant, maple, matcher_for

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=NEEDS_SHARED)

HOMES = {"maple": maple, "ha": ha_home, "hazel": hazel}


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



@pytest.mark.parametrize(("home", "text", "meant"), [
    ("maple", "turn on the floor lamp, no, the kitchen light", "kitchen_ceiling"),
    ("maple", "turn on the floor lamp I mean the desk lamp", "office_lamp"),
    ("ha", "turn on the garage light, sorry, the kitchen ceiling light", "light_kitchen_ceiling"),
    ("hazel", "switch the study lamp on, actually the kitchen pendant", "kitchen_pendant"),
    ("hazel", "turn on the study lamp, no wait, turn on the kitchen pendant", "kitchen_pendant"),
])
def test_a_clause_begun_by_a_correction_takes_the_place_of_the_one_before(home: str, text: str, meant: str):
    plan = matcher_for(HOMES[home]()).match(text, context())
    assert acted_on(plan) == {meant}, plan


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn on the floor lamp, no"), ("hazel", "turn on the study lamp, no, off"),
])
def test_a_correction_that_says_nothing_in_place_of_the_clause_does_nothing(home: str, text: str):
    assert not matcher_for(HOMES[home]()).match(text, context()).calls
