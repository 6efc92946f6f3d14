"""The values a clause says: numbers and amounts, the way a change goes, modes, fan speeds, colours, shades of
white, the speaker's preference and feelings ("it's cold in here"). Every word compared is the language file's.
"""

from __future__ import annotations

from typing import Any

from agent.understanding.language import language
from agent.understanding.numbers import parse_number
from devices.colors import NAMED_COLORS

WORDS = language()
_COMMANDS, _VALUES = WORDS.commands, WORDS.values

UNITS = {"percent": _VALUES.percent, "degrees": _VALUES.degrees}
MODE_WORDS = {word: mode for mode, words in _VALUES.modes.items() for word in words}


def sets_a_value(tokens: list[str] | tuple[str, ...]) -> bool:
    """"… to 21 degrees", "… at 25 percent", "… of 10", "… half", "… to low": a number said the way a setting is,
    or a fan speed's name."""
    return any(token in _VALUES.named_amounts or (value_of(token) is not None and _said_as_setting(tokens, i))
               or (token in _VALUES.speeds and _VALUES.speed_cues.cue(tokens, i)) for i, token in enumerate(tokens))


def _said_as_setting(tokens: list[str] | tuple[str, ...], i: int, by_temperature: bool = False) -> bool:
    """`by_temperature`: the clause names a device set by a temperature ("put the heating on 20", "the stove")."""
    before = tokens[i - 1] if i > 0 else ""
    return before in _VALUES.setting_prepositions \
        or (i + 1 < len(tokens) and tokens[i + 1] in _VALUES.percent | _VALUES.degrees) \
        or (by_temperature and before in _VALUES.temperature_prepositions)


SWITCHED_WITHOUT_A_NUMBER = frozenset({"on", "off"})
"""Actions a number said bare (no "to", "at", "by" before it, no unit after it) is not a value of: "turn on the
bedroom five" is a name misheard ("… fan"), not the bedroom's lights at 5 percent."""


def value_of(token: str) -> float | None:
    """A number a device may be set to; an ordinal ("the 30th") is a date, never a level."""
    return None if token.endswith(WORDS.numbers.ordinal_suffixes) else parse_number(token)


def read_values(tokens: list[str], used: set[int], action: str | None, by_temperature: bool) -> dict[str, Any]:
    """Numbers, amounts, directions, colours, shades of white, preferences and feelings; marks what it used.
    `by_temperature`: the clause names a device set by a temperature."""
    values: dict[str, Any] = {}
    for i, token in enumerate(tokens):
        _read_number(tokens, i, used, values, action, by_temperature)
        if i in used:
            continue
        if token in _VALUES.attributes and not values.get("attribute"):
            values["attribute"] = _VALUES.attributes[token]
        if token in _VALUES.up or token in _VALUES.down:
            values["direction"] = 1 if token in _VALUES.up else -1
            values["attribute"] = {**_VALUES.up, **_VALUES.down}[token] or values.get("attribute")
            used.add(i)
        if token in _VALUES.small:
            values["small"] = True
            used.add(i)
    _read_mode(tokens, used, values)
    _read_speed(tokens, used, values)
    text = f" {' '.join(tokens[i] for i in range(len(tokens)) if i not in used)} "
    also = [phrase for phrase in _VALUES.also if f" {phrase} " in text]
    values["too"] = bool(also)
    for phrase in also:
        _mark(tokens, phrase, used)
    _read_colors(tokens, used, action, values)
    _read_feelings(tokens, used, values)
    _read_extreme(tokens, used, values, action)
    return values


WAYS = {"up": 1, "brighten": 1, "down": -1, "dim": -1}
"""The way an action changes a level, when it does."""


def _read_extreme(tokens: list[str], used: set[int], values: dict[str, Any], action: str | None) -> None:
    """ "All the way up", "dim it all the way": the most or the least, when the way is said; "open it all the way"
    is only said the more firmly."""
    text = f" {' '.join(tokens)} "
    phrase = next((p for p in _VALUES.extremes.phrases if f" {p} " in text), None)
    if phrase is None:
        return
    _mark(tokens, phrase, used)
    way = values.get("direction") or WAYS.get(action or "", 0)
    if way and values.get("number") is None:
        values.update(number=_VALUES.extremes.most if way > 0 else _VALUES.extremes.least, unit="percent",
                      direction=0)


def _read_number(tokens: list[str], i: int, used: set[int], values: dict[str, Any], action: str | None,
                 by_temperature: bool) -> None:
    token, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
    before = tokens[i - 1] if i > 0 else ""
    value = value_of(token)
    if value is not None and before in _COMMANDS.numbers_as_names_after and after not in _VALUES.percent | _VALUES.degrees:
        value = None  # "the lights in the 30" (the study, mis-heard): a name, never a level
    if action in SWITCHED_WITHOUT_A_NUMBER and before != _VALUES.by and not _said_as_setting(tokens, i, by_temperature):
        value = None
    if value is not None and i not in used:
        # "up two degrees", "down 20 percent": a number right after the way it goes is a change by it, not a target
        values.update(number=value, by=before == _VALUES.by or before in _VALUES.up or before in _VALUES.down)
        unit = next((name for name, words in UNITS.items() if after in words), None)
        if unit is not None:
            values["unit"] = unit
        used.add(i)
    elif token in _VALUES.named_amounts and values.get("number") is None and i not in used:
        values.update(number=_VALUES.named_amounts[token], unit="percent")
        used.add(i)


def modes_said(tokens: list[str], verb_positions: set[int]) -> set[int]:
    """Where a climate mode is said as a setting ("to heat", "fan mode"); after the verb's own particle
    ("switch on heating") the word names the device."""
    return {i for i, token in enumerate(tokens)
            if token in MODE_WORDS and _VALUES.mode_cues.cue(tokens, i, not_before=verb_positions)}


def _read_mode(tokens: list[str], used: set[int], values: dict[str, Any]) -> None:
    cues = _VALUES.mode_cues
    for i, token in enumerate(tokens):
        mode = MODE_WORDS.get(token)
        if mode is not None and i not in used and cues.cue(tokens, i):
            values["mode"] = mode
            used.add(i)
            used.update(j for j in (i + 1,) if j < len(tokens) and tokens[j] in cues.after)
            return


def _read_speed(tokens: list[str], used: set[int], values: dict[str, Any]) -> None:
    """"On high", "to low", "medium speed": a fan speed by its name, as a percentage."""
    for i, token in enumerate(tokens):
        if token in _VALUES.speeds and i not in used and _VALUES.speed_cues.cue(tokens, i) and values.get("number") is None \
                and values.get("attribute") in (None, "percentage"):  # "the volume to low" is no speed
            values.update(number=_VALUES.speeds[token], unit="percent", attribute="percentage")
            used.add(i)
            return


def _read_colors(tokens: list[str], used: set[int], action: str | None, values: dict[str, Any]) -> None:
    text = f" {' '.join(tokens)} "
    for phrase, kelvin in _VALUES.color_temperatures.items():
        if f" {phrase} " in text and (" " in phrase or f" {_VALUES.shade_cue} " in text or action == "set"):
            values["color_temp"] = kelvin
            _mark(tokens, phrase, used)
            break
    for name in sorted(NAMED_COLORS, key=len, reverse=True):
        if f" {name} " in text and not _inside(tokens, name, used):
            values["color"] = name
            _mark(tokens, name, used)
            break


def _read_feelings(tokens: list[str], used: set[int], values: dict[str, Any]) -> None:
    """"The way I like it" (the speaker's preference); "it's cold in here" (a feeling to change)."""
    text = f" {' '.join(tokens)} "
    if any(f" {phrase} " in text for phrase in _VALUES.personal):
        values["personal"] = True
        for phrase in _VALUES.personal:
            _mark(tokens, phrase, used)
        return
    for word, meaning in _VALUES.indirect.items():
        i = tokens.index(word) if word in tokens else -1
        if i >= 0 and i not in used and _VALUES.indirect_cues.marks(tokens, i) and not _said_as_a_verb(tokens, i):
            values["indirect"] = meaning
            used.add(i)
            return


def _said_as_a_verb(tokens: list[str], i: int) -> bool:
    """A feeling word starting a clause with more than a cue after it: "warm it up in here", not "cold in here"."""
    return i == 0 and len(tokens) > 1 and not _VALUES.indirect_cues.opens(tokens[1:])


def _mark(tokens: list[str], phrase: str, used: set[int]) -> None:
    words = phrase.split()
    for i in range(len(tokens) - len(words) + 1):
        if tokens[i : i + len(words)] == words:
            used.update(range(i, i + len(words)))
            return


def _inside(tokens: list[str], phrase: str, used: set[int]) -> bool:
    words = phrase.split()
    for i in range(len(tokens) - len(words) + 1):
        if tokens[i : i + len(words)] == words:
            return any(j in used for j in range(i, i + len(words)))
    return False
