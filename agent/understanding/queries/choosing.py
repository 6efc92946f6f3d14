"""Choosing the devices that answer a question read, and what to read from them."""

from __future__ import annotations

from agent.replies.wording import can_hold
from agent.understanding.language import language
from agent.understanding.normalize import normalize_name_tokens
from agent.understanding.queries.fitting import can_read, holding, readings, subject_of
from agent.understanding.queries.names import contains
from agent.understanding.queries.question import Question
from agent.understanding.targets import Targets
from devices.model import Device, Kind
from devices.registry import Registry

_Q = language().questions
FEEL_WORDS = _Q.feel
PRESENCE_CLASSES = ("motion", "occupancy", "presence")
PRESENCE_VALUES = {None, *_Q.presence_values}
#: Attributes a sensor's measurement can mean instead ("how fast is the wind", "the download speed").
SENSOR_LIKE = {"percentage", "brightness", "volume"}


def choose(question: Question, named: list[Device], registry: Registry, targets: Targets,
           area: str | None, floor: str | None) -> tuple[list[Device], str | None, str | None]:
    """(devices that answer, attribute, value) for the question; no devices when none can."""
    if named:
        return _about_named(question, named, registry)
    scope = _scope(registry, area, floor)
    if question.presence and (question.value in PRESENCE_VALUES or question.value in _Q.activities):
        # "is anyone home", "is anyone moving around on the porch": the sensors that see people
        people = [d for d in scope if d.kind is Kind.BINARY_SENSOR and d.device_class in PRESENCE_CLASSES]
        return people, "state", "detected"
    if question.value is not None:
        subject = subject_of(question, scope, targets)
        devices = holding(question, subject, question.value)
        if devices:
            return devices, "state", question.value
        if question.value in FEEL_WORDS:
            return readings(question, scope, targets, "temperature"), "temperature", None
        if question.kinds and subject:
            return subject, None, None  # "is the kitchen door open" of a lock: say what it is instead
        return [], "state", question.value
    if question.sensed and question.yes_no:
        # "is there any smoke in the kitchen", "are there any problems": is anything detected
        devices = holding(question, subject_of(question, scope, targets), "detected")
        if devices:
            return devices, "state", "detected"
    measured = [d for d in scope if d.kind is Kind.SENSOR and d.device_class in question.strong_measures]
    if question.attribute and not (measured and not question.kinds and question.attribute in SENSOR_LIKE):
        return readings(question, scope, targets, question.attribute), question.attribute, None
    if measured:
        return measured, "value", None
    if question.sensed:
        devices = holding(question, subject_of(question, scope, targets), "detected")
        return devices, "state", "detected"
    if question.kinds:
        return targets.devices or subject_of(question, scope, targets), None, None
    if area or floor:
        return scope, None, None  # "what's going on in the garage": everything there
    return [], None, None


def _scope(registry: Registry, area: str | None, floor: str | None) -> list[Device]:
    """Devices in an area or on a floor; for an area also those named after it ("Outside Temperature")."""
    devices = registry.select(None, area=area, floor=floor)
    if area and area in registry.areas:
        words = normalize_name_tokens(registry.areas[area].name)
        for device in registry.devices.values():
            if device not in devices and contains(normalize_name_tokens(device.name), words):
                devices.append(device)
    return devices


def _about_named(question: Question, named: list[Device], registry: Registry) -> tuple[list[Device], str | None, str | None]:
    devices = _narrow(_measured_by_name(named, question, registry), question)
    if question.value is not None:
        fitting = [d for d in devices if can_hold(d, question.value)]
        if fitting:
            return fitting, "state", question.value
        nearby = _nearby_answering(devices, registry, question.value)
        if nearby:
            return nearby, "state", question.value
        if question.value in FEEL_WORDS:
            readable = [d for d in devices if can_read(d, "temperature")]
            if readable:
                return readable, "temperature", None
        return devices, None, None
    if not question.attribute and not question.measures and question.yes_no \
            and all(d.kind is Kind.BINARY_SENSOR for d in devices):
        return devices, "state", "detected"  # "are there any problems with the pet feeder", "is there any gas"
    attribute = question.attribute
    if attribute:
        readable = [d for d in devices if can_read(d, attribute)]
        if readable:
            return readable, attribute, None
        if attribute == "target_temperature":
            return devices, None, None
    if all(d.kind is Kind.SENSOR for d in devices):
        return devices, "value", None
    return devices, None, None


def _measured_by_name(named: list[Device], question: Question, registry: Registry) -> list[Device]:
    """"My phone's signal strength": the sensor called after the phone that measures it."""
    if not question.strong_measures or any(d.device_class in question.strong_measures for d in named):
        return named
    names = [normalize_name_tokens(d.name) for d in named]
    related = [d for d in registry.devices.values() if d.kind is Kind.SENSOR and d.device_class in question.strong_measures
               and any(contains(normalize_name_tokens(d.name), words) for words in names)]
    return related or named


def _narrow(named: list[Device], question: Question) -> list[Device]:
    """Of several devices sharing a name, those the question's nouns and measures point at."""
    devices = named
    if question.sensed:
        fitting = [d for d in devices if d.device_class in question.sensed]
        devices = fitting or devices
    if len(devices) > 1 and question.measures:
        scores = {d.id: _measure_score(d, question) for d in devices}
        best = max(scores.values())
        if best > 0:
            devices = [d for d in devices if scores[d.id] == best]
    return devices


def _measure_score(device: Device, question: Question) -> int:
    return question.measures.get(device.device_class or "", 0)


def _nearby_answering(devices: list[Device], registry: Registry, value: str) -> list[Device]:
    """"Is the front door open" names the lock; the door sensor beside it answers."""
    words = {w for d in devices for w in normalize_name_tokens(d.name)}
    areas = {d.area for d in devices if d.area}
    nearby = [d for d in registry.devices.values() if d.area in areas and d not in devices and can_hold(d, value)]
    return [d for d in nearby if words <= set(normalize_name_tokens(d.name))]
