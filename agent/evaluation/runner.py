"""Runs evaluation cases over the real embedded broker and virtual home, one fresh home per case."""

from __future__ import annotations

import copy
import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from agent.app import build_assistant, build_planner, build_scheduler, load_skills
from agent.turn.assistant import Assistant
from agent.config import Settings
from agent.evaluation.cases import Case, CaseResult, CaseTurn, load_cases, run_case
from agent.memory.store import HouseholdStore
from agent.turn.context import TurnContext, TurnResult
from agent.turn.plan import Plan
from agent.turn.scheduler import Scheduler
from devices.errors import HomebodyError
from devices.household import Household, load_household
from devices.model import State
from devices.runtime import DeviceRuntime

if TYPE_CHECKING:
    from agent.llm.planner import LlmPlanner

log = logging.getLogger(__name__)

class VirtualClock:
    """The evaluation's clock: it stands still between turns and moves only when a case says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class CaseWorld:
    """What one case runs against: its clock, what is said unprompted, and the assistant's scheduler."""

    clock: VirtualClock
    announcements: list[str] = field(default_factory=list)

    def announce(self, text: str, area: str | None, *, alarm: bool = False) -> None:
        self.announcements.append(text)


AssistantFactory = Callable[[DeviceRuntime, Household, Settings, HouseholdStore, CaseWorld],
                            tuple[Assistant, Scheduler]]
"""Builds a case's assistant (and the scheduler that drives its clock) on the run's home and database."""


def evaluate(case_files: list[str], settings: Settings, home: str | None,
             make_assistant: AssistantFactory | None = None) -> list[CaseResult]:
    """Every case of every file against one embedded broker and one virtual home, reset per case."""
    household = load_household(home)
    cases = [case for path in case_files for case in load_cases(Path(path))]
    run_settings = copy.deepcopy(settings)
    run_settings.mqtt.host = ""
    make_assistant = make_assistant or default_assistant_factory()
    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="homebody-eval-") as folder, \
            DeviceRuntime.start(run_settings.mqtt, household, virtual=True) as runtime:
        seeded = Path(folder) / "seeded.db"
        run_settings.household.database = str(seeded)  # whatever reads the setting stays in the run's folder
        with HouseholdStore(seeded) as store:
            store.seed(household)
        for number, case in enumerate(cases):
            database = Path(folder) / f"case-{number}.db"
            shutil.copyfile(seeded, database)
            with HouseholdStore(database) as store:
                world = CaseWorld(VirtualClock(_aware(case.moment, household)))
                assistant, scheduler = make_assistant(runtime, household, run_settings, store, world)
                try:
                    results.append(_run_one(case, runtime, household, assistant, scheduler, world))
                finally:
                    scheduler.close()
            database.unlink()
    return results


def default_assistant_factory() -> AssistantFactory:
    """Assistants built like the App's; every case gets its own copy of the seeded household
    database (nothing leaks between cases), and the LLM planner is built once per run."""
    planners: list[LlmPlanner | None] = []

    def make(runtime: DeviceRuntime, household: Household, settings: Settings, store: HouseholdStore,
             world: CaseWorld) -> tuple[Assistant, Scheduler]:
        skills = load_skills(runtime.registry, household, settings, store, world.announce, world.clock)
        if not planners:
            planners.append(build_planner(runtime.registry, household, settings, skills))
        assistant = build_assistant(runtime.registry, runtime.controller, household, settings, store, skills,
                                    planners[0], world.announce, world.clock)
        return assistant, build_scheduler(assistant, skills, store, household, runtime.registry, world.clock)

    return make


def _run_one(case: Case, runtime: DeviceRuntime, household: Household, assistant: Assistant, scheduler: Scheduler,
             world: CaseWorld) -> CaseResult:
    try:
        reset_home(runtime, household, case.setup)
    except HomebodyError as error:  # the case cannot be judged; the run goes on
        log.error("case %s: %s", case.id, error)
        return CaseResult(case.id, False, case.tags, [f"the home could not be set up: {error}"], [])
    scheduler.settle()  # the reset is no event of the case's
    context = TurnContext(area=case.area, person=case.person, now=world.clock.now)

    def run_turn(case: Case, turn: CaseTurn) -> tuple[TurnResult, dict[str, State], dict[str, State]]:
        before = _advance(turn, runtime, household, scheduler, world)
        context.area = turn.area or case.area
        context.person = turn.person or case.person
        context.now = world.clock.now
        if turn.utterance is None:  # time passing alone: nothing is said, the checks still apply
            return TurnResult("", "", Plan()), before, runtime.registry.states.snapshot()
        try:
            result = assistant.turn(turn.utterance, context)
        except Exception as error:  # a crash fails the case; the run goes on
            log.exception("case %s crashed", case.id)
            result = TurnResult(turn.utterance, f"CRASH: {error!r}", plan=None, path="none")  # type: ignore[arg-type]
        scheduler.settle()
        return result, before, runtime.registry.states.snapshot()

    return run_case(case, run_turn, lambda: _said_since(world))


def _advance(turn: CaseTurn, runtime: DeviceRuntime, household: Household, scheduler: Scheduler,
             world: CaseWorld) -> dict[str, State]:
    """The clock moves to the turn's time (what falls due on the way happens, in order), then the world changes
    as the turn says; the state before the turn is the state after that."""
    if turn.now is not None:
        moment = _aware(datetime.fromisoformat(turn.now), household)
        scheduler.advance(moment)
        world.clock.now = moment
    if turn.setup:
        runtime.report(turn.setup)
        scheduler.settle()
    return runtime.registry.states.snapshot()


def _said_since(world: CaseWorld) -> list[str]:
    said, world.announcements[:] = list(world.announcements), []
    return said


def _aware(moment: datetime, household: Household) -> datetime:
    zone = ZoneInfo(household.home.timezone)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def reset_home(runtime: DeviceRuntime, household: Household, setup: dict[str, State]) -> None:
    """Put every device back to its initial state plus the case's setup, and wait until it is seen."""
    wanted = {d.id: {**d.initial, **setup.get(d.id, {})} for d in household.devices}
    runtime.reset(wanted)
