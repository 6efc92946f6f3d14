"""Answers to questions about the home, from the states a get_state call read.

The call says which devices were read, the attribute or state word asked about and how many
the question meant (one, any, all, which, count). Answers say yes or no first when the
question was a yes/no one, name the devices that make it so, and never claim more than the
states show.
"""

from __future__ import annotations

from agent.replies.grammar import capital, conjugate, join_words
from agent.replies.wording import (
    asked_predicate,
    color_word,
    degrees,
    group_noun,
    holds,
    number,
    plural_name,
    predicate,
    short_predicate,
    spoken_state,
    the_list,
    the_name,
)
from agent.understanding.language import language
from devices.model import Device, Kind, State
from devices.registry import Registry

WORDING = language().wording
SAY, PHRASES = WORDING.answers, WORDING.phrases

NUMERIC = {"temperature", "current_temperature", "target_temperature", "brightness", "volume", "position",
           "color", "percentage", "value"}
MANY = 10
"""Past this many devices an answer counts them and names only a few."""


def answer_question(data: dict, registry: Registry) -> str:
    states: dict[str, State] = data["states"]
    devices = _known(states, registry)
    if not devices:
        return language().replies["no_answering_device"]
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
        sentences.append(SAY.and_more.format(n=len(devices) - MANY))
    return " ".join(sentences)


def _reading(device: Device, state: State, attribute: str) -> str:
    return _statement(device, _reading_predicate(device, state, attribute))


def _reading_predicate(device: Device, state: State, attribute: str) -> str:
    if device.kind is Kind.SENSOR:
        return predicate(device, state)
    if attribute in ("temperature", "current_temperature"):
        current = state.get("current_temperature")
        return PHRASES.no_temperature if current is None else PHRASES.reads.format(value=degrees(current))
    said = _reading_state(device, state, attribute)
    return predicate(device, state) if said is None else PHRASES.being.format(state=said)


def _reading_state(device: Device, state: State, attribute: str) -> str | None:
    """What follows "is" in a reading ("at volume 20", "50 percent open"); None: the device's whole state."""
    kind = device.kind
    if attribute == "target_temperature":
        target = degrees(state.get("target_temperature"))
        return (PHRASES.off_set_to if state.get("mode") == "off" else PHRASES.set_to).format(degrees=target)
    if attribute == "volume" and kind is Kind.MEDIA_PLAYER:
        if state.get("state") == "off":
            return spoken_state("off")
        volume = PHRASES.at_volume.format(n=number(state.get("volume")))
        return f"{volume} {PHRASES.and_muted}" if state.get("muted") else volume
    if attribute == "position" and kind is Kind.COVER:
        return _position(state)
    if kind in (Kind.LIGHT, Kind.FAN) and state.get("state") == "off":
        return spoken_state("off")
    if attribute == "color" and kind is Kind.LIGHT:
        if "color" in state:
            return color_word(state["color"])
        return PHRASES.at_kelvin.format(n=state["color_temp"]) if "color_temp" in state else spoken_state("on")
    if attribute == "brightness" and kind is Kind.LIGHT:
        if "brightness" not in state or not device.has("brightness"):
            return spoken_state("on")
        return PHRASES.at_brightness.format(n=number(state["brightness"]))
    if attribute == "percentage" and kind is Kind.FAN and "percentage" in state:
        return PHRASES.at_percent.format(n=number(state["percentage"]))
    return None


def _position(state: State) -> str:
    position = state.get("position", 100 if state.get("state") == "open" else 0)
    if position >= 100:
        return PHRASES.fully_open
    return spoken_state("closed") if position <= 0 else PHRASES.percent_open.format(n=number(position))


def _statuses(devices: list[Device], states: dict[str, State]) -> str:
    if len(devices) > MANY:
        rest = len(devices) - MANY
        described = capital(_describe(devices[:MANY], states))
        return SAY.more_devices.format(described=described, n=rest, noun=WORDING.devices[1 if rest > 1 else 0])
    return " ".join(_statement(d, predicate(d, states[d.id])) for d in devices)


def _statement(device: Device, singular_predicate: str) -> str:
    """"The kitchen light is on.", "The counter lights are off."."""
    said = conjugate(singular_predicate, plural_name(device))
    return capital(SAY.statement.format(subject=the_name(device), predicate=said))


# ---- yes / no, which, how many -------------------------------------------------------------------

def _yes_no(devices: list[Device], matching: list[Device], quantifier: str, value: str,
            states: dict[str, State]) -> str:
    if quantifier == "count":
        return _count(devices, matching, value)
    if quantifier == "which":
        return _which(devices, matching, value, states)
    if quantifier == "all":
        return _all(devices, matching, value, states)
    if quantifier == "any":
        if matching:
            return SAY.yes.format(described=_describe(matching, states))
        if len(devices) == 1:
            return SAY.no.format(described=_describe(devices, states))
        return SAY.no_none_of.format(noun=group_noun(devices), asked=_asked(devices, value, plural=True))
    others = [d for d in devices if d not in matching]
    if len(devices) == 1 or not others or not matching:
        return (SAY.yes if matching else SAY.no).format(described=_describe(devices, states))
    return SAY.only.format(matching=_describe(matching, states), others=_describe(others, states))


def _which(devices: list[Device], matching: list[Device], value: str, states: dict[str, State]) -> str:
    if not matching:
        return SAY.none_of.format(noun=group_noun(devices), asked=_asked(devices, value, plural=True))
    if len(matching) > MANY:
        return _count(devices, matching, value)
    return capital(_describe(matching, states)) + "."


def _all(devices: list[Device], matching: list[Device], value: str, states: dict[str, State]) -> str:
    others = [d for d in devices if d not in matching]
    if not others:
        if len(devices) == 1:
            return SAY.yes.format(described=_describe(devices, states))
        every = SAY.both if len(devices) == 2 else SAY.all_n.format(n=len(devices))
        return SAY.all_of.format(all=every, noun=group_noun(devices), asked=_asked(devices, value, plural=True))
    if len(others) > MANY:
        asked = _asked(devices, value, plural=len(matching) != 1)
        return SAY.only_some.format(n=len(matching), total=len(devices), noun=group_noun(devices), asked=asked)
    return SAY.no.format(described=_describe(others, states))


def _count(devices: list[Device], matching: list[Device], value: str) -> str:
    n = len(matching)
    if n == 0:
        return SAY.none_of.format(noun=group_noun(devices), asked=_asked(devices, value, plural=True))
    noun = group_noun(matching, plural=n != 1)
    return SAY.counted.format(n=n, noun=noun, asked=_asked(matching, value, plural=n != 1), names=the_list(matching))


def _asked(devices: list[Device], value: str, plural: bool) -> str:
    """The predicate asked about, for a group: "are low", "detect smoke", "are open"."""
    phrases = list(dict.fromkeys(asked_predicate(d, value) for d in devices))
    phrase = phrases[0] if len(phrases) == 1 else PHRASES.being.format(state=value)
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
            clauses.append(SAY.many.format(n=len(group), noun=group_noun(group), predicate=conjugate(phrase, True),
                                           names=the_list(group, limit=3)))
        else:
            clauses.append(SAY.clause.format(subject=the_list(group), predicate=conjugate(phrase, plural)))
    return join_words(clauses)

