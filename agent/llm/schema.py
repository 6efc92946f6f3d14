"""The plan's JSON schema, built from the tools and the live home: what the model's grammar allows.

- One schema, built from the LangChain tools: the built-in device tools get enums of the live
  device ids (split by what each group of devices accepts, so `changes` can only name attributes
  and values the device has), areas, floors and routines; skill tools keep their own schema.
  llama.cpp turns it into a grammar; a server gets it as `response_format`. Every finished output
  therefore parses into calls on real devices, or into {"say": "..."}.
- Device targets are ids or `area` + `kind` ("here" is the speaker's room, "home" everywhere);
  `parsing` expands the second form to the devices that can take the change.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from devices.colors import NAMED_COLORS
from devices.household import Routine
from devices.model import STATE_VALUES, Device, Kind, writable_attributes
from devices.registry import Registry

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

MAX_CALLS, MAX_DEVICES, SAY_CHARS = 3, 6, 80
HERE, HOME = "here", "home"
COLOR_TEMPS = [2000, 2200, 2700, 3000, 3500, 4000, 4500, 5000, 5500, 6000, 6500]
DEFS = {
    "percent": {"enum": list(range(0, 101))},
    "celsius": {"enum": [n / 2 if n % 2 else n // 2 for n in range(0, 81)]},
    "percent_delta": {"enum": [n for n in range(-100, 101) if n]},
    "celsius_delta": {"enum": [n / 2 if n % 2 else n // 2 for n in range(-20, 21) if n]},
    "color": {"enum": list(NAMED_COLORS)},
    "color_temp": {"enum": COLOR_TEMPS},
}
VALUE_SCHEMAS = {"brightness": "percent", "percentage": "percent", "position": "percent", "volume": "percent",
                 "target_temperature": "celsius", "color": "color", "color_temp": "color_temp"}


def plan_schema(registry: Registry, routines: list[Routine], tools: list[BaseTool]) -> dict[str, Any]:
    """{"calls": [...]} with one alternative per tool and device group, or {"say": "..."}."""
    calls: list[dict[str, Any]] = []
    for tool in tools:
        builder = _DEVICE_TOOL_BUILDERS.get(tool.name)
        calls += builder(tool, registry, routines) if builder else [_call(tool.name, skill_args_schema(tool, registry))]
    say = _object({"say": {"type": "string", "minLength": 1, "maxLength": SAY_CHARS}})
    if not calls:
        return {**say, "$defs": DEFS}
    plan = _object({"calls": {"type": "array", "items": {"anyOf": calls}, "minItems": 1, "maxItems": MAX_CALLS}})
    return {"anyOf": [plan, say], "$defs": DEFS}


def _object(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    required = [name for name in properties if name not in optional]
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _call(tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return _object({"tool": {"const": tool}, "args": args})


def _ids(devices: list[Device]) -> dict[str, Any]:
    return {"type": "array", "items": {"enum": [d.id for d in devices]}, "minItems": 1,
            "maxItems": min(MAX_DEVICES, len(devices))}


def _nonempty(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with at least one of the properties, in this order (the grammar has no minProperties)."""
    names = list(properties)
    return {"anyOf": [_object({n: properties[n] for n in names[i:]}, optional=tuple(names[i + 1:]))
                      for i in range(len(names))]}


def change_properties(device: Device) -> dict[str, Any]:
    """The values each writable attribute of a device may take."""
    properties: dict[str, Any] = {}
    for attribute in writable_attributes(device):
        if attribute == "state":
            properties[attribute] = {"enum": list(STATE_VALUES[device.kind])}
        elif attribute == "mode":
            properties[attribute] = {"enum": list(device.modes)}
        elif attribute == "muted":
            properties[attribute] = {"type": "boolean"}
        elif attribute in VALUE_SCHEMAS:
            properties[attribute] = {"$ref": f"#/$defs/{VALUE_SCHEMAS[attribute]}"}
    return properties


def _groups(devices: list[Device], key: Any) -> dict[str, list[Device]]:
    groups: dict[str, list[Device]] = {}
    for device in devices:
        groups.setdefault(json.dumps(key(device), sort_keys=True), []).append(device)
    return groups


def _places(registry: Registry, devices: list[Device]) -> dict[str, Any]:
    areas = {d.area for d in devices if d.area}
    floors = {registry.floor_of(d) for d in devices} - {None}
    ordered = [a for a in registry.areas if a in areas] + [f for f in registry.floors if f in floors]
    return {"enum": [HERE, HOME, *ordered]}


def _by_kind(devices: list[Device]) -> dict[Kind, list[Device]]:
    kinds: dict[Kind, list[Device]] = {}
    for device in devices:
        kinds.setdefault(device.kind, []).append(device)
    return kinds


def _set_state(tool: BaseTool, registry: Registry, _: list[Routine]) -> list[dict[str, Any]]:
    writable = [d for d in registry.devices.values() if writable_attributes(d)]
    calls = [_call(tool.name, _object({"devices": _ids(group), "changes": _nonempty(change_properties(group[0]))}))
             for group in _groups(writable, lambda d: [d.kind, change_properties(d)]).values()]
    for kind, devices in _by_kind(writable).items():
        merged: dict[str, Any] = {}
        for device in devices:
            for name, schema in change_properties(device).items():
                if "enum" in schema and name in merged:
                    schema = {"enum": list(dict.fromkeys(merged[name]["enum"] + schema["enum"]))}
                merged[name] = schema
        args = {"area": _places(registry, devices), "kind": {"const": kind.value}, "changes": _nonempty(merged)}
        calls.append(_call(tool.name, _object(args)))
    return calls


def _adjust(tool: BaseTool, registry: Registry, _: list[Routine]) -> list[dict[str, Any]]:
    attributes = tool.args_schema.model_json_schema()["properties"]["attribute"]["enum"]  # type: ignore[union-attr]
    calls = []
    for attribute in attributes:
        devices = [d for d in registry.devices.values() if attribute in writable_attributes(d)]
        if not devices:
            continue
        delta = {"$ref": "#/$defs/celsius_delta" if attribute == "target_temperature" else "#/$defs/percent_delta"}
        fixed = {"attribute": {"const": attribute}, "delta": delta}
        calls.append(_call(tool.name, _object({"devices": _ids(devices), **fixed})))
        for kind, group in _by_kind(devices).items():
            calls.append(_call(tool.name, _object({"area": _places(registry, group), "kind": {"const": kind.value},
                                                   **fixed})))
    return calls


def _get_state(tool: BaseTool, registry: Registry, _: list[Routine]) -> list[dict[str, Any]]:
    devices = list(registry.devices.values())
    if not devices:
        return []
    quantifier = tool.args_schema.model_json_schema()["properties"]["quantifier"]  # type: ignore[union-attr]
    attributes = list(dict.fromkeys(a for d in devices for a in d.attributes()))
    values = list(dict.fromkeys([v for d in devices for v in STATE_VALUES.get(d.kind, ())]
                                + [m for d in devices for m in d.modes]))
    asked = {"attribute": {"enum": attributes}, "value": {"enum": values}, "quantifier": {"enum": quantifier["enum"]}}
    optional = ("attribute", "value", "quantifier")
    kinds = {"enum": list(dict.fromkeys(d.kind.value for d in devices))}
    return [_call(tool.name, _object({"devices": _ids(devices), **asked}, optional)),
            _call(tool.name, _object({"area": _places(registry, devices), "kind": kinds, **asked}, optional))]


def _media_control(tool: BaseTool, registry: Registry, _: list[Routine]) -> list[dict[str, Any]]:
    players = [d for d in registry.devices.values() if d.kind is Kind.MEDIA_PLAYER]
    command = tool.args_schema.model_json_schema()["properties"]["command"]  # type: ignore[union-attr]
    return [_call(tool.name, _object({"devices": _ids(players), "command": {"enum": command["enum"]}}))] if players else []


def _run_routine(tool: BaseTool, _: Registry, routines: list[Routine]) -> list[dict[str, Any]]:
    return [_call(tool.name, _object({"routine": {"enum": [r.id for r in routines]}}))] if routines else []


_DEVICE_TOOL_BUILDERS = {"set_state": _set_state, "adjust": _adjust, "get_state": _get_state,
                         "media_control": _media_control, "run_routine": _run_routine}
DEVICE_TOOLS = frozenset(_DEVICE_TOOL_BUILDERS)
"""The built-in tools whose calls may name an `area` and `kind` instead of devices."""


def skill_args_schema(tool: BaseTool, registry: Registry) -> dict[str, Any]:
    """A skill tool's own argument schema (injected arguments hidden), refs inlined, strings bounded,
    and a string `area` argument limited to the household's area ids."""
    schema = tool.tool_call_schema
    raw: dict[str, Any] = schema if isinstance(schema, dict) else schema.model_json_schema()  # type: ignore[union-attr]
    return _tighten(_inline(raw, raw.get("$defs", {})), registry)


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _inline(defs.get(node["$ref"].split("/")[-1], {}), defs)
    return {k: _inline(v, defs) for k, v in node.items() if k not in ("$defs", "title", "description", "default")}


def _tighten(node: Any, registry: Registry, name: str = "") -> Any:
    if isinstance(node, list):
        return [_tighten(item, registry, name) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "string" and "enum" not in node and "format" not in node:
        if name == "area" and registry.areas:
            return {"enum": list(registry.areas)}
        return {"maxLength": 40, **node}
    result = {k: _tighten(v, registry, name) for k, v in node.items() if k != "properties"}
    if "properties" in node:
        result["properties"] = {k: _tighten(v, registry, k) for k, v in node["properties"].items()}
        result.setdefault("additionalProperties", False)
    return result
