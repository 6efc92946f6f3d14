"""Short spoken replies built from what actually happened: "Done, the kitchen light is on."."""

from __future__ import annotations

from agent.answers import answer_question
from agent.executor import CallResult
from agent.turn import DeviceOutcome
from agent.wording import capital, name_list, plural_name, state_phrase
from devices.model import Device
from devices.registry import Registry

MEDIA_WORDS = {"next": "Skipping to the next track", "previous": "Going back to the previous track"}
FAILURES = ("timed_out", "offline", "refused", "rejected")


def reply_for(results: list[CallResult], registry: Registry) -> str:
    sentences = [s for r in results if (s := _sentence(r, registry))]
    return " ".join(sentences) or "Done."


def _sentence(result: CallResult, registry: Registry) -> str:
    if result.answer:
        return result.answer
    if result.call.tool == "get_state":
        return answer_question(result.data, registry)
    outcomes = result.outcomes
    if not outcomes:
        return "There was nothing to change."
    parts: list[str] = []
    done = [o for o in outcomes if o.status == "confirmed"]
    already = [o for o in outcomes if o.status == "already"]
    if result.call.tool == "media_control" and result.call.args.get("command") in MEDIA_WORDS and done:
        devices = [registry.devices[o.device_id] for o in done if o.device_id in registry.devices]
        parts.append(f"{MEDIA_WORDS[result.call.args['command']]} on the {name_list(devices)}.")
    elif result.call.tool == "run_routine":
        parts.append(f"{result.data.get('routine', 'The routine')} is done." if not _failed(outcomes) else "")
    elif done:
        parts.append("Done, " + _describe_group(done, registry) + ".")
    elif already and not _failed(outcomes):
        parts.append(capital(_describe_group(already, registry, already=True)) + ".")
    for status in FAILURES:
        failed = [o for o in outcomes if o.status == status]
        if failed:
            parts.append(_failure(status, failed, registry))
    return " ".join(p for p in parts if p)


def _failed(outcomes: list[DeviceOutcome]) -> bool:
    return any(o.status in FAILURES for o in outcomes)


def _failure(status: str, outcomes: list[DeviceOutcome], registry: Registry) -> str:
    names = name_list([registry.devices[o.device_id] for o in outcomes if o.device_id in registry.devices])
    if status == "timed_out":
        return f"The {names} didn't respond."
    if status == "offline":
        return f"The {names} {'is' if len(outcomes) == 1 else 'are'} offline."
    messages = list(dict.fromkeys(o.message for o in outcomes if o.message))
    if status == "refused":
        return " ".join(messages)
    return f"Sorry, the {names} can't do that."


def _describe_group(outcomes: list[DeviceOutcome], registry: Registry, already: bool = False) -> str:
    """"the kitchen light is on" / "the desk lamp and office heater are on"."""
    by_phrase: dict[str, list[Device]] = {}
    for outcome in outcomes:
        device = registry.devices.get(outcome.device_id)
        if device is not None:
            by_phrase.setdefault(state_phrase(device, outcome.state or registry.state(device.id)), []).append(device)
    clauses = []
    for phrase, devices in by_phrase.items():
        devices = list({d.id: d for d in devices}.values())
        verb = "is" if len(devices) == 1 and not plural_name(devices[0]) else "are"
        clauses.append(f"the {name_list(devices)} {verb} {'already ' if already else ''}{phrase}")
    return " and ".join(clauses)


