"""What the pages show, as plain data read from the running homebody: history, who changed what, what is
planned, routines, suggestions, skills and status. The schedule's week is in agent.web.week."""

from __future__ import annotations

import json
import platform
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from importlib import metadata
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.memory.records import Pending, StateChange, TurnRecord
from agent.web.forms import BadInput
from agent.web.rooms import summary

if TYPE_CHECKING:
    from agent.app import App
    from agent.memory.store import HouseholdStore

SEARCHED_TURNS = 1000
"""How far back the history search looks."""
LATE_REPORT_S = 2.0
"""A device change during a turn that acted on the device, or this soon after it ended, is that turn's doing."""
KINDS = {"later": "Later command", "watch": "Automation", "reminder": "Reminder", "alarm": "Alarm"}


@dataclass
class TurnRow:
    """One turn of the conversation as the history page lists it."""

    id: int
    at: str
    """Local time, `YYYY-MM-DD HH:MM:SS`."""
    heard: str
    reply: str
    path: str
    """How it was understood: matcher | llm | none."""
    who: str
    """The person and room, as far as known."""
    changed: list[str] = field(default_factory=list)
    """"Kitchen light: confirmed (on, 80 %)", one per device acted on."""
    plan: str = ""
    """The plan, as indented JSON."""


@dataclass
class ChangeRow:
    """One device state change, and who or what made it."""

    at: str
    device: str
    before: str
    after: str
    by: str


def local_zone(app: App) -> tzinfo:
    return ZoneInfo(app.household.home.timezone)


def _when(at: float, zone: tzinfo) -> str:
    return datetime.fromtimestamp(at, zone).strftime("%Y-%m-%d %H:%M:%S")


def history(app: App, query: str = "", limit: int = 50) -> list[TurnRow]:
    """The latest turns, newest first; with `query`, those whose words, reply or devices contain it."""
    store = _store(app)
    wanted = query.strip().casefold()
    found = []
    for turn in store.history(limit=SEARCHED_TURNS if wanted else limit):
        row = _turn_row(app, turn)
        text = " ".join([row.heard, row.reply, *row.changed]).casefold()
        if not wanted or wanted in text:
            found.append(row)
        if len(found) >= limit:
            break
    return found


def turn(app: App, turn_id: int) -> TurnRow:
    for found in _store(app).history(limit=SEARCHED_TURNS):
        if found.id == turn_id:
            return _turn_row(app, found)
    raise BadInput(f"There is no turn {turn_id} in the latest {SEARCHED_TURNS}.", 404)


def _turn_row(app: App, turn: TurnRecord) -> TurnRow:
    registry, people = app.runtime.registry, app.assistant.people()
    who = [people.get(turn.person, turn.person) if turn.person else "", registry.area_name(turn.area) or ""]
    changed = []
    for result in turn.results:
        device = registry.devices.get(result.device_id)
        name = device.name if device else result.device_id
        state = f" ({summary(device, result.state)})" if device and result.state else ""
        changed.append(f"{name}: {result.status}{state}" + (f" — {result.message}" if result.message else ""))
    return TurnRow(turn.id or 0, _when(turn.at, local_zone(app)), turn.text, turn.reply, turn.path,
                   " in ".join(w for w in who if w) or "someone", changed, json.dumps(turn.plan, indent=2))


def changes(app: App, device_id: str | None = None, limit: int = 50) -> list[ChangeRow]:
    """The latest device changes, newest first, each with the turn that made it when one did."""
    store, registry = _store(app), app.runtime.registry
    if device_id and device_id not in registry.devices:
        raise BadInput(f"There is no device {device_id[:40]!r}.", 404)
    actuations = [(turn, result.device_id) for turn in store.history(limit=200, device_id=device_id)
                  for result in turn.results]
    rows = []
    for change in store.state_changes(limit=limit, device_id=device_id):
        device = registry.devices.get(change.device_id)
        show = (lambda state, d=device: summary(d, state)) if device else json.dumps
        rows.append(ChangeRow(_when(change.at, local_zone(app)), device.name if device else change.device_id,
                              show(change.old) if change.old else "", show(change.new),
                              _made_by(app, change, actuations)))
    return rows


def _made_by(app: App, change: StateChange, actuations: list[tuple[TurnRecord, str]]) -> str:
    people = app.assistant.people()
    for turn, device_id in actuations:
        started = turn.at - turn.timings_ms.get("total", 0.0) / 1000 - 0.5  # turns are recorded as they end
        if device_id == change.device_id and started <= change.at <= turn.at + LATE_REPORT_S:
            if turn.text.startswith("web page:"):
                return "the web page"
            who = people.get(turn.person, turn.person) if turn.person else "someone"
            return f"{who}, saying {turn.text!r}"
    return "not a conversation: the device itself, a later command, an automation or a routine"


@dataclass
class PendingRow:
    id: str
    kind: str
    """Later command | Automation | Reminder | Alarm."""
    said: str
    due: str
    """Local time, or "when it happens" for an automation."""
    repeat: str
    where: str


def pending(app: App) -> list[PendingRow]:
    """Everything waiting to happen: later commands, automations, reminders and alarms, soonest first."""
    items: list[Pending] = _store(app).pending()
    zone = local_zone(app)
    return [PendingRow(p.id, KINDS.get(p.kind, p.kind), p.said or p.kind,
                       _when(p.due, zone)[:16] if p.due is not None else "when it happens", p.repeat or "",
                       app.runtime.registry.area_name(p.area) or "everywhere") for p in items]


def routines(app: App) -> list[dict[str, Any]]:
    registry = app.runtime.registry
    found = []
    for routine in app.household.routines:
        actions = []
        for action in routine.actions:
            device = registry.devices.get(action.device or "")
            where = registry.area_name(action.area) or ("every room" if action.area == "*" else "")
            target = device.name if device else " ".join(w for w in [f"every {action.kind or 'device'}",
                                                                       f"in {where}" if where else ""] if w)
            actions.append(f"{target}: " + ", ".join(f"{k} {v}" for k, v in action.set.items()))
        when = f"at {routine.at}" + (f" on {', '.join(routine.days)}" if routine.days else "") if routine.at else ""
        found.append({"id": routine.id, "name": routine.name, "aliases": routine.aliases, "actions": actions,
                      "when": when or (f"when someone says they {routine.on}" if routine.on else "when asked")})
    return found


def suggestions(app: App) -> list[dict[str, Any]]:
    people = app.assistant.people()
    return [{"id": s.id, "person": people.get(s.person, s.person), "key": s.key, "value": s.value, "reason": s.reason}
            for s in _store(app).suggestions() if s.outcome is None]


def skills(app: App) -> dict[str, Any]:
    return app.skills.describe() if app.skills is not None else {"skills": [], "failures": []}


def status(app: App) -> dict[str, Any]:
    """Broker, devices, memory, models and versions: what someone asks first when something is off."""
    runtime, settings = app.runtime, app.settings
    registry = runtime.registry
    online = sum(registry.states.is_online(d) for d in registry.devices)
    planner = app.assistant.planner
    llm = "off: no language model configured" if planner is None else \
        f"{settings.llm.model or settings.llm.endpoint}: " + ("ready" if getattr(planner, "available", True)
                                                              else f"unavailable ({getattr(planner, 'error', '')})")
    return {
        "home": app.household.home.name,
        "broker": {"address": f"{runtime.connection.host}:{runtime.connection.port}",
                   "connected": runtime.connection.connected, "embedded": runtime.broker is not None,
                   "virtual_home": runtime.virtual_home is not None},
        "devices": {"count": len(registry.devices), "online": online},
        "memory": {"database": str(app.store.path), "schema": app.store.schema_version()} if app.store else None,
        "models": {"language model": llm, "speech to text": settings.voice.stt_model,
                   "voice": settings.voice.voice, "wake word": settings.voice.wake_word},
        "skills": {"loaded": len(skills(app)["skills"]), "failed": len(skills(app)["failures"])},
        "versions": _versions(),
    }


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    for package in ("homebody", "paho-mqtt", "starlette", "uvicorn", "faster-whisper", "piper-tts",
                    "llama-cpp-python"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def _store(app: App) -> HouseholdStore:
    if app.store is None:
        raise BadInput("The household database is not available (see homebody's log); devices still work.", 503)
    return app.store
