"""One clause of an utterance read into a frame: the action, its value and what it names.

A frame holds no device ids of its own beyond the mentions; agent/targets.py resolves
them against the registry and the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.understanding.lexicon import ALL_WORDS, COLOR_TEMPERATURES, FUNCTION_WORDS, HOUSE_WORDS, KIND_WORDS
from agent.understanding.mentions import Mention, NameIndex, find_mentions
from agent.understanding.numbers import ORDINAL_SUFFIXES, parse_number
from devices.colors import NAMED_COLORS

#: Verb phrases, longest first within each start word, and the action they ask for.
VERBS: dict[str, str] = {
    "turn on": "on", "switch on": "on", "put on": "on", "power on": "on", "light up": "on",
    "bring on": "on", "flip on": "on", "fire up": "on", "start": "on", "activate": "on",
    "enable": "on", "illuminate": "on", "run": "on", "trigger": "on",
    "turn off": "off", "switch off": "off", "shut off": "off", "power off": "off", "shut down": "off",
    "put off": "off", "flip off": "off", "kill": "off", "stop": "off", "deactivate": "off",
    "disable": "off", "cut": "off", "extinguish": "off",
    "turn up": "up", "turn down": "down", "crank up": "up", "bring up": "up", "bring down": "down",
    "increase": "up", "decrease": "down", "reduce": "down", "boost": "up", "raise": "up", "lower": "down",
    "open": "open", "close": "close", "shut": "close",
    "unlock": "unlock", "lock": "lock", "secure": "lock",
    "dim": "dim", "brighten": "brighten",
    "mute": "mute", "unmute": "unmute", "silence": "mute",
    "pause": "pause", "resume": "resume", "unpause": "resume", "continue": "resume", "play": "resume",
    "skip": "next", "next": "next", "replay": "previous", "previous": "previous", "go back": "previous", "back": "previous",
    "set": "set", "make": "set", "change": "set", "adjust": "set", "put": "set", "turn": "set",
    "switch": "set", "get": "set", "give": "set",
}
#: Particles that complete a split verb ("turn the telly on").
PARTICLES = {"on": "on", "off": "off", "up": "up", "down": "down", "out": "off"}
VERB_STARTERS = {"turn", "switch", "put", "flip", "get", "bring", "shut", "power"}

QUESTION_STARTS = {
    "is", "are", "what", "how", "which", "does", "do", "did", "was", "were", "has", "have", "who",
    "when", "where", "tell", "any", "show", "list", "check", "whats", "hows", "can",
}
STRAY_QUESTION_STARTS = [[word, verb, "the"] for word in ("this", "there", "it", "that") for verb in ("is", "are")]
""""There's the front door locked", "this is the coffee machine on": a question ("is the …") as
Whisper often hears it, with a stray first word; never read as a command. With a number it is the
command "set the …" as Whisper hears it ("it's the thermostat to 21 degrees"): no question has that shape."""
STANDALONE_ALL_WORDS = {"all", "everything"}
"""The words of ALL_WORDS that mean everything on their own; "each", "every", "any" need a noun after them
("any" in a command, a kind: "turn off any lights", not "turn off not any way")."""
REFERENCES = {"it", "them", "that", "those", "these", "this", "they", "one"}
ATTRIBUTE_WORDS = {
    "brightness": "brightness", "bright": "brightness", "volume": "volume", "loud": "volume",
    "temperature": "temperature", "temp": "temperature", "degrees": "temperature", "warm": "temperature",
    "hot": "temperature", "cold": "temperature", "position": "position", "speed": "percentage",
    "color": "color", "humidity": "humidity",
}
UP_WORDS = {"brighter": "brightness", "warmer": "temperature", "hotter": "temperature", "louder": "volume",
            "higher": None, "more": None, "faster": "percentage", "up": None}
DOWN_WORDS = {"dimmer": "brightness", "darker": "brightness", "cooler": "temperature", "colder": "temperature",
              "quieter": "volume", "softer": "volume", "lower": None, "less": None, "slower": "percentage",
              "down": None}
COMPARATIVES = [word for word, attribute in (UP_WORDS | DOWN_WORDS).items() if attribute]
""""Brighter", "quieter": words that change one attribute of a device ("make it deeper" is "dimmer")."""
SMALL_WORDS = {"bit", "little", "slightly", "touch", "tad", "notch"}
NAMED_AMOUNTS = {"half": 50, "halfway": 50, "full": 100, "fully": 100, "max": 100, "maximum": 100,
                 "highest": 100, "min": 1, "minimum": 1, "lowest": 1, "quarter": 25}
PERSONAL_PHRASES = ("my usual", "the way i like it", "how i like it", "my preferred", "my favourite",
                    "my favorite", "my normal", "like i like it", "my default")
INDIRECT = {
    "dark": ("light", "up"), "gloomy": ("light", "up"), "bright": ("light", "down"),
    "cold": ("climate", "up"), "chilly": ("climate", "up"), "freezing": ("climate", "up"),
    "hot": ("climate", "down"), "warm": ("climate", "down"), "stuffy": ("climate", "down"),
    "boiling": ("climate", "down"),
}


@dataclass
class Frame:
    """What one clause asks for, before its targets are resolved."""

    tokens: list[str]
    action: str | None = None
    verb: str | None = None
    """The verb phrase heard ("light up", "kill"): some imply a kind of device."""
    question: bool = False
    mentions: list[Mention] = field(default_factory=list)
    attribute: str | None = None
    """An attribute word heard: brightness, volume, temperature, position, percentage, color."""
    number: float | None = None
    unit: str | None = None
    """percent | degrees | None."""
    by: bool = False
    """"by N": the number is a change, not a target."""
    direction: int = 0
    """+1 / -1 for relative requests."""
    small: bool = False
    color: str | None = None
    color_temp: int | None = None
    reference: bool = False
    here: bool = False
    house: bool = False
    every: bool = False
    too: bool = False
    """"… too" / "and … as well": repeat the previous action on new targets."""
    indirect: tuple[str, str] | None = None
    personal: bool = False
    """"my usual", "the way I like it": the value comes from the speaker's preferences."""
    unknown: list[str] = field(default_factory=list)
    """Content words that name nothing the household has."""
    unknown_name: bool = False
    """One of them stands where a name does, after "the" ("put the party all lights on")."""

    def of_type(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.type == kind]

    @property
    def has_value(self) -> bool:
        return self.number is not None or self.color is not None or self.color_temp is not None


def read_frame(tokens: list[str], index: NameIndex) -> Frame:
    frame = Frame(tokens=tokens)
    named = [m for m in find_mentions(tokens, index) if m.type != "kind"]
    protected = {i for m in named for i in range(m.start, m.end)}
    verb_positions = _read_verbs(frame, tokens, protected)
    frame.mentions = find_mentions(tokens, index, skip=verb_positions)
    used = verb_positions | {i for m in frame.mentions for i in range(m.start, m.end)}
    _read_values(frame, tokens, used)
    _read_scope(frame, tokens, used)
    unknown = [i for i, t in enumerate(tokens)
               if (i not in used and _is_content(t))
               or (i > 0 and t == tokens[i - 1] and not t.isdigit())]  # "Emma's light light": a word mis-heard
    frame.unknown = [tokens[i] for i in unknown]
    frame.unknown_name = any(i > 0 and tokens[i - 1] in ("the", "my", "our") for i in unknown)
    return frame


def _read_verbs(frame: Frame, tokens: list[str], protected: set[int]) -> set[int]:
    """Find the clause's action; returns the token positions it used."""
    frame.question = bool(tokens) and ((tokens[0] in QUESTION_STARTS and not _is_command_question(tokens))
                                       or (tokens[:3] in STRAY_QUESTION_STARTS and not sets_a_value(tokens)))
    positions: set[int] = set()
    for i, token in enumerate(tokens):
        if i in protected or frame.action is not None:
            continue
        two = " ".join(tokens[i : i + 2])
        if two in VERBS and i + 1 not in protected:
            frame.action, frame.verb, positions = VERBS[two], two, {i, i + 1}
        elif token in VERBS and not (token in {"back", "next", "run", "lower", "up"} and i > 0):
            frame.action, frame.verb, positions = VERBS[token], token, {i}
    if tokens and tokens[0] == "light" and "up" in tokens:
        frame.action, frame.verb = "on", "light up"
        return {0, tokens.index("up")}
    if frame.action in (None, "set") or (tokens and tokens[0] in VERB_STARTERS):
        for i, token in enumerate(tokens):
            if token in PARTICLES and i not in protected and i not in positions and not _is_preposition(tokens, i):
                frame.action = PARTICLES[token]
                positions.add(i)
                break
    if frame.question and frame.action in {"on", "off", "open", "close", "lock", "unlock"}:
        frame.action = None
    if frame.action in {"resume", "previous", "next"} and tokens:
        words = set(tokens)
        if words & {"previous", "last", "back"} and not words & {"next"}:
            frame.action = "previous"
        elif "next" in words or "skip" in words:
            frame.action = "next"
    return positions


def sets_a_value(tokens: list[str]) -> bool:
    """"… to 21 degrees", "… at 25 percent", "… of 10", "… half": a number said the way a setting is."""
    def said_as_setting(i: int) -> bool:
        return (i > 0 and tokens[i - 1] in ("to", "at", "of")) or tokens[i + 1:i + 2] in (["percent"], ["degrees"])

    return any(token in NAMED_AMOUNTS or (_value_of(token) is not None and said_as_setting(i))
               for i, token in enumerate(tokens))


def _value_of(token: str) -> float | None:
    """A number a device may be set to; an ordinal ("the 30th") is a date, never a level."""
    return None if token.endswith(ORDINAL_SUFFIXES) else parse_number(token)


def _is_command_question(tokens: list[str]) -> bool:
    """"can you turn on…", "could you…" are commands phrased as questions."""
    return tokens[0] in {"can", "could", "will", "would"} and len(tokens) > 1 and tokens[1] == "you"


def _is_preposition(tokens: list[str], i: int) -> bool:
    """"on" before a name ("brightness on the desk lamp", "volume up on the TV") is not a verb."""
    if tokens[i] != "on" or i + 1 >= len(tokens):
        return False
    return tokens[i + 1] in {"the", "my", "our"} and i > 0 and tokens[i - 1] not in VERB_STARTERS


def _read_values(frame: Frame, tokens: list[str], used: set[int]) -> None:
    text = " ".join(tokens)
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        value = _value_of(token)
        if value is not None and i > 0 and tokens[i - 1] == "the" and nxt not in ("percent", "degrees"):
            value = None  # "the lights in the 30" (the study, mis-heard): a name, never a level
        if value is not None and i not in used:
            frame.number = value
            frame.by = i > 0 and tokens[i - 1] == "by"
            if nxt in {"percent", "per"}:
                frame.unit = "percent"
            elif nxt in {"degrees", "degree", "celsius", "c"}:
                frame.unit = "degrees"
            used.add(i)
        elif token in NAMED_AMOUNTS and frame.number is None and i not in used:
            frame.number = NAMED_AMOUNTS[token]
            frame.unit = "percent"
            used.add(i)
        if i in used:
            continue
        if token in ATTRIBUTE_WORDS and not frame.attribute:
            frame.attribute = ATTRIBUTE_WORDS[token]
        if token in UP_WORDS or token in DOWN_WORDS:
            frame.direction = 1 if token in UP_WORDS else -1
            frame.attribute = (UP_WORDS | DOWN_WORDS)[token] or frame.attribute
            used.add(i)
        if token in SMALL_WORDS:
            frame.small = True
            used.add(i)
        if token == "too" or (token == "well" and i > 0 and tokens[i - 1] == "as"):
            frame.too = True
    for phrase, kelvin in COLOR_TEMPERATURES.items():
        if f" {phrase} " in f" {text} " and (" " in phrase or "white" in text or frame.action == "set"):
            frame.color_temp = kelvin
            _mark(tokens, phrase, used)
            break
    for name in sorted(NAMED_COLORS, key=len, reverse=True):
        if f" {name} " in f" {text} " and not _inside(tokens, name, used):
            frame.color = name
            _mark(tokens, name, used)
            break
    if any(f" {phrase} " in f" {text} " for phrase in PERSONAL_PHRASES):
        frame.personal = True
        for phrase in PERSONAL_PHRASES:
            _mark(tokens, phrase, used)
    for word, meaning in INDIRECT.items():
        if word in tokens and not frame.personal and ("too" in tokens or "in here" in text or text.startswith("it is") or "so" in tokens):
            frame.indirect = meaning
            used.add(tokens.index(word))
            break


def _read_scope(frame: Frame, tokens: list[str], used: set[int]) -> None:
    text = f" {' '.join(tokens)} "
    frame.here = any(f" {w} " in text for w in ("here", "this room", "in the room", "this area"))
    frame.house = any(f" {w} " in text for w in HOUSE_WORDS)
    frame.every = any(t in ALL_WORDS and (t in STANDALONE_ALL_WORDS or i + 1 < len(tokens))
                      and (t != "any" or frame.question or tokens[i + 1] in KIND_WORDS) for i, t in enumerate(tokens))
    frame.reference = any(t in REFERENCES for i, t in enumerate(tokens) if i not in used) and not frame.here


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


def _is_content(token: str) -> bool:
    """A word that should name something; a number no value took (one after "the") counts too."""
    return token not in FUNCTION_WORDS and token not in HOUSE_WORDS and token not in VERBS \
        and token not in PARTICLES and token not in QUESTION_STARTS \
        and token not in REFERENCES and token not in ATTRIBUTE_WORDS and token not in NAMED_AMOUNTS
