"""Commands and conditions in words, for what homebody will do later: "turn off the TV", "the front door opens"."""

from __future__ import annotations

from collections.abc import Sequence

from agent.replies.grammar import join_words
from agent.replies.wording import degrees, number, the_list
from agent.turn.plan import Adjust, Condition, MediaControl, RunRoutine, SetState, ToolCall
from agent.understanding.language import language
from devices.registry import Registry

SAY = language().wording.plans
PHRASES = language().wording.phrases


def describe_calls(calls: Sequence[ToolCall], registry: Registry, routines: dict[str, str], undo: bool = False) -> str:
    """ "turn off the TV and lock the front door"; with `undo`, putting the devices back."""
    if undo:
        devices = [registry.devices[d] for c in calls if isinstance(c, SetState) for d in c.devices
                   if d in registry.devices]
        return SAY.put_back.format(names=the_list(devices))
    return join_words([_describe(call, registry, routines) for call in calls])


def _describe(call: ToolCall, registry: Registry, routines: dict[str, str]) -> str:
    if isinstance(call, RunRoutine):
        return SAY.routine.format(routine=routines.get(call.routine, call.routine))
    devices = [registry.devices[d] for d in getattr(call, "devices", ()) if d in registry.devices]
    names = the_list(devices)
    if isinstance(call, Adjust):
        return (SAY.up if call.delta > 0 else SAY.down).format(names=names)
    if isinstance(call, MediaControl):
        return SAY.actions.get("paused" if call.command == "pause" else "playing", "{names}").format(names=names)
    if isinstance(call, SetState):
        state = call.changes.get("state")
        if isinstance(state, str) and state in SAY.actions and len(call.changes) == 1:
            return SAY.actions[state].format(names=names)
        value = ", ".join(_value(k, v) for k, v in call.changes.items() if k != "state")
        return SAY.set_to.format(names=names, value=value)
    return call.tool.replace("_", " ")


def _value(attribute: str, value: object) -> str:
    if attribute in ("target_temperature", "current_temperature"):
        return degrees(value) if isinstance(value, int | float) else str(value)
    if attribute in ("brightness", "percentage", "position", "volume") and isinstance(value, int | float):
        return PHRASES.percent.format(n=number(value))
    return str(value)


def describe_condition(condition: Condition) -> str:
    """The condition as said, said back: "the front door opens", "you leave"."""
    swap = language().wording.grammar.second_person
    return " ".join(swap.get(word, word) for word in (condition.said or "that").split())
