"""Questions about the home ("is the back door locked", "which lights are on") as get_state calls."""

from __future__ import annotations

from agent.frames import Frame
from agent.plan import ToolCall
from agent.targets import Targets, resolve_kinds_for_question
from devices.model import Device, Kind
from devices.registry import Registry

PRESENCE_WORDS = {"anyone", "anybody", "someone", "somebody", "motion", "movement", "occupied", "people", "person"}
OPEN_CLASSES = {"door", "window", "opening", "garage_door", "garage"}
PRESENCE_CLASSES = {"motion", "occupancy", "presence"}


def query_call(frame: Frame, targets: Targets, registry: Registry) -> list[ToolCall] | str:
    """A get_state call: which devices, which attribute, the value asked about, and how many."""
    attribute, value, kinds, classes = asked_property(frame)
    devices = _candidates(frame, targets, registry, kinds, classes)
    if not devices:
        if targets.ask:
            return targets.ask
        if frame.unknown:
            return f"Sorry, I don't have a device called {' '.join(frame.unknown)}."
        return "Sorry, I couldn't find a device that answers that."
    return [ToolCall("get_state", {
        "devices": [d.id for d in devices],
        "attribute": attribute,
        "value": value,
        "quantifier": quantifier(frame.tokens),
    })]


def asked_property(frame: Frame) -> tuple[str | None, object, tuple[Kind, ...], set[str]]:
    """(attribute, value asked about, kinds that can answer, binary-sensor classes that can answer)."""
    words = set(frame.tokens)
    text = " ".join(frame.tokens)
    if words & {"locked", "unlocked"}:
        return "state", "locked" if "locked" in words else "unlocked", (Kind.LOCK,), set()
    if words & PRESENCE_WORDS:
        return "state", "on", (Kind.BINARY_SENSOR,), PRESENCE_CLASSES
    if words & {"open", "closed", "shut", "opened"}:
        value = "open" if words & {"open", "opened"} else "closed"
        return "state", value, (Kind.COVER, Kind.BINARY_SENSOR), OPEN_CLASSES
    if "set to" in text or "target" in words or "set at" in text:
        return "target_temperature", None, (Kind.CLIMATE,), set()
    if words & {"temperature", "warm", "hot", "cold", "degrees", "temp", "chilly"}:
        return "temperature", None, (Kind.SENSOR, Kind.CLIMATE), {"temperature"}
    if words & {"bright", "brightness"}:
        return "brightness", None, (Kind.LIGHT,), set()
    if words & {"volume", "loud"}:
        return "volume", None, (Kind.MEDIA_PLAYER,), set()
    if words & {"playing", "paused"}:
        return "state", "playing" if "playing" in words else "paused", (Kind.MEDIA_PLAYER,), set()
    if words & {"on", "off", "running"} and not words & {"what", "whats"}:
        return "state", "on" if words & {"on", "running"} else "off", (), set()
    return None, None, (), set()


def quantifier(tokens: list[str]) -> str:
    text = f" {' '.join(tokens)} "
    if " how many " in text:
        return "count"
    if tokens and tokens[0] in {"which", "what"} and _plural_subject(tokens) or " list " in text:
        return "which"
    if " all " in text or " every " in text:
        return "all"
    if " any " in text or " anything " in text or " anyone " in text or " anybody " in text:
        return "any"
    return "one"


def _plural_subject(tokens: list[str]) -> bool:
    return len(tokens) > 1 and (tokens[1].endswith("s") and tokens[1] not in {"is", "was", "its", "whats"})


def _candidates(frame: Frame, targets: Targets, registry: Registry, kinds: tuple[Kind, ...], classes: set[str]) -> list[Device]:
    devices = targets.devices or resolve_kinds_for_question(frame, registry, kinds, targets)
    if not kinds:
        return devices
    fitting = [d for d in devices if _answers(d, kinds, classes)]
    if fitting:
        return fitting
    named_words = _named_words(frame)
    scope = {d.area for d in devices if d.area} or {None}
    nearby = [d for d in registry.devices.values() if _answers(d, kinds, classes)
              and (d.area in scope or None in scope)]
    by_name = [d for d in nearby if named_words and named_words <= set(d.name.lower().split())]
    return by_name or ([d for d in nearby if d.area in scope] if targets.area or scope != {None} else nearby)


def _answers(device: Device, kinds: tuple[Kind, ...], classes: set[str]) -> bool:
    if device.kind not in kinds:
        return False
    if device.kind in (Kind.BINARY_SENSOR, Kind.SENSOR) and classes:
        return (device.device_class or "") in classes
    return True


def _named_words(frame: Frame) -> set[str]:
    words: set[str] = set()
    for mention in frame.mentions:
        if mention.type == "device":
            words |= set(frame.tokens[mention.start : mention.end])
    return words
