"""The device reader: commands and questions about devices, read deterministically from the live registry.

text -> tokens -> clauses ("and", "then", commas) -> frames -> targets -> tool calls. It is one of
the recognizer's sources (agent/understanding/recognizer.py); its plans carry a confidence on the
recognizer's scale (agent/understanding/confidence.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from agent.turn.context import TurnContext
from agent.turn.executor import as_left_by
from agent.turn.plan import DeviceChange, Plan, RunRoutine, ToolCall, Watch, devices_of
from agent.understanding.clauses import corrected_clauses, inherit, split_with_joiners, with_later_place
from agent.understanding.commands import Reading, Reply, command_calls
from agent.understanding.conditions import Said, read_condition, split_condition
from agent.understanding.confidence import UNSURE_REPLY, frame_confidence
from agent.understanding.frames import Frame, exception_words, read_frame
from agent.understanding.intents import intent_frame
from agent.understanding.language import language
from agent.understanding.mentions import NameIndex, build_index
from agent.understanding.normalize import normalize
from agent.understanding.queries import query_call
from agent.understanding.targets import implied_kinds, resolve, said_kinds
from agent.understanding.timed import then_after, with_time
from devices.household import Routine
from devices.model import Device, Kind
from devices.registry import Registry

WORDS = language()
REPLIES = WORDS.replies

Preferences = Callable[[str, str], Any]
"""(person id, preference key) -> the value, or None when not set."""


@dataclass
class Matcher:
    """Deterministic understanding of device talk; rebuilds its name index when the registry changes."""

    registry: Registry
    routines: list[Routine]
    preference: Preferences = lambda person, key: None
    _index: NameIndex | None = None
    _version: int = -1

    @property
    def index(self) -> NameIndex:
        if self._index is None or self._version != self.registry.version:
            self._index = build_index(self.registry, self.routines)
            self._version = self.registry.version
        return self._index

    def match(self, text: str, context: TurnContext) -> Plan:
        return self.read(normalize(text), context)

    def read(self, tokens: list[str], context: TurnContext) -> Plan:
        """The plan for already normalized tokens."""
        if not tokens:
            return Plan(say=REPLIES["didnt_catch"], path="matcher", confidence=1.0)
        said = split_condition(tokens)
        conditional = self._conditional(said, context) if said is not None else None
        if conditional is not None:
            return conditional
        negation = next((len(words) for words in WORDS.commands.negations if tuple(tokens[:len(words)]) == words), 0)
        if negation and _starts_with_a_verb(read_frame(tokens[negation:], self.index)):
            return Plan(say=REPLIES["declined"], path="matcher", confidence=1.0, declined=True)
        frames = self._frames(tokens, context)
        return self._plan(frames, context)

    def _conditional(self, said: Said, context: TurnContext) -> Plan | None:
        """ "When the front door opens, turn on the hallway light": an automation, never the command now. None
        for "tell me when the dentist is": a question after all."""
        condition = read_condition(said, self.index, self.registry, context)
        if isinstance(condition, Reply):
            return None if said.or_question else Plan(say=condition.text, path="matcher", confidence=1.0)
        if said.tell:
            return Plan([Watch(condition, tell=True)], confidence=1.0, path="matcher")
        about = replace(context.conversation, last_devices=list(condition.devices) or context.conversation.last_devices)
        plan = self.read(said.command, replace(context, conversation=about))
        changes = tuple(c for c in plan.calls if isinstance(c, DeviceChange))
        if not changes or len(changes) != len(plan.calls) or plan.declined:
            return plan if not plan.calls else Plan(say=REPLIES["not_understood"], path="matcher", confidence=0.0)
        now_if_true = said.marker in WORDS.conditions.at_once
        return Plan([Watch(condition, changes, now_if_true=now_if_true)], confidence=plan.confidence, path="matcher")

    def _frames(self, tokens: list[str], context: TurnContext) -> list[Frame]:
        correction = tokens[0] in WORDS.commands.corrections and len(tokens) > 1
        if correction:
            tokens = [t for t in tokens[1:] if t != ","] or tokens
        clauses, corrected = corrected_clauses(split_with_joiners(tokens, self.index))
        frames = [intent_frame(clause, self.index) or read_frame(clause, self.index) for clause, _ in clauses]
        if frames and tokens[0] in WORDS.commands.continuers:
            frames[0] = replace(frames[0], too=True)  # "and the counter lights": the last turn's action
        if correction:  # "no, the bedroom one": the last devices; "No Emma Emma is being on Friday" names none
            frames = [replace(f, reference=f.reference or not (f.unknown or any(m.type != "kind" for m in f.mentions)))
                      for f in frames]
        if frames and self._elliptical(frames[0], context):
            frames[0] = replace(frames[0], reference=True)  # "a bit brighter" after "turn on the lamp"
        frames = frames[:1] + [replace(f, reference=True) if _names_nothing(f) and i not in corrected else f
                               for i, f in enumerate(frames[1:])]
        frames = then_after(inherit(frames, context), [joiners for _, joiners in clauses])
        return [frame for i, frame in enumerate(frames) if i not in corrected]

    def _plan(self, frames: list[Frame], context: TurnContext) -> Plan:
        calls: list[ToolCall] = []
        notes: list[str] = []
        confidence = 1.0
        registry = self.registry
        for i, frame in enumerate(frames):
            if calls and frame.reference:
                context = _with_last_devices(context, calls)
            if calls:
                registry = as_left_by(self.registry, calls)  # "turn on the lamp and dim it": a lit lamp
            roomed = _in_room_of(context, calls, registry) if calls and _only_kinds(frame) else None
            reading, frame = self._calls_for(frame, roomed or context, registry)  # "the bathroom light and fan"
            if roomed is not None and ((isinstance(reading, Reply) and not reading.note) or _again(reading, calls)):
                reading, frame = self._calls_for(frame, context, registry)  # none there but those just named
            if reading and not isinstance(reading, Reply) and _left_unfinished(frame):
                reading = Reply(REPLIES["unfinished"])
            placed = with_later_place(frame, frames[i + 1 :]) if isinstance(reading, Reply) and not reading.note else None
            if placed is not None and not isinstance((retried := self._calls_for(placed, context, registry))[0], Reply):
                reading, frame = retried
            if not isinstance(reading, Reply):
                reading = with_time(frame, reading)
            if isinstance(reading, Reply) and not reading.note:
                sure = reading.sure or bool(calls)
                return Plan(calls=calls, say=" ".join([*notes, reading.text]), path="matcher",
                            confidence=frame_confidence(frame) if sure else UNSURE_REPLY)
            if isinstance(reading, Reply):
                notes.append(reading.text)  # understood, nothing to do: the other clauses still act
            else:
                calls += reading
            confidence = min(confidence, frame_confidence(frame))
        if not calls and not notes:
            return Plan(say=REPLIES["not_understood"], path="matcher", confidence=0.0)
        return Plan(calls=calls, say=" ".join(notes) or None, confidence=confidence, path="matcher")

    def _elliptical(self, frame: Frame, context: TurnContext) -> bool:
        """A clause that only says how ("brighter", "a bit more", "50 percent") goes on with the devices of the
        turn before, when they are of a kind it can change."""
        if frame.mentions or frame.reference or frame.question or frame.here or frame.house or frame.every \
                or frame.unknown_name:
            return False  # "set the wibble to 20" names something, if nothing of this household's
        if not (frame.has_value or frame.direction or frame.small) or frame.indirect or frame.personal:
            return False
        remembered = [self.registry.devices[d] for d in context.conversation.last_devices if d in self.registry.devices]
        kinds = implied_kinds(frame)
        return bool(remembered) and (not kinds or any(d.kind in kinds for d in remembered))

    def _calls_for(self, frame: Frame, context: TurnContext, registry: Registry) -> tuple[Reading, Frame]:
        """What the clause comes to, with the frame as understood in the end (its confidence is read from it)."""
        if frame.when is not None and frame.when.kind in ("invalid", "bare", "day", "unread") and not frame.question \
                and (frame.action or frame.of_type("routine")):
            return with_time(frame, []), frame  # no time understood: nothing acts, whatever the rest says
        routines = frame.of_type("routine")
        if routines and not frame.question and not frame.of_type("device"):
            return [RunRoutine(routines[0].ids[0])], frame
        if frame.question:
            return query_call(frame, resolve(frame, registry, context), registry, context)
        if not _is_command(frame):
            return [], frame
        if frame.personal:
            personal = self._personal_value(frame, context)
            if isinstance(personal, Reply):
                return personal, frame
            frame = personal
        return self._command(frame, context, registry), frame

    def _command(self, frame: Frame, context: TurnContext, registry: Registry) -> Reading:
        if frame.target_slot and frame.unknown and not frame.of_type("device"):
            return unknown_reply(frame)  # "stop the music on the radio", with no radio: not the TV
        targets = resolve(frame, registry, context)
        if targets.widened and frame.unknown and (not frame.every or not frame.mentions or frame.unknown_name):
            return unknown_reply(frame)  # "turn on the round lights", "put the party all lights on": not the house
        if targets.everything and not (targets.area or targets.floor) and frame.action == "on" and frame.verb is None:
            return Reply(REPLIES["everything_on"], sure=True)  # "on … all" is too little to switch on everything
        if frame.action == "off" and frame.direction:
            return Reply(REPLIES["not_understood"])  # "throwing off all the lights up as": off and up, neither done
        if exception_words(frame.tokens) and not frame.excluded:
            return Reply(REPLIES["not_understood"])  # "… except the left one": what is left out, not understood
        if targets.devices and _qualifies_a_kind(frame):
            return unknown_reply(frame)  # "open the big curtain": which, or whether any, is a word not understood
        if targets.devices and _kind_left_out(frame, targets.devices):
            return unknown_reply(frame)  # "set the heating turn on the floor lamp": the heating is not the lamp
        if not targets.devices:
            if targets.ask and (targets.area or targets.floor):
                return Reply(targets.ask, sure=True, note=True)  # "the loft and nursery lights": the nursery's
            if frame.unknown or not targets.ask:
                return unknown_reply(frame)
            return Reply(targets.ask, sure=not targets.kinds)  # "turn on": every word understood, no device named
        return command_calls(frame, targets, registry)

    def _personal_value(self, frame: Frame, context: TurnContext) -> Frame | Reply:
        """The frame with its value from the speaker's preferences; a question when that is impossible."""
        kinds = implied_kinds(frame) or (Kind.CLIMATE,)
        key, unit = ("temperature", "degrees") if Kind.CLIMATE in kinds else ("light_brightness", "percent")
        if context.person is None:
            return Reply(REPLIES["who_is_asking"])
        value = self.preference(context.person, key)
        if value is None:
            return Reply(REPLIES["no_usual"].format(setting=key.replace("light_", "")))
        attribute = frame.attribute
        if not frame.of_type("kind") and not frame.of_type("device"):
            attribute = "temperature" if unit == "degrees" else "brightness"
        return replace(frame, number=float(value), unit=unit, direction=0, attribute=attribute,
                       action=frame.action if frame.action in ("set", "on") else "set")


def _with_last_devices(context: TurnContext, calls: list[ToolCall]) -> TurnContext:
    """"… and make it warm white": within one utterance "it" is what the earlier clause acted on."""
    conversation = replace(context.conversation, last_devices=_acted_on(calls))
    return replace(context, conversation=conversation)


def _acted_on(calls: list[ToolCall]) -> list[str]:
    """The devices the calls name, each once, in order."""
    return list(dict.fromkeys(d for call in calls for d in devices_of(call)))


def _only_kinds(frame: Frame) -> bool:
    """A later clause with no verb of its own that names only kinds of device ("… and fan"), no place or name."""
    return frame.verb is None and bool(frame.mentions) and not frame.question \
        and all(m.type == "kind" or (m.type == "device" and m.generic) for m in frame.mentions)


def _in_room_of(context: TurnContext, calls: list[ToolCall], registry: Registry) -> TurnContext | None:
    """The turn as if said in the one room the clauses before acted in, where a kind said after them is looked
    for first; None when they acted in more than one."""
    rooms = {registry.devices[d].area for d in _acted_on(calls) if d in registry.devices}
    return replace(context, area=rooms.pop()) if len(rooms) == 1 and None not in rooms else None


def _again(reading: Reading, calls: list[ToolCall]) -> bool:
    """Whether a reading acts on a device the clauses before did: "the kitchen light and the lamp" is another."""
    return not isinstance(reading, Reply) and not set(_acted_on(reading)).isdisjoint(_acted_on(calls))


def _names_nothing(frame: Frame) -> bool:
    """ "…, then off": a later clause that is only its action goes on with the devices before it; "we're off to
    bed" is a remark (it does not start with its verb), and "… and turn the radio down" names a radio, if not
    one of this household's."""
    first = frame.tokens[0] if frame.tokens else None
    starts_with_verb = first == frame.verb.split()[0] if frame.verb else first in WORDS.commands.particles
    return frame.action is not None and starts_with_verb and not frame.mentions and not frame.question \
        and not (frame.here or frame.house or frame.every or frame.indirect or frame.unknown_name)


def _left_unfinished(frame: Frame) -> bool:
    """A command that ends asking for more: "turn on the kitchen light at" (when?), "dim the lights by" (how much?),
    "… in" (where, or when?). What it asks for is a part not understood."""
    return not frame.question and bool(frame.tokens) and frame.tokens[-1] in WORDS.commands.unfinished_endings


def _starts_with_a_verb(frame: Frame) -> bool:
    """"turn on the heater" after "don't" is a command; "we have the light on" a question."""
    return frame.verb is not None and frame.tokens[:1] == tuple(frame.verb.split()[:1])


def _is_command(frame: Frame) -> bool:
    """A verb, or a named target with a value ("garden lights green"); not "blah blah purple monkey"."""
    from agent.understanding.values import sets_a_value

    if frame.action is not None or frame.indirect or frame.personal:
        return True
    named = any(m.type in ("device", "area", "kind") for m in frame.mentions) or frame.reference
    said_value = frame.color is not None or frame.color_temp is not None or sets_a_value(frame.tokens)
    return named and (said_value or bool(frame.direction) or frame.mode is not None)


def _qualifies_a_kind(frame: Frame) -> bool:
    """A word not understood just before a kind word, after a name's article: "the left curtain", "the big lamp"."""
    kinds = {m.start for m in frame.mentions if m.type == "kind"}
    return any(i in kinds and i >= 2 and frame.tokens[i - 1] in frame.unknown
               and frame.tokens[i - 2] in WORDS.commands.name_articles for i in range(len(frame.tokens)))


def _kind_left_out(frame: Frame, devices: list[Device]) -> bool:
    """A kind said beside names of devices ("the heating", "the lights"), that none of them is: what was said of
    it is not understood."""
    named = any(m.type == "device" and not m.generic for m in frame.mentions)
    return named and bool(said_kinds(frame) - {None} - {d.kind for d in devices})


def unknown_reply(frame: Frame) -> Reply:
    if frame.unknown:
        return Reply(REPLIES["no_device_called"].format(words=" ".join(frame.unknown)), sure=True)
    return Reply(REPLIES["which_device"])
