"""Runs evaluation cases over the real embedded broker and virtual home, one fresh home per case."""

from __future__ import annotations

import copy
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from agent.app import build_assistant, build_planner, load_skills
from agent.turn.assistant import Assistant
from agent.config import Settings
from agent.evaluation.cases import Case, CaseResult, CaseTurn, load_cases, run_case
from agent.memory.store import HouseholdStore
from agent.turn.context import TurnContext, TurnResult
from agent.turn.plan import Plan
from devices.household import Household, load_household
from devices.model import State
from devices.runtime import DeviceRuntime

if TYPE_CHECKING:
    from agent.llm.planner import LlmPlanner

log = logging.getLogger(__name__)

AssistantFactory = Callable[[DeviceRuntime, Household, Settings, HouseholdStore], Assistant]


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
                assistant = make_assistant(runtime, household, run_settings, store)
                results.append(_run_one(case, runtime, household, assistant))
            database.unlink()
    return results


def default_assistant_factory() -> AssistantFactory:
    """Assistants built like the App's; every case gets its own copy of the seeded household
    database (nothing leaks between cases), and the LLM planner is built once per run."""
    planners: list[LlmPlanner | None] = []

    def make(runtime: DeviceRuntime, household: Household, settings: Settings, store: HouseholdStore) -> Assistant:
        skills = load_skills(runtime.registry, household, settings, store)
        if not planners:
            planners.append(build_planner(runtime.registry, household, settings, skills))
        return build_assistant(runtime.registry, runtime.controller, household, settings, store, skills, planners[0])

    return make


def _run_one(case: Case, runtime: DeviceRuntime, household: Household, assistant: Assistant) -> CaseResult:
    reset_home(runtime, household, case.setup)
    context = TurnContext(area=case.area, person=case.person, now=case.moment)

    def run_turn(case: Case, turn: CaseTurn) -> tuple[TurnResult, dict[str, State], dict[str, State]]:
        before = runtime.registry.states.snapshot()
        if turn.utterance is None:  # time passing alone: nothing is said, the checks still apply
            return TurnResult("", "", Plan()), before, before
        try:
            result = assistant.turn(turn.utterance, context)
        except Exception as error:  # a crash fails the case; the run goes on
            log.exception("case %s crashed", case.id)
            result = TurnResult(turn.utterance, f"CRASH: {error!r}", plan=None, path="none")  # type: ignore[arg-type]
        return result, before, runtime.registry.states.snapshot()

    return run_case(case, run_turn)


def reset_home(runtime: DeviceRuntime, household: Household, setup: dict[str, State]) -> None:
    """Put every device back to its initial state plus the case's setup, and wait until it is seen."""
    wanted = {d.id: {**d.initial, **setup.get(d.id, {})} for d in household.devices}
    runtime.reset(wanted)
