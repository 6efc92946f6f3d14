"""A climate device switched on is put in a mode that does what the words said it is for.

"Turn on the heating" heats and "turn on the air conditioning" cools, whatever order the device lists its modes
in (a heat pump's are often "off, cool, heat"); a word that says neither ("turn on the heat pump" has "heat",
"the loft unit" has none) leaves the device's own first mode that is not off. Each rule runs on Hazel Court and
on the example home, each given a heat pump of modes off, cool, heat, auto in one of its rooms.
"""

from __future__ import annotations

import tomllib

import pytest

from devices.household import EXAMPLE_HOME, Household, parse_household
from helpers import HOMES, context, matcher_for

HEAT_PUMP = {"id": "heat_pump", "name": "Wall unit", "aliases": ["air conditioning", "heating"], "kind": "climate",
             "modes": ["off", "cool", "heat", "auto"], "min_temp": 16, "max_temp": 30,
             "initial": {"mode": "off", "target_temperature": 21.0, "current_temperature": 22.0}}
ROOMS = {"hazel": (HOMES / "hazel_court.toml", "study"), "example": (EXAMPLE_HOME, "kitchen")}


def _with_heat_pump(home: str) -> tuple[Household, str]:
    path, area = ROOMS[home]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["devices"] = [d for d in data["devices"] if d["kind"] != "climate" or d["area"] != area]
    data["devices"].append({**HEAT_PUMP, "area": area})
    return parse_household(data, home), area


@pytest.mark.parametrize("home", list(ROOMS))
@pytest.mark.parametrize(("text", "mode"), [
    ("turn on the heating", "heat"),
    ("switch the heating on", "heat"),
    ("turn on the air conditioning", "cool"),
    ("put the air conditioning on", "cool"),
    ("turn on the wall unit", "cool"),
])
def test_a_climate_device_switched_on_is_put_in_the_mode_its_words_mean(home: str, text: str, mode: str):
    household, area = _with_heat_pump(home)
    plan = matcher_for(household).match(text, context(area))
    assert [(call.devices, call.changes) for call in plan.calls] == [(("heat_pump",), {"mode": mode})]
