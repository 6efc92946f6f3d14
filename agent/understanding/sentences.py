"""The assistant's own sentences (the language file's [sentences]) as candidates for the recognizer.

They are compiled by the same compiler as skills' sentences, with slot types of the household:
`{device}` (device names, read by the device reader's own frames and targets), `{person}` and `{area}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from agent.turn.context import TurnContext
from agent.turn.plan import Plan, tool_call
from agent.understanding.frames import read_frame
from agent.understanding.language import language
from agent.understanding.matcher import Matcher
from agent.understanding.normalize import normalize
from agent.understanding.recognizer import Candidate, sentence_candidate
from agent.understanding.targets import resolve
from agent.understanding.templates import BUILTIN_SLOTS, FREE_TEXT, Match, Sentence, SlotType, choice, compile_template
from agent.understanding.templates import match as fit_of
from agent.understanding.templates import sentence_text
from devices.household import Area

People = Callable[[], Mapping[str, str]]
"""Person id -> spoken name, as the household knows them now."""
SOURCE = "assistant"


@dataclass
class AssistantSentences:
    """A candidate source: every sentence of the assistant's own that fits an utterance."""

    matcher: Matcher
    people: People = dict
    _compiled: list[Sentence] = field(default_factory=list)
    _key: tuple[int, tuple[tuple[str, str], ...]] | None = None

    def candidates(self, text: str, context: TurnContext, free_cost: Callable[[Match], float]) -> list[Candidate]:
        said = sentence_text(text)
        found = []
        for sentence in self._sentences():
            fit = fit_of(sentence.template, said)
            if fit is not None:
                tool, args = sentence.target
                plan = Plan([tool_call(tool, {**fit.values, **args})], path="matcher")
                found.append(sentence_candidate(plan, fit, SOURCE, free_cost))
        return found

    def _sentences(self) -> list[Sentence]:
        people = tuple(sorted(self.people().items()))
        key = (self.matcher.registry.version, people)
        if key != self._key:
            types = {**BUILTIN_SLOTS, "device": self._device_slot(), "person": _person_slot(dict(people)),
                     "area": area_slot(self.matcher.registry.areas.values())}
            self._compiled = [Sentence(compile_template(source, types), (group.tool, dict(group.args)))
                              for group in language().sentences.values() for source in group.templates]
            self._key = key
        return self._compiled

    def _device_slot(self) -> SlotType:
        """Devices named as the device reader reads names: "the heating", "the kitchen lights"."""
        def devices(text: str) -> tuple[str, ...] | None:
            frame = read_frame(normalize(text), self.matcher.index)
            if frame.unknown or not frame.mentions:
                return None
            found = resolve(frame, self.matcher.registry, TurnContext()).devices
            return tuple(d.id for d in found) or None

        return SlotType(FREE_TEXT, devices)


def _person_slot(people: Mapping[str, str]) -> SlotType:
    phrases = {phrase: pid for pid, name in people.items() for phrase in (name, name.split()[0], pid.replace("_", " "))}
    return choice(phrases)


def area_slot(areas: Iterable[Area]) -> SlotType:
    """The household's rooms by any name they have: "the sitting room", "the lounge"."""
    return choice({phrase: a.id for a in areas for phrase in (a.name, *a.aliases, a.id.replace("_", " "))})
