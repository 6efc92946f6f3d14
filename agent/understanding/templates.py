"""Sentence templates: a compact syntax compiled once to regexes over the matcher's token form.

Syntax: words; `[optional words]`; `(one|or another)`, nestable; `{slot}` or `{slot:type}`.
`"[start|set] [a|an] {duration} timer [(named|called) {name}]"` matches "set a 5 minute timer
named pizza" with `duration=300, name="pizza"`. A slot's type is named after the colon, or is
the slot's own name when that is a type (`{duration}`, `{area}`), else free text; a slot named `_`
(`{_:area}`) must fit but gives no value ("I'm going to the kitchen" means the same for any room). Templates see
what the device matcher sees (`agent.understanding.normalize`): lowercase, number words as digits, fillers
gone, so "five" in speech matches `{duration}` and "please" never needs writing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from agent.understanding.normalize import normalize
from agent.understanding.times import DURATION, parse_duration

__all__ = [
    "BUILTIN_SLOTS", "Match", "Sentence", "SlotType", "Template", "TemplateError", "choice",
    "compile_template", "parse_duration", "sentence_text",
]


class TemplateError(ValueError):
    """A template that does not parse, or names a slot type nobody declared."""


@dataclass(frozen=True)
class SlotType:
    """What a slot matches (a regex over the token string) and the value it becomes."""

    pattern: str
    convert: Callable[[str], Any] = str
    """Matched text -> the tool argument; returning None rejects the match."""
    free: bool = False
    """Free text: ranks below any match that used typed slots instead."""


def choice(phrases: Mapping[str, Any]) -> SlotType:
    """A slot that matches one of `phrases` (written as spoken) and gives its value."""
    table = {" ".join(normalize(phrase)): value for phrase, value in phrases.items()}
    table.pop("", None)
    if not table:
        return SlotType(r"(?!)")
    alternatives = "|".join(re.escape(p) for p in sorted(table, key=len, reverse=True))
    return SlotType(f"(?:{alternatives})", table.get)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


FREE_TEXT = r"[a-z0-9][^ ]*(?: [^ ]+)*?"

BUILTIN_SLOTS: dict[str, SlotType] = {
    "number": SlotType(r"\d+(?:\.\d+)?", _number),
    "duration": SlotType(DURATION, parse_duration),
    "text": SlotType(FREE_TEXT, free=True),
}
"""Types every template may use; skills add their own (and the registry adds `area`)."""


def sentence_text(text: str) -> str:
    """An utterance as templates read it: the matcher's tokens, commas dropped, one trailing space."""
    text = text.replace("½", " half ").replace("1/2", " half ")
    return "".join(f"{token} " for token in normalize(text) if token != ",")


@dataclass
class Template:
    """One template; `slots` maps each regex group to its slot name and type.

    Its regex is compiled on first use, and only for a text that holds a word of each of `needs`: a
    skill's templates are long regexes (a `{when}` slot is ~5,000 characters), whose compiling took
    most of homebody's start, while one utterance has the words of a few of them at most.
    """

    source: str
    pattern: str
    slots: dict[str, tuple[str, SlotType]] = field(default_factory=dict)
    needs: tuple[frozenset[str], ...] = ()
    """Words (as `sentence_text` writes them) of which any text it fits holds at least one from each set."""
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = re.compile(self.pattern)
        return self._regex

    def may_fit(self, text: str) -> bool:
        tokens = _words_of(text)
        return all(not tokens.isdisjoint(words) for words in self.needs)


@lru_cache(maxsize=16)
def _words_of(text: str) -> frozenset[str]:
    """The words of a `sentence_text`, once per utterance rather than once per template tried on it."""
    return frozenset(text.split())


@dataclass
class Match:
    """A template's fit to an utterance."""

    values: dict[str, Any]
    free_chars: int
    """Characters taken by free-text slots: the fewer, the surer."""
    literal_chars: int
    """Characters matched by the template's own words: the more, the surer."""
    free_texts: tuple[str, ...] = ()
    """The text each free-text slot took, as heard."""

    @property
    def rank(self) -> tuple[int, int]:
        return self.free_chars, -self.literal_chars


def compile_template(source: str, types: Mapping[str, SlotType]) -> Template:
    """Parse once (its regex is compiled when first needed); TemplateError tells what is wrong and where."""
    parser = _Parser(source, types)
    body, needs = parser.alternatives()
    if parser.pos < len(parser.tokens):
        raise TemplateError(f"{source!r}: unexpected {parser.tokens[parser.pos]!r}")
    for name, slot in parser.slots.values():
        try:
            re.compile(slot.pattern)  # each slot type's pattern once (re's cache), not every template whole
        except re.error as error:
            raise TemplateError(f"{source!r}: slot {name!r}: {error}") from None
    return Template(source, body, parser.slots, tuple(needs))


UNKEPT = "_"
"""The name of a slot that must fit but gives no value."""


def match(template: Template, text: str) -> Match | None:
    """Fit `text` (from `sentence_text`) to the template; None when it does not fit or a slot rejects."""
    found = template.regex.fullmatch(text) if template.may_fit(text) else None
    if found is None:
        return None
    values: dict[str, Any] = {}
    free_texts: list[str] = []
    used = 0
    for group, value in found.groupdict().items():
        if value is None:
            continue
        name, slot = template.slots[group]
        converted = slot.convert(value)
        if converted is None:
            return None
        if name != UNKEPT:
            values[name] = converted
        used += len(value)
        if slot.free:
            free_texts.append(value.strip())
    return Match(values, sum(len(t) for t in free_texts), len(text) - used, tuple(free_texts))


@dataclass
class Sentence:
    """A compiled template and what it stands for (for the registry: skill, tool, fixed arguments)."""

    template: Template
    target: Any


def best_match(sentences: Iterable[Sentence], text: str) -> tuple[Sentence, Match] | None:
    """The most specific fit: least free text, then most template words; the first declared on a tie."""
    fits = all_matches(sentences, text)
    return min(fits, key=lambda fit: fit[1].rank) if fits else None


def all_matches(sentences: Iterable[Sentence], text: str) -> list[tuple[Sentence, Match]]:
    """Every template that fits, in declaration order."""
    return [(sentence, found) for sentence in sentences if (found := match(sentence.template, text)) is not None]


_TOKEN = re.compile(r"\{[^{}]*\}|[\[\]()|]|[^\s\[\]()|{}]+")


class _Parser:
    """Recursive descent: alternatives := sequence ('|' sequence)*; sequence := item*."""

    def __init__(self, source: str, types: Mapping[str, SlotType]) -> None:
        self.source = source
        self.types = types
        self.tokens = _TOKEN.findall(source)
        self.pos = 0
        self.slots: dict[str, tuple[str, SlotType]] = {}

    def alternatives(self) -> tuple[str, list[frozenset[str]]]:
        """The regex of one or more sequences, and the words any text it fits needs (see `Template.needs`):
        a word of each of the one sequence's needs; of several, one of the words each of them needs first."""
        options = [self.sequence()]
        while self._peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        if len(options) == 1:
            return options[0]
        needs = [frozenset().union(*(needed[0] for _, needed in options))] if all(n for _, n in options) else []
        return "(?:" + "|".join(body for body, _ in options) + ")", needs

    def sequence(self) -> tuple[str, list[frozenset[str]]]:
        parts: list[str] = []
        needs: list[frozenset[str]] = []
        words: list[str] = []
        while (token := self._peek()) is not None and token not in "|])":
            if token in "[(" or token.startswith("{"):
                parts.append(_literal(words, needs))
                words = []
                if token in "[(":
                    body, needed = self._group()
                    parts.append(body)
                    needs += needed
                else:
                    parts.append(self._slot(token))
            else:
                words.append(token)
                self.pos += 1
        parts.append(_literal(words, needs))
        return "".join(parts), needs

    def _group(self) -> tuple[str, list[frozenset[str]]]:
        opening = self.tokens[self.pos]
        closing = "]" if opening == "[" else ")"
        self.pos += 1
        inner, needs = self.alternatives()
        if self._peek() != closing:
            raise TemplateError(f"{self.source!r}: {opening!r} is not closed by {closing!r}")
        self.pos += 1
        return (f"(?:{inner})?", []) if opening == "[" else (f"(?:{inner})", needs)

    def _slot(self, token: str) -> str:
        self.pos += 1
        name, _, type_name = token[1:-1].partition(":")
        name, type_name = name.strip(), (type_name.strip() or name.strip())
        if not name.isidentifier():
            raise TemplateError(f"{self.source!r}: bad slot name {name!r}")
        slot = self.types.get(type_name, BUILTIN_SLOTS["text"] if type_name == name else None)
        if slot is None:
            raise TemplateError(f"{self.source!r}: unknown slot type {type_name!r}")
        group = f"{name}__{len(self.slots)}"
        self.slots[group] = (name, slot)
        return f"(?P<{group}>{slot.pattern}) "

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None


def _literal(words: list[str], needs: list[frozenset[str]]) -> str:
    """The regex of template words; each of them is added to `needs`."""
    tokens = normalize(" ".join(words)) if words else []
    needs += [frozenset([token]) for token in tokens]
    return "".join(re.escape(token) + " " for token in tokens)
