"""The data of one conversational turn: what comes in with an utterance and what goes out."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from agent.turn.plan import Path, Plan
from devices.outcome import DeviceOutcome


class Announce(Protocol):
    """Speak a sentence now, outside any turn: in `area` (None for every room). An `alarm` rings through
    quiet hours (softly); anything else said in quiet hours is said softly too."""

    def __call__(self, text: str, area: str | None, *, alarm: bool = False) -> None: ...


def log_announcement(text: str, area: str | None, *, alarm: bool = False) -> None:
    """The announcer used when nobody listens (tests, `homebody skills`)."""
    logging.getLogger(__name__).info("%s for %s: %s", "alarm" if alarm else "announcement", area or "every room", text)


@dataclass
class PendingConfirmation:
    """A sensitive plan waiting for an explicit yes in a separate turn."""

    plan: Plan
    area: str | None
    expires_at: float
    """time.monotonic() deadline."""
    question: str


@dataclass
class Conversation:
    """What later turns may refer back to."""

    last_devices: list[str] = field(default_factory=list)
    """Device ids the previous turn acted on or asked about ("it", "them")."""
    last_call: dict[str, Any] | None = None
    """The previous turn's first tool call, for "and the counter lights too"."""
    pending: PendingConfirmation | None = None
    before: dict[str, dict[str, Any]] = field(default_factory=dict)
    """The state each device the previous turn changed had before it ("undo that")."""
    last_reply: str = ""
    """What homebody said last ("what did you just do")."""
    last_planned: str | None = None
    """The id of what this conversation last set up to happen later ("cancel that")."""
    heard: str = ""
    """What was said in the current turn."""
    snapshot: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every device's state when the current turn began to act ("for 15 minutes" goes back to it)."""


@dataclass
class TurnContext:
    """Who speaks, where, when, and the conversation so far."""

    area: str | None = None
    """The room of the satellite that heard it."""
    person: str | None = None
    now: datetime | None = None
    """Local wall-clock time of the turn; None means the real clock."""
    conversation: Conversation = field(default_factory=Conversation)



@dataclass
class TurnResult:
    """Everything a turn produced; the CLI, the voice loop and the evaluation read this."""

    text: str
    reply: str
    plan: Plan
    path: Path = "none"
    outcomes: list[DeviceOutcome] = field(default_factory=list)
    awaiting_confirmation: bool = False
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Per stage: understand, act, total; milliseconds."""
    quiet: bool = False
    """Spoken in quiet hours: the reply is short and should be played softly."""
