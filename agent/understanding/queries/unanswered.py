"""What to say when no device answers a question: no such kind here, no sensor that could tell, no such name."""

from __future__ import annotations

from collections.abc import Sequence

from agent.replies.grammar import GRAMMAR, indefinite, is_plural, plural
from agent.understanding.commands import Reply
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.names import name_words
from agent.understanding.queries.question import VOCABULARY, Question
from agent.understanding.targets import Targets
from devices.registry import Registry

WORDS = language().questions
REPLIES = language().replies
NAME_ARTICLES = language().commands.name_articles
_CUES = [(*cues.words, *cues.phrases, *cues.starts) for cues in WORDS.quantifiers.values()]
NOT_NAMES = VOCABULARY | language().words.function | language().scope.all | WORDS.starts | set(language().kinds) | {
    word for phrases in (WORDS.target_phrases, WORDS.attributes, WORDS.positions, WORDS.yes_no_words,
                         WORDS.measure_asks, *_CUES)
    for phrase in phrases for word in phrase.split()}
"""Words that never stand for a name in a question."""
NAME_ENDINGS = language().words.name_endings
LEAD_INS = NAME_ARTICLES | WORDS.starts | language().scope.all
"""Words a name said in a question may follow: "is the back door locked", "are any hallway lights on"."""
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
    if not frame.unknown:
        return Reply(REPLIES["no_answering_device"])
    return Reply(REPLIES["not_understood"])  # "who lives here": words that name no device, nor sound like one


def missing_thing(frame: Frame, question: Question, registry: Registry) -> Reply | None:
    """What to say when a question asks about something the household does not have, instead of
    answering about something else ("is the back door locked" where the only door is the front door).

    Such a thing is said in words that are in no name of the household, where a name stands: before
    a kind word ("the back door"), or after "the" ("on the porch", "is the zorb on")."""
    known = name_words(registry)
    taken = question.used | {i for m in frame.mentions for i in range(m.start, m.end)}
    return _before_a_kind_word(frame, taken, known) or _after_an_article(frame, taken, known)


def _before_a_kind_word(frame: Frame, taken: set[int], known: frozenset[str]) -> Reply | None:
    """"Is the back door locked": "back" names nothing the household has, and "door" is a kind word."""
    tokens = frame.tokens
    for mention in frame.mentions:
        if mention.type != "kind" and not (mention.type == "device" and mention.generic):
            continue
        start = mention.start
        while start > 0 and start - 1 not in taken and (_may_name(tokens[start - 1], known)
                                                        or tokens[start - 1] in NAME_ENDINGS):
            start -= 1
        while start < mention.start and tokens[start] in NAME_ENDINGS:
            start += 1  # "the room light": "room" names nothing on its own
        if start < mention.start and (start == 0 or tokens[start - 1] in LEAD_INS):
            return Reply(_none_such(tokens[start : mention.end]), sure=True)
    return None


def _after_an_article(frame: Frame, taken: set[int], known: frozenset[str]) -> Reply | None:
    """"On the porch" where there is none: a place; "is the zorb on": a device the household lacks."""
    tokens = frame.tokens
    for i in range(1, len(tokens)):
        if tokens[i] not in frame.unknown or i in taken or not _may_name(tokens[i], known) \
                or tokens[i - 1] not in NAME_ARTICLES:
            continue
        end = i + 1
        while end < len(tokens) and end not in taken and (tokens[end] in frame.unknown or tokens[end] in NAME_ENDINGS):
            end += 1
        if i > 1 and tokens[i - 2] in WORDS.place_prepositions:
            return Reply(_none_such(tokens[i:end]))
        return Reply(REPLIES["no_device_called"].format(words=" ".join(tokens[i:end])))
    return None


def _may_name(token: str, known: frozenset[str]) -> bool:
    """A word that may be part of a name, though of none the household has."""
    return token not in known and token not in NOT_NAMES and token.isalpha()


def _none_such(words: Sequence[str]) -> str:
    """"Sorry, I don't have a back door.", "Sorry, I don't have any hallway lights."."""
    thing = " ".join(words)
    if is_plural(words[-1]):
        return REPLIES["no_such_many"].format(things=thing)
    return REPLIES["no_such_one"].format(thing=indefinite(thing))


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
