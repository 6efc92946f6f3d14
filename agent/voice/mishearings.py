"""Whisper's habits as other readings of a transcript: "Turn of the lamp." may have been "Turn off the lamp.".

The phrases are data (`mishearings.toml`, beside this module). A reading made from them is
only offered: `agent.voice.pipeline.VoicePipeline` acts on it when it is understood better than
the transcript and fits the audio nearly as well, as it does a sound-alike repair. Typed
text never comes here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from agent.understanding.language import language
from agent.voice.soundalike import compact, similarity, splice
from devices.errors import ConfigError

PACKAGED = "mishearings.toml"
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9']*")
_PUNCTUATION = re.compile(r"[,.;:!?]")
_FIELDS = {"heard", "meant", "at_start", "whole"}


@dataclass(frozen=True)
class Mishearing:
    """Whisper writes `heard` where `meant` was said."""

    heard: tuple[str, ...]
    """Lower-case words."""
    meant: str
    at_start: bool = False
    """Only as a transcript's first words."""
    whole: bool = False
    """Only where the phrase ends a name: at the end, before punctuation or before a name-ending word."""


class Mishearings:
    """The phrases, and the readings of a transcript they offer."""

    def __init__(self, entries: Iterable[Mishearing], name_ends: Iterable[str] = ()):
        self.entries = list(entries)
        self.name_ends = frozenset(word.lower() for word in name_ends)

    def readings(self, text: str) -> dict[str, float]:
        """Each reading of `text` with one phrase put right wherever it fits, then with all of them; each with
        how alike the words heard and meant are (0–100, as sound-alike repairs)."""
        words = list(_WORD.finditer(text))
        lower = [word.group().lower() for word in words]
        present = set(lower)
        found: dict[str, float] = {}
        fixes: list[tuple[int, int, str]] = []
        for entry in (e for e in self.entries if e.heard[0] in present):
            places = [(words[i].start(), words[i + len(entry.heard) - 1].end(), entry.meant)
                      for i in self._places(entry, words, lower, text)]
            if places:
                found.setdefault(_applied(text, places), similarity(compact("".join(entry.heard)),
                                                                    compact(entry.meant)))
                fixes += places
        if len(found) > 1:
            found.setdefault(_applied(text, _apart(fixes)), min(found.values()))
        found.pop(text, None)
        return found

    def _places(self, entry: Mishearing, words: list[re.Match[str]], lower: list[str], text: str) -> list[int]:
        """The word indexes at which `entry` is heard (`lower`: the words in lower case), where its conditions
        hold."""
        size = len(entry.heard)
        starts = [0] if entry.at_start else range(len(words) - size + 1)
        return [i for i in starts if tuple(lower[i:i + size]) == entry.heard
                and (not entry.whole or self._ends_name(words, i + size, text))]

    def _ends_name(self, words: list[re.Match[str]], after: int, text: str) -> bool:
        if after == len(words):
            return True
        between = text[words[after - 1].end():words[after].start()]
        return bool(_PUNCTUATION.search(between)) or words[after].group().lower() in self.name_ends


def _apart(fixes: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The fixes that do not overlap an earlier one."""
    kept: list[tuple[int, int, str]] = []
    for fix in sorted(fixes):
        if not kept or fix[0] >= kept[-1][1]:
            kept.append(fix)
    return kept


def _applied(text: str, places: list[tuple[int, int, str]]) -> str:
    for start, end, meant in sorted(places, reverse=True):
        text = splice(text, start, end, meant)
    return text


def load_mishearings(source: str, name: str = PACKAGED) -> Mishearings:
    """The phrases of a TOML text (see `mishearings.toml`); ConfigError naming `name` when one is malformed."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: {error}") from None
    entries = []
    for number, item in enumerate(data.get("mishearing", []), start=1):
        heard = tuple(word.lower() for word in _WORD.findall(item["heard"])) if isinstance(item.get("heard"), str) else ()
        if set(item) - _FIELDS or not heard or not isinstance(item.get("meant"), str):
            raise ConfigError(f"{name}: mishearing {number} needs 'heard' and 'meant' (and only {sorted(_FIELDS)})")
        entries.append(Mishearing(heard, item["meant"], bool(item.get("at_start")), bool(item.get("whole"))))
    return Mishearings(entries + _verb_forms(data.get("verb_forms", []), name), data.get("name_ends", []))


def _verb_forms(forms: list[str], name: str) -> list[Mishearing]:
    """An `at_start` phrase for each inflected form of each one-word command verb."""
    verbs = {phrase.split()[0] for phrase in language().commands.verb_actions}
    try:
        heard = {form.format(verb=verb, last=verb[-1]): verb for verb in sorted(verbs) for form in forms}
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        raise ConfigError(f"{name}: verb_forms may hold only {{verb}} and {{last}}: {error}") from None
    return [Mishearing((form,), verb, at_start=True) for form, verb in heard.items() if form not in verbs]


@lru_cache(maxsize=1)
def packaged_mishearings() -> Mishearings:
    """The phrases shipped with homebody, read once."""
    return load_mishearings(resources.files("agent.voice").joinpath(PACKAGED).read_text(encoding="utf-8"))
