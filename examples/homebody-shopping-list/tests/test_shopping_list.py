"""The shopping list skill on its own, and through homebody's registry (without installing it)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from homebody_shopping_list import ShoppingList, skill, split_items

from agent.turn.context import TurnContext
from skills.api import SkillContext
from agent.skill_host import SkillRegistry

UTC = ZoneInfo("UTC")


@pytest.fixture
def registry(tmp_path):
    context = SkillContext(UTC, data_dir=tmp_path)
    found = SkillRegistry.from_factories([("shopping_list", "homebody_shopping_list:skill", skill)], context)
    assert not found.failures
    yield found
    found.close()


def say(registry: SkillRegistry, text: str) -> str:
    turn = TurnContext(now=datetime(2026, 11, 24, 10))
    plan = registry.understand(text, turn)
    assert plan is not None, text
    return registry.run(plan.calls[0], turn)


@pytest.mark.parametrize("text, items", [
    ("milk", ["milk"]),
    ("milk and eggs", ["milk", "eggs"]),
    ("some bread, butter and a cabbage", ["bread", "butter", "cabbage"]),
])
def test_split_items(text, items):
    assert split_items(text) == items


def test_a_conversation(registry):
    assert say(registry, "add milk and eggs to the shopping list") == "Added milk and eggs to the shopping list (2 in all)."
    assert say(registry, "put bread on my shopping list") == "Added bread to the shopping list (3 in all)."
    assert say(registry, "what's on the shopping list") == "On the shopping list: milk, eggs and bread."
    assert say(registry, "take eggs off the shopping list") == "Took eggs off the shopping list."
    assert say(registry, "clear the shopping list") == "Cleared the shopping list (2 items)."
    assert say(registry, "what's on the shopping list") == "The shopping list is empty."


def test_items_are_kept_in_the_skills_folder(registry, tmp_path):
    say(registry, "add coffee to the shopping list")
    assert ShoppingList(tmp_path / "shopping_list" / "items.json").items == ["coffee"]


def test_other_sentences_are_left_alone(registry):
    assert registry.understand("turn on the kitchen light", TurnContext()) is None
