"""The LLM planner: an utterance in, a `Plan` out (path "llm"), shaped by a grammar built from the live home.

The schema (`schema`), the prompt (`prompt`), reading the output (`parsing`) and the grounding
guard (`grounding`) each have their module; this one asks the model within a time limit, keeps
the static prompt and schema for the current devices, and re-primes the model's cache in the
background when states change. `plan()` never raises: no model, a timeout, or an unusable output
is logged and gives None.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool

from agent.config import LlmSettings
from agent.llm.backends import open_model
from agent.llm.grounding import grounded
from agent.llm.language_model import Completion, LanguageModel, Prompt
from agent.llm.parsing import Rejected, parse_plan
from agent.llm.prompt import request_text, state_text, system_prompt
from agent.llm.remote import RemoteModel
from agent.llm.schema import plan_schema
from agent.llm.tools import device_tools
from agent.turn.context import TurnContext
from agent.turn.plan import Plan
from devices.errors import ModelUnavailable
from devices.household import Routine
from devices.registry import Registry

log = logging.getLogger(__name__)

MAX_TOKENS = 200
"""Enough for the longest output the schema allows (3 calls of 6 devices), so none is cut short."""


@dataclass
class Attempt:
    """One planning attempt with everything measured: what the benchmark and evaluation read."""

    plan: Plan | None
    """What the planner answers: None when there is no usable output, or it is not grounded."""
    output: str = ""
    error: str = ""
    completion: Completion | None = None
    ms: float = 0.0
    parsed: Plan | None = None
    """What the output means, grounded or not."""


@dataclass
class _Static:
    key: tuple[int, int, int]
    system: str
    schema: dict[str, Any]


@dataclass
class LlmPlanner:
    """Plans with a language model; `available` turns False for good once the model cannot be loaded."""

    model: LanguageModel
    registry: Registry
    routines: list[Routine] = field(default_factory=list)
    tools: list[BaseTool] = field(default_factory=device_tools)
    max_seconds: float = 10.0
    require_grounding: bool = True
    """Drop plans whose devices the request does not refer to at all (see `grounded`)."""
    reprime: bool = False
    """Re-evaluate the prompt prefix in the background after the devices or their states change."""

    def __post_init__(self) -> None:
        self.error: str | None = None
        self._static: _Static | None = None
        self._lock = threading.Lock()
        self._dirty = threading.Event()
        self._closed = False
        self._worker: threading.Thread | None = None
        if self.reprime:
            self.registry.states.add_listener(lambda *_: self._dirty.set())

    @classmethod
    def from_settings(cls, settings: LlmSettings, registry: Registry, routines: list[Routine],
                      tools: list[BaseTool] | None = None, reprime: bool = True) -> LlmPlanner:
        return cls(open_model(settings), registry, routines, tools or device_tools(), settings.max_seconds,
                   reprime=reprime)

    @property
    def available(self) -> bool:
        return self.error is None

    def plan(self, text: str, context: TurnContext) -> Plan | None:
        """A plan with path "llm", or None (no model, too slow, unusable output); never raises."""
        return self.attempt(text, context).plan

    def attempt(self, text: str, context: TurnContext) -> Attempt:
        started = time.perf_counter()
        attempt = self._attempt(text, context, time.monotonic() + self.max_seconds)
        attempt.ms = (time.perf_counter() - started) * 1000
        if attempt.plan is None and attempt.error:
            log.info("LLM planner gave no plan for %r: %s", text, attempt.error)
        return attempt

    def _attempt(self, text: str, context: TurnContext, deadline: float) -> Attempt:
        if self.error is not None or not text.strip():
            return Attempt(None, error=self.error or "empty request")
        static = self.static()
        prompt = Prompt(static.system, [state_text(self.registry), request_text(text, context)])
        try:
            completion = self.model.complete(prompt, static.schema, MAX_TOKENS, deadline)
        except ModelUnavailable as error:
            return Attempt(None, error=self._unavailable(error))
        except Exception as error:  # a planner never breaks a turn
            log.exception("LLM planner failed")
            return Attempt(None, error=f"{type(error).__name__}: {error}")
        self._start_worker()
        if not completion.finished:
            return Attempt(None, completion.text, f"output cut off ({completion.reason})", completion)
        try:
            plan = parse_plan(completion.text, self.registry, self.routines, self.tools, context)
        except Rejected as error:
            return Attempt(None, completion.text, str(error), completion)
        if self.require_grounding and not grounded(plan, text, self.registry, self.routines, context):
            return Attempt(None, completion.text, "the plan's devices are not in the request", completion, parsed=plan)
        return Attempt(plan, completion.text, completion=completion, parsed=plan)

    def _unavailable(self, error: ModelUnavailable) -> str:
        if isinstance(self.model, RemoteModel):  # a server may come back; a missing file will not
            log.warning("LLM planner: %s", error)
            return str(error)
        if self.error is None:
            log.error("LLM planner unavailable, going on with the matcher alone: %s", error)
        self.error = str(error)
        return self.error

    def static(self) -> _Static:
        """System prompt and schema for the current device list, rebuilt when it changes."""
        key = (self.registry.version, len(self.registry.devices), len(self.routines))
        with self._lock:
            if self._static is None or self._static.key != key:
                self._static = _Static(key, system_prompt(self.registry, self.routines, self.tools),
                                       plan_schema(self.registry, self.routines, self.tools))
                self._dirty.set()
            return self._static

    def start(self) -> bool:
        """Load the model and prime the cache now (for llm.load_at_start); False when unavailable."""
        try:
            self.model.load()
            self.prime()
        except ModelUnavailable as error:
            self._unavailable(error)
            return False
        self._start_worker()
        return True

    def prime(self) -> None:
        """Evaluate the static part and the current states, so the next turn evaluates only its request."""
        self.model.prime(Prompt(self.static().system, [state_text(self.registry)]), lambda: self._closed)

    def _start_worker(self) -> None:
        if self.reprime and self._worker is None and not self._closed:
            self._worker = threading.Thread(target=self._reprime_loop, name="llm-prime", daemon=True)
            self._worker.start()

    def _reprime_loop(self) -> None:
        while not self._closed:
            if not self._dirty.wait(1.0) or self._closed:
                continue
            time.sleep(0.2)  # let a burst of state changes settle
            self._dirty.clear()
            try:
                if not self._closed and self.available:
                    self.prime()
            except Exception:  # priming is an optimisation; a failure only costs the next turn time
                log.exception("LLM prompt priming failed")

    def stop(self) -> None:
        """Stop priming in the background, within one chunk of prompt (Ctrl-C must not wait for a whole
        prompt to be evaluated); the model stays loaded."""
        self._closed = True
        self._dirty.set()  # wakes the worker to see it
        if self._worker is not None:
            self._worker.join(5)

    def close(self) -> None:
        self.stop()
        self.model.close()
