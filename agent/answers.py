"""Answers to questions about the home, from the states a get_state call read."""

from __future__ import annotations

from agent.wording import capital, display_name, name_list, number, state_phrase, unit_word
from devices.model import Device, Kind, State
from devices.registry import Registry


def answer_question(data: dict, registry: Registry) -> str:
    states: dict[str, State] = data["states"]
    devices = [registry.devices[d] for d in states]
    attribute, value, quantifier = data.get("attribute"), data.get("value"), data.get("quantifier", "one")
    if attribute in ("temperature", "target_temperature", "brightness", "volume"):
        return " ".join(_numeric_answer(d, states[d.id], attribute) for d in devices[:3])
    if value is None:
        return " ".join(capital(f"the {display_name(d)} is {state_phrase(d, states[d.id])}.") for d in devices[:4])
    matching = [d for d in devices if _has_value(d, states[d.id], attribute, value)]
    return _yes_no(devices, matching, quantifier, value, states)


def _numeric_answer(device: Device, state: State, attribute: str) -> str:
    name = display_name(device)
    if attribute == "temperature":
        reading = state.get("value") if device.kind is Kind.SENSOR else state.get("current_temperature")
        if reading is None:
            return f"I don't know the {name}'s temperature right now."
        unit = unit_word(device) if device.kind is Kind.SENSOR else " degrees"
        return capital(f"the {name} is {number(reading)}{unit}.")
    if attribute == "target_temperature":
        return capital(f"the {name} is set to {number(state.get('target_temperature'))} degrees.")
    if device.kind is Kind.LIGHT and state.get("state") == "off":
        return capital(f"the {name} is off.")
    return capital(f"the {name} is at {number(state.get(attribute))} percent.")


def _has_value(device: Device, state: State, attribute: str | None, value: object) -> bool:
    actual = state.get(attribute or "state")
    if device.kind is Kind.BINARY_SENSOR:
        if value in ("open", "closed"):
            return (actual == "on") == (value == "open")
        return actual == value
    if device.kind is Kind.MEDIA_PLAYER and value == "on":
        return actual in ("on", "playing", "paused")
    if device.kind is Kind.CLIMATE and value in ("on", "off"):
        return (state.get("mode") != "off") == (value == "on")
    return actual == value


def _yes_no(devices: list[Device], matching: list[Device], quantifier: str, value: object,
            states: dict[str, State]) -> str:
    others = [d for d in devices if d not in matching]
    if quantifier == "count":
        return f"{len(matching)} {'is' if len(matching) == 1 else 'are'} {value}" + (
            f": the {name_list(matching)}." if matching else ".")
    if quantifier == "which":
        if not matching:
            return f"None are {value}."
        return capital(f"the {name_list(matching)} {'is' if len(matching) == 1 else 'are'} {value}.")
    if quantifier == "all":
        if not others:
            return f"Yes, all {len(devices)} are {value}." if len(devices) > 1 else f"Yes, the {name_list(devices)} is {value}."
        return f"No, the {name_list(others)} {'is' if len(others) == 1 else 'are'} {state_phrase(others[0], states[others[0].id])}."
    if quantifier == "any" or len(devices) > 1:
        if matching:
            return f"Yes, the {name_list(matching)} {'is' if len(matching) == 1 else 'are'} {value}."
        return f"No, none are {value}."
    device = devices[0]
    phrase = state_phrase(device, states[device.id])
    return f"{'Yes' if matching else 'No'}, the {display_name(device)} is {phrase}."


