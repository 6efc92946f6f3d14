"""The Assistant's turn: sensitive actions wait for the person's own yes, in a later turn, from the same room."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime

import pytest
from helpers import changed, context, make_assistant, maple, tiny

from agent.config import SafetySettings, Settings
from agent.turn.plan import Plan, tool_call
from agent.turn.context import TurnContext

UNLOCK_FRONT = tool_call("set_state", {"devices": ["front_door"], "changes": {"state": "unlocked"}})


# ---- what asks first and what does not -----------------------------------------------------------


@pytest.mark.parametrize(
    "area, text, device, question",
    [
        ("hallway", "unlock the front door", "front_door", "unlock the front door"),
        ("hallway", "open the front door", "front_door", "unlock the front door"),
        ("kitchen", "unlock the back door", "back_door", "unlock the back door"),
        ("garage", "open the garage door", "garage_door", "open the garage door"),
        ("kitchen", "open the garage door", "garage_door", "open the garage door"),
        ("garage", "raise the garage door", "garage_door", "open the garage door"),
        ("garage", "open the garage door halfway", "garage_door", "open the garage door"),
        ("garage", "set the garage door to 50 percent", "garage_door", "open the garage door"),
        ("hallway", "turn on the hallway light and unlock the front door", "front_door", "unlock the front door"),
    ],
)
def test_unlocking_and_opening_a_garage_ask_first_and_change_nothing(area: str, text: str, device: str,
                                                                    question: str):
    assistant, registry, controller = make_assistant(maple())
    conversation = context(area)
    before = registry.states.snapshot()
    result = assistant.turn(text, conversation)
    assert result.awaiting_confirmation
    assert result.reply.endswith("?") and question in result.reply
    assert device in {d for call in result.plan.calls for d in call.args.get("devices", [])}
    assert controller.sent == [] and registry.states.snapshot() == before
    assert conversation.conversation.pending is not None and conversation.conversation.pending.area == area


@pytest.mark.parametrize(
    "setup, area, text, device, state",
    [
        ({"front_door": {"state": "unlocked"}}, "hallway", "lock the front door", "front_door", {"state": "locked"}),
        ({}, "kitchen", "lock the back door", "back_door", {"state": "locked"}),
        ({"garage_door": {"state": "open", "position": 100}}, "garage", "close the garage door", "garage_door",
         {"state": "closed", "position": 0}),
        ({"garage_door": {"state": "open", "position": 100}}, "garage", "lower the garage door", "garage_door",
         {"state": "open", "position": 75}),
        ({}, "living_room", "open the blinds", "living_blinds", {"state": "open", "position": 100}),
        ({}, "bedroom", "open the blinds", "bedroom_blinds", {"state": "open", "position": 100}),
    ],
)
def test_locking_closing_and_ordinary_covers_happen_at_once(setup: dict, area: str, text: str, device: str,
                                                           state: dict):
    assistant, registry, _ = make_assistant(maple())
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


@pytest.mark.parametrize("yes", ["yes", "Yes.", "yes please", "yeah", "go ahead", "ok"])
def test_yes_in_the_next_turn_from_the_same_room_runs_the_held_plan(yes: str):
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn(yes, conversation)
    assert registry.state("front_door") == {"state": "unlocked"}
    assert not result.awaiting_confirmation and "unlocked" in result.reply
    assert conversation.conversation.pending is None


def test_yes_runs_the_whole_held_plan_and_only_it():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    before = registry.states.snapshot()
    assistant.turn("turn on the hallway light and unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert changed(before, registry.states.snapshot()) == {"hallway_light": {"state": "on"},
                                                           "front_door": {"state": "unlocked"}}


def test_yes_from_another_room_does_not_run_it_and_ends_it():
    assistant, registry, controller = make_assistant(maple())
    conversation = context("garage")
    assistant.turn("open the garage door", conversation)
    conversation.area = "kitchen"
    result = assistant.turn("yes", conversation)
    assert "another room" in result.reply
    conversation.area = "garage"
    assistant.turn("yes", conversation)
    assert controller.sent == [] and registry.state("garage_door")["state"] == "closed"


def test_yes_after_expiry_does_not_run_it(monkeypatch: pytest.MonkeyPatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assistant, registry, controller = make_assistant(maple(), Settings(safety=SafetySettings(confirm_seconds=30)))
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    assert conversation.conversation.pending.expires_at == 1030.0
    clock[0] = 1030.5
    result = assistant.turn("yes", conversation)
    assert "expired" in result.reply
    assert controller.sent == [] and registry.state("front_door") == {"state": "locked"}


def test_yes_just_before_expiry_still_runs_it(monkeypatch: pytest.MonkeyPatch):
    clock = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    assistant, registry, _ = make_assistant(maple(), Settings(safety=SafetySettings(confirm_seconds=5)))
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    clock[0] = 1004.9
    assistant.turn("yes", conversation)
    assert registry.state("front_door") == {"state": "unlocked"}


def test_an_expiry_set_on_the_pending_itself_is_honoured():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    conversation.conversation.pending.expires_at = time.monotonic() - 1
    assistant.turn("yes", conversation)
    assert registry.state("front_door") == {"state": "locked"}


@pytest.mark.parametrize("no", ["no", "No.", "nope", "cancel", "never mind", "don't"])
def test_no_cancels(no: str):
    assistant, registry, controller = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn(no, conversation)
    assert result.reply == "OK, I won't." and conversation.conversation.pending is None
    assistant.turn("yes", conversation)
    assert controller.sent == [] and registry.state("front_door") == {"state": "locked"}


def test_anything_else_cancels_the_pending_one_and_is_handled_itself():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    result = assistant.turn("turn on the hallway light", conversation)
    assert registry.state("hallway_light") == {"state": "on"} and not result.awaiting_confirmation
    assert conversation.conversation.pending is None
    assistant.turn("yes", conversation)
    assert registry.state("front_door") == {"state": "locked"}


def test_a_new_risky_request_replaces_the_pending_one():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    assert assistant.turn("open the garage door", conversation).awaiting_confirmation
    assistant.turn("yes", conversation)
    assert registry.state("garage_door")["state"] == "open"
    assert registry.state("front_door") == {"state": "locked"}


def test_yes_with_nothing_pending_changes_nothing():
    assistant, registry, controller = make_assistant(maple())
    before = registry.states.snapshot()
    result = assistant.turn("yes", context("hallway"))
    assert result.reply and controller.sent == [] and registry.states.snapshot() == before


def test_a_confirmation_in_the_same_utterance_is_not_a_confirmation():
    assistant, registry, _ = make_assistant(maple())
    conversation = context("hallway")
    result = assistant.turn("unlock the front door, yes, go ahead, I confirm", conversation)
    assert result.awaiting_confirmation and registry.state("front_door") == {"state": "locked"}


# ---- a confirmation never comes from a plan ----------------------------------------------------------------


def test_a_plan_from_another_understander_is_held_too():
    assistant, registry, _ = make_assistant(maple(), understanders=[lambda text, ctx: Plan(calls=[UNLOCK_FRONT])])
    result = assistant.turn("let me in", context("hallway"))
    assert result.awaiting_confirmation and registry.state("front_door") == {"state": "locked"}


@pytest.mark.parametrize(
    "claimed",
    [
        Plan(calls=[UNLOCK_FRONT], confidence=1.0, path="llm"),
        Plan(calls=[tool_call("confirm", {})], path="llm"),
        Plan(calls=[tool_call("answer", {"text": "yes"})], say="yes", path="llm"),
        Plan(say="yes", path="llm"),
    ],
    ids=["repeats-the-held-calls", "a-confirm-tool", "answers-yes", "says-yes"],
)
def test_while_pending_no_plan_can_release_the_held_action(claimed: Plan):
    """Whatever another engine makes of an utterance that is not a yes, the held unlock does not run."""
    understander_on = [False]
    assistant, registry, controller = make_assistant(
        maple(), understanders=[lambda text, ctx: claimed if understander_on[0] else None])
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    understander_on[0] = True
    for text in ("please proceed", "I already said so", "the answer is affirmative"):
        assistant.turn(text, conversation)
        assert registry.state("front_door") == {"state": "locked"}
    assert ("front_door", {"state": "unlocked"}) not in controller.sent


def test_the_yes_is_judged_from_the_words_before_any_understander_runs():
    seen: list[str] = []
    assistant, registry, _ = make_assistant(maple(), understanders=[lambda text, ctx: seen.append(text)])
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert seen == ["unlock the front door"]
    assert registry.state("front_door") == {"state": "unlocked"}


def test_a_routine_that_unlocks_asks_first():
    assistant, registry, _ = make_assistant(tiny())
    result = assistant.turn("welcome home", context("porch"))
    assert result.awaiting_confirmation
    assert registry.state("side_door") == {"state": "locked"}


def test_with_a_pin_configured_a_plain_yes_does_not_unlock():
    pin = hashlib.sha256(b"4321").hexdigest()
    assistant, registry, _ = make_assistant(maple(), Settings(safety=SafetySettings(pin_sha256=pin)))
    conversation = context("hallway")
    assistant.turn("unlock the front door", conversation)
    assistant.turn("yes", conversation)
    assert registry.state("front_door") == {"state": "locked"}


# ---- the rest of a turn ------------------------------------------------------------------------------------


def test_a_turn_remembers_the_devices_it_acted_on():
    assistant, _, _ = make_assistant(maple())
    conversation = context("kitchen")
    assistant.turn("turn on the kitchen light and the floor lamp", conversation)
    assert conversation.conversation.last_devices == ["kitchen_ceiling", "floor_lamp"]
    assert conversation.conversation.last_call["action"] == "on"


def test_replies_are_short_in_quiet_hours_but_questions_stay_whole():
    assistant, _, _ = make_assistant(maple())
    night = TurnContext(area="hallway", now=datetime(2026, 11, 24, 23, 0))
    result = assistant.turn("turn on the hallway light", night)
    assert (result.reply, result.quiet) == ("Done.", True)
    question = assistant.turn("unlock the front door", night)
    assert question.reply == "Are you sure you want me to unlock the front door?"


def test_a_turn_reports_its_timings():
    assistant, _, _ = make_assistant(maple())
    result = assistant.turn("turn on the kitchen light", context("kitchen"))
    assert {"understand", "act", "total"} <= set(result.timings_ms)
    assert result.path == "matcher"
