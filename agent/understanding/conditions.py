"""Conditions said with a command: "when the front door opens, turn on the hallway light", "turn the
heating down when I leave", "if the back door is unlocked, lock it", "let me know if the garage door opens".

The condition is read the way a question is ("is the front door open?"), so it finds the device that
can tell; the command is read as any command. A condition that names nothing homebody can watch is
said so, and the command is never carried out on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.turn.plan import Condition, GetState
from agent.understanding.commands import Reply
from agent.understanding.frames import read_frame
from agent.understanding.language import language
from agent.understanding.mentions import NameIndex
from agent.understanding.numbers import parse_number
from agent.understanding.queries import query_call
from agent.understanding.targets import resolve
from agent.turn.context import TurnContext
from devices.model import Kind
from devices.registry import Registry

WORDS = language()
C = WORDS.conditions
REPLIES = WORDS.replies


@dataclass(frozen=True)
class Said:
    """An utterance split into its condition and its command."""

    condition: list[str]
    command: list[str]
    marker: str
    tell: bool
    or_question: bool = False
    """Read it as a question instead when the condition names nothing to watch."""


def split_condition(tokens: list[str]) -> Said | None:
    """The condition and the command of an utterance, or None when it says no condition."""
    for phrases, waiting_only in ((C.tell, False), (C.tell_when, True)):
        tell = _phrase_at(tokens, 0, phrases)
        marker = _phrase_at(tokens, len(tell.split()), C.markers) if tell else None
        if tell and marker and not (waiting_only and marker in C.at_once):
            return Said(tokens[len(tell.split()) + len(marker.split()):], [], marker, True, or_question=waiting_only)
    marker = _phrase_at(tokens, 0, C.markers)
    if marker and not _question_after(tokens, len(marker.split())):
        rest = tokens[len(marker.split()):]
        if "," in rest:
            at = rest.index(",")
            return Said(rest[:at], [t for t in rest[at + 1:] if t != ","], marker, False)
        split = _command_start(rest)
        return Said(rest[:split], rest[split:], marker, False) if split else None
    if tokens and tokens[0] in WORDS.questions.starts:
        return None  # "tell me if there are any switches on", "is it ok if …": a question, not a condition
    for i in range(1, len(tokens)):
        marker = _phrase_at(tokens, i, C.markers)
        if marker and not _question_after(tokens, i + len(marker.split())):
            command = [t for t in tokens[:i] if t != ","]
            return Said(tokens[i + len(marker.split()):], command, marker, False)
    return None


def read_condition(said: Said, index: NameIndex, registry: Registry, context: TurnContext) -> Condition | Reply:
    """What the condition waits for; a reply when homebody cannot watch for it."""
    words = [t for t in said.condition if t != ","]
    text = " ".join(words)
    presence = _presence(words)
    if presence is not None:
        return presence
    crossed = _crossing(words, index, registry, context)
    if crossed is not None:
        return crossed
    for state, phrases in C.states.items():
        for phrase in sorted(phrases, key=len, reverse=True):
            at = _find(words, phrase.split())
            if at is not None:
                subject = words[:at]
                condition = _state_of(subject, state, index, registry, context)
                if condition is not None:
                    return Condition(condition.devices, condition.attribute or "state", "is", state, said=text)
    asked = _as_question(words, index, registry, context)
    if asked is not None:
        return Condition(asked.devices, asked.attribute or "state", "is", asked.value, said=text)
    return Reply(REPLIES["cannot_watch"].format(said=f"{said.marker} {text}"), sure=True)


def _presence(words: list[str]) -> Condition | None:
    """ "I leave", "Alex gets home", "everyone goes out"."""
    for event, phrases in C.presence.items():
        for phrase in sorted(phrases, key=len, reverse=True):
            at = _find(words, phrase.split())
            if at is None or at + len(phrase.split()) != len(words):
                continue
            subject = " ".join(words[:at])
            person = "me" if subject in C.me else "*" if subject in C.everyone else subject or None
            if person:
                return Condition(person=person, event=event, said=" ".join(words))  # type: ignore[arg-type]
    return None


def _crossing(words: list[str], index: NameIndex, registry: Registry, context: TurnContext) -> Condition | None:
    """ "The living room drops below 18 degrees", "the bedroom temperature goes above 25"."""
    for op, phrases in (("below", C.below), ("above", C.above)):
        for phrase in sorted(phrases, key=len, reverse=True):
            at = _find(words, phrase.split())
            if at is None:
                continue
            number = next((n for t in words[at + len(phrase.split()):] if (n := parse_number(t)) is not None), None)
            devices = _measured(words[:at], index, registry, context)
            if number is not None and devices:
                attribute = "value" if all(d.kind is Kind.SENSOR for d in devices) else "current_temperature"
                return Condition(tuple(d.id for d in devices), attribute, op, number, said=" ".join(words))  # type: ignore[arg-type]
    return None


def _measured(subject: list[str], index: NameIndex, registry: Registry, context: TurnContext) -> list:
    """The temperature sensors (else thermostats) a subject names: a room, a sensor, "it" for here."""
    frame = read_frame(subject or ["here"], index)
    targets = resolve(frame, registry, context)
    named = [d for d in targets.devices if d.kind in (Kind.SENSOR, Kind.CLIMATE)]
    if named:
        return [d for d in named if d.kind is Kind.SENSOR] or named
    area = targets.area or (context.area if frame.here or not frame.mentions else None)
    if area is None:
        return []
    sensors = [d for d in registry.select([Kind.SENSOR], area=area) if d.device_class in (None, "temperature")]
    return sensors or registry.select([Kind.CLIMATE], area=area)


def _state_of(subject: list[str], state: str, index: NameIndex, registry: Registry,
              context: TurnContext) -> GetState | None:
    """The devices that tell whether the subject is in `state`, as a question would find them."""
    frame = read_frame(["is", *subject, state], index)
    if not frame.mentions:
        return None
    reading, _ = query_call(frame, resolve(frame, registry, context), registry, context)
    return reading[0] if isinstance(reading, list) and reading and isinstance(reading[0], GetState) else None


def _as_question(words: list[str], index: NameIndex, registry: Registry, context: TurnContext) -> GetState | None:
    """ "Someone is on the porch" read as "is someone on the porch": the devices and the value that answer yes,
    when every word of it was understood."""
    at = next((i for i, word in enumerate(words) if word in C.copulas), None)
    if not at:
        return None
    frame = read_frame([words[at], *words[:at], *words[at + 1:]], index)
    reading, frame = query_call(frame, resolve(frame, registry, context), registry, context)
    if frame.unknown or not (isinstance(reading, list) and len(reading) == 1 and isinstance(reading[0], GetState)):
        return None
    asked = reading[0]
    return asked if asked.value is not None and asked.quantifier not in ("which", "count") else None


def _question_after(tokens: list[str], at: int) -> bool:
    return at >= len(tokens) or tokens[at] in C.not_after


def _command_start(words: list[str]) -> int | None:
    """Where the command starts in "when the door opens turn on the light": the first verb after a state verb."""
    verbs = WORDS.commands.verb_actions
    for i in range(1, len(words)):
        two = " ".join(words[i:i + 2])
        if (two in verbs or words[i] in verbs) and i > 1:
            return i
    return None


def _phrase_at(tokens: list[str], at: int, phrases: tuple[str, ...]) -> str | None:
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.split()
        if tokens[at:at + len(words)] == words:
            return phrase
    return None


def _find(words: list[str], phrase: list[str]) -> int | None:
    for i in range(len(words) - len(phrase) + 1):
        if words[i:i + len(phrase)] == phrase:
            return i
    return None
