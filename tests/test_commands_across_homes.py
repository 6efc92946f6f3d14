"""Commands across households: a kind word after a list of places, a clause with nothing to do among
others that have, a fan's speed said by its name, warmth asked of a thermostat that is off, a thing the household
does not have, and a kind word that is only a word of a device's name.

Each rule runs on the reference home and on the Home Assistant fixture home.
"""

from __future__ import annotations

import tomllib
from functools import cache

import pytest

from agent.turn.plan import Plan, SetState
from agent.understanding.frames import read_frame
from agent.understanding.matcher import Matcher
from agent.understanding.normalize import normalize
from devices.household import EXAMPLE_HOME, parse_household
from devices.model import Kind
from devices.registry import Registry
from helpers import HOMES as HOMES_DIR, NEEDS_SHARED, SHARED, acted_on, calls_of, context, example, ha_home, hazel, make_assistant, maple, matcher_for

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=NEEDS_SHARED)

HOMES = {"maple": maple, "ha": ha_home, "hazel": hazel, "example": example}


@cache
def _matcher(home: str) -> Matcher:
    return matcher_for(HOMES[home]())


def said(home: str, text: str, area: str | None = None) -> Plan:
    return _matcher(home).match(text, context(area))


def _registry(home: str) -> Registry:
    return _matcher(home).registry


# ---- "the A and B lights": the kind word is said once for every place of the list ---------------------------------

@pytest.mark.parametrize(("home", "text", "areas"), [
    ("maple", "turn the bedroom and office lights off", {"bedroom", "office"}),
    ("maple", "switch the kitchen and the living room lights on", {"kitchen", "living_room"}),
    ("maple", "turn off the bedroom and office lights", {"bedroom", "office"}),
    ("ha", "turn the kitchen and living room lights off", {"kitchen", "living_room"}),
    ("ha", "switch on the living room and kitchen lights", {"kitchen", "living_room"}),
])
def test_a_kind_word_after_a_list_of_places_means_that_kind_in_each(home: str, text: str, areas: set[str]):
    registry = _registry(home)
    devices = [registry.devices[d] for d in acted_on(said(home, text))]
    assert devices and {d.kind for d in devices} == {Kind.LIGHT}
    assert {d.area for d in devices} == areas


@pytest.mark.parametrize(("home", "text", "other_kind"), [
    ("maple", "turn off the bedroom and turn on the office lights", Kind.FAN),
])
def test_a_clause_with_a_verb_of_its_own_begins_no_list(home: str, text: str, other_kind: Kind):
    """"Turn off the bedroom": everything in it, as said; the office's lights are another command."""
    registry = _registry(home)
    assert other_kind in {registry.devices[d].kind for d in acted_on(said(home, text))}


# ---- a clause understood with nothing to do does not stop the others -----------------------------------------------

@pytest.mark.parametrize(("home", "text", "acts_on", "reply_starts"), [
    ("maple", "set the back door to 50 percent and turn on the floor lamp", "floor_lamp", "Sorry, the back door"),
    ("maple", "turn on the floor lamp and set the back door to 50 percent", "floor_lamp", "Sorry, the back door"),
    ("ha", "set the back door to 50 percent and turn on the garage light", "light_garage", "Sorry, the Back Door"),
    ("ha", "turn on the garage light, set the back door to 50 percent and lock the front door", "lock_front_door",
     "Sorry, the Back Door"),
])
def test_a_clause_that_cannot_be_done_is_said_and_the_others_still_act(home: str, text: str, acts_on: str,
                                                                        reply_starts: str):
    plan = said(home, text)
    assert acts_on in acted_on(plan)
    assert plan.say and plan.say.startswith(reply_starts)


@pytest.mark.parametrize(("home", "light", "then", "acts_on"), [
    ("maple", "kitchen ceiling light", "lock the back door", "back_door"),
    ("ha", "garage light", "lock the front door", "lock_front_door"),
])
def test_dimming_a_light_that_is_off_is_said_and_the_next_clause_still_acts(home: str, light: str, then: str,
                                                                            acts_on: str):
    registry = _registry(home)
    device = next(d for d in registry.devices.values() if d.name.lower() == light)
    registry.states.update(device.id, {"state": "off"})
    plan = said(home, f"dim the {light} and {then}")
    assert acted_on(plan) == {acts_on}
    assert plan.say and "already off" in plan.say


def test_a_clause_not_understood_still_stops_the_turn():
    """A wrong action is worse than none: an unknown name is asked about, and nothing after it acts."""
    plan = said("maple", "turn on the blarg and lock the back door")
    assert not acted_on(plan) and plan.say and "blarg" in plan.say


# ---- a fan's speed by its name -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "fan", "speed"), [
    ("maple", "set the bedroom fan to high", "bedroom_fan", 100),
    ("maple", "turn the ceiling fan on low", "bedroom_fan", 33),
    ("maple", "put the extractor fan on medium speed", "extractor_fan", 67),
    ("ha", "set the ceiling fan to low", "fan_ceiling", 33),
    ("ha", "turn the range hood to high", "fan_range_hood", 100),
    ("ha", "set the range hood to medium speed", "fan_range_hood", 67),
    ("maple", "bedroom fan to low", "bedroom_fan", 33),
    ("ha", "range hood on high", "fan_range_hood", 100),
])
def test_a_named_speed_sets_a_fans_speed(home: str, text: str, fan: str, speed: int):
    assert said(home, text).calls == [SetState((fan,), {"percentage": speed})]


@pytest.mark.parametrize(("home", "text", "area"), [
    ("maple", "set the floor lamp to high", None),
    ("maple", "turn the volume to low", "living_room"),
    ("ha", "set the kitchen ceiling light to low", None),
    ("ha", "turn the volume to high", "living_room"),
])
def test_a_named_speed_changes_nothing_that_has_no_speed(home: str, text: str, area: str | None):
    assert not acted_on(said(home, text, area))


# ---- a share said as a fraction ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "device", "change"), [
    ("maple", "dim the floor lamp to a third", "floor_lamp", {"brightness": 33}),
    ("maple", "set the living room blinds to three quarters", "living_blinds", {"position": 75}),
    ("ha", "set the kitchen ceiling light to two thirds", "light_kitchen_ceiling", {"brightness": 67}),
    ("ha", "set the kitchen ceiling light to a quarter", "light_kitchen_ceiling", {"brightness": 25}),
])
def test_a_fraction_is_its_share_of_the_whole(home: str, text: str, device: str, change: dict):
    """Never its count: "three quarters" is 75 percent, not 3."""
    assert said(home, text).calls == [SetState((device,), change)]


# ---- a number after the way a change goes -----------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "device", "attribute", "delta"), [
    ("maple", None, "turn the heating up two degrees", "living_thermostat", "target_temperature", 2),
    ("maple", None, "turn the living room light down 20 percent", "living_ceiling", "brightness", -20),
    ("ha", "living_room", "turn the volume up 10", "media_player_tv", "volume", 10),
    ("hazel", None, "turn the study radiator down 3 degrees", "study_radiator", "target_temperature", -3),
])
def test_a_number_right_after_up_or_down_is_a_change_by_it(home: str, area: str | None, text: str, device: str,
                                                         attribute: str, delta: float):
    """Never a target: "up two degrees" is not 2 degrees."""
    assert calls_of(said(home, text, area)) == [("adjust", {"devices": [device], "attribute": attribute,
                                                            "delta": delta})]


# ---- a level for lights that only switch ------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "dim the hallway light to 30"),
    ("hazel", "set the study lamp to 40 percent"),
    ("example", "set the porch light to 20 percent"),
])
def test_a_level_for_a_light_that_cannot_dim_is_said_it_cannot(home: str, text: str):
    """Not switched on instead: the level was the point."""
    plan = said(home, text)
    assert not plan.calls and plan.say and "can't" in plan.say


# ---- a place said at the end of the next clause ----------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "fan", "lights_in"), [
    ("maple", "living_room", "switch the fan off and the lights on in the bedroom", "bedroom_fan", "bedroom"),
    ("maple", "kitchen", "turn off the fan and the lights in the bathroom", "extractor_fan", "bathroom"),
    ("ha", "bedroom", "turn off the fan and the lights in the living room", "fan_ceiling", "living_room"),
    ("ha", "bedroom", "switch the fan on and the lights off in the kitchen", "fan_range_hood", "kitchen"),
])
def test_a_kind_with_no_place_takes_the_place_the_next_clause_ends_with(home: str, area: str, text: str, fan: str,
                                                                       lights_in: str):
    registry = _registry(home)
    acted = acted_on(said(home, text, area))
    assert fan in acted
    assert {registry.devices[d].area for d in acted - {fan}} == {lights_in}


@pytest.mark.parametrize(("home", "area", "text"), [
    ("maple", "living_room", "turn off the fan and turn on the lights in the bedroom"),  # a verb of its own
    ("maple", "living_room", "turn off the fan and the bedroom lights"),  # the place names the lights only
])
def test_a_place_that_belongs_to_its_own_clause_is_not_taken(home: str, area: str, text: str):
    assert not acted_on(said(home, text, area))


# ---- what is said of it ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "names"), [
    ("maple", "turn on the floor lamp, open the bedroom blinds and turn on the office lamp",
     ["floor lamp", "bedroom blinds", "desk lamp"]),
    ("ha", "turn on the garage light and the living room lamp", ["garage", "living room lamp"]),
])
def test_commands_that_all_did_as_told_are_said_done_once(home: str, text: str, names: list[str]):
    assistant, registry, _ = make_assistant(HOMES[home]())
    for device in registry.devices.values():
        if device.kind in (Kind.LIGHT, Kind.COVER):
            registry.states.update(device.id, {"state": "off" if device.kind is Kind.LIGHT else "closed"})
    reply = assistant.turn(text, context()).reply
    assert reply.count("Done") == 1 and reply.startswith("Done, "), reply
    assert all(name in reply.lower() for name in names), reply


# ---- words for climate, names said kind first, and a word not understood before a kind -------------------------------

@pytest.mark.parametrize(("home", "area", "text", "device", "change"), [
    ("ha", "living_room", "turn up the heat a little", "climate_thermostat", ("adjust", "target_temperature")),
    ("ha", "living_room", "set the thermostat to heat", "climate_thermostat", ("set", "mode")),
    ("ha", "living_room", "put the heating on heat", "climate_thermostat", ("set", "mode")),
    ("maple", "living_room", "turn the heat down", "living_thermostat", ("adjust", "target_temperature")),
    ("maple", "living_room", "set the thermostat to heat mode", "living_thermostat", ("set", "mode")),
])
def test_the_heat_is_the_heating_and_to_heat_is_its_mode(home: str, area: str, text: str, device: str,
                                                         change: tuple[str, str]):
    (call,) = said(home, text, area).calls
    assert device in call.devices
    assert (change[0] == "adjust" and call.attribute == change[1]) or change[1] in getattr(call, "changes", {})


@pytest.mark.parametrize(("home", "area", "text", "device"), [
    ("ha", "living_room", "open the left curtain", "cover_curtain_left"),
    ("ha", "living_room", "close the right curtain", "cover_curtain_right"),
    ("ha", "guest_room", "open the left shade", "cover_shade_left"),
])
def test_a_name_written_kind_first_is_found_said_the_other_way(home: str, area: str, text: str, device: str):
    assert acted_on(said(home, text, area)) == {device}


@pytest.mark.parametrize(("home", "area", "text"), [
    ("ha", "living_room", "open the big curtain"),
    ("ha", "living_room", "turn on the round lamp"),
    ("maple", "living_room", "switch off the tall lights"),
])
def test_a_word_not_understood_before_a_kind_acts_on_nothing(home: str, area: str, text: str):
    plan = said(home, text, area)
    assert not acted_on(plan) and plan.say


@pytest.mark.parametrize(("home", "area", "text", "kind"), [
    ("maple", "living_room", "dim the light some heat", Kind.LIGHT),
    ("ha", "entrance", "lock the front door and the window", Kind.LOCK),
])
def test_of_the_kinds_named_only_those_the_verb_can_change_are_changed(home: str, area: str, text: str,
                                                                      kind: Kind):
    registry = _registry(home)
    acted = acted_on(said(home, text, area))
    assert acted and {registry.devices[d].kind for d in acted} == {kind}


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "close the living room lights"),  # "blinds" misheard
    ("maple", "open lights"),  # "open the …" half-said
    ("ha", "close the kitchen lights"),
    ("ha", "open the living room lamp"),
])
def test_a_light_is_not_opened_or_closed(home: str, text: str):
    plan = said(home, text)
    assert not plan.calls and plan.say


# ---- "at" a number: a setting or a time ------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "device", "value"), [
    ("maple", "living_room", "set the thermostat at 18", "living_thermostat", 18.0),
    ("ha", "living_room", "set the thermostat at 21", "climate_thermostat", 21.0),
    ("ha", "office", "set the office thermostat at twenty", "climate_office_thermostat", 20.0),
])
def test_set_at_a_number_no_clock_has_is_a_setting(home: str, area: str, text: str, device: str, value: float):
    assert said(home, text, area).calls == [SetState((device,), {"target_temperature": value})]


@pytest.mark.parametrize(("home", "area", "text"), [
    ("maple", "living_room", "set the heating at 7"),  # seven o'clock, or seven degrees: a guess either way
    ("ha", "living_room", "set the thermostat at 9"),
    ("ha", "living_room", "set the thermostat at 18 tomorrow"),
])
def test_set_at_an_hour_of_the_clock_asks_what_to(home: str, area: str, text: str):
    plan = said(home, text, area)
    assert not plan.calls and plan.say


# ---- a number said bare after "on" or "off" --------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn on the bedroom five"),  # "… fan" misheard: the bedroom's lights are not set to 5 percent
    ("maple", "switch off the kitchen two"),
    ("ha", "turn on the kitchen nine"),
    ("ha", "turn the living room on four"),
])
def test_a_number_said_bare_with_on_or_off_is_no_level(home: str, text: str):
    plan = said(home, text)
    assert not any(isinstance(call, SetState) and set(call.changes) - {"state"} for call in plan.calls)
    assert plan.confidence < 1.0


@pytest.mark.parametrize(("home", "text", "value"), [
    ("maple", "turn on the bedside lamp to 40", 40.0),
    ("maple", "turn on the bedside lamp 40 percent", 40.0),
    ("ha", "turn on the kitchen lights at 30 percent", 30.0),
])
def test_a_number_said_as_a_setting_with_on_is_a_level(home: str, text: str, value: float):
    plan = said(home, text)
    assert plan.calls and all(call.changes.get("brightness") == value for call in plan.calls)  # type: ignore[union-attr]


# ---- "the lamp" in a room with several lights ------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "devices"), [
    ("maple", "bedroom", "turn the lamp on", {"bedside_lamp"}),
    ("maple", "kitchen", "turn on the light", {"kitchen_ceiling", "kitchen_counter"}),  # "Counter lights" too
    ("ha", "living_room", "turn on the lamp", {"light_living_room_lamp"}),
    ("ha", "living_room", "turn on the lights", {"light_living_room_lamp", "light_play_corner"}),
])
def test_a_kind_word_in_a_room_means_the_devices_whose_name_has_it(home: str, area: str, text: str,
                                                                    devices: set[str]):
    assert acted_on(said(home, text, area)) == set(devices)


# ---- "except …": what is named after it is left out ------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "acted", "left"), [
    ("maple", "bedroom", "turn off the lights except the bedside lamp", {"bedroom_ceiling"}, {"bedside_lamp"}),
    ("maple", "bedroom", "turn everything off but the fan", {"bedroom_ceiling", "bedside_lamp"}, {"bedroom_fan"}),
    ("maple", "bedroom", "turn off the lights except the lamp", {"bedroom_ceiling"}, {"bedside_lamp"}),
    ("ha", "living_room", "lock all the doors except the back door",
     {"lock_front_door", "lock_side_door", "lock_sliding_doors"}, {"lock_back_door"}),
    ("ha", "kitchen", "turn off everything in the kitchen apart from the range hood",
     {"switch_kitchen", "light_kitchen_countertop", "light_kitchen_ceiling", "light_kitchen_cabinets"},
     {"fan_range_hood"}),
    ("ha", "living_room", "close the curtains except the left curtain", {"cover_curtain_right"},
     {"cover_curtain_left"}),
])
def test_what_is_named_after_except_is_left_out(home: str, area: str, text: str, acted: set[str], left: set[str]):
    assert acted_on(said(home, text, area)) == acted
    assert not acted & left


@pytest.mark.parametrize(("home", "area", "text", "left_room"), [
    ("maple", "bedroom", "turn off all the lights except for the bedroom", "bedroom"),
    ("maple", "bedroom", "turn off the lights apart from the kitchen", "kitchen"),
    ("ha", "bedroom", "turn off all the lights other than the kitchen", "kitchen"),
])
def test_a_room_left_out_means_the_rest_of_the_house(home: str, area: str, text: str, left_room: str):
    registry = _registry(home)
    rooms = {registry.devices[d].area for d in acted_on(said(home, text, area))}
    assert len(rooms) > 1 and left_room not in rooms


def test_a_device_left_out_elsewhere_widens_to_the_house():
    """"All the lights but the garden lights", said in the bedroom: the house's lights, the garden's kept on."""
    acted = acted_on(said("maple", "turn off all the lights but not the garden lights", "bedroom"))
    assert "garden_lights" not in acted and {"kitchen_ceiling", "bedroom_ceiling"} <= acted


@pytest.mark.parametrize(("home", "area", "text"), [
    ("ha", "living_room", "close the curtains except the left one"),
    ("maple", "bedroom", "turn off everything except the wobbly one"),
])
def test_an_exception_not_understood_acts_on_nothing(home: str, area: str, text: str):
    plan = said(home, text, area)
    assert not acted_on(plan) and plan.say


# ---- "… too", "do the same in …": the last command again, on the same kind elsewhere --------------------------------

@pytest.mark.parametrize(("home", "area", "first", "then", "room"), [
    ("maple", "bedroom", "turn off the lights", "and the office too", "office"),
    ("maple", "bedroom", "turn off the lights", "do the same in the kitchen", "kitchen"),
    ("ha", "bedroom", "turn on the lights", "the kitchen too", "kitchen"),
    ("ha", "bedroom", "turn on the lights", "do the same in the garage", "garage"),
])
def test_a_place_said_again_repeats_the_command_on_the_same_kind(home: str, area: str, first: str, then: str,
                                                                 room: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    conversation = context(area)
    assistant.turn(first, conversation)
    plan = assistant.turn(then, conversation).plan
    devices = [registry.devices[d] for d in acted_on(plan)]
    assert devices and {d.area for d in devices} == {room} and {d.kind for d in devices} == {Kind.LIGHT}


# ---- "whole", "every", "each": a word for all needs what it covers -------------------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn off the whole way"),  # "the hallway", misheard
    ("maple", "turn off me all way"),  # so too: "way" is not a word commands are made of
    ("ha", "switch off the entire thing"),
    ("ha", "turn on each one"),
])
def test_an_all_word_with_nothing_after_it_to_cover_acts_on_nothing(home: str, text: str):
    assert not acted_on(said(home, text))


@pytest.mark.parametrize(("home", "text", "kind"), [
    ("maple", "turn off each of the lamps", Kind.LIGHT),
    ("ha", "switch off every single light", Kind.LIGHT),
    ("ha", "turn off the entire house", None),
])
def test_an_all_word_covers_the_kind_or_the_house_after_it(home: str, text: str, kind: Kind | None):
    registry = _registry(home)
    devices = [registry.devices[d] for d in acted_on(said(home, text))]
    assert len({d.area for d in devices}) > 2
    assert kind is None or {d.kind for d in devices} == {kind}


# ---- a kind said beside a named device it is not: that part is not understood ---------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "set the heating turn on the floor lamp"),  # "set the heating to 21, then …" misheard
    ("maple", "the blinds turn on the desk lamp"),
    ("ha", "the curtains turn on the bedroom lamp"),
    ("ha", "set the thermostat turn on the garage light"),
])
def test_a_kind_beside_a_device_it_is_not_acts_on_nothing(home: str, text: str):
    plan = said(home, text)
    assert not acted_on(plan) and plan.say


@pytest.mark.parametrize(("home", "text", "device"), [
    ("maple", "turn on the desk lamp lights", "office_lamp"),
    ("ha", "turn on the bedroom lamp light", "light_bedroom_lamp"),
])
def test_a_kind_the_named_device_is_still_acts(home: str, text: str, device: str):
    assert acted_on(said(home, text)) == {device}


# ---- a list's name not understood is said, never dropped ---------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "acts_on", "unknown"), [
    ("maple", "turn on the desk lamp and the zorblat", "office_lamp", "zorblat"),  # "… and the space heater" misheard
    ("maple", "switch off the tv and the kids console", "tv", "kids console"),
    ("ha", "turn off the garage light and the flimflam", "light_garage", "flimflam"),
])
def test_a_name_not_understood_in_a_list_is_said_and_the_rest_still_act(home: str, text: str, acts_on: str,
                                                                      unknown: str):
    """As a clause that cannot be done among others that can: the person hears which part was not understood."""
    plan = said(home, text)
    assert acted_on(plan) == {acts_on}
    assert plan.say and unknown in plan.say


# ---- a phrasal verb and a second particle: two actions said, neither is done ----------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn off all the lights up"),  # "… all the lights upstairs" misheard: the lights were brightened
    ("maple", "turn on the floor lamp down"),
    ("ha", "turn up the garage light off"),
    ("ha", "switch off the kitchen lights up"),
])
def test_a_phrasal_verb_with_another_particle_acts_on_nothing(home: str, text: str):
    assert not acted_on(said(home, text))


@pytest.mark.parametrize(("home", "area", "text", "device", "changes"), [
    ("maple", "living_room", "put the heating on 20", "living_thermostat", {"target_temperature": 20}),
    ("ha", "office", "put the office thermostat on 19", "climate_office_thermostat", {"target_temperature": 19}),
    ("hazel", "study", "put the radiator on twenty", "study_radiator", {"target_temperature": 20}),
    ("example", "sitting_room", "put the stove on 22", "stove_heater", {"target_temperature": 22}),
    ("hazel", "kitchen", "put the kitchen light on 30 percent", "kitchen_pendant", {"brightness": 30}),
])
def test_a_number_right_after_on_is_a_setting_of_a_thermostat_or_with_its_unit(home: str, area: str, text: str,
                                                                              device: str, changes: dict):
    assert said(home, text, area).calls == [SetState((device,), changes)]


@pytest.mark.parametrize(("home", "area", "thermostat"), [
    ("maple", "living_room", "living_thermostat"), ("ha", "office", "climate_office_thermostat"),
    ("hazel", "study", "study_radiator"),
])
@pytest.mark.parametrize("text", ["put the heating on 20", "turn the heating on to 20"])
def test_a_thermostat_that_is_off_told_on_to_a_temperature_is_switched_on_and_set(home: str, area: str,
                                                                                 thermostat: str, text: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    registry.states.update(thermostat, {"mode": "off", "target_temperature": 17.0})
    assistant.turn(text, context(area))
    assert registry.state(thermostat)["mode"] != "off" and registry.state(thermostat)["target_temperature"] == 20


@pytest.mark.parametrize(("home", "area", "text"), [
    ("maple", "living_room", "turn the living room on four"), ("hazel", "study", "turn the study on five"),
])
def test_a_bare_number_after_on_is_no_level_of_the_lights(home: str, area: str, text: str):
    assert not any("brightness" in getattr(call, "changes", {}) for call in said(home, text, area).calls)


@pytest.mark.parametrize(("home", "area", "text", "devices"), [
    ("example", "sitting_room", "switch the bathroom light and fan off", ["shower_light", "shower_fan"]),
    ("maple", "living_room", "turn on the bathroom light and the fan", ["bathroom_light", "extractor_fan"]),
    ("ha", "office", "turn on the kitchen ceiling light and the fan", ["light_kitchen_ceiling", "fan_range_hood"]),
])
def test_a_kind_said_after_a_device_is_first_the_one_in_its_room(home: str, area: str, text: str,
                                                                  devices: list[str]):
    assert acted_on(said(home, text, area)) == set(devices)


@pytest.mark.parametrize(("home", "area", "text", "devices"), [
    ("example", "sitting_room", "turn on the kitchen light and the lamp", ["kitchen_spots", "sofa_lamp"]),
    ("example", "sitting_room", "turn on the studio light and the fan", ["studio_light", "bedroom_fan"]),
])
def test_with_none_but_itself_in_that_room_the_kind_is_found_as_it_would_be_alone(home: str, area: str, text: str,
                                                                                 devices: list[str]):
    assert acted_on(said(home, text, area)) == set(devices)


@pytest.mark.parametrize(("home", "text", "device", "changes"), [
    ("maple", "brighten the floor lamp all the way", "floor_lamp", {"brightness": 100}),
    ("maple", "turn the TV volume all the way down", "tv", {"volume": 1}),
    ("ha", "turn the living room lamp up as far as it goes", "light_living_room_lamp", {"brightness": 100}),
    ("ha", "dim the living room lamp all the way", "light_living_room_lamp", {"brightness": 1}),
    ("hazel", "turn the kitchen pendant all the way up", "kitchen_pendant", {"brightness": 100}),
])
def test_all_the_way_up_or_down_is_the_most_or_the_least(home: str, text: str, device: str, changes: dict):
    plan = said(home, text)
    assert plan.calls == [SetState((device,), changes)] and plan.confidence == 1.0


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn the heating all the way up"), ("maple", "set the thermostat to 50 percent"),
    ("ha", "set the office thermostat to 80 percent"), ("hazel", "set the study radiator to 30 percent"),
])
def test_a_percentage_is_no_temperature(home: str, text: str):
    plan = said(home, text)
    assert not plan.calls and "can't" in (plan.say or "")


@pytest.mark.parametrize(("home", "text", "device", "changes"), [
    ("maple", "can we have the floor lamp on", "floor_lamp", {"state": "on"}),
    ("maple", "could I have the floor lamp on at 40 percent", "floor_lamp", {"brightness": 40}),
    ("ha", "can I have the garage light off", "light_garage", {"state": "off"}),
    ("hazel", "could we have the study lamp on", "study_lamp", {"state": "on"}),
])
def test_asking_to_have_a_device_so_is_a_command(home: str, text: str, device: str, changes: dict):
    calls = said(home, text).calls
    assert calls and isinstance(calls[0], SetState) and device in calls[0].devices
    assert {k: calls[0].changes.get(k) for k in changes} == changes


@pytest.mark.parametrize(("home", "text", "action"), [
    ("maple", "turn the floor lamp up", "up"),
    ("maple", "turn off the floor lamp off", "off"),
    ("ha", "turn the garage light on", "on"),
])
def test_a_particle_after_a_verb_without_one_is_its_action(home: str, text: str, action: str):
    assert read_frame(normalize(text), _matcher(home).index).action == action


# ---- a change by an amount needs its way said -------------------------------------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn the heating by two degrees"),  # "turn the heating down by …" with "down" misheard
    ("maple", "set the volume by 5"),
    ("ha", "change the kitchen lights by 20 percent"),
])
def test_a_change_by_an_amount_with_no_way_said_is_asked_about(home: str, text: str):
    plan = said(home, text)
    assert not acted_on(plan) and plan.say and "up or down" in plan.say


@pytest.mark.parametrize(("home", "text", "delta"), [
    ("maple", "lower the heating by 2 degrees", -2.0),
    ("maple", "turn the heating up by 2", 2.0),
    ("ha", "dim the kitchen lights by 20 percent", -20.0),
])
def test_a_change_by_an_amount_goes_the_way_said(home: str, text: str, delta: float):
    plan = said(home, text)
    assert plan.calls and all(getattr(call, "delta", None) == delta for call in plan.calls)


# ---- a command that ends asking for more was not finished ------------------------------------------------------

@pytest.mark.parametrize(("home", "text"), [
    ("maple", "turn on the kitchen light at"),  # "… at nine", its last word lost
    ("maple", "dim the floor lamp by"),
    ("maple", "turn the heating up to"),
    ("ha", "turn off the garage light in"),
    ("ha", "turn on the kitchen lights for"),
])
def test_a_command_ending_in_a_word_that_asks_for_more_acts_on_nothing(home: str, text: str):
    plan = said(home, text)
    assert not acted_on(plan) and plan.say


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "what is the heating set to"),
    ("maple", "turn on the light in the kitchen"),
    ("ha", "turn off the garage light in 10 minutes"),
])
def test_a_question_or_a_finished_command_may_end_in_such_a_word_or_go_on_after_it(home: str, text: str):
    assert said(home, text).calls


# ---- a place of a list that has none of the kind said ----------------------------------------------------------

@pytest.mark.parametrize(("home", "text", "acts_in", "reply"), [
    ("maple", "turn off the kitchen and bedroom fans", "bedroom", "Sorry, there are no fans in the kitchen."),
    ("maple", "switch on the bathroom and office fans", "bathroom", "Sorry, there are no fans in the office."),
    ("ha", "turn on the office and kitchen lights", "kitchen", "Sorry, there are no lights in the office."),
    ("ha", "turn the kitchen and guest room lights off", "kitchen", "Sorry, there are no lights in the guest room."),
])
def test_a_place_of_a_list_with_none_of_the_kind_is_said_and_the_others_act(home: str, text: str, acts_in: str,
                                                                            reply: str):
    """The kind word said once for the list is the one in the reply, not a word at its place in another clause."""
    registry = _registry(home)
    plan = said(home, text)
    assert {registry.devices[d].area for d in acted_on(plan)} == {acts_in}
    assert plan.say == reply

def test_a_place_with_none_of_the_kind_said_alone_is_said_in_the_singular():
    assert said("ha", "turn on the office light").say == "Sorry, there's no light in the office."


# ---- warmer with the heating off ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "thermostat"), [
    ("maple", "living_room", "it's cold in here", "living_thermostat"),
    ("maple", "living_room", "make it warmer", "living_thermostat"),
    ("maple", "emmas_room", "turn the heating up", "emma_radiator"),
    ("ha", "living_room", "I'm freezing", "climate_thermostat"),
    ("ha", "office", "turn up the heat a little", "climate_office_thermostat"),
])
def test_warming_a_thermostat_that_is_off_puts_it_in_a_heating_mode(home: str, area: str, text: str,
                                                                    thermostat: str):
    matcher = matcher_for(HOMES[home]())
    matcher.registry.states.update(thermostat, {"mode": "off"})
    plan = matcher.match(text, context(area))
    assert SetState((thermostat,), {"mode": "heat"}) in plan.calls
    assert any(getattr(call, "attribute", None) == "target_temperature" and call.delta > 0 for call in plan.calls)


@pytest.mark.parametrize(("home", "area", "text", "thermostat", "way"), [
    ("maple", "living_room", "warm it up in here", "living_thermostat", 1),
    ("maple", "living_room", "warm in here", "living_thermostat", -1),
    ("ha", "living_room", "warm the place up in here", "climate_thermostat", 1),
    ("ha", "living_room", "it's warm in here", "climate_thermostat", -1),
    ("hazel", "study", "warm it up in here", "study_radiator", 1),
])
def test_a_feeling_word_said_as_a_verb_asks_for_that_change(home: str, area: str, text: str, thermostat: str | None,
                                                           way: int):
    """"Warm it up in here" warms the room; "warm in here" says it is too warm."""
    plan = said(home, text, area)
    changes = [call for call in plan.calls if getattr(call, "attribute", None) == "target_temperature"]
    assert changes and all(call.delta * way > 0 for call in changes)
    assert thermostat is None or changes[0].devices == (thermostat,)


@pytest.mark.parametrize(("home", "area", "text", "thermostat", "mode"), [
    ("maple", "living_room", "I'm too warm", "living_thermostat", "off"),
    ("maple", "living_room", "make it warmer", "living_thermostat", "heat"),
    ("ha", "living_room", "turn the heat down", "climate_thermostat", "off"),
])
def test_a_thermostat_already_heating_or_made_cooler_keeps_its_mode(home: str, area: str, text: str, thermostat: str,
                                                                    mode: str):
    matcher = matcher_for(HOMES[home]())
    matcher.registry.states.update(thermostat, {"mode": mode})
    plan = matcher.match(text, context(area))
    assert plan.calls and not any("mode" in getattr(call, "changes", {}) for call in plan.calls)


@pytest.mark.parametrize(("home", "area", "thermostat"), [
    ("maple", "living_room", "living_thermostat"),
    ("ha", "living_room", "climate_thermostat"),
])
def test_the_reply_says_the_mode_a_thermostat_was_put_in(home: str, area: str, thermostat: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    registry.states.update(thermostat, {"mode": "off", "target_temperature": 19.0})
    reply = assistant.turn("it's cold in here", context(area)).reply
    assert "on heat, set to 20 degrees" in reply, reply
    assert registry.state(thermostat)["mode"] == "heat"


# ---- a light switched on with no brightness to go back to ------------------------------------------------------

@pytest.mark.parametrize(("home", "light"), [("maple", "floor_lamp"), ("ha", "light_garage")])
def test_a_light_switched_on_from_no_brightness_is_lit_and_brighter_says_it_is_full(home: str, light: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    registry.states.update(light, {"state": "off", "brightness": 0})
    conversation = context()
    assistant.turn(f"turn on the {registry.devices[light].name.lower()}", conversation)
    assert registry.state(light) == {**registry.state(light), "state": "on", "brightness": 100}
    assert "100 percent" in assistant.turn("a bit brighter", conversation).reply


# ---- a thing the household does not have, named where a player or a device goes --------------------------------

@pytest.mark.parametrize(("home", "text", "missing"), [
    ("maple", "skip this on the stereo", "stereo"), ("ha", "skip the song on the jukebox", "jukebox"),
])
def test_a_player_the_home_lacks_named_after_what_it_plays_acts_on_nothing(home: str, text: str, missing: str):
    plan = said(home, text)
    assert not plan.calls and missing in (plan.say or ""), plan


@pytest.mark.parametrize(("home", "first"), [("maple", "turn on the floor lamp"), ("example", "turn up the radio")])
def test_a_value_said_of_a_thing_not_understood_is_no_follow_up_of_the_turn_before(home: str, first: str):
    assistant, registry, _ = make_assistant(HOMES[home]())
    conversation = context()
    assistant.turn(first, conversation)
    before = {i: dict(registry.state(i)) for i in registry.devices}
    assistant.turn("set the wibble to 20", conversation)
    assert {i: registry.state(i) for i in registry.devices} == before


# ---- a kind word no device of its kind answers to: the devices whose names have it --------------------------------

def _with_device(home_file, device: dict):
    data = tomllib.loads(home_file.read_text(encoding="utf-8"))
    data["devices"] = [d for d in data["devices"] if d["kind"] != device["kind"] or d.get("area") != device["area"]]
    data["devices"] = [d for d in data["devices"] if d["kind"] != "fan"]
    data["devices"].append(device)
    return parse_household(data, "home")


def test_the_gate_is_the_garden_gate_where_that_is_a_lock_and_opening_it_asks_first():
    for text in ("open the gate", "unlock the gate"):
        plan = said("hazel", text)
        assert plan.calls and acted_on(plan) == {"garden_gate"}, (text, plan)
    assistant, registry, _ = make_assistant(hazel())
    assert "sure" in assistant.turn("open the gate", context()).reply
    assert registry.state("garden_gate")["state"] == "locked"


@pytest.mark.parametrize(("home_file", "area"), [(EXAMPLE_HOME, "kitchen"), (HOMES_DIR / "hazel_court.toml", "study")])
def test_the_fan_is_a_switch_called_a_fan_in_a_home_with_no_fan(home_file, area: str):
    household = _with_device(home_file, {"id": "desk_fan", "name": "Desk fan", "kind": "switch", "area": area})
    plan = matcher_for(household).match("turn on the fan", context())
    assert calls_of(plan) == [("set_state", {"devices": ["desk_fan"], "changes": {"state": "on"}})], plan


# ---- a cover said up or down goes all the way; an amount is a step -------------------------------------------------

@pytest.mark.parametrize(("home", "area", "cover"), [
    ("maple", "living_room", "living_blinds"), ("ha", "kitchen", "cover_kitchen_blind_left"),
    ("example", "sitting_room", "sitting_curtains"),
])
@pytest.mark.parametrize(("text", "state"), [
    ("blinds down", "closed"), ("lower the blinds", "closed"), ("put the blinds down", "closed"),
    ("raise the blinds", "open"), ("blinds up", "open"),
])
def test_a_cover_said_up_or_down_with_no_amount_goes_all_the_way(home: str, area: str, cover: str, text: str,
                                                                   state: str):
    text = text.replace("blinds", "curtains") if home == "example" else text
    assert said(home, text, area).calls == [SetState((cover,), {"state": state})]


@pytest.mark.parametrize(("home", "area", "text"), [
    ("maple", "living_room", "lower the blinds a bit"), ("ha", "kitchen", "put the blinds down by 20 percent"),
    ("example", "sitting_room", "raise the curtains a little"),
])
def test_a_cover_said_up_or_down_by_an_amount_moves_by_it(home: str, area: str, text: str):
    calls = said(home, text, area).calls
    assert calls and all(getattr(call, "attribute", None) == "position" for call in calls), calls


# ---- a feeling said of a place ("the study is cold") ----------------------------------------------------------------

@pytest.mark.parametrize(("home", "area", "text", "thermostat", "way"), [
    ("hazel", "kitchen", "the study is cold", "study_radiator", 1),
    ("maple", "kitchen", "the living room is freezing", "living_thermostat", 1),
    ("ha", "kitchen", "the office feels too warm", "climate_office_thermostat", -1),
    ("hazel", "study", "it feels chilly", "study_radiator", 1),
])
def test_a_feeling_said_of_a_place_changes_that_place(home: str, area: str, text: str, thermostat: str, way: int):
    calls = said(home, text, area).calls
    changes = [c for c in calls if getattr(c, "attribute", None) == "target_temperature"]
    assert changes and all(c.devices == (thermostat,) and c.delta * way > 0 for c in changes), calls


@pytest.mark.parametrize(("home", "text"), [("hazel", "is the study cold"), ("maple", "is it cold in the living room")])
def test_a_feeling_asked_is_a_question(home: str, text: str):
    plan = said(home, text)
    assert plan.calls and all(call.tool == "get_state" for call in plan.calls), plan


def test_a_shade_of_white_is_no_feeling():
    assert not any(getattr(c, "attribute", None) == "target_temperature"
                   for c in said("hazel", "the lamp is warm white", "study").calls)
