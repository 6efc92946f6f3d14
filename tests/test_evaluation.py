"""The evaluation contract: a turn's verdict (tolerances, ranges, colours, replies, confirm) and the case files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import EVAL, shared

from agent.evaluation.cases import Case, CaseTurn, check_turn, load_cases, percentiles, summarize, value_matches
from agent.cli.main import main
from agent.config import Settings
from agent.evaluation.runner import evaluate
from devices.errors import ConfigError


@pytest.mark.parametrize(
    "attribute, actual, expected, matches",
    [
        # ±1 for percent attributes
        ("brightness", 41, 40, True),
        ("brightness", 39, 40, True),
        ("brightness", 42, 40, False),
        ("percentage", 51, 50, True),
        ("position", 98, 100, False),
        ("volume", 31, 30, True),
        ("brightness", None, 40, False),
        ("brightness", "40", 40, False),
        # ±0.1 for temperatures
        ("target_temperature", 21.1, 21.0, True),
        ("target_temperature", 20.9, 21, True),
        ("target_temperature", 21.2, 21.0, False),
        ("current_temperature", 19.45, 19.5, True),
        ("value", 6.6, 6.5, True),
        # ranges, inclusive
        ("target_temperature", 20.5, {"min": 20.5, "max": 23.0}, True),
        ("target_temperature", 23.0, {"min": 20.5, "max": 23.0}, True),
        ("target_temperature", 23.01, {"min": 20.5, "max": 23.0}, False),
        ("brightness", 10, {"min": 20}, False),
        ("brightness", 90, {"min": 20}, True),
        ("brightness", 5, {"max": 5}, True),
        ("brightness", True, {"min": 0, "max": 100}, False),
        ("brightness", "50", {"min": 0, "max": 100}, False),
        ("brightness", None, {"min": 0}, False),
        # colours by name or nearest named colour
        ("color", "red", "red", True),
        ("color", [250, 5, 5], "red", True),
        ("color", "Red", [255, 0, 0], True),
        ("color", "aqua", "cyan", True),
        ("color", "crimson", "red", False),
        ("color", "warm white", "white", False),
        ("color", None, "red", False),
        ("color", "not-a-colour", "red", False),
        ("color", "red", "not-a-colour", False),
        # everything else exactly
        ("state", "on", "on", True),
        ("state", "off", "on", False),
        ("mode", "heat", "heat", True),
        ("muted", True, True, True),
        ("muted", False, True, False),
        ("color_temp", 2701, 2700, False),
    ],
)
def test_value_matches(attribute: str, actual: Any, expected: Any, matches: bool):
    assert value_matches(attribute, actual, expected) is matches


BEFORE = {
    "lamp": {"state": "off", "brightness": 50},
    "heat": {"mode": "heat", "target_temperature": 20.0, "current_temperature": 19.0},
    "door": {"state": "locked"},
}


def after(**changes: dict) -> dict[str, dict]:
    return {device: {**state, **changes.get(device, {})} for device, state in BEFORE.items()}


@pytest.mark.parametrize(
    "turn, state_after, reply, awaiting, failures",
    [
        (CaseTurn("x", expect={"lamp": {"state": "on"}}), after(lamp={"state": "on"}), "Done.", False, []),
        (CaseTurn("x", expect={"lamp": {"state": "on", "brightness": 50}}),
         after(lamp={"state": "on", "brightness": 51}), "", False, []),
        (CaseTurn("x", expect={"lamp": {"state": "on"}}), after(), "", False, ["lamp.state = 'off', expected 'on'"]),
        (CaseTurn("x", expect={"heat": {"target_temperature": {"min": 20.5, "max": 23}}}),
         after(heat={"target_temperature": 21.0}), "", False, []),
        # every device not named must be unchanged
        (CaseTurn("x", expect={"lamp": {"state": "on"}}), after(lamp={"state": "on"}, door={"state": "unlocked"}),
         "", False, ["door changed"]),
        (CaseTurn("x"), after(lamp={"brightness": 51}), "", False, []),
        (CaseTurn("x"), after(lamp={"brightness": 52}), "", False, ["lamp changed"]),
        (CaseTurn("x"), after(heat={"current_temperature": 25.0}), "", False, []),
        (CaseTurn("x"), after(heat={"target_temperature": 20.05}), "", False, []),
        # a named device's other attributes are not checked
        (CaseTurn("x", expect={"lamp": {"state": "on"}}), after(lamp={"state": "on", "brightness": 90}), "", False, []),
        # say and say_not: case-insensitive regular expressions, searched
        (CaseTurn("x", say=["kitchen", r"\bon\b"]), after(), "Done, the Kitchen light is ON.", False, []),
        (CaseTurn("x", say=["28|can't"]), after(), "I can't set it above 28 degrees.", False, []),
        (CaseTurn("x", say=["sauna"]), after(), "Sorry, which device?", False, ["does not match 'sauna'"]),
        (CaseTurn("x", say_not=["done"]), after(), "DONE.", False, ["matches 'done'"]),
        (CaseTurn("x", say_not=["unlocked"]), after(), "Are you sure?", False, []),
        # confirm: the assistant must be awaiting a confirmation
        (CaseTurn("x", confirm=True), after(), "Are you sure?", True, []),
        (CaseTurn("x", confirm=True), after(), "Done.", False, ["expected a confirmation question"]),
        (CaseTurn("x", confirm=True), after(door={"state": "unlocked"}), "Are you sure?", True, ["door changed"]),
    ],
)
def test_check_turn(turn: CaseTurn, state_after: dict, reply: str, awaiting: bool, failures: list[str]):
    found = check_turn(turn, BEFORE, state_after, reply, awaiting)
    assert len(found) == len(failures), found
    for failure, expected in zip(found, failures, strict=False):
        assert expected in failure


def test_check_turn_reports_every_failure_at_once():
    turn = CaseTurn("x", expect={"lamp": {"state": "on", "brightness": 80}}, say=["lamp"], confirm=True)
    assert len(check_turn(turn, BEFORE, after(door={"state": "unlocked"}), "Done.", False)) == 5


# ---- case files ---------------------------------------------------------------------------------


def write_cases(tmp_path: Path, *cases: dict | str) -> Path:
    file = tmp_path / "cases.jsonl"
    file.write_text("\n".join(c if isinstance(c, str) else json.dumps(c) for c in cases) + "\n", encoding="utf-8")
    return file


def test_load_cases_single_turn_line(tmp_path: Path):
    file = write_cases(tmp_path, {
        "id": "dev-001", "utterance": "turn on the kitchen light", "area": "living_room", "person": "alex",
        "now": "2026-11-24T18:30:00", "setup": {"kitchen_ceiling": {"state": "off"}},
        "expect": {"kitchen_ceiling": {"state": "on"}}, "say": ["kitchen"], "say_not": ["sorry"], "tags": ["onoff"]})
    [case] = load_cases(file)
    assert (case.id, case.area, case.person, case.tags, case.source) == (
        "dev-001", "living_room", "alex", ["onoff"], str(file))
    assert case.setup == {"kitchen_ceiling": {"state": "off"}}
    assert case.moment.hour == 18
    assert case.turns == [CaseTurn("turn on the kitchen light", {"kitchen_ceiling": {"state": "on"}}, ["kitchen"],
                                   ["sorry"], False)]


def test_load_cases_multi_turn_line(tmp_path: Path):
    file = write_cases(tmp_path, {"id": "dev-072", "turns": [
        {"utterance": "unlock the front door", "expect": {}, "confirm": True},
        {"utterance": "yes", "expect": {"front_door": {"state": "unlocked"}}, "say": ["unlocked"]}],
        "tags": ["lock", "multiturn"]})
    [case] = load_cases(file)
    assert [t.utterance for t in case.turns] == ["unlock the front door", "yes"]
    assert case.turns[0].confirm and not case.turns[1].confirm
    assert case.turns[1].expect == {"front_door": {"state": "unlocked"}} and case.turns[1].say == ["unlocked"]


def test_load_cases_defaults_and_blank_lines(tmp_path: Path):
    file = write_cases(tmp_path, "", {"id": "a", "utterance": "hi"}, "   ", {"id": "b", "utterance": "yo"}, "")
    cases = load_cases(file)
    assert [c.id for c in cases] == ["a", "b"]
    assert cases[0] == Case("a", [CaseTurn("hi")], source=str(file), line=2)
    assert cases[0].now == "2026-11-24T10:00:00"


@pytest.mark.parametrize("path", ["cases/dev.jsonl", "cases/everyday.jsonl", "ha/cases.jsonl", "real-speech/cases.jsonl"])
def test_the_shared_case_files_load(path: str):
    cases = load_cases(shared(EVAL / path))
    assert cases and len({c.id for c in cases}) == len(cases)
    assert all(c.turns and all(t.utterance is None or isinstance(t.utterance, str) for t in c.turns) for c in cases)


def test_every_field_of_the_contract_loads_onto_the_case_and_its_turns(tmp_path: Path):
    file = write_cases(tmp_path, {
        "id": "later", "now": "2026-11-24T21:00:00", "area": "living_room", "person": "alex",
        "setup": {"tv": {"state": "on"}}, "tags": ["time"], "turns": [
            {"utterance": "turn off the tv in ten minutes", "expect": {}, "say": ["10|ten"], "say_not": ["sorry"]},
            {"now": "2026-11-24T21:11:00", "setup": {"hall_motion": {"state": "on"}}, "area": "hallway",
             "person": "sam", "expect": {"tv": {"state": "off"}}, "announce": ["tv"], "announce_not": ["sorry"]}]})
    [case] = load_cases(file)
    said, later = case.turns
    assert (case.now, case.area, case.person, case.setup, case.line) == (
        "2026-11-24T21:00:00", "living_room", "alex", {"tv": {"state": "on"}}, 1)
    assert (said.utterance, said.now, said.say_not) == ("turn off the tv in ten minutes", None, ["sorry"])
    assert later == CaseTurn(None, {"tv": {"state": "off"}}, now="2026-11-24T21:11:00",
                             setup={"hall_motion": {"state": "on"}}, area="hallway", person="sam",
                             announce=["tv"], announce_not=["sorry"])


@pytest.mark.parametrize(("line", "problem"), [
    ('{"id": "a", "utterance": ', "not valid JSON"),
    ('["a", "list"]', "expected a JSON object"),
    ('{"utterance": "no id"}', "needs an id"),
    ('{"id": "a"}', "needs an utterance, or turns"),
    ('{"id": "a", "utterance": "x", "bogus": 1}', "unknown field 'bogus'"),
    ('{"id": "a", "turns": [{"utterance": "x", "bogus": 1}]}', "turn 1: unknown field 'bogus'"),
    ('{"id": "a", "turns": []}', "turns: expected a non-empty list"),
    ('{"id": "a", "turns": [{"utterance": "x"}], "expect": {}}', "expect belong in the turns"),
    ('{"id": "a", "utterance": 5}', "utterance: expected a string"),
    ('{"id": "a", "utterance": "x", "confirm": "yes"}', "confirm: expected true or false"),
    ('{"id": "a", "utterance": "x", "say": "kitchen"}', "say: expected a list of strings"),
    ('{"id": "a", "utterance": "x", "say": ["(unclosed"]}', "not a regular expression"),
    ('{"id": "a", "utterance": "x", "expect": {"lamp": "on"}}', "expect: expected"),
    ('{"id": "a", "utterance": "x", "now": "tuesday"}', "not an ISO 8601 local time"),
    ('{"id": "ok", "utterance": "again"}', "id 'ok' is used twice"),
])
def test_a_case_line_the_contract_does_not_allow_is_one_error_naming_file_and_line(
        tmp_path: Path, line: str, problem: str):
    file = write_cases(tmp_path, {"id": "ok", "utterance": "fine"}, "", line)
    with pytest.raises(ConfigError) as error:
        load_cases(file)
    message = str(error.value)
    assert message.startswith(f"{file}:3: ") and problem in message and "\n" not in message


@pytest.mark.parametrize("name", ["missing.jsonl", "folder"])
def test_a_case_file_that_cannot_be_read_is_one_error_naming_it(tmp_path: Path, name: str):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ConfigError, match=rf"^{tmp_path / name}: "):
        load_cases(tmp_path / name)


def test_homebody_eval_on_a_bad_case_file_prints_one_line_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    file = write_cases(tmp_path, {"id": "a", "utterance": "x", "bogus": 1})
    for cases in (str(file), str(tmp_path / "missing.jsonl")):
        assert main(["eval", cases, "--no-llm"]) == 1
        err = capsys.readouterr().err
        assert err.startswith("homebody: ") and err.count("\n") == 1 and "Traceback" not in err


def test_a_turn_without_an_utterance_is_checked_without_saying_anything(tmp_path: Path):
    file = write_cases(tmp_path, {"id": "wait", "turns": [
        {"utterance": "turn on the kettle", "expect": {"kettle": {"state": "on"}}},
        {"expect": {}},
        {"expect": {"kettle": {"state": "off"}}}]})
    [result] = evaluate([str(file)], Settings(), None)
    assert [t.utterance for t in result.turns] == ["turn on the kettle", None, None]
    assert result.failures == ["turn 3: kettle.state = 'on', expected 'off'"]


# ---- summaries -----------------------------------------------------------------------------------


def test_percentiles():
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "n": 0}
    assert percentiles([3.0, 1.0, 2.0]) == {"p50": 2.0, "p95": 3.0, "n": 3}


def test_summarize_counts_accuracy_overall_and_per_tag():
    from agent.evaluation.cases import CaseResult, TurnRecord

    def result(case_id: str, passed: bool, tags: list[str], path: str) -> CaseResult:
        return CaseResult(case_id, passed, tags, [], [TurnRecord("u", "r", path, False, 5.0, {})])

    summary = summarize([result("a", True, ["onoff"], "matcher"), result("b", False, ["onoff", "lock"], "matcher"),
                         result("c", True, ["lock"], "llm")])
    assert (summary["cases"], summary["passed"], summary["accuracy"]) == (3, 2, 0.6667)
    assert summary["by_tag"] == {"lock": {"cases": 2, "accuracy": 0.5}, "onoff": {"cases": 2, "accuracy": 0.5}}
    assert summary["latency_ms"]["matcher"]["n"] == 2 and summary["latency_ms"]["llm"]["n"] == 1
