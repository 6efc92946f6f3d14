"""Whether an automation's condition holds: a device in a state, a reading past a number, someone leaving."""

from __future__ import annotations

from agent.replies.wording import holds as holds_word
from agent.turn.context import TurnContext
from agent.turn.plan import Condition
from devices.model import State
from devices.registry import Registry


def holds(condition: Condition, registry: Registry, context: TurnContext,
          states: dict[str, State] | None = None) -> bool:
    """Whether any watched device is in the state (or past the number) now; `states` overrides what is known."""
    if condition.event is not None:
        return False  # someone leaving or arriving is an event, never a state that holds
    for device_id in condition.devices:
        device = registry.devices.get(device_id)
        if device is None:
            continue
        state = (states or {}).get(device_id) or registry.state(device_id)
        if _holds(condition, device, state):
            return True
    return False


def _holds(condition: Condition, device: object, state: State) -> bool:
    if condition.op == "is":
        return bool(holds_word(device, state, condition.value))  # type: ignore[arg-type]
    reading = state.get(condition.attribute)
    if not isinstance(reading, int | float) or not isinstance(condition.value, int | float):
        return False
    return reading < condition.value if condition.op == "below" else reading > condition.value


def presence_matches(condition: Condition, person: str, event: str, asker: str | None, speaker: str | None) -> bool:
    """Whether `person` leaving or arriving is what a presence condition waits for ("me" is whoever set it up)."""
    if condition.event != event or condition.person is None:
        return False
    wanted = asker if condition.person == "me" else condition.person
    return wanted == "*" or wanted == person or (wanted is None and person == speaker)
