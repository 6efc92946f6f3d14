"""The household file: the shipped example and the shared households load; broken files say what is wrong.

Also the registry built from a household: selection, discovery merges and the state store.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import TINY_HOME, ha_home, maple, tiny

from devices.errors import ConfigError, UnknownDevice
from devices.household import EXAMPLE_HOME, Household, load_household, parse_household
from devices.model import READ_ONLY_KINDS, Device, Kind, validate_change
from devices.registry import Registry, StateStore


def households() -> list[Any]:
    return [
        pytest.param(maple, id="maple-house"),
        pytest.param(ha_home, id="ha-fixture"),
        pytest.param(lambda: load_household(None), id="example"),
        pytest.param(tiny, id="tiny-inline"),
    ]


# ---- the households that ship or are shared ---------------------------------------------------


def test_maple_house_loads_with_its_floors_areas_devices_and_routines():
    home = maple()
    assert home.home.name == "Maple House"
    assert home.home.timezone == "Europe/London"
    assert home.home.quiet_hours == {"start": "21:30", "end": "07:00"}
    assert [f.id for f in home.floors] == ["ground", "upstairs", "outside"]
    assert len(home.areas) == 10 and len(home.devices) == 34
    assert {r.id for r in home.routines} == {"good_morning", "movie_time", "good_night"}
    assert {p.id for p in home.people} == {"alex", "sam", "emma"}
    assert home.source.endswith("home.toml")


def test_maple_house_device_fields_are_read_as_written():
    devices = {d.id: d for d in maple().devices}
    thermostat = devices["living_thermostat"]
    assert thermostat.kind is Kind.CLIMATE
    assert (thermostat.min_temp, thermostat.max_temp) == (7, 28)
    assert thermostat.modes == ["off", "heat", "auto"]
    assert devices["front_door"].sensitive and devices["garage_door"].device_class == "garage"
    assert devices["kitchen_ceiling"].aliases == ["kitchen light", "big light in the kitchen"]
    assert devices["kitchen_ceiling"].topic == "zigbee2mqtt/kitchen_ceiling"
    assert devices["kitchen_ceiling"].initial == {"state": "off", "brightness": 80, "color_temp": 4000}


def test_maple_house_routines_and_schedule():
    home = maple()
    night = next(r for r in home.routines if r.id == "good_night")
    assert night.at == "23:30" and night.aliases == ["bedtime", "night mode"]
    assert night.actions[0].area == "*" and night.actions[0].kind == "light"
    assert night.actions[1].device == "front_door" and night.actions[1].set == {"state": "locked"}
    dentist = next(s for s in home.schedule if s.title == "Dentist appointment")
    assert (dentist.date, dentist.start, dentist.end, dentist.person) == ("2026-11-27", "15:30", "16:15", "emma")


def test_home_assistant_fixture_loads():
    home = ha_home()
    assert len(home.devices) > 50
    assert {a.id for a in home.areas} >= {"kitchen", "living_room", "bedroom"}


def test_no_path_means_the_shipped_example():
    home = load_household(None)
    assert Path(home.source) == EXAMPLE_HOME
    assert home.devices and home.areas
    assert load_household("").source == home.source


def test_a_mqtt_table_sets_the_topic(tmp_path: Path):
    file = tmp_path / "home.toml"
    file.write_text('[[devices]]\nid = "a"\nname = "A"\nkind = "switch"\nmqtt = { topic = "tasmota/a" }\n')
    assert load_household(file).devices[0].topic == "tasmota/a"


@pytest.mark.parametrize("load", households())
def test_every_reference_in_a_household_resolves(load):
    home: Household = load()
    floors, areas, devices = {f.id for f in home.floors}, {a.id for a in home.areas}, {d.id for d in home.devices}
    assert all(a.floor in floors for a in home.areas if a.floor)
    assert all(d.area in areas for d in home.devices if d.area)
    assert len(devices) == len(home.devices)
    for routine in home.routines:
        for action in routine.actions:
            assert action.device in devices or action.area == "*" or action.area in areas


@pytest.mark.parametrize("load", households())
def test_every_initial_state_is_one_the_device_can_take(load):
    for device in load().devices:
        if device.kind in READ_ONLY_KINDS:
            assert set(device.initial) <= set(device.attributes()), device.id
            continue
        settable = {k: v for k, v in device.initial.items() if k != "current_temperature"}
        validate_change(device, settable)


# ---- broken files: ConfigError naming the file and the problem ---------------------------------

DEVICE = '[[devices]]\nid = "lamp"\nname = "Lamp"\nkind = "light"\n'


@pytest.mark.parametrize(
    "text, says",
    [
        ("[home\nname = 'x'", "not valid TOML"),
        ("name = = 1", "not valid TOML"),
        ('[[devices]]\nid = "a"\nname = "A"\nkind = "toaster"\n', "devices[0].kind must be one of"),
        ('[[devices]]\nid = "a"\nname = "A"\n', "devices[0].kind must be one of"),
        (DEVICE + 'area = "attic"\n', "device 'lamp' names unknown area 'attic'"),
        ('[[areas]]\nid = "k"\nname = "K"\nfloor = "roof"\n', "area 'k' names unknown floor 'roof'"),
        (DEVICE + DEVICE, "device ids used twice: lamp"),
        ('[[devices]]\nname = "A"\nkind = "light"\n', "devices[0]"),
        (DEVICE + "colour = 'red'\n", "colour"),
        ('[home]\nnmae = "x"\n', "nmae"),
        ('home = "x"\n', "home must be a table"),
        ('areas = "kitchen"\n', "[[areas]] must be an array of tables"),
        ('floors = [1]\n', "floors[0] must be a table"),
        ('[[routines]]\nid = "r"\nname = "R"\nactions = [1]\n', "routines[0].actions must be a table"),
        ('[[routines]]\nid = "r"\nactions = []\n', "name"),
        ('[[people]]\nid = "p"\n', "people[0]"),
        ('[[schedule]]\ntitle = "t"\n', "start"),
    ],
)
def test_broken_household_files_raise_config_error_naming_file_and_problem(tmp_path: Path, text: str, says: str):
    file = tmp_path / "broken.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_household(file)
    assert str(file) in str(raised.value)
    assert says in str(raised.value)


def test_a_missing_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="household file not found") as raised:
        load_household(tmp_path / "nowhere.toml")
    assert "nowhere.toml" in str(raised.value)


def test_a_directory_or_undecodable_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read household file"):
        load_household(tmp_path)
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'[home]\nname = "Caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"latin\.toml"):
        load_household(latin)


@pytest.mark.parametrize(
    "text",
    [
        'devices = "lamp"\n',
        "devices = [1]\n",
        'routines = "bedtime"\n',
        DEVICE + 'mqtt = "zigbee2mqtt/lamp"\n',
        DEVICE + 'area = ["kitchen"]\n',
        '[[floors]]\nid = "f"\nname = "F"\n[[areas]]\nid = "k"\nname = "K"\nfloor = ["f"]\n',
    ],
)
def test_wrong_shapes_are_config_errors_not_other_exceptions(tmp_path: Path, text: str):
    file = tmp_path / "shape.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"shape\.toml"):
        load_household(file)


@pytest.mark.parametrize(
    "path, value",
    [
        (("devices", 0, "name"), 5),
        (("devices", 0, "aliases"), "lamp"),
        (("areas", 0, "aliases"), "snug"),
        (("home", "timezone"), "Mars/Olympus"),
    ],
)
def test_values_of_the_wrong_type_are_config_errors(path: tuple, value: Any):
    data = copy.deepcopy(TINY_HOME)
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    with pytest.raises(ConfigError):
        parse_household(data, "tiny.toml")


def test_parse_household_names_its_source():
    with pytest.raises(ConfigError, match=r"^my-home: device 'a' names unknown area 'x'"):
        parse_household({"devices": [{"id": "a", "name": "A", "kind": "switch", "area": "x"}]}, "my-home")


def test_an_empty_household_is_allowed():
    home = parse_household({})
    assert (home.devices, home.areas, home.home.name) == ([], [], "Home")


# ---- the registry ----------------------------------------------------------------------------


def test_registry_starts_from_the_initial_states():
    registry = Registry.from_household(tiny())
    assert registry.state("den_lamp") == {"state": "off", "brightness": 50, "color": "white"}
    assert registry.device("kettle").sensitive
    assert registry.area_name("den") == "Den" and registry.area_name("nowhere") is None
    assert registry.floor_of(registry.device("porch_light")) == "main"


def test_registry_state_is_a_copy():
    registry = Registry.from_household(tiny())
    registry.state("den_lamp")["state"] = "on"
    assert registry.state("den_lamp")["state"] == "off"


def test_unknown_device_id_raises_unknown_device():
    with pytest.raises(UnknownDevice, match="sauna"):
        Registry.from_household(tiny()).device("sauna")


@pytest.mark.parametrize(
    "kinds, area, floor, ids",
    [
        ([Kind.LIGHT], "den", None, {"den_lamp", "den_ceiling"}),
        ([Kind.LIGHT], None, None, {"den_lamp", "den_ceiling", "porch_light"}),
        ([Kind.LIGHT], None, "main", {"den_lamp", "den_ceiling", "porch_light"}),
        ([Kind.COVER], "porch", None, {"porch_gate"}),
        ([Kind.LOCK, Kind.COVER], "porch", None, {"side_door", "porch_gate"}),
        (None, "loft", None, {"loft_blinds", "loft_fan"}),
        ([Kind.SENSOR], None, None, set()),
        ([Kind.LIGHT], "loft", None, set()),
        ([Kind.LIGHT], None, "cellar", set()),
    ],
)
def test_select_by_kind_area_and_floor(kinds, area, floor, ids):
    registry = Registry.from_household(tiny())
    assert {d.id for d in registry.select(kinds, area=area, floor=floor)} == ids


def test_add_discovered_adds_a_new_device_and_bumps_the_version():
    registry = Registry.from_household(tiny())
    added = registry.add_discovered(Device("0x01", "New plug", Kind.SWITCH))
    assert registry.devices["0x01"] is added and registry.version == 1


@pytest.mark.parametrize(
    "found",
    [
        Device("den_lamp", "Hue bulb", Kind.LIGHT, area="porch", features=["brightness", "color_temp"]),
        Device("0xabc", "Hue bulb", Kind.LIGHT, features=["color_temp"], topic="zigbee2mqtt/den_lamp"),
    ],
    ids=["same-id", "same-topic"],
)
def test_add_discovered_merges_features_and_keeps_the_household_name_and_area(found: Device):
    registry = Registry.from_household(tiny())
    merged = registry.add_discovered(found)
    assert merged is registry.devices["den_lamp"]
    assert (merged.name, merged.area) == ("Reading lamp", "den")
    assert merged.features == ["brightness", "color", "color_temp"]
    assert registry.version == 0 and "0xabc" not in registry.devices


def test_state_store_merges_updates_and_tells_listeners_about_real_changes():
    store = StateStore()
    heard: list[tuple[str, dict, dict]] = []
    store.add_listener(lambda device_id, old, new: heard.append((device_id, old, new)))
    store.update("lamp", {"state": "on", "brightness": 10})
    store.update("lamp", {"brightness": 20})
    store.update("lamp", {"brightness": 20})
    assert store.get("lamp") == {"state": "on", "brightness": 20}
    assert heard == [("lamp", {}, {"state": "on", "brightness": 10}),
                     ("lamp", {"state": "on", "brightness": 10}, {"state": "on", "brightness": 20})]
    assert store.snapshot() == {"lamp": {"state": "on", "brightness": 20}}
    assert store.get("unknown") == {}


def test_state_store_availability_defaults_to_online():
    store = StateStore()
    assert store.is_online("lamp")
    store.set_online("lamp", False)
    assert not store.is_online("lamp")


@pytest.mark.parametrize(
    "state, expected, matches",
    [
        ({"state": "on", "brightness": 40}, {"state": "on"}, True),
        ({"target_temperature": 21.0}, {"target_temperature": 21.04}, True),
        ({"target_temperature": 21.0}, {"target_temperature": 21.1}, False),
        ({"target_temperature": 21}, {"target_temperature": 21.0}, True),
        ({"state": "on"}, {"state": "on", "brightness": 40}, False),
        ({"state": "on"}, {}, True),
    ],
)
def test_state_store_matches(state, expected, matches):
    store = StateStore()
    store.update("d", state)
    assert store.matches("d", expected) is matches


def test_wait_for_returns_when_another_thread_changes_the_state():
    store = StateStore()
    timer = threading.Timer(0.05, lambda: store.update("lamp", {"state": "on"}))
    timer.start()
    try:
        assert store.wait_for(lambda: store.matches("lamp", {"state": "on"}), timeout=5)
    finally:
        timer.cancel()
    assert not store.wait_for(lambda: store.matches("lamp", {"state": "off"}), timeout=0.01)
