"""Which devices a frame means: names, rooms, floors, kinds, "it", and the speaker's room.

Selection is a pure function of the frame, the registry and the turn's context, so every
rule here is tested from tables without a broker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agent.understanding.frames import Frame
from agent.replies.grammar import is_plural, plural
from agent.understanding.normalize import plain_name
from agent.understanding.language import language
from agent.understanding.mentions import WINDOW_COVERINGS, Mention, same_class
from agent.turn.context import TurnContext
from devices.model import READ_ONLY_KINDS, Device, Kind
from devices.registry import Registry

#: What each kind of value implies about the device it is for.
ATTRIBUTE_KINDS: dict[str, tuple[Kind, ...]] = {
    "brightness": (Kind.LIGHT,),
    "color": (Kind.LIGHT,),
    "volume": (Kind.MEDIA_PLAYER,),
    "temperature": (Kind.CLIMATE,),
    "position": (Kind.COVER,),
    "percentage": (Kind.FAN,),
}
ACTION_KINDS: dict[str, tuple[Kind, ...]] = {
    "lock": (Kind.LOCK,),
    "unlock": (Kind.LOCK,),
    "open": (Kind.COVER, Kind.LOCK),
    "close": (Kind.COVER, Kind.LOCK),
    "dim": (Kind.LIGHT,),
    "brighten": (Kind.LIGHT,),
    "mute": (Kind.MEDIA_PLAYER,),
    "unmute": (Kind.MEDIA_PLAYER,),
    "pause": (Kind.MEDIA_PLAYER,),
    "resume": (Kind.MEDIA_PLAYER,),
    "next": (Kind.MEDIA_PLAYER,),
    "previous": (Kind.MEDIA_PLAYER,),
}
#: "Everything in the bathroom": the kinds that have an on/off state worth switching.
SWITCHABLE = (Kind.LIGHT, Kind.SWITCH, Kind.FAN, Kind.MEDIA_PLAYER)


REPLIES = language().replies
_NEAR = tuple(tuple(words.split()) for words in language().scope.near)
"""Words before a device that make it a place, as token runs."""

@dataclass
class Targets:
    """The resolved devices, or why there are none."""

    devices: list[Device]
    kinds: tuple[Kind, ...] = ()
    area: str | None = None
    floor: str | None = None
    ask: str | None = None
    """A clarifying question when the frame is ambiguous ("Which light?")."""
    everything: bool = False
    """Every switchable device in scope ("all", "everything" with no kind said)."""
    widened: bool = False
    """Every device of the kinds in the house (a plural or "all" with no place or name said), or every
    switchable device of a place (no kind said): a name not understood must not be taken for either."""


def implied_kinds(frame: Frame) -> tuple[Kind, ...]:
    """Kinds named by a kind word, or implied by the value or the action."""
    kinds = [m.kind for m in frame.mentions if m.type == "kind" and m.kind]
    kinds += [m.kind for m in frame.mentions if m.type == "device" and m.generic and m.kind]
    if kinds:  # of kinds named, those the action can change: "dim the light (and the) heat" dims the light
        fitting = [kind for kind in kinds if kind in ACTION_KINDS.get(frame.action or "", kinds)]
        return tuple(dict.fromkeys(fitting or kinds))
    if frame.color or frame.color_temp:
        return (Kind.LIGHT,)
    if frame.attribute in ATTRIBUTE_KINDS:
        return ATTRIBUTE_KINDS[frame.attribute]
    if frame.unit == "degrees" or (frame.indirect and frame.indirect.kind == "climate"):
        return (Kind.CLIMATE,)
    if frame.indirect:
        return (Kind.LIGHT,)
    if frame.verb in language().commands.light_verbs:
        return (Kind.LIGHT,)
    return ACTION_KINDS.get(frame.action or "", ())


def resolve(frame: Frame, registry: Registry, context: TurnContext) -> Targets:
    """The devices the clause means, without those it leaves out ("… except the lamp")."""
    if not frame.excluded:
        return _resolve(frame, registry, context)
    placed = bool(frame.of_type("area") or frame.of_type("floor"))
    if any(m.type in ("area", "floor") for m in frame.excluded) and not placed:
        frame = replace(frame, house=True)  # "all the lights except the bedroom": the house's
    targets = _resolve(frame, registry, context)
    left_out = _left_out(frame, targets.devices, registry)
    if not left_out and not placed and not frame.house and _named_elsewhere(frame, targets, registry):
        frame = replace(frame, house=True)  # "all the lights but the garden lights", said in the bedroom
        targets = _resolve(frame, registry, context)
        left_out = _left_out(frame, targets.devices, registry)
    return replace(targets, devices=[d for d in targets.devices if d.id not in left_out])


def _named_elsewhere(frame: Frame, targets: Targets, registry: Registry) -> bool:
    """Whether the exception names a device of the kinds meant that is not among the targets."""
    kinds = set(targets.kinds) or {d.kind for d in targets.devices}
    ids = {i for m in frame.excluded if m.type == "device" for i in m.ids}
    return any(registry.devices[i].kind in kinds for i in ids if i in registry.devices)


def _left_out(frame: Frame, devices: list[Device], registry: Registry) -> set[str]:
    """The devices the clause's exception names; a kind word in the singular, those whose name has it ("except
    the lamp": the bedside lamp) when some have."""
    left_out: set[str] = set()
    for mention in frame.excluded:
        named = [d for d in devices if _names(mention, d, registry)]
        if mention.type == "kind" and not mention.plural:
            named = [d for d in named if _has_word(d, mention.said)] or named
        left_out |= {d.id for d in named}
    return left_out


def _names(mention: Mention, device: Device, registry: Registry) -> bool:
    """Whether a mention names the device: by name, by its room or floor, or by its kind (and class)."""
    if mention.type == "device":
        return device.id in mention.ids
    if mention.type == "area":
        return device.area in mention.ids
    if mention.type == "floor":
        return registry.floor_of(device) in mention.ids
    return mention.type == "kind" and mention.kind is device.kind and same_class(mention.device_class, device.device_class)


def _resolve(frame: Frame, registry: Registry, context: TurnContext) -> Targets:
    landmarks = _landmarks(frame)
    named = [m for m in frame.mentions if m.type == "device" and not m.generic and m not in landmarks]
    kinds = implied_kinds(frame) or (_kinds_repeated(registry, context) if frame.too and not named else ())
    area = _first(frame, "area") or next((registry.devices[i].area for m in landmarks for i in m.ids
                                          if i in registry.devices), None)
    floor = _first(frame, "floor")
    if named:
        devices, ask = _named(named, registry, area, floor, context.area)
        return Targets(_prefer_compatible(devices, kinds, frame, registry), kinds, area, floor, ask=ask)
    if frame.indirect is not None and frame.indirect.kind == "climate":
        warming = _warming(registry, area or (None if floor else context.area), floor)
        if warming:
            return Targets(warming, kinds, area, floor)
    if frame.reference and not (area or floor or (kinds and frame.too)):
        remembered = [registry.devices[i] for i in context.conversation.last_devices if i in registry.devices]
        if remembered:
            return Targets(_related(remembered, kinds, registry), kinds)
    everything = frame.every and not kinds
    scope_kinds = kinds or (SWITCHABLE if (area or floor or frame.house or frame.every) else ())
    classes = {m.device_class for m in frame.mentions
               if m.device_class and (m.type == "kind" or (m.type == "device" and m.generic))}

    in_house = by_class(registry.select(scope_kinds), classes) or _called_by_kind_word(frame, registry)

    def pick(area: str | None = None, floor: str | None = None) -> list[Device]:
        return _in_place(in_house, area, floor, registry) if area or floor else in_house

    if area or floor:
        found = _called(frame, pick(area, floor), by_name=area is not None)
        if not found and kinds:
            many = any(m.plural for m in frame.of_type("kind"))
            return Targets([], kinds, area, floor, ask=_none_in_place(_kind_word(frame, kinds), many, area, floor,
                                                                      registry))
        return Targets(found, kinds, area, floor, everything=everything, widened=not kinds)
    if not scope_kinds:
        return Targets([], kinds, ask=REPLIES["which_device_short"] if frame.action else None)
    if frame.house:
        return Targets(pick(), kinds, everything=everything)
    here = _called(frame, pick(area=context.area)) if context.area else []
    if here:
        return Targets(here, kinds, area=context.area)
    generic = [registry.devices[i] for m in frame.mentions if m.type == "device" and m.generic for i in m.ids]
    if generic:
        return Targets(generic, kinds)
    anywhere = pick()
    if len(anywhere) == 1 or frame.every or _plural(frame):
        return Targets(anywhere, kinds, everything=everything, widened=len(anywhere) > 1)
    return Targets([], kinds, ask=REPLIES["which_kind"].format(kind=_kind_word(frame, kinds)) if anywhere else None)


def _named(named: list[Mention], registry: Registry, area: str | None, floor: str | None,
           speaker_area: str | None) -> tuple[list[Device], str | None]:
    """The devices the names mean: those in the place said (none there is said so: "the heater in the hallway" is
    no command for the office's), else for a name several devices share said short ("the heater" of "Nursery
    heater") the speaker's; a question when that still leaves it several."""
    found: list[Device] = []
    for mention in named:
        devices = [registry.devices[i] for i in mention.ids if i in registry.devices]
        if area or floor:
            devices = _in_place(devices, area, floor, registry)
            if not devices:
                return [], _none_in_place(mention.said, is_plural(mention.said.split()[-1]), area, floor, registry)
        elif len(devices) > 1 and mention.short:
            devices = _in_place(devices, speaker_area, None, registry) or devices
        if mention.short and len(devices) > 1:
            return [], REPLIES["which_kind"].format(kind=mention.said)
        found += devices
    return found, None


def _none_in_place(said: str, many: bool, area: str | None, floor: str | None, registry: Registry) -> str:
    place = registry.area_name(area) if area else registry.floors[floor].name if floor in registry.floors else ""
    return REPLIES["none_in_place_many" if many else "none_in_place"].format(kind=said, place=(place or "").lower())


def _in_place(devices: list[Device], area: str | None, floor: str | None, registry: Registry) -> list[Device]:
    if area:
        return [d for d in devices if d.area == area]
    return [d for d in devices if floor and registry.floor_of(d) == floor]


def _kinds_repeated(registry: Registry, context: TurnContext) -> tuple[Kind, ...]:
    """The kinds the last turn changed: "the office too" after "turn off the lights" is the office's lights."""
    return tuple(dict.fromkeys(registry.devices[i].kind for i in context.conversation.last_devices
                               if i in registry.devices))


def said_kinds(frame: Frame) -> set[Kind | None]:
    """The kinds of device the clause says by a kind word or a name of a kind ("the lights", "the heating")."""
    return {m.kind for m in frame.mentions if m.type == "kind" or (m.type == "device" and m.generic)}


def _landmarks(frame: Frame) -> list[Mention]:
    """Devices said as places: after a word like "by" or "near", with a kind of device other than theirs said
    too ("the light by the back door" is no command for the door)."""
    kinds = said_kinds(frame)
    if not kinds:
        return []
    return [m for m in frame.mentions if m.type == "device" and not m.generic and m.kind not in kinds
            and _after_near(frame, m.start)]


def _after_near(frame: Frame, start: int) -> bool:
    """Whether a word like "by" comes right before the mention at `start` (or before its article)."""
    if start > 0 and frame.tokens[start - 1] in language().commands.name_articles:
        start -= 1
    return any(start >= len(words) and frame.tokens[start - len(words):start] == words for words in _NEAR)


def _called(frame: Frame, devices: list[Device], by_name: bool = True) -> list[Device]:
    """Of the devices in a place, the one the household calls by the kind word said ("the lamp" is the
    living room lamp, not every light there), else, in a room (`by_name`), those whose name has the word ("the
    lamp": the bedside lamp, not the ceiling light); all of them for a plural, a floor ("the light on the first
    floor") or where none is called so."""
    called = {i for m in frame.mentions if m.type == "device" and m.generic and not m.plural for i in m.ids}
    said = [m.said for m in frame.mentions if m.type == "kind" and not m.plural and by_name]
    named = [d for d in devices if any(_has_word(d, word) for word in said)]
    return [d for d in devices if d.id in called] or named or devices


def _called_by_kind_word(frame: Frame, registry: Registry) -> list[Device]:
    """A kind word no device of its kind answers to means the devices whose names have it: "the gate" is the
    "Garden gate" when that is a lock, "the fan" a switch called "Desk fan"; those the action can change."""
    words = [m.said for m in frame.mentions if m.type == "kind"]
    if not words:
        return []
    fitting = ACTION_KINDS.get(frame.action or "")
    return [d for d in registry.devices.values() if d.kind not in READ_ONLY_KINDS
            and (fitting is None or d.kind in fitting) and any(_has_word(d, word) for word in words)]


def _has_word(device: Device, word: str) -> bool:
    """Whether the device's name has the word, or its plural: "Bedside lamp"; "light" is "Counter lights" too."""
    words = plain_name(device.name).split()
    return word in words or plural(word) in words


def by_class(devices: list[Device], classes: set[str]) -> list[Device]:
    """"Curtains" means curtains (or covers of no stated class), never the garage door beside them."""
    if not classes:
        return devices
    exact = [d for d in devices if d.kind is not Kind.COVER or d.device_class in classes]
    if exact or not classes <= WINDOW_COVERINGS:
        return exact
    return [d for d in devices if d.kind is not Kind.COVER or not d.device_class or d.device_class in WINDOW_COVERINGS]


def _first(frame: Frame, kind: str) -> str | None:
    found = frame.of_type(kind)
    return found[0].ids[0] if found else None


def _plural(frame: Frame) -> bool:
    return any(m.plural for m in frame.mentions if m.type == "kind")


def _kind_word(frame: Frame, kinds: tuple[Kind, ...]) -> str:
    words = [m.said for m in frame.mentions if m.type == "kind"]
    if words:
        return words[0]
    return language().questions.class_nouns.get(f"{kinds[0].value}*", (kinds[0].value,))[0]


def _prefer_compatible(devices: list[Device], kinds: tuple[Kind, ...], frame: Frame, registry: Registry) -> list[Device]:
    """A name can be shared ("front door": a lock and a door sensor); keep the kind the request implies."""
    if not kinds:
        return devices
    if frame.attribute == "temperature" and any(d.kind is Kind.LIGHT for d in devices):
        return [d for d in devices if d.kind is Kind.LIGHT]  # "make the lamp warmer": its colour
    fitting = [d for d in devices if d.kind in kinds]
    if fitting:
        return fitting
    return _related(devices, kinds, registry)


def _related(devices: list[Device], kinds: tuple[Kind, ...], registry: Registry) -> list[Device]:
    """For "set it to 20" after a room's temperature: the device of the wanted kind in the same room.

    Only from sensors: a device that acts is never swapped for another ("the telly warmer" is not
    the thermostat beside it).
    """
    if not kinds or any(d.kind in kinds for d in devices) or any(d.kind not in READ_ONLY_KINDS for d in devices):
        return devices
    areas = {d.area for d in devices if d.area}
    nearby = [d for a in areas for d in registry.select(kinds, area=a)]
    return nearby or devices


def _warming(registry: Registry, area: str | None, floor: str | None) -> list[Device]:
    """What warms or cools a place: its thermostats, and switches named as heaters ("Office heater")."""
    if area is None and floor is None:
        return []
    return [d for d in registry.select((Kind.CLIMATE, Kind.SWITCH), area=area, floor=floor)
            if d.kind is Kind.CLIMATE or heats(d)]


def heats(device: Device) -> bool:
    """A switch named as a heater: "Office heater", "space heater", "electric fire"."""
    words = {w for name in (device.name, *device.aliases) for w in name.lower().split()}
    return bool(words & language().values.heaters)


def kind_of_word(word: str) -> Kind | None:
    found = language().kinds.get(word)
    return found.kind if found else None


def resolve_kinds_for_question(frame: Frame, registry: Registry, kinds: tuple[Kind, ...], targets: Targets) -> list[Device]:
    """A question names no device ("is there anyone in the hallway"): every device of the kinds in scope."""
    if not kinds:
        return []
    if targets.area or targets.floor:
        return registry.select(kinds, area=targets.area, floor=targets.floor)
    return registry.select(kinds)
