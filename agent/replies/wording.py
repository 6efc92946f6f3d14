"""Words for devices and their states, shared by command replies and answers to questions."""

from __future__ import annotations

import re
from datetime import date, datetime

from agent.understanding.language import language
from devices.colors import nearest_color_name
from devices.model import Device, Kind, State

_Q = language().questions
BINARY_PREDICATES, BINARY_STATE_WORDS, CLASS_NOUNS = _Q.binary_predicates, _Q.binary_state_words, _Q.class_nouns
KIND_STATE_WORDS, UNIT_WORDS = _Q.kind_state_words, _Q.unit_words

#: Kinds whose `state` is simply on or off (or more, for media players).
SWITCHED = (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER, Kind.CLIMATE)
POSSESSIVE_STARTS = {"my", "our", "your", "his", "her", "their"}
SINGULAR_S_ENDINGS = ("ss", "us", "is", "as", "ness", "ous")
"""Words ending in s that are not plurals: "glass", "status", "gas", "chassis"."""
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def state_phrase(device: Device, state: State, changed: frozenset[str] = frozenset()) -> str:
    """The state as words after "is": "on at 40 percent", "closed", "20.5 degrees".

    `changed` names attributes just set, so "warm white" is said when that is what was asked.
    """
    kind = device.kind
    if kind is Kind.CLIMATE:
        if state.get("mode") == "off":
            return "off"
        return f"set to {number(state.get('target_temperature', 0))} degrees"
    if kind is Kind.LIGHT and state.get("state") == "on":
        extras = []
        if device.has("brightness") and "brightness" in state and state["brightness"] != 100:
            extras.append(f"at {state['brightness']} percent")
        if device.has("color") and state.get("color") not in (None, "white") and "color_temp" not in changed:
            extras.append(color_word(state["color"]))
        if "color_temp" in changed and "color_temp" in state:
            extras.append(white_word(state["color_temp"]))
        return "on" + (" " + " and ".join(extras) if extras else "")
    if kind is Kind.COVER and 0 < state.get("position", 0) < 100:
        return f"{state['position']} percent open"
    if kind is Kind.MEDIA_PLAYER:
        words = [str(state.get("state", "on"))]
        if state.get("muted") and state.get("state") != "off":
            words.append("and muted")
        elif "volume" in state and state.get("state") != "off":
            words.append(f"at volume {state['volume']}")
        return " ".join(words)
    if kind is Kind.FAN and state.get("state") == "on" and "percentage" in state:
        return f"on at {state['percentage']} percent"
    if kind is Kind.SENSOR:
        return reading(device, state.get("value"))
    if kind is Kind.BINARY_SENSOR:
        phrase = binary_predicate(device, state.get("state") == "on")
        return phrase.removeprefix("is ")
    return str(state.get("state", "unknown"))


def white_word(kelvin: int) -> str:
    if kelvin <= 3200:
        return "warm white"
    return "cool white" if kelvin >= 4500 else "neutral white"


def predicate(device: Device, state: State) -> str:
    """The state as a predicate in the singular: "is on", "detects smoke", "has an update available"."""
    if device.kind is Kind.BINARY_SENSOR:
        if state.get("state") not in ("on", "off"):
            return "is unavailable"
        return binary_predicate(device, state.get("state") == "on")
    if device.kind is Kind.SENSOR:
        value = state.get("value")
        if value is None:
            return "has no reading"
        return ("reads " if _reads(device) else "is ") + ("on " if _is_date(device, value) else "") + reading(device, value)
    return "is " + state_phrase(device, state)


def short_predicate(device: Device, state: State) -> str:
    """The state in a word or two, for lists of devices: "is on", "is closed", "detects smoke"."""
    kind = device.kind
    if kind in (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER, Kind.LOCK):
        return f"is {state.get('state', 'unknown')}"
    if kind is Kind.COVER and not 0 < state.get("position", 0) < 100:
        return f"is {state.get('state', 'unknown')}"
    return predicate(device, state)


def binary_predicate(device: Device, on: bool) -> str:
    """What a binary sensor's on or off means for its device class ("is low", "is clear")."""
    on_words, off_words = BINARY_PREDICATES.get(device.device_class or "", ("is on", "is off"))
    return on_words if on else off_words


def binary_meaning(device: Device, word: object) -> bool | None:
    """Whether a word asks about this binary sensor being on (True) or off (False); None: not its word."""
    text = str(word).lower()
    meanings = BINARY_STATE_WORDS.get(text)
    device_class = device.device_class or ""
    if meanings is not None:
        if device_class in meanings:
            return meanings[device_class]
        if "*" in meanings:
            return meanings["*"]
    on_words, off_words = BINARY_PREDICATES.get(device_class, ("is on", "is off"))
    if text in (on_words, on_words.removeprefix("is ")):
        return True
    if text in (off_words, off_words.removeprefix("is ")):
        return False
    return None


def kind_value(device: Device, word: object) -> str | None:
    """The state value a word asks about for a controllable device ("running" -> "on"); None if it can't."""
    value = KIND_STATE_WORDS.get(str(word).lower())
    if value is None:
        return None
    kind = device.kind
    if value in ("on", "off"):
        return value if kind in SWITCHED else None
    if value in ("open", "closed"):
        return value if kind is Kind.COVER else None
    if value in ("locked", "unlocked"):
        return value if kind is Kind.LOCK else None
    return value if kind is Kind.MEDIA_PLAYER else None


def can_hold(device: Device, word: object) -> bool:
    """Whether a yes/no question about `word` makes sense for this device."""
    if device.kind is Kind.BINARY_SENSOR:
        return binary_meaning(device, word) is not None
    return kind_value(device, word) is not None


def holds(device: Device, state: State, word: object) -> bool | None:
    """Whether the device is in the state `word` asks about; None when the word doesn't apply to it."""
    if device.kind is Kind.BINARY_SENSOR:
        meaning = binary_meaning(device, word)
        return None if meaning is None else (state.get("state") == "on") == meaning
    value = kind_value(device, word)
    if value is None:
        return None
    kind = device.kind
    if kind is Kind.CLIMATE:
        return (state.get("mode", "off") != "off") == (value == "on")
    if kind is Kind.MEDIA_PLAYER:
        actual = state.get("state", "off")
        if value in ("on", "off"):
            return (actual != "off") == (value == "on")
        if value in ("muted", "unmuted"):
            return bool(state.get("muted")) == (value == "muted") and actual != "off"
        return actual == value
    return state.get("state") == value


def asked_predicate(device: Device, word: object) -> str:
    """The predicate a yes/no question asks about, for this device ("is low", "detects smoke", "is on")."""
    if device.kind is Kind.BINARY_SENSOR:
        meaning = binary_meaning(device, word)
        if meaning is not None:
            return binary_predicate(device, meaning)
    value = kind_value(device, word)
    return f"is {value or word}"


def conjugate(phrase: str, plural: bool) -> str:
    """A singular predicate made plural: "is low" -> "are low", "detects smoke" -> "detect smoke"."""
    if not plural:
        return phrase
    verb, _, rest = phrase.partition(" ")
    irregular = {"is": "are", "has": "have", "was": "were", "does": "do"}
    if verb in irregular:
        verb = irregular[verb]
    elif re.search(r"(ss|sh|ch|x|z)es$", verb):
        verb = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    return f"{verb} {rest}".strip()


def binary_words(device: Device) -> tuple[str, str]:
    """The words for a binary sensor's on and off states ("open"/"closed", "detected"/"clear")."""
    on_words, off_words = BINARY_PREDICATES.get(device.device_class or "", ("is on", "is off"))
    return on_words.removeprefix("is "), off_words.removeprefix("is ")


def display_name(device: Device) -> str:
    """Names read mid-sentence: "the kitchen light", but "the TV" stays as written."""
    name = device.name
    if len(name) > 1 and name[0].isupper() and not name[1].isupper() and " " not in name[:1]:
        first, _, rest = name.partition(" ")
        return (first.lower() if first.istitle() and not rest[:1].isupper() else first) + (" " + rest if rest else "")
    return name


def the_name(device: Device) -> str:
    """The device's name with its article: "the kitchen light", but "my phone", "Emma's night light"."""
    name = subject_name(device)
    first = name.split(" ", 1)[0].lower()
    if first in POSSESSIVE_STARTS or first.endswith("'s"):
        return name
    return f"the {name}"


def subject_name(device: Device) -> str:
    """A name that says what is meant when one name covers several sensors ("the Phone battery")."""
    name = display_name(device)
    if device.kind in (Kind.BINARY_SENSOR, Kind.SENSOR) and device.device_class == "battery" \
            and "batter" not in name.lower():
        return f"{name} battery"
    return name


def plural_name(device: Device) -> bool:
    """Whether a name is a plural noun ("Sliding Doors", "Counter lights"): it takes "are"."""
    last = subject_name(device).rsplit(" ", 1)[-1].lower()
    return len(last) > 3 and last.endswith("s") and not last.endswith(SINGULAR_S_ENDINGS)


def name_list(devices: list[Device], limit: int = 4) -> str:
    """"kitchen light and desk lamp"; more than `limit` names become "6 devices"."""
    names = list(dict.fromkeys(display_name(d) for d in devices))
    if len(names) > limit:
        return f"{len(names)} devices"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def the_list(devices: list[Device], limit: int = 10) -> str:
    """"the Curtain Right and the Bedroom Curtain"; past `limit` names, the first three and how many more."""
    names = list(dict.fromkeys(the_name(d) for d in devices))
    if len(names) > limit:
        shown = names[: min(3, limit)]
        return ", ".join(shown) + f" and {len(names) - len(shown)} others"
    return join_words(names)


def join_words(words: list[str]) -> str:
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def group_noun(devices: list[Device], plural: bool = True) -> str:
    """What a group of devices is called: "batteries", "curtains", "lights", else "devices"."""
    nouns = {CLASS_NOUNS.get(_noun_key(d), ("device", "devices")) for d in devices}
    if len(nouns) != 1:
        heads = {(singular.rsplit(" ", 1)[-1], many.rsplit(" ", 1)[-1]) for singular, many in nouns}
        kinds = {d.kind for d in devices}
        if len(heads) == 1:
            nouns = heads  # a door and a garage door are doors
        elif len(kinds) == 1:
            nouns = {CLASS_NOUNS.get(f"{kinds.pop().value}*", ("device", "devices"))}
        else:
            nouns = {("device", "devices")}
    singular, many = nouns.pop()
    return many if plural else singular


def _noun_key(device: Device) -> str:
    if device.kind in (Kind.BINARY_SENSOR, Kind.COVER) and device.device_class in CLASS_NOUNS:
        return device.device_class or ""
    return f"{device.kind.value}*"


def reading(device: Device, value: object) -> str:
    """A sensor's value with its unit in words: "42 degrees Fahrenheit", "April 1, 2024"."""
    if value is None:
        return "unknown"
    if _is_date(device, value):
        return spoken_date(str(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, (int, float)):
        return f"{number(value)}{unit_word(device, value)}"
    return str(value)


def spoken_date(text: str) -> str:
    try:
        if _ISO_TIME.match(text):
            moment = datetime.fromisoformat(text)
            return f"{moment:%B} {moment.day}, {moment.year} at {moment:%H:%M}"
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day:%B} {day.day}, {day.year}"


def _is_date(device: Device, value: object) -> bool:
    return isinstance(value, str) and (device.device_class in ("date", "timestamp") or bool(_ISO_DATE.match(value)))


def _reads(device: Device) -> bool:
    """"The CO2 sensor reads 50 ppm", but "the car mileage is 65536 kilometers"."""
    last = device.name.lower().rsplit(" ", 1)[-1]
    return last in {"sensor", "meter", "detector", "monitor", "gauge", "probe", "thermometer", "hygrometer"} \
        or (len(device.name.split()) > 1 and last.isdigit())


def color_word(color: object) -> str:
    if isinstance(color, (list, tuple)):
        return nearest_color_name(tuple(color))
    return str(color)


def number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def unit_word(device: Device, value: object = 2) -> str:
    """The unit spoken after a number, with its space: " degrees", " kilowatt hours", "" for none."""
    unit = (device.unit or "").strip()
    if not unit:
        return ""
    singular, plural = UNIT_WORDS.get(unit, (unit, unit))
    one = isinstance(value, (int, float)) and abs(float(value)) == 1
    return " " + (singular if one else plural)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
