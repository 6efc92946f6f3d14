"""Questions about the home: the get_state call the matcher makes, and the answer worded from states.

Logic only: a small inline household, the matcher, and answers from given states (no broker).
"""

from __future__ import annotations

import tomllib

import pytest

from agent.replies.answers import answer_question
from agent.understanding.matcher import Matcher
from agent.turn.context import TurnContext
from agent.replies.grammar import conjugate
from agent.replies.wording import group_noun, plural_name, spoken_date, unit_word
from devices.household import parse_household
from devices.registry import Registry

HOUSEHOLD = """
[home]
name = "Test house"
timezone = "UTC"

[[floors]]
id = "ground"
name = "Ground floor"

[[floors]]
id = "upstairs"
name = "Upstairs"

[[areas]]
id = "kitchen"
name = "Kitchen"
floor = "ground"

[[areas]]
id = "living_room"
name = "Living room"
floor = "ground"

[[areas]]
id = "bedroom"
name = "Bedroom"
floor = "upstairs"

[[areas]]
id = "garage"
name = "Garage"
floor = "ground"

[[areas]]
id = "garden"
name = "Garden"
floor = "ground"

[[devices]]
id = "kitchen_light"
name = "Kitchen light"
area = "kitchen"
kind = "light"
features = ["brightness"]
initial = { state = "on", brightness = 60 }

[[devices]]
id = "counter_lights"
name = "Counter lights"
area = "kitchen"
kind = "light"
initial = { state = "off" }

[[devices]]
id = "reading_lamp"
name = "Reading lamp"
area = "living_room"
kind = "light"
features = ["brightness", "color"]
initial = { state = "on", brightness = 100, color = "red" }

[[devices]]
id = "tv"
name = "TV"
area = "living_room"
kind = "media_player"
initial = { state = "on", volume = 20, muted = false }

[[devices]]
id = "thermostat"
name = "Thermostat"
area = "living_room"
kind = "climate"
modes = ["off", "heat"]
initial = { mode = "heat", target_temperature = 21.0, current_temperature = 19.5 }

[[devices]]
id = "curtains"
name = "Living room curtains"
area = "living_room"
kind = "cover"
device_class = "curtain"
features = ["position"]
initial = { state = "open", position = 100 }

[[devices]]
id = "bedroom_curtain"
name = "Bedroom curtain"
area = "bedroom"
kind = "cover"
device_class = "curtain"
features = ["position"]
initial = { state = "closed", position = 0 }

[[devices]]
id = "bedroom_blind"
name = "Bedroom blind"
area = "bedroom"
kind = "cover"
device_class = "blind"
features = ["position"]
initial = { state = "open", position = 100 }

[[devices]]
id = "front_door"
name = "Front door"
kind = "lock"
sensitive = true
initial = { state = "locked" }

[[devices]]
id = "back_door"
name = "Back door"
area = "kitchen"
kind = "lock"
sensitive = true
initial = { state = "unlocked" }

[[devices]]
id = "patio_doors"
name = "Patio doors"
area = "living_room"
kind = "lock"
initial = { state = "locked" }

[[devices]]
id = "phone_battery"
name = "Phone"
kind = "binary_sensor"
device_class = "battery"
initial = { state = "off" }

[[devices]]
id = "phone_charging"
name = "Phone"
kind = "binary_sensor"
device_class = "battery_charging"
initial = { state = "on" }

[[devices]]
id = "phone_home"
name = "Phone"
kind = "binary_sensor"
device_class = "presence"
initial = { state = "off" }

[[devices]]
id = "sink_leak"
name = "Sink leak sensor"
area = "kitchen"
kind = "binary_sensor"
device_class = "moisture"
initial = { state = "off" }

[[devices]]
id = "hall_smoke"
name = "Hall smoke alarm"
kind = "binary_sensor"
device_class = "smoke"
initial = { state = "off" }

[[devices]]
id = "garage_motion"
name = "Garage motion"
area = "garage"
kind = "binary_sensor"
device_class = "motion"
initial = { state = "on" }

[[devices]]
id = "bedroom_window"
name = "Bedroom window"
area = "bedroom"
kind = "binary_sensor"
device_class = "window"
initial = { state = "on" }

[[devices]]
id = "washer"
name = "Washer"
kind = "binary_sensor"
device_class = "running"
initial = { state = "on" }

[[devices]]
id = "outside_temperature"
name = "Garden temperature"
area = "garden"
kind = "sensor"
device_class = "temperature"
unit = "C"
initial = { value = 6.5 }

[[devices]]
id = "rain_total"
name = "Rain gauge"
kind = "sensor"
device_class = "precipitation"
unit = "mm"
initial = { value = 12 }

[[devices]]
id = "rain_rate"
name = "Rain gauge"
kind = "sensor"
device_class = "precipitation_intensity"
unit = "mm/h"
initial = { value = 3 }

[[devices]]
id = "mistral"
name = "Mistral"
kind = "sensor"
device_class = "wind_speed"
unit = "km/h"
initial = { value = 33 }

[[devices]]
id = "holiday"
name = "Next holiday"
kind = "sensor"
device_class = "date"
initial = { value = "2026-12-25" }

[[devices]]
id = "bedroom_humidity"
name = "Bedroom humidity"
area = "bedroom"
kind = "sensor"
device_class = "humidity"
unit = "%"
initial = { value = 48 }
"""


@pytest.fixture(scope="module")
def household():
    return parse_household(tomllib.loads(HOUSEHOLD))


@pytest.fixture
def registry(household):
    return Registry.from_household(household)


def ask(registry: Registry, household, text: str, area: str | None = None):
    plan = Matcher(registry, household.routines).match(text, TurnContext(area=area))
    calls = [c for c in plan.calls if c.tool == "get_state"]
    return plan, (calls[0].args if calls else None)


def answer(registry: Registry, args: dict, changes: dict | None = None) -> str:
    for device_id, state in (changes or {}).items():
        registry.states.update(device_id, state)
    states = {d: registry.state(d) for d in args["devices"]}
    return answer_question({"states": states, **args}, registry)


# ---- the get_state call ---------------------------------------------------------------------------

CALLS = [
    # text, satellite room, devices, attribute, value, quantifier
    ("is the phone charging", None, {"phone_charging"}, "state", "charging", "one"),
    ("is the phone battery low", None, {"phone_battery"}, "state", "low", "one"),
    ("is the phone's battery low", None, {"phone_battery"}, "state", "low", "one"),
    ("are any batteries low", None, {"phone_battery"}, "state", "low", "any"),
    ("which batteries are charging", None, {"phone_charging"}, "state", "charging", "which"),
    ("is the phone home", None, {"phone_home"}, "state", "home", "one"),
    ("is the phone gone", None, {"phone_home"}, "state", "gone", "one"),
    ("is there a leak", None, {"sink_leak"}, "state", "detected", "any"),
    ("is the kitchen flooded", None, {"sink_leak"}, "state", "flooded", "one"),
    ("are any water sensors wet", None, {"sink_leak"}, "state", "wet", "any"),
    ("is there any smoke", None, {"hall_smoke"}, "state", "detected", "any"),
    ("are any smoke sensors triggered", None, {"hall_smoke"}, "state", "triggered", "any"),
    ("is there any motion in the garage", None, {"garage_motion"}, "state", "detected", "any"),
    ("is anyone in the garage", None, {"garage_motion"}, "state", "detected", "any"),
    ("are any devices running", None, {"washer"}, "state", "running", "any"),
    ("how many things are running", None, {"washer"}, "state", "running", "count"),
    ("which lights are on", None, {"kitchen_light", "counter_lights", "reading_lamp"}, "state", "on", "which"),
    ("how many lights are on in the kitchen", None, {"kitchen_light", "counter_lights"}, "state", "on", "count"),
    ("are all the lights off upstairs", None, None, None, None, None),  # no lights upstairs: a reply
    ("is the kitchen light on", None, {"kitchen_light"}, "state", "on", "one"),
    ("which curtains are closed", None, {"curtains", "bedroom_curtain"}, "state", "closed", "which"),
    ("are any blinds open upstairs", None, {"bedroom_blind"}, "state", "open", "any"),
    ("are all the doors locked", None, {"front_door", "back_door", "patio_doors"}, "state", "locked", "all"),
    ("do I have any unlocked doors", None, {"front_door", "back_door", "patio_doors"}, "state", "unlocked", "any"),
    ("which windows are open", None, {"bedroom_window"}, "state", "open", "which"),
    ("is the front door locked", None, {"front_door"}, "state", "locked", "one"),
    ("what's the temperature in the living room", None, {"thermostat"}, "temperature", None, "one"),
    ("how warm is it in here", "living_room", {"thermostat"}, "temperature", None, "one"),
    ("how cold is it in the garden", None, {"outside_temperature"}, "temperature", None, "one"),
    ("what is the thermostat set to", None, {"thermostat"}, "target_temperature", None, "one"),
    ("what's the humidity in the bedroom", None, {"bedroom_humidity"}, "value", None, "one"),
    ("what is the rainfall intensity of the rain gauge", None, {"rain_rate"}, "value", None, "one"),
    ("what is the accumulated rainfall of the rain gauge", None, {"rain_total"}, "value", None, "one"),
    ("what is Mistral's speed", None, {"mistral"}, "value", None, "one"),
    ("how fast is the wind", None, {"mistral"}, "value", None, "one"),
    ("when is the next holiday", None, {"holiday"}, "value", None, "one"),
    ("how bright is the kitchen light", None, {"kitchen_light"}, "brightness", None, "one"),
    ("what's the volume on the tv", None, {"tv"}, "volume", None, "one"),
    ("what colour is the reading lamp", None, {"reading_lamp"}, "color", None, "one"),
    ("tell me the status of the front door", None, {"front_door"}, None, None, "one"),
    ("is it cold in here", "living_room", {"thermostat"}, "temperature", None, "one"),
    ("are the lights on", "kitchen", {"kitchen_light", "counter_lights"}, "state", "on", "one"),
    ("do you know which lights are on", None, {"kitchen_light", "counter_lights", "reading_lamp"}, "state", "on",
     "which"),
    ("is the phone not charging", None, {"phone_charging"}, "state", "not charging", "one"),
    ("what is the rain gauge's rainfall intensity", None, {"rain_rate"}, "value", None, "one"),
    # a lock can't say whether the door is open: its state instead
    ("is the door in the kitchen open", None, {"back_door"}, None, None, "one"),
]


@pytest.mark.parametrize(("text", "area", "devices", "attribute", "value", "quantifier"), CALLS)
def test_get_state_call(registry, household, text, area, devices, attribute, value, quantifier):
    plan, args = ask(registry, household, text, area)
    if devices is None:
        assert args is None and plan.say
        return
    assert args is not None, plan
    assert set(args["devices"]) == devices
    assert args["attribute"] == attribute
    assert args["value"] == value
    assert args["quantifier"] == quantifier


def test_a_name_is_not_a_sensed_noun_elsewhere(registry, household):
    """"Is there any smoke in the garage": not the hall's smoke alarm; no sensor there to ask."""
    plan, args = ask(registry, household, "is there any smoke in the garage")
    assert args is None
    assert "smoke" in plan.say and "garage" in plan.say


def test_question_words_are_not_unknown_names(registry, household):
    plan, _ = ask(registry, household, "are any smoke sensors triggered")
    assert plan.confidence == 1.0


# ---- answers ------------------------------------------------------------------------------------------

ANSWERS = [
    # text, state changes before answering, the answer
    ("is the phone charging", None, "Yes, the phone is charging."),
    ("is the phone battery low", None, "No, the phone battery is normal."),
    ("are any batteries low", None, "No, the phone battery is normal."),
    ("which batteries are low", None, "None of the batteries are low."),
    ("how many batteries are charging", None, "1 battery is charging: the phone."),
    ("is the phone home", None, "No, the phone is away."),
    ("is there a leak", {"sink_leak": {"state": "on"}}, "Yes, the sink leak sensor is wet."),
    ("is there any smoke", None, "No, the hall smoke alarm is clear."),
    ("is anyone in the garage", None, "Yes, the garage motion detects motion."),
    ("which curtains are closed", {"curtains": {"state": "closed", "position": 0}},
     "The living room curtains and the bedroom curtain are closed."),
    ("how many curtains are closed", {"curtains": {"state": "closed", "position": 0}},
     "2 curtains are closed: the living room curtains and the bedroom curtain."),
    ("which lights are on", None, "The kitchen light and the reading lamp are on."),
    ("how many lights are on", None, "2 lights are on: the kitchen light and the reading lamp."),
    ("are all lights off", None, "No, the kitchen light and the reading lamp are on."),
    ("are all the doors locked", None, "No, the back door is unlocked."),
    ("are all the doors locked", {"back_door": {"state": "locked"}}, "Yes, all 3 doors are locked."),
    ("are the patio doors locked", None, "Yes, the patio doors are locked."),
    ("is the kitchen light on", None, "Yes, the kitchen light is on at 60 percent."),
    ("are the lights on in the kitchen", None, "Only the kitchen light is on at 60 percent; the counter lights are off."),
    ("what's the temperature in the living room", None, "The thermostat reads 19.5 degrees."),
    ("how cold is it in the garden", None, "The garden temperature is 6.5 degrees."),
    ("what is the thermostat set to", None, "The thermostat is set to 21 degrees."),
    ("what's the humidity in the bedroom", None, "The bedroom humidity is 48 percent."),
    ("what is Mistral's speed", None, "The mistral is 33 kilometers per hour."),
    ("when is the next holiday", None, "The next holiday is on December 25, 2026."),
    ("how bright is the kitchen light", None, "The kitchen light is at 60 percent brightness."),
    ("what's the volume on the tv", None, "The TV is at volume 20."),
    ("what colour is the reading lamp", None, "The reading lamp is red."),
    ("are any devices running", None, "Yes, the washer is running."),
]


@pytest.mark.parametrize(("text", "changes", "expected"), ANSWERS)
def test_answer(registry, household, text, changes, expected):
    for device_id, state in (changes or {}).items():
        registry.states.update(device_id, state)
    _, args = ask(registry, household, text)
    assert args is not None
    assert answer(registry, args) == expected


def test_long_lists_are_counted(registry):
    devices = [d for d in registry.devices.values()]
    args = {"devices": [d.id for d in devices], "attribute": None, "value": None, "quantifier": "one"}
    spoken = answer(registry, args)
    assert len(spoken) < 600
    assert spoken.endswith("and 15 more devices.")


def test_an_llm_call_without_our_words_is_answered(registry):
    """The planner may send plain values ("on", "open", "locked") and any quantifier."""
    args = {"devices": ["bedroom_window", "curtains"], "attribute": "state", "value": "open", "quantifier": "all"}
    assert answer(registry, args) == "Yes, both devices are open."
    args = {"devices": ["front_door"], "attribute": "state", "value": None, "quantifier": "one"}
    assert answer(registry, args) == "The front door is locked."
    assert answer_question({"states": {}}, registry).startswith("Sorry")


# ---- wording ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "plural", "expected"), [
    ("is low", True, "are low"),
    ("detects smoke", True, "detect smoke"),
    ("has an update available", True, "have an update available"),
    ("is low", False, "is low"),
])
def test_conjugate(phrase, plural, expected):
    assert conjugate(phrase, plural) == expected


def test_group_nouns(registry):
    devices = registry.devices
    assert group_noun([devices["curtains"], devices["bedroom_curtain"]]) == "curtains"
    assert group_noun([devices["phone_battery"]], plural=False) == "battery"
    assert group_noun([devices["kitchen_light"], devices["tv"]]) == "devices"
    assert group_noun([devices["front_door"], devices["back_door"]]) == "doors"


def test_names_and_units(registry):
    devices = registry.devices
    assert plural_name(devices["patio_doors"]) and plural_name(devices["counter_lights"])
    assert not plural_name(devices["washer"]) and not plural_name(devices["hall_smoke"])
    assert unit_word(devices["mistral"], 33) == " kilometers per hour"
    assert unit_word(devices["outside_temperature"], 1) == " degree"
    assert spoken_date("2024-04-01") == "April 1, 2024"
