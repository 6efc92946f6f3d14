"""Short spoken replies built from what actually happened: "Done, the kitchen light is on."."""

from __future__ import annotations

from agent.replies.answers import answer_question
from agent.replies.grammar import GRAMMAR, capital, conjugate, join_words
from agent.replies.wording import PHRASES, name_list, plural_name, state_phrase
from agent.turn.executor import CallResult
from agent.turn.plan import Adjust, MediaControl, SetState
from agent.understanding.language import language
from devices.model import Device
from devices.outcome import BROKER_AWAY, DeviceOutcome, Status
from devices.registry import Registry

SAY = language().wording.results
COMMANDS = ("set_state", "adjust")
FAILURES = (Status.TIMED_OUT, Status.OFFLINE, Status.REFUSED, Status.REJECTED)


def reply_for(results: list[CallResult], registry: Registry, done_with: str = SAY.done_with) -> str:
    """What to say of what happened; `done_with` words the devices that did as told ("Done, {described}.")."""
    sentences: list[str] = []
    done: list[str] = []
    """What the commands that did all they were told changed: said once ("Done, the lamp is on and the fan off")."""
    for result in _merged(results):
        described = _all_done(result, registry)
        if described and not done:
            sentences.append("")  # the place of the one "Done, …" sentence
        if described:
            done.append(described)
        elif sentence := _sentence(result, registry, done_with):
            sentences.append(sentence)
    said = [s or done_with.format(described=join_words(done)) for s in sentences]
    return " ".join(said) or SAY.done


def _all_done(result: CallResult, registry: Registry) -> str:
    """What a command changed, when some of its devices did as told and none failed ("the lamp is on");
    "" otherwise. Those that already were as told go unsaid, as in `_sentence`."""
    done = [o for o in result.outcomes if o.status == Status.CONFIRMED]
    if result.answer or result.call.tool not in COMMANDS or not done or _failed(result.outcomes):
        return ""
    return _describe_group(done, registry, changed=_changed(result))


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


def _sentence(result: CallResult, registry: Registry, done_with: str = SAY.done_with) -> str:
    if result.answer:
        return result.answer
    if result.call.tool == "get_state":
        return answer_question(result.data, registry)
    outcomes = result.outcomes
    if not outcomes:
        return SAY.nothing_to_change
    parts: list[str] = []
    done = [o for o in outcomes if o.status == Status.CONFIRMED]
    already = [o for o in outcomes if o.status == Status.ALREADY]
    if isinstance(result.call, MediaControl) and result.call.command in SAY.media and done:
        devices = [registry.devices[o.device_id] for o in done if o.device_id in registry.devices]
        parts.append(SAY.media[result.call.command].format(names=name_list(devices)))
    elif result.call.tool == "run_routine":
        routine = result.data.get("routine", SAY.the_routine)
        parts.append(SAY.routine_done.format(routine=routine) if not _failed(outcomes) else "")
    elif done:
        parts.append(done_with.format(described=_describe_group(done, registry, changed=_changed(result))))
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
        return SAY.failed.format(names=names, predicate=conjugate(SAY.timed_out, len(outcomes) > 1))
    if status == Status.OFFLINE and all(o.message == BROKER_AWAY for o in outcomes):
        return SAY.unreachable
    if status == Status.OFFLINE:
        return SAY.failed.format(names=names, predicate=conjugate(SAY.offline, len(outcomes) > 1))
    messages = list(dict.fromkeys(o.message for o in outcomes if o.message))
    if status == Status.REFUSED:
        return " ".join(messages)
    return language().replies["cannot_do"].format(names=names)


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
        state = PHRASES.already.format(state=phrase) if already else phrase
        said = conjugate(PHRASES.being.format(state=state), len(devices) > 1 or plural_name(devices[0]))
        clauses.append(f"{GRAMMAR.the.format(name=name_list(devices))} {said}")
    return f" {GRAMMAR.last_and} ".join(clauses)


