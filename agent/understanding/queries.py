"""Questions about the home ("is the back door locked", "which lights are on") as get_state calls.

A question is read into what it asks (a state word such as "low" or "open", a measurement such as
the temperature, or the whole state), about what (named devices, kind words, sensed nouns such as
"smoke" or "batteries"), where (an area, a floor, "here") and how many (one, any, all, which,
count). This module picks the devices that can answer; agent/answers.py words the answer from
their live states. Every word list lives in agent/lexicon.py; names come from the registry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.normalize import normalize_name_tokens
from agent.turn.plan import GetState
from agent.understanding.commands import Reading, Reply
from agent.understanding.targets import Targets
from agent.turn.context import TurnContext
from agent.replies.wording import can_hold
from devices.model import Device, Kind
from devices.registry import Registry

_Q = language().questions
ANY_THING_WORDS, BINARY_PREDICATES, BINARY_STATE_WORDS = _Q.any_things, _Q.binary_predicates, _Q.binary_state_words
CLASS_NOUNS, KIND_STATE_WORDS, MEASURE_WORDS, SENSED_NOUNS = _Q.class_nouns, _Q.kind_state_words, _Q.measure_words, \
    _Q.sensed_nouns
KIND_WORDS = language().kinds
PRESENCE_WORDS = _Q.presence
PRESENCE_CLASSES = ("motion", "occupancy", "presence")
TEMPERATURE_WORDS, FEEL_WORDS, TARGET_PHRASES = _Q.temperature, _Q.feel, _Q.target_phrases
"""FEEL_WORDS: after "how", a temperature question ("how warm is it"); otherwise a yes/no about a sensor."""
ATTRIBUTE_WORDS = _Q.attributes
#: Which kinds answer an attribute question.
ATTRIBUTE_KINDS: dict[str, tuple[Kind, ...]] = {
    "temperature": (Kind.SENSOR, Kind.CLIMATE), "target_temperature": (Kind.CLIMATE,),
    "brightness": (Kind.LIGHT,), "volume": (Kind.MEDIA_PLAYER,), "position": (Kind.COVER,),
    "color": (Kind.LIGHT,), "percentage": (Kind.FAN,),
}
YES_NO_STARTS, WEAK_MEASURE_WORDS = _Q.yes_no_starts, _Q.weak_measures
PRESENCE_VALUES = {None, *_Q.presence_values}
_MEASURE_TOKENS = {w for words in MEASURE_WORDS.values() for w in words if " " not in w} - _Q.vague_measures
#: Attributes a sensor's measurement can mean instead ("how fast is the wind", "the download speed").
SENSOR_LIKE = {"percentage", "brightness", "volume"}
STATUS_WORDS, DETERMINERS, PLACE_LIKE = _Q.status, _Q.determiners, _Q.place_like
#: Nouns for things in a room that name kinds of sensors in a question ("doors" may be door sensors).
KIND_SENSED_EXTRA = {"door": ("garage_door",)}


@dataclass
class Question:
    """What a question asks, before the devices are chosen."""

    value: str | None = None
    """The state word asked about: "low", "open", "on", "detected"."""
    attribute: str | None = None
    """A measurement asked about: temperature, target_temperature, brightness, volume, position, color,
    percentage, or "value" (a sensor's reading)."""
    measures: dict[str, int] = field(default_factory=dict)
    """Sensor device classes named by measurement words ("humidity", "download speed"), with how many."""
    strong_measures: set[str] = field(default_factory=set)
    """Those named by a word that means the measurement even without a device's name ("humidity", not "time")."""
    sensed: set[str] = field(default_factory=set)
    """Device classes named by nouns ("batteries", "smoke", "leak")."""
    kinds: set[Kind] = field(default_factory=set)
    cover_classes: set[str] = field(default_factory=set)
    kind_words: list[str] = field(default_factory=list)
    generic_ids: set[str] = field(default_factory=set)
    """Devices called by a kind word ("Garage door", "blinds"): meant when one device is asked about."""
    anything: bool = False
    """A generic subject: "devices", "things", "anything"."""
    sensors: bool = False
    """"sensors"/"detectors" said: binary sensors answer generic words such as "on"."""
    presence: bool = False
    quantifier: str = "one"
    yes_no: bool = False
    """Asked for a yes or no ("is there…", "are any…"), not for a value ("what is…")."""
    used: set[int] = field(default_factory=set)


def query_call(frame: Frame, targets: Targets, registry: Registry,
               context: TurnContext | None = None) -> tuple[Reading, Frame]:
    """A get_state call (which devices, which attribute, the value asked about, and how many), or why
    there is none; with the frame whose words the question understood are no longer unknown."""
    named, unnamed = _named(frame, registry)
    question = read_question(frame, named, unnamed)
    frame = _forget_understood(frame, question)
    area, floor = _place(frame, targets, context, question, named)
    devices, attribute, value = choose(question, named, registry, targets, area, floor)
    if not devices:
        return Reply(_nothing_found(frame, question, targets, registry)), frame
    return [GetState(tuple(d.id for d in devices), attribute, value, question.quantifier)], frame  # type: ignore[arg-type]


# ---- reading the question ------------------------------------------------------------------

def read_question(frame: Frame, named: list[Device], unnamed: set[int] | None = None) -> Question:
    """What the question asks; `unnamed` are positions of names read as plain words instead."""
    tokens = frame.tokens
    named_span = {i for m in frame.mentions if m.type == "device" for i in range(m.start, m.end)} - (unnamed or set())
    named_span |= _possessive_spans(frame.tokens, named)
    question = Question()
    question.value = _state_word(tokens, named_span, question)
    _read_subject(frame, named_span, question)
    _read_measure(tokens, named_span, question)
    question.quantifier = quantifier(tokens, question)
    text = f" {' '.join(tokens)} "
    question.yes_no = (bool(tokens) and tokens[0] in YES_NO_STARTS) or " if " in text or " whether " in text
    return question


def _state_word(tokens: Sequence[str], named_span: set[int], question: Question) -> str | None:
    """The longest state phrase heard outside a name; place-like words only when nothing else is."""
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        for length in (3, 2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and (phrase in BINARY_STATE_WORDS or phrase in KIND_STATE_WORDS) \
                    and not span & named_span:
                found.append((i, length, phrase))
                i += length - 1
                break
        i += 1
    chosen: list[tuple[int, int, str]] = []
    for start, length, phrase in found:
        after = tokens[start + length] if start + length < len(tokens) else ""
        before = tokens[start - 1] if start else ""
        if phrase == "on" and after in DETERMINERS:
            continue  # "the temperature on the first floor"
        if before == "how":
            continue  # "how cold is it", "how open is the blind": a measurement
        if phrase in FEEL_WORDS and before == "it":
            continue  # "is it cold in here": the temperature, not a sensor that says "cold"
        if phrase == "on" and before in {"going", "goes", "happening"}:
            continue  # "what's going on in the garage"
        if phrase in {"up", "down"} and (before in {"turn", "turned"} or after in {"to"}):
            continue
        chosen.append((start, length, phrase))
    if len(chosen) > 1:
        chosen = [c for c in chosen if c[2] not in PLACE_LIKE] or chosen[-1:]
    if not chosen:
        return None
    start, length, phrase = chosen[-1]
    question.used |= set(range(start, start + length))
    return phrase


def _read_subject(frame: Frame, named_span: set[int], question: Question) -> None:
    tokens = frame.tokens
    for mention in frame.mentions:
        if mention.type == "kind" or (mention.type == "device" and mention.generic):
            if mention.kind is Kind.SENSOR:
                question.sensors = True
                continue
            if mention.kind is not None:
                question.kinds.add(mention.kind)
            if mention.device_class and mention.kind is Kind.COVER:
                question.cover_classes.add(mention.device_class)
            if mention.type == "device":
                question.generic_ids.update(mention.ids)
            question.kind_words.append(" ".join(tokens[mention.start : mention.end]))
            question.used |= set(range(mention.start, mention.end))
    i = 0
    while i < len(tokens):
        for length in (2, 1):
            phrase = " ".join(tokens[i : i + length])
            span = set(range(i, i + length))
            if len(tokens[i : i + length]) == length and phrase in SENSED_NOUNS and not span & named_span \
                    and not span & question.used:
                question.sensed |= SENSED_NOUNS[phrase]
                question.used |= span
                i += length - 1
                break
        i += 1
    for i, token in enumerate(tokens):
        if token in ANY_THING_WORDS and i not in named_span:
            question.anything = True
            question.sensors |= token in {"sensor", "sensors", "detector", "detectors"}
            question.used.add(i)
        if token in PRESENCE_WORDS:
            question.presence = True
            question.used.add(i)


def _read_measure(tokens: Sequence[str], named_span: set[int], question: Question) -> None:
    text = f" {' '.join(tokens)} "
    free = [t for i, t in enumerate(tokens) if i not in named_span]
    free_text = f" {' '.join(free)} "
    for device_class, words in MEASURE_WORDS.items():
        heard = [w for w in words if f" {w} " in free_text]
        if heard:
            question.measures[device_class] = len(heard)
            if any(w not in WEAK_MEASURE_WORDS for w in heard):
                question.strong_measures.add(device_class)
    if question.value is not None:
        return
    if any(f" {p} " in text for p in TARGET_PHRASES):
        question.attribute = "target_temperature"
    elif set(free) & (TEMPERATURE_WORDS | FEEL_WORDS):
        question.attribute = "temperature"
    elif "how" in tokens and _after_how(tokens, {"open", "closed", "far"}):
        question.attribute = "position"
    else:
        for word in free:
            if word in ATTRIBUTE_WORDS:
                question.attribute = ATTRIBUTE_WORDS[word]
                break


def _after_how(tokens: Sequence[str], words: set[str]) -> bool:
    return any(t == "how" and i + 1 < len(tokens) and tokens[i + 1] in words for i, t in enumerate(tokens))


def quantifier(tokens: Sequence[str], question: Question | None = None) -> str:
    """one | any | all | which | count, from the question's wording."""
    text = f" {' '.join(tokens)} "
    if " how many " in text or " number of " in text:
        return "count"
    first = tokens[0] if tokens else ""
    asks_state = question is not None and question.value is not None
    if " which " in text or first in {"list", "show"} or \
            (first == "what" and (_plural_subject(tokens) or asks_state)):
        return "which"
    words = set(tokens)
    if words & {"all", "every", "everything", "each", "both"}:
        return "all"
    if words & {"any", "anything", "anyone", "anybody", "someone", "somebody", "something"} \
            or " is there " in text or " are there " in text or first == "any":
        return "any"
    return "one"


def _plural_subject(tokens: Sequence[str]) -> bool:
    return len(tokens) > 1 and (tokens[1].endswith("s") and tokens[1] not in {"is", "was", "its", "whats", "this"})


# ---- names ----------------------------------------------------------------------------------

def _name_table(registry: Registry) -> dict[str, list[str]]:
    """Every device name and alias in token form -> the devices that carry it (names can be shared)."""
    stamp = (registry.version, len(registry.devices))
    cached = getattr(registry, "_question_names", None)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    table: dict[str, list[str]] = {}
    for device in registry.devices.values():
        for name in [device.name, *device.aliases]:
            key = " ".join(normalize_name_tokens(name))
            if key and device.id not in table.setdefault(key, []):
                table[key].append(device.id)
    setattr(registry, "_question_names", (stamp, table))  # noqa: B010 - a cache kept with its registry
    return table


def named_devices(frame: Frame, registry: Registry) -> list[Device]:
    """The devices a question names: every device sharing a heard name, possessives ("Mistral's") too."""
    return _named(frame, registry)[0]


def _named(frame: Frame, registry: Registry) -> tuple[list[Device], set[int]]:
    """(the devices named, positions of names read as plain words: "gas" in "any gas in the garage")."""
    unnamed: set[int] = set()
    table = _name_table(registry)
    tokens = frame.tokens
    ids: list[str] = []
    places = _mentioned_places(frame, registry)
    for mention in frame.mentions:
        if mention.type != "device" or mention.generic:
            continue
        key = " ".join(tokens[mention.start : mention.end])
        if key in SENSED_NOUNS and places and not any(_in_places(registry.devices[i], places, registry)
                                                       for i in table.get(key, mention.ids) if i in registry.devices):
            unnamed |= set(range(mention.start, mention.end))
            continue  # "is there any gas in the garage": gas, not the kitchen's sensor called "Gas"
        if key in table:
            ids += table[key]
        elif mention.score < 1.0 and (exact := _exact_inside(tokens[mention.start : mention.end], table)):
            # a similar-sounding name never beats a name heard exactly ("front door locked" is not
            # "front door lock"); the words beside the exact name are the question's own
            found, start, end = exact
            ids += found
            unnamed |= set(range(mention.start, mention.end)) - set(range(mention.start + start, mention.start + end))
        else:  # heard by sound: every device that shares the name heard
            for found_id in mention.ids:
                device = registry.devices.get(found_id)
                ids += table.get(" ".join(normalize_name_tokens(device.name)), [found_id]) if device else [found_id]
    ids += _possessive_ids(tokens, frame, table)
    devices = [registry.devices[i] for i in dict.fromkeys(ids) if i in registry.devices]
    return _outer_names(devices), unnamed


def _outer_names(devices: list[Device]) -> list[Device]:
    """"The amount of gas in the monthly gas consumption": a name inside another heard name only describes it."""
    words = {d.id: set(normalize_name_tokens(d.name)) for d in devices}
    return [d for d in devices if not any(words[d.id] < words[o.id] for o in devices)]


def _mentioned_places(frame: Frame, registry: Registry) -> list[tuple[str, str]]:
    return [(m.type, m.ids[0]) for m in frame.mentions if m.type in ("area", "floor") and m.ids]


def _in_places(device: Device, places: list[tuple[str, str]], registry: Registry) -> bool:
    return any(device.area == place if kind == "area" else registry.floor_of(device) == place for kind, place in places)


def _exact_inside(words: Sequence[str], table: dict[str, list[str]]) -> tuple[list[str], int, int] | None:
    """The longest exact name inside a similar-sounding match: (device ids, start, end)."""
    for length in range(len(words) - 1, 0, -1):
        for start in range(len(words) - length + 1):
            key = " ".join(words[start : start + length])
            if key in table and key not in KIND_WORDS:
                return table[key], start, start + length
    return None


def _possessive_ids(tokens: Sequence[str], frame: Frame, table: dict[str, list[str]]) -> list[str]:
    return [i for start, end in _possessives(tokens, frame, table) for i in table[_singular_key(tokens, start, end)]]


def _possessive_spans(tokens: Sequence[str], named: list[Device]) -> set[int]:
    """Token positions of possessive names ("macrotorrents download speed"), found again by words."""
    names = {" ".join(normalize_name_tokens(n)) for d in named for n in [d.name, *d.aliases]}
    spans: set[int] = set()
    for end in range(1, len(tokens) + 1):
        if not tokens[end - 1].endswith("s"):
            continue
        for start in range(max(0, end - 6), end):
            if _singular_key(tokens, start, end) in names:
                spans |= set(range(start, end))
    return spans


def _possessives(tokens: Sequence[str], frame: Frame, table: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Spans whose last word is a name's last word plus "s": the possessive ("the illuminance's")."""
    taken = {i for m in frame.mentions if m.type == "device" and not m.generic for i in range(m.start, m.end)}
    places = {i for m in frame.mentions if m.type in ("area", "floor") for i in range(m.start, m.end)}
    found: list[tuple[int, int]] = []
    for end in range(1, len(tokens) + 1):
        last = tokens[end - 1]
        if not last.endswith("s") or len(last) < 4 or end - 1 in taken:
            continue
        generic = last in KIND_WORDS or last[:-1] in KIND_WORDS
        for start in range(max(0, end - 6), end):
            if _singular_key(tokens, start, end) not in table or any(i in taken for i in range(start, end)):
                continue
            # a kind word with an "s" is a plural ("the kitchen lights"), unless more than a place
            # comes before it ("the outside rain sensor's rainfall")
            if generic and set(range(start, end - 1)) <= places:
                continue
            found.append((start, end))
            break
    return found


def _singular_key(tokens: Sequence[str], start: int, end: int) -> str:
    return " ".join([*tokens[start : end - 1], tokens[end - 1][:-1]])


# ---- choosing the devices -----------------------------------------------------------------------

def choose(question: Question, named: list[Device], registry: Registry, targets: Targets,
           area: str | None, floor: str | None) -> tuple[list[Device], str | None, str | None]:
    """(devices that answer, attribute, value) for the question; no devices when none can."""
    if named:
        return _about_named(question, named, registry)
    scope = _scope(registry, area, floor)
    if question.presence and question.value in PRESENCE_VALUES:
        people = [d for d in scope if d.kind is Kind.BINARY_SENSOR and d.device_class in PRESENCE_CLASSES]
        return people, "state", "detected"
    if question.value is not None:
        subject = _subject(question, scope, targets)
        devices = _holding(question, subject, question.value)
        if devices:
            return devices, "state", question.value
        if question.value in FEEL_WORDS:
            return _readings(question, scope, targets, "temperature"), "temperature", None
        if question.kinds and subject:
            return subject, None, None  # "is the kitchen door open" of a lock: say what it is instead
        return [], "state", question.value
    if question.sensed and question.yes_no:
        # "is there any smoke in the kitchen", "are there any problems": is anything detected
        devices = _holding(question, _subject(question, scope, targets), "detected")
        if devices:
            return devices, "state", "detected"
    measured = [d for d in scope if d.kind is Kind.SENSOR and d.device_class in question.strong_measures]
    if question.attribute and not (measured and not question.kinds and question.attribute in SENSOR_LIKE):
        return _readings(question, scope, targets, question.attribute), question.attribute, None
    if measured:
        return measured, "value", None
    if question.sensed:
        devices = _holding(question, _subject(question, scope, targets), "detected")
        return devices, "state", "detected"
    if question.kinds:
        return targets.devices or _subject(question, scope, targets), None, None
    if area or floor:
        return scope, None, None  # "what's going on in the garage": everything there
    return [], None, None


def _scope(registry: Registry, area: str | None, floor: str | None) -> list[Device]:
    """Devices in an area or on a floor; for an area also those named after it ("Outside Temperature")."""
    devices = registry.select(None, area=area, floor=floor)
    if area and area in registry.areas:
        words = normalize_name_tokens(registry.areas[area].name)
        for device in registry.devices.values():
            if device not in devices and _contains(normalize_name_tokens(device.name), words):
                devices.append(device)
    return devices


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


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
            readable = [d for d in devices if _can_read(d, "temperature")]
            if readable:
                return readable, "temperature", None
        return devices, None, None
    if not question.attribute and not question.measures and question.yes_no \
            and all(d.kind is Kind.BINARY_SENSOR for d in devices):
        return devices, "state", "detected"  # "are there any problems with the pet feeder", "is there any gas"
    attribute = question.attribute
    if attribute:
        readable = [d for d in devices if _can_read(d, attribute)]
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
               and any(_contains(normalize_name_tokens(d.name), words) for words in names)]
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


def _subject(question: Question, scope: list[Device], targets: Targets) -> list[Device]:
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
    return any(w in words or (w.endswith("s") and w[:-1] in words) for w in question.kind_words if " " not in w)


def _kind_classes(question: Question, value: str) -> set[str]:
    """Kind words read as sensor classes when the kind itself can't be in that state:
    "are any lights detected" (light sensors), "are any doors open" (door sensors)."""
    classes: set[str] = set()
    for word in question.kind_words:
        singular = word[:-1] if word.endswith("s") and word[:-1] in KIND_WORDS else word
        singular = singular.replace(" ", "_")
        kind = KIND_WORDS[word].kind if word in KIND_WORDS else None
        specific = singular in BINARY_STATE_WORDS.get(value, {})
        if singular in BINARY_PREDICATES and (kind is None or specific or not _kind_holds(kind, value)):
            classes.add(singular)
            classes.update(KIND_SENSED_EXTRA.get(singular, ()))
    return classes


def _kind_holds(kind: Kind, value: str) -> bool:
    probe = Device(id="_", name="_", kind=kind)
    return can_hold(probe, value)


def _door_like(device: Device, question: Question) -> bool:
    """"Doors" are locks, but for "open" also garage doors and gates that are covers."""
    if device.kind is not Kind.COVER or not any(w.startswith("door") for w in question.kind_words):
        return False
    return device.device_class in {"door", "garage", "garage_door", "gate"}


def _holding(question: Question, devices: list[Device], value: str) -> list[Device]:
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
    if sensors and not question.kinds and KIND_STATE_WORDS.get(value) in ("on", "off"):
        return sensors  # "are any devices running": the running sensors, not every switch that is on
    return fitting


def _generic_only(device: Device, value: str) -> bool:
    meanings = BINARY_STATE_WORDS.get(value, {})
    return (device.device_class or "") not in meanings and "*" in meanings


def _nearby_answering(devices: list[Device], registry: Registry, value: str) -> list[Device]:
    """"Is the front door open" names the lock; the door sensor beside it answers."""
    words = {w for d in devices for w in normalize_name_tokens(d.name)}
    areas = {d.area for d in devices if d.area}
    nearby = [d for d in registry.devices.values() if d.area in areas and d not in devices and can_hold(d, value)]
    return [d for d in nearby if words <= set(normalize_name_tokens(d.name))]


def _readings(question: Question, scope: list[Device], targets: Targets, attribute: str) -> list[Device]:
    if question.kinds and targets.devices and not question.sensed:
        readable = [d for d in targets.devices if _can_read(d, attribute)]
        in_scope = [d for d in readable if d in scope]
        if in_scope or readable:
            return in_scope or readable
    readable = [d for d in scope if _can_read(d, attribute) and (not question.kinds or d.kind in question.kinds
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


def _can_read(device: Device, attribute: str) -> bool:
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


# ---- where ----------------------------------------------------------------------------------------

def _place(frame: Frame, targets: Targets, context: TurnContext | None, question: Question,
           named: list[Device]) -> tuple[str | None, str | None]:
    area = next((m.ids[0] for m in frame.mentions if m.type == "area"), None)
    floor = next((m.ids[0] for m in frame.mentions if m.type == "floor"), None)
    if area or floor or frame.house or named:
        return area, floor
    if frame.here and context is not None and context.area:
        return context.area, None
    if question.quantifier == "one" and context is not None and context.area and \
            (question.attribute == "temperature" or question.value in FEEL_WORDS):
        return context.area, None
    return None, None


def _place_words(frame: Frame, used: set[int]) -> str:
    """The words that said where, as heard: "in the kitchen", "upstairs", "on the first floor"."""
    for mention in frame.mentions:
        if mention.type in ("area", "floor"):
            start = mention.start
            while start > 0 and frame.tokens[start - 1] in {"the", "my", "our"}:
                start -= 1
            if start > 0 and frame.tokens[start - 1] in {"in", "on", "at"} and start - 1 not in used:
                start -= 1
            words = " ".join(frame.tokens[start : mention.end])
            if start == mention.start and words.endswith(("stairs", "side", "doors")):
                return words  # "upstairs", "outside"
            if frame.tokens[start] not in {"in", "on", "at"}:
                if start == mention.start:
                    words = "the " + words
                level = mention.type == "floor" and words.endswith(("floor", "level", "storey", "story"))
                words = ("on " if level else "in ") + words
            return words
    return ""


def _nothing_found(frame: Frame, question: Question, targets: Targets, registry: Registry) -> str:
    if targets.ask and not (question.sensed or question.value or question.attribute or question.measures):
        return targets.ask
    where = _place_words(frame, question.used)
    place = f" {where}" if where else ""
    if question.kind_words:
        sentence = f"there are no {_plural_word(question.kind_words[0])}{place}"
        if question.quantifier in ("one", "any", "all"):
            return f"No, {sentence}."
        return sentence[:1].upper() + sentence[1:] + "."
    sensor = _missing_sensor(frame, question)
    if sensor:
        return f"I don't have {'an' if sensor[0] in 'aeiou' else 'a'} {sensor}{place}, so I can't tell."
    if frame.unknown:
        return f"Sorry, I don't have a device called {' '.join(frame.unknown)}."
    return "Sorry, I couldn't find a device that answers that."


def _plural_word(word: str) -> str:
    if word.endswith("s"):
        return word
    return word + ("es" if word.endswith(("ch", "sh", "x")) else "s")


def _missing_sensor(frame: Frame, question: Question) -> str:
    """What kind of sensor would have answered: "water sensor", "humidity sensor"."""
    classes = sorted(question.sensed)
    if not classes and question.value is not None:
        classes = sorted(c for c in BINARY_STATE_WORDS.get(question.value, {}) if c != "*")
    if question.presence:
        classes = ["motion"]
    for device_class in classes:
        if device_class in CLASS_NOUNS and CLASS_NOUNS[device_class][0] not in ("device", "sensor"):
            noun = CLASS_NOUNS[device_class][0]
            return noun if noun.endswith(("sensor", "detector")) else f"{noun} sensor"
    heard = [t for t in frame.tokens if t in SENSED_NOUNS or t in _MEASURE_TOKENS]
    if heard:
        return f"{heard[0]} sensor"
    if question.attribute == "temperature" or question.value in FEEL_WORDS:
        return "thermometer"
    return ""


def _forget_understood(frame: Frame, question: Question) -> Frame:
    """Words the question vocabulary understood are not unknown names (they don't lower confidence)."""
    understood = {frame.tokens[i] for i in question.used}
    vocabulary = set(BINARY_STATE_WORDS) | set(KIND_STATE_WORDS) | STATUS_WORDS | TEMPERATURE_WORDS | FEEL_WORDS
    measure_words = {w for words in MEASURE_WORDS.values() for phrase in words for w in phrase.split()}
    unknown = tuple(w for w in frame.unknown
                    if w not in understood and w not in vocabulary and w not in measure_words
                    and w not in SENSED_NOUNS and w not in ANY_THING_WORDS and w not in PRESENCE_WORDS)
    return replace(frame, unknown=unknown)

