"""What to say when no device answers a question: no such kind here, no sensor that could tell, no such name."""

from __future__ import annotations

from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.question import Question
from agent.understanding.targets import Targets
from devices.registry import Registry

_Q = language().questions
BINARY_STATE_WORDS, CLASS_NOUNS, MEASURE_WORDS, SENSED_NOUNS = _Q.binary_state_words, _Q.class_nouns, _Q.measure_words, \
    _Q.sensed_nouns
FEEL_WORDS = _Q.feel
_MEASURE_TOKENS = {w for words in MEASURE_WORDS.values() for w in words if " " not in w} - _Q.vague_measures


def _place_words(frame: Frame, used: set[int]) -> str:
    """The words that said where, as heard: "in the kitchen", "upstairs", "on the first floor"."""
    for mention in frame.mentions:
        if mention.type in ("area", "floor"):
            start = mention.start
            while start > 0 and frame.tokens[start - 1] in {"the", "my", "our"}:
                start -= 1
            if start > 0 and frame.tokens[start - 1] in {"in", "on", "at"} and start - 1 not in used:
                start -= 1
            words = " ".join(frame.tokens[start : mention.end])
            if start == mention.start and words.endswith(("stairs", "side", "doors")):
                return words  # "upstairs", "outside"
            if frame.tokens[start] not in {"in", "on", "at"}:
                if start == mention.start:
                    words = "the " + words
                level = mention.type == "floor" and words.endswith(("floor", "level", "storey", "story"))
                words = ("on " if level else "in ") + words
            return words
    return ""


def nothing_found(frame: Frame, question: Question, targets: Targets, registry: Registry) -> str:
    if targets.ask and not (question.sensed or question.value or question.attribute or question.measures):
        return targets.ask
    where = _place_words(frame, question.used)
    place = f" {where}" if where else ""
    if question.kind_words:
        sentence = f"there are no {_plural_word(question.kind_words[0])}{place}"
        if question.quantifier in ("one", "any", "all"):
            return f"No, {sentence}."
        return sentence[:1].upper() + sentence[1:] + "."
    sensor = _missing_sensor(frame, question)
    if sensor:
        return f"I don't have {'an' if sensor[0] in 'aeiou' else 'a'} {sensor}{place}, so I can't tell."
    if frame.unknown:
        return f"Sorry, I don't have a device called {' '.join(frame.unknown)}."
    return "Sorry, I couldn't find a device that answers that."


def _plural_word(word: str) -> str:
    if word.endswith("s"):
        return word
    return word + ("es" if word.endswith(("ch", "sh", "x")) else "s")


def _missing_sensor(frame: Frame, question: Question) -> str:
    """What kind of sensor would have answered: "water sensor", "humidity sensor"."""
    classes = sorted(question.sensed)
    if not classes and question.value is not None:
        classes = sorted(c for c in BINARY_STATE_WORDS.get(question.value, {}) if c != "*")
    if question.presence:
        classes = ["motion"]
    for device_class in classes:
        if device_class in CLASS_NOUNS and CLASS_NOUNS[device_class][0] not in ("device", "sensor"):
            noun = CLASS_NOUNS[device_class][0]
            return noun if noun.endswith(("sensor", "detector")) else f"{noun} sensor"
    heard = [t for t in frame.tokens if t in SENSED_NOUNS or t in _MEASURE_TOKENS]
    if heard:
        return f"{heard[0]} sensor"
    if question.attribute == "temperature" or question.value in FEEL_WORDS:
        return "thermometer"
    return ""
