"""Sound-alike repairs: the household's words that Whisper heard as other words.

tiny.en hears "desk lamp" as "best lamp", "space heater" as "spacekeeper", "fan" as "fire",
"green" as "screen", and the right words are rarely among its beam's hypotheses. Yet forced
through the decoder against the same audio (`Transcriber.score`), the right text comes within
a few nats of what was heard, while an unrelated swap ("jacuzzi" for "heater") falls far
behind. So each word of a transcript that neither the household nor the matcher knows is
swapped for vocabulary that looks or sounds like it, and the audio decides between them
(`agent.voice.pipeline.VoicePipeline.select`).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from agent.understanding.normalize import CONTRACTIONS, FILLERS, OPENERS
from agent.understanding.numbers import TENS, UNITS
from agent.understanding.similarity import similarity
from agent.voice.speech_words import speech_words

_WORDS = speech_words()["soundalike"]

MIN_SIMILARITY = 50.0
"""Spelling or sound similarity (0–100) below which a word is not offered as a repair."""
PER_SPAN = 3
"""Repairs offered for one stretch of heard words (more when several are equally similar)."""
PAIRED = 6
"""The most similar repairs also offered two at a time."""
PAIRED_WITH_VERB = 3
"""The most similar repairs also offered with each lead verb."""
PARTICLES: tuple[str, ...] = tuple(_WORDS["particles"])
"""Short words a command turns on, offered for unknown words too ("the counter light stew")."""
LEAD_VERBS: tuple[str, ...] = tuple(_WORDS["lead_verbs"])
"""Offered for the first word or two, however unlike, unless the first is one of them: Whisper hears
a command's first word worst ("talk on the kitchen light", "12 all the lights", "let's the heating to 21")."""

ARTICLES: tuple[str, ...] = tuple(_WORDS["articles"])
"""After one of these a last word is a name, not a word that ends a command."""
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'%-]*")
EVERYDAY_WORDS = {*CONTRACTIONS, *FILLERS, *OPENERS, *calendar.day_name, *calendar.month_name, *_WORDS["everyday"]}
"""Words a command may hold besides the household's and the matcher's: never repaired."""


@dataclass(frozen=True)
class Repair:
    """A transcript with one stretch of words replaced by household vocabulary."""

    text: str
    start: int
    end: int
    """The replaced characters of the original text, [start, end)."""
    replacement: str
    similarity: float
    lead: bool = False
    """One of LEAD_VERBS, offered however unlike the words it replaces."""


class SoundAlikes:
    """The vocabulary a transcript may be repaired towards, and the words that need no repair."""

    def __init__(self, phrases: Iterable[str], known: Iterable[str], proper_names: Iterable[str] = (),
                 endings: Iterable[str] = ()):
        self.entries: dict[str, str] = {}
        """Compact key ("spaceheater") → the words written as Whisper writes them ("space heater", "20", "Emma")."""
        for phrase in [*proper_names, *(phrase.lower() for phrase in phrases)]:
            words = _WORD.findall(phrase.replace("_", " "))
            for size in (1, 2):
                for i in range(len(words) - size + 1):
                    written = " ".join(words[i:i + size])
                    self.entries.setdefault(compact(written), written)
        for word, value in {**UNITS, **TENS}.items():
            self.entries.setdefault(word, str(value))
        self.entries = {key: written for key, written in self.entries.items() if len(key) >= 3}
        self.entries.update({particle: particle for particle in PARTICLES})
        self.endings = {compact(word): word for word in endings}
        """Offered for the last word alone, not after an article, where "brighter" or "dimmer" ends a
        command ("make it deeper"; "the lights in the story" ends with a name)."""
        self.known = {compact(word) for word in [*known, *EVERYDAY_WORDS]} | set(self.entries) | set(self.endings)

    def repairs(self, text: str, limit: int = 8) -> list[Repair]:
        """Single swaps of one or two unknown-bearing words, and plurals run into the word after them
        (`_run_together`), `limit` of them, most similar first; then LEAD_VERBS.

        Never fewer words than were heard, but for a lead verb before two words or more: the audio
        scores a text by its tokens alone, so a text that leaves some of the speech unexplained
        would look better than it is.
        """
        words = [(m.start(), m.end(), compact(m.group())) for m in _WORD.finditer(text)]
        doubtful = [self._doubtful(words, i) for i in range(len(words))]
        found: list[Repair] = []
        for i in range(len(words)):
            for size in (1, 2):
                span = words[i:i + size]
                if len(span) < size or not any(doubtful[i:i + size]):
                    continue
                start, end = span[0][0], span[-1][1]
                heard = "".join(key for _, _, key in span)
                ends = i + size == len(words) and (i == 0 or words[i - 1][2] not in ARTICLES)
                vocabulary = self.entries | self.endings if ends else self.entries
                ranked = sorted(((similarity(heard, key), written) for key, written in vocabulary.items()
                                 if key != heard and len(written.split()) >= size), reverse=True)
                floor = max(MIN_SIMILARITY, ranked[PER_SPAN - 1][0] if len(ranked) >= PER_SPAN else 0.0)
                found += [Repair(splice(text, start, end, written), start, end, written, score)
                          for score, written in ranked if score >= floor]  # those tied with the last in too
        found += self._run_together(text, words)
        unique: dict[str, Repair] = {}
        for repair in sorted(found, key=lambda r: -r.similarity):
            unique.setdefault(repair.text, repair)
        leads = [repair for repair in self._lead_verbs(text, words) if repair.text not in unique]
        return list(unique.values())[:limit] + leads

    def _run_together(self, text: str, words: list[tuple[int, int, str]]) -> list[Repair]:
        """A plural's "s" heard as the start of the short word after it ("light son", "light song" for "lights
        on"): the "s" given back to the word before, where that plural is a word here, and the rest offered the
        PARTICLES it is like. The word heard may be one known ("song"): it is the boundary that was misheard."""
        found = []
        for i in range(1, len(words)):
            (start, before_end, before), (_, end, key) = words[i - 1], words[i]
            if len(key) > 1 and key.startswith("s") and f"{before}s" in self.known:
                said = [(similarity(key[1:], particle), f"{text[start:before_end]}s {particle}") for particle in PARTICLES]
                found += [Repair(splice(text, start, end, written), start, end, written, score)
                          for score, written in said if score >= MIN_SIMILARITY]
        return found

    def _lead_verbs(self, text: str, words: list[tuple[int, int, str]]) -> list[Repair]:
        """LEAD_VERBS for the first word, and for the first two, unless the first is one of them; one verb
        for two words ("Throw it on the kitchen light") only where two or more words follow."""
        if not words or words[0][2] in _LEAD_KEYS:
            return []
        spans = [words[:size] for size in (1, 2) if size < len(words)]
        return [Repair(splice(text, span[0][0], span[-1][1], verb), span[0][0], span[-1][1], verb,
                       similarity("".join(key for _, _, key in span), compact(verb)), lead=True)
                for span in spans for verb in LEAD_VERBS if len(verb.split()) >= len(span) or len(words) >= 4]

    def _doubtful(self, words: list[tuple[int, int, str]], i: int) -> bool:
        """A word to repair: one nobody here uses, or the first of a word heard twice ("Emma's light
        light" for "night light")."""
        key = words[i][2]
        return not self._is_known(key) or (i + 1 < len(words) and words[i + 1][2] == key and not key.isdigit())

    def _is_known(self, key: str) -> bool:
        return key.isdigit() or key in self.known or key.removesuffix("s") in self.known


def repaired_texts(text: str, repairs: list[Repair]) -> dict[str, float]:
    """Each repair's text, then pairs of repairs that do not overlap applied together ("Dogen Light
    Screen" → "Garden Light Green"): the most similar words with each other and with each lead
    verb; each text with its (lesser) similarity.

    A repaired text keeps a word that was heard: repairs mend what was said, they do not put
    new words in the speaker's mouth ("turn long" never becomes "good morning").
    """
    words = [repair for repair in repairs if not repair.lead][:PAIRED]
    pairs = [(a, b) for i, a in enumerate(words) for b in words[i + 1:]]
    pairs += [(verb, word) for verb in repairs if verb.lead for word in words[:PAIRED_WITH_VERB]]
    texts = {repair.text: repair.similarity for repair in repairs}
    for first, second in pairs:
        if first.end <= second.start or second.end <= first.start:
            later, earlier = sorted((first, second), key=lambda r: -r.start)
            both = splice(splice(text, later.start, later.end, later.replacement),
                           earlier.start, earlier.end, earlier.replacement)
            texts.setdefault(both, min(first.similarity, second.similarity))
    heard = _stems(text)
    return {repaired: score for repaired, score in texts.items() if heard & _stems(repaired)}


def _stems(text: str) -> set[str]:
    return {compact(word).removesuffix("s") for word in _WORD.findall(text)}


@lru_cache(maxsize=65536)
def compact(words: str) -> str:
    """Lower case letters and digits only: "Mid-side" → "midside", "Emma's" → "emmas"."""
    return re.sub(r"[^a-z0-9]", "", words.lower())


_LEAD_KEYS = {compact(verb) for verb in LEAD_VERBS}


def splice(text: str, start: int, end: int, written: str) -> str:
    """Replace text[start:end], keeping a capital the original started with; the first word gets one."""
    if text[start:start + 1].isupper() or (start == 0 and not text[:1].isalpha()):
        written = written[:1].upper() + written[1:]
    return text[:start] + written + text[end:]
