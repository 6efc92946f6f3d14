"""Safety tiers as pure functions: which calls are risky, what counts as yes or no, the question asked."""

from __future__ import annotations

import hashlib
import time

import pytest
from helpers import context, household, make_assistant

from agent.config import SafetySettings, Settings
from agent.turn.plan import Plan, ToolCall, tool_call
from agent.turn.policy import RiskyAction, answer_kind, confirmation_question, pending_for, risky_actions
from devices.model import Device, Kind
from devices.registry import Registry


def registry_of(name: str) -> Registry:
    return Registry.from_household(household(name))


FRONT_DOORS = {"maple": ("hallway", "front_door"), "example": ("porch", "front_lock")}
"""Per household: the room of the front door, and its lock."""


def set_state(device: str, **changes: object) -> ToolCall:
    return tool_call("set_state", {"devices": [device], "changes": changes})


def adjust(device: str, attribute: str, delta: float) -> ToolCall:
    return tool_call("adjust", {"devices": [device], "attribute": attribute, "delta": delta})


@pytest.mark.parametrize(
    "home, call, risky",
    [
        # tier 2: unlocking, and opening a door, gate or garage door
        ("maple", set_state("front_door", state="unlocked"), [("front_door", "unlock")]),
        ("maple", set_state("back_door", state="unlocked"), [("back_door", "unlock")]),
        ("maple", set_state("garage_door", state="open"), [("garage_door", "open")]),
        ("maple", set_state("garage_door", position=50), [("garage_door", "open")]),
        ("maple", set_state("garage_door", position=1), [("garage_door", "open")]),
        ("maple", adjust("garage_door", "position", 10), [("garage_door", "open")]),
        ("tiny", set_state("porch_gate", state="open"), [("porch_gate", "open")]),
        ("tiny", set_state("side_door", state="unlocked"), [("side_door", "unlock")]),
        ("tiny", set_state("kettle", state="on"), [("kettle", "on")]),
        # the safe direction, and devices that are not sensitive
        ("maple", set_state("front_door", state="locked"), []),
        ("maple", set_state("garage_door", state="closed"), []),
        ("maple", set_state("garage_door", position=0), []),
        ("maple", adjust("garage_door", "position", -10), []),
        ("maple", set_state("living_blinds", state="open"), []),
        ("maple", set_state("living_blinds", position=60), []),
        ("maple", adjust("living_blinds", "position", 25), []),
        ("maple", set_state("kitchen_ceiling", state="on"), []),
        ("maple", set_state("tv", state="on"), []),
        ("tiny", set_state("kettle", state="off"), []),
        ("tiny", set_state("porch_gate", state="closed"), []),
        # tools that change no lock or cover, and ids that are not devices
        ("maple", tool_call("get_state", {"devices": ["front_door"], "value": "unlocked"}), []),
        ("maple", tool_call("media_control", {"devices": ["tv"], "command": "resume"}), []),
        ("maple", set_state("no_such_device", state="unlocked"), []),
        ("maple", tool_call("set_state", {"devices": []}), []),
        ("example", set_state("front_lock", state="unlocked"), [("front_lock", "unlock")]),
        ("example", set_state("front_lock", state="locked"), []),
        ("example", set_state("sitting_curtains", state="open"), []),
        ("example", set_state("kettle", state="on"), []),
        ("hazel", set_state("garden_gate", state="unlocked"), [("garden_gate", "unlock")]),
    ],
)
def test_risky_actions(home: str, call: ToolCall, risky: list[tuple[str, str]]):
    found = risky_actions(Plan(calls=[call]), registry_of(home))
    assert [(r.device.id, r.action) for r in found] == risky


@pytest.mark.parametrize(
    "device_class, sensitive, risky",
    [("door", False, True), ("garage_door", False, True), ("gate", False, True), ("garage", False, True),
     ("window", False, False), ("blind", False, False), (None, False, False), ("awning", True, True)],
)
def test_opening_a_door_gate_or_garage_cover_or_any_sensitive_cover_is_risky(device_class, sensitive, risky):
    registry = registry_of("tiny")
    registry.add_discovered(Device("shed", "Shed door", Kind.COVER, device_class=device_class, sensitive=sensitive))
    for call in (set_state("shed", state="open"), set_state("shed", position=30), adjust("shed", "position", 5)):
        assert bool(risky_actions(Plan(calls=[call]), registry)) is risky
    assert risky_actions(Plan(calls=[set_state("shed", state="closed")]), registry) == []


def test_every_risky_call_of_a_plan_is_found():
    plan = Plan(calls=[set_state("kitchen_ceiling", state="on"), tool_call("set_state", {
        "devices": ["front_door", "back_door"], "changes": {"state": "unlocked"}}), set_state("garage_door", state="open")])
    found = risky_actions(plan, registry_of("maple"))
    assert [(r.device.id, r.action) for r in found] == [("front_door", "unlock"), ("back_door", "unlock"),
                                                      ("garage_door", "open")]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("yes", "yes"), ("Yes.", "yes"), ("YES!", "yes"), ("  yes  ", "yes"), ("yes please", "yes"),
        ("yes, do it", "yes"), ("yeah", "yes"), ("yep", "yes"), ("sure", "yes"), ("ok", "yes"), ("okay", "yes"),
        ("go ahead", "yes"), ("do it", "yes"), ("confirm", "yes"), ("absolutely", "yes"), ("that's right", "yes"),
        ("no", "no"), ("No.", "no"), ("nope", "no"), ("cancel", "no"), ("never mind", "no"), ("don't", "no"),
        ("no thanks", "no"), ("stop", "no"), ("abort", "no"), ("no, leave it", "no"),
        ("yesterday", None), ("know", None), ("noon", None), ("turn on the light", None), ("", None),
        ("I said yes", None), ("maybe", None), ("unlock the front door", None), ("y", None), ("yess", None),
    ],
)
def test_answer_kind(text: str, kind: str | None):
    assert answer_kind(text) == kind


def test_the_confirmation_question_names_each_action_once_and_is_a_question():
    registry = registry_of("maple")
    risky = [RiskyAction(registry.device("front_door"), "unlock"), RiskyAction(registry.device("garage_door"), "open"),
             RiskyAction(registry.device("front_door"), "unlock")]
    assert confirmation_question(risky) == "Are you sure you want me to unlock the front door and open the garage door?"


def test_a_pending_confirmation_expires_after_the_given_seconds(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(time, "monotonic", lambda: 1000.0)
    pending = pending_for(Plan(), "hallway", 30.0, "Sure?")
    assert (pending.area, pending.expires_at, pending.question) == ("hallway", 1030.0, "Sure?")


# ---- PIN and rate limits ---------------------------------------------------------------------------


def with_safety(home: str, **safety: object) -> tuple:
    return make_assistant(household(home), Settings(safety=SafetySettings(**safety)))


@pytest.mark.parametrize("home", list(FRONT_DOORS))
@pytest.mark.parametrize("answer", ["4 3 2 1", "four three two one", "it's 4321"])
def test_the_right_pin_spoken_in_words_or_digits_confirms(home: str, answer: str):
    assistant, registry, _ = with_safety(home, pin_sha256=hashlib.sha256(b"4321").hexdigest())
    room, lock = FRONT_DOORS[home]
    conversation = context(room)
    assert "PIN" in assistant.turn("unlock the front door", conversation).reply
    assistant.turn(answer, conversation)
    assert registry.state(lock) == {"state": "unlocked"}


@pytest.mark.parametrize("home", list(FRONT_DOORS))
@pytest.mark.parametrize("answer", ["1 2 3 4", "yes", "no"])
def test_a_wrong_pin_or_a_bare_yes_cancels(home: str, answer: str):
    assistant, registry, _ = with_safety(home, pin_sha256=hashlib.sha256(b"4321").hexdigest())
    room, lock = FRONT_DOORS[home]
    conversation = context(room)
    assistant.turn("unlock the front door", conversation)
    assistant.turn(answer, conversation)
    assert registry.state(lock) == {"state": "locked"}
    assert conversation.conversation.pending is None


@pytest.mark.parametrize("home", list(FRONT_DOORS))
def test_a_lock_cannot_be_commanded_more_often_than_the_limit(home: str):
    assistant, registry, _ = with_safety(home, actuations_per_minute=3)
    room, lock = FRONT_DOORS[home]
    conversation = context(room)
    replies = [assistant.turn("lock the front door", conversation).reply for _ in range(4)]
    assert registry.state(lock) == {"state": "locked"}
    assert "too often" not in " ".join(replies[:3])
    assert "too often" in replies[3]
