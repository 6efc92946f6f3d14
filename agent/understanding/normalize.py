"""Text clean-up before matching: case, punctuation, contractions, fillers, numbers, common mishearings."""

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

MISHEARINGS = {
    "turn of": "turn off", "switch of": "switch off", "lite": "light", "lites": "lights",
    "thermo stat": "thermostat", "tele": "telly", "colour": "color", "grey": "gray",
    "have brightness": "half brightness", "have volume": "half volume", "have speed": "half speed",
}

LEADING_MISHEARINGS = {("turned",): ["turn"], ("when", "in"): ["when", "is"]}
"""Only at the start, where Whisper often writes "turn" as "turned" ("turned on the lamp") and "when is"
as "when in" ("when in Emma's soccer practice")."""
HEAT_ENDS = {"to", "up", "down", "on", "off", "in", "into", "at", "by", "and", "then", ",", "now", "back", "is",
             "was", "setting", "a", "for"}
""""The heat" followed by one of these (or nothing) is a whole noun, the heating; "the heat pump" is not."""

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
    text = f" {text} "
    for wrong, right in MISHEARINGS.items():
        text = text.replace(f" {wrong} ", f" {right} ")
    return _spoken_forms(words_to_numbers(text.split()))


def _spoken_forms(tokens: list[str]) -> list[str]:
    """Everyday words for what the lexicon names otherwise: "turned on …", "turn up the heat"."""
    for heard, meant in LEADING_MISHEARINGS.items():
        if tuple(tokens[:len(heard)]) == heard:
            tokens = meant + tokens[len(heard):]
    for i, token in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if token == "heat" and i and tokens[i - 1] in ("the", "my", "our") and (after is None or after in HEAT_ENDS):
            tokens[i] = "heating"
    return tokens


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
