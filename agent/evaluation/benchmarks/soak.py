"""Soak: thousands of mixed turns through the real Assistant, with slow devices and a broker restart halfway.

Starts homebody as `homebody run` does (App: embedded amqtt broker, the virtual reference home,
skills, a temporary household database with its history writer). A few devices answer after a
random 0–50 ms. Halfway through, the embedded broker is stopped and started again on the same
port; turns go on meanwhile, and their commands must be confirmed once everything has reconnected.

Errors count turns that raised, turns with a device command not confirmed (every command goes
to a known, online, tier-0 device), and turns missing from the history at the end. Resident
memory is measured after a short warm-up and at the end; growth beyond 10 % is logged.
"""

from __future__ import annotations

import logging
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from agent.app import App
from agent.turn.assistant import new_conversation
from agent.config import Settings
from agent.evaluation.cases import percentiles
from devices.household import Household
from devices.model import Device, Kind
from devices.outcome import Status
from agent.evaluation.benchmarks import SHARED_EVAL

log = logging.getLogger(__name__)

SLOW_DEVICES = 4
"""How many devices answer late, each after its own random delay of up to MAX_DELAY_S."""
MAX_DELAY_S = 0.05
WARM_UP = 20
"""Turns run before memory is first measured (imports, caches); not counted."""
UNKNOWN = ["turn on the spaceship", "switch off the hovercraft lamp", "dim the moon", "open the portal"]
NOT_CONFIRMED = (Status.TIMED_OUT, Status.OFFLINE, Status.REJECTED, Status.REFUSED)


def run(turns: int = 2000, seed: int = 7) -> dict[str, Any]:
    """`{"soak": {turns, errors, p95_ms, rss_start_mb, rss_end_mb, turns_per_s}}`."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="homebody-soak-") as folder, App.start(_settings(folder)) as app:
        utterances = mixed_utterances(app.household, rng, turns + WARM_UP)
        _slow_down(app, rng)
        context = new_conversation()
        for text in utterances[:WARM_UP]:
            app.assistant.turn(text, context)
        process = psutil.Process()
        rss_start = process.memory_info().rss / 2**20
        samples, errors, started = [], 0, time.perf_counter()
        for number, text in enumerate(utterances[WARM_UP:]):
            if number == turns // 2:
                _restart_broker(app)
            began = time.perf_counter()
            errors += not _turn_ok(app, text, context)
            samples.append((time.perf_counter() - began) * 1000)
        elapsed = time.perf_counter() - started
        errors += _missing_history(app, turns + WARM_UP)
        rss_end = process.memory_info().rss / 2**20
    if rss_end > rss_start * 1.1:
        log.warning("soak: resident memory grew from %.1f MB to %.1f MB", rss_start, rss_end)
    return {"soak": {"turns": turns, "errors": errors, "p95_ms": round(percentiles(samples)["p95"], 2),
                     "rss_start_mb": round(rss_start, 1), "rss_end_mb": round(rss_end, 1),
                     "turns_per_s": round(turns / elapsed, 1)}}


def _settings(folder: str) -> Settings:
    settings = Settings()
    reference = SHARED_EVAL / "home.toml"
    settings.household.file = str(reference) if reference.exists() else ""
    settings.household.database = str(Path(folder) / "soak.db")
    settings.mqtt.host = ""  # the embedded broker: it is restarted in the middle
    settings.understanding.llm = "off"
    return settings


def mixed_utterances(household: Household, rng: random.Random, count: int) -> list[str]:
    """On/off, brightness, questions, two devices at once, the clock, and a few devices that don't exist."""
    tier0 = [d for d in household.devices if _tier0(d)]
    dimmable = [d for d in tier0 if "brightness" in d.features]
    areas = sorted({d.area for d in household.devices if d.kind is Kind.SENSOR and d.area})
    makers = [
        (30, lambda: f"turn {rng.choice(['on', 'off'])} the {_name(rng.choice(tier0))}"),
        (15, lambda: f"set the {_name(rng.choice(dimmable))} to {rng.randrange(5, 100, 5)} percent"),
        (15, lambda: f"is the {_name(rng.choice(tier0))} on"),
        (10, lambda: f"what's the temperature in the {household_area(household, rng.choice(areas))}"),
        (15, lambda: "turn {} the {} and the {}".format(rng.choice(["on", "off"]),
                                                        *(_name(d) for d in rng.sample(tier0, 2)))),
        (5, lambda: "which lights are on"),
        (5, lambda: "what time is it"),
        (5, lambda: rng.choice(UNKNOWN)),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def household_area(household: Household, area_id: str) -> str:
    return next((a.name for a in household.areas if a.id == area_id), area_id).lower()


def _tier0(device: Device) -> bool:
    """Acts at once and never asks for a confirmation or hits a rate limit."""
    return device.kind in (Kind.LIGHT, Kind.SWITCH, Kind.FAN) and not device.sensitive


def _name(device: Device) -> str:
    return device.name.lower()


def _slow_down(app: App, rng: random.Random) -> None:
    home = app.runtime.virtual_home
    if home is None:
        raise RuntimeError("the soak needs the virtual home")
    for device_id in rng.sample(sorted(d.id for d in app.household.devices if _tier0(d)), SLOW_DEVICES):
        home.set_behaviour(device_id, delay=rng.uniform(0, MAX_DELAY_S))


def _restart_broker(app: App) -> None:
    broker = app.runtime.broker
    if broker is None:
        raise RuntimeError("the soak needs the embedded broker")
    broker.stop()
    broker.start()  # same port; clients reconnect by themselves (paho backs off 1 s first)


def _turn_ok(app: App, text: str, context: Any) -> bool:
    try:
        result = app.assistant.turn(text, context)
    except Exception:  # an error to count, not to stop the soak
        log.exception("soak: turn %r raised", text)
        return False
    failed = [o for o in result.outcomes if o.status in NOT_CONFIRMED]
    if failed:
        log.warning("soak: %r -> %r (%s)", text, result.reply, ", ".join(f"{o.device_id} {o.status}" for o in failed))
    return not failed


def _missing_history(app: App, expected: int) -> int:
    if app.history is None or app.store is None:
        return expected
    app.history.flush(60)
    return max(0, expected - app.store.counts()["turns"])
