"""How alike two words are, by spelling and by sound: for names as heard (timers, sound-alike repairs)."""

from __future__ import annotations

import jellyfish
from rapidfuzz import fuzz

SAME_SHORT_SOUND = 75.0
"""Similarity of two words whose sounds are the same one or two consonants ("daily", "telly")."""


def similarity(heard: str, name: str) -> float:
    """The better of spelling and sound (metaphone) similarity of two compact words, 0–100.

    Sounds of one or two consonants ("ten": TN) are too alike to grade: they count only when
    they are the same ("daily" and "telly": TL), and then as SAME_SHORT_SOUND.
    """
    sounds = sound(heard), sound(name)
    spelled = fuzz.ratio(heard, name)
    if min(map(len, sounds)) < 3:
        return max(spelled, SAME_SHORT_SOUND) if sounds[0] == sounds[1] else spelled
    return max(spelled, fuzz.ratio(*sounds))


def sound(key: str) -> str:
    """A word's metaphone key; digits and mixed words stay as written."""
    return jellyfish.metaphone(key) if key.isalpha() else key
