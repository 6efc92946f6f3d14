"""Questions about the home ("is the back door locked", "which lights are on") as get_state calls.

A question is read into what it asks (question.py): a state word such as "low" or "open", a
measurement such as the temperature, or the whole state; about what (named devices, names.py;
kind words, sensed nouns such as "smoke" or "batteries"), where (an area, a floor, "here") and how
many (one, any, all, which, count). choosing.py and fitting.py pick the devices that can answer;
unanswered.py says why none can. agent/replies/answers.py words the answer from their live states.
Every word compared comes from the language file; names come from the registry.
"""

from __future__ import annotations

from dataclasses import replace

from agent.understanding.commands import Reading
from agent.understanding.frames import Frame
from agent.understanding.language import language
from agent.understanding.queries.choosing import choose
from agent.understanding.queries.names import names_heard
from agent.understanding.queries.question import VOCABULARY, Question, read_question
from agent.understanding.queries.unanswered import missing_thing, nothing_found
from agent.understanding.targets import Targets
from agent.turn.context import TurnContext
from agent.turn.plan import GetState
from devices.model import Device
from devices.registry import Registry

__all__ = ["query_call"]

WORDS = language().questions


def query_call(frame: Frame, targets: Targets, registry: Registry,
               context: TurnContext | None = None) -> tuple[Reading, Frame]:
    """A get_state call (which devices, which attribute, the value asked about, and how many), or why
    there is none; with the frame whose words the question understood are no longer unknown."""
    named, unnamed = names_heard(frame, registry)
    question = read_question(frame, named, unnamed)
    frame = _forget_understood(frame, question)
    missing = None if named else missing_thing(frame, question, registry)
    if missing is not None:
        return missing, frame
    area, floor = _place(frame, targets, context, question, named)
    devices, attribute, value = choose(question, named, registry, targets, area, floor)
    if not devices:
        return nothing_found(frame, question, targets), frame
    return [GetState(tuple(d.id for d in devices), attribute, value, question.quantifier)], frame  # type: ignore[arg-type]


def _place(frame: Frame, targets: Targets, context: TurnContext | None, question: Question,
           named: list[Device]) -> tuple[str | None, str | None]:
    area = next((m.ids[0] for m in frame.mentions if m.type == "area"), None)
    floor = next((m.ids[0] for m in frame.mentions if m.type == "floor"), None)
    if area or floor or frame.house or named:
        return area, floor
    if frame.here and context is not None and context.area:
        return context.area, None
    if question.quantifier == "one" and context is not None and context.area and \
            (question.attribute == "temperature" or question.value in WORDS.feel):
        return context.area, None
    return None, None


def _forget_understood(frame: Frame, question: Question) -> Frame:
    """Words the question vocabulary understood are not unknown names (they don't lower confidence)."""
    understood = {frame.tokens[i] for i in question.used}
    unknown = tuple(w for w in frame.unknown if w not in understood and w not in VOCABULARY)
    return replace(frame, unknown=unknown)
