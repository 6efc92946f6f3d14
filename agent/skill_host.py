"""Finds skills through the `homebody.skills` entry points and runs them, each fenced off from the rest.

A skill that fails to import, to start or to declare itself properly is logged once and
skipped; a tool that raises or hangs costs one apology, never the assistant. The registry is
the Assistant's first understander (`understand`) and its skill runner (`run`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from agent.config import SkillSettings
from agent.turn.plan import BUILT_IN_TOOLS
from agent.turn.plan import Plan, SkillCall
from agent.turn.context import TurnContext
from skills.api import Skill, SkillContext, SkillFactory, Turn
from agent.understanding.language import language
from agent.understanding.recognizer import Candidate, sentence_candidate
from agent.understanding.sentences import area_slot
from agent.understanding.templates import (
    BUILTIN_SLOTS, Sentence, best_match, compile_template, match, sentence_text,
)
from agent.understanding.templates import Match

if TYPE_CHECKING:
    from langchain_core.tools import BaseTool

log = logging.getLogger(__name__)

WORDS = language()
REPLIES = WORDS.replies

GROUP = "homebody.skills"


class ToolTimeout(Exception):
    """A skill's tool did not return within the time limit."""


@dataclass
class SkillFailure:
    """A skill that was skipped, and why (shown by `homebody skills`)."""

    name: str
    source: str
    """The entry point's target, e.g. `homebody_shopping_list:skill`."""
    error: str


Factories = Iterable[tuple[str, str, SkillFactory | Exception]]
"""`(name, source, factory)` of each skill; an Exception in place of a factory is an import that failed."""


@dataclass
class SkillRegistry:
    """The skills that loaded, their tools by name and their compiled sentences."""

    context: SkillContext
    tool_timeout: float = SkillSettings.tool_timeout
    """Seconds a tool may run before the user gets an apology instead."""

    def __post_init__(self) -> None:
        self._skills: list[Skill] = []
        self._failures: list[SkillFailure] = []
        self._tools: dict[str, tuple[Skill, BaseTool, bool]] = {}
        """Tool name -> its skill, the tool, and whether it takes the turn (`turn` injected)."""
        self._candidates: list[Sentence] = []
        self._unstarted: Factories | None = None
        """The skills `discover` found, until the first use starts them."""
        self._starting = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @classmethod
    def discover(cls, context: SkillContext, settings: SkillSettings | None = None) -> SkillRegistry:
        """Every installed skill: built-ins first, then plugins, each by its entry-point name. They are imported
        and started at the registry's first use (or by `load`): a skill's tools are LangChain tools, and importing
        langchain-core is 0.6 s of a 3 s start, which a process that stays spends once it listens (`App.ready`)."""
        found = sorted(entry_points(group=GROUP), key=lambda ep: (not ep.value.startswith("skills."), ep.name))
        registry = cls(context, (settings or SkillSettings()).tool_timeout)
        registry._unstarted = _loaded(found)
        return registry

    @classmethod
    def from_factories(cls, factories: Factories, context: SkillContext,
                       tool_timeout: float = SkillSettings.tool_timeout) -> SkillRegistry:
        """Start each of these skills now."""
        registry = cls(context, tool_timeout)
        registry._start(factories)
        return registry

    def load(self) -> None:
        """Start the skills `discover` found, once; every seam below calls it first (after, it returns at once)."""
        if self._unstarted is None:
            return
        with self._starting:  # a use while another thread starts them waits for them all
            if self._unstarted is not None:
                self._start(self._unstarted)
                self._unstarted = None

    def _start(self, factories: Factories) -> None:
        for name, source, factory in factories:
            try:
                if isinstance(factory, Exception):
                    raise factory
                self._add(factory(self._context_for(name)))
            except Exception as error:  # a plugin's bug of any kind must not stop the others
                log.error("skill %s (%s) skipped: %s", name, source, error, exc_info=error)
                self._failures.append(SkillFailure(name, source, f"{type(error).__name__}: {error}"))
        log.info("skills: %s", ", ".join(s.name for s in self._skills) or "none")

    @property
    def skills(self) -> list[Skill]:
        """The skills that started."""
        self.load()
        return self._skills

    @property
    def failures(self) -> list[SkillFailure]:
        """The skills that were skipped, and why."""
        self.load()
        return self._failures

    def _context_for(self, name: str) -> SkillContext:
        data_dir = self.context.data_dir / name if self.context.data_dir is not None else None
        return dataclasses.replace(self.context, data_dir=data_dir)

    def _add(self, skill: Skill) -> None:
        """Check the declaration whole, then register it: a skill is taken entirely or not at all."""
        if not isinstance(skill, Skill):
            raise TypeError(f"the factory returned {type(skill).__name__}, not a Skill")
        names = [tool.name for tool in skill.tools]
        taken = [n for n in names if n in BUILT_IN_TOOLS or n in self._tools or names.count(n) > 1]
        if taken:
            raise ValueError(f"tool name already in use: {', '.join(sorted(set(taken)))}")
        candidates = self._compile(skill)
        self._skills.append(skill)
        self._tools.update({tool.name: (skill, tool, _takes_turn(tool)) for tool in skill.tools})
        self._candidates += candidates

    def _compile(self, skill: Skill) -> list[Sentence]:
        areas = self.context.registry.areas.values() if self.context.registry is not None else []
        types = {**BUILTIN_SLOTS, "area": area_slot(areas), **skill.slots}
        candidates = []
        for sentences in skill.sentences:
            if skill.tool(sentences.tool) is None:
                raise ValueError(f"sentences for {sentences.tool!r}, which is not one of its tools")
            for source in sentences.templates:
                target = (skill, sentences.tool, sentences.args)
                candidates.append(Sentence(compile_template(source, types), target))
        return candidates

    # -- the Assistant's seams ------------------------------------------------------------------

    def candidates(self, text: str, context: TurnContext, free_cost: Callable[[Match], float] = lambda fit: 0.0,
                   ) -> list[Candidate]:
        """A candidate source for the recognizer: every skill sentence that fits, scored."""
        self.load()
        said = sentence_text(text)
        candidates = []
        for sentence in self._candidates:
            skill, tool, args = sentence.target
            try:
                fit = match(sentence.template, said)
            except Exception:  # a skill's own slot type failed: the other readings still count
                log.exception("skill %s: its sentence %r failed on %r", skill.name, sentence.template.source, text)
                continue
            if fit is not None:
                plan = Plan([SkillCall(tool, {**fit.values, **args})], path="matcher")
                candidates.append(sentence_candidate(plan, fit, skill.name, free_cost))
        return candidates

    def understand(self, text: str, context: TurnContext) -> Plan | None:
        """The plan of the best skill sentence that fits, else None (what the recognizer would take from skills)."""
        found = sorted(self.candidates(text, context), key=lambda c: (-c.score, c.specificity))
        return found[0].plan if found else None

    def run(self, call: SkillCall, context: TurnContext) -> str:
        """The skill runner: the tool's spoken result, or an apology when it fails or hangs."""
        self.load()
        entry = self._tools.get(call.tool)
        if entry is None:
            return REPLIES["no_such_tool"].format(tool=call.tool.replace("_", " "))
        skill, tool, takes_turn = entry
        payload = dict(call.args)
        if takes_turn:
            payload["turn"] = self.turn(context)
        try:
            return skill.speak(tool.name, call_with_timeout(lambda: tool.invoke(payload), self.tool_timeout))
        except ToolTimeout:
            log.error("skill %s: tool %s gave no answer within %.1f s", skill.name, tool.name, self.tool_timeout)
            return REPLIES["skill_not_answering"].format(skill=_spoken(skill))
        except ValidationError as error:
            log.warning("skill %s: tool %s called with bad arguments %s: %s", skill.name, tool.name, call.args, error)
            return REPLIES["skill_missing_details"]
        except Exception:
            log.exception("skill %s: tool %s failed on %s", skill.name, tool.name, call.args)
            return REPLIES["skill_failed"].format(skill=_spoken(skill))

    def turn(self, context: TurnContext) -> Turn:
        """The turn as skills see it: its time made aware in the home's timezone."""
        zone = self.context.timezone
        if context.now is None:
            now = self.context.now()
        else:
            now = context.now.astimezone(zone) if context.now.tzinfo else context.now.replace(tzinfo=zone)
        return Turn(now, context.area, context.person)

    def describe(self) -> dict[str, Any]:
        """What is installed, as plain data: skills with their tools and examples, and the failures."""
        skills = [{"name": s.name, "description": s.description, "examples": list(s.examples),
                   "unmatched_examples": self.unmatched_examples(s),
                   "tools": [{"name": t.name, "description": t.description} for t in s.tools]} for s in self.skills]
        return {"skills": skills, "failures": [dataclasses.asdict(f) for f in self.failures]}

    def unmatched_examples(self, skill: Skill) -> list[str]:
        """The skill's examples its own sentences do not match (a mistake of its author's, which `homebody skills`
        shows; not checked at each start, where it would compile every template an example uses)."""
        self.load()
        sentences = [sentence for sentence in self._candidates if sentence.target[0] is skill]
        return [e for e in skill.examples if best_match(sentences, sentence_text(e)) is None]

    def abilities(self) -> list[str]:
        """What the installed skills let homebody do, for "what can you do"."""
        return [skill.ability for skill in self.skills if skill.ability]

    def tools(self) -> list[BaseTool]:
        """Every skill tool, for the LLM planner (beside `agent.llm.tools.device_tools()`)."""
        return [tool for skill in self.skills for tool in skill.tools]

    # -- time -----------------------------------------------------------------------------------

    def tick(self, now: datetime | None = None) -> None:
        """Let skills act on time passing (timers ring); a failing tick is logged and the rest go on. Skills not
        started yet are not started by it: the clock's first tick would start them beside the models' loading."""
        if self._unstarted is not None:
            return
        now = now or self.context.now()
        for skill in self._skills:
            if skill.tick is None:
                continue
            try:
                skill.tick(now)
            except Exception:
                log.exception("skill %s: tick failed", skill.name)

    def compile_sentences(self) -> None:
        """Compile now every sentence not compiled yet (each is compiled at its first use otherwise): a process
        that stays does it in the background once it has started, so no later turn waits for it."""
        for sentence in self._candidates:
            sentence.template.regex  # noqa: B018 - compiled on first access

    def start(self, interval: float = 1.0) -> None:
        """Tick in a background thread until `close()`."""
        self._ticker = threading.Thread(target=self._tick_loop, args=(interval,), name="skills-ticker", daemon=True)
        self._ticker.start()

    def _tick_loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.tick()

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        with self._starting:  # a start under way finishes first, one not begun never begins
            self._unstarted = None
        for skill in self._skills:
            if skill.close is not None:
                try:
                    skill.close()
                except Exception:
                    log.exception("skill %s: close failed", skill.name)


def call_with_timeout(func: Callable[[], Any], timeout: float) -> Any:
    """Run `func` in a daemon thread; ToolTimeout after `timeout` s (the thread is left to finish alone)."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread, raised there
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=target, name="skill-tool", daemon=True).start()
    if not done.wait(timeout):
        raise ToolTimeout(f"no answer within {timeout} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _loaded(found: Iterable[EntryPoint]) -> Iterable[tuple[str, str, SkillFactory | Exception]]:
    for ep in found:
        try:
            yield ep.name, ep.value, ep.load()
        except Exception as error:  # noqa: BLE001 - ImportError, or anything the module raises at import
            yield ep.name, ep.value, error


def _takes_turn(tool: BaseTool) -> bool:
    """Whether the tool declares `turn` as an injected argument (InjectedToolArg: hidden from the planner)."""
    return "turn" in getattr(tool.get_input_schema(), "model_fields", {}) and "turn" not in tool.args


def _spoken(skill: Skill) -> str:
    """A skill's name in words: "shopping list skill" ("timer skill" as it is)."""
    name, noun = skill.name.replace("_", " "), REPLIES["skill_noun"]
    return name if name.endswith(noun) else WORDS.wording.phrases.name_and_noun.format(name=name, noun=noun)
