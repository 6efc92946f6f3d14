"""The Assistant's turn: sensitive actions wait for the person's own yes, in a later turn, from the same room."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from helpers import changed, context, household, make_assistant, maple, tiny

from agent.config import SafetySettings, Settings
from agent.turn.plan import Plan, ToolCall, tool_call
from agent.turn.context import TurnContext

# ---- what asks first and what does not -----------------------------------------------------------


@pytest.mark.parametrize(
    "home, area, text, device, question",
    [
        ("maple", "hallway", "unlock the front door", "front_door", "unlock the front door"),
        ("maple", "hallway", "open the front door", "front_door", "unlock the front door"),
        ("maple", "kitchen", "unlock the back door", "back_door", "unlock the back door"),
        ("maple", "garage", "open the garage door", "garage_door", "open the garage door"),
        ("maple", "kitchen", "open the garage door", "garage_door", "open the garage door"),
        ("maple", "garage", "raise the garage door", "garage_door", "open the garage door"),
        ("maple", "garage", "open the garage door halfway", "garage_door", "open the garage door"),
        ("maple", "garage", "set the garage door to 50 percent", "garage_door", "open the garage door"),
        ("maple", "hallway", "turn on the hallway light and unlock the front door", "front_door",
         "unlock the front door"),
        ("example", "porch", "unlock the front door", "front_lock", "unlock the front door"),
        ("example", "kitchen", "open the front door", "front_lock", "unlock the front door"),
        ("example", "porch", "turn on the porch light and unlock the front door", "front_lock",
         "unlock the front door"),
        ("hazel", "garden", "unlock the garden gate", "garden_gate", "unlock the garden gate"),
    ],
)
def test_unlocking_and_opening_a_garage_ask_first_and_change_nothing(home: str, area: str, text: str, device: str,
                                                                    question: str):
    assistant, registry, controller = make_assistant(household(home))
    conversation = context(area)
    before = registry.states.snapshot()
    result = assistant.turn(text, conversation)
    assert result.awaiting_confirmation
    assert result.reply.endswith("?") and question in result.reply
    assert device in {d for call in result.plan.calls for d in call.args.get("devices", [])}
    assert controller.sent == [] and registry.states.snapshot() == before
    assert conversation.conversation.pending is not None and conversation.conversation.pending.area == area


@pytest.mark.parametrize(
    "home, setup, area, text, device, state",
    [
        ("maple", {"front_door": {"state": "unlocked"}}, "hallway", "lock the front door", "front_door", {"state": "locked"}),
        ("maple", {}, "kitchen", "lock the back door", "back_door", {"state": "locked"}),
        ("maple", {"garage_door": {"state": "open", "position": 100}}, "garage", "close the garage door", "garage_door",
         {"state": "closed", "position": 0}),
        ("maple", {"garage_door": {"state": "open", "position": 100}}, "garage", "lower the garage door", "garage_door",
         {"state": "closed", "position": 0}),
        ("maple", {"garage_door": {"state": "open", "position": 100}}, "garage", "lower the garage door a bit",
         "garage_door", {"state": "open", "position": 85}),
        ("maple", {}, "living_room", "open the blinds", "living_blinds", {"state": "open", "position": 100}),
        ("maple", {}, "bedroom", "open the blinds", "bedroom_blinds", {"state": "open", "position": 100}),
        ("example", {"front_lock": {"state": "unlocked"}}, "porch", "lock the front door", "front_lock",
         {"state": "locked"}),
        ("example", {}, "sitting_room", "close the curtains", "sitting_curtains", {"state": "closed", "position": 0}),
        ("hazel", {"garden_gate": {"state": "unlocked"}}, "kitchen", "lock the garden gate", "garden_gate",
         {"state": "locked"}),
    ],
)
def test_locking_closing_and_ordinary_covers_happen_at_once(home: str, setup: dict, area: str, text: str,
                                                           device: str, state: dict):
    assistant, registry, _ = make_assistant(household(home))
    for device_id, values in setup.items():
        registry.states.update(device_id, values)
    result = assistant.turn(text, context(area))
    assert not result.awaiting_confirmation
    assert registry.state(device) == state


@pytest.mark.parametrize(
    "text, asks",
    [("turn on the kettle", True), ("turn off the kettle", False), ("open the porch gate", True),
     ("close the porch gate", False), ("unlock the side door", True), ("lock the side door", False)],
)
def test_sensitive_devices_of_the_inline_household(text: str, asks: bool):
    assistant, _, controller = make_assistant(tiny())
    result = assistant.turn(text, context("porch"))
    assert result.awaiting_confirmation is asks
    if asks:
        assert controller.sent == []


# ---- yes, no, and anything else -------------------------------------------------------------------


@dataclass(frozen=True)
class FrontDoor:
    """A household with a lock on its front door, the room that door is in, and a light there."""

    home: str
    room: str
    lock: str
    light: str
    light_name: str

    def unlock(self) -> ToolCall:
        return tool_call("set_state", {"devices": [self.lock], "changes": {"state": "unlocked"}})


DOORS = [FrontDoor("maple", "hallway", "front_door", "hallway_light", "hallway light"),
         FrontDoor("example", "porch", "front_lock", "porch_light", "porch light")]


@pytest.fixture(params=DOORS, ids=[door.home for door in DOORS])
def door(request: pytest.FixtureRequest) -> FrontDoor:
    return request.param  # type: ignore[no-any-return]


def at_the_door(door: FrontDoor, settings: Settings | None = None, understanders: list | None = None):
    return make_assistant(household(door.home), settings, understanders)


@pytest.mark.parametrize("yes", ["yes", "Yes.", "yes please", "yeah", "go ahead", "ok"])
def test_yes_in_the_next_turn_from_the_same_room_runs_the_held_plan(door: FrontDoor, yes: str):
    assistant, registry, _ = at_the_door(door)
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn(yes, conversation)
    assert registry.state(door.lock) == {"state": "unlocked"}
    assert not result.awaiting_confirmation and "unlocked" in result.reply
    assert conversation.conversation.pending is None


def test_yes_runs_the_whole_held_plan_and_only_it(door: FrontDoor):
    assistant, registry, _ = at_the_door(door)
    conversation = context(door.room)
    before = registry.states.snapshot()
    assistant.turn(f"turn on the {door.light_name} and unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert changed(before, registry.states.snapshot()) == {door.light: {"state": "on"},
                                                           door.lock: {"state": "unlocked"}}


def test_yes_from_another_room_does_not_run_it_and_ends_it(door: FrontDoor):
    assistant, registry, controller = at_the_door(door)
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    conversation.area = "kitchen"
    result = assistant.turn("yes", conversation)
    assert "another room" in result.reply
    conversation.area = door.room
    assistant.turn("yes", conversation)
    assert controller.sent == [] and registry.state(door.lock) == {"state": "locked"}


def test_yes_from_another_room_leaves_the_garage_door_closed():
    assistant, registry, controller = make_assistant(maple())
    conversation = context("garage")
    assistant.turn("open the garage door", conversation)
    conversation.area = "kitchen"
    result = assistant.turn("yes", conversation)
    assert "another room" in result.reply
    conversation.area = "garage"
    assistant.turn("yes", conversation)
    assert controller.sent == [] and registry.state("garage_door")["state"] == "closed"


def test_yes_after_expiry_does_not_run_it(door: FrontDoor, monkeypatch: pytest.MonkeyPatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assistant, registry, controller = at_the_door(door, Settings(safety=SafetySettings(confirm_seconds=30)))
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    assert conversation.conversation.pending.expires_at == 1030.0
    clock[0] = 1030.5
    result = assistant.turn("yes", conversation)
    assert "expired" in result.reply
    assert controller.sent == [] and registry.state(door.lock) == {"state": "locked"}


def test_yes_just_before_expiry_still_runs_it(door: FrontDoor, monkeypatch: pytest.MonkeyPatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assistant, registry, _ = at_the_door(door, Settings(safety=SafetySettings(confirm_seconds=5)))
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    clock[0] = 1004.9
    assistant.turn("yes", conversation)
    assert registry.state(door.lock) == {"state": "unlocked"}


def test_an_expiry_set_on_the_pending_itself_is_honoured(door: FrontDoor):
    assistant, registry, _ = at_the_door(door)
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    conversation.conversation.pending.expires_at = time.monotonic() - 1
    assistant.turn("yes", conversation)
    assert registry.state(door.lock) == {"state": "locked"}


@pytest.mark.parametrize("no", ["no", "No.", "nope", "cancel", "never mind", "don't"])
def test_no_cancels(door: FrontDoor, no: str):
    assistant, registry, controller = at_the_door(door)
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn(no, conversation)
    assert result.reply == "OK, I won't." and conversation.conversation.pending is None
    assistant.turn("yes", conversation)
    assert controller.sent == [] and registry.state(door.lock) == {"state": "locked"}


def test_anything_else_cancels_the_pending_one_and_is_handled_itself(door: FrontDoor):
    assistant, registry, _ = at_the_door(door)
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn(f"turn on the {door.light_name}", conversation)
    assert registry.state(door.light)["state"] == "on" and not result.awaiting_confirmation
    assert conversation.conversation.pending is None
    assistant.turn("yes", conversation)
    assert registry.state(door.lock) == {"state": "locked"}


def test_a_new_risky_request_replaces_the_pending_one():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    assert assistant.turn("open the garage door", conversation).awaiting_confirmation
    assistant.turn("yes", conversation)
    assert registry.state("garage_door")["state"] == "open"
    assert registry.state("front_door") == {"state": "locked"}


def test_yes_with_nothing_pending_changes_nothing(door: FrontDoor):
    assistant, registry, controller = at_the_door(door)
    before = registry.states.snapshot()
    result = assistant.turn("yes", context(door.room))
    assert result.reply and controller.sent == [] and registry.states.snapshot() == before


def test_a_confirmation_in_the_same_utterance_is_not_a_confirmation(door: FrontDoor):
    assistant, registry, _ = at_the_door(door)
    conversation = context(door.room)
    result = assistant.turn("unlock the front door, yes, go ahead, I confirm", conversation)
    assert result.awaiting_confirmation and registry.state(door.lock) == {"state": "locked"}


# ---- a confirmation never comes from a plan ----------------------------------------------------------------


def test_a_plan_from_another_understander_is_held_too(door: FrontDoor):
    assistant, registry, _ = at_the_door(door, understanders=[lambda text, ctx: Plan(calls=[door.unlock()])])
    result = assistant.turn("let me in", context(door.room))
    assert result.awaiting_confirmation and registry.state(door.lock) == {"state": "locked"}


@pytest.mark.parametrize(
    "claimed",
    [
        lambda door: Plan(calls=[door.unlock()], confidence=1.0, path="llm"),
        lambda door: Plan(calls=[tool_call("confirm", {})], path="llm"),
        lambda door: Plan(calls=[tool_call("answer", {"text": "yes"})], say="yes", path="llm"),
        lambda door: Plan(say="yes", path="llm"),
    ],
    ids=["repeats-the-held-calls", "a-confirm-tool", "answers-yes", "says-yes"],
)
def test_while_pending_no_plan_can_release_the_held_action(door: FrontDoor, claimed: Callable[[FrontDoor], Plan]):
    """Whatever another engine makes of an utterance that is not a yes, the held unlock does not run."""
    understander_on = [False]
    assistant, registry, controller = at_the_door(
        door, understanders=[lambda text, ctx: claimed(door) if understander_on[0] else None])
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    understander_on[0] = True
    for text in ("please proceed", "I already said so", "the answer is affirmative"):
        assistant.turn(text, conversation)
        assert registry.state(door.lock) == {"state": "locked"}
    assert (door.lock, {"state": "unlocked"}) not in controller.sent


def test_the_yes_is_judged_from_the_words_before_any_understander_runs(door: FrontDoor):
    seen: list[str] = []
    assistant, registry, _ = at_the_door(door, understanders=[lambda text, ctx: seen.append(text)])
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert seen == ["unlock the front door"]
    assert registry.state(door.lock) == {"state": "unlocked"}


def test_a_routine_that_unlocks_asks_first():
    assistant, registry, _ = make_assistant(tiny())
    result = assistant.turn("welcome home", context("porch"))
    assert result.awaiting_confirmation
    assert registry.state("side_door") == {"state": "locked"}


def test_with_a_pin_configured_a_plain_yes_does_not_unlock(door: FrontDoor):
    pin = hashlib.sha256(b"4321").hexdigest()
    assistant, registry, _ = at_the_door(door, Settings(safety=SafetySettings(pin_sha256=pin)))
    conversation = context(door.room)
    assistant.turn("unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert registry.state(door.lock) == {"state": "locked"}


# ---- the rest of a turn ------------------------------------------------------------------------------------


def test_a_turn_remembers_the_devices_it_acted_on():
    assistant, _, _ = make_assistant(maple())
    conversation = context("kitchen")
    assistant.turn("turn on the kitchen light and the floor lamp", conversation)
    assert conversation.conversation.last_devices == ["kitchen_ceiling", "floor_lamp"]
    assert conversation.conversation.last_call["action"] == "on"


def test_replies_are_short_in_quiet_hours_but_questions_stay_whole(door: FrontDoor):
    assistant, _, _ = at_the_door(door)
    night = TurnContext(area=door.room, now=datetime(2026, 11, 24, 23, 0))
    result = assistant.turn(f"turn on the {door.light_name}", night)
    assert (result.reply, result.quiet) == ("Done.", True)
    question = assistant.turn("unlock the front door", night)
    assert question.reply == "Are you sure you want me to unlock the front door?"


def test_a_turn_reports_its_timings():
    assistant, _, _ = make_assistant(maple())
    result = assistant.turn("turn on the kitchen light", context("kitchen"))
    assert {"understand", "act", "total"} <= set(result.timings_ms)
    assert result.path == "matcher"
