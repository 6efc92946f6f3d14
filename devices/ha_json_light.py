"""Home Assistant's JSON-schema light (`schema: json`): one JSON object in each direction.

State `{"state": "ON", "brightness": 128, "color_temp": 370, "color": {...}}` on the state
topic; the same shape on the command topic. Brightness is on `brightness_scale` (255); colour
temperature in mireds, clamped to `min_mireds`–`max_mireds`, or kelvin with `color_temp_kelvin`;
colour in the first of the light's `supported_color_modes` homebody can write (xy, hs, rgb).
"""

from __future__ import annotations

import colorsys
import json
from typing import Any

from devices.binding import Binding, Message
from devices.colors import rgb_to_xy, to_rgb
from devices.ha_values import availability, color_temp_value
from devices.model import Device, State
from devices.zigbee2mqtt_values import decode_color, is_number, kelvin_from_mired

_COLOR_MODES = {"hs", "xy", "rgb", "rgbw", "rgbww"}


def json_light_features(config: dict[str, Any]) -> list[str]:
    modes = set(config.get("supported_color_modes") or [])
    features = []
    if config.get("brightness") or modes - {"onoff"}:
        features.append("brightness")
    if config.get("color_temp") or "color_temp" in modes:
        features.append("color_temp")
    if modes & _COLOR_MODES:
        features.append("color")
    return features


def json_light_binding(device: Device, config: dict[str, Any]) -> Binding:
    readers, mode = availability(config)
    return Binding(device, {device.topic: lambda raw: read_json_light(config, raw)},
                   lambda change: command_json_light(config, change), readers, availability_mode=mode,
                   expected=lambda change: read_json_light(config, command_json_light(config, change)[0][1]))


def read_json_light(config: dict[str, Any], raw: bytes) -> State:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise TypeError("a JSON-schema light state is a JSON object")
    state: State = {}
    if data.get("state") in ("ON", "OFF"):
        state["state"] = data["state"].lower()
    if is_number(data.get("brightness")):
        scale = float(config.get("brightness_scale", 255))
        state["brightness"] = min(100, max(0, round(data["brightness"] * 100 / scale)))
    if is_number(data.get("color_temp")) and data["color_temp"] > 0:
        kelvin = config.get("color_temp_kelvin")
        state["color_temp"] = round(data["color_temp"]) if kelvin else kelvin_from_mired(data["color_temp"])
    if (color := decode_color(data.get("color"))) is not None:
        state["color"] = color
    return state


def command_json_light(config: dict[str, Any], change: State) -> list[Message]:
    body: dict[str, Any] = {}
    if "state" in change or change.keys() & {"brightness", "color", "color_temp"}:
        body["state"] = "OFF" if change.get("state") == "off" or change.get("brightness") == 0 else "ON"
    if "brightness" in change and body["state"] == "ON":
        body["brightness"] = round(change["brightness"] * float(config.get("brightness_scale", 255)) / 100)
    if "color_temp" in change:
        body["color_temp"] = color_temp_value(config, change["color_temp"])
    if "color" in change:
        body["color"] = _json_color(config, change["color"])
    return [(str(config.get("command_topic", "")), json.dumps(body).encode())]


def _json_color(config: dict[str, Any], color: Any) -> dict[str, Any]:
    rgb = to_rgb(color)
    modes = config.get("supported_color_modes") or []
    if "xy" in modes:
        x, y = rgb_to_xy(rgb)
        return {"x": x, "y": y}
    if "hs" in modes and "rgb" not in modes:
        hue, saturation, _ = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
        return {"h": round(hue * 360, 1), "s": round(saturation * 100, 1)}
    return {"r": rgb[0], "g": rgb[1], "b": rgb[2]}
