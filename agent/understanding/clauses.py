"""An utterance split into clauses, and what later clauses share with earlier ones.

"Turn on the desk lamp and the space heater": two clauses, one verb. "Turn on the kitchen and
living room lights": two places, one kind. "… and make it warm white": a value for the devices
of the clause before.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from agent.turn.context import TurnContext
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.mentions import NameIndex
from agent.understanding.times.expressions import find_when

WORDS = language()


def split_clauses(tokens: list[str], index: NameIndex) -> list[list[str]]:
    """Split on "and"/"then"/"also"/commas, except inside a household name or a fixed phrase."""
    return [clause for clause, _ in split_with_joiners(tokens, index)]


def split_with_joiners(tokens: list[str], index: NameIndex) -> list[tuple[list[str], frozenset[str]]]:
    """The clauses, each with the splitting words before it ("then" after "five more minutes, then off")."""
    splitters = WORDS.commands.splitters
    timed = {i for when in find_when(tokens) for i in range(when.start + 1, when.end)}  # "an hour and a half"
    clauses: list[tuple[list[str], set[str]]] = [([], set())]
    for i, token in enumerate(tokens):
        if token in splitters and len(clauses) > 1 and not clauses[-1][0]:
            clauses[-1][1].add(token)  # ", then": one split, not a clause of its own
        elif token in splitters and clauses[-1][0] and i not in timed and not _inside_name(tokens, i, index):
            clauses.append(([], {token}))
        else:
            clauses[-1][0].append(token)
    return [(clause, frozenset(joiners)) for clause, joiners in clauses if clause]


Clauses = list[tuple[list[str], frozenset[str]]]


def corrected_clauses(clauses: Clauses) -> tuple[Clauses, set[int]]:
    """ "Turn on the lamp, no, the kitchen light", "turn on the lamp I mean the kitchen light": a clause begun by a
    correction takes the place of the clause before it. The clauses without the correction's words (the clause
    corrected stays, for what the correction inherits from it), and which of them are corrected."""
    found: Clauses = []
    corrected: set[int] = set()
    for clause, joiners in clauses:
        for part in _split_at_corrections(clause):
            rest = part[_correction_words(part):]
            if found and len(rest) < len(part):
                corrected.add(len(found) - 1)
            if rest:
                found.append((rest, joiners))
    return found, corrected


def _split_at_corrections(clause: list[str]) -> list[list[str]]:
    """The clause cut before each correction phrase said inside it ("… lamp i mean the kitchen light")."""
    cuts = [i for i in range(1, len(clause)) for words in WORDS.commands.corrects_before
            if tuple(clause[i:i + len(words)]) == words]
    return [clause[start:end] for start, end in itertools.pairwise([0, *cuts, len(clause)])]


def _correction_words(clause: list[str]) -> int:
    """How many words at the start of the clause say it corrects the one before ("no", "sorry", "no wait")."""
    at = 0
    while at < len(clause):
        if clause[at] in WORDS.commands.corrections:
            at += 1
            continue
        words = next((w for w in WORDS.commands.corrects_before if tuple(clause[at:at + len(w)]) == w), None)
        if words is None:
            break
        at += len(words)
    return at


def _inside_name(tokens: list[str], i: int, index: NameIndex) -> bool:
    """Whether the splitter at `i` belongs to a name ("Salt and Pepper lamp") or a phrase ("each and every")."""
    for phrase in WORDS.commands.unsplit:
        words = phrase.split()
        at = words.index(tokens[i]) if tokens[i] in words else -1
        if at >= 0 and tokens[i - at : i - at + len(words)] == words:
            return True
    for start in range(max(0, i - 4), i):
        for end in range(i + 2, min(len(tokens), i + 5) + 1):
            if " ".join(tokens[start:end]) in index.phrases:
                return True
    return False


def inherit(frames: list[Frame], context: TurnContext) -> list[Frame]:
    """Share verbs, values and kind words between clauses; repeat the last turn's action ("… too")."""
    shared: list[Frame] = []
    for frame in _particle_shared_backwards(_kinds_shared_backwards(frames)):
        previous = shared[-1] if shared else None
        if previous is not None and frame.action is None and not frame.question and _names_something(frame):
            frame = _with_verb_of(frame, previous)
        if previous is None and frame.action is None and frame.too and context.conversation.last_call:
            frame = replace(frame, action=context.conversation.last_call.get("action"))
        shared.append(frame)
    for i, (earlier, later) in enumerate(itertools.pairwise(list(shared))):
        if earlier.action == "set" and not earlier.has_value and later.has_value and later.action in (None, "set"):
            shared[i] = replace(earlier, number=later.number, unit=later.unit, color=later.color,
                                color_temp=later.color_temp, attribute=earlier.attribute or later.attribute)
    return shared


def _names_something(frame: Frame) -> bool:
    """A clause that names a device, a place or a kind, or says a value, or stands where a name does ("… and the
    zorblat": a name not understood, which the verb before is for); "we're going to bed" is a remark."""
    return bool(frame.mentions) or frame.has_value or frame.reference or bool(frame.direction) or frame.unknown_name


def _with_verb_of(frame: Frame, previous: Frame) -> Frame:
    """"… and the space heater": the verb (and its value) of the clause before."""
    changes: dict[str, object] = {"action": previous.action}
    if not frame.has_value and not frame.direction:
        changes.update(number=previous.number, unit=previous.unit, color=previous.color)
    if _place_only(frame):
        changes["mentions"] = frame.mentions + tuple(previous.of_type("kind"))
    return replace(frame, **changes)  # type: ignore[arg-type]


def _kinds_shared_backwards(frames: list[Frame]) -> list[Frame]:
    """"The kitchen and living room lights (off)": a place said alone takes the kind word of the place list
    it begins, so the kitchen's lights are meant, not everything in the kitchen. A later clause with a verb of
    its own ("… and turn on the office lights") begins no list."""
    shared = list(frames)
    for i in range(len(shared) - 2, -1, -1):
        earlier, later = shared[i], shared[i + 1]
        if _place_only(earlier) and later.verb is None and later.of_type("area") and later.of_type("kind") \
                and not later.of_type("device") and not earlier.question:
            shared[i] = replace(earlier, mentions=earlier.mentions + tuple(later.of_type("kind")))
    return shared


def _particle_shared_backwards(frames: list[Frame]) -> list[Frame]:
    """ "Turn all the lights and the telly off": the particle at the end completes the verb at the start."""
    shared = list(frames)
    for i in range(len(shared) - 2, -1, -1):
        earlier, later = shared[i], shared[i + 1]
        if earlier.action == "set" and earlier.verb in WORDS.commands.verb_starters and not earlier.has_value \
                and not earlier.direction and later.verb is None and later.action in SWITCHES:
            shared[i] = replace(earlier, action=later.action)
    return shared


SWITCHES = frozenset({"on", "off", "up", "down"})
"""Actions a particle gives ("… off")."""


def with_later_place(frame: Frame, later: list[Frame]) -> Frame | None:
    """"Switch the fan off and the lights on in the bedroom": a kind said with no place takes the place said at
    the end of the next clause, when that clause shares the verb; None when there is none to take."""
    if not later or not frame.of_type("kind") or frame.of_type("device") or frame.question \
            or frame.of_type("area") or frame.of_type("floor"):
        return None
    following = later[0]
    places = following.of_type("area") + following.of_type("floor")
    kinds = following.of_type("kind")
    if following.verb is not None or following.question or not places or not kinds \
            or min(p.start for p in places) < max(k.end for k in kinds):
        return None
    return replace(frame, mentions=frame.mentions + tuple(places))


def _place_only(frame: Frame) -> bool:
    return bool(frame.of_type("area") or frame.of_type("floor")) and not frame.of_type("device") \
        and not frame.of_type("kind") and not frame.has_value
