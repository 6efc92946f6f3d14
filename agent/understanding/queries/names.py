"""The devices a question names: every device sharing a heard name, possessives ("Mistral's") too."""

from __future__ import annotations

from collections.abc import Sequence

from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.normalize import normalize_name_tokens
from devices.model import Device
from devices.registry import Registry

SENSED_NOUNS = language().questions.sensed_nouns
POSSESSIVE = language().questions.possessive_ending
KIND_WORDS = language().kinds


def _name_table(registry: Registry) -> dict[str, list[str]]:
    """Every device name and alias in token form -> the devices that carry it (names can be shared)."""
    return _names(registry)[0]


def name_words(registry: Registry) -> frozenset[str]:
    """Every word of a device's, area's or floor's name or alias: words that are part of some name."""
    return _names(registry)[1]


def _names(registry: Registry) -> tuple[dict[str, list[str]], frozenset[str]]:
    stamp = (registry.version, len(registry.devices))
    cached = getattr(registry, "_question_names", None)
    if cached is not None and cached[0] == stamp:
        return cached[1], cached[2]
    table: dict[str, list[str]] = {}
    for device in registry.devices.values():
        for name in [device.name, *device.aliases]:
            key = " ".join(normalize_name_tokens(name))
            if key and device.id not in table.setdefault(key, []):
                table[key].append(device.id)
    places = [n for area in registry.areas.values() for n in [area.name, *area.aliases]] + \
        [n for floor in registry.floors.values() for n in [floor.name, *floor.aliases]]
    words = frozenset({w for key in table for w in key.split()} | {w for n in places for w in normalize_name_tokens(n)})
    setattr(registry, "_question_names", (stamp, table, words))  # noqa: B010 - a cache kept with its registry
    return table, words


def names_heard(frame: Frame, registry: Registry) -> tuple[list[Device], set[int]]:
    """(the devices named, positions of names read as plain words: "gas" in "any gas in the garage")."""
    unnamed: set[int] = set()
    table = _name_table(registry)
    tokens = frame.tokens
    ids: list[str] = []
    places = _mentioned_places(frame, registry)
    for mention in frame.mentions:
        if mention.type != "device" or mention.generic:
            continue
        key = mention.said
        if key in SENSED_NOUNS and places and not any(_in_places(registry.devices[i], places, registry)
                                                       for i in table.get(key, mention.ids) if i in registry.devices):
            unnamed |= set(range(mention.start, mention.end))
            continue  # "is there any gas in the garage": gas, not the kitchen's sensor called "Gas"
        if mention.short:  # "the heater in the loft": the loft's of the devices so called
            ids += [i for i in mention.ids if _in_places(registry.devices[i], places, registry)] or list(mention.ids)
        elif key in table:
            ids += table[key]
        elif mention.score < 1.0 and (exact := _exact_inside(tokens[mention.start : mention.end], table)):
            # a similar-sounding name never beats a name heard exactly ("front door locked" is not
            # "front door lock"); the words beside the exact name are the question's own
            found, start, end = exact
            ids += found
            unnamed |= set(range(mention.start, mention.end)) - set(range(mention.start + start, mention.start + end))
        else:  # heard by sound: every device that shares the name heard
            for found_id in mention.ids:
                device = registry.devices.get(found_id)
                ids += table.get(" ".join(normalize_name_tokens(device.name)), [found_id]) if device else [found_id]
    ids += _possessive_ids(tokens, frame, table)
    devices = [registry.devices[i] for i in dict.fromkeys(ids) if i in registry.devices]
    return _outer_names(devices), unnamed


def _outer_names(devices: list[Device]) -> list[Device]:
    """"The amount of gas in the monthly gas consumption": a name inside another heard name only describes it."""
    words = {d.id: set(normalize_name_tokens(d.name)) for d in devices}
    return [d for d in devices if not any(words[d.id] < words[o.id] for o in devices)]


def _mentioned_places(frame: Frame, registry: Registry) -> list[tuple[str, str]]:
    return [(m.type, m.ids[0]) for m in frame.mentions if m.type in ("area", "floor") and m.ids]


def _in_places(device: Device, places: list[tuple[str, str]], registry: Registry) -> bool:
    return any(device.area == place if kind == "area" else registry.floor_of(device) == place for kind, place in places)


def _exact_inside(words: Sequence[str], table: dict[str, list[str]]) -> tuple[list[str], int, int] | None:
    """The longest exact name inside a similar-sounding match: (device ids, start, end)."""
    for length in range(len(words) - 1, 0, -1):
        for start in range(len(words) - length + 1):
            key = " ".join(words[start : start + length])
            if key in table and key not in KIND_WORDS:
                return table[key], start, start + length
    return None


def _possessive_ids(tokens: Sequence[str], frame: Frame, table: dict[str, list[str]]) -> list[str]:
    return [i for start, end in _possessives(tokens, frame, table) for i in table[_singular_key(tokens, start, end)]]


def possessive_spans(tokens: Sequence[str], named: list[Device]) -> set[int]:
    """Token positions of possessive names ("macrotorrents download speed"), found again by words."""
    names = {" ".join(normalize_name_tokens(n)) for d in named for n in [d.name, *d.aliases]}
    spans: set[int] = set()
    for end in range(1, len(tokens) + 1):
        if not tokens[end - 1].endswith(POSSESSIVE):
            continue
        for start in range(max(0, end - 6), end):
            if _singular_key(tokens, start, end) in names:
                spans |= set(range(start, end))
    return spans


def _possessives(tokens: Sequence[str], frame: Frame, table: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Spans whose last word is a name's last word in the possessive ("the illuminance's")."""
    taken = {i for m in frame.mentions if m.type == "device" and not m.generic for i in range(m.start, m.end)}
    places = {i for m in frame.mentions if m.type in ("area", "floor") for i in range(m.start, m.end)}
    found: list[tuple[int, int]] = []
    for end in range(1, len(tokens) + 1):
        last = tokens[end - 1]
        if not last.endswith(POSSESSIVE) or len(last) < 4 or end - 1 in taken:
            continue
        generic = last in KIND_WORDS or last.removesuffix(POSSESSIVE) in KIND_WORDS
        for start in range(max(0, end - 6), end):
            if _singular_key(tokens, start, end) not in table or any(i in taken for i in range(start, end)):
                continue
            # a kind word with that ending is a plural ("the kitchen lights"), unless more than a place
            # comes before it ("the outside rain sensor's rainfall")
            if generic and set(range(start, end - 1)) <= places:
                continue
            found.append((start, end))
            break
    return found


def _singular_key(tokens: Sequence[str], start: int, end: int) -> str:
    return " ".join([*tokens[start : end - 1], tokens[end - 1].removesuffix(POSSESSIVE)])


def contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))
