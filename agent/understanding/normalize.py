"""Text clean-up before matching: case, punctuation, contractions, fillers, numbers."""

from __future__ import annotations

import re
import unicodedata

from agent.understanding.language import language
from agent.understanding.numbers import words_to_numbers

MAX_CHARS = 500
"""Longer input is cut: no spoken command is that long, and matching stays fast."""

_TOKENS = language().tokens
CONTRACTIONS, FILLERS, OPENERS, POLITE_PREFIXES = _TOKENS.contractions, _TOKENS.fillers, _TOKENS.openers, \
    _TOKENS.polite_prefixes
"""OPENERS are dropped only at the start: "okay, turn it on" — but "is the battery ok" keeps its meaning."""

_TOKEN = re.compile(r"(?:-(?=\d))?[a-z0-9]+(?:[.'][a-z0-9]+)*%?|,")


def tokens_of(text: str) -> list[str]:
    """Lowercase word tokens; apostrophes inside words kept, "50%" kept as one token."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    return _TOKEN.findall(text)


def normalize(text: str) -> list[str]:
    """The tokens the matcher reads: cleaned, with number words as digits and `%` as `percent`."""
    tokens: list[str] = []
    for token in tokens_of(text[:MAX_CHARS]):
        if token.endswith("%"):
            tokens += [token[:-1], _TOKENS.percent_sign]
        elif token in CONTRACTIONS:
            tokens += CONTRACTIONS[token].split()
        elif token.endswith("'s"):
            tokens.append(token[:-2] + "s")
        elif token not in FILLERS and not (token in OPENERS and not tokens):
            tokens.append(token.replace("'", ""))
    text = " ".join(tokens)
    for prefix in POLITE_PREFIXES:
        if text.startswith(prefix + " "):
            text = text[len(prefix) + 1 :]
    return words_to_numbers(text.split())


def plain_name(name: str) -> str:
    """A registry name in the matcher's token form (so names and speech compare alike)."""
    return " ".join(normalize_name_tokens(name))


def normalize_name_tokens(name: str) -> list[str]:
    out: list[str] = []
    for token in tokens_of(name):
        if token.endswith("'s"):
            token = token[:-2] + "s"
        out.append(token.replace("'", ""))
    return out
