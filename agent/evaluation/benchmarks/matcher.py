"""Matcher latency: one utterance through the deterministic matcher, reference and 500-device homes."""

from __future__ import annotations

import time

from agent.evaluation.cases import load_cases, percentiles
from agent.understanding.matcher import Matcher
from agent.turn.context import TurnContext
from devices.household import Household, load_household, parse_household
from devices.registry import Registry
from agent.evaluation.benchmarks import SHARED_EVAL

FALLBACK_UTTERANCES = [
    "turn on the kitchen light", "dim the lights a bit", "set the thermostat to 21 degrees",
    "turn off all the lights upstairs", "is the front door locked", "which lights are on",
    "turn on the desk lamp and the space heater", "make the living room light blue",
]
SIDES = ["north", "south", "east", "west", "upper", "lower", "guest", "main", "back", "front"]
BASES = ["bedroom", "bathroom", "office", "study", "hall"]
KINDS = [("light", "lamp", ["brightness"]), ("switch", "plug", []), ("fan", "fan", ["percentage"]),
         ("cover", "blinds", ["position"]), ("light", "ceiling light", ["brightness", "color_temp"])]


def run(rounds: int = 5) -> dict[str, dict[str, float]]:
    home_file = SHARED_EVAL / "home.toml"
    household = load_household(home_file if home_file.exists() else None)
    utterances = _utterances()
    return {
        "matcher_ms": _time_matcher(household, utterances, rounds),
        "matcher_500_ms": _time_matcher(generated_household(500), _generated_utterances(), rounds),
    }


def _utterances() -> list[str]:
    cases_file = SHARED_EVAL / "cases" / "dev.jsonl"
    if not cases_file.exists():
        return FALLBACK_UTTERANCES
    return [turn.utterance for case in load_cases(cases_file) for turn in case.turns if turn.utterance]


def _time_matcher(household: Household, utterances: list[str], rounds: int) -> dict[str, float]:
    registry = Registry.from_household(household)
    matcher = Matcher(registry, household.routines)
    matcher.match("warm up", TurnContext())
    samples = []
    for _ in range(rounds):
        for text in utterances:
            context = TurnContext(area=None)
            started = time.perf_counter()
            matcher.match(text, context)
            samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def generated_household(devices: int) -> Household:
    """A large synthetic home: 50 rooms on 5 floors, each with numbered lamps, plugs, fans, blinds, lights."""
    rooms = [f"{side} {base}" for side in SIDES for base in BASES]
    data: dict = {
        "home": {"name": f"{devices}-device home", "timezone": "UTC"},
        "floors": [{"id": f"floor_{f}", "name": f"level {f}"} for f in range(5)],
        "areas": [{"id": f"area_{i}", "name": room, "floor": f"floor_{i % 5}"} for i, room in enumerate(rooms)],
        "devices": [],
    }
    for n in range(devices):
        area, slot = divmod(n, devices // len(rooms))
        kind, noun, features = KINDS[slot % len(KINDS)]
        initial = {"state": "closed", "position": 0} if kind == "cover" else {"state": "off"}
        data["devices"].append({"id": f"dev_{n}", "name": f"{rooms[area]} {noun} {slot // len(KINDS) + 1}",
                                "kind": kind, "area": f"area_{area}", "features": features, "initial": initial})
    return parse_household(data, "generated")


def _generated_utterances() -> list[str]:
    return ["turn on the north bedroom lamp 2", "turn off the lights in the south office",
            "set the east study blinds 1 to 40 percent", "switch off the fan in the guest hall",
            "turn on all the lights on level 2", "is the main bathroom plug 1 on",
            "dim the west office ceiling light 2 to 30 percent", "turn on the back study lamp 1 and the back study fan 1",
            "turn on the nort bedrom lamp 1"]
