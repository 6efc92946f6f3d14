"""Open questions ("how long should I boil an egg") answered by a capable language model, as words to say.

- Only a model able to answer is asked: `llm.endpoint`, or a GGUF file the user chose
  (`llm.model` a path or `hf:`). The packaged 135M/270M models answer nonsense: without a
  capable model `available` is False and `answer` gives None, and the caller says so honestly.
- No tools in reach: plain chat, a short system prompt and the question. Nothing of the
  household goes into the prompt (no devices, names, states or people): the class never sees them.
- Time-limited by `llm.max_seconds`; never raises.
- The answer is data, never a command: it comes back as plain text for the voice, cleaned of
  markdown and cut to two sentences, and nothing here or after it reads it as a plan.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from agent.config import LlmSettings
from agent.llm.backends import answering_model, open_model
from agent.llm.language_model import LanguageModel, Prompt
from agent.llm.remote import RemoteModel
from devices.errors import ModelUnavailable

log = logging.getLogger(__name__)

SYSTEM_PROMPT = ("You are a voice assistant answering a general question out loud. Answer in one or two "
                 "short spoken sentences of plain words: no markdown, no lists, no links, no emojis. "
                 "If you do not know, say so in a few words.")
MAX_TOKENS = 96
"""Two short sentences, with room to spare."""
MAX_QUESTION_CHARS = 500
MAX_SENTENCES = 2
MAX_ANSWER_CHARS = 320

_THINKING = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_MARKUP = re.compile(r"[*_`#>|~]+|^\s*(?:[-+•]|\d+[.)])\s+", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class OpenAnswers:
    """Answers general questions with a language model, when one able to is configured."""

    model: LanguageModel | None
    """None: no capable model is configured; every answer is None."""
    max_seconds: float = 10.0
    error: str | None = field(default=None, init=False)
    """Why answers stopped for good (a local model that cannot be loaded)."""

    @classmethod
    def from_settings(cls, settings: LlmSettings) -> OpenAnswers:
        """The configured model when it is able to answer (see `answering_model`), else none."""
        model = open_model(settings) if answering_model(settings) else None
        return cls(model, settings.max_seconds)

    @property
    def available(self) -> bool:
        """Whether a model able to answer is configured (and has not failed to load)."""
        return self.model is not None and self.error is None

    def answer(self, question: str) -> str | None:
        """One or two short plain sentences, or None: no model, an empty question, too slow, a server
        error or nothing sayable. Never raises."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not self.available or not question or self.model is None:
            return None
        started = time.perf_counter()
        prompt = Prompt(SYSTEM_PROMPT, [question])
        try:
            completion = self.model.complete(prompt, None, MAX_TOKENS, time.monotonic() + self.max_seconds)
        except ModelUnavailable as error:
            self._unavailable(error)
            return None
        except Exception:  # an answer never breaks a turn
            log.exception("answering an open question failed")
            return None
        spoken = spoken_text(completion.text, complete=completion.finished)
        log.info("open question answered in %.0f ms (%s): %r", (time.perf_counter() - started) * 1000,
                 completion.reason, spoken)
        return spoken

    def _unavailable(self, error: ModelUnavailable) -> None:
        if isinstance(self.model, RemoteModel):  # a server may come back; a missing file will not
            log.warning("open questions: %s", error)
            return
        log.error("open questions unavailable: %s", error)
        self.error = str(error)


def spoken_text(text: str, complete: bool = True) -> str | None:
    """The answer as a voice would say it: no reasoning block, markup or links, at most two sentences.

    An answer cut off mid-sentence (`complete` False) keeps only its whole sentences; None when
    nothing sayable is left.
    """
    text = _THINKING.sub(" ", text)
    text = _URL.sub("", _LINK.sub(r"\1", text))
    text = "".join(c for c in _MARKUP.sub(" ", text) if c.isprintable() or c.isspace())
    sentences = [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]
    if not complete and sentences and not sentences[-1].endswith((".", "!", "?")):
        sentences.pop()
    spoken = " ".join(sentences[:MAX_SENTENCES])
    if len(spoken) > MAX_ANSWER_CHARS:
        spoken = spoken[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return spoken if any(c.isalnum() for c in spoken) else None
