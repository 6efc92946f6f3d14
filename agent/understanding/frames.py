"""One clause of an utterance read into a frame: the action, its value and what it names.

A frame holds no device ids of its own beyond the mentions; agent/understanding/targets.py
resolves them against the registry and the conversation. Every word compared here comes from
the language file (`WORDS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.understanding.language import Indirect, language
from agent.understanding.mentions import Mention, NameIndex, find_mentions
from agent.understanding.numbers import parse_number
from agent.understanding.times.expressions import When, find_when
from agent.understanding.values import modes_said, read_values, sets_a_value, value_of
from devices.model import Kind

WORDS = language()
_COMMANDS, _VALUES, _SCOPE = WORDS.commands, WORDS.values, WORDS.scope
_TIMED = WORDS.time.commands
VERBS = _COMMANDS.verb_actions
SWITCH_ACTIONS = frozenset({"on", "off", "open", "close", "lock", "unlock"})
"""Actions a question never asks for ("is the light on" is not "turn it on")."""
MEDIA_STEPS = frozenset({"resume", "previous", "next"})
COMPARATIVES = [word for word, attribute in {**_VALUES.up, **_VALUES.down}.items() if attribute]
""""Brighter", "quieter": words that change one attribute of a device ("make it deeper" is "dimmer")."""


@dataclass(frozen=True)
class Frame:
    """What one clause asks for, before its targets are resolved."""

    tokens: tuple[str, ...]
    action: str | None = None
    verb: str | None = None
    """The verb phrase heard ("light up", "kill"): some imply a kind of device."""
    question: bool = False
    mentions: tuple[Mention, ...] = ()
    excluded: tuple[Mention, ...] = ()
    """What is named after "except" or "but": left out of the targets ("… except the lamp")."""
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
    """Kelvin."""
    reference: bool = False
    here: bool = False
    house: bool = False
    every: bool = False
    too: bool = False
    """"… too" / "and … as well": repeat the previous action on new targets."""
    indirect: Indirect | None = None
    personal: bool = False
    """"my usual", "the way I like it": the value comes from the speaker's preferences."""
    mode: str | None = None
    """A climate mode said as a setting ("on eco", "to cool")."""
    when: When | None = None
    """A time said with the command ("in ten minutes", "at 9 pm"): its numbers are never levels."""
    unknown: tuple[str, ...] = field(default=())
    """Content words that name nothing the household has."""
    unknown_name: bool = False
    """One of them stands where a name does, after "the" ("put the party all lights on")."""
    target_slot: bool = False
    """Its names were said in a device intent's {target} (intents.py), where every word stands for a name."""

    def of_type(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.type == kind]

    @property
    def has_value(self) -> bool:
        return self.number is not None or self.color is not None or self.color_temp is not None


def read_frame(tokens: list[str], index: NameIndex) -> Frame:
    named = [m for m in find_mentions(tokens, index) if m.type not in ("kind", "routine")]  # "every night": a time
    protected = {i for m in named for i in range(m.start, m.end)}
    times = find_when(tokens, skip=protected)
    timed = {i for w in times for i in range(w.start, w.end)}
    verbs, verb_positions = _read_verbs(tokens, protected | timed)
    if _a_setting_not_a_time(tokens, times, verbs["action"]):
        times, timed = [], set()  # "set the thermostat at 18": a set with no value but "at 18" sets 18
    modes = modes_said(tokens, verb_positions)  # "set the thermostat to heat": a mode, not the kind "heat"
    mentions = find_mentions(tokens, index, skip=verb_positions | timed | modes)
    mentions, excluded, exception = _exceptions(tokens, mentions)
    used = verb_positions | timed | exception | {i for m in [*mentions, *excluded] for i in range(m.start, m.end)}
    values = read_values(tokens, used, verbs["action"], any(m.kind is Kind.CLIMATE for m in mentions))
    scope = _read_scope(tokens, used, verbs["question"])
    if verbs["verb"] in _COMMANDS.house_verbs and not any(m.type != "kind" for m in mentions):
        scope["house"] = True  # "lock up": every lock in the house
    unknown = [i for i, t in enumerate(tokens)
               if (i not in used and _is_content(t))
               or (i > 0 and t == tokens[i - 1] and not t.isdigit())]  # "Emma's light light": a word mis-heard
    routines = {i for m in mentions if m.type == "routine" for i in range(m.start, m.end)}
    when = _first_when(times) or (_unread_time(tokens, set(unknown) | routines)
                                  if verbs["action"] and not verbs["question"] else None)
    return Frame(tuple(tokens), mentions=tuple(mentions), excluded=tuple(excluded), **verbs, **values, **scope, when=when,
                 unknown=tuple(tokens[i] for i in unknown),
                 unknown_name=any(i > 0 and tokens[i - 1] in _COMMANDS.name_articles for i in unknown))


CLOCK_HOURS = 12
"""The hours a time said without its half of the day can be ("at 7"); "at 18" people say as a setting."""


def _exceptions(tokens: list[str], mentions: list[Mention]) -> tuple[list[Mention], list[Mention], set[int]]:
    """The mentions before "except" (or "but", "apart from" …) and those after it, and the word's positions;
    all the mentions, none and none when no such word comes between a command and a name."""
    for i, words in exception_words(tokens):
        after = [m for m in mentions if m.start >= i + len(words)]
        if after:
            return [m for m in mentions if m.end <= i], after, set(range(i, i + len(words)))
    return mentions, [], set()


def exception_words(tokens: list[str] | tuple[str, ...]) -> list[tuple[int, tuple[str, ...]]]:
    """Where a word that leaves something out ("except", "apart from") comes after a clause's first word."""
    found = []
    for i in range(1, len(tokens)):
        words = next((w for w in _COMMANDS.exceptions if tuple(tokens[i:i + len(w)]) == w), None)
        if words:
            found.append((i, words))
    return found


def _a_setting_not_a_time(tokens: list[str], times: list[When], action: str | None) -> bool:
    """Whether the clause's one time is "at" and a plain number past a clock's twelve hours in a "set" with no other
    number ("set the thermostat at 18"): its value. "At 7" stays a time (seven degrees would be a guess)."""
    if action != "set" or len(times) != 1:
        return False
    when = times[0]
    if when.kind != "at" or when.day is not None or when.end - when.start != 2:
        return False
    number = parse_number(tokens[when.start + 1])
    if tokens[when.start] not in _VALUES.setting_prepositions or number is None or number <= CLOCK_HOURS:
        return False
    return not any(value_of(t) is not None for i, t in enumerate(tokens) if not when.start <= i < when.end)


def _first_when(times: list[When]) -> When | None:
    """The clause's time; one it could not read wins, and so do two that are not one time ("at 6 on the
    weekdays at 7"): nothing acts on a time half understood."""
    if len(times) > 1 and all(w.kind not in ("invalid", "bare") for w in times):
        return When("invalid", times[0].start, times[-1].end, said=" and ".join(w.said for w in times))
    return next((w for w in times if w.kind in ("invalid", "bare")), times[0] if times else None)


def _unread_time(tokens: list[str], unread: set[int]) -> When | None:
    """ "Until bedtime", "after the film", "at sunset": a word not understood (or a routine's name) after a word
    that says when is a time that cannot be used, never a command for now."""
    for i in sorted(unread):
        before = i - 1
        while before > 0 and tokens[before] in WORDS.words.function and tokens[before] not in _TIMED.prepositions:
            before -= 1
        if before >= 0 and tokens[before] in _TIMED.prepositions:
            return When("unread", before, i + 1, said=" ".join(tokens[before:i + 1]))
    return None


def _read_verbs(tokens: list[str], protected: set[int]) -> tuple[dict[str, Any], set[int]]:
    """The clause's action and verb, and whether it is a question; with the token positions used."""
    repeat = any(tokens[:len(words.split())] == words.split() for words in _VALUES.also)  # "do the same in …"
    question = bool(tokens) and not repeat and ((tokens[0] in WORDS.questions.starts and not _is_command_question(tokens))
                                 or (WORDS.questions.stray_question.starts(tokens) and not sets_a_value(tokens)))
    action, verb, positions = _verb(tokens, protected)
    split = _COMMANDS.leading_split.get(tokens[0]) if tokens else None
    if split is not None and split in tokens:
        verb = f"{tokens[0]} {split}"
        return {"action": VERBS[verb], "verb": verb, "question": question}, {0, tokens.index(split)}
    if action in (None, "set") or (tokens and tokens[0] in _COMMANDS.verb_starters):
        phrasal = verb is not None and verb.split()[-1] in _COMMANDS.particles and " " in verb
        for i, token in enumerate(tokens):
            if token in _COMMANDS.particles and i not in protected | positions and not _is_preposition(tokens, i):
                said = _COMMANDS.particles[token]
                action = None if phrasal and said != action else said  # "turn off … up": two actions, neither read
                positions.add(i)
                break
    if question and action in SWITCH_ACTIONS:
        action = None
    if action in MEDIA_STEPS and tokens:
        action = _media_step(set(tokens), action)
    return {"action": action, "verb": verb, "question": question}, positions


def _verb(tokens: list[str], protected: set[int]) -> tuple[str | None, str | None, set[int]]:
    """The first verb phrase outside a name: two words before one."""
    for i, token in enumerate(tokens):
        if i in protected:
            continue
        two = " ".join(tokens[i : i + 2])
        if two in VERBS and i + 1 not in protected:
            return VERBS[two], two, {i, i + 1}
        if token in VERBS and not (token in _COMMANDS.leading_only and i > 0):
            return VERBS[token], token, {i}
    return None, None, set()


def _media_step(words: set[str], action: str) -> str:
    if words & _COMMANDS.previous_words and not words & (_COMMANDS.next_words - _COMMANDS.previous_words):
        return "previous"
    if words & _COMMANDS.next_words:
        return "next"
    return action


def _is_command_question(tokens: list[str]) -> bool:
    """"can you turn on…", "could we have … on" are commands phrased as questions."""
    return tokens[0] in _COMMANDS.asking and any(tuple(tokens[1:1 + len(a)]) == a for a in _COMMANDS.addressees)


def _is_preposition(tokens: list[str], i: int) -> bool:
    """"on" before a name ("brightness on the desk lamp", "volume up on the TV") is not a verb."""
    if tokens[i] not in _COMMANDS.prepositions or i + 1 >= len(tokens):
        return False
    return tokens[i + 1] in _COMMANDS.name_articles and i > 0 and tokens[i - 1] not in _COMMANDS.verb_starters


def _read_scope(tokens: list[str], used: set[int], question: bool) -> dict[str, Any]:
    text = f" {' '.join(tokens)} "
    here = any(f" {w} " in text for w in _SCOPE.here)
    every = any(t in _SCOPE.all and (t in _SCOPE.standalone_all or _covers_something(tokens[i + 1:]))
                and (t not in _SCOPE.needs_kind or question or tokens[i + 1] in WORDS.kinds)
                for i, t in enumerate(tokens))
    return {"here": here, "house": any(f" {w} " in text for w in _SCOPE.house), "every": every,
            "reference": any(t in _COMMANDS.references for i, t in enumerate(tokens) if i not in used) and not here}


def _covers_something(after: list[str]) -> bool:
    """What an "all" word that is not one on its own ("whole", "every") needs after it: a kind, the house or a
    word that may name something. "Turn off the whole way" (a hallway misheard) is not the whole house."""
    return any(t in WORDS.kinds or t in _SCOPE.house or _is_content(t) for t in after)


def _is_content(token: str) -> bool:
    """A word that should name something; a number no value took (one after "the") counts too."""
    return not any(token in words for words in _NOT_CONTENT)


_NOT_CONTENT = (WORDS.words.function, _SCOPE.house, VERBS, _COMMANDS.particles, WORDS.questions.starts,
                _COMMANDS.references, _VALUES.attributes, _VALUES.named_amounts)
