"""How words combine in what homebody says: plurals, verbs in the plural, articles, lists.

The words themselves are the language file's ([wording.grammar]); the rules that use them are here.
"""

from __future__ import annotations

from agent.understanding.language import language

GRAMMAR = language().wording.grammar


def conjugate(phrase: str, plural: bool) -> str:
    """A singular predicate made plural: "is low" -> "are low", "detects smoke" -> "detect smoke"."""
    if not plural:
        return phrase
    verb, _, rest = phrase.partition(" ")
    es_ending, ending = GRAMMAR.es_ending, GRAMMAR.plural_ending
    if verb in GRAMMAR.plural_verbs:
        verb = GRAMMAR.plural_verbs[verb]
    elif verb.endswith(tuple(f"{end}{es_ending}" for end in GRAMMAR.es_after)):
        verb = verb.removesuffix(es_ending)
    elif verb.endswith(ending) and not verb.endswith(ending * 2):
        verb = verb.removesuffix(ending)
    return f"{verb} {rest}".strip()


def plural(noun: str) -> str:
    """"light" -> "lights", "switch" -> "switches"; a word that already ends as a plural does, as it is."""
    if noun.endswith(GRAMMAR.plural_ending):
        return noun
    return noun + (GRAMMAR.es_ending if noun.endswith(GRAMMAR.es_after) else GRAMMAR.plural_ending)


def singular(word: str) -> str:
    """"lamps" -> "lamp": the plural ending taken off (a word without it, as it is)."""
    return word.removesuffix(GRAMMAR.plural_ending)


def is_plural(word: str) -> bool:
    """Whether a word is a plural noun ("doors", "lights"; not "glass", "status", "bus")."""
    word = word.lower()
    return len(word) > 3 and word.endswith(GRAMMAR.plural_ending) and not word.endswith(GRAMMAR.singular_endings)


def indefinite(noun: str) -> str:
    """"a water sensor", "an occupancy sensor"."""
    return (GRAMMAR.an if noun[:1].lower() in GRAMMAR.vowels else GRAMMAR.a).format(noun=noun)


def counted(n: int, nouns: tuple[str, str]) -> str:
    """"1 device", "6 devices", from a [singular, plural] pair."""
    return GRAMMAR.count.format(n=n, noun=nouns[0] if n == 1 else nouns[1])


def join_words(words: list[str], comma: bool = True) -> str:
    """"a, b and c" ("a and b and c" without commas)."""
    if not words:
        return ""
    last_and = f" {GRAMMAR.last_and} "
    return words[0] if len(words) == 1 else (", " if comma else last_and).join(words[:-1]) + last_and + words[-1]


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]
