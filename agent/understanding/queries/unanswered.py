"""What to say when no device answers a question: no such kind here, no sensor that could tell, no such name."""

from __future__ import annotations

from agent.replies.grammar import GRAMMAR, indefinite, plural
from agent.understanding.commands import Reply
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.question import Question
from agent.understanding.targets import Targets

WORDS = language().questions
REPLIES = language().replies
NAME_ARTICLES = language().commands.name_articles
_MEASURE_TOKENS = {w for words in WORDS.measure_words.values() for w in words if " " not in w} - WORDS.vague_measures


def nothing_found(frame: Frame, question: Question, targets: Targets) -> Reply:
    """Why no device answers: no such kind there, no sensor that could tell, or no such name."""
    if targets.ask and not (question.sensed or question.value or question.attribute or question.measures):
        return Reply(targets.ask)
    where = _place_words(frame, question.used)
    place = f" {where}" if where else ""
    if question.kind_words:
        kinds = plural(question.kind_words[0])
        template = REPLIES["not_here"] if question.quantifier in ("one", "any", "all") else REPLIES["none_here"]
        return Reply(template.format(kinds=kinds, place=place))
    sensor = _missing_sensor(frame, question)
    if sensor:
        return Reply(REPLIES["no_sensor"].format(sensor=indefinite(sensor), place=place))
    if frame.unknown:
        return Reply(REPLIES["no_device_called"].format(words=" ".join(frame.unknown)))
    return Reply(REPLIES["no_answering_device"])


def _place_words(frame: Frame, used: set[int]) -> str:
    """The words that said where, as heard: "in the kitchen", "upstairs", "on the first floor"."""
    for mention in frame.mentions:
        if mention.type in ("area", "floor"):
            tokens = frame.tokens
            start = mention.start
            while start > 0 and tokens[start - 1] in NAME_ARTICLES:
                start -= 1
            if start > 0 and tokens[start - 1] in WORDS.place_prepositions and start - 1 not in used:
                start -= 1
            words = " ".join(tokens[start : mention.end])
            if start == mention.start and words.endswith(WORDS.bare_place_endings):
                return words  # "upstairs", "outside"
            if tokens[start] in WORDS.place_prepositions:
                return words
            if start == mention.start:
                words = GRAMMAR.the.format(name=words)
            on_floor = mention.type == "floor" and words.endswith(WORDS.floor_nouns)
            return REPLIES["on_floor" if on_floor else "in_place"].format(place=words)
    return ""


def _missing_sensor(frame: Frame, question: Question) -> str:
    """What kind of sensor would have answered: "water sensor", "humidity sensor"."""
    classes = sorted(question.sensed)
    if not classes and question.value is not None:
        classes = sorted(c for c in WORDS.binary_state_words.get(question.value, {}) if c != "*")
    if question.presence:
        classes = ["motion"]
    for device_class in classes:
        noun = WORDS.class_nouns[device_class][0] if device_class in WORDS.class_nouns else None
        if noun is not None and noun not in WORDS.general_nouns:
            return noun if noun.endswith(WORDS.sensor_nouns) else REPLIES["sensor_of"].format(noun=noun)
    heard = [t for t in frame.tokens if t in WORDS.sensed_nouns or t in _MEASURE_TOKENS]
    if heard:
        return REPLIES["sensor_of"].format(noun=heard[0])
    if question.attribute == "temperature" or question.value in WORDS.feel:
        return REPLIES["thermometer"]
    return ""
