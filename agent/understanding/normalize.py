"""Text clean-up before matching: case, punctuation, contractions, fillers, numbers."""

from __future__ import annotations

import re
import unicodedata

from agent.understanding.numbers import words_to_numbers

MAX_CHARS = 500
"""Longer input is cut: no spoken command is that long, and matching stays fast."""

CONTRACTIONS = {
    "it's": "it is", "what's": "what is", "that's": "that is", "there's": "there is", "how's": "how is",
    "isn't": "is not", "aren't": "are not", "don't": "do not", "doesn't": "does not", "i'm": "i am",
    "let's": "let us", "we're": "we are", "they're": "they are", "can't": "can not", "won't": "will not",
    "i'd": "i would", "who's": "who is", "where's": "where is", "when's": "when is", "here's": "here is",
}

FILLERS = {"um", "uh", "erm", "er", "hmm", "please", "kindly", "hey", "homebody"}
OPENERS = {"okay", "ok", "so", "alright"}
"""Dropped only at the start: "okay, turn it on" — but "is the battery ok" keeps its meaning."""

POLITE_PREFIXES = (
    "could you", "can you", "would you", "will you", "i want you to", "i would like you to",
    "i'd like you to", "i need you to", "would you mind", "go ahead and", "be so kind and",
)

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
            tokens += [token[:-1], "percent"]
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
