"""Device intents: device commands the language file writes as templates ([intents]), read per clause.

They are compiled by the same compiler as skills' and the assistant's sentences. A clause that fits one of
them whole is read as the intent says ("stop the music": pause, where the words one by one say "switch the
player off"); its `{target}` is read for names, places and scope by the frame reader, so a template never
lists a household's names. A clause no intent fits is read word by word (agent/understanding/frames.py).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from agent.understanding.frames import Frame, read_frame
from agent.understanding.language import language
from agent.understanding.mentions import Mention, NameIndex
from agent.understanding.phrase_tables import DeviceIntent
from agent.understanding.templates import BUILTIN_SLOTS, FREE_TEXT, Sentence, SlotType, best_match, choice, compile_template

TARGET = "target"


@cache
def compiled_intents() -> tuple[Sentence, ...]:
    words = language()
    types = {**BUILTIN_SLOTS, TARGET: SlotType(FREE_TEXT),
             **{name: choice({word: word for word in said}) for name, said in words.intent_words.items()}}
    return tuple(Sentence(compile_template(source, types), intent)
                 for intent in words.intents.values() for source in intent.templates)


def intent_frame(tokens: list[str], index: NameIndex) -> Frame | None:
    """The frame of a clause that fits a device intent whole; None when none fits, or when its target says a
    command, a question or a value of its own (then the clause's words decide, one by one)."""
    fit = best_match(compiled_intents(), "".join(f"{token} " for token in tokens if token != ","))
    if fit is None:
        return None
    sentence, found = fit
    intent: DeviceIntent = sentence.target
    target = str(found.values.get(TARGET, "")).split()
    if not target:
        return Frame(tuple(tokens), action=intent.action, attribute=intent.attribute)
    read = read_frame(target, index)
    if read.action or read.question or read.has_value or read.when:
        return None
    offset = _last_place(tokens, target)
    return replace(read, tokens=tuple(tokens), action=intent.action, attribute=intent.attribute or read.attribute,
                   mentions=_moved(read.mentions, offset), excluded=_moved(read.excluded, offset), target_slot=True)


def _last_place(tokens: list[str], part: list[str]) -> int:
    """Where `part` last starts in `tokens` (a template's target comes after its words)."""
    return max((i for i in range(len(tokens) - len(part) + 1) if tokens[i:i + len(part)] == part), default=0)


def _moved(mentions: tuple[Mention, ...], offset: int) -> tuple[Mention, ...]:
    """Mentions of the target as positions of the whole clause."""
    return tuple(replace(m, start=m.start + offset, end=m.end + offset) for m in mentions)
