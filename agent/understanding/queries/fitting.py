"""Which devices fit a question: those it is about, those that can be in the state asked, those
that can read the measurement asked."""

from __future__ import annotations

from agent.replies.grammar import singular
from agent.replies.wording import can_hold
from agent.understanding.language import language
from agent.understanding.normalize import normalize_name_tokens
from agent.understanding.queries.question import Question
from agent.understanding.targets import Targets
from devices.model import Device, Kind

WORDS = language().questions
KIND_WORDS = language().kinds
#: Which kinds answer an attribute question.
ATTRIBUTE_KINDS: dict[str, tuple[Kind, ...]] = {
    "temperature": (Kind.SENSOR, Kind.CLIMATE), "target_temperature": (Kind.CLIMATE,),
    "brightness": (Kind.LIGHT,), "volume": (Kind.MEDIA_PLAYER,), "position": (Kind.COVER,),
    "color": (Kind.LIGHT,), "percentage": (Kind.FAN,),
}


def subject_of(question: Question, scope: list[Device], targets: Targets) -> list[Device]:
    """The devices the question is about, before asking whether they are in the state asked."""
    if not question.kinds and not question.sensed and not question.sensors:
        return scope
    chosen: list[Device] = []
    value = question.value or ""
    for device in scope:
        if device.kind is Kind.BINARY_SENSOR:
            if device.device_class in question.sensed or (question.sensors and not question.sensed) \
                    or device.device_class in _kind_classes(question, value):
                chosen.append(device)
        elif device.kind is Kind.SENSOR:
            if device.device_class in question.sensed:
                chosen.append(device)
        elif device.kind in question.kinds or _door_like(device, question) or _called(device, question):
            chosen.append(device)
    if question.cover_classes:
        # "curtains": covers of that class; covers of no stated class only where there are none
        classed = [d for d in chosen if d.kind is Kind.COVER and (d.device_class in question.cover_classes
                                                                   or _door_like(d, question))]
        chosen = [d for d in chosen if d.kind is not Kind.COVER or d in classed
                  or (not classed and not d.device_class)]
    if question.quantifier == "one" and question.kinds and not question.sensed and targets.devices:
        # "is the garage door open": the device called that; "is the light on": the speaker's room
        meant = {d.id for d in targets.devices}
        if question.generic_ids or (targets.area and not targets.floor):
            meant |= question.generic_ids
            chosen = [d for d in chosen if d.id in meant or d.kind is Kind.BINARY_SENSOR] or chosen
    return chosen


def _called(device: Device, question: Question) -> bool:
    """A device whose name says it is one ("Garden gate" is a gate, whatever its kind)."""
    words = set(normalize_name_tokens(device.name))
    return any(w in words or singular(w) in words for w in question.kind_words if " " not in w)


def _kind_classes(question: Question, value: str) -> set[str]:
    """Kind words read as sensor classes when the kind itself can't be in that state:
    "are any lights detected" (light sensors), "are any doors open" (door sensors)."""
    classes: set[str] = set()
    for word in question.kind_words:
        named = WORDS.kind_sensors.get(word, ())
        kind = KIND_WORDS[word].kind if word in KIND_WORDS else None
        specific = bool(named) and named[0] in WORDS.binary_state_words.get(value, {})
        if named and (kind is None or specific or not _kind_holds(kind, value)):
            classes.update(named)
    return classes


def _kind_holds(kind: Kind, value: str) -> bool:
    probe = Device(id="_", name="_", kind=kind)
    return can_hold(probe, value)


def _door_like(device: Device, question: Question) -> bool:
    """"Doors" are locks, but for "open" also garage doors and gates that are covers."""
    if device.kind is not Kind.COVER:
        return False
    return any(device.device_class in WORDS.kind_covers.get(w, ()) for w in question.kind_words)


def holding(question: Question, devices: list[Device], value: str) -> list[Device]:
    """Devices for which a yes/no about `value` makes sense; sensors only when the words point at them."""
    explicit = bool(question.sensed or question.sensors or _kind_classes(question, value))
    fitting: list[Device] = []
    for device in devices:
        if not can_hold(device, value):
            continue
        if device.kind is Kind.BINARY_SENSOR and not explicit and _generic_only(device, value):
            continue  # "is anything on": not every sensor
        fitting.append(device)
    sensors = [d for d in fitting if d.kind is Kind.BINARY_SENSOR and not _generic_only(d, value)]
    if sensors and not question.kinds and WORDS.kind_state_words.get(value) in ("on", "off"):
        return sensors  # "are any devices running": the running sensors, not every switch that is on
    return fitting


def _generic_only(device: Device, value: str) -> bool:
    meanings = WORDS.binary_state_words.get(value, {})
    return (device.device_class or "") not in meanings and "*" in meanings


def readings(question: Question, scope: list[Device], targets: Targets, attribute: str) -> list[Device]:
    if question.kinds and targets.devices and not question.sensed:
        readable = [d for d in targets.devices if can_read(d, attribute)]
        in_scope = [d for d in readable if d in scope]
        if in_scope or readable:
            return in_scope or readable
    readable = [d for d in scope if can_read(d, attribute) and (not question.kinds or d.kind in question.kinds
                                                                 or d.kind is Kind.SENSOR)]
    if attribute == "temperature":
        sensors = [d for d in readable if d.kind is Kind.SENSOR]
        climates = [d for d in readable if d.kind is Kind.CLIMATE]
        if question.kinds & {Kind.CLIMATE}:
            return climates or sensors
        local = {d.area for d in sensors}
        # a room's own thermometer first; a thermostat where there is none
        return sensors + [c for c in climates if c.area not in local]
    return readable


def can_read(device: Device, attribute: str) -> bool:
    if attribute == "temperature":
        if device.kind is Kind.SENSOR:
            return device.device_class == "temperature" or ((device.unit or "").lstrip("°") in ("C", "F", "K") \
                and device.device_class in (None, "temperature"))
        return device.kind is Kind.CLIMATE
    if attribute == "value":
        return device.kind is Kind.SENSOR
    if attribute == "brightness" and device.kind is Kind.LIGHT:
        return True
    return device.kind in ATTRIBUTE_KINDS.get(attribute, ())
