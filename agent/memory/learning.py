"""Learning from corrections, kept simple and visible: suggestions the household can confirm.

Two signals: "no, warmer" right after a climate change (the corrected value is what the
person wanted), and the same value set by the same person at about the same time on
several days. Both only ever add a suggestion (`homebody household suggestions`); nothing
changes a preference by itself.
"""

from __future__ import annotations

import logging
from datetime import datetime

from agent.memory.history import HistoryWriter
from agent.understanding.language import language
from agent.understanding.normalize import normalize
from agent.memory.store import HouseholdStore, Suggestion
from agent.turn.context import TurnContext, TurnResult
from devices.model import Kind
from devices.registry import Registry
from devices.outcome import Status

log = logging.getLogger(__name__)

REPEATS = 3
"""Days on which the same setting at about the same time makes a habit."""
WINDOW_MINUTES = 45


class CorrectionLearner:
    """A turn observer that queues suggestion-finding on the history writer, off the turn's path."""

    def __init__(self, history: HistoryWriter, registry: Registry):
        self.history = history
        self.registry = registry

    def __call__(self, result: TurnResult, context: TurnContext) -> None:
        person = context.person
        if person is None:
            return
        corrected = self._corrected_temperature(result)
        if corrected is not None:
            suggestion = Suggestion(person, "temperature", corrected, f"corrected the heating to {corrected:g} degrees")
            self.history.submit(lambda store: store.add_suggestion(suggestion))
        if any(call.tool == "set_state" for call in result.plan.calls):
            self.history.submit(lambda store: _suggest_new_habits(store, person))

    def _corrected_temperature(self, result: TurnResult) -> float | None:
        tokens = normalize(result.text)
        if not tokens or tokens[0] not in language().commands.corrections:
            return None
        for outcome in result.outcomes:
            device = self.registry.devices.get(outcome.device_id)
            if device is not None and device.kind is Kind.CLIMATE and outcome.status == Status.CONFIRMED:
                return outcome.state.get("target_temperature")
        return None


def _suggest_new_habits(store: HouseholdStore, person: str) -> None:
    known = {(s.person, s.key) for s in store.suggestions()}
    for suggestion in habits(store, person):
        if (suggestion.person, suggestion.key) not in known:
            store.add_suggestion(suggestion)


def habits(store: HouseholdStore, person: str, limit: int = 500) -> list[Suggestion]:
    """The same device set to the same value by `person` at about the same time on REPEATS days."""
    seen: dict[tuple[str, str, str], dict[str, list[datetime]]] = {}
    values: dict[tuple[str, str, str], object] = {}
    for turn in store.history(limit=limit):
        if turn.person != person:
            continue
        at = datetime.fromtimestamp(turn.at)
        for call in turn.plan.get("calls", []):
            if call.get("tool") != "set_state":
                continue
            for key, value in call["args"].get("changes", {}).items():
                for device in call["args"].get("devices", []):
                    values[(device, key, repr(value))] = value
                    seen.setdefault((device, key, repr(value)), {}).setdefault(at.date().isoformat(), []).append(at)
    found = []
    for (device, key, shown), days in seen.items():
        value = values[(device, key, shown)]
        minutes = [at.hour * 60 + at.minute for times in days.values() for at in times[:1]]
        if len(days) >= REPEATS and max(minutes) - min(minutes) <= WINDOW_MINUTES:
            when = f"{min(minutes) // 60:02d}:{min(minutes) % 60:02d}"
            found.append(Suggestion(person, f"{device}.{key}@{when}", value,
                                    f"set {device} {key} to {value} around {when} on {len(days)} days"))
    return found
