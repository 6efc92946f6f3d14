"""What understanding produces and execution consumes: a plan of tool calls."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Path = Literal["matcher", "llm", "none"]


@dataclass
class ToolCall:
    """One call of a named tool with JSON-able arguments."""

    tool: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Plan:
    """The understanding of one utterance, whichever engine produced it."""

    calls: list[ToolCall] = field(default_factory=list)
    confidence: float = 0.0
    """0–1; the matcher's own estimate. Below the router's threshold the LLM is asked."""
    path: Path = "none"
    say: str | None = None
    """A reply to speak instead of (or before) acting: a clarifying question, an unknown name."""
    declined: bool = False
    """A command said negated ("don't turn on the heater"): nothing is to be done, whatever else was heard."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        calls = [ToolCall(**c) for c in data.get("calls", [])]
        return cls(calls=calls, confidence=data.get("confidence", 0.0), path=data.get("path", "none"), say=data.get("say"),
                   declined=data.get("declined", False))
