"""A shopping list skill for homebody: "add milk and eggs to the shopping list", "what's on it?".

A worked example of the plugin API (see docs/skills.md in homebody): a factory that receives a
SkillContext and returns a Skill with standard LangChain tools, the sentences that call them,
and the replies that speak their results.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from langchain_core.tools import tool

from skills.api import Sentences, Skill, SkillContext

__all__ = ["ShoppingList", "skill"]


class ShoppingList:
    """The items, in the order added; kept in a JSON file when the skill has a folder."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.items: list[str] = json.loads(path.read_text()) if path is not None and path.exists() else []

    def add(self, text: str) -> list[str]:
        """Add each item in "milk and eggs"; returns those that were not on the list yet."""
        new = [item for item in split_items(text) if item not in self.items]
        self.items += new
        self._save()
        return new

    def remove(self, text: str) -> list[str]:
        gone = [item for item in split_items(text) if item in self.items]
        self.items = [item for item in self.items if item not in gone]
        self._save()
        return gone

    def clear(self) -> int:
        count, self.items = len(self.items), []
        self._save()
        return count

    def _save(self) -> None:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.items))


def split_items(text: str) -> list[str]:
    words = (item.strip() for item in re.split(r",| and ", text))
    return [re.sub(r"^(?:some|a|an|the) ", "", item) for item in words if item]


def spoken_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


THE_LIST = "[the|my|our] (shopping|grocery) list"


def skill(context: SkillContext) -> Skill:
    """The entry point homebody calls once at start."""
    shopping = ShoppingList(context.data_dir / "items.json" if context.data_dir is not None else None)

    @tool
    def add_to_shopping_list(item: str) -> dict:
        """Add one or more items to the household's shopping list."""
        new = shopping.add(item)
        return {"items": spoken_list(new) if new else item, "count": len(shopping.items)}

    @tool
    def remove_from_shopping_list(item: str) -> str:
        """Take items off the shopping list."""
        gone = shopping.remove(item)
        return f"Took {spoken_list(gone)} off the shopping list." if gone else f"{item} isn't on the shopping list."

    @tool
    def read_shopping_list() -> str:
        """Say what is on the shopping list."""
        if not shopping.items:
            return "The shopping list is empty."
        return f"On the shopping list: {spoken_list(shopping.items)}."

    @tool
    def clear_shopping_list() -> dict:
        """Empty the shopping list."""
        return {"count": shopping.clear()}

    return Skill(
        name="shopping_list",
        description="A shared shopping list: add, remove, read out, clear.",
        tools=[add_to_shopping_list, remove_from_shopping_list, read_shopping_list, clear_shopping_list],
        sentences=[
            Sentences("add_to_shopping_list", [f"(add|put) {{item}} (to|on|onto) {THE_LIST}",
                                               f"{THE_LIST} add {{item}}"]),
            Sentences("remove_from_shopping_list", [f"(remove|take|delete|cross) {{item}} (from|off) {THE_LIST}"]),
            Sentences("read_shopping_list", [f"what is on {THE_LIST}", f"(read|tell) [me] {THE_LIST}",
                                             "what do (i|we) need from the (shop|store|supermarket)"]),
            Sentences("clear_shopping_list", [f"(clear|empty) {THE_LIST}"]),
        ],
        examples=["add milk and eggs to the shopping list", "what's on the shopping list",
                  "take eggs off the shopping list", "clear the shopping list"],
        replies={
            "add_to_shopping_list": "Added {items} to the shopping list ({count} in all).",
            "clear_shopping_list": "Cleared the shopping list ({count} items).",
        },
    )
