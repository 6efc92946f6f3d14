"""What understanding produces and execution consumes: a plan of typed tool calls.

One dataclass per tool; each knows its JSON form (`{"tool": name, "args": {...}}`, the form the
LLM planner writes and the history stores). A skill's tool is a `SkillCall` whose arguments are
the skill's own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

Path = Literal["matcher", "llm", "none"]
Quantifier = Literal["one", "any", "all", "which", "count"]
MediaCommand = Literal["pause", "resume", "next", "previous"]


class _Call:
    """The JSON form shared by the device tools' calls."""

    tool: ClassVar[str]

    @property
    def args(self) -> dict[str, Any]:
        """The arguments in their JSON form (lists, not tuples)."""
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(cast(Any, self))}

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": self.args}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Any:
        call = call_from_json(data)
        if not isinstance(call, cls):
            raise ValueError(f"{data.get('tool')!r} is not {cls.tool}")
        return call


@dataclass(frozen=True)
class SetState(_Call):
    """Set devices to a normalized state: on/off, open/closed, locked/unlocked, brightness, colour…"""

    tool: ClassVar[str] = "set_state"
    devices: tuple[str, ...]
    changes: dict[str, Any] = field(default_factory=dict)
    """Normalized attributes (devices/model.py), e.g. {"state": "on", "brightness": 40}."""


@dataclass(frozen=True)
class Adjust(_Call):
    """Raise or lower a numeric attribute relative to its current value."""

    tool: ClassVar[str] = "adjust"
    devices: tuple[str, ...]
    attribute: str
    """brightness, color_temp, target_temperature, percentage, volume or position."""
    delta: float
    """Percent points, degrees or kelvin to add; negative lowers."""


@dataclass(frozen=True)
class GetState(_Call):
    """A question about devices' current state."""

    tool: ClassVar[str] = "get_state"
    devices: tuple[str, ...]
    attribute: str | None = None
    """The attribute asked about; None for the whole state."""
    value: Any = None
    """The value a yes/no question asks about, e.g. "locked"."""
    quantifier: Quantifier = "one"


@dataclass(frozen=True)
class MediaControl(_Call):
    """Pause, resume, skip on media players."""

    tool: ClassVar[str] = "media_control"
    devices: tuple[str, ...]
    command: MediaCommand


@dataclass(frozen=True)
class RunRoutine(_Call):
    """Run one of the household's routines."""

    tool: ClassVar[str] = "run_routine"
    routine: str
    """The routine's id."""


DeviceChange = SetState | Adjust | MediaControl | RunRoutine
"""A call that changes devices: what a later command or an automation makes, and what ends a plan's "that"."""


@dataclass(frozen=True)
class Later(_Call):
    """Device calls to make at a time said with them: "in ten minutes", "at 9 pm", "every weekday at 7"; or,
    with `undo`, to put the devices back how they were after "for 15 minutes"."""

    tool: ClassVar[str] = "later"
    calls: tuple[DeviceChange, ...]
    seconds: int | None = None
    """After this long from now."""
    clock: str | None = None
    """Or at this local time of day, `HH:MM` (on `day` when said)."""
    half_said: bool = True
    """Whether `clock` was said with its half of the day; "at 9" may be 9 am or 9 pm, whichever comes first."""
    day: str | None = None
    """The day as said ("tomorrow", "on friday")."""
    repeat: str | None = None
    """An RFC 5545 rule for a command that repeats ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")."""
    undo: bool = False
    """Put the devices `calls` change back to their state before the turn, instead of making the calls."""
    said: str = ""
    """The time as said, for replies."""

    @property
    def args(self) -> dict[str, Any]:
        return {**super().args, "calls": [call.to_json() for call in self.calls]}


@dataclass(frozen=True)
class Condition:
    """What an automation waits for: devices reaching a state or crossing a value, or someone leaving or arriving."""

    devices: tuple[str, ...] = ()
    """The devices watched; any one of them reaching the state will do."""
    attribute: str = "state"
    """The attribute compared: state, value, current_temperature, target_temperature, position…"""
    op: Literal["is", "below", "above"] = "is"
    value: Any = None
    """The state (for "is") or the number (for "below"/"above")."""
    person: str | None = None
    """For presence: a person id, "me" for the speaker, or "*" for everyone."""
    event: Literal["leave", "arrive"] | None = None
    said: str = ""
    """The condition as said, for replies ("when the front door opens")."""


@dataclass(frozen=True)
class Watch(_Call):
    """Device calls to make (or, with no calls, something to say) once a condition comes true: "when the front
    door opens, turn on the hallway light", "let me know if the garage door opens"."""

    tool: ClassVar[str] = "watch"
    condition: Condition
    calls: tuple[DeviceChange, ...] = ()
    tell: bool = False
    """Say so when it happens ("let me know when …")."""
    now_if_true: bool = False
    """"If …": act at once when the condition already holds."""

    @property
    def args(self) -> dict[str, Any]:
        return {**super().args, "calls": [call.to_json() for call in self.calls],
                "condition": dataclasses.asdict(self.condition) | {"devices": list(self.condition.devices)}}


@dataclass(frozen=True)
class Undo(_Call):
    """Put what the last turn changed back the way it was."""

    tool: ClassVar[str] = "undo"


@dataclass(frozen=True)
class Recall(_Call):
    """What homebody did last, or (with devices) who or what changed them and when."""

    tool: ClassVar[str] = "recall"
    devices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Planned(_Call):
    """What is waiting to happen: later commands, automations, reminders and alarms."""

    tool: ClassVar[str] = "planned"


@dataclass(frozen=True)
class CancelPlanned(_Call):
    """Cancel what this conversation last set up to happen later ("cancel that", "don't bother")."""

    tool: ClassVar[str] = "cancel_planned"


@dataclass(frozen=True)
class Presence(_Call):
    """Someone says they are leaving or back: "I'm off to work", "we're all going out", "I'm home"."""

    tool: ClassVar[str] = "presence"
    leaving: bool
    everyone: bool = False
    """"We're all going out": the whole household."""
    where: str | None = None
    """Where to, as said ("work")."""


@dataclass(frozen=True)
class WhoIsHome(_Call):
    """Who is in, or whether one person is: "who's home", "is Alex home", "who's out tonight"."""

    tool: ClassVar[str] = "who_is_home"
    person: str | None = None
    """A person id, or None for everyone."""
    out: bool = False
    """Asked who is out rather than in."""


@dataclass(frozen=True)
class Chat(_Call):
    """Small talk homebody answers itself: greetings, thanks, "who are you", "what can you do"."""

    tool: ClassVar[str] = "chat"
    topic: str
    """A key of the language file's [chat] replies."""
    greeting: str | None = None
    """The greeting said ("good night"): the household's routine of that name runs with the reply."""


@dataclass(frozen=True)
class OpenQuestion(_Call):
    """A general question for a language model able to answer it ("how long should I boil an egg")."""

    tool: ClassVar[str] = "open_question"
    text: str


@dataclass(frozen=True)
class Briefing(_Call):
    """The speaker's day: schedule entries, reminders and alarms, and anything unusual in the house."""

    tool: ClassVar[str] = "briefing"
    greeting: str | None = None
    """The greeting said ("good morning"): the household's routine of that name runs first."""


@dataclass(frozen=True)
class SkillCall:
    """A call of a skill's tool; its arguments are validated by the skill's own schema."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.tool in BUILT_IN_CALLS:  # its JSON would read back as the built-in call (skills may not take one)
            raise ValueError(f"{self.tool!r} is a built-in tool, not a skill's")

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": _plain(self.args)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SkillCall:
        return cls(data["tool"], dict(data.get("args", {})))


DeviceCall = SetState | Adjust | GetState | MediaControl | RunRoutine | Later | Watch
HouseholdCall = Undo | Recall | Planned | CancelPlanned | Presence | WhoIsHome | Chat | OpenQuestion | Briefing
"""The assistant's own tools: the household's memory and conversation, not a device and not a skill."""
ToolCall = DeviceCall | HouseholdCall | SkillCall
BUILT_IN_CALLS: dict[str, type[DeviceCall | HouseholdCall]] = {
    cls.tool: cls for cls in (SetState, Adjust, GetState, MediaControl, RunRoutine, Later, Watch, Undo, Recall, Planned,
                              CancelPlanned, Presence, WhoIsHome, Chat, OpenQuestion, Briefing)}
BUILT_IN_TOOLS = frozenset(BUILT_IN_CALLS)


def tool_call(tool: str, args: dict[str, Any] | None = None) -> ToolCall:
    """A typed call from a tool name and JSON arguments; TypeError/ValueError when they do not fit."""
    args = dict(args or {})
    cls = BUILT_IN_CALLS.get(tool)
    if cls is None:
        return SkillCall(tool, args)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(args) - names
    if unknown:
        raise TypeError(f"{tool} takes no argument {', '.join(sorted(unknown))}")
    if "devices" in args:
        if not isinstance(args["devices"], list | tuple) or not all(isinstance(d, str) for d in args["devices"]):
            raise ValueError(f"{tool}: devices must be a list of ids")
        args["devices"] = tuple(args["devices"])
    if cls is SetState and not isinstance(args.get("changes", {}), dict):
        raise ValueError("set_state: changes must be an object")
    if cls is Adjust:
        args["delta"] = float(args["delta"])
    if cls in (Later, Watch):
        args["calls"] = tuple(call_from_json(call) for call in args.get("calls", []))
    if cls is Watch and isinstance(args.get("condition"), dict):
        condition = dict(args["condition"])
        args["condition"] = Condition(**{**condition, "devices": tuple(condition.get("devices", ()))})
    return cls(**args)


def call_from_json(data: dict[str, Any]) -> ToolCall:
    return tool_call(data["tool"], data.get("args", {}))


def devices_of(call: ToolCall) -> tuple[str, ...]:
    """The device ids a call names (none for routines and skills)."""
    return call.devices if isinstance(call, SetState | Adjust | GetState | MediaControl) else ()


@dataclass
class Plan:
    """The understanding of one utterance, whichever engine produced it."""

    calls: list[ToolCall] = field(default_factory=list)
    confidence: float = 0.0
    """0–1 on the recognizer's scale (agent/understanding/confidence.py)."""
    path: Path = "none"
    say: str | None = None
    """A reply to speak instead of (or before) acting: a clarifying question, an unknown name."""
    declined: bool = False
    """A command said negated ("don't turn on the heater"): nothing is to be done, whatever else was heard."""

    def to_json(self) -> dict[str, Any]:
        return {"calls": [c.to_json() for c in self.calls], "confidence": self.confidence, "path": self.path,
                "say": self.say, "declined": self.declined}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        calls = [call_from_json(c) for c in data.get("calls", [])]
        return cls(calls=calls, confidence=data.get("confidence", 0.0), path=data.get("path", "none"),
                   say=data.get("say"), declined=data.get("declined", False))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
