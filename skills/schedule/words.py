"""The skill's language, read once from schedule.toml: its sentences, the words it reads and everything it says.

Weekday and month names, the possessive ending and the "and" of a list are the language file's
(`language()`), shared with the rest of homebody; what only this skill reads or says is in schedule.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from skills.api import Sentences, language, read_data, sentences_of


@dataclass(frozen=True)
class Repeats:
    """How an entry's repeating is said: see [repeats] in schedule.toml."""

    every: tuple[str, ...]
    frequencies: Mapping[str, str]
    day: str
    week: str
    weekdays: str
    said: str


@dataclass(frozen=True)
class Words:
    """The data file, read; with the language file's words the skill shares."""

    sentences: tuple[Sentences, ...]
    examples: tuple[str, ...]
    person_examples: tuple[str, ...]
    ability: str
    not_names: frozenset[str]
    my: frozenset[str]
    everyone: tuple[str, ...]
    pronouns: frozenset[str]
    articles: tuple[str, ...]
    clause_starts: frozenset[str]
    on: str
    generic: frozenset[str]
    repeats: Repeats
    answers: Mapping[str, Mapping[str, str]]
    replies: Mapping[str, str]
    weekdays: tuple[str, ...]
    """Monday first, as said in a sentence ("Tuesday")."""
    possessive: str
    """The ending that makes a name its owner's: "Emma's"."""
    last_and: str

    def say(self, reply: str, **values: Any) -> str:
        return self.replies[reply].format(**values)

    def bare(self, text: str) -> str:
        """The words of `text` after the articles it starts with: "the dentist" -> "dentist"."""
        words = text.split()
        while words and words[0] in self.articles:
            words.pop(0)
        return " ".join(words)

    def listed(self, parts: list[str]) -> str:
        """ "a, b and c"; "" for none."""
        if not parts:
            return ""
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {self.last_and} {parts[-1]}"


@cache
def words() -> Words:
    data = read_data(__package__, "schedule.toml")
    said, shared = data["words"], language()
    return Words(
        tuple(sentences_of(data)), tuple(data["examples"]), tuple(data["person_examples"]), data["ability"],
        frozenset([*said["not_names"], *shared.time.weekday_numbers, *shared.time.month_numbers]),
        frozenset(said["my"]), tuple(said["everyone"]), frozenset(said["pronouns"]), tuple(said["articles"]),
        frozenset(said["clause_starts"]), said["on"], frozenset(said["generic"]),
        Repeats(**{**data["repeats"], "every": tuple(data["repeats"]["every"])}), data["answers"], data["replies"],
        tuple(day.capitalize() for day in shared.time.weekdays), shared.wording.grammar.possessive_ending,
        shared.wording.grammar.last_and,
    )
