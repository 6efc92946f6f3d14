"""When the words heard so far may go on: what keeps a turn open after a pause that looks like its end.

Data (`turn_taking.toml`, beside this module): last words that leave a command open ("turn on
the", "set the heating to"); and, per household, the names that may be the start of longer
ones ("turn off the living room" … "lamp"), and a room's name ("the bedroom" … "fan"), unless a
place word after a thing comes before them ("the lights in the office" is finished, "turn off in
the office" is not).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from agent.understanding.language import language

_WORD = re.compile(r"[a-z0-9%']+")


@dataclass(frozen=True)
class TurnTaking:
    """When the words so far may go on: open last words, and names that may begin longer ones."""

    open_endings: frozenset[str]
    sound_alike_endings: frozenset[str]
    """Last words that may be an open ending misheard ("… lamp two" for "… lamp to")."""
    place_before: frozenset[str]
    articles: frozenset[str]
    """Words skipped between a place word and a room's name ("in the office")."""
    verbs: frozenset[str]
    """The language's verbs ("turn off", "start"): a place word right after one follows no thing ("turn off in
    the office")."""
    openings: frozenset[str] = frozenset()
    """Word sequences a longer name of the household begins with ("living room" of "living room lamp")."""
    rooms: frozenset[str] = frozenset()
    """Room names and aliases: a device's name may follow ("the bedroom … fan")."""

    def for_household(self, named: Iterable[Iterable[str]], rooms: Iterable[str]) -> TurnTaking:
        """With the openings of the household's names, each thing's names given together: a name that begins
        another name of the same thing ("back door" of "back door lock") means the same either way."""
        openings: set[str] = set()
        for names in named:
            said = [" ".join(words_of(name)) for name in names]
            openings |= {" ".join(words[:n]) for words in map(str.split, said) for n in range(1, len(words))} - set(said)
        return TurnTaking(self.open_endings, self.sound_alike_endings, self.place_before, self.articles,
                          self.verbs, frozenset(openings), frozenset(" ".join(words_of(room)) for room in rooms))

    def may_go_on(self, text: str) -> bool:
        """Whether the words may be the start of a longer command ("turn on the", "turn off the living room")."""
        words = words_of(text)
        if not words:
            return True
        if words[-1] in self.open_endings or " ".join(words[-2:]) in self.open_endings:
            return True
        if words[-1] in self.sound_alike_endings and (len(words) < 2 or words[-2] not in self.open_endings):
            return True
        for n in range(1, min(4, len(words)) + 1):
            tail = " ".join(words[-n:])
            if (tail in self.openings or tail in self.rooms) and not self._ends_phrase(words[:-n]):
                return True
        return False

    def _ends_phrase(self, before: list[str]) -> bool:
        """Whether a place word after a thing comes before a name: "in" of "turn the lights off in the office",
        not of "turn off in the office", where it follows the verb (articles skipped)."""
        said = [word for word in before if word not in self.articles]
        if not said or said[-1] not in self.place_before:
            return False
        return not any(" ".join(said[-1 - n : -1]) in self.verbs for n in range(1, self._longest_verb + 1)
                       if len(said) > n)

    @cached_property
    def _longest_verb(self) -> int:
        return max((len(verb.split()) for verb in self.verbs), default=0)


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@lru_cache(maxsize=1)
def packaged_turn_taking() -> TurnTaking:
    data = tomllib.loads(resources.files("agent.voice").joinpath("turn_taking.toml").read_text(encoding="utf-8"))
    commands = language().commands
    return TurnTaking(frozenset(data["open_endings"]) | commands.unfinished_endings,
                      frozenset(data["sound_alike_endings"]), frozenset(data["place_before"]),
                      frozenset(data["articles"]), frozenset(commands.verb_actions))


