"""A device's name said short, and words a room's devices do not answer to.

"Nursery heater" is also "the heater in the nursery", or "the heater" said in the nursery; when several
rooms have one and no room is said, homebody asks which. "Dining table light" is also "the table light";
"Living room light" is never "the room light" (a name is not cut inside a place's name). A word that names nothing in a room never
becomes a command for whatever the room has ("turn the gizmo in the study on" is not its lamp), however
few devices the room has.

Each rule runs on the reference home, the Home Assistant fixture home and Hazel Court.
"""

from __future__ import annotations

from functools import cache

import pytest

from agent.understanding.matcher import Matcher
from helpers import (NEEDS_SHARED, SHARED, acted_on, context, example, ha_home, hazel, make_assistant, maple,
                     matcher_for)

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=NEEDS_SHARED)

HOMES = {"maple": maple, "ha": ha_home, "hazel": hazel, "example": example}


@cache
def _matcher(home: str) -> Matcher:
    return matcher_for(HOMES[home]())


@pytest.mark.parametrize(("home", "text", "device"), [
    ("maple", "turn on the ceiling light in the bedroom", "bedroom_ceiling"),
    ("maple", "switch the ceiling light in the kitchen off", "kitchen_ceiling"),
    ("ha", "turn on the countertop in the kitchen", "light_kitchen_countertop"),
    ("ha", "close the blind left in the bedroom", "cover_bedroom_blind_left"),
    ("hazel", "turn on the pendant in the kitchen", "kitchen_pendant"),
])
def test_a_name_said_without_its_room_before_the_room_is_that_rooms_device(home: str, text: str, device: str):
    assert acted_on(_matcher(home).match(text, context())) == {device}


@pytest.mark.parametrize(("home", "text", "device"), [
    ("maple", "turn on the table light", "dining_pendant"),
    ("example", "lock the door lock", "front_lock"),
])
def test_a_name_said_without_its_first_words_is_that_device(home: str, text: str, device: str):
    assert acted_on(_matcher(home).match(text, context())) == {device}


def test_a_name_is_never_cut_inside_a_places_name():
    assert not acted_on(_matcher("maple").match("turn on the room light", context()))


@pytest.mark.parametrize(("home", "area", "text", "device"), [
    ("maple", "bedroom", "turn on the ceiling light", "bedroom_ceiling"),
    ("maple", "kitchen", "turn on the ceiling light", "kitchen_ceiling"),
    ("ha", "kitchen", "close the window left", "cover_kitchen_window_left"),
])
def test_a_name_said_without_its_room_is_the_speakers_rooms(home: str, area: str, text: str, device: str):
    assert acted_on(_matcher(home).match(text, context(area))) == {device}


@pytest.mark.parametrize(("home", "text", "question"), [
    ("maple", "turn on the ceiling light", "Which ceiling light?"),
    ("ha", "close the blind left", "Which blind left?"),
])
def test_a_name_several_rooms_have_is_asked_about_when_no_room_is_said(home: str, text: str, question: str):
    plan = _matcher(home).match(text, context())
    assert not plan.calls and plan.say == question


@pytest.mark.parametrize(("home", "text", "device"), [
    ("maple", "is the ceiling light in the bedroom on", "bedroom_ceiling"),
    ("ha", "is the blind left in the kitchen open", "cover_kitchen_blind_left"),
])
def test_a_question_about_a_name_said_without_its_room_asks_about_that_rooms(home: str, text: str, device: str):
    plan = _matcher(home).match(text, context())
    assert [call.args["devices"] for call in plan.calls if call.tool == "get_state"] == [[device]]


@pytest.mark.parametrize(("home", "text"), [
    ("hazel", "turn the heater in the study up to 21"),
    ("hazel", "turn the gizmo in the study on"),
    ("maple", "switch the gizmo in the hallway on"),
    ("ha", "turn the gizmo in the garage on"),
])
def test_a_word_that_names_nothing_in_a_room_switches_nothing_there(home: str, text: str):
    """However few devices the room has: the word not understood may be the one that mattered."""
    assistant, registry, _ = make_assistant(HOMES[home]())
    before = {d: dict(registry.state(d)) for d in registry.devices}
    reply = assistant.turn(text, context()).reply
    assert {d: registry.state(d) for d in registry.devices} == before
    assert "gizmo" in reply or "heater" in reply, reply


@pytest.mark.parametrize(("home", "text", "reply"), [
    ("maple", "turn on the heater in the hallway", "Sorry, there's no heater in the hallway."),
    ("maple", "turn on the garden lights in the kitchen", "Sorry, there are no garden lights in the kitchen."),
    ("ha", "turn on the ceiling fan in the garage", "Sorry, there's no ceiling fan in the garage."),
    ("hazel", "turn on the pendant in the garden", "Sorry, there's no pendant in the garden."),
])
def test_a_name_said_in_a_room_it_is_not_in_is_no_command_for_it(home: str, text: str, reply: str):
    """The room said may be the part that mattered: "the heater in the hallway" is not the office's heater."""
    plan = _matcher(home).match(text, context())
    assert not plan.calls and plan.say == reply
