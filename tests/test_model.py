"""The device model: attributes per kind, validation, clamping, applying changes, colours."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.colors import (
    NAMED_COLORS,
    nearest_color_name,
    rgb_to_hex,
    rgb_to_xy,
    same_color,
    to_rgb,
    xy_to_rgb,
)
from devices.errors import HomebodyError, InvalidChange, OutOfRange
from devices.model import (
    Device,
    Kind,
    RUNNING_SPEED,
    apply_change,
    attributes_of,
    clamp_change,
    validate_change,
    writable_attributes,
)

DEVICES = {
    "light": Device("lamp", "Lamp", Kind.LIGHT, features=["brightness", "color_temp", "color"]),
    "plain_light": Device("hall", "Hall light", Kind.LIGHT),
    "dim_light": Device("dim", "Dim light", Kind.LIGHT, features=["brightness"]),
    "switch": Device("plug", "Plug", Kind.SWITCH),
    "fan": Device("fan", "Fan", Kind.FAN, features=["percentage"]),
    "plain_fan": Device("vent", "Vent", Kind.FAN),
    "cover": Device("blinds", "Blinds", Kind.COVER, features=["position"]),
    "lock": Device("door", "Door", Kind.LOCK),
    "climate": Device("heat", "Heating", Kind.CLIMATE, modes=["off", "heat"]),
    "narrow_climate": Device("rad", "Radiator", Kind.CLIMATE, modes=["off", "heat"], min_temp=10, max_temp=26),
    "media": Device("tv", "TV", Kind.MEDIA_PLAYER),
    "sensor": Device("temp", "Temperature", Kind.SENSOR, unit="C"),
    "binary": Device("motion", "Motion", Kind.BINARY_SENSOR, device_class="motion"),
}


# ---- devices and their attributes -------------------------------------------------------


def test_kind_given_as_text_becomes_a_kind_and_topic_defaults_to_zigbee2mqtt():
    device = Device("desk_lamp", "Desk lamp", "light")  # type: ignore[arg-type]
    assert device.kind is Kind.LIGHT
    assert device.topic == "zigbee2mqtt/desk_lamp"
    assert Device("x", "X", Kind.SWITCH, topic="custom/x").topic == "custom/x"


@pytest.mark.parametrize(
    "device, attributes",
    [
        ("light", ("state", "brightness", "color_temp", "color")),
        ("plain_light", ("state",)),
        ("dim_light", ("state", "brightness")),
        ("switch", ("state",)),
        ("fan", ("state", "percentage")),
        ("plain_fan", ("state",)),
        ("cover", ("state", "position")),
        ("lock", ("state",)),
        ("climate", ("mode", "target_temperature", "current_temperature")),
        ("media", ("state", "volume", "muted")),
        ("sensor", ("value",)),
        ("binary", ("state",)),
    ],
)
def test_attributes_per_kind(device, attributes):
    assert attributes_of(DEVICES[device]) == attributes
    assert DEVICES[device].attributes() == attributes


@pytest.mark.parametrize(
    "device, writable",
    [
        ("climate", ("mode", "target_temperature")),
        ("sensor", ()),
        ("binary", ()),
        ("media", ("state", "volume", "muted")),
    ],
)
def test_writable_attributes_leave_out_what_is_only_measured(device, writable):
    assert writable_attributes(DEVICES[device]) == writable


# ---- validate_change: accepted and normalized ----------------------------------------------


@pytest.mark.parametrize(
    "device, change, normalized",
    [
        ("light", {"state": "on"}, {"state": "on"}),
        ("light", {"state": "off", "brightness": 0}, {"state": "off", "brightness": 0}),
        ("light", {"brightness": 100}, {"brightness": 100}),
        ("light", {"brightness": 40.4}, {"brightness": 40}),
        ("light", {"color_temp": 2700}, {"color_temp": 2700}),
        ("light", {"color_temp": 2000.4}, {"color_temp": 2000}),
        ("light", {"color": "Red"}, {"color": "red"}),
        ("light", {"color": "warm white"}, {"color": "warm white"}),
        ("light", {"color": "#FF0000"}, {"color": "#ff0000"}),
        ("light", {"color": [255, 0, 0]}, {"color": "red"}),
        ("light", {"color": [250, 5, 5]}, {"color": "red"}),
        ("light", {"color": (0, 0, 130)}, {"color": "navy"}),
        ("switch", {"state": "off"}, {"state": "off"}),
        ("fan", {"percentage": 55}, {"percentage": 55}),
        ("fan", {"state": "on", "percentage": 0}, {"state": "on", "percentage": 0}),
        ("cover", {"state": "closed"}, {"state": "closed"}),
        ("cover", {"position": 30}, {"position": 30}),
        ("lock", {"state": "unlocked"}, {"state": "unlocked"}),
        ("climate", {"target_temperature": 21}, {"target_temperature": 21.0}),
        ("climate", {"target_temperature": 7}, {"target_temperature": 7.0}),
        ("climate", {"target_temperature": 35}, {"target_temperature": 35.0}),
        ("climate", {"mode": "off"}, {"mode": "off"}),
        ("narrow_climate", {"target_temperature": 25.5}, {"target_temperature": 25.5}),
        ("media", {"state": "paused"}, {"state": "paused"}),
        ("media", {"volume": 0}, {"volume": 0}),
        ("media", {"muted": True}, {"muted": True}),
        ("light", {}, {}),
    ],
)
def test_valid_changes_are_returned_normalized(device, change, normalized):
    result = validate_change(DEVICES[device], change)
    assert result == normalized
    assert type(result.get("target_temperature", 0.0)) is float


def test_percent_values_come_back_as_whole_numbers():
    assert type(validate_change(DEVICES["light"], {"brightness": 40.0})["brightness"]) is int


# ---- validate_change: refused with InvalidChange ------------------------------------------


@pytest.mark.parametrize(
    "device, change, says",
    [
        ("light", {"state": "open"}, "state must be one of on, off"),
        ("light", {"state": True}, "state must be one of"),
        ("cover", {"state": "on"}, "state must be one of open, closed"),
        ("lock", {"state": "open"}, "state must be one of locked, unlocked"),
        ("media", {"state": "stopped"}, "state must be one of"),
        ("light", {"brightness": "50"}, "brightness must be a number"),
        ("light", {"brightness": None}, "brightness must be a number"),
        ("light", {"brightness": True}, "brightness must be a number"),
        ("light", {"brightness": [50]}, "brightness must be a number"),
        ("climate", {"target_temperature": "21"}, "target_temperature must be a number"),
        ("media", {"muted": "yes"}, "muted must be true or false"),
        ("media", {"muted": 1}, "muted must be true or false"),
        ("climate", {"mode": "cool"}, "mode must be one of off, heat"),
        ("light", {"color": "chartreuse"}, "unknown colour"),
        ("light", {"color": [256, 0, 0]}, "[r, g, b]"),
        ("light", {"color": [1, 2]}, "[r, g, b]"),
        ("light", {"color": ["1", "2", "3"]}, "[r, g, b]"),
        ("light", {"color": "#12345"}, "unknown colour"),
        ("plain_light", {"brightness": 50}, "no settable 'brightness'"),
        ("dim_light", {"color": "red"}, "no settable 'color'"),
        ("dim_light", {"color_temp": 3000}, "no settable 'color_temp'"),
        ("plain_fan", {"percentage": 50}, "no settable 'percentage'"),
        ("climate", {"current_temperature": 20}, "no settable 'current_temperature'"),
        ("switch", {"brightness": 10}, "no settable 'brightness'"),
        ("light", {"speed": 3}, "no settable 'speed'"),
        ("sensor", {"value": 3}, "can only be read"),
        ("binary", {"state": "on"}, "can only be read"),
        ("sensor", {}, "can only be read"),
    ],
)
def test_invalid_changes_raise_invalid_change_saying_why(device, change, says):
    with pytest.raises(InvalidChange) as raised:
        validate_change(DEVICES[device], change)
    assert not isinstance(raised.value, OutOfRange)
    assert says in str(raised.value)
    assert DEVICES[device].name in str(raised.value)


@pytest.mark.parametrize("color", [5, None, True, 3.5])
def test_a_colour_that_is_neither_text_nor_a_list_is_an_invalid_change(color):
    with pytest.raises(InvalidChange):
        validate_change(DEVICES["light"], {"color": color})


# ---- validate_change: out of range, never clamped silently ---------------------------------


@pytest.mark.parametrize(
    "device, attribute, value, low, high",
    [
        ("light", "brightness", 101, 0, 100),
        ("light", "brightness", -1, 0, 100),
        ("light", "brightness", 100.6, 0, 100),
        ("fan", "percentage", 150, 0, 100),
        ("cover", "position", -10, 0, 100),
        ("media", "volume", 101, 0, 100),
        ("climate", "target_temperature", 6.9, 7, 35),
        ("climate", "target_temperature", 35.5, 7, 35),
        ("narrow_climate", "target_temperature", 9, 10, 26),
        ("narrow_climate", "target_temperature", 27, 10, 26),
        ("narrow_climate", "target_temperature", 1e23, 10, 26),
        ("light", "color_temp", 1999, 2000, 6500),
        ("light", "color_temp", 7000, 2000, 6500),
    ],
)
def test_values_outside_the_limits_raise_out_of_range_carrying_the_limits(device, attribute, value, low, high):
    with pytest.raises(OutOfRange) as raised:
        validate_change(DEVICES[device], {attribute: value})
    error = raised.value
    assert isinstance(error, InvalidChange) and isinstance(error, HomebodyError)
    assert (error.device_name, error.attribute) == (DEVICES[device].name, attribute)
    assert (error.low, error.high, error.value) == (low, high, value)
    assert f"{low:g}" in str(error) and f"{high:g}" in str(error)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_numbers_are_out_of_range(value):
    with pytest.raises(OutOfRange):
        validate_change(DEVICES["climate"], {"target_temperature": value})


# ---- clamp_change: what a real device does ---------------------------------------------------


@pytest.mark.parametrize(
    "device, change, clamped",
    [
        ("light", {"brightness": 150}, {"brightness": 100}),
        ("light", {"brightness": -5}, {"brightness": 0}),
        ("light", {"brightness": 40.6}, {"brightness": 41}),
        ("light", {"color_temp": 9000}, {"color_temp": 6500}),
        ("light", {"color_temp": 1000}, {"color_temp": 2000}),
        ("fan", {"percentage": 101}, {"percentage": 100}),
        ("cover", {"position": -1}, {"position": 0}),
        ("media", {"volume": 250}, {"volume": 100}),
        ("climate", {"target_temperature": 40}, {"target_temperature": 35}),
        ("narrow_climate", {"target_temperature": 2}, {"target_temperature": 10}),
        ("narrow_climate", {"target_temperature": 21.5}, {"target_temperature": 21.5}),
        ("light", {"state": "on", "color": "red"}, {"state": "on", "color": "red"}),
        ("light", {"brightness": "loud"}, {"brightness": "loud"}),
        ("media", {"muted": True}, {"muted": True}),
    ],
)
def test_clamp_change_keeps_numbers_within_the_limits_and_leaves_the_rest(device, change, clamped):
    assert clamp_change(DEVICES[device], change) == clamped


def test_clamp_change_does_not_modify_its_argument():
    change = {"brightness": 500}
    clamp_change(DEVICES["light"], change)
    assert change == {"brightness": 500}


# ---- apply_change: the state a device reaches -------------------------------------------------


@pytest.mark.parametrize(
    "device, state, change, reached",
    [
        ("light", {"state": "off", "brightness": 80}, {"state": "on"}, {"state": "on", "brightness": 80}),
        ("light", {"state": "off", "brightness": 80}, {"brightness": 30}, {"state": "on", "brightness": 30}),
        ("light", {"state": "on", "brightness": 80}, {"brightness": 0}, {"state": "off", "brightness": 0}),
        ("light", {"state": "off"}, {"color": "red"}, {"state": "on", "color": "red", "brightness": 100}),
        ("light", {"state": "off"}, {"color_temp": 2700}, {"state": "on", "color_temp": 2700, "brightness": 100}),
        ("light", {"state": "off", "brightness": 0}, {"state": "on"}, {"state": "on", "brightness": 100}),
        ("light", {"state": "on"}, {"state": "off", "brightness": 30}, {"state": "off", "brightness": 30}),
        ("fan", {"state": "off", "percentage": 10}, {"percentage": 60}, {"state": "on", "percentage": 60}),
        ("fan", {"state": "on", "percentage": 60}, {"percentage": 0}, {"state": "off", "percentage": 0}),
        ("fan", {"state": "off"}, {"state": "off", "percentage": 60}, {"state": "off", "percentage": 60}),
        ("cover", {"state": "closed", "position": 0}, {"position": 30}, {"state": "open", "position": 30}),
        ("cover", {"state": "open", "position": 30}, {"position": 0}, {"state": "closed", "position": 0}),
        ("cover", {"state": "closed", "position": 0}, {"state": "open"}, {"state": "open", "position": 100}),
        ("cover", {"state": "open", "position": 40}, {"state": "closed"}, {"state": "closed", "position": 0}),
        ("cover", {}, {"state": "open", "position": 20}, {"state": "open", "position": 20}),
        ("switch", {"state": "off"}, {"state": "on"}, {"state": "on"}),
        ("lock", {"state": "locked"}, {"state": "unlocked"}, {"state": "unlocked"}),
        ("climate", {"mode": "heat", "target_temperature": 20.0, "current_temperature": 19.0},
         {"target_temperature": 21.0}, {"mode": "heat", "target_temperature": 21.0, "current_temperature": 19.0}),
        ("media", {"state": "playing", "volume": 30}, {"muted": True},
         {"state": "playing", "volume": 30, "muted": True}),
    ],
)
def test_apply_change_gives_the_state_reached_with_implied_attributes(device, state, change, reached):
    before = dict(state)
    assert apply_change(DEVICES[device], state, change) == reached
    assert state == before


@pytest.mark.parametrize(
    "state, reached",
    [
        ({"state": "off", "percentage": 0}, {"state": "on", "percentage": RUNNING_SPEED}),
        ({"state": "off"}, {"state": "on", "percentage": RUNNING_SPEED}),
        ({"state": "off", "percentage": 70}, {"state": "on", "percentage": 70}),
        ({"state": "on", "percentage": 20}, {"state": "on", "percentage": 20}),
    ],
)
def test_a_fan_switched_on_runs_at_its_last_speed_else_at_a_running_speed(state, reached):
    assert apply_change(DEVICES["fan"], state, {"state": "on"}) == reached


def test_a_fan_switched_off_keeps_the_speed_it_goes_back_to():
    fan = DEVICES["fan"]
    off = apply_change(fan, {"state": "on", "percentage": 70}, {"state": "off"})
    assert apply_change(fan, off, {"state": "on"}) == {"state": "on", "percentage": 70}
    assert apply_change(Device("vent", "Vent", Kind.FAN), {"state": "off"}, {"state": "on"}) == {"state": "on"}


@pytest.mark.parametrize("change", [{"volume": 40}, {"muted": False}])
def test_setting_volume_or_unmuting_wakes_a_player(change):
    reached = apply_change(DEVICES["media"], {"state": "off", "volume": 30, "muted": True}, change)
    assert reached["state"] != "off"


# ---- colours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "color, rgb",
    [
        ("red", (255, 0, 0)),
        ("  Warm White ", (255, 214, 170)),
        ("#00ff80", (0, 255, 128)),
        ("#ABCDEF", (171, 205, 239)),
        ([1, 2, 3], (1, 2, 3)),
        ((0, 0, 0), (0, 0, 0)),
        ([255, 255, 255], (255, 255, 255)),
    ],
)
def test_to_rgb_reads_names_hex_and_triples(color, rgb):
    assert to_rgb(color) == rgb


@pytest.mark.parametrize("color", ["", "reddish", "#fff", "#12345678", [1, 2], [1, 2, 3, 4], [-1, 0, 0],
                                   [0, 0, 256], [0.5, 0, 0], ["a", "b", "c"]])
def test_to_rgb_raises_value_error_for_anything_else(color):
    with pytest.raises(ValueError):
        to_rgb(color)


@pytest.mark.parametrize(
    "rgb, name",
    [
        ((255, 0, 0), "red"),
        ((250, 10, 10), "red"),
        ((0, 0, 120), "navy"),
        ((254, 213, 171), "warm white"),
        ((0, 255, 255), "cyan"),
        ((0, 0, 0), "navy"),
        ((255, 255, 250), "white"),
    ],
)
def test_nearest_color_name(rgb, name):
    assert nearest_color_name(rgb) == name


@pytest.mark.parametrize("name", sorted(NAMED_COLORS))
def test_every_named_colour_is_its_own_nearest_name_or_an_alias_of_it(name):
    assert NAMED_COLORS[nearest_color_name(NAMED_COLORS[name])] == NAMED_COLORS[name]


@pytest.mark.parametrize("rgb, text", [((255, 0, 0), "#ff0000"), ((0, 15, 255), "#000fff"), ((1, 2, 3), "#010203")])
def test_rgb_to_hex_and_back(rgb, text):
    assert rgb_to_hex(rgb) == text
    assert to_rgb(text) == rgb


@pytest.mark.parametrize(
    "name, after_round_trip",
    [(name, name) for name, rgb in NAMED_COLORS.items() if max(rgb) == 255 and name != "aqua"]
    + [
        # xy carries no brightness: a dark colour comes back as the same hue at full brightness.
        ("aqua", "cyan"),
        ("navy", "blue"),
        ("teal", "cyan"),
        ("purple", "magenta"),
        ("indigo", "magenta"),
        ("brown", "coral"),
        ("crimson", "crimson"),
        ("lime", "lime"),
        ("turquoise", "turquoise"),
        ("lavender", "lavender"),
        ("salmon", "salmon"),
        ("violet", "violet"),
    ],
)
def test_named_colours_survive_rgb_to_xy_and_back(name, after_round_trip):
    x, y = rgb_to_xy(NAMED_COLORS[name])
    assert nearest_color_name(xy_to_rgb(x, y)) == after_round_trip


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), st.integers(0, 255), st.integers(0, 2))
def test_full_brightness_colours_round_trip_through_xy_within_two_steps(a, b, full):
    rgb = [a, b]
    rgb.insert(full, 255)
    back = xy_to_rgb(*rgb_to_xy(tuple(rgb)))  # type: ignore[arg-type]
    assert all(abs(p - q) <= 2 for p, q in zip(rgb, back, strict=False))


@settings(max_examples=200, deadline=None)
@given(st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)))
def test_xy_is_always_within_the_unit_square_and_back_gives_valid_rgb(rgb):
    x, y = rgb_to_xy(rgb)
    assert 0 <= x <= 1 and 0 <= y <= 1
    assert all(0 <= c <= 255 for c in xy_to_rgb(x, y))


def test_black_has_the_white_point_and_y_zero_gives_black():
    assert rgb_to_xy((0, 0, 0)) == (0.3127, 0.3290)
    assert xy_to_rgb(0.3, 0.0) == (0, 0, 0)


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("red", "red", True),
        ("Red", [250, 5, 5], True),
        ("warm white", [255, 214, 170], True),
        ("aqua", "cyan", True),
        ("red", "crimson", False),
        ("white", "warm white", False),
        ("#0000ff", "blue", True),
    ],
)
def test_same_color_compares_by_nearest_name(a: Any, b: Any, same: bool):
    assert same_color(a, b) is same
    assert same_color(b, a) is same
