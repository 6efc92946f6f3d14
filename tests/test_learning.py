"""Preference suggestions from corrections and habits, on a real household database."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import context, household, make_assistant

from agent.memory.history import HistoryWriter
from agent.memory.learning import CorrectionLearner, habits
from agent.turn.plan import Plan, tool_call
from agent.memory.store import HouseholdStore, TurnRecord


SPEAKER = {"maple": ("living_room", "alex"), "example": ("sitting_room", "robin")}
"""A room with the heating, and someone who lives there."""


@pytest.mark.parametrize("home", list(SPEAKER))
def test_no_warmer_after_a_heating_change_suggests_the_corrected_temperature(tmp_path: Path, home: str):
    store = HouseholdStore(tmp_path / "home.db")
    assistant, registry, _ = make_assistant(household(home))
    history = HistoryWriter(store)
    assistant.observers.append(CorrectionLearner(history, registry))
    room, person = SPEAKER[home]
    conversation = context(room, person)
    assistant.turn("set the heating to 20.5", conversation)
    assistant.turn("no, warmer", conversation)
    history.flush()
    suggestions = store.suggestions()
    assert [(s.person, s.key, s.value) for s in suggestions] == [(person, "temperature", 21.5)]
    history.close()


@pytest.mark.parametrize("home", list(SPEAKER))
def test_an_unknown_speaker_teaches_nothing(tmp_path: Path, home: str):
    store = HouseholdStore(tmp_path / "home.db")
    assistant, registry, _ = make_assistant(household(home))
    history = HistoryWriter(store)
    assistant.observers.append(CorrectionLearner(history, registry))
    conversation = context(SPEAKER[home][0])
    assistant.turn("set the heating to 20.5", conversation)
    assistant.turn("no, warmer", conversation)
    history.flush()
    assert store.suggestions() == []
    history.close()


def test_the_same_setting_at_the_same_time_on_three_days_is_a_habit(tmp_path: Path):
    store = HouseholdStore(tmp_path / "home.db")
    morning = datetime(2026, 11, 20, 7, 5)
    plan = Plan([tool_call("set_state", {"devices": ["kitchen_ceiling"], "changes": {"brightness": 40}})])
    for day in range(3):
        at = (morning + timedelta(days=day, minutes=10 * day)).timestamp()
        store.record_turn(TurnRecord(at, "kitchen light to 40", "Done.", "matcher", "kitchen", "sam", plan.to_json()))
    store.record_turn(TurnRecord(time.time(), "kitchen light to 40", "Done.", "matcher", "kitchen", "alex",
                                 plan.to_json()))
    found = habits(store, "sam")
    assert [(s.key, s.value) for s in found] == [("kitchen_ceiling.brightness@07:05", 40)]
    assert habits(store, "alex") == []
