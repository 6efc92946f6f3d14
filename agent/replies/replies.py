"""Short spoken replies built from what actually happened: "Done, the kitchen light is on."."""

from __future__ import annotations

from agent.replies.answers import answer_question
from agent.turn.executor import CallResult
from agent.turn.plan import Adjust, MediaControl, SetState
from devices.outcome import BROKER_AWAY, DeviceOutcome, Status
from agent.replies.wording import capital, name_list, plural_name, state_phrase
from devices.model import Device
from devices.registry import Registry

COMMANDS = ("set_state", "adjust")
MEDIA_WORDS = {"next": "Skipping to the next track", "previous": "Going back to the previous track"}
FAILURES = (Status.TIMED_OUT, Status.OFFLINE, Status.REFUSED, Status.REJECTED)


def reply_for(results: list[CallResult], registry: Registry) -> str:
    sentences = [s for r in _merged(results) if (s := _sentence(r, registry))]
    return " ".join(sentences) or "Done."


def _merged(results: list[CallResult]) -> list[CallResult]:
    """Commands to the same devices in one utterance ("turn on X and make it warm white") are told once."""
    merged: list[CallResult] = []
    for result in results:
        previous = merged[-1] if merged else None
        if previous is not None and result.call.tool in COMMANDS and previous.call.tool in COMMANDS \
                and {o.device_id for o in result.outcomes} & {o.device_id for o in previous.outcomes}:
            outcomes = {o.device_id: o for o in previous.outcomes + result.outcomes}
            changes = {**_changes(previous.call), **_changes(result.call)}
            if isinstance(result.call, Adjust):
                changes[result.call.attribute] = None
            call = SetState(tuple(outcomes), changes)
            merged[-1] = CallResult(call, list(outcomes.values()))
        else:
            merged.append(result)
    return merged


def _sentence(result: CallResult, registry: Registry) -> str:
    if result.answer:
        return result.answer
    if result.call.tool == "get_state":
        return answer_question(result.data, registry)
    outcomes = result.outcomes
    if not outcomes:
        return "There was nothing to change."
    parts: list[str] = []
    done = [o for o in outcomes if o.status == Status.CONFIRMED]
    already = [o for o in outcomes if o.status == Status.ALREADY]
    if isinstance(result.call, MediaControl) and result.call.command in MEDIA_WORDS and done:
        devices = [registry.devices[o.device_id] for o in done if o.device_id in registry.devices]
        parts.append(f"{MEDIA_WORDS[result.call.command]} on the {name_list(devices)}.")
    elif result.call.tool == "run_routine":
        parts.append(f"{result.data.get('routine', 'The routine')} is done." if not _failed(outcomes) else "")
    elif done:
        parts.append("Done, " + _describe_group(done, registry, changed=_changed(result)) + ".")
    elif already and not _failed(outcomes):
        parts.append(capital(_describe_group(already, registry, already=True, changed=_changed(result))) + ".")
    for status in FAILURES:
        failed = [o for o in outcomes if o.status == status]
        if failed:
            parts.append(_failure(status, failed, registry))
    return " ".join(p for p in parts if p)


def _changed(result: CallResult) -> frozenset[str]:
    if isinstance(result.call, Adjust):
        return frozenset({result.call.attribute})
    return frozenset(_changes(result.call))


def _changes(call: object) -> dict[str, object]:
    return dict(call.changes) if isinstance(call, SetState) else {}


def _failed(outcomes: list[DeviceOutcome]) -> bool:
    return any(o.status in FAILURES for o in outcomes)


def _failure(status: str, outcomes: list[DeviceOutcome], registry: Registry) -> str:
    names = name_list([registry.devices[o.device_id] for o in outcomes if o.device_id in registry.devices])
    if status == Status.TIMED_OUT:
        return f"The {names} didn't respond."
    if status == Status.OFFLINE and all(o.message == BROKER_AWAY for o in outcomes):
        return "I can't reach the devices right now."
    if status == Status.OFFLINE:
        return f"The {names} {'is' if len(outcomes) == 1 else 'are'} offline."
    messages = list(dict.fromkeys(o.message for o in outcomes if o.message))
    if status == Status.REFUSED:
        return " ".join(messages)
    return f"Sorry, the {names} can't do that."


def _describe_group(outcomes: list[DeviceOutcome], registry: Registry, already: bool = False,
                    changed: frozenset[str] = frozenset()) -> str:
    """"the kitchen light is on" / "the desk lamp and office heater are on"."""
    by_phrase: dict[str, list[Device]] = {}
    for outcome in outcomes:
        device = registry.devices.get(outcome.device_id)
        if device is not None:
            phrase = state_phrase(device, outcome.state or registry.state(device.id), changed)
            by_phrase.setdefault(phrase, []).append(device)
    clauses = []
    for phrase, devices in by_phrase.items():
        devices = list({d.id: d for d in devices}.values())
        verb = "is" if len(devices) == 1 and not plural_name(devices[0]) else "are"
        clauses.append(f"the {name_list(devices)} {verb} {'already ' if already else ''}{phrase}")
    return " and ".join(clauses)


