"""Reading a question: what it asks (a state word, a measurement, the whole state), about what,
and how many (one, any, all, which, count), before any device is chosen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.names import possessive_spans
from devices.model import Device, Kind

_Q = language().questions
ANY_THING_WORDS, BINARY_STATE_WORDS, KIND_STATE_WORDS = _Q.any_things, _Q.binary_state_words, _Q.kind_state_words
MEASURE_WORDS, SENSED_NOUNS, PRESENCE_WORDS = _Q.measure_words, _Q.sensed_nouns, _Q.presence
TEMPERATURE_WORDS, FEEL_WORDS, TARGET_PHRASES = _Q.temperature, _Q.feel, _Q.target_phrases
"""FEEL_WORDS: after "how", a temperature question ("how warm is it"); otherwise a yes/no about a sensor."""
ATTRIBUTE_WORDS = _Q.attributes
YES_NO_STARTS, WEAK_MEASURE_WORDS = _Q.yes_no_starts, _Q.weak_measures
DETERMINERS, PLACE_LIKE = _Q.determiners, _Q.place_like


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
    text = f" {' '.join(tokens)} "
    question.yes_no = (bool(tokens) and tokens[0] in YES_NO_STARTS) or " if " in text or " whether " in text
    return question


def _state_word(tokens: Sequence[str], named_span: set[int], question: Question) -> str | None:
    """The longest state phrase heard outside a name; place-like words only when nothing else is."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for length in (3, 2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and (phrase in BINARY_STATE_WORDS or phrase in KIND_STATE_WORDS) \
                    and not span & named_span:
                found.append((i, length, phrase))
                i += length - 1
                break
        i += 1
    chosen: list[tuple[int, int, str]] = []
    for start, length, phrase in found:
        after = tokens[start + length] if start + length < len(tokens) else ""
        before = tokens[start - 1] if start else ""
        if phrase == "on" and after in DETERMINERS:
            continue  # "the temperature on the first floor"
        if before == "how":
            continue  # "how cold is it", "how open is the blind": a measurement
        if phrase in FEEL_WORDS and before == "it":
            continue  # "is it cold in here": the temperature, not a sensor that says "cold"
        if phrase == "on" and before in {"going", "goes", "happening"}:
            continue  # "what's going on in the garage"
        if phrase in {"up", "down"} and (before in {"turn", "turned"} or after in {"to"}):
            continue
        chosen.append((start, length, phrase))
    if len(chosen) > 1:
        chosen = [c for c in chosen if c[2] not in PLACE_LIKE] or chosen[-1:]
    if not chosen:
        return None
    start, length, phrase = chosen[-1]
    question.used |= set(range(start, start + length))
    return phrase


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
            question.kind_words.append(" ".join(tokens[mention.start : mention.end]))
            question.used |= set(range(mention.start, mention.end))
    i = 0
    while i < len(tokens):
        for length in (2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and phrase in SENSED_NOUNS and not span & named_span \
                    and not span & question.used:
                question.sensed |= SENSED_NOUNS[phrase]
                question.used |= span
                i += length - 1
                break
        i += 1
    for i, token in enumerate(tokens):
        if token in ANY_THING_WORDS and i not in named_span:
            question.anything = True
            question.sensors |= token in {"sensor", "sensors", "detector", "detectors"}
            question.used.add(i)
        if token in PRESENCE_WORDS:
            question.presence = True
            question.used.add(i)


def _read_measure(tokens: Sequence[str], named_span: set[int], question: Question) -> None:
    text = f" {' '.join(tokens)} "
    free = [t for i, t in enumerate(tokens) if i not in named_span]
    free_text = f" {' '.join(free)} "
    for device_class, words in MEASURE_WORDS.items():
        heard = [w for w in words if f" {w} " in free_text]
        if heard:
            question.measures[device_class] = len(heard)
            if any(w not in WEAK_MEASURE_WORDS for w in heard):
                question.strong_measures.add(device_class)
    if question.value is not None:
        return
    if any(f" {p} " in text for p in TARGET_PHRASES):
        question.attribute = "target_temperature"
    elif set(free) & (TEMPERATURE_WORDS | FEEL_WORDS):
        question.attribute = "temperature"
    elif "how" in tokens and _after_how(tokens, {"open", "closed", "far"}):
        question.attribute = "position"
    else:
        for word in free:
            if word in ATTRIBUTE_WORDS:
                question.attribute = ATTRIBUTE_WORDS[word]
                break


def _after_how(tokens: Sequence[str], words: set[str]) -> bool:
    return any(t == "how" and i + 1 < len(tokens) and tokens[i + 1] in words for i, t in enumerate(tokens))


def quantifier(tokens: Sequence[str], question: Question | None = None) -> str:
    """one | any | all | which | count, from the question's wording."""
    text = f" {' '.join(tokens)} "
    if " how many " in text or " number of " in text:
        return "count"
    first = tokens[0] if tokens else ""
    asks_state = question is not None and question.value is not None
    if " which " in text or first in {"list", "show"} or \
            (first == "what" and (_plural_subject(tokens) or asks_state)):
        return "which"
    words = set(tokens)
    if words & {"all", "every", "everything", "each", "both"}:
        return "all"
    if words & {"any", "anything", "anyone", "anybody", "someone", "somebody", "something"} \
            or " is there " in text or " are there " in text or first == "any":
        return "any"
    return "one"


def _plural_subject(tokens: Sequence[str]) -> bool:
    return len(tokens) > 1 and (tokens[1].endswith("s") and tokens[1] not in {"is", "was", "its", "whats", "this"})
