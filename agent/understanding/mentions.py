"""Finding the household's names in an utterance: devices, areas, floors, routines, kind words.

Exact matches first (word for word, or with the spaces removed: "bed side lamp"); then,
only for spans holding a word the household never uses, spelling and sound similarity
("kitchen lite", "flaw lamp", "bathroom pan").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import jellyfish
from rapidfuzz import fuzz

from agent.understanding.language import language
from agent.understanding.normalize import plain_name
from devices.household import Routine
from devices.model import READ_ONLY_KINDS, Kind
from devices.registry import Registry

MentionType = Literal["device", "area", "floor", "kind", "routine"]
TYPE_RANK = {"device": 0, "routine": 1, "area": 2, "floor": 3, "kind": 4}
FUZZY_THRESHOLD = 78.0
MAX_SPAN = 7
WORDS = language()
WINDOW_COVERINGS = frozenset(word.device_class for word in WORDS.kinds.values() if word.loose and word.device_class)
"""The classes of covers people name loosely: "blinds" may well mean the curtains (doors, gates and windows never)."""


@dataclass(frozen=True)
class Mention:
    """A span of tokens [start, end) naming something in the household."""

    start: int
    end: int
    type: MentionType
    ids: tuple[str, ...]
    """Device, area, floor or routine ids (a name can be shared); empty for a kind word."""
    score: float = 1.0
    """1 for an exact match, less for a similar-sounding one."""
    kind: Kind | None = None
    device_class: str | None = None
    generic: bool = False
    """A device alias that is just a kind word ("blinds", "heating"): room context may override it."""
    plural: bool = False
    short: bool = False
    """A device's name said without its first words ("the heater" of "Nursery heater"): of the devices so
    named, the room said, or the speaker's, tells which."""
    said: str = ""
    """The words it was heard as ("lights"): a clause that borrows the mention ("the loft and nursery lights")
    has other words at its positions."""

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class _Entry:
    type: MentionType
    ids: list[str]
    kind: Kind | None = None
    device_class: str | None = None
    generic: bool = False
    plural: bool = False
    short: bool = False
    score: float = 1.0
    """Below 1 for a name the household never wrote, only said another way ("reading light" for "Reading lamp")."""


@dataclass
class NameIndex:
    """Every phrase of the household, by its token form and its space-free form."""

    phrases: dict[str, list[_Entry]] = field(default_factory=dict)
    compact: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    """Every word of every phrase: spans made only of these are never fuzzy-matched."""
    by_length: dict[int, list[str]] = field(default_factory=dict)

    def add(self, phrase: str, entry: _Entry) -> None:
        key = plain_name(phrase)
        if not key:
            return
        entries = self.phrases.setdefault(key, [])
        for existing in entries:
            if existing.type == entry.type and existing.kind == entry.kind and existing.device_class == entry.device_class:
                if entry.ids and entry.ids[0] not in existing.ids:
                    existing.ids.extend(entry.ids)
                return
        entries.append(entry)
        if entry.score < 1.0:
            return  # a name said another way is found as said, never by likeness, and adds no words
        self.compact.setdefault(key.replace(" ", ""), key)
        self.words.update(key.split())
        self.by_length.setdefault(len(key.split()), []).append(key)


def build_index(registry: Registry, routines: list[Routine]) -> NameIndex:
    index = NameIndex()
    for word, meaning in WORDS.kinds.items():
        index.add(word, _Entry("kind", [], meaning.kind, meaning.device_class,
                               plural=word.endswith("s") and meaning.kind != Kind.SWITCH))
    for device in registry.devices.values():
        for name in [device.name, *device.aliases]:
            kind_word = WORDS.kinds.get(plain_name(name))
            if kind_word is not None and kind_word.kind != device.kind:
                continue  # a binary sensor called "Light": the word means lights
            device_class = kind_word.device_class if kind_word is not None else device.device_class
            index.add(name, _Entry("device", [device.id], device.kind, device_class, generic=kind_word is not None))
    for area in registry.areas.values():
        for name in [area.name, *area.aliases]:
            index.add(name, _Entry("area", [area.id]))
    for floor in registry.floors.values():
        for name in [floor.name, *floor.aliases]:
            index.add(name, _Entry("floor", [floor.id]))
    for routine in routines:
        for name in [routine.name, *routine.aliases]:
            index.add(name, _Entry("routine", [routine.id]))
    _add_kind_variants(index, registry)
    _add_short_names(index, registry)
    return index


KIND_VARIANT_SCORE = 0.95
"""A device named with another word for its kind ("reading light" for "Reading lamp", "front door lock")."""


def _add_kind_variants(index: NameIndex, registry: Registry) -> None:
    """Names said with another word of the device's kind, or with its kind word added; never over a real name."""
    for device in registry.devices.values():
        if device.kind in READ_ONLY_KINDS:
            continue
        words = [w for w, meaning in WORDS.kinds.items() if meaning.kind is device.kind and " " not in w
                 and same_class(meaning.device_class, device.device_class)]
        for name in (device.name, *device.aliases):
            said = plain_name(name).split()
            if len(said) > 1 and any(e.type in ("area", "floor") for e in index.phrases.get(" ".join(said[:-1]), [])):
                continue  # "Living room lamp": "the living room light" is the room's lights
            for variant in _variants(said, words):
                if variant not in index.phrases:
                    index.add(variant, _Entry("device", [device.id], device.kind, device.device_class,
                                              score=KIND_VARIANT_SCORE))


SHORT_SCORE = 0.9
"""A device's name with its first words left out: "the heater in the nursery", "the stove fan"."""


def _add_short_names(index: NameIndex, registry: Registry) -> None:
    """"Nursery heater" is also "the heater" (of the nursery), "Wood stove fan" "the stove fan": a name without
    its room's name, or without its first words when two or more are left, for every device so named; never a
    kind word or over a phrase the household has."""
    names = [n for area in registry.areas.values() for n in (area.name, *area.aliases)]
    names += [n for floor in registry.floors.values() for n in (floor.name, *floor.aliases)]
    places = [plain_name(name).split() for name in names]
    short: dict[str, list[str]] = {}
    for device in registry.devices.values():
        if device.kind in READ_ONLY_KINDS:
            continue
        area = registry.areas.get(device.area or "")
        rooms = [plain_name(name).split() for name in (area.name, *area.aliases)] if area else []
        for name in (device.name, *device.aliases):
            said = plain_name(name).split()
            ends = {len(room) for room in rooms if len(said) > len(room) and said[:len(room)] == room}
            ends |= {end for end in range(1, len(said) - 1) if _cuts_cleanly(said, end, places)}
            for end in ends:
                short.setdefault(" ".join(said[end:]), []).append(device.id)
    for rest, ids in short.items():
        if rest not in index.phrases and rest not in WORDS.kinds:
            kinds = {registry.devices[i].kind for i in ids}
            index.add(rest, _Entry("device", list(dict.fromkeys(ids)), kinds.pop() if len(kinds) == 1 else None,
                                   short=True, score=SHORT_SCORE))


def _cuts_cleanly(said: list[str], end: int, places: list[list[str]]) -> bool:
    """Whether the words from `end` on are a name of their own: not begun by a word like "in" or "the", and
    holding no place and cutting none ("room light" is no name of "Living room light")."""
    if said[end] in WORDS.words.function:
        return False
    return not any(said[start:start + len(place)] == place and start + len(place) > end
                   for place in places for start in range(len(said)))


def _variants(name: list[str], kind_words: list[str]) -> list[str]:
    if len(name) < 2 and name and name[0] in kind_words:
        return []
    last = name[-1] if name else ""
    found = [" ".join([*name, word]) for word in kind_words
             if not word.endswith("s") and word.rstrip("s") != last.rstrip("s") and not word.startswith(last)]
    if name and name[-1] in kind_words and len(name) > 1:
        plural = name[-1].endswith("s")
        found += [" ".join([*name[:-1], word]) for word in kind_words if word.endswith("s") == plural]
    if len(name) > 1 and name[0] in kind_words:  # "Curtain Left", as lists name things: "the left curtain"
        found.append(" ".join([*name[1:], name[0]]))
    return found


def same_class(word_class: str | None, device_class: str | None) -> bool:
    return word_class is None or word_class == device_class or \
        (word_class in WINDOW_COVERINGS and (device_class is None or device_class in WINDOW_COVERINGS))


def find_mentions(tokens: list[str], index: NameIndex, skip: set[int] | None = None) -> list[Mention]:
    """The best non-overlapping mentions, longest and most exact first."""
    skip = skip or set()
    candidates: list[Mention] = []
    for start in range(len(tokens)):
        if start in skip:
            continue
        for end in range(min(len(tokens), start + MAX_SPAN), start, -1):
            if any(i in skip for i in range(start, end)):
                continue
            candidates.extend(_match_span(tokens, start, end, index))
    candidates.sort(key=lambda m: (-m.length * m.score, -m.score, TYPE_RANK[m.type]))
    chosen: list[Mention] = []
    taken: set[int] = set()
    for mention in candidates:
        span = set(range(mention.start, mention.end))
        if span & taken:
            continue
        if any(c.start == mention.start and c.end == mention.end for c in chosen):
            continue
        chosen.append(mention)
        taken |= span
    return sorted(chosen, key=lambda m: m.start)


def _match_span(tokens: list[str], start: int, end: int, index: NameIndex) -> list[Mention]:
    words = tokens[start:end]
    phrase = " ".join(words)
    key = phrase if phrase in index.phrases else index.compact.get(phrase.replace(" ", ""))
    if key is not None:
        return [_mention(e, phrase, start, end, e.score) for e in index.phrases[key]]
    for other in (" ".join(_without_s(w, index) for w in words), *_number_forms(words, index)):
        if other != phrase and other in index.phrases:  # "Macrotorrent's", "the bedside lamp" of "Bedside lamps"
            return [_mention(e, phrase, start, end, 0.95) for e in index.phrases[other] if e.type != "kind"]
    if all(w in index.words or w.isdigit() for w in words) or len(phrase) < 4:
        return []
    if any(w in WORDS.words.command for w in words) or any(w in EDGE_STOP for w in (words[0], words[-1])):
        return []
    best_key, best_score = _fuzzy(tuple(words), index)
    if best_key is None:
        return []
    return [_mention(e, phrase, start, end, best_score / 100) for e in index.phrases[best_key] if e.type != "kind"]


EDGE_STOP = WORDS.words.function - WORDS.words.name_endings
"""A similar-sounding span never starts or ends on these; names often end in "light" or "room"."""


def _number_forms(words: list[str], index: NameIndex) -> tuple[str, ...]:
    """A name said in the other number: "bedside lamp" for "Bedside lamps" (Whisper often drops the s),
    "the bedside lamps" for "Bedside lamp" — but "the kitchen lights" are the kitchen's lights."""
    head, last = " ".join([*words[:-1], ""]), words[-1]
    if not last.isalpha():
        return ()
    place = any(e.type in ("area", "floor") for e in index.phrases.get(head.strip(), []))
    singular = (f"{head}{last[:-1]}",) if last.endswith("s") and len(last) > 3 and not place else ()
    return (*singular, f"{head}{last}s", f"{head}{last}es")


def _without_s(word: str, index: NameIndex) -> str:
    """"macrotorrents" (from "Macrotorrent's") or "lamps": the word a name uses, when it uses that one."""
    stem = word[:-1]
    return stem if word.endswith("s") and word not in index.words and stem in index.words else word


def _fuzzy(words: tuple[str, ...], index: NameIndex) -> tuple[str | None, float]:
    best_key, best_score = None, FUZZY_THRESHOLD
    for length in (len(words), len(words) - 1, len(words) + 1):
        for key in index.by_length.get(length, ()):
            score = _similarity(words, tuple(key.split()))
            if score > best_score:
                best_key, best_score = key, score
    return best_key, best_score


def _similarity(heard: tuple[str, ...], name: tuple[str, ...]) -> float:
    """Spelling and sound similarity; at least one word must agree exactly or by sound."""
    spelled = fuzz.ratio(" ".join(heard), " ".join(name))
    if len(heard) != len(name):
        if spelled >= 90 or (heard[-1] == name[-1] and _sound("".join(heard[:-1])) == _sound("".join(name[:-1]))):
            return max(spelled, 90.0)
        return 0.0
    per_word = [_word_similarity(h, n) for h, n in zip(heard, name, strict=False)]
    if max(per_word) < 100 or min(per_word) < 60:
        return 0.0
    return max(spelled, sum(per_word) / len(per_word))


@lru_cache(maxsize=65536)
def _word_similarity(heard: str, name: str) -> float:
    if heard == name:
        return 100.0
    if _sound(heard) == _sound(name):
        return 92.0
    return fuzz.ratio(heard, name)


@lru_cache(maxsize=65536)
def _sound(word: str) -> str:
    """Metaphone with a final R dropped: non-rhotic speech ("flaw" for "floor")."""
    key = jellyfish.metaphone(word) if word.isalpha() else word
    return key[:-1] if len(key) > 2 and key.endswith("R") else key


def _mention(entry: _Entry, said: str, start: int, end: int, score: float) -> Mention:
    return Mention(
        start=start, end=end, type=entry.type, ids=tuple(entry.ids), score=score, kind=entry.kind,
        device_class=entry.device_class, generic=entry.generic, plural=entry.plural,
        short=entry.short, said=said,
    )
