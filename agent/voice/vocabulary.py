"""What the voice layer knows of a household: Whisper's prompt, the words to repair a transcript towards and
the names a turn may go on with, all made from the household's names, and Whisper's habits (`mishearings.toml`)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agent.config import VoiceSettings
from agent.understanding.frames import COMPARATIVES
from agent.understanding.language import known_words
from agent.voice.mishearings import Mishearings, packaged_mishearings
from agent.voice.soundalike import SoundAlikes
from agent.voice.stt import resolve_stt_model, vocabulary_prompt
from agent.voice.turn_taking import TurnTaking, packaged_turn_taking
from devices.colors import NAMED_COLORS
from devices.errors import ConfigError

if TYPE_CHECKING:
    from agent.turn.assistant import Assistant

log = logging.getLogger(__name__)

_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class Vocabulary:
    """One household's words as the voice layer uses them."""

    prompt: str
    """Whisper's initial prompt: the household's rare words (else its names)."""
    sound_alikes: SoundAlikes
    """The household's words and colours to repair a transcript towards."""
    mishearings: Mishearings
    """Phrases Whisper writes for others, whatever the household."""
    turn_taking: TurnTaking
    """When the words so far may go on: the household's names that may begin longer ones, and open endings."""


def household_vocabulary(assistant: Assistant) -> list[str]:
    """The household's names for Whisper's prompt: people, rooms, devices, routines, floors, then aliases."""
    registry, household = assistant.registry, assistant.household
    primary = [p.name for p in household.people]
    primary += [a.name for a in registry.areas.values()]
    primary += [d.name for d in registry.devices.values()]
    primary += [r.name for r in household.routines]
    aliases = [alias for item in _named_things(assistant) for alias in item.aliases]
    return primary + [f.name for f in registry.floors.values()] + aliases


def _named_things(assistant: Assistant) -> Iterator[Any]:
    """Everything of the household with a name and aliases: rooms, devices, floors, routines."""
    registry = assistant.registry
    for group in (registry.areas.values(), registry.devices.values(), registry.floors.values(),
                  assistant.household.routines):
        yield from group


def rare_words(names: list[str], word_cost: Callable[[str], int]) -> list[str]:
    """The words of `names` Whisper finds rare (two or more tokens), rarest first; "Emma's" before "kitchen".

    On the tuning voices a prompt of rare words understood ~2.5 % more commands than one of
    whole names (which fits fewer of them and invites commas between names).
    """
    costs: dict[str, tuple[str, int]] = {}
    for name in names:
        for word in _WORD.findall(name):
            if word.lower() not in costs:
                costs[word.lower()] = (word, word_cost(word))
    rare = [(word, cost) for word, cost in costs.values() if cost >= 2]
    return [word for word, _ in sorted(rare, key=lambda item: -item[1])]


def whisper_word_cost(settings: VoiceSettings) -> Callable[[str], int] | None:
    """Tokens the configured Whisper model spends on a word; None when its tokenizer cannot be read."""
    from tokenizers import Tokenizer

    try:
        path = resolve_stt_model(settings.stt_model) / "tokenizer.json"
    except ConfigError:
        return None
    if not path.is_file():
        log.info("%s has no tokenizer.json: the vocabulary prompt lists whole names", path.parent)
        return None
    tokenizer = Tokenizer.from_file(str(path))
    return lambda word: len(tokenizer.encode(" " + word.lower(), add_special_tokens=False).ids)


def household_words(assistant: Assistant, word_cost: Callable[[str], int] | None) -> Vocabulary:
    """The prompt, the sound-alikes and the mishearings for the assistant's household as it is now."""
    names = household_vocabulary(assistant)
    rare = rare_words(names, word_cost) if word_cost is not None else []
    known = assistant.matcher.index.words | known_words()
    people = [person.name for person in assistant.household.people]
    alikes = SoundAlikes([*names, *NAMED_COLORS], known, proper_names=people, endings=COMPARATIVES)
    return Vocabulary(vocabulary_prompt(rare or names), alikes, packaged_mishearings(), household_turn_taking(assistant))


def household_turn_taking(assistant: Assistant) -> TurnTaking:
    """The packaged open endings with the household's names: each thing's names together, and its rooms'."""
    named = [[thing.name, *thing.aliases] for thing in _named_things(assistant)]
    named += [[person.name] for person in assistant.household.people]
    rooms = [name for area in assistant.registry.areas.values() for name in (area.name, *area.aliases)]
    return packaged_turn_taking().for_household(named, rooms)
