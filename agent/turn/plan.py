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


@dataclass(frozen=True)
class Later(_Call):
    """Device calls to make at a time said with them: "in ten minutes", "at 9 pm", "every weekday at 7"; or,
    with `undo`, to put the devices back how they were after "for 15 minutes"."""

    tool: ClassVar[str] = "later"
    calls: tuple[SetState | Adjust | MediaControl | RunRoutine, ...]
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
class SkillCall:
    """A call of a skill's tool; its arguments are validated by the skill's own schema."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": _plain(self.args)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SkillCall:
        return cls(data["tool"], dict(data.get("args", {})))


DeviceCall = SetState | Adjust | GetState | MediaControl | RunRoutine | Later
ToolCall = DeviceCall | SkillCall
DEVICE_CALLS: dict[str, type[DeviceCall]] = {cls.tool: cls for cls in (SetState, Adjust, GetState, MediaControl,
                                                                       RunRoutine, Later)}
DEVICE_TOOLS = frozenset(DEVICE_CALLS)


def tool_call(tool: str, args: dict[str, Any] | None = None) -> ToolCall:
    """A typed call from a tool name and JSON arguments; TypeError/ValueError when they do not fit."""
    args = dict(args or {})
    cls = DEVICE_CALLS.get(tool)
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
    if cls is Later:
        args["calls"] = tuple(call_from_json(call) for call in args.get("calls", []))
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
