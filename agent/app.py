"""Wires the parts together from settings: household, devices over MQTT, memory, skills, the Assistant."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self
from zoneinfo import ZoneInfo

from agent.turn.assistant import Assistant
from agent.config import Settings
from agent.memory.history import HistoryWriter
from agent.memory.learning import CorrectionLearner
from agent.turn.plan import Plan, RunRoutine
from agent.turn.scheduler import Scheduler
from agent.memory.store import HouseholdStore, database_path, open_store
from agent.turn.context import TurnContext
from devices.errors import StoreError
from devices.household import Household, Routine, load_household
from devices.registry import Registry
from devices.runtime import DeviceRuntime
from skills.api import Announce, SkillContext, log_announcement
from agent.skill_host import SkillRegistry

if TYPE_CHECKING:
    from agent.llm.planner import LlmPlanner

log = logging.getLogger(__name__)


@dataclass
class App:
    """A running homebody: close it to stop what it started (broker, virtual home, threads)."""

    settings: Settings
    household: Household
    runtime: DeviceRuntime
    assistant: Assistant
    store: HouseholdStore | None = None
    history: HistoryWriter | None = None
    skills: SkillRegistry | None = None
    """The skills that loaded and those that failed (the web page's skills list)."""
    closers: list[Any] = field(default_factory=list)

    @classmethod
    def start(cls, settings: Settings, virtual: bool | None = None, routines_on_time: bool = False,
              announce: Announce | None = None) -> App:
        """`announce` says what skills say unprompted (a timer ringing); by default it is printed."""
        household = load_household(settings.household.file or None)
        runtime = DeviceRuntime.start(settings.mqtt, household, virtual=virtual)
        try:
            return cls._assemble(settings, household, runtime, routines_on_time, announce or print_announcement)
        except Exception:
            runtime.close()
            raise

    @classmethod
    def _assemble(cls, settings: Settings, household: Household, runtime: DeviceRuntime,
                  routines_on_time: bool, announce: Announce) -> App:
        store = _open_memory(settings, household)
        if store is not None:
            household.routines = store.routines() or household.routines
        skills = load_skills(runtime.registry, household, settings, store, announce=announce)
        planner = build_planner(runtime.registry, household, settings, skills)
        assistant = build_assistant(runtime.registry, runtime.controller, household, settings, store, skills, planner,
                                    announce=announce)
        app = cls(settings, household, runtime, assistant, store, skills=skills)
        if planner is not None:
            app.closers.append(planner.close)
        app.closers.append(skills.close)
        if store is not None:
            app.history = HistoryWriter(store)
            assistant.observers += [app.history.record_turn, CorrectionLearner(app.history, runtime.registry)]
            runtime.registry.states.add_listener(app.history.record_state_change)
        scheduler = build_scheduler(assistant, skills, store, household, runtime.registry,
                                    routines_on_time=routines_on_time)
        scheduler.start()
        app.closers.append(scheduler.close)
        return app

    def ready(self) -> None:
        """A process that stays (run, listen, serve) is ready to listen: it starts the skills and compiles their
        sentences in the background, well before anyone has finished saying a command (a turn that comes sooner
        waits for them). Started earlier, beside the models' loading, this made homebody's start 1.6 s slower."""
        if self.skills is not None:
            threading.Thread(target=self.skills.compile_sentences, name="start-skills", daemon=True).start()

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        if self.history is not None:
            self.history.close()
        if self.store is not None:
            self.store.close()
        self.runtime.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def build_assistant(registry: Registry, controller: Any, household: Household, settings: Settings,
                    store: HouseholdStore | None, skills: SkillRegistry, planner: LlmPlanner | None = None,
                    announce: Announce = log_announcement, clock: Callable[[], datetime] | None = None) -> Assistant:
    """The Assistant with whatever memory and skills are available; the evaluation builds it the same way."""
    from agent.llm.answers import OpenAnswers

    return Assistant(registry, controller, household, settings,
                     sources=[skills], skill_runner=skills.run, planner=planner,
                     preferences=store.preference if store is not None else None, abilities=skills.abilities,
                     answers=OpenAnswers.from_settings(settings.llm), store=store, announce=announce, clock=clock)


def build_scheduler(assistant: Assistant, skills: SkillRegistry, store: HouseholdStore | None, household: Household,
                    registry: Registry, clock: Callable[[], datetime] | None = None,
                    routines_on_time: bool = True) -> Scheduler:
    """The one clock: later commands, automations, the skills' ticks and (when asked) routines at their time."""
    zone = ZoneInfo(household.home.timezone)
    scheduler = Scheduler(store, clock or (lambda: datetime.now(zone)), run_later=assistant.plans.run_later,
                          on_state=assistant.plans.on_state, tick_skills=skills.tick,
                          routines=household.routines if routines_on_time else [],
                          run_routine=lambda routine: _run_routine(assistant, routine))
    scheduler.follow(registry.states)
    return scheduler


def _run_routine(assistant: Assistant, routine: Routine) -> None:
    """A routine that fell due: run it as if someone had asked for it."""
    plan = Plan([RunRoutine(routine.id)], confidence=1.0, path="none")
    results = assistant.executor.run(plan, TurnContext())
    log.info("routine %s ran on time: %s", routine.id, [o.status for r in results for o in r.outcomes])


def build_planner(registry: Registry, household: Household, settings: Settings,
                  skills: SkillRegistry) -> LlmPlanner | None:
    """The LLM planner unless understanding.llm is off or no model is configured (one line says which);
    the model loads on first use, or now in the background when llm.load_at_start is set. A missing
    model is logged once and the recognizer carries on."""
    from agent.llm.backends import llm_use

    use = llm_use(settings.understanding.llm, settings.llm)
    log.log(logging.WARNING if use.warn else logging.INFO, use.message)
    if use.mode == "off":
        return None
    from agent.llm.planner import LlmPlanner
    from agent.llm.tools import device_tools

    planner = LlmPlanner.from_settings(settings.llm, registry, household.routines, [*device_tools(), *skills.tools()])
    if settings.llm.load_at_start:
        threading.Thread(target=planner.start, name="llm-prime", daemon=True).start()
    return planner


def load_skills(registry: Registry, household: Household, settings: Settings, store: HouseholdStore | None,
                announce: Announce = log_announcement, clock: Callable[[], datetime] | None = None) -> SkillRegistry:
    """Every installed skill (built-ins through the same entry points), each with its own context and a
    folder of its own beside the household's database."""
    database = store.path if store is not None else database_path(settings.household, household)
    context = SkillContext(ZoneInfo(household.home.timezone), registry=registry, store=store, announce=announce,
                           clock=clock, data_dir=database.parent / "skills" / database.stem)
    return SkillRegistry.discover(context, settings.skills)


def print_announcement(text: str, area: str | None, *, alarm: bool = False) -> None:
    """Speaking later (a timer ringing) where nobody is typing; the text console re-shows its prompt after."""
    print(f"\nhomebody ({area or 'everywhere'})> {text}", flush=True)


def _open_memory(settings: Settings, household: Household) -> HouseholdStore | None:
    """The household database, or None with a clear log line: devices keep working without it."""
    try:
        return open_store(settings.household, household)
    except StoreError as error:
        log.error("household memory unavailable, carrying on without it: %s", error)
        return None
