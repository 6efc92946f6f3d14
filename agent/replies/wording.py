"""Words for devices and their states, shared by command replies and answers to questions."""

from __future__ import annotations

import re
from datetime import date, datetime

from agent.replies.grammar import GRAMMAR, counted, is_plural, join_words
from agent.understanding.language import language
from devices.colors import nearest_color_name
from devices.model import Device, Kind, State

QUESTIONS = language().questions
WORDING = language().wording
PHRASES = WORDING.phrases
COPULA = PHRASES.being.format(state="")
"""What `being` puts before a state ("is "): taken off a binary sensor's predicate, it leaves the state."""

#: Kinds whose `state` is simply on or off (or more, for media players).
SWITCHED = (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER, Kind.CLIMATE)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def state_phrase(device: Device, state: State, changed: frozenset[str] = frozenset()) -> str:
    """The state as words after "is": "on at 40 percent", "closed", "20.5 degrees".

    `changed` names attributes just set, so "warm white", a thermostat's new mode or a light's full brightness is
    said when that is what was asked.
    """
    kind = device.kind
    if kind is Kind.CLIMATE:
        target = degrees(state.get("target_temperature", 0))
        if state.get("mode") == "off":
            return PHRASES.off_set_to.format(degrees=target) if "target_temperature" in changed else spoken_state("off")
        if "mode" in changed:
            return PHRASES.in_mode.format(mode=spoken_state(state.get("mode")), degrees=target)
        return PHRASES.set_to.format(degrees=target)
    if kind is Kind.LIGHT and state.get("state") == "on":
        return _light_phrase(device, state, changed)
    if kind is Kind.COVER and 0 < state.get("position", 0) < 100:
        return PHRASES.percent_open.format(n=state["position"])
    if kind is Kind.MEDIA_PLAYER:
        words = [spoken_state(state.get("state", "on"))]
        if state.get("muted") and state.get("state") != "off":
            words.append(PHRASES.and_muted)
        elif "volume" in state and state.get("state") != "off":
            words.append(PHRASES.at_volume.format(n=state["volume"]))
        return " ".join(words)
    if kind is Kind.FAN and state.get("state") == "on" and "percentage" in state:
        return f"{spoken_state('on')} {PHRASES.at_percent.format(n=state['percentage'])}"
    if kind is Kind.SENSOR:
        return reading(device, state.get("value"))
    if kind is Kind.BINARY_SENSOR:
        phrase = binary_predicate(device, state.get("state") == "on")
        return phrase.removeprefix(COPULA)
    return spoken_state(state.get("state", "unknown"))


def _light_phrase(device: Device, state: State, changed: frozenset[str]) -> str:
    """"on", "on at 40 percent and red", "on and warm white" (when the shade was just set)."""
    extras = []
    if device.has("brightness") and "brightness" in state and (state["brightness"] != 100 or "brightness" in changed):
        extras.append(PHRASES.at_percent.format(n=state["brightness"]))
    if device.has("color") and state.get("color") not in (None, "white") and "color_temp" not in changed:
        extras.append(color_word(state["color"]))
    if "color_temp" in changed and "color_temp" in state:
        extras.append(white_word(state["color_temp"]))
    on = spoken_state("on")
    return f"{on} {join_words(extras, comma=False)}" if extras else on


def spoken_state(value: object) -> str:
    """The word for a state value ("on", "locked"); a value the language file does not list, as it is."""
    return WORDING.states.get(str(value), str(value))


def white_word(kelvin: int) -> str:
    """The shade of white a colour temperature is: "warm white", "cool white"."""
    shades = sorted(WORDING.whites.items(), key=lambda item: item[1])
    return next((shade for shade, highest in shades if kelvin <= highest), shades[-1][0])


def degrees(value: object) -> str:
    """"20.5 degrees", "1 degree"."""
    return (PHRASES.degree if value in (1, -1) else PHRASES.degrees).format(n=number(value))


def predicate(device: Device, state: State) -> str:
    """The state as a predicate in the singular: "is on", "detects smoke", "has an update available"."""
    if device.kind is Kind.BINARY_SENSOR:
        if state.get("state") not in ("on", "off"):
            return PHRASES.unavailable
        return binary_predicate(device, state.get("state") == "on")
    if device.kind is Kind.SENSOR:
        value = state.get("value")
        if value is None:
            return PHRASES.no_reading
        said = reading(device, value)
        if _is_date(device, value):
            said = PHRASES.on_date.format(date=said)
        return PHRASES.reads.format(value=said) if _reads(device) else PHRASES.being.format(state=said)
    return PHRASES.being.format(state=state_phrase(device, state))


def short_predicate(device: Device, state: State) -> str:
    """The state in a word or two, for lists of devices: "is on", "is closed", "detects smoke"."""
    kind = device.kind
    if kind in (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER, Kind.LOCK) or \
            (kind is Kind.COVER and not 0 < state.get("position", 0) < 100):
        return PHRASES.being.format(state=spoken_state(state.get("state", "unknown")))
    return predicate(device, state)


def binary_predicate(device: Device, on: bool) -> str:
    """What a binary sensor's on or off means for its device class ("is low", "is clear")."""
    on_words, off_words = _binary_predicates(device)
    return on_words if on else off_words


def _binary_predicates(device: Device) -> tuple[str, str]:
    """A binary sensor's predicates for on and off: its class's, or "is on" and "is off"."""
    default = (PHRASES.being.format(state=spoken_state("on")), PHRASES.being.format(state=spoken_state("off")))
    return QUESTIONS.binary_predicates.get(device.device_class or "", default)


def binary_meaning(device: Device, word: object) -> bool | None:
    """Whether a word asks about this binary sensor being on (True) or off (False); None: not its word."""
    text = str(word).lower()
    meanings = QUESTIONS.binary_state_words.get(text)
    device_class = device.device_class or ""
    if meanings is not None:
        if device_class in meanings:
            return meanings[device_class]
        if "*" in meanings:
            return meanings["*"]
    on_words, off_words = _binary_predicates(device)
    if text in (on_words, on_words.removeprefix(COPULA)):
        return True
    if text in (off_words, off_words.removeprefix(COPULA)):
        return False
    return None


def kind_value(device: Device, word: object) -> str | None:
    """The state value a word asks about for a controllable device ("running" -> "on"); None if it can't."""
    value = QUESTIONS.kind_state_words.get(str(word).lower())
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
    return PHRASES.being.format(state=spoken_state(value) if value else word)














def binary_words(device: Device) -> tuple[str, str]:
    """The words for a binary sensor's on and off states ("open"/"closed", "detected"/"clear")."""
    on_words, off_words = _binary_predicates(device)
    return on_words.removeprefix(COPULA), off_words.removeprefix(COPULA)


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
    if first in GRAMMAR.possessives or first.endswith(GRAMMAR.possessive_ending):
        return name
    return GRAMMAR.the.format(name=name)


def subject_name(device: Device) -> str:
    """A name that says what is meant when one name covers several sensors ("the Phone battery")."""
    name = display_name(device)
    nouns = QUESTIONS.class_nouns.get("battery")
    if nouns and device.kind in (Kind.BINARY_SENSOR, Kind.SENSOR) and device.device_class == "battery" \
            and not any(noun in name.lower() for noun in nouns):
        return PHRASES.name_and_noun.format(name=name, noun=nouns[0])
    return name


def plural_name(device: Device) -> bool:
    """Whether a name is a plural noun ("Sliding Doors", "Counter lights"): it takes "are"."""
    return is_plural(subject_name(device).rsplit(" ", 1)[-1])


def name_list(devices: list[Device], limit: int = 4) -> str:
    """"kitchen light and desk lamp"; more than `limit` names become "6 devices"."""
    names = list(dict.fromkeys(display_name(d) for d in devices))
    if len(names) > limit:
        return counted(len(names), WORDING.devices)
    return join_words(names)


def the_list(devices: list[Device], limit: int = 10) -> str:
    """"the Curtain Right and the Bedroom Curtain"; past `limit` names, the first three and how many more."""
    names = list(dict.fromkeys(the_name(d) for d in devices))
    if len(names) > limit:
        shown = names[: min(3, limit)]
        return WORDING.answers.others.format(names=", ".join(shown), n=len(names) - len(shown))
    return join_words(names)




def group_noun(devices: list[Device], plural: bool = True) -> str:
    """What a group of devices is called: "batteries", "curtains", "lights", else "devices"."""
    nouns = {QUESTIONS.class_nouns.get(_noun_key(d), WORDING.devices) for d in devices}
    if len(nouns) != 1:
        heads = {(singular.rsplit(" ", 1)[-1], many.rsplit(" ", 1)[-1]) for singular, many in nouns}
        kinds = {d.kind for d in devices}
        if len(heads) == 1:
            nouns = heads  # a door and a garage door are doors
        elif len(kinds) == 1:
            nouns = {QUESTIONS.class_nouns.get(f"{kinds.pop().value}*", WORDING.devices)}
        else:
            nouns = {WORDING.devices}
    singular, many = nouns.pop()
    return many if plural else singular


def _noun_key(device: Device) -> str:
    if device.kind in (Kind.BINARY_SENSOR, Kind.COVER) and device.device_class in QUESTIONS.class_nouns:
        return device.device_class or ""
    return f"{device.kind.value}*"


def reading(device: Device, value: object) -> str:
    """A sensor's value with its unit in words: "42 degrees Fahrenheit", "April 1, 2024"."""
    if value is None:
        return spoken_state("unknown")
    if _is_date(device, value):
        return spoken_date(str(value))
    if isinstance(value, bool):
        return spoken_state("on" if value else "off")
    if isinstance(value, (int, float)):
        return f"{number(value)}{unit_word(device, value)}"
    return str(value)


def spoken_date(text: str) -> str:
    """"April 1, 2024", "April 1, 2024 at 09:30" from an ISO date or time; anything else as it is."""
    try:
        if _ISO_TIME.match(text):
            moment = datetime.fromisoformat(text)
            return PHRASES.date_time.format(date=_spoken_day(moment), time=f"{moment:%H:%M}")
        return _spoken_day(date.fromisoformat(text))
    except ValueError:
        return text


def _spoken_day(day: date) -> str:
    return PHRASES.date.format(month=WORDING.months[day.month - 1], day=day.day, year=day.year)


def _is_date(device: Device, value: object) -> bool:
    return isinstance(value, str) and (device.device_class in ("date", "timestamp") or bool(_ISO_DATE.match(value)))


def _reads(device: Device) -> bool:
    """"The CO2 sensor reads 50 ppm", but "the car mileage is 65536 kilometers"."""
    last = device.name.lower().rsplit(" ", 1)[-1]
    return last in WORDING.reading_nouns or (len(device.name.split()) > 1 and last.isdigit())


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
    singular, plural = QUESTIONS.unit_words.get(unit, (unit, unit))
    one = isinstance(value, (int, float)) and abs(float(value)) == 1
    return " " + (singular if one else plural)
