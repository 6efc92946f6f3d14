"""`homebody bench`: runs the named benchmarks and returns one JSON object with stable keys."""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from agent.config import Settings

log = logging.getLogger(__name__)

#: Benchmark name -> module in agent.evaluation.benchmarks whose `run(settings)` or `run()` returns keys.
BENCHMARKS = {"mqtt": "mqtt", "matcher": "matcher", "schedule": "schedule", "llm": "llm", "e2e": "voice",
              "soak": "soak", "scheduler": "scheduler", "web": "web", "wyoming": "wyoming", "pauses": "pauses"}


def run_benchmarks(only: list[str] | None, settings: Settings) -> dict[str, Any]:
    names = only or list(BENCHMARKS)
    results: dict[str, Any] = {}
    for name in names:
        if name not in BENCHMARKS:
            raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
        try:
            module = importlib.import_module(f"agent.evaluation.benchmarks.{BENCHMARKS[name]}")
        except ModuleNotFoundError:
            log.warning("benchmark %s is not available yet", name)
            continue
        takes_settings = "settings" in inspect.signature(module.run).parameters
        results.update(module.run(settings=settings) if takes_settings and name == "llm" else module.run())
    return results
