"""Which reading of a transcript to act on: Whisper's hypotheses with their punctuation mended, and
the repairs of them that fit the audio; rules only, on plans and scores already made."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from agent.turn.plan import Adjust, MediaControl, Plan, SetState, ToolCall, devices_of
from agent.understanding.confidence import EXACT
from agent.voice.speech_words import speech_words
from devices.errors import InvalidChange
from devices.model import Device, validate_change

SWITCH_MARGIN = 0.05
"""How much more confident the matcher must be before a lower-ranked hypothesis replaces Whisper's first."""
REPAIR_MARGIN = 7.5
"""Nats of log-probability a repair may fall behind the text heard, both scored on the audio. On the
tuning voices most right repairs came within 5 and a few up to 7.7 behind ("Best lamp on." → "Desk
lamp on." 7.1); wrong ones that parse 7.2 or more (the 7.2 replaced every word heard, which is no
longer offered)."""
MAX_REPAIRS_SCORED = 8
"""Repairs scored against the audio at most, in one batch: ~60 ms on a 2-core x86."""
SIMILARITY_WEIGHT = 0.1
"""Nats one point of spelling or sound similarity (0–100) is worth when repairs fit the audio alike."""

_PIECES = re.compile(r"[,.!?;]+")
_CLAUSE_STARTS = "|".join(re.escape(word) for word in speech_words()["clause_starts"])
_STRAY_COMMA = re.compile(rf"\s*,(?!\s*(?:{_CLAUSE_STARTS})\b)\s*", re.IGNORECASE)
"""A comma Whisper put inside a clause: one not followed by a word that starts a new clause."""


def readings(hypotheses: list[str]) -> list[tuple[str, int]]:
    """Each hypothesis with its Whisper rank, repaired first: a phrase said twice once, then without commas.

    Speech has no commas: Whisper adds them, often inside names ("open the bedroom, blinds,
    halfway") as in its comma-separated vocabulary prompt; only those before a new clause ("…,
    turn off the TV") are kept. On short commands it may also say the command twice. The text
    as heard stays a reading of its own, after its repairs.
    """
    found: dict[str, int] = {}
    for rank, text in enumerate(hypotheses):
        pieces = [" ".join(piece.split()) for piece in _PIECES.split(text) if piece.strip()]
        repeated = len(pieces) > 1 and len({piece.lower() for piece in pieces}) == 1
        for reading in (pieces[0] if repeated else "", " ".join(_STRAY_COMMA.sub(" ", text).split()), text):
            if reading:
                found.setdefault(reading, rank)
    return list(found.items())


def choose_hypothesis(plans: list[Plan], ranks: list[int], confirming: list[bool] | None = None,
                      possible: list[bool] | None = None, area_of: Callable[[str], str | None] | None = None) -> int:
    """Index of the reading to act on: one understood as actions the devices can do, most confidently.

    A reading understood whole beats one with a part left over (a plan that also says "Which
    device?" or "I don't have …"). Whisper's first hypothesis (rank 0) wins ties and near-ties
    (within SWITCH_MARGIN), and earlier readings win exact ties. A reading asking for a value a
    device cannot take ("Emma's radiator to 2018" for "… to 18") loses to one that is `possible`.
    While a confirmation is pending, the first reading that is a yes or a no wins (`confirming`).
    When Whisper's best reading declines ("don't turn on the heater"), no other reading acts instead.
    A reading that makes the same changes in only some of the chosen one's rooms wins (`narrower`, with the
    devices' rooms from `area_of`).
    """
    if confirming is not None and any(confirming):
        return confirming.index(True)
    if plans and plans[0].declined and ranks[0] == 0:
        return 0

    def score(i: int) -> tuple[bool, bool, bool, float]:
        return (bool(plans[i].calls), possible is None or possible[i], not plans[i].say,
                plans[i].confidence - (SWITCH_MARGIN if ranks[i] else 0.0))

    best = max(range(len(plans)), key=score, default=0)
    return best if area_of is None else narrower(plans, best, area_of, possible)


def narrower(plans: list[Plan], chosen: int, area_of: Callable[[str], str | None],
             possible: list[bool] | None = None) -> int:
    """The first reading as sure as the chosen one that makes its changes on a part of its devices, in fewer
    rooms, else the chosen.

    A room's name heard as other words widens a command to the house ("kitchen lights off" heard as
    "Get your lights off." is every light), while words are hardly ever heard as a room's name: of two
    readings that differ so, the one that changes less is likelier right, and less wrong if not. Within
    one room it is not so: "lights" and "light" are heard for each other alike.
    """
    if not plans or not (plans[chosen].calls and all(isinstance(c, SetState | Adjust | MediaControl)
                                                     for c in plans[chosen].calls)):
        return chosen
    changes, devices = _changes(plans[chosen])
    rooms = {area_of(device) for device in devices}
    for i, plan in enumerate(plans):
        if i != chosen and plan.calls and (possible is None or possible[i]) \
                and plan.confidence >= plans[chosen].confidence - SWITCH_MARGIN:
            other_changes, other_devices = _changes(plan)
            if other_changes == changes and other_devices < devices \
                    and {area_of(device) for device in other_devices} < rooms:
                return i
    return chosen


def _changes(plan: Plan) -> tuple[list[ToolCall], set[str]]:
    """A plan's calls without their devices, and the devices they change."""
    calls = [replace(c, devices=()) if isinstance(c, SetState | Adjust | MediaControl) else c for c in plan.calls]
    return calls, {device for call in plan.calls for device in devices_of(call)}


def fitting_repair(heard_scores: list[float], repairs: dict[str, float], repair_scores: list[float],
                   whole: frozenset[str] = frozenset()) -> str | None:
    """The repair to act on, or None: of those within REPAIR_MARGIN of the best-fitting text heard, the one
    that fits the audio best, its similarity (`repairs`' values) deciding near-ties; but one understood `whole`
    (every word) before one that still leaves words not understood ("… and the spacekeeper")."""
    floor = max(heard_scores) - REPAIR_MARGIN
    fits = {repair: score + SIMILARITY_WEIGHT * repairs[repair]
            for repair, score in zip(repairs, repair_scores, strict=True) if score >= floor}
    return max(fits, key=lambda repair: (repair in whole, fits[repair])) if fits else None


def understood_whole(plan: Plan) -> bool:
    """Whether the recognizer understood every word, with nothing to say back ("no device called spacekeeper")."""
    return plan.confidence >= EXACT and not plan.say


def read_exactly(plan: Plan) -> bool:
    """Whether the recognizer read actions exactly: every word understood, nothing to ask back or refuse."""
    return bool(plan.calls) and understood_whole(plan) and not plan.declined


def possible(plan: Plan, devices: dict[str, Device]) -> bool:
    """Whether every value the plan sets is one its devices can take (a misheard number often is not)."""
    try:
        for call in plan.calls:
            if isinstance(call, SetState):
                for device_id in call.devices:
                    if device_id in devices:
                        validate_change(devices[device_id], call.changes)
    except InvalidChange:
        return False
    return True
