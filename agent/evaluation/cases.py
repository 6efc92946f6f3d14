"""The evaluation contract (docs/evaluation.md): cases, verdicts and the report."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.evaluation.case_file import SINGLE_TURN_FIELDS, read_case_lines
from devices.colors import same_color
from devices.model import State

DEFAULT_NOW = "2026-11-24T10:00:00"
TOLERANCE = {"brightness": 1, "percentage": 1, "position": 1, "volume": 1,
             "target_temperature": 0.1, "current_temperature": 0.1, "value": 0.1}


@dataclass
class CaseTurn:
    utterance: str | None = None
    """What is said; None for a turn that only lets time pass and the world change."""
    expect: dict[str, State] = field(default_factory=dict)
    say: list[str] = field(default_factory=list)
    say_not: list[str] = field(default_factory=list)
    confirm: bool = False
    now: str | None = None
    """This turn's local time (ISO 8601), when it differs from the turn before."""
    setup: dict[str, State] = field(default_factory=dict)
    """Device states the world sets before this turn."""
    area: str | None = None
    """This turn's room, when it differs from the case's."""
    person: str | None = None
    """This turn's speaker, when it differs from the case's."""
    announce: list[str] = field(default_factory=list)
    """Patterns each matching something said unprompted since the turn before."""
    announce_not: list[str] = field(default_factory=list)


@dataclass
class Case:
    id: str
    turns: list[CaseTurn]
    area: str | None = None
    person: str | None = None
    now: str = DEFAULT_NOW
    setup: dict[str, State] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    audio: str | None = None
    source: str = ""
    """The case file, so `audio` can be found relative to it."""
    line: int = 0
    """Its line in the case file."""

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.now)


def load_cases(path: str | Path) -> list[Case]:
    """The cases of a .jsonl file; ConfigError (one line naming the file and line) for anything the
    contract does not allow."""
    return [_case(data, str(path), number) for number, data in read_case_lines(Path(path))]


def _case(data: dict[str, Any], source: str, line: int) -> Case:
    if "turns" in data:
        turns = [CaseTurn(**t) for t in data["turns"]]
    else:
        turns = [CaseTurn(**{k: data[k] for k in SINGLE_TURN_FIELDS if k in data})]
    return Case(id=data["id"], turns=turns, area=data.get("area"), person=data.get("person"),
                now=data.get("now", DEFAULT_NOW), setup=data.get("setup", {}), tags=data.get("tags", []),
                audio=data.get("audio"), source=source, line=line)


def check_turn(turn: CaseTurn, before: dict[str, State], after: dict[str, State], reply: str,
               awaiting: bool) -> list[str]:
    """Every way the turn's outcome departs from the case; empty when it passes."""
    failures: list[str] = []
    for device_id, expected in turn.expect.items():
        state = after.get(device_id, {})
        for attribute, value in expected.items():
            if not value_matches(attribute, state.get(attribute), value):
                failures.append(f"{device_id}.{attribute} = {state.get(attribute)!r}, expected {value!r}")
    for device_id, state in after.items():
        if device_id in turn.expect:
            continue
        if not _unchanged(before.get(device_id, {}), state):
            failures.append(f"{device_id} changed: {before.get(device_id)} -> {state}")
    for pattern in turn.say:
        if not re.search(pattern, reply, re.IGNORECASE):
            failures.append(f"reply {reply!r} does not match {pattern!r}")
    for pattern in turn.say_not:
        if re.search(pattern, reply, re.IGNORECASE):
            failures.append(f"reply {reply!r} matches {pattern!r}")
    if turn.confirm and not awaiting:
        failures.append("expected a confirmation question")
    return failures


def value_matches(attribute: str, actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict) and ("min" in expected or "max" in expected):
        if not isinstance(actual, (int, float)) or isinstance(actual, bool):
            return False
        return expected.get("min", float("-inf")) <= actual <= expected.get("max", float("inf"))
    if attribute == "color":
        try:
            return actual is not None and same_color(actual, expected)
        except ValueError:
            return False
    if attribute in TOLERANCE and isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and abs(actual - expected) <= TOLERANCE[attribute] + 1e-9
    return actual == expected


def _unchanged(before: State, after: State) -> bool:
    return all(value_matches(k, after.get(k), v) for k, v in before.items() if k != "current_temperature")


@dataclass
class TurnRecord:
    utterance: str | None
    reply: str
    path: str
    awaiting_confirmation: bool
    ms: float
    state: dict[str, State]
    failures: list[str] = field(default_factory=list)
    announcements: list[str] = field(default_factory=list)
    """What was said unprompted since the turn before, in order."""


@dataclass
class CaseResult:
    id: str
    passed: bool
    tags: list[str]
    failures: list[str]
    turns: list[TurnRecord]


TurnRunner = Callable[[Case, CaseTurn], tuple[Any, dict[str, State], dict[str, State]]]
"""Runs one turn of a case: returns (TurnResult, state before, state after)."""


def run_case(case: Case, run_turn: TurnRunner, announced: Callable[[], list[str]] = list) -> CaseResult:
    """Every turn of a case, checked; `announced` gives what was said unprompted since it was last asked."""
    records, failures = [], []
    for number, turn in enumerate(case.turns, 1):
        started = time.perf_counter()
        result, before, after = run_turn(case, turn)
        ms = (time.perf_counter() - started) * 1000
        said = announced()
        turn_failures = check_turn(turn, before, after, result.reply, result.awaiting_confirmation)
        turn_failures += check_announcements(turn, said)
        failures += [f"turn {number}: {f}" if len(case.turns) > 1 else f for f in turn_failures]
        records.append(TurnRecord(turn.utterance, result.reply, result.path, result.awaiting_confirmation,
                                  round(ms, 2), after, turn_failures, said))
    return CaseResult(case.id, not failures, case.tags, failures, records)


def check_announcements(turn: CaseTurn, said: list[str]) -> list[str]:
    """Each `announce` pattern must match something said unprompted; no `announce_not` pattern may."""
    failures = [f"nothing announced matches {pattern!r} (announced: {said})" for pattern in turn.announce
                if not any(re.search(pattern, text, re.IGNORECASE) for text in said)]
    failures += [f"announced {text!r}, which matches {pattern!r}" for pattern in turn.announce_not
                 for text in said if re.search(pattern, text, re.IGNORECASE)]
    return failures


def summarize(results: list[CaseResult]) -> dict[str, Any]:
    by_tag: dict[str, list[bool]] = {}
    for result in results:
        for tag in result.tags:
            by_tag.setdefault(tag, []).append(result.passed)
    by_path: dict[str, list[float]] = {}
    for result in results:
        for turn in result.turns:
            if turn.utterance is not None:  # a turn where time only passes took no understanding
                by_path.setdefault(turn.path, []).append(turn.ms)
    return {
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "accuracy": round(sum(r.passed for r in results) / len(results), 4) if results else 0.0,
        "by_tag": {t: {"cases": len(v), "accuracy": round(sum(v) / len(v), 4)} for t, v in sorted(by_tag.items())},
        "latency_ms": {p: percentiles(v) for p, v in by_path.items()},
    }


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "n": 0}
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 3), "p95": round(p95, 3), "n": len(ordered)}


def report_json(results: list[CaseResult]) -> dict[str, Any]:
    return {"summary": summarize(results), "cases": [asdict(r) for r in results]}
