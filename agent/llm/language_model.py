"""What every language model backend takes and gives: a prompt in, a completion out, by a deadline.

- A prompt is a static system text followed by volatile user segments. A local model tokenizes
  each part on its own, data parts without special tokens (a device called "<|im_end|>" stays
  text), so the token prefix of the static part is identical turn after turn and llama.cpp's KV
  cache skips it: turn 2+ evaluates only what changed.
- A completion is JSON under a schema (the planner) or plain text (open questions); either way
  it stops at the deadline, so a slow machine answers nothing instead of hanging the turn.
"""

from __future__ import annotations

from collections.abc import Callable

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Prompt:
    system: str
    """Static: instructions, tools, the device list, examples. Cached across turns."""
    user: list[str] = field(default_factory=list)
    """Volatile segments, slowest-changing first (device states, then the request)."""


@dataclass
class Completion:
    text: str
    finished: bool
    """False when cut off by the deadline or max_tokens (the text is then incomplete)."""
    prompt_tokens: int = 0
    evaluated_tokens: int = 0
    """Prompt tokens actually evaluated; the rest came from the KV cache."""
    generated_tokens: int = 0
    prompt_ms: float = 0.0
    generate_ms: float = 0.0
    reason: str = "stop"
    """stop | length | deadline | context."""


class LanguageModel(ABC):
    """A backend asked for JSON matching a schema, or for plain text when the schema is None."""

    name: str = ""

    @abstractmethod
    def complete(self, prompt: Prompt, schema: dict[str, Any] | None, max_tokens: int,
                 deadline: float) -> Completion:
        """The text for the prompt, constrained to `schema` when there is one; ModelUnavailable when
        there is no model. `deadline` is a `time.monotonic()` value."""

    def prime(self, prompt: Prompt, cancelled: Callable[[], bool] = lambda: False) -> None:  # noqa: B027 - optional
        """Evaluate the prompt into the cache so the next turn starts from it (no-op if remote); stops early,
        leaving the cache part-filled, once `cancelled()` (checked between chunks)."""

    def load(self) -> None:  # noqa: B027 - optional: a server needs no loading
        """Load now rather than on first use; ModelUnavailable when it cannot be."""

    def close(self) -> None:  # noqa: B027 - optional
        """Free the model."""
