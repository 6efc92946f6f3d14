"""Home Assistant MQTT values ⇄ normalized values, per attribute, with Home Assistant's scales and defaults.

`read_value` takes what a value template rendered (text) and `write_value` gives what a command
template receives as `value`: payload words, brightness on `brightness_scale`, mireds within
`min_mireds`–`max_mireds` (or kelvin), fan speeds on `speed_range_min`–`speed_range_max` (Home
Assistant's `percentage_to_ranged_value` and back), positions between `position_closed` and
`position_open`. Availability lists follow `availability_mode` (all, any, latest).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from devices.binding import AvailabilityReader
from devices.ha_templates import TemplateError, render_value
from devices.model import Device, Kind
from devices.zigbee2mqtt_values import is_number, kelvin_from_mired

MIREDS = (153, 500)
"""Home Assistant's default `min_mireds` / `max_mireds`."""
KELVINS = (2000, 6535)
"""Home Assistant's default `min_kelvin` / `max_kelvin`."""
_MODES = ("all", "any", "latest")


def state_words(kind: Kind, config: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """(what the device reports → normalized state, normalized state → what to send)."""
    def get(key: str, default: str) -> str:
        return str(config.get(key, default))

    if kind is Kind.COVER:
        return ({get("state_open", "open"): "open", get("state_opening", "opening"): "open",
                 get("state_closed", "closed"): "closed", get("state_closing", "closing"): "closed"},
                {"open": get("payload_open", "OPEN"), "closed": get("payload_close", "CLOSE")})
    if kind is Kind.LOCK:
        return ({get("state_locked", "LOCKED"): "locked", get("state_unlocked", "UNLOCKED"): "unlocked"},
                {"locked": get("payload_lock", "LOCK"), "unlocked": get("payload_unlock", "UNLOCK")})
    on, off = get("payload_on", "ON"), get("payload_off", "OFF")
    return {get("state_on", on): "on", get("state_off", off): "off"}, {"on": on, "off": off}


def read_value(device: Device, config: dict[str, Any], attribute: str, text: str) -> Any:
    """The normalized value of a rendered state value, or None when it is not one (unknown, `None`, empty)."""
    if attribute == "state":
        return state_words(device.kind, config)[0].get(text)
    if attribute == "mode":
        return text if text in device.modes else None
    number = _number(text)
    if number is None:
        return text if attribute == "value" and text not in ("", "None", "unknown") else None
    if attribute == "brightness":
        return _percent(number * 100 / _float(config.get("brightness_scale"), 255))
    if attribute == "color_temp":
        return (round(number) if config.get("color_temp_kelvin") else kelvin_from_mired(number)) if number > 0 else None
    if attribute == "percentage":
        low, high = speed_range(config)
        return None if number < low - 1 else _percent((number - low + 1) * 100 // (high - low + 1))
    if attribute == "position":
        closed, opened = _float(config.get("position_closed"), 0), _float(config.get("position_open"), 100)
        return _percent((number - closed) * 100 / ((opened - closed) or 100))
    return float(number) if attribute in ("target_temperature", "current_temperature") else number


def write_value(device: Device, config: dict[str, Any], attribute: str, value: Any) -> Any:
    """The value Home Assistant hands the command template (and sends when there is none)."""
    if attribute == "state":
        return state_words(device.kind, config)[1][value]
    if attribute == "brightness":
        return round(value * _float(config.get("brightness_scale"), 255) / 100)
    if attribute == "color_temp":
        return color_temp_value(config, value)
    if attribute == "percentage":
        low, high = speed_range(config)
        return math.ceil((high - low + 1) * value / 100) + low - 1
    if attribute == "position":
        closed, opened = _float(config.get("position_closed"), 0), _float(config.get("position_open"), 100)
        return round(closed + value * (opened - closed) / 100)
    return value


def color_temp_value(config: dict[str, Any], kelvin: int) -> int:
    """Kelvin as the light takes it: mireds (or kelvin) clamped to the light's own range."""
    if config.get("color_temp_kelvin"):
        low, high = _float(config.get("min_kelvin"), KELVINS[0]), _float(config.get("max_kelvin"), KELVINS[1])
        return round(min(high, max(low, kelvin)))
    low, high = _float(config.get("min_mireds"), MIREDS[0]), _float(config.get("max_mireds"), MIREDS[1])
    return round(min(high, max(low, 1_000_000 / kelvin)))


def speed_range(config: dict[str, Any]) -> tuple[int, int]:
    low, high = int(_float(config.get("speed_range_min"), 1)), int(_float(config.get("speed_range_max"), 100))
    return (low, high) if high >= low >= 1 else (1, 100)


def availability(config: dict[str, Any]) -> tuple[dict[str, AvailabilityReader], str]:
    """Availability topic → reader, and how several combine (`availability_mode`, default latest)."""
    entries = config.get("availability")
    if not isinstance(entries, list):
        single = config.get("availability_topic")
        entries = [{"topic": single, "value_template": config.get("availability_template"),
                    "payload_available": config.get("payload_available", "online"),
                    "payload_not_available": config.get("payload_not_available", "offline")}] if single else []
    readers: dict[str, AvailabilityReader] = {}
    for entry in entries:
        topic, template = entry.get("topic"), entry.get("value_template")
        if isinstance(topic, str):
            words = {str(entry.get("payload_available", "online")): True,
                     str(entry.get("payload_not_available", "offline")): False}
            readers[topic] = _availability_reader(words, template if isinstance(template, str) else None)
    mode = config.get("availability_mode", "latest")
    return readers, mode if mode in _MODES else "latest"


def _availability_reader(words: dict[str, bool], template: str | None) -> Callable[[bytes], bool | None]:
    def read(raw: bytes) -> bool | None:
        try:
            return words.get(render_value(template, raw.decode("utf-8", "replace").strip()))
        except TemplateError:
            return None
    return read


def _number(text: str) -> float | int | None:
    try:
        value: float | int = float(text) if any(c in text for c in ".eEn") else int(text)
    except ValueError:
        return None
    return value if is_number(value) else None


def _float(value: Any, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def _percent(value: float) -> int:
    return min(100, max(0, round(value)))
