"""Whisper's decoder output read: texts that differ, a sentence said over and over said once, a decode that went
round in circles, and how sure a greedy decode was of its words. Pure functions of the decoder's output."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

MAX_COMPRESSION_RATIO = 2.4
"""faster-whisper's threshold for "this text repeats itself"."""
MAX_WORDS_PER_SECOND = 5.0
"""Faster than anyone speaks a command."""


def distinct(texts: Iterable[str], limit: int) -> list[str]:
    """The first `limit` texts that differ in their words, not just in case or punctuation; wordless ones dropped."""
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        key = " ".join(re.findall(r"[a-z0-9%']+", text.lower()))
        if key and key not in seen and len(kept) < limit:
            seen.add(key)
            kept.append(text)
    return kept


def said_once(text: str) -> str:
    """One sentence the decoder said over and over ("Lock the door. Lock the door."), said once.

    Cheaper than decoding again in the full window (~0.4 s more on a 2-core x86) and no less
    accurate on such repeats. Any other text is returned unchanged.
    """
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    said = {s.lower().rstrip(".!? ") for s in sentences}
    return sentences[0] if len(sentences) > 1 and len(said) == 1 else text


def looks_looped(text: str, seconds: float) -> bool:
    """The decoder went round in circles: repetitive text, a sentence said twice, or too many words to fit."""
    from faster_whisper.transcribe import get_compression_ratio

    sentences = [s.strip().lower() for s in re.split(r"[.!?]+", text) if s.strip()]
    return (
        get_compression_ratio(text) > MAX_COMPRESSION_RATIO
        or len(set(sentences)) < len(sentences)
        or len(text.split()) > MAX_WORDS_PER_SECOND * seconds + 2
    )


def token_probabilities(ids: list[int], logits: list[Any], alike: Callable[[int], list[int]]) -> list[float]:
    """Each chosen token's probability with that of the tokens `alike` it (spelled the same but for case and a
    leading space: " Turn" and "turn" are one word to a command), from the decoder's scores at each step."""
    found = []
    for token, step in zip(ids, logits, strict=False):
        scores = np.asarray(step, dtype=np.float64).reshape(-1)
        exp = np.exp(scores - scores.max())
        found.append(float(exp[alike(token)].sum() / exp.sum()))
    return found


def spellings(vocabulary: dict[str, int]) -> dict[int, list[int]]:
    """For each token of a byte-level BPE vocabulary (`Ġ` for a leading space), the tokens spelled as it is but for
    case and that space."""
    keys = {token: piece.replace("Ġ", "").lower() for piece, token in vocabulary.items()}
    groups: dict[str, list[int]] = {}
    for token, key in keys.items():
        groups.setdefault(key, []).append(token)
    return {token: groups[key] for token, key in keys.items()}


def least_sure_word(pieces: list[str], probabilities: list[float], kept: str) -> float:
    """The least probability of a token with a letter or digit among those that spell `kept` (the text kept of a
    decoding: a sentence said twice is kept once); punctuation, which Whisper is often unsure of, does not count."""
    spelled, least = "", 1.0
    for piece, probability in zip(pieces, probabilities, strict=False):
        if len(spelled.strip()) >= len(kept):
            break
        spelled += piece
        if re.search(r"[A-Za-z0-9]", piece):
            least = min(least, probability)
    return least
