"""The slot types of the skill's sentences: days, times, the household's people, new entries' titles and the
entries a question names.

People are named by name, first name or id, as an owner ("emmas"), or "me"; they are read from the
household store and re-read when they may have changed. Titles are data: they are only ever read out,
never acted on. A title or entry is refused (the template does not fit) when it is a pronoun or a clause;
device talk is the recognizer's to weigh (agent.understanding).
"""

from __future__ import annotations

import logging
import re
import threading
import time as monotonic
from collections.abc import Iterable
from functools import cache
from datetime import time

from skills.api import (
    DAY_PATTERN, FREE_TEXT, TIME_PATTERN, HouseholdStore, SlotType, StoreError, alternatives, choice, clock_time,
    language, sentence_text, unnamed,
)

from .words import words

log = logging.getLogger(__name__)

ME = "me"
"""The `person` that means the speaker (Turn.person): the sentences' fixed arguments and the tools' say it."""
HEARD_POSSESSIVE = language().questions.possessive_ending
"""How a possessive ends as heard: "emmas"."""

DAY = SlotType(unnamed(DAY_PATTERN),
               lambda text: re.sub(rf"^(?:{alternatives(language().time.day_prepositions)}) ", "", text))
"""A spoken day or span ("on sunday", "this weekend", "the 3rd of december"); the tool reads it with `period`."""
TIME = SlotType(unnamed(TIME_PATTERN), lambda text: _hhmm(clock_time(text)))


def _hhmm(moment: time | None) -> str | None:
    return moment.strftime("%H:%M") if moment else None


def title(text: str) -> str | None:
    """A new entry's title as heard (articles kept for the reply)."""
    return text if words().bare(text) else None


def what(text: str) -> str | None:
    """An entry named in a question ("the dentist appointment"); None for pronouns."""
    said = words().bare(text).split()
    if not said or said[0] in words().pronouns:
        return None
    return text


def what_alone(text: str) -> str | None:
    """An entry named right after "when", the verb mis-heard or lost ("when inammon soccer practice");
    never a clause ("when will the next birthday be", "when I get home", "when Lily gets home", "when the
    door opens": a condition's verb, as the language file says them)."""
    said = text.split()
    if not said or said[0] in words().clause_starts or _condition_verb(" ".join(said)):
        return None
    return what(text)


def _condition_verb(text: str) -> bool:
    return _condition_verbs().search(text) is not None


@cache
def _condition_verbs() -> re.Pattern[str]:
    """A verb of a condition ("gets home", "opens"), as the language file says them; compiled once."""
    conditions = language().conditions
    phrases = (phrase for table in (conditions.presence, conditions.states) for ps in table.values() for phrase in ps)
    return re.compile(rf"(?:^| )(?:{_longest_first(map(re.escape, phrases))})(?: |$)")


def slot_types() -> dict[str, SlotType]:
    """The slots of the skill's own beside the people's (`People.slots`)."""
    return {
        "day": DAY, "time": TIME, "title": SlotType(FREE_TEXT, title, free=True),
        "what": SlotType(FREE_TEXT, what, free=True), "what_alone": SlotType(FREE_TEXT, what_alone, free=True),
    }


def _longest_first(patterns: Iterable[str]) -> str:
    """An alternation of regex patterns (already escaped), longest first."""
    return "|".join(sorted(patterns, key=len, reverse=True))


def _name_pattern() -> str:
    """One word that may be a name: none of the words that start no name."""
    return rf"(?!(?:{_longest_first(sorted(words().not_names))}) )[a-z][a-z0-9]*"


class People:
    """The household's people by every way they are called, read from the store and re-read when stale."""

    def __init__(self, store: HouseholdStore | None, max_age_s: float = 5.0) -> None:
        self.store = store
        self.max_age_s = max_age_s
        self.names: dict[str, str] = {}
        """Person id -> spoken name."""
        self._read_at = float("-inf")
        self._lock = threading.Lock()
        self._people = self._owners = choice({})
        self.refresh()

    def refresh(self, force: bool = True) -> None:
        if self.store is None or (not force and monotonic.monotonic() - self._read_at < self.max_age_s):
            return
        with self._lock:
            try:
                names = {p.id: p.name for p in self.store.people()}
            except StoreError as error:
                log.warning("schedule: people not re-read: %s", error)
                return
            self._read_at = monotonic.monotonic()
            if names != self.names:
                phrases = {p: pid for pid, name in names.items() for p in (name, pid.replace("_", " "), name.split()[0])}
                owners = {f"{p}{words().possessive}": pid for p, pid in phrases.items()} | {
                    p: pid for p, pid in phrases.items() if p.endswith(HEARD_POSSESSIVE)}
                self.names, self._people, self._owners = names, choice(phrases), choice(owners)

    def person(self, heard: str) -> str | None:
        """A person id (or ME) for a name as heard; None when it names nobody here."""
        self.refresh(force=False)
        text = " ".join(sentence_text(heard).split())
        return ME if text in words().my else self._people.convert(text)

    def owner(self, heard: str) -> str | None:
        """A person id for a possessive as heard ("emmas"), or None."""
        self.refresh(force=False)
        return self._owners.convert(" ".join(sentence_text(heard).split()))

    def among(self, heard: str) -> str:
        """The person named among a few words, or "" for everyone: "does anyone", "dont let me" (a
        mis-heard "does Emma") ask about the household."""
        found = {p for word in heard.split() if (p := self.person(word)) not in (None, ME)}
        return found.pop() if len(found) == 1 else ""

    def slots(self) -> dict[str, SlotType]:
        """`person`, `owner` (possessive), `someone` (any name, even one the household lacks) and
        `anyone` (a few words before "have anything", whoever they name)."""
        spoken = [" ".join(sentence_text(n).split()) for n in self.names.values()]
        longer = _longest_first(re.escape(n) for n in spoken if " " in n)
        lead = f"{longer}|" if longer else ""
        name = _name_pattern()
        owned = _longest_first(re.escape(n + HEARD_POSSESSIVE) for n in spoken if " " in n) or "(?!)"
        return {
            "person": SlotType(f"(?:{lead}{name})", self.person),
            "owner": SlotType(f"(?:{owned}|[a-z][a-z0-9]*{re.escape(HEARD_POSSESSIVE)})", self.owner),
            "someone": SlotType(name, lambda text: None if text in words().my else text, free=True),
            "anyone": SlotType(r"[a-z][a-z0-9]*(?: [a-z][a-z0-9]*){0,3}", self.among, free=True),
        }
