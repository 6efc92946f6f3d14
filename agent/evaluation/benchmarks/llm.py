"""The LLM planner: cold and warm-prefix latency, prompt tokens evaluated, generation speed, memory;
and every development utterance through the planner for a given model (% valid plans, latency).

    python -m agent.evaluation.benchmarks.llm                 # the benchmark keys, default model
    python -m agent.evaluation.benchmarks.llm --eval gemma3-270m
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.evaluation.cases import Case, load_cases, percentiles
from agent.llm import Attempt, LlmPlanner, LocalModel, plan_problems
from agent.turn.context import TurnContext
from agent.turn.plan import devices_of
from devices.household import Household, load_household
from devices.registry import Registry
from agent.evaluation.benchmarks import SHARED_EVAL

DEFAULT_MODEL = "smollm2-135m"
"""Measured when no model is configured, so the benchmark always has numbers to show."""
FALLBACK_UTTERANCES = [
    "turn on the kitchen light", "dim the lights a bit", "set the thermostat to 21 degrees",
    "turn off all the lights upstairs", "is the front door locked", "which lights are on",
    "turn on the desk lamp and the space heater", "make the living room light blue",
]


def run(settings: Settings | None = None, cold_rounds: int = 3, warm_turns: int = 10) -> dict[str, Any]:
    """Turn 1 evaluates the whole prompt; turns 2+ (same devices and states) only their request.

    The configured model, or the packaged SmolLM2 when none is configured (the default)."""
    settings = _with_a_model(settings or Settings())
    household = _household()
    planner = LlmPlanner.from_settings(settings.llm, Registry.from_household(household), household.routines,
                                       reprime=False)
    planner.max_seconds = max(planner.max_seconds, 300.0)  # measure a cold turn, don't cut it off
    if not planner.start():
        return {}
    utterances = _utterances()
    cold = [_cold(planner, utterances[i % len(utterances)]) for i in range(cold_rounds)]
    warm = [planner.attempt(text, TurnContext()) for text in utterances[:warm_turns]]
    done = [a.completion for a in cold + warm if a.completion is not None]
    generated_ms = sum(c.generate_ms for c in done)
    result = {
        "llm_model": settings.llm.endpoint or settings.llm.model,
        "llm_turn1_ms": percentiles([a.ms for a in cold]),
        "llm_turn2_ms": percentiles([a.ms for a in warm]),
        "llm_prompt_tokens_turn1": _median_tokens(cold),
        "llm_prompt_tokens_turn2": _median_tokens(warm),
        "llm_gen_tokens_per_s": round(sum(c.generated_tokens for c in done) / (generated_ms / 1000), 1)
        if generated_ms else 0.0,
        "llm_rss_mb": _rss_mb("VmRSS"),
        "llm_peak_rss_mb": _rss_mb("VmHWM"),
    }
    planner.close()
    return result


def _with_a_model(settings: Settings) -> Settings:
    if settings.llm.endpoint or settings.llm.model:
        return settings
    settings = copy.deepcopy(settings)
    settings.llm.model = DEFAULT_MODEL
    return settings


def _cold(planner: LlmPlanner, text: str) -> Attempt:
    if isinstance(planner.model, LocalModel):
        planner.model.clear_cache()
    return planner.attempt(text, TurnContext())


def _median_tokens(attempts: list[Attempt]) -> int:
    counts = [a.completion.evaluated_tokens for a in attempts if a.completion is not None]
    return int(statistics.median(counts)) if counts else 0


def evaluate_planner(model: str | None = None, cases: str | Path | None = None, home: str | Path | None = None,
                     settings: Settings | None = None) -> dict[str, Any]:
    """Every utterance of the cases through the planner alone (no matcher): how many outputs are valid plans.

    Valid: the output parsed into calls on real devices and routines with values they take, or
    into a sentence to say. Grounded: valid, and the request refers to the plan's devices (the
    planner answers only those; the others leave the matcher's answer). Each case starts from the household's states plus its setup; the turns
    of a multi-turn case share a conversation ("it" is the previous turn's devices).
    """
    settings = copy.deepcopy(_with_a_model(settings or Settings()))
    if model:
        settings.llm.model = model
    household = _household(home)
    registry = Registry.from_household(household)
    planner = LlmPlanner.from_settings(settings.llm, registry, household.routines, reprime=False)
    planner.start()  # load and prime, as llm.load_at_start does: turn 1 is not a cold prompt
    records = []
    for case in load_cases(cases or SHARED_EVAL / "cases" / "dev.jsonl"):
        records += _run_case(planner, registry, household, case)
    planner.close()
    asked = [r for r in records if r["utterance"].strip()]
    valid = [r for r in asked if r["valid"]]
    return {
        "model": settings.llm.endpoint or settings.llm.model,
        "available": planner.available,
        "error": planner.error,
        "utterances": len(asked),
        "valid": len(valid),
        "valid_pct": round(100 * len(valid) / len(asked), 1) if asked else 0.0,
        "says": sum(1 for r in valid if r["say"] and not r["calls"]),
        "grounded": sum(1 for r in valid if r["grounded"]),
        "failures": Counter(r["error"] for r in asked if not r["valid"]),
        "latency_ms": percentiles([r["ms"] for r in asked]),
        "records": records,
    }


def _run_case(planner: LlmPlanner, registry: Registry, household: Household, case: Case) -> list[dict[str, Any]]:
    for device in household.devices:
        registry.states.replace(device.id, {**device.initial, **case.setup.get(device.id, {})})
    context = TurnContext(area=case.area, person=case.person, now=case.moment)
    records = []
    for turn in case.turns:
        if turn.utterance is None:  # a turn where time only passes
            continue
        attempt = planner.attempt(turn.utterance, context)
        plan = attempt.parsed
        problems = plan_problems(plan, registry, household.routines, planner.tools) if plan else []
        devices = [d for call in (plan.calls if plan else []) for d in devices_of(call)]
        if devices:
            context.conversation.last_devices = list(dict.fromkeys(devices))
        completion = attempt.completion
        records.append({
            "case": case.id, "utterance": turn.utterance, "output": attempt.output,
            "valid": plan is not None and not problems, "grounded": attempt.plan is not None,
            "error": attempt.error or "; ".join(problems),
            "calls": [[c.tool, c.args] for c in plan.calls] if plan else [], "say": plan.say if plan else None,
            "ms": round(attempt.ms, 1),
            "prompt_tokens": completion.prompt_tokens if completion else 0,
            "evaluated_tokens": completion.evaluated_tokens if completion else 0,
            "generated_tokens": completion.generated_tokens if completion else 0,
        })
    return records


def _household(home: str | Path | None = None) -> Household:
    default = SHARED_EVAL / "home.toml"
    return load_household(home or (default if default.exists() else None))


def _utterances() -> list[str]:
    cases_file = SHARED_EVAL / "cases" / "dev.jsonl"
    if not cases_file.exists():
        return FALLBACK_UTTERANCES
    return [turn.utterance for case in load_cases(cases_file) for turn in case.turns if turn.utterance][:40]


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process from /proc, in MB; 0 where there is no /proc."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0.0
    line = next((ln for ln in status.splitlines() if ln.startswith(field + ":")), "")
    return round(int(line.split()[1]) / 1024, 1) if line else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", metavar="MODEL", help="run the dev utterances through the planner with MODEL")
    parser.add_argument("--model", help="llm.model for the benchmark (default: the configured one)")
    parser.add_argument("--threads", type=int, help="llm.n_threads")
    parser.add_argument("--records", action="store_true", help="print every utterance's output too")
    args = parser.parse_args()
    settings = Settings()
    if args.threads:
        settings.llm.n_threads = args.threads
    if args.model:
        settings.llm.model = args.model
    if args.eval:
        report = evaluate_planner(args.eval, settings=settings)
        if not args.records:
            report.pop("records")
    else:
        report = run(settings)
    print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
