"""Runs a plan's tool calls against the live home and collects what happened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.turn.plan import Adjust, GetState, MediaControl, Plan, RunRoutine, SetState, SkillCall, ToolCall
from agent.turn.context import TurnContext
from agent.understanding.language import language
from devices.outcome import DeviceOutcome, Status
from devices.errors import InvalidChange, OutOfRange
from devices.household import Routine
from devices.model import COLOR_TEMP_RANGE, Device, State, apply_change, validate_change
from devices.registry import Registry

log = logging.getLogger(__name__)

REPLIES = language().replies

ADJUST_LIMITS = {"color_temp": COLOR_TEMP_RANGE, "brightness": (1, 100), "percentage": (0, 100), "volume": (0, 100), "position": (0, 100)}


SkillRunner = Callable[[SkillCall, TurnContext], str]
"""Runs a skill's tool (with its time limit) and returns the sentence to speak."""


HouseholdRunner = Callable[[Any, TurnContext], "CallResult"]
"""Runs one of the assistant's own calls (agent.turn.household): undo, small talk, later commands…"""


class Controller(Protocol):
    def set_many(self, commands: list[tuple[str, State]]) -> list[DeviceOutcome]: ...

    def media(self, device_id: str, command: str) -> DeviceOutcome: ...


@dataclass
class CallResult:
    """One tool call's result: device outcomes for commands, an answer for questions."""

    call: ToolCall
    outcomes: list[DeviceOutcome] = field(default_factory=list)
    answer: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Executor:
    """Turns tool calls into device commands (closed loop) and state reads."""

    def __init__(self, registry: Registry, controller: Controller, routines: list[Routine],
                 skill_runner: SkillRunner | None = None, household_runner: HouseholdRunner | None = None):
        self.registry = registry
        self.controller = controller
        self.routines = {r.id: r for r in routines}
        self.skill_runner = skill_runner
        self.household_runner = household_runner

    def run(self, plan: Plan, context: TurnContext) -> list[CallResult]:
        results: list[CallResult] = []
        for call in plan.calls:
            results.append(self.run_call(call, context))
        return results

    def run_call(self, call: ToolCall, context: TurnContext) -> CallResult:
        if isinstance(call, SetState):
            return CallResult(call, self.apply([(device_id, dict(call.changes)) for device_id in call.devices]))
        if isinstance(call, Adjust):
            return self._adjust(call)
        if isinstance(call, MediaControl):
            return self._media_control(call)
        if isinstance(call, RunRoutine):
            return self._run_routine(call)
        if isinstance(call, GetState):
            return self._get_state(call)
        if not isinstance(call, SkillCall):
            if self.household_runner is not None:
                return self.household_runner(call, context)
            return CallResult(call, answer=REPLIES["cannot_do_yet"].format(tool=call.tool.replace('_', ' ')))
        if self.skill_runner is not None:
            return CallResult(call, answer=self.skill_runner(call, context))
        return CallResult(call, answer=REPLIES["cannot_do_yet"].format(tool=call.tool.replace('_', ' ')))

    def _adjust(self, call: Adjust) -> CallResult:
        attribute, delta = call.attribute, call.delta
        commands = []
        for device_id in call.devices:
            device = self.registry.devices.get(device_id)
            if device is None:
                continue
            commands.append((device_id, adjusted(device, self.registry.state(device_id), attribute, delta)))
        return CallResult(call, self.apply(commands))

    def _media_control(self, call: MediaControl) -> CallResult:
        change = {"pause": {"state": "paused"}, "resume": {"state": "playing"}}.get(call.command)
        if change is not None:
            return CallResult(call, self.apply([(d, change) for d in call.devices]))
        return CallResult(call, [self.controller.media(d, call.command) for d in call.devices])

    def _run_routine(self, call: RunRoutine) -> CallResult:
        routine = self.routines.get(call.routine)
        if routine is None:
            return CallResult(call, answer=REPLIES["unknown_routine"])
        commands: list[tuple[str, State]] = []
        for action in routine.actions:
            if action.device:
                commands.append((action.device, dict(action.set)))
            else:
                area = None if action.area in (None, "*") else action.area
                commands += [(d.id, dict(action.set)) for d in self.registry.select(action.kinds, area=area)]
        return CallResult(call, self.apply(commands, quiet_already=True), data={"routine": routine.name})

    def _get_state(self, call: GetState) -> CallResult:
        devices = [self.registry.devices[d] for d in call.devices if d in self.registry.devices]
        states = {d.id: self.registry.state(d.id) for d in devices}
        return CallResult(call, data={"states": states, **call.args})

    def apply(self, commands: list[tuple[str, State]], quiet_already: bool = False) -> list[DeviceOutcome]:
        """Validate every command, skip those already in effect, send the rest together."""
        outcomes: list[DeviceOutcome] = []
        to_send: list[tuple[str, State]] = []
        for device_id, change in commands:
            device = self.registry.devices.get(device_id)
            if device is None:
                missing = REPLIES["no_device_id"].format(device=device_id)
                outcomes.append(DeviceOutcome(device_id, Status.REJECTED, message=missing))
                continue
            try:
                valid = validate_change(device, change)
            except OutOfRange as error:
                outcomes.append(DeviceOutcome(device_id, Status.REFUSED, message=_range_message(device, error)))
                continue
            except InvalidChange as error:
                outcomes.append(DeviceOutcome(device_id, Status.REJECTED, message=str(error)))
                continue
            current = self.registry.state(device_id)
            if apply_change(device, current, valid) == current:
                outcomes.append(DeviceOutcome(device_id, Status.ALREADY, current))
                continue
            to_send.append((device_id, valid))
        if to_send:
            outcomes += self.controller.set_many(to_send)
        return outcomes


def as_left_by(registry: Registry, calls: list[ToolCall]) -> Registry:
    """The registry as the calls will leave it, changing nothing live: what a plan's later clauses read."""
    states = registry.states.snapshot()
    for call in calls:
        if not isinstance(call, SetState | Adjust):
            continue
        for device_id in call.devices:
            device, state = registry.devices.get(device_id), states.get(device_id)
            if device is None or state is None:
                continue
            change = call.changes if isinstance(call, SetState) else adjusted(device, state, call.attribute, call.delta)
            states[device_id] = apply_change(device, state, change)
    return registry.with_states(states)


def adjusted(device: Device, state: State, attribute: str, delta: float) -> State:
    """The absolute change a relative request comes to, kept within the device's limits."""
    if attribute == "target_temperature":
        current = float(state.get("target_temperature", 20.0))
        return {attribute: min(device.max_temp, max(device.min_temp, round((current + delta) * 2) / 2))}
    current = state.get(attribute, 0)
    if attribute == "brightness" and state.get("state") == "off" and delta > 0:
        current = 0
    low, high = ADJUST_LIMITS.get(attribute, (0, 100))
    return {attribute: int(min(high, max(low, round(current + delta))))}


def _range_message(device: Device, error: OutOfRange) -> str:
    unit = REPLIES["unit_degrees"] if error.attribute == "target_temperature" else REPLIES["unit_percent"]
    name = device.name[0].lower() + device.name[1:] if not device.name[1:2].isupper() else device.name
    if error.value > error.high:
        return REPLIES["too_high"].format(name=name, limit=f"{error.high:g}", unit=unit)
    return REPLIES["too_low"].format(name=name, limit=f"{error.low:g}", unit=unit)
