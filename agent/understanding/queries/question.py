"""Reading a question: what it asks (a state word, a measurement, the whole state), about what,
and how many (one, any, all, which, count), before any device is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.names import possessive_spans
from devices.model import Device, Kind

WORDS = language().questions
GRAMMAR = language().wording.grammar
VOCABULARY = frozenset({*WORDS.binary_state_words, *WORDS.kind_state_words, *WORDS.status, *WORDS.temperature,
                        *WORDS.feel, *WORDS.sensed_nouns, *WORDS.any_things, *WORDS.presence, *WORDS.activities,
                        *(w for words in WORDS.measure_words.values() for phrase in words for w in phrase.split())})
"""Every word of the question vocabulary: never an unknown name in a question."""


@dataclass
class Question:
    """What a question asks, before the devices are chosen."""

    value: str | None = None
    """The state word asked about: "low", "open", "on", "detected"."""
    attribute: str | None = None
    """A measurement asked about: temperature, target_temperature, brightness, volume, position, color,
    percentage, or "value" (a sensor's reading)."""
    measures: dict[str, int] = field(default_factory=dict)
    """Sensor device classes named by measurement words ("humidity", "download speed"), with how many."""
    strong_measures: set[str] = field(default_factory=set)
    """Those named by a word that means the measurement even without a device's name ("humidity", not "time")."""
    sensed: set[str] = field(default_factory=set)
    """Device classes named by nouns ("batteries", "smoke", "leak")."""
    kinds: set[Kind] = field(default_factory=set)
    cover_classes: set[str] = field(default_factory=set)
    kind_words: list[str] = field(default_factory=list)
    generic_ids: set[str] = field(default_factory=set)
    """Devices called by a kind word ("Garage door", "blinds"): meant when one device is asked about."""
    anything: bool = False
    """A generic subject: "devices", "things", "anything"."""
    sensors: bool = False
    """"sensors"/"detectors" said: binary sensors answer generic words such as "on"."""
    presence: bool = False
    quantifier: str = "one"
    yes_no: bool = False
    """Asked for a yes or no ("is there…", "are any…"), not for a value ("what is…")."""
    used: set[int] = field(default_factory=set)


def read_question(frame: Frame, named: list[Device], unnamed: set[int] | None = None) -> Question:
    """What the question asks; `unnamed` are positions of names read as plain words instead."""
    tokens = frame.tokens
    named_span = {i for m in frame.mentions if m.type == "device" for i in range(m.start, m.end)} - (unnamed or set())
    named_span |= possessive_spans(frame.tokens, named)
    question = Question()
    question.value = _state_word(tokens, named_span, question)
    _read_subject(frame, named_span, question)
    _read_measure(tokens, named_span, question)
    question.quantifier = quantifier(tokens, question)
    question.yes_no = (bool(tokens) and tokens[0] in WORDS.yes_no_starts) or bool(WORDS.yes_no_words.intersection(tokens))
    return question


def _state_word(tokens: Sequence[str], named_span: set[int], question: Question) -> str | None:
    """The longest state phrase heard outside a name; place-like words only when nothing else is."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for length in (3, 2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and _is_state_word(phrase) \
                    and not span & named_span:
                found.append((i, length, phrase))
                i += length - 1
                break
        i += 1
    chosen = [(start, length, phrase) for start, length, phrase in found if _states(tokens, start, length)]
    if len(chosen) > 1:
        chosen = [c for c in chosen if c[2] not in WORDS.place_like] or chosen[-1:]
    if not chosen:
        return None
    start, length, phrase = chosen[-1]
    question.used |= set(range(start, start + length))
    return phrase


def _is_state_word(phrase: str) -> bool:
    return phrase in WORDS.binary_state_words or phrase in WORDS.kind_state_words


def _states(tokens: Sequence[str], start: int, length: int) -> bool:
    """Whether the state word heard here asks about a state: not in "how cold is it" (a measurement), "is it
    cold in here" (the temperature), "what's going on" or "the temperature on the first floor"."""
    phrase = " ".join(tokens[start : start + length])
    after = tokens[start + length] if start + length < len(tokens) else ""
    before = tokens[start - 1] if start else ""
    if before in WORDS.measure_asks or (phrase in WORDS.feel and before in WORDS.impersonal):
        return False
    beside = WORDS.not_a_state.get(phrase)
    return beside is None or not beside.heard(before, after)


def _read_subject(frame: Frame, named_span: set[int], question: Question) -> None:
    tokens = frame.tokens
    for mention in frame.mentions:
        if mention.type == "kind" or (mention.type == "device" and mention.generic):
            if mention.kind is Kind.SENSOR:
                question.sensors = True
                continue
            if mention.kind is not None:
                question.kinds.add(mention.kind)
            if mention.device_class and mention.kind is Kind.COVER:
                question.cover_classes.add(mention.device_class)
            if mention.type == "device":
                question.generic_ids.update(mention.ids)
            question.kind_words.append(mention.said)
            question.used |= set(range(mention.start, mention.end))
    i = 0
    while i < len(tokens):
        for length in (2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and phrase in WORDS.sensed_nouns and not span & named_span \
                    and not span & question.used:
                question.sensed |= WORDS.sensed_nouns[phrase]
                question.used |= span
                i += length - 1
                break
        i += 1
    for i, token in enumerate(tokens):
        if token in WORDS.any_things and i not in named_span:
            question.anything = True
            question.sensors |= token in WORDS.sensor_words
            question.used.add(i)
        if token in WORDS.presence:
            question.presence = True
            question.used.add(i)


def _read_measure(tokens: Sequence[str], named_span: set[int], question: Question) -> None:
    text = f" {' '.join(tokens)} "
    free = [t for i, t in enumerate(tokens) if i not in named_span]
    free_text = f" {' '.join(free)} "
    for device_class, words in WORDS.measure_words.items():
        heard = [w for w in words if f" {w} " in free_text]
        if heard:
            question.measures[device_class] = len(heard)
            if any(w not in WORDS.weak_measures for w in heard):
                question.strong_measures.add(device_class)
    if question.value is not None:
        return
    if any(f" {p} " in text for p in WORDS.target_phrases):
        question.attribute = "target_temperature"
    elif set(free) & (WORDS.temperature | WORDS.feel):
        question.attribute = "temperature"
    elif _asks_how(tokens, WORDS.positions):
        question.attribute = "position"
    else:
        question.attribute = next((WORDS.attributes[w] for w in free if w in WORDS.attributes), None)


def _asks_how(tokens: Sequence[str], words: frozenset[str]) -> bool:
    """"How open", "how far": one of `words` right after a word asking how much."""
    return any(t in WORDS.measure_asks and i + 1 < len(tokens) and tokens[i + 1] in words for i, t in enumerate(tokens))


def quantifier(tokens: Sequence[str], question: Question | None = None) -> str:
    """one | any | all | which | count, from the question's wording."""
    heard = list(tokens)
    asks_state = question is not None and question.value is not None
    for name, cues in WORDS.quantifiers.items():
        if cues.heard(heard) or (name == "which" and _asks_which(heard, asks_state)):
            return name
    return "one"


def _asks_which(tokens: list[str], asks_state: bool) -> bool:
    """"What lights are on", "what is open": which devices, not what one of them is."""
    if not tokens or tokens[0] not in WORDS.which_starts:
        return False
    plural = len(tokens) > 1 and tokens[1].endswith(GRAMMAR.plural_ending) and tokens[1] not in WORDS.not_plurals
    return plural or asks_state
