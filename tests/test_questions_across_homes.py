"""Questions across households: a question about something the home does not have says so, presence
and movement are asked of the sensors that see people, and words that name no device are not taken
for a device's name.

Each rule runs on the reference home, the Home Assistant fixture home, the repository's example home
and the tiny test home.
"""

from __future__ import annotations

from functools import cache

import pytest

from agent.turn.plan import GetState, Plan
from agent.understanding.matcher import Matcher
from devices.household import Household, load_household
from devices.model import Kind
from helpers import REPO, context, ha_home, maple, matcher_for, tiny

HOMES = {"maple": maple, "ha": ha_home, "example": lambda: load_household(REPO / "devices" / "example_home.toml"),
         "tiny": tiny}


@cache
def _household(name: str) -> Household:
    return HOMES[name]()


@cache
def _matcher(name: str) -> Matcher:
    return matcher_for(_household(name))


def ask(home: str, text: str, area: str | None = None) -> Plan:
    return _matcher(home).match(text, context(area))


def asked_devices(plan: Plan) -> set[str]:
    return {d for call in plan.calls if isinstance(call, GetState) for d in call.devices}


# ---- something the home does not have ------------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "reply"), [
    ("example", "is the back door locked", "Sorry, I don't have a back door."),
    ("example", "is the back door open?", "Sorry, I don't have a back door."),
    ("tiny", "is the back door locked", "Sorry, I don't have a back door."),
    ("tiny", "is the front door locked", "Sorry, I don't have a front door."),
    ("maple", "is the side door locked", "Sorry, I don't have a side door."),
    ("maple", "are the sliding doors locked?", "Sorry, I don't have any sliding doors."),
    ("ha", "are the patio doors locked", "Sorry, I don't have any patio doors."),
    ("ha", "is the attic fan on", "Sorry, I don't have an attic fan."),
    ("example", "is the patio light on", "Sorry, I don't have a patio light."),
    ("tiny", "how bright is the living room light", "Sorry, I don't have a living room light."),
    ("maple", "is the secondary garage door closed?", "Sorry, I don't have a secondary garage door."),
    ("maple", "is anyone on the porch", "Sorry, I don't have a porch."),
    ("ha", "what is the humidity in the bathroom", "Sorry, I don't have a bathroom."),
    ("tiny", "which lights are on in the kitchen?", "Sorry, I don't have a kitchen."),
    ("example", "is the zorb on", "Sorry, I don't have a device called zorb."),
    ("maple", "what is the furnace temperature?", "Sorry, I don't have a device called furnace."),
])
def test_a_question_about_what_the_home_lacks_says_so(home, text, reply):
    plan = ask(home, text)
    assert plan.calls == [] and plan.say == reply


@pytest.mark.parametrize("home", list(HOMES))
@pytest.mark.parametrize(("kind_word", "state"), [("door", "locked"), ("light", "on"), ("fan", "on"),
                                                  ("blinds", "open"), ("thermostat", "on")])
def test_a_made_up_name_before_a_kind_word_is_never_answered_with_another_device(home, kind_word, state):
    plan = ask(home, f"is the quokka {kind_word} {state}")
    assert not plan.calls and plan.say is not None and "quokka" in plan.say


@pytest.mark.parametrize(("home", "text", "device"), [
    ("maple", "is the back door locked", "back_door"),
    ("ha", "is the back door locked", "lock_back_door"),
    ("ha", "is the side door locked", "lock_side_door"),
    ("example", "is the front door locked", "front_lock"),
    ("tiny", "is the side door locked", "side_door"),
    ("example", "is the outside light on", "porch_light"),
])
def test_a_door_or_light_the_home_has_is_answered(home, text, device):
    assert asked_devices(ask(home, text)) == {device}


# ---- someone there, moving about ----------------------------------------------------------------

def presence_sensors(home: str, area: str) -> set[str]:
    classes = {"motion", "occupancy", "presence"}
    return {d.id for d in _household(home).devices
            if d.kind is Kind.BINARY_SENSOR and d.device_class in classes and d.area == area}


PLACES = [("example", "porch", "on the porch"), ("tiny", "porch", "on the porch"), ("maple", "hallway", "in the hallway"),
          ("ha", "garage", "in the garage"), ("ha", "kitchen", "in the kitchen")]


@pytest.mark.parametrize(("home", "area", "where"), PLACES)
@pytest.mark.parametrize("question", [
    "is anyone moving around {where}", "is someone walking around {where}", "is anybody moving about {where}",
    "is anyone {where}", "did anyone walk {where}", "is somebody wandering around {where}",
])
def test_someone_moving_about_is_asked_of_the_sensors_that_see_people(home, area, where, question):
    plan = ask(home, question.format(where=where))
    assert asked_devices(plan) == presence_sensors(home, area)
    assert all(call.value == "detected" for call in plan.calls if isinstance(call, GetState))
    assert plan.confidence == 1.0


@pytest.mark.parametrize(("home", "area", "where"), [p for p in PLACES if p[:2] != ("ha", "kitchen")])
@pytest.mark.parametrize("question", ["is there any movement {where}", "any motion {where}", "is motion detected {where}"])
def test_movement_is_asked_of_the_motion_sensors(home, area, where, question):
    assert asked_devices(ask(home, question.format(where=where))) == presence_sensors(home, area)


@pytest.mark.parametrize("home", ["example", "tiny"])
def test_is_anyone_moving_on_the_porch_reads_the_porch_motion_sensor(home):
    from helpers import make_assistant

    assistant, _, _ = make_assistant(_household(home))
    assert assistant.turn("is anyone moving around on the porch", context()).reply == "No, the porch motion is clear."


# ---- words that name no device ----------------------------------------------------------------------

@pytest.mark.parametrize("home", list(HOMES))
@pytest.mark.parametrize("text", ["who lives here", "who's out tonight", "what did you do last", "is the house empty",
                                  "how long should I boil an egg", "what reminders do I have"])
def test_words_that_do_not_sound_like_a_device_are_not_called_one(home, text):
    plan = ask(home, text)
    assert not plan.calls and "device called" not in (plan.say or "")
