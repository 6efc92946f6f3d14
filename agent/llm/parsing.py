"""Reading the model's output: JSON into a `Plan`, area targets expanded to devices, every call checked
against the tools' schemas and the live home. An output that is not a usable plan is `Rejected`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from agent.llm.schema import DEVICE_TOOLS, HERE, HOME
from agent.replies.grammar import GRAMMAR, plural
from agent.turn.context import TurnContext
from agent.turn.plan import Plan, RunRoutine, ToolCall, devices_of, tool_call
from agent.understanding.language import language
from devices.errors import HomebodyError, InvalidChange, OutOfRange
from devices.household import Routine
from devices.model import Device, Kind, validate_change, writable_attributes
from devices.registry import Registry

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool


WORDS = language()
REPLIES, WORDING = WORDS.replies, WORDS.wording


class Rejected(HomebodyError):
    """The model's output does not make a usable plan."""


class _Unanswerable(Exception):
    """A well-formed call that cannot be carried out here; carries what to say instead."""


def parse_plan(text: str, registry: Registry, routines: list[Routine], tools: list[BaseTool],
               context: TurnContext) -> Plan:
    """The Plan a (schema-shaped) output means, area targets expanded; Rejected says what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise Rejected(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise Rejected("not a JSON object")
    if isinstance(data.get("say"), str):
        return Plan(confidence=1.0, path="llm", say=data["say"].strip() or REPLIES["didnt_catch"])
    calls = data.get("calls")
    if not isinstance(calls, list) or not calls:
        raise Rejected("neither calls nor say")
    known = {tool.name: tool for tool in tools}
    plan, says = Plan(confidence=1.0, path="llm"), []
    for raw in calls:
        if not isinstance(raw, dict) or raw.get("tool") not in known or not isinstance(raw.get("args"), dict):
            raise Rejected(f"not a call of a known tool: {raw!r}")
        try:
            plan.calls.append(_call_from(raw["tool"], dict(raw["args"]), registry, context))
        except _Unanswerable as sentence:
            says.append(str(sentence))
    problems = plan_problems(plan, registry, routines, tools)
    if problems:
        raise Rejected("; ".join(problems))
    plan.say = " ".join(says) or None
    return plan


def _call_from(tool: str, args: dict[str, Any], registry: Registry, context: TurnContext) -> ToolCall:
    if tool in DEVICE_TOOLS and "area" in args:
        place, kind = args.pop("area"), args.pop("kind", None)
        found = _in_place(registry, place, kind, context)
        args["devices"] = [d.id for d in found if _accepts(d, tool, args)]
        if not args["devices"]:
            what = plural(kind.replace("_", " ")) if isinstance(kind, str) else WORDING.devices[1]
            place = context.area if place == HERE else place
            where = registry.area_name(place) or (registry.floors[place].name if place in registry.floors else "")
            there = f" {REPLIES['in_place'].format(place=GRAMMAR.the.format(name=where))}" if where else ""
            raise _Unanswerable(REPLIES["none_can" if found else "none_there"].format(kinds=what, place=there))
    if isinstance(args.get("devices"), list):
        args["devices"] = list(dict.fromkeys(args["devices"]))
    if tool == "get_state":
        args.setdefault("quantifier", "one" if len(args.get("devices", [])) == 1 else "which")
    try:
        return tool_call(tool, args)
    except (TypeError, ValueError, KeyError) as error:
        raise Rejected(f"{tool}: {error}") from None


def _in_place(registry: Registry, place: Any, kind: Any, context: TurnContext) -> list[Device]:
    try:
        kinds = [Kind(kind)] if kind else None
    except ValueError:
        raise Rejected(f"unknown kind {kind!r}") from None
    if place == HERE:
        if context.area is None:
            raise _Unanswerable(REPLIES["which_room"])
        return registry.select(kinds, area=context.area)
    if place == HOME:
        return registry.select(kinds)
    if place in registry.areas:
        return registry.select(kinds, area=place)
    if place in registry.floors:
        return registry.select(kinds, floor=place)
    raise Rejected(f"unknown area {place!r}")


def _accepts(device: Device, tool: str, args: dict[str, Any]) -> bool:
    if tool == "set_state":
        try:
            validate_change(device, args.get("changes", {}))
        except OutOfRange:
            return True
        except InvalidChange:
            return False
    if tool == "adjust":
        return args.get("attribute") in writable_attributes(device)
    return True


def plan_problems(plan: Plan, registry: Registry, routines: list[Routine], tools: list[BaseTool]) -> list[str]:
    """Why a plan could not be executed as meant: unknown tools, devices, routines or changes. Empty: valid."""
    known = {tool.name: tool for tool in tools}
    problems = []
    for call in plan.calls:
        if call.tool not in known:
            problems.append(f"unknown tool {call.tool}")
            continue
        try:
            known[call.tool].tool_call_schema.model_validate(call.args)  # type: ignore[union-attr]
        except Exception as error:  # noqa: BLE001 - pydantic's ValidationError, or a schema that is not a model
            problems.append(f"{call.tool}: arguments do not fit its schema ({error})".replace("\n", " "))
            continue
        devices = devices_of(call)
        unknown = [d for d in devices if d not in registry.devices]
        if unknown:
            problems.append(f"{call.tool}: unknown devices {unknown}")
        if call.tool in ("set_state", "adjust", "get_state", "media_control") and not devices:
            problems.append(f"{call.tool}: no devices")
        for device in (registry.devices[d] for d in devices if d in registry.devices):
            if call.tool in ("set_state", "adjust") and not _accepts(device, call.tool, call.args):
                problems.append(f"{call.tool}: {device.id} cannot take {call.args}")
        if isinstance(call, RunRoutine) and call.routine not in {r.id for r in routines}:
            problems.append(f"unknown routine {call.routine!r}")
    return problems
