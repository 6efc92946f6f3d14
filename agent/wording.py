"""Words for devices and their states, shared by command replies and answers to questions."""

from __future__ import annotations

from agent.lexicon import BINARY_CLASS_WORDS
from devices.model import Device, Kind, State


def state_phrase(device: Device, state: State) -> str:
    kind = device.kind
    if kind is Kind.CLIMATE:
        if state.get("mode") == "off":
            return "off"
        return f"set to {number(state.get('target_temperature', 0))} degrees"
    if kind is Kind.LIGHT and state.get("state") == "on":
        extras = []
        if device.has("brightness") and "brightness" in state and state["brightness"] != 100:
            extras.append(f"at {state['brightness']} percent")
        if device.has("color") and state.get("color") not in (None, "white"):
            extras.append(str(state["color"]))
        return "on" + (" " + " and ".join(extras) if extras else "")
    if kind is Kind.COVER and 0 < state.get("position", 0) < 100:
        return f"{state['position']} percent open"
    if kind is Kind.MEDIA_PLAYER:
        words = [str(state.get("state", "on"))]
        if state.get("muted"):
            words.append("muted")
        elif "volume" in state and state.get("state") != "off":
            words.append(f"at volume {state['volume']}")
        return " ".join(words)
    if kind is Kind.FAN and state.get("state") == "on" and "percentage" in state:
        return f"on at {state['percentage']} percent"
    if kind is Kind.SENSOR:
        return f"{number(state.get('value'))}{unit_word(device)}"
    if kind is Kind.BINARY_SENSOR:
        on_word, off_word = binary_words(device)
        return on_word if state.get("state") == "on" else off_word
    return str(state.get("state", "unknown"))


def binary_words(device: Device) -> tuple[str, str]:
    """The words for a binary sensor's on and off states ("open"/"closed", "detected"/"clear")."""
    return BINARY_CLASS_WORDS.get(device.device_class or "", ("on", "off"))


def display_name(device: Device) -> str:
    """Names read mid-sentence: "the kitchen light", but "the TV" stays as written."""
    name = device.name
    if len(name) > 1 and name[0].isupper() and not name[1].isupper() and " " not in name[:1]:
        first, _, rest = name.partition(" ")
        return (first.lower() if first.istitle() and not rest[:1].isupper() else first) + (" " + rest if rest else "")
    return name


def name_list(devices: list[Device]) -> str:
    names = list(dict.fromkeys(display_name(d) for d in devices))
    if len(names) > 4:
        return f"{len(names)} devices"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def unit_word(device: Device) -> str:
    unit = (device.unit or "").strip()
    if unit in ("C", "°C"):
        return " degrees"
    if unit in ("F", "°F"):
        return " degrees Fahrenheit"
    if unit == "%":
        return " percent"
    return f" {unit}" if unit else ""


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
