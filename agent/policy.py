"""Safety tiers, enforced in code: what may happen at once and what waits for a spoken yes.

Tier 2 (unlock; open a door, gate or garage) always waits for a confirmation given in a
separate turn, from the same room, before it expires. The confirmation is recognized only
from the person's own words, never from a plan, so no model output can produce it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from agent.plan import Plan
from agent.turn import PendingConfirmation
from devices.model import Device, Kind
from devices.registry import Registry

OPENING_CLASSES = {"garage", "garage_door", "door", "gate"}
YES = {"yes", "yeah", "yep", "yup", "sure", "confirm", "confirmed", "correct", "affirmative", "ok", "okay",
       "do it", "go ahead", "yes please", "please do", "yes do it", "that's right", "absolutely"}
NO = {"no", "nope", "cancel", "stop", "don't", "do not", "never mind", "nevermind", "no thanks", "abort"}


@dataclass
class RiskyAction:
    device: Device
    verb: str
    """What will happen, as said in a question: "unlock", "open"."""


def risky_actions(plan: Plan, registry: Registry) -> list[RiskyAction]:
    """The tier-2 actions in a plan: unlocking, and opening a door, gate or garage door."""
    risky: list[RiskyAction] = []
    for call in plan.calls:
        if call.tool not in ("set_state", "adjust"):
            continue
        for device_id in call.args.get("devices", []):
            device = registry.devices.get(device_id)
            if device is not None and (verb := _risky_verb(device, call.args)):
                risky.append(RiskyAction(device, verb))
    return risky


def _risky_verb(device: Device, args: dict) -> str | None:
    changes = args.get("changes", {})
    if device.kind is Kind.LOCK and changes.get("state") == "unlocked":
        return "unlock"
    opening = device.kind is Kind.COVER and (device.sensitive or (device.device_class or "") in OPENING_CLASSES)
    if opening:
        position = changes.get("position")
        delta = args.get("delta", 0) if args.get("attribute") == "position" else 0
        if changes.get("state") == "open" or (position is not None and position > 0) or delta > 0:
            return "open"
    if device.sensitive and device.kind not in (Kind.LOCK, Kind.COVER) and changes.get("state") == "on":
        return "turn on"
    return None


def confirmation_question(risky: list[RiskyAction]) -> str:
    from agent.wording import display_name

    actions = [f"{r.verb} the {display_name(r.device)}" for r in risky]
    return f"Are you sure you want me to {' and '.join(dict.fromkeys(actions))}?"


def pending_for(plan: Plan, area: str | None, seconds: float, question: str) -> PendingConfirmation:
    return PendingConfirmation(plan=plan, area=area, expires_at=time.monotonic() + seconds, question=question)


def answer_kind(text: str) -> str | None:
    """"yes" / "no" / None for anything else."""
    words = " ".join(text.lower().replace(",", " ").replace(".", " ").replace("!", " ").split())
    if words in YES or words.startswith("yes "):
        return "yes"
    if words in NO or words.startswith("no "):
        return "no"
    return None
