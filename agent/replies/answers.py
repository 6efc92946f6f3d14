"""Answers to questions about the home, from the states a get_state call read.

The call says which devices were read, the attribute or state word asked about and how many
the question meant (one, any, all, which, count). Answers say yes or no first when the
question was a yes/no one, name the devices that make it so, and never claim more than the
states show.
"""

from __future__ import annotations

from agent.replies.wording import (
    asked_predicate,
    capital,
    color_word,
    conjugate,
    group_noun,
    holds,
    number,
    plural_name,
    predicate,
    short_predicate,
    the_list,
    the_name,
)
from devices.model import Device, Kind, State
from devices.registry import Registry

NUMERIC = {"temperature", "current_temperature", "target_temperature", "brightness", "volume", "position",
           "color", "percentage", "value"}
MANY = 10
"""Past this many devices an answer counts them and names only a few."""


def answer_question(data: dict, registry: Registry) -> str:
    states: dict[str, State] = data["states"]
    devices = _known(states, registry)
    if not devices:
        return "Sorry, I couldn't find a device that answers that."
    attribute, value, quantifier = data.get("attribute"), data.get("value"), data.get("quantifier") or "one"
    if attribute in NUMERIC:
        return _readings(devices, states, attribute)
    if value is None:
        return _statuses(devices, states)
    applicable = [d for d in devices if holds(d, states[d.id], value) is not None]
    if not applicable:
        return _statuses(devices, states)
    return _yes_no(applicable, _holding(applicable, states, value), quantifier, str(value), states)


def referred_to(data: dict, registry: Registry) -> list[str]:
    """The devices a state answer leaves "them" meaning: those that matched when it picked some out
    ("is anything on" → the ones on, "which lights are off" → those off), else all it looked at."""
    states: dict[str, State] = data.get("states", {})
    value, quantifier = data.get("value"), data.get("quantifier") or "one"
    if value is None or data.get("attribute") in NUMERIC or quantifier not in ("any", "which", "count"):
        return list(states)
    return [d.id for d in _holding(_known(states, registry), states, value)] or list(states)


def _known(states: dict[str, State], registry: Registry) -> list[Device]:
    return [registry.devices[d] for d in states if d in registry.devices]


def _holding(devices: list[Device], states: dict[str, State], value: object) -> list[Device]:
    """The devices whose state is `value` ("on", "open", "low")."""
    return [d for d in devices if holds(d, states[d.id], value)]


# ---- readings -----------------------------------------------------------------------------------

def _readings(devices: list[Device], states: dict[str, State], attribute: str) -> str:
    sentences = [_reading(d, states[d.id], attribute) for d in devices[:MANY]]
    if len(devices) > MANY:
        sentences.append(f"And {len(devices) - MANY} more.")
    return " ".join(sentences)


def _reading(device: Device, state: State, attribute: str) -> str:
    name = the_name(device)
    return capital(f"{name} {conjugate(_reading_predicate(device, state, attribute, name), plural_name(device))}.")


def _reading_predicate(device: Device, state: State, attribute: str, name: str) -> str:
    kind = device.kind
    if kind is Kind.SENSOR:
        return predicate(device, state)
    if attribute in ("temperature", "current_temperature"):
        current = state.get("current_temperature")
        return "has no temperature reading right now" if current is None else f"reads {_degrees(current)}"
    if attribute == "target_temperature":
        target = _degrees(state.get("target_temperature"))
        return f"is off, set to {target}" if state.get("mode") == "off" else f"is set to {target}"
    if attribute == "volume" and kind is Kind.MEDIA_PLAYER:
        if state.get("state") == "off":
            return "is off"
        return f"is at volume {number(state.get('volume'))}" + (" and muted" if state.get("muted") else "")
    if attribute == "position" and kind is Kind.COVER:
        position = state.get("position", 100 if state.get("state") == "open" else 0)
        return "is " + ("fully open" if position >= 100 else "closed" if position <= 0 else f"{number(position)} percent open")
    if kind in (Kind.LIGHT, Kind.FAN) and state.get("state") == "off":
        return "is off"
    if attribute == "color" and kind is Kind.LIGHT:
        if "color" in state:
            return f"is {color_word(state['color'])}"
        return f"is at {state['color_temp']} kelvin" if "color_temp" in state else "is on"
    if attribute == "brightness" and kind is Kind.LIGHT:
        if "brightness" not in state or not device.has("brightness"):
            return "is on"
        return f"is at {number(state['brightness'])} percent brightness"
    if attribute == "percentage" and kind is Kind.FAN and "percentage" in state:
        return f"is at {number(state['percentage'])} percent"
    return predicate(device, state)


def _degrees(value: object) -> str:
    return f"{number(value)} degree{'' if value in (1, -1) else 's'}"


def _statuses(devices: list[Device], states: dict[str, State]) -> str:
    if len(devices) > MANY:
        rest = len(devices) - MANY
        return capital(_describe(devices[:MANY], states)) + f", and {rest} more device{'s' if rest > 1 else ''}."
    return " ".join(capital(f"{the_name(d)} {conjugate(predicate(d, states[d.id]), plural_name(d))}.") for d in devices)


# ---- yes / no, which, how many -------------------------------------------------------------------

def _yes_no(devices: list[Device], matching: list[Device], quantifier: str, value: str,
            states: dict[str, State]) -> str:
    others = [d for d in devices if d not in matching]
    if quantifier == "count":
        return _count(devices, matching, value)
    if quantifier == "which":
        if not matching:
            return f"None of the {group_noun(devices)} {_asked(devices, value, plural=True)}."
        if len(matching) > MANY:
            return _count(devices, matching, value)
        return capital(_describe(matching, states)) + "."
    if quantifier == "all":
        if not others:
            if len(devices) == 1:
                return f"Yes, {_describe(devices, states)}."
            both = "both" if len(devices) == 2 else f"all {len(devices)}"
            return f"Yes, {both} {group_noun(devices)} {_asked(devices, value, plural=True)}."
        if len(others) > MANY:
            asked = _asked(devices, value, plural=len(matching) != 1)
            return f"No, only {len(matching)} of the {len(devices)} {group_noun(devices)} {asked}."
        return f"No, {_describe(others, states)}."
    if quantifier == "any":
        if matching:
            return f"Yes, {_describe(matching, states)}."
        if len(devices) == 1:
            return f"No, {_describe(devices, states)}."
        return f"No, none of the {group_noun(devices)} {_asked(devices, value, plural=True)}."
    if len(devices) == 1 or not others or not matching:
        return f"{'Yes' if matching else 'No'}, {_describe(devices, states)}."
    return f"Only {_describe(matching, states)}; {_describe(others, states)}."


def _count(devices: list[Device], matching: list[Device], value: str) -> str:
    n = len(matching)
    if n == 0:
        return f"None of the {group_noun(devices)} {_asked(devices, value, plural=True)}."
    noun = group_noun(matching, plural=n != 1)
    head = f"{n} {noun} {_asked(matching, value, plural=n != 1)}"
    return f"{head}: {the_list(matching)}."


def _asked(devices: list[Device], value: str, plural: bool) -> str:
    """The predicate asked about, for a group: "are low", "detect smoke", "are open"."""
    phrases = list(dict.fromkeys(asked_predicate(d, value) for d in devices))
    phrase = phrases[0] if len(phrases) == 1 else f"are {value}" if plural else f"is {value}"
    return conjugate(phrase, plural)


def _describe(devices: list[Device], states: dict[str, State]) -> str:
    """"the Back Door is unlocked"; "the A and the B are on and the C is 50 percent open"."""
    words = short_predicate if len(devices) > 1 else predicate  # a list says "on", one device all it can
    groups: dict[str, list[Device]] = {}
    for device in devices:
        groups.setdefault(words(device, states[device.id]), []).append(device)
    clauses = []
    for phrase, group in groups.items():
        plural = len({the_name(d) for d in group}) > 1 or plural_name(group[0])
        if len(group) > MANY:
            clauses.append(f"{len(group)} {group_noun(group)} {conjugate(phrase, True)}: {the_list(group, limit=3)}")
        else:
            clauses.append(f"{the_list(group)} {conjugate(phrase, plural)}")
    if len(clauses) == 1:
        return clauses[0]
    return ", ".join(clauses[:-1]) + " and " + clauses[-1]

