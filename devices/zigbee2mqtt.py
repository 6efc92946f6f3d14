"""Zigbee2MQTT payloads ⇄ normalized state (shared/eval/README.md), in both directions.

The assistant encodes commands for `<topic>/set` and decodes the retained state on `<topic>`;
the virtual home does the reverse. A discovered device carries a `Wire` (from its exposes:
devices/zigbee2mqtt_exposes.py) naming its own properties and ranges; without one, the classic
conventions per kind:

| kind | on the wire |
| --- | --- |
| light | `state` ON/OFF, `brightness` 0–254, `color_temp` mireds, `color` {x, y} (set: {hex}; read: {hex} / {r, g, b} / {x, y}) |
| switch | `state` ON/OFF |
| fan | `state` ON/OFF and `percentage` 0–100; read also `fan_state` and `fan_mode` (off/low/medium/high) |
| cover | set `state` OPEN/CLOSE, read `state` OPEN/CLOSED; `position` 0–100 |
| lock | `state` LOCK/UNLOCK; read also `lock_state` locked/unlocked |
| climate | `system_mode`, `occupied_heating_setpoint` (read also `current_heating_setpoint`), `local_temperature` |
| media_player | `state` ON/OFF/PLAYING/PAUSED, `volume` 0–100, `mute` bool; set also `media_command` next/previous |
| sensor | the value under its device class (`temperature`, `humidity`, …), else `value` |
| binary_sensor | `contact` (false = open = on), `occupancy`, `water_leak`, `smoke`, `presence`, else `state` ON/OFF |

With a Wire, a colour temperature is clamped to the bulb's own mired range, and a fan whose speed
is a `fan_mode` enum is sent the speed (or preset) words that enum holds.

Real bulbs report colour as x/y only, so names that differ only in lightness (purple and
magenta) read back as the brighter one; the virtual home adds `hex` so names survive.
"""

from __future__ import annotations

import json
from typing import Any

from devices.binding import AvailabilityReader, Binding, Message
from devices.errors import InvalidChange
from devices.model import Device, Kind, State, writable_attributes
from devices.zigbee2mqtt_values import FAN_MODES, decode_value, encode_value, value_keys
from devices.zigbee2mqtt_wire import CLASSIC, Wire, running_word, speed_word

BRIDGE_STATE_TOPIC = "zigbee2mqtt/bridge/state"
MEDIA_COMMANDS = ("next", "previous")


# ---- assistant side --------------------------------------------------------------------------

def encode_command(device: Device, change: State, wire: Wire = CLASSIC,
                   last_speed: float | None = None) -> dict[str, Any]:
    """A validated normalized change as the JSON object for `<topic>/set`.

    `last_speed`: the fan's last running percentage, for a fan switched on through its mode alone.
    """
    if device.kind is Kind.FAN and wire.fan_mode is not None:
        return _encode_mode_fan(wire, change, last_speed)
    payload = {value_keys(device, wire, a)[0]: encode_value(device, wire, a, v) for a, v in change.items()}
    if "color" in change:
        key = value_keys(device, wire, "color")[0]
        payload[key] = {"hex": payload[key]["hex"]}
    return payload


def _encode_mode_fan(wire: Wire, change: State, last_speed: float | None) -> dict[str, Any]:
    """A fan set through its `fan_mode` enum: a speed implies on; on alone is its on/off property or a mode."""
    mode, switch = wire.get("percentage"), wire.get("state")
    assert mode is not None
    percentage = change.get("percentage")
    if change.get("state") == "off" or percentage == 0:
        return {switch.key: switch.off} if switch is not None else {mode.key: "off"}
    if percentage:
        return {mode.key: speed_word(mode, percentage)}
    if switch is not None:
        return {switch.key: switch.on}
    return {mode.key: running_word(mode, last_speed)}


def media_command(command: str) -> dict[str, str]:
    return {"media_command": command}


def decode_state(device: Device, payload: Any, wire: Wire = CLASSIC) -> State:
    """The normalized attributes found in a state payload; unknown keys and wrong values are skipped.

    Raises TypeError when the payload is not a JSON object, ValueError when every property the
    device reports by has a wrong value (garbage, as opposed to a message about something else).
    """
    if not isinstance(payload, dict):
        raise TypeError(f"a Zigbee2MQTT state is a JSON object, not {type(payload).__name__}")
    state: State = {}
    known = False
    for attribute in device.attributes():
        for key in value_keys(device, wire, attribute):
            known = known or key in payload
            if key in payload and (value := decode_value(device, wire, attribute, key, payload[key])) is not None:
                state[attribute] = value
                break
    if known and not state:
        raise ValueError(f"no usable value in {payload!r:.200}")
    if device.kind is Kind.COVER and "state" not in state and "position" in state:
        state["state"] = "open" if state["position"] > 0 else "closed"
    return state


def binding(device: Device, wire: Wire = CLASSIC, bridge_state: str | None = None) -> Binding:
    """The Zigbee2MQTT binding: state retained on `<topic>`, commands on `<topic>/set`.

    The device is available while neither its own availability topic nor the bridge's state
    (`bridge_state`, default `zigbee2mqtt/bridge/state` for devices under `zigbee2mqtt/`) says offline.
    """
    speed: dict[str, float] = {}

    def read(raw: bytes) -> State:
        state = decode_state(device, json.loads(raw), wire)
        if state.get("percentage"):
            speed["last"] = state["percentage"]
        return state

    def command(change: State) -> list[Message]:
        payload = encode_command(device, change, wire, speed.get("last"))
        return [(f"{device.topic}/set", json.dumps(payload).encode())]

    def media(name: str) -> list[Message]:
        return [(f"{device.topic}/set", json.dumps(media_command(name)).encode())]

    if bridge_state is None and device.topic.startswith("zigbee2mqtt/"):
        bridge_state = BRIDGE_STATE_TOPIC
    availability: dict[str, AvailabilityReader] = {f"{device.topic}/availability": read_availability}
    if bridge_state:
        availability[bridge_state] = read_availability
    return Binding(
        device,
        readers={device.topic: read},
        command=command,
        availability=availability,
        availability_mode="all",
        media=media if device.kind is Kind.MEDIA_PLAYER else None,
        complete=True,
        expected=lambda change: decode_state(device, encode_command(device, change, wire, speed.get("last")), wire),
    )


def read_availability(raw: bytes) -> bool | None:
    """`{"state": "online"}` (Zigbee2MQTT ≥ 1.22) or the legacy plain `online` / `offline`."""
    text = raw.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text).get("state", ""))
        except (ValueError, AttributeError):
            return None
    return {"online": True, "offline": False}.get(text.lower())


# ---- device side (the virtual home) ----------------------------------------------------------

def encode_state(device: Device, state: State) -> dict[str, Any]:
    """A normalized state as the retained JSON object a Zigbee2MQTT device publishes."""
    return {value_keys(device, CLASSIC, a)[0]: encode_value(device, CLASSIC, a, v)
            for a, v in state.items() if a in device.attributes()}


def decode_command(device: Device, payload: Any) -> tuple[State, str | None]:
    """A `<topic>/set` object as (normalized change, media command); InvalidChange when the device can't."""
    if not isinstance(payload, dict):
        raise InvalidChange(f"{device.id}: a set payload is a JSON object")
    keys = {value_keys(device, CLASSIC, attribute)[0]: attribute for attribute in writable_attributes(device)}
    change: State = {}
    media: str | None = None
    for key, value in payload.items():
        if key == "media_command" and device.kind is Kind.MEDIA_PLAYER and value in MEDIA_COMMANDS:
            media = value
            continue
        if key == "fan_mode" and device.kind is Kind.FAN and value in FAN_MODES:
            change["state"] = "off" if value == "off" else "on"
            if device.has("percentage"):
                change["percentage"] = FAN_MODES[value]
            continue
        attribute = keys.get(key)
        if attribute is None:
            raise InvalidChange(f"{device.id}: no converter available for '{key}'")
        decoded = decode_value(device, CLASSIC, attribute, key, value)
        if decoded is None:
            raise InvalidChange(f"{device.id}: invalid value {value!r} for '{key}'")
        change[attribute] = decoded
    return change, media
