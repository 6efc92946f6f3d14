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
DOUBTFUL = 0.5
"""A word's token the greedy decoder gave less probability than this (counting tokens spelled alike) is in doubt:
what it nearly wrote there makes its rivals (`rival_texts`)."""
RIVAL_LEAST = 0.05
"""The least probability of another token at a doubtful word for it to make a rival."""
RIVALS_PER_WORD = 8
"""The most likely tokens looked at for each doubtful word."""
_WORDLIKE = re.compile(r"[A-Za-z0-9]")


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
    return [float(_chances(step)[alike(token)].sum()) for token, step in zip(ids, logits, strict=False)]


def _chances(step: Any) -> np.ndarray:
    """The decoder's scores at one step as probabilities (a softmax)."""
    scores = np.asarray(step, dtype=np.float64).reshape(-1)
    exp = np.exp(scores - scores.max())
    return exp / exp.sum()


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
    return min((probabilities[i] for i in _word_tokens(pieces, kept)), default=1.0)


def rival_texts(ids: list[int], pieces: list[str], probabilities: list[float], logits: list[Any], kept: str,
                alike: Callable[[int], list[int]], spell: Callable[[int], str], end: int) -> list[str]:
    """What a greedy decoder nearly wrote instead of `kept`: its text (the tokens `ids`, spelled as `pieces`) with
    one doubtful word token (below `DOUBTFUL`) replaced by, or preceded by, a token the decoder gave `RIVAL_LEAST`
    or more there; one that ends the text (`end`) ends it there. Tokens spelled alike and punctuation make no
    rival."""
    words = _word_tokens(pieces, kept)
    pieces = pieces[: words[-1] + 1] if words else []
    rivals: list[str] = []
    for i in (i for i in words if probabilities[i] < DOUBTFUL):
        chances = _chances(logits[i])
        same = set(alike(ids[i]))
        word = _word_at(pieces, i).lower()
        for token in (int(t) for t in np.argsort(-chances)[:RIVALS_PER_WORD]):
            if chances[token] < RIVAL_LEAST or token in same or token > end:
                continue
            if token == end:
                rivals.append("".join(pieces[:i]))
            elif _WORDLIKE.search(rival := spell(token)) and not word.startswith(rival.strip().lower()):
                rivals += ["".join([*pieces[:i], rival, *pieces[i + 1:]]), "".join([*pieces[:i], rival, *pieces[i:]])]
    return distinct((text for text in (r.strip() for r in rivals) if text != kept), len(rivals))


def _word_at(pieces: list[str], i: int) -> str:
    """The word that token `i` begins or goes on: a rival token spelling its start (" he" of " heating") most
    likely goes on as it does, and is no rival."""
    end = next((j for j in range(i + 1, len(pieces)) if not _WORDLIKE.match(pieces[j])), len(pieces))
    return "".join(pieces[i:end]).strip()


def _word_tokens(pieces: list[str], kept: str) -> list[int]:
    """The indices of the tokens with a letter or digit among the first pieces that spell `kept`."""
    spelled, found = "", []
    for i, piece in enumerate(pieces):
        if len(spelled.strip()) >= len(kept):
            break
        spelled += piece
        if _WORDLIKE.search(piece):
            found.append(i)
    return found
