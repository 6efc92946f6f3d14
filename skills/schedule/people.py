"""The household's people as a sentence names them: by name, first name or id, as an owner ("emmas"), or
"me"; read from the household store and re-read when they may have changed."""

from __future__ import annotations

import logging
import re
import threading
import time as monotonic
from collections.abc import Iterable

from skills.api import HouseholdStore, SlotType, StoreError, choice, language, sentence_text

from .words import words

log = logging.getLogger(__name__)

ME = "me"
"""The `person` that means the speaker (Turn.person): the sentences' fixed arguments and the tools' say it."""
HEARD_POSSESSIVE = language().questions.possessive_ending
"""How a possessive ends as heard: "emmas"."""


def alternatives(patterns: Iterable[str]) -> str:
    """An alternation of regex patterns (already escaped), longest first."""
    return "|".join(sorted(patterns, key=len, reverse=True))


def _name_pattern() -> str:
    """One word that may be a name: none of the words that start no name."""
    return rf"(?!(?:{alternatives(sorted(words().not_names))}) )[a-z][a-z0-9]*"


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
        longer = alternatives(re.escape(n) for n in spoken if " " in n)
        lead = f"{longer}|" if longer else ""
        name = _name_pattern()
        owned = alternatives(re.escape(n + HEARD_POSSESSIVE) for n in spoken if " " in n) or "(?!)"
        return {
            "person": SlotType(f"(?:{lead}{name})", self.person),
            "owner": SlotType(f"(?:{owned}|[a-z][a-z0-9]*{re.escape(HEARD_POSSESSIVE)})", self.owner),
            "someone": SlotType(name, lambda text: None if text in words().my else text, free=True),
            "anyone": SlotType(r"[a-z][a-z0-9]*(?: [a-z][a-z0-9]*){0,3}", self.among, free=True),
        }
