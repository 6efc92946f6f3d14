"""The one clock's cost: a tick of the scheduler with many things pending, and the everyday cases' evaluation.

`scheduler_tick_ms` times one advance of one second with 1,000 pending items (later commands,
reminders and alarms spread over a week, none due), as the live clock does every second;
`scheduler_tick_10k_ms` the same with 10,000. Each tick includes the built-in skills' ticks (timers,
reminders and alarms), on the example household. `everyday_eval_s` is the whole everyday case file on
the reference household, when the shared data is present.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.evaluation.benchmarks import SHARED_EVAL
from agent.evaluation.cases import percentiles
from agent.memory.records import Pending
from agent.memory.store import HouseholdStore
from agent.turn.scheduler import Scheduler

if TYPE_CHECKING:
    from agent.skill_host import SkillRegistry

START = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Europe/London"))
KINDS = ("later", "reminder", "alarm")


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="homebody-bench-") as folder:
        results = {"scheduler_tick_ms": _ticks(Path(folder) / "1k.db", 1_000),
                   "scheduler_tick_10k_ms": _ticks(Path(folder) / "10k.db", 10_000)}
    results.update(_everyday())
    return results


def _ticks(database: Path, count: int, ticks: int = 300) -> dict[str, float]:
    with HouseholdStore(database) as store:
        for n in range(count):
            due = START + timedelta(hours=1, seconds=n * 600_000 / count)
            store.add_pending(Pending(f"item-{n}", KINDS[n % 3], {"call": {}}, due.timestamp(), None, None, None,
                                      f"item {n}", START.timestamp()))
        now = [START]
        skills = _skills(store, lambda: now[0])
        scheduler = Scheduler(store, lambda: now[0], tick_skills=skills.tick)
        times = []
        for _ in range(ticks):
            now[0] += timedelta(seconds=1)
            started = time.perf_counter()
            scheduler.advance(now[0])
            times.append((time.perf_counter() - started) * 1000)
        skills.close()
    return percentiles(times)


def _skills(store: HouseholdStore, clock: Callable[[], datetime]) -> SkillRegistry:
    from agent.app import load_skills
    from agent.config import Settings
    from devices.household import load_household
    from devices.registry import Registry

    household = load_household()
    settings = Settings()
    settings.household.database = str(store.path)
    return load_skills(Registry.from_household(household), household, settings, store, clock=clock)


def _everyday() -> dict[str, Any]:
    cases = SHARED_EVAL / "cases" / "everyday.jsonl"
    if not cases.exists():
        return {}
    from agent.config import Settings
    from agent.evaluation.runner import evaluate

    settings = Settings()
    settings.understanding.llm = "off"
    started = time.perf_counter()
    results = evaluate([str(cases)], settings, str(SHARED_EVAL / "home.toml"))
    return {"everyday_eval_s": round(time.perf_counter() - started, 2),
            "everyday_passed": sum(r.passed for r in results), "everyday_cases": len(results)}
