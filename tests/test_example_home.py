"""The example home as a new user meets it: the conversation the README shows, and what the matcher
makes of everyday requests in Birch Cottage (the household `make run` starts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import MORNING, REPO, changed, context, example, make_assistant

from agent.app import App
from agent.config import Settings
from agent.turn.context import TurnContext


def readme_conversation() -> list[tuple[str, str]]:
    """(what you type, what homebody answers) from the README's "What you see"."""
    section = (REPO / "README.md").read_text().split("## What you see", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block, "the README shows no conversation"
    lines = [line for line in block.group(1).splitlines() if line.startswith(("you> ", "homebody> "))]
    pairs = zip(lines[::2], lines[1::2], strict=True)
    return [(said.removeprefix("you> "), reply.removeprefix("homebody> ")) for said, reply in pairs]


@pytest.fixture
def app() -> Iterator[App]:
    settings = Settings()
    settings.understanding.llm = "off"
    with App.start(settings) as started:
        yield started


def test_the_conversation_the_readme_shows_is_what_homebody_says(app: App):
    conversation = readme_conversation()
    assert len(conversation) >= 5
    turn = TurnContext(now=MORNING)  # a Tuesday morning: pottery class is tomorrow
    for said, reply in conversation:
        assert app.assistant.turn(said, turn).reply == reply, said


@pytest.mark.parametrize(("area", "text", "changes"), [
    ("kitchen", "turn on the light", {"kitchen_spots": {"state": "on", "brightness": 90, "color_temp": 4000}}),
    ("sitting_room", "dim the sofa lamp", {"sofa_lamp": {"state": "on", "brightness": 25, "color": "warm white"}}),
    ("sitting_room", "set the corner lamp to 30 percent", {"sofa_lamp": {"state": "on", "brightness": 30,
                                                                         "color": "warm white"}}),
    ("bedroom", "turn the fan up to 80 percent", {"bedroom_fan": {"state": "on", "percentage": 80}}),
    (None, "turn on the bathroom fan", {"shower_fan": {"state": "on"}}),
    (None, "turn on all the lights downstairs", {"kitchen_spots": {"state": "on", "brightness": 90,
                                                                   "color_temp": 4000},
                                                 "porch_light": {"state": "on"}}),
    ("sitting_room", "close the curtains halfway", {"sitting_curtains": {"state": "open", "position": 50}}),
    ("sitting_room", "turn the radio up", {"speaker": {"state": "on", "volume": 35, "muted": False}}),
    (None, "turn on the soldering iron", {"soldering_station": {"state": "on"}}),
    (None, "switch on the outside light", {"porch_light": {"state": "on"}}),
    ("sitting_room", "set the heating to 22", {"stove_heater": {"mode": "heat", "target_temperature": 22.0,
                                                                "current_temperature": 18.5}}),
    (None, "turn the stove down a bit", {"stove_heater": {"mode": "heat", "target_temperature": 19.0,
                                                          "current_temperature": 18.5}}),
    (None, "turn off the lights upstairs", {}),
    (None, "lock the front door", {}),
])
def test_everyday_requests_change_what_they_name(area: str | None, text: str, changes: dict[str, Any]):
    assistant, registry, _ = make_assistant(example())
    before = registry.states.snapshot()
    assistant.turn(text, context(area))
    assert changed(before, registry.states.snapshot()) == changes


@pytest.mark.parametrize(("text", "reply"), [
    ("what's the temperature in the kitchen", "The kitchen temperature is 19 degrees."),
    ("is the bedroom window open", "No, the bedroom window is closed."),
    ("is the front door locked", "Yes, the front door is locked."),
    ("turn off the kettle", "The kettle is already off."),
])
def test_questions_and_what_is_already_so_are_answered_from_the_state(text: str, reply: str):
    assistant, _, controller = make_assistant(example())
    assert assistant.turn(text, context()).reply == reply
    assert controller.sent == []
