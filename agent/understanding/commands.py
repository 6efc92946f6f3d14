"""A command frame and its resolved devices become tool calls: switch, set a value, adjust, media.

Each device gets the change it can take ("turn on" locks a lock? no: "on" means locked only for
locks, open for covers, a heating mode for a thermostat); a device that can take none is said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent.replies.grammar import conjugate
from agent.replies.wording import name_list, plural_name
from agent.turn.plan import Adjust, MediaControl, SetState, ToolCall
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.targets import Targets, heats
from devices.model import Device, Kind
from devices.registry import Registry

REPLIES = language().replies
RELATIVE_ATTRIBUTE = {
    Kind.LIGHT: "brightness", Kind.CLIMATE: "target_temperature", Kind.FAN: "percentage",
    Kind.MEDIA_PLAYER: "volume", Kind.COVER: "position",
}
"""The attribute "up", "down" or a bare number changes on each kind of device."""
NUMBER_ATTRIBUTE = RELATIVE_ATTRIBUTE
ATTRIBUTE_OF_WORD = {"brightness": "brightness", "volume": "volume", "position": "position",
                     "percentage": "percentage", "temperature": "target_temperature"}
"""An attribute as the language file names it -> the device attribute it sets."""
SWITCHES = {
    Kind.LOCK: {"lock": {"state": "locked"}, "unlock": {"state": "unlocked"}, "close": {"state": "locked"},
                "open": {"state": "unlocked"}, "on": {"state": "locked"}},
    Kind.COVER: {"open": {"state": "open"}, "close": {"state": "closed"}, "up": {"state": "open"},
                 "down": {"state": "closed"}, "on": {"state": "open"}, "off": {"state": "closed"}},
}
"""What switching means for kinds that are not simply on/off."""
MEDIA_ACTIONS = frozenset({"pause", "resume", "next", "previous"})
RELATIVE_ACTIONS = frozenset({"up", "down", "dim", "brighten"})
COVER_MOVES = frozenset({"open", "close"})
"""Actions that also move a cover a little ("open the blinds a little")."""
WAY_SAID = RELATIVE_ACTIONS | COVER_MOVES
"""Actions that say which way a change by an amount goes."""
UP_ACTIONS = frozenset({"up", "brighten", "open"})
SWITCHED_ON = language().values.switched_on
HEATING_MODES = SWITCHED_ON["heating"].modes
"""Climate modes that warm a room, best first: a thermostat that is off is put in one to be made warmer."""
SWITCH = frozenset({"on", "off", "open", "close", "lock", "unlock", "up", "down"})


@dataclass(frozen=True)
class Reply:
    """What to say instead of acting: a question back, or why it cannot be done."""

    text: str
    sure: bool = False
    """Said with certainty ("I don't have a device called sauna"): no LLM is asked to do better."""
    note: bool = False
    """The clause was understood and there is nothing to do ("… is already off", "… can't do that"): the turn's
    other clauses still act, and this is said with what they did."""


Reading = list[ToolCall] | Reply
"""What a clause comes to: the calls to make, or a reply instead."""


def command_calls(frame: Frame, targets: Targets, registry: Registry) -> Reading:
    devices = targets.devices
    ids = tuple(d.id for d in devices)
    action = frame.action
    if frame.indirect:
        return _indirect_calls(frame, devices, registry)
    if action in MEDIA_ACTIONS:
        return [MediaControl(ids, action)]  # type: ignore[arg-type]
    if action in {"mute", "unmute"}:
        return [SetState(ids, {"muted": action == "mute"})]
    if frame.mode is not None and any(d.kind is Kind.CLIMATE for d in devices):
        return _mode_calls(frame.mode, devices)
    if frame.direction or (action in RELATIVE_ACTIONS and frame.number is None) or frame.by \
            or (frame.small and action in COVER_MOVES):
        return _adjust_calls(frame, devices, registry)
    if frame.has_value:
        return _value_calls(frame, _lit_first(frame, devices, registry),
                            _switched_on_too(devices, frame.tokens, registry) if action == "on" else {})
    if action in SWITCH:
        modes = _modes_meant(frame.tokens)
        usable = [(d, c) for d in devices if (c := switch_change(d, action, modes)) is not None]
        return _group_set(usable) if usable else _cannot(devices, action)
    if action == "set":
        return Reply(REPLIES["set_to_what"].format(names=names(devices)))
    return []


def _modes_meant(tokens: Sequence[str]) -> tuple[str, ...]:
    """The climate modes the words say a device is for ("the air conditioning": cooling), best first."""
    text = f" {' '.join(tokens)} "
    return next((purpose.modes for purpose in SWITCHED_ON.values()
                 if any(f" {word} " in text for word in purpose.words)), ())


def switch_change(device: Device, action: str, modes: tuple[str, ...] = ()) -> dict | None:
    """The change that switches `device` as asked, or None when it cannot be switched that way; a climate device
    switched on is put in the first of `modes` it has, else its first mode that is not off."""
    kind = device.kind
    if kind in (Kind.SENSOR, Kind.BINARY_SENSOR):
        return None
    if kind in SWITCHES:
        return SWITCHES[kind].get(action)
    if kind is Kind.CLIMATE:
        heat = next((m for m in modes if m in device.modes), None) or next((m for m in device.modes if m != "off"), None)
        return {"on": {"mode": heat} if heat else None, "off": {"mode": "off"} if "off" in device.modes else None}.get(action)
    if action in {"on", "off"}:
        return {"state": action}
    return None  # "close the lights": a light is not closed ("blinds" misheard, or a half-said "close the …")


def _mode_calls(mode: str, devices: list[Device]) -> Reading:
    """"Put the heating on eco": a climate mode the device has."""
    fitting = [d for d in devices if d.kind is Kind.CLIMATE and mode in d.modes]
    if not fitting:
        return _cannot(devices, "set")
    return [SetState(tuple(d.id for d in fitting), {"mode": mode})]


def _lit_first(frame: Frame, devices: list[Device], registry: Registry) -> list[Device]:
    """ "My usual brightness", "50 percent in here": a brightness for the room's lights changes those that are
    on, when some are; only "turn on …" or a light's own name switches one on."""
    if frame.action not in (None, "set") or frame.of_type("device") or frame.number is None:
        return devices
    lights = [d for d in devices if d.kind is Kind.LIGHT]
    lit = [d for d in lights if registry.state(d.id).get("state") == "on"]
    if not lit or len(lit) == len(lights) or (frame.attribute or "brightness") != "brightness":
        return devices
    return [d for d in devices if d.kind is not Kind.LIGHT or d in lit]


def _value_calls(frame: Frame, devices: list[Device], switched_on: dict[str, dict]) -> Reading:
    """The value set on each device that takes it (with its change to be switched on, if any). A light that only
    switches is switched by a brightness among others that dim ("all the lights to 30 percent"); when none of them
    dims, the level is not done at all."""
    pairs = [(device, {**switched_on.get(device.id, {}), **change}) for device in devices
             if (change := _value_change(frame, device)) is not None]
    if not pairs or all(_only_switched(frame, device) for device, _ in pairs):
        return _cannot(devices, "set")
    return _group_set(pairs)


def _only_switched(frame: Frame, device: Device) -> bool:
    """Whether the brightness said would only switch `device`, a light that does not dim."""
    return device.kind is Kind.LIGHT and not device.has("brightness") and frame.number is not None \
        and _number_attribute(frame, device) == "brightness"


def _value_change(frame: Frame, device: Device) -> dict | None:
    kind = device.kind
    if frame.color_temp is not None and kind is Kind.LIGHT:
        if device.has("color_temp"):
            return {"color_temp": frame.color_temp}
        if device.has("color"):
            return {"color": "warm white" if frame.color_temp < 3500 else "white"}
        return None
    if frame.color is not None and kind is Kind.LIGHT:
        fits = device.has("color") or (frame.color == "white" and device.has("color_temp"))
        return {"color": frame.color} if fits else None
    if frame.number is None:
        return None
    attribute = _number_attribute(frame, device)
    if attribute is None:
        return None
    if _only_switched(frame, device):
        return {"state": "on" if frame.number > 0 else "off"}
    return {attribute: frame.number}


def _number_attribute(frame: Frame, device: Device) -> str | None:
    wanted = ATTRIBUTE_OF_WORD.get(frame.attribute or "")
    natural = NUMBER_ATTRIBUTE.get(device.kind)
    if wanted:
        return wanted if wanted == natural else None
    if (frame.unit == "degrees") != (natural == "target_temperature") and frame.unit is not None:
        return None  # "the lamp to 20 degrees", "the thermostat to 50 percent": neither is a setting of it
    return natural


def _adjust_calls(frame: Frame, devices: list[Device], registry: Registry) -> Reading:
    if not frame.direction and frame.action not in WAY_SAID:
        return Reply(REPLIES["up_or_down"].format(names=names(devices)))  # "turn the heating by two degrees"
    direction = frame.direction or (1 if frame.action in UP_ACTIONS else -1)
    lit = {d.id for d in devices if d.kind is Kind.LIGHT and registry.state(d.id).get("state") == "on"}
    calls: list[ToolCall] = []
    for device in devices:
        attribute = _relative_attribute(frame, device)
        if attribute is None:
            continue
        if attribute == "position" and frame.number is None and not frame.small:
            calls.append(SetState((device.id,), SWITCHES[Kind.COVER]["up" if direction > 0 else "down"]))
            continue  # "blinds down", "lower the blinds": all the way; "a bit", "by 20 percent" are steps
        if attribute == "brightness" and device.id not in lit and (direction < 0 or lit):
            continue  # dimming never turns a light on; brightening changes the lit ones first
        amount = frame.number if frame.number is not None else step(attribute, frame.small)
        delta = -direction * amount if attribute == "color_temp" else direction * amount
        if attribute == "target_temperature" and delta > 0:
            calls += _heating_on([device], registry)
        calls.append(Adjust((device.id,), attribute, delta))
    if not calls and direction < 0 and devices and all(d.kind is Kind.LIGHT for d in devices):
        return _already_off(devices)
    return calls or _cannot(devices, "adjust")


def _relative_attribute(frame: Frame, device: Device) -> str | None:
    """What "up", "warmer", "louder" change on this device; "warmer" on a light is a warmer white."""
    if device.kind is Kind.LIGHT and frame.attribute == "temperature":
        return "color_temp" if device.has("color_temp") else None
    if frame.attribute == "volume" and device.kind is not Kind.MEDIA_PLAYER:
        return None
    if frame.attribute == "temperature" and device.kind is not Kind.CLIMATE:
        return None  # "make the telly warmer" is not louder
    return RELATIVE_ATTRIBUTE.get(device.kind)


def step(attribute: str, small: bool) -> float:
    """How much "up" or "a bit up" changes an attribute."""
    if attribute == "target_temperature":
        return 1.0
    if attribute == "color_temp":
        return 300 if small else 600
    if attribute == "volume":
        return 5 if small else 10
    return 15 if small else 25


def _indirect_calls(frame: Frame, devices: list[Device], registry: Registry) -> Reading:
    """"It's dark in here" switches a light on (or brightens it); "it's cold" warms the heating."""
    up = frame.indirect is None or frame.indirect.direction == "up"
    if frame.indirect is not None and frame.indirect.kind == "climate":
        climates = tuple(d.id for d in devices if d.kind is Kind.CLIMATE)
        heaters = [d for d in devices if d.kind is Kind.SWITCH and heats(d)
                   and (registry.state(d.id).get("state") == "on") != up]
        calls: list[ToolCall] = _heating_on(devices, registry) if up else []
        calls += [Adjust(climates, "target_temperature", 1.0 if up else -1.0)] if climates else []
        if heaters:
            calls.append(SetState(tuple(d.id for d in heaters), {"state": "on" if up else "off"}))
        return calls
    lights = [d for d in devices if d.kind is Kind.LIGHT]
    if up:
        off = [d for d in lights if registry.state(d.id).get("state") != "on"]
        if off:
            return [SetState(tuple(d.id for d in off), {"state": "on"})]
    else:
        lit = [d for d in lights if registry.state(d.id).get("state") == "on"]
        if lights and not lit:
            return _already_off(lights)  # "it's too bright" with every light off: said, not misunderstood
        lights = lit
    dimmable = tuple(d.id for d in lights if d.has("brightness"))
    return [Adjust(dimmable, "brightness", 25 if up else -25)] if dimmable else []


def _already_off(lights: list[Device]) -> Reply:
    return Reply(REPLIES["already_off"].format(names=names(lights), are=_are(lights)), sure=True, note=True)


def _heating_on(devices: list[Device], registry: Registry) -> list[ToolCall]:
    """"It's cold", "make it warmer" with the heating off: the thermostats that are off are put in a mode that
    heats, so a warmer setting warms the room."""
    pairs = [(d, {"mode": mode}) for d in _thermostats_off(devices, registry)
             if (mode := next((m for m in HEATING_MODES if m in d.modes), None))]
    return _group_set(pairs)


def _switched_on_too(devices: list[Device], tokens: Sequence[str], registry: Registry) -> dict[str, dict]:
    """"Put the heating on 20", "turn the AC on to 22": a thermostat that is off is switched on as well as set."""
    modes = _modes_meant(tokens)
    return {d.id: change for d in _thermostats_off(devices, registry)
            if (change := switch_change(d, "on", modes)) is not None}


def _thermostats_off(devices: list[Device], registry: Registry) -> list[Device]:
    return [d for d in devices if d.kind is Kind.CLIMATE and registry.state(d.id).get("mode") == "off"]


def _group_set(pairs: list[tuple[Device, dict]]) -> list[ToolCall]:
    """One set_state call per distinct change, naming all its devices."""
    groups: dict[str, tuple[list[str], dict]] = {}
    for device, change in pairs:
        groups.setdefault(repr(sorted(change.items())), ([], change))[0].append(device.id)
    return [SetState(tuple(ids), change) for ids, change in groups.values()]


def _cannot(devices: list[Device], action: str | None) -> Reply:
    key = {"on": "cannot_turn", "off": "cannot_turn"}.get(action or "") or \
        ("cannot_action" if action in ("open", "close", "lock", "unlock") else "cannot_do")
    return Reply(REPLIES[key].format(names=names(devices), action=action), sure=True, note=True)


def names(devices: list[Device]) -> str:
    """Up to three device names as said in a sentence: "kitchen spotlights and desk lamp"."""
    return name_list(devices[:3])


def _are(devices: list[Device]) -> str:
    """The verb of being, as the devices take it ("is", "are")."""
    return conjugate(language().wording.phrases.being.format(state="").strip(), len(devices) > 1 or plural_name(devices[0]))
