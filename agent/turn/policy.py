"""Safety tiers, enforced in code: what may happen at once and what waits for a spoken yes.

Tier 2 (unlock; open a door, gate or garage) always waits for a confirmation given in a
separate turn, from the same room, before it expires. The confirmation is recognized only
from the person's own words, never from a plan, so no model output can produce it.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from agent.turn.context import PendingConfirmation
from agent.turn.plan import Adjust, Later, Plan, RunRoutine, SetState, Watch
from agent.understanding.language import language
from devices.household import Routine
from devices.model import Device, Kind
from devices.registry import Registry

OPENING_CLASSES = {"garage", "garage_door", "door", "gate"}
ANSWERS = language().answers


@dataclass
class RiskyAction:
    device: Device
    action: str
    """What will happen: "unlock", "open" or "on" (the confirmation question words it)."""


def risky_actions(plan: Plan, registry: Registry, routines: dict[str, Routine] | None = None) -> list[RiskyAction]:
    """The tier-2 actions in a plan: unlocking, and opening a door, gate or garage door (routines included)."""
    risky: list[RiskyAction] = []
    for call in device_commands(plan, registry, routines or {}):
        for device_id in call.devices:
            device = registry.devices.get(device_id)
            if device is not None and (action := _risky_action(device, call)):
                risky.append(RiskyAction(device, action))
    return risky


def device_commands(plan: Plan, registry: Registry, routines: dict[str, Routine]) -> list[SetState | Adjust]:
    """Every set_state/adjust a plan will make, a routine's actions unfolded into set_state calls."""
    calls: list[SetState | Adjust] = []
    for call in plan.calls:
        if isinstance(call, Later | Watch):  # later or on a condition: confirmed now, never on its own word then
            calls += device_commands(Plan(list(call.calls)), registry, routines)
        elif isinstance(call, SetState | Adjust):
            calls.append(call)
        elif isinstance(call, RunRoutine) and call.routine in routines:
            for action in routines[call.routine].actions:
                area = None if action.area in (None, "*") else action.area
                devices = [action.device] if action.device else [
                    d.id for d in registry.select(action.kinds, area=area)]
                calls.append(SetState(tuple(devices), dict(action.set)))
    return calls


class RateLimiter:
    """At most `per_minute` commands to one sensitive device in any 60 s (a lock is not a toy)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._recent: dict[str, deque[float]] = {}

    def refused(self, plan: Plan, registry: Registry, routines: dict[str, Routine]) -> list[Device]:
        """The sensitive devices this plan would command once too often; records the rest."""
        now = self.clock()
        devices = {d for call in device_commands(plan, registry, routines) for d in call.devices}
        guarded = [registry.devices[d] for d in devices if d in registry.devices and _guarded(registry.devices[d])]
        over = []
        for device in guarded:
            recent = self._recent.setdefault(device.id, deque())
            while recent and now - recent[0] > 60:
                recent.popleft()
            if len(recent) >= self.per_minute:
                over.append(device)
        if not over:
            for device in guarded:
                self._recent[device.id].append(now)
        return over


def _guarded(device: Device) -> bool:
    return device.sensitive or device.kind is Kind.LOCK or (device.device_class or "") in OPENING_CLASSES


def pin_matches(text: str, pin_sha256: str) -> bool:
    """Whether the digits spoken in `text` ("4 3 2 1", "four three two one") are the configured PIN."""
    from agent.understanding.normalize import normalize

    digits = "".join(t for t in normalize(text) if t.isdigit())
    return bool(digits) and hmac.compare_digest(hashlib.sha256(digits.encode()).hexdigest(), pin_sha256.lower())


def _risky_action(device: Device, call: SetState | Adjust) -> str | None:
    changes = call.changes if isinstance(call, SetState) else {}
    if device.kind is Kind.LOCK and changes.get("state") == "unlocked":
        return "unlock"
    opening = device.kind is Kind.COVER and (device.sensitive or (device.device_class or "") in OPENING_CLASSES)
    if opening:
        position = changes.get("position")
        delta = call.delta if isinstance(call, Adjust) and call.attribute == "position" else 0
        if changes.get("state") == "open" or (position is not None and position > 0) or delta > 0:
            return "open"
    if device.sensitive and device.kind not in (Kind.LOCK, Kind.COVER) and changes.get("state") == "on":
        return "on"
    return None


def confirmation_question(risky: list[RiskyAction]) -> str:
    from agent.replies.wording import display_name

    said = language().wording.results
    actions = [said.confirm_actions[r.action].format(name=display_name(r.device)) for r in risky]
    return said.confirm.format(actions=f" {language().wording.grammar.last_and} ".join(dict.fromkeys(actions)))


def pending_for(plan: Plan, area: str | None, seconds: float, question: str) -> PendingConfirmation:
    return PendingConfirmation(plan=plan, area=area, expires_at=time.monotonic() + seconds, question=question)


def answer_kind(text: str) -> str | None:
    """"yes" / "no" / None for anything else."""
    words = " ".join(text.lower().replace(",", " ").replace(".", " ").replace("!", " ").split())
    if words in ANSWERS.yes or any(words.startswith(f"{start} ") for start in ANSWERS.yes_starts):
        return "yes"
    if words in ANSWERS.no or any(words.startswith(f"{start} ") for start in ANSWERS.no_starts):
        return "no"
    return None
