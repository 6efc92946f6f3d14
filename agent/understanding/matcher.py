"""The fast path of understanding: deterministic, built from the live registry, no LLM.

text -> tokens -> clauses ("and", "then", commas) -> frames -> targets -> tool calls.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from agent.understanding.frames import Frame, read_frame, sets_a_value
from agent.understanding.mentions import NameIndex, build_index
from agent.understanding.normalize import normalize
from agent.turn.plan import Adjust, MediaControl, Plan, RunRoutine, SetState, ToolCall, devices_of
from agent.understanding.queries import query_call
from agent.understanding.targets import Targets, implied_kinds, resolve
from agent.turn.context import TurnContext
from agent.replies.wording import plural_name
from devices.household import Routine
from devices.model import Device, Kind
from devices.registry import Registry

CORRECTIONS = {"no", "nope", "actually", "sorry"}
""""No, warmer": a correction of what the previous turn just did."""
SPLITTERS = {"and", "then", ",", "also", "plus"}
RELATIVE_ATTRIBUTE = {
    Kind.LIGHT: "brightness", Kind.CLIMATE: "target_temperature", Kind.FAN: "percentage",
    Kind.MEDIA_PLAYER: "volume", Kind.COVER: "position",
}
NUMBER_ATTRIBUTE = RELATIVE_ATTRIBUTE
TEMPERATURE_WORDS = {"temperature": "target_temperature"}


Preferences = Callable[[str, str], Any]
"""(person id, preference key) -> the value, or None when not set."""


@dataclass
class Matcher:
    """Deterministic understanding; rebuilds its name index when the registry changes."""

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
        tokens = normalize(text)
        if not tokens:
            return Plan(say="Sorry, I didn't catch that.", path="matcher", confidence=1.0)
        negation = next((len(words) for words in NEGATIONS if tokens[:len(words)] == words), 0)
        if negation and _starts_with_a_verb(read_frame(tokens[negation:], self.index)):
            return Plan(say=DECLINED, path="matcher", confidence=1.0, declined=True)
        correction = tokens[0] in CORRECTIONS and len(tokens) > 1
        if correction:
            tokens = [t for t in tokens[1:] if t != ","] or tokens
        frames = [read_frame(clause, self.index) for clause in split_clauses(tokens, self.index)]
        if tokens[0] in CONTINUERS and frames:
            frames[0].too = True  # "and the counter lights": the last turn's action, as with "… too"
        if correction:  # "no, the bedroom one": the last devices; "No Emma Emma is being on Friday" names none
            for frame in frames:
                frame.reference = frame.reference or not (frame.unknown or any(m.type != "kind" for m in frame.mentions))
        _inherit(frames, context)
        calls: list[ToolCall] = []
        confidence = 1.0
        for frame in frames:
            if calls and frame.reference:
                context = _with_last_devices(context, calls)
            result = self._calls_for(frame, context)
            if isinstance(result, str):
                sure = isinstance(result, Certain) or bool(calls)
                return Plan(calls=calls, say=result, path="matcher", confidence=_confidence(frame) if sure else 0.4)
            calls += result
            confidence = min(confidence, _confidence(frame))
        if not calls:
            return Plan(say=_not_understood(frames), path="matcher", confidence=0.0)
        return Plan(calls=calls, confidence=confidence, path="matcher")

    def _calls_for(self, frame: Frame, context: TurnContext) -> list[ToolCall] | str:
        routines = frame.of_type("routine")
        if routines and not frame.question and not frame.of_type("device"):
            return [RunRoutine(routines[0].ids[0])]
        if frame.question:
            return query_call(frame, resolve(frame, self.registry, context), self.registry, context)
        if not _is_command(frame):
            return []
        if frame.personal:
            asked = self._personal_value(frame, context)
            if asked:
                return asked
        targets = resolve(frame, self.registry, context)
        if targets.widened and frame.unknown and (not frame.every or not frame.mentions or frame.unknown_name):
            return _unknown_reply(frame)  # "turn on the round lights", "put the party all lights on": not the whole house
        if targets.everything and not (targets.area or targets.floor) and frame.action == "on" and frame.verb is None:
            return Certain(EVERYTHING_ON)  # "on … all" is too little to switch on every heater and sprinkler
        if not targets.devices:
            if targets.ask and (targets.area or targets.floor):
                return Certain(targets.ask)
            return _unknown_reply(frame) if frame.unknown else targets.ask or _unknown_reply(frame)
        return command_calls(frame, targets, self.registry)


    def _personal_value(self, frame: Frame, context: TurnContext) -> str | None:
        """Fill the frame's value from the speaker's preferences; a question when that is impossible."""
        kinds = implied_kinds(frame) or (Kind.CLIMATE,)
        key, unit = ("temperature", "degrees") if Kind.CLIMATE in kinds else ("light_brightness", "percent")
        if context.person is None:
            return "Who's asking? I'd need to know whose usual setting to use."
        value = self.preference(context.person, key)
        if value is None:
            return f"I don't know your usual {key.replace('light_', '')} yet."
        frame.number, frame.unit, frame.direction = float(value), unit, 0
        frame.action = frame.action if frame.action in ("set", "on") else "set"
        if not frame.of_type("kind") and not frame.of_type("device"):
            frame.attribute = "temperature" if unit == "degrees" else "brightness"
        return None


class Certain(str):
    """A reply the matcher is sure of ("I don't have a device called sauna"): no LLM is asked."""


def _with_last_devices(context: TurnContext, calls: list[ToolCall]) -> TurnContext:
    """"… and make it warm white": within one utterance "it" is what the earlier clause acted on."""
    devices = [d for call in calls for d in devices_of(call)]
    conversation = replace(context.conversation, last_devices=list(dict.fromkeys(devices)))
    return replace(context, conversation=conversation)


def _starts_with_a_verb(frame: Frame) -> bool:
    """"turn on the heater" after "don't" is a command; "we have the light on" a question."""
    return frame.verb is not None and frame.tokens[:1] == frame.verb.split()[:1]


def _is_command(frame: Frame) -> bool:
    """A verb, or a named target with a value ("garden lights green"); not "blah blah purple monkey"."""
    if frame.action is not None or frame.indirect:
        return True
    named = any(m.type in ("device", "area", "kind") for m in frame.mentions) or frame.reference
    said_value = frame.color is not None or frame.color_temp is not None or sets_a_value(frame.tokens)
    return named and (said_value or bool(frame.direction))  # not "there's really one in the hallway"


def split_clauses(tokens: list[str], index: NameIndex) -> list[list[str]]:
    """Split on "and"/"then"/"also", except inside a household name ("each and every")."""
    clauses: list[list[str]] = [[]]
    for i, token in enumerate(tokens):
        if token in SPLITTERS and len(clauses) > 1 and not clauses[-1]:
            continue  # ", then": one split, not a clause of its own
        if token in SPLITTERS and clauses[-1] and not _inside_name(tokens, i, index):
            clauses.append([])
        else:
            clauses[-1].append(token)
    return [c for c in clauses if c]


def _inside_name(tokens: list[str], i: int, index: NameIndex) -> bool:
    if tokens[i] == "and" and i + 1 < len(tokens) and tokens[i - 1] == "each" and tokens[i + 1] == "every":
        return True
    for start in range(max(0, i - 4), i):
        for end in range(i + 2, min(len(tokens), i + 5) + 1):
            if " ".join(tokens[start:end]) in index.phrases:
                return True
    return False


NEGATIONS = (["do", "not"], ["dont"], ["never"])
DECLINED = "Okay, I'll leave it."
"""The reply to a command said negated ("don't turn on the heater", "never unlock the door")."""

EVERYTHING_ON = "To switch on everything in the house, say: turn on everything."
"""Every device of the house is switched on only with a verb said ("everything off" needs none)."""

CONTINUERS = {"and", "plus"}
"""A turn that starts with one of these goes on from the last one."""


def _inherit(frames: list[Frame], context: TurnContext) -> None:
    """Share a verb ("turn on the desk lamp and the space heater"), and repeat the last turn ("… too")."""
    previous: Frame | None = None
    for frame in frames:
        if previous is not None and frame.action is None and not frame.question:
            frame.action = previous.action
            if not frame.has_value and not frame.direction:
                frame.number, frame.unit, frame.color = previous.number, previous.unit, previous.color
            if frame.of_type("area") and not frame.of_type("device") and not frame.of_type("kind"):
                frame.mentions += previous.of_type("kind")
        if previous is None and frame.action is None and frame.too and context.conversation.last_call:
            last = context.conversation.last_call
            frame.action = last.get("action")
        previous = frame
    for earlier, later in itertools.pairwise(frames):
        if earlier.action == "set" and not earlier.has_value and later.has_value and later.action in (None, "set"):
            earlier.number, earlier.unit, earlier.color = later.number, later.unit, later.color
            earlier.color_temp, earlier.attribute = later.color_temp, earlier.attribute or later.attribute


def command_calls(frame: Frame, targets: Targets, registry: Registry) -> list[ToolCall] | str:
    devices = targets.devices
    ids = tuple(d.id for d in devices)
    action = frame.action
    if frame.indirect:
        return _indirect_calls(frame, devices, registry)
    if action in {"pause", "resume", "next", "previous"}:
        return [MediaControl(ids, action)]  # type: ignore[arg-type]
    if action in {"mute", "unmute"}:
        return [SetState(ids, {"muted": action == "mute"})]
    if frame.direction or (action in {"up", "down", "dim", "brighten"} and frame.number is None) or frame.by:
        return _adjust_calls(frame, devices, registry)
    if frame.has_value:
        return _value_calls(frame, devices, action)
    if action in {"on", "off", "open", "close", "lock", "unlock", "up", "down"}:
        changes = [(d, _switch_change(d, action)) for d in devices]
        usable = [(d, c) for d, c in changes if c is not None]
        if not usable:
            return _cannot(devices, action)
        return _group_set(usable)
    if action == "set":
        return f"What should I set the {_names(devices)} to?"
    return []


def _switch_change(device: Device, action: str) -> dict | None:
    kind = device.kind
    if kind in (Kind.SENSOR, Kind.BINARY_SENSOR):
        return None
    if kind is Kind.LOCK:
        return {"lock": {"state": "locked"}, "unlock": {"state": "unlocked"}, "close": {"state": "locked"},
                "open": {"state": "unlocked"}, "on": {"state": "locked"}, "off": {"state": "unlocked"}}.get(action)
    if kind is Kind.COVER:
        return {"open": {"state": "open"}, "close": {"state": "closed"}, "up": {"state": "open"},
                "down": {"state": "closed"}, "on": {"state": "open"}, "off": {"state": "closed"}}.get(action)
    if kind is Kind.CLIMATE:
        heat = next((m for m in device.modes if m not in ("off",)), None)
        return {"on": {"mode": heat} if heat else None, "off": {"mode": "off"} if "off" in device.modes else None}.get(action)
    if action in {"on", "open"}:
        return {"state": "on"}
    if action in {"off", "close"}:
        return {"state": "off"}
    return None


def _value_calls(frame: Frame, devices: list[Device], action: str | None) -> list[ToolCall] | str:
    pairs: list[tuple[Device, dict]] = []
    for device in devices:
        change = _value_change(frame, device)
        if change is not None:
            pairs.append((device, change))
    if not pairs:
        return _cannot(devices, "set")
    return _group_set(pairs)


def _value_change(frame: Frame, device: Device) -> dict | None:
    kind = device.kind
    if frame.color_temp is not None and kind is Kind.LIGHT:
        if device.has("color_temp"):
            return {"color_temp": frame.color_temp}
        if device.has("color"):
            return {"color": "warm white" if frame.color_temp < 3500 else "white"}
        return None
    if frame.color is not None and kind is Kind.LIGHT:
        return {"color": frame.color} if device.has("color") or (frame.color == "white" and device.has("color_temp")) else None
    if frame.number is None:
        return None
    attribute = _number_attribute(frame, device)
    if attribute is None:
        return None
    value: float = frame.number
    if attribute == "brightness" and kind is Kind.LIGHT and not device.has("brightness"):
        return {"state": "on" if value > 0 else "off"}
    return {attribute: value}


def _number_attribute(frame: Frame, device: Device) -> str | None:
    wanted = {"brightness": "brightness", "volume": "volume", "position": "position", "percentage": "percentage",
              "temperature": "target_temperature"}.get(frame.attribute or "")
    natural = NUMBER_ATTRIBUTE.get(device.kind)
    if wanted and wanted == natural:
        return wanted
    if wanted and wanted != natural:
        return None
    if frame.unit == "degrees" and natural != "target_temperature":
        return None
    return natural


def _adjust_calls(frame: Frame, devices: list[Device], registry: Registry) -> list[ToolCall] | str:
    direction = frame.direction or (1 if frame.action in {"up", "brighten"} else -1)
    lit = {d.id for d in devices if d.kind is Kind.LIGHT and registry.state(d.id).get("state") == "on"}
    calls: list[ToolCall] = []
    for device in devices:
        attribute = _relative_attribute(frame, device)
        if attribute is None:
            continue
        if attribute == "brightness" and device.id not in lit and (direction < 0 or lit):
            continue  # dimming never turns a light on; brightening changes the lit ones first
        amount = frame.number if frame.number is not None else _step(attribute, frame.small)
        delta = -direction * amount if attribute == "color_temp" else direction * amount
        calls.append(Adjust((device.id,), attribute, delta))
    if not calls and direction < 0 and all(d.kind is Kind.LIGHT for d in devices):
        verb = "is" if len(devices) == 1 and not plural_name(devices[0]) else "are"
        return Certain(f"The {_names(devices)} {verb} already off.")
    return calls or _cannot(devices, "adjust")


def _relative_attribute(frame: Frame, device: Device) -> str | None:
    """What "up", "warmer", "louder" change on this device; "warmer" on a light is a warmer white."""
    if device.kind is Kind.LIGHT and frame.attribute == "temperature":
        return "color_temp" if device.has("color_temp") else None
    if frame.attribute == "volume" and device.kind is not Kind.MEDIA_PLAYER:
        return None
    if frame.attribute == "temperature" and device.kind is not Kind.CLIMATE:
        return None  # "make the telly warmer" is not louder
    return RELATIVE_ATTRIBUTE.get(device.kind)


def _step(attribute: str, small: bool) -> float:
    if attribute == "target_temperature":
        return 1.0
    if attribute == "color_temp":
        return 300 if small else 600
    if attribute == "volume":
        return 5 if small else 10
    return 15 if small else 25


def _indirect_calls(frame: Frame, devices: list[Device], registry: Registry) -> list[ToolCall]:
    target, direction = frame.indirect or ("light", "up")
    if target == "light":
        lights = [d for d in devices if d.kind is Kind.LIGHT]
        if direction == "up":
            off = [d for d in lights if registry.state(d.id).get("state") != "on"]
            if off:
                return [SetState(tuple(d.id for d in off), {"state": "on"})]
        if direction == "down":
            lights = [d for d in lights if registry.state(d.id).get("state") == "on"]
        dimmable = [d.id for d in lights if d.has("brightness")]
        if not dimmable:
            return []
        return [Adjust(tuple(dimmable), "brightness", 25 if direction == "up" else -25)]
    climates = [d.id for d in devices if d.kind is Kind.CLIMATE]
    return [Adjust(tuple(climates), "target_temperature", 1.0 if direction == "up" else -1.0)]


def _group_set(pairs: list[tuple[Device, dict]]) -> list[ToolCall]:
    """One set_state call per distinct change, naming all its devices."""
    groups: dict[str, tuple[list[str], dict]] = {}
    for device, change in pairs:
        key = repr(sorted(change.items()))
        groups.setdefault(key, ([], change))[0].append(device.id)
    return [SetState(tuple(ids), change) for ids, change in groups.values()]


def _cannot(devices: list[Device], action: str | None) -> str:
    names = _names(devices)
    if action in ("on", "off"):
        return Certain(f"Sorry, the {names} can't be turned {action}.")
    if action in ("open", "close", "lock", "unlock"):
        return Certain(f"Sorry, the {names} can't {action}.")
    return Certain(f"Sorry, the {names} can't do that.")


def _names(devices: list[Device]) -> str:
    names = [d.name for d in devices[:3]]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return text[0].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _unknown_reply(frame: Frame) -> str:
    if frame.unknown:
        return Certain(f"Sorry, I don't have a device called {' '.join(frame.unknown)}.")
    return "Sorry, which device do you mean?"


def _not_understood(frames: list[Frame]) -> str:
    return "Sorry, I didn't understand that. Could you say it another way?"


def _confidence(frame: Frame) -> float:
    """Lower with similar-sounding names and with words that name nothing."""
    score = min((m.score for m in frame.mentions), default=1.0)
    return max(0.0, score - 0.15 * len(frame.unknown))
