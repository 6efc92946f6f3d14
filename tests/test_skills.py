"""The skill registry: discovery, isolation of broken skills, tool time limits, and the Assistant seams.

Apart from the discovery test, every registry here is built from explicit factories, so
whatever plugins happen to be installed never change the results.
"""

import dataclasses
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from importlib.metadata import EntryPoint
from typing import Annotated
from zoneinfo import ZoneInfo

import pytest
from helpers import MORNING, FakeController, tiny
from langchain_core.tools import InjectedToolArg, tool
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.turn.assistant import Assistant
from agent.cli.main import main
from agent.turn.plan import SkillCall, tool_call
from agent.turn.context import TurnContext
from devices.registry import Registry
from skills import clock, timers
from skills.api import Sentences, Skill, SkillContext, Turn
from agent.skill_host import GROUP, SkillRegistry
from agent.understanding.templates import SlotType

BUILT_INS = [("clock", "skills.clock:skill", clock.skill), ("timers", "skills.timers:skill", timers.skill)]


def echo_skill(context: SkillContext) -> Skill:
    @tool
    def echo(words: str, turn: Annotated[Turn, InjectedToolArg]) -> str:
        """Say the words back."""
        return f"{words} at {turn.now:%H:%M} in {turn.area}"

    @tool
    def count(words: str) -> dict:
        """Count the words."""
        return {"n": len(words.split())}

    return Skill("echo", "Says things back.", [echo, count],
                 [Sentences("echo", ["echo {words}"]), Sentences("count", ["count {words}"])],
                 examples=["echo hello"], replies={"count": "{n} words."})


def broken_skill(behaviour: str):
    """A skill whose one tool raises, hangs or gets arguments it cannot take."""
    release = threading.Event()

    def factory(context: SkillContext) -> Skill:
        @tool
        def misbehave(level: int) -> str:
            """Do something badly."""
            if behaviour == "raise":
                raise RuntimeError("the pool pump is on fire")
            release.wait(10)
            return "too late"

        sentences = [Sentences("misbehave", ["misbehave"] if behaviour == "bad args" else ["misbehave {level:number}"])]
        return Skill("pool_pump", "Breaks.", [misbehave], sentences)

    factory.release = release  # type: ignore[attr-defined]
    return factory


def registry_of(*factories, timeout: float = 5.0, **context) -> SkillRegistry:
    listed = [(getattr(f, "__name__", "skill"), "tests", f) for f in factories]
    return SkillRegistry.from_factories(listed, SkillContext(**{"timezone": UTC, **context}), tool_timeout=timeout)


def ask(registry: SkillRegistry, text: str, context: TurnContext | None = None) -> str | None:
    context = context or TurnContext(area="den", now=MORNING)
    plan = registry.understand(text, context)
    return None if plan is None else registry.run(plan.calls[0], context)


def test_the_builtin_skills_are_found_through_the_entry_points():
    registry = SkillRegistry.discover(SkillContext(UTC))
    names = {skill.name for skill in registry.skills}
    assert {"clock", "timers"} <= names
    assert not [f for f in registry.failures if f.source.startswith("skills.")]


def installed_only(monkeypatch, *targets: str) -> None:
    """Pretend these entry points are all that is installed."""
    found = [EntryPoint(target.split(".")[-1].split(":")[0], target, GROUP) for target in targets]
    monkeypatch.setattr("agent.skill_host.entry_points", lambda group: found if group == GROUP else [])


def test_a_plugin_that_fails_to_import_is_reported_and_the_rest_load(monkeypatch):
    installed_only(monkeypatch, "no_such_plugin_module:skill", "skills.clock:skill")
    registry = SkillRegistry.discover(SkillContext(UTC))
    assert [s.name for s in registry.skills] == ["clock"]
    assert registry.failures[0].source == "no_such_plugin_module:skill"
    assert "ModuleNotFoundError" in registry.failures[0].error


def test_discovered_skills_start_at_their_first_use_not_at_the_clocks_tick(monkeypatch):
    installed_only(monkeypatch, "no_such_plugin_module:skill", "skills.clock:skill")
    loads = []
    monkeypatch.setattr(EntryPoint, "load", lambda ep: loads.append(ep.value) or clock.skill)
    registry = SkillRegistry.discover(SkillContext(UTC))
    registry.tick()
    assert loads == []
    assert registry.understand("what time is it", TurnContext()) is not None
    assert len(loads) == 2
    registry.understand("what time is it", TurnContext())
    assert len(loads) == 2


def test_a_turn_while_the_skills_start_waits_for_them_all(monkeypatch):
    installed_only(monkeypatch, "skills.clock:skill")
    starting, release = threading.Event(), threading.Event()

    def slow_clock(context: SkillContext) -> Skill:
        starting.set()
        release.wait(5)
        return clock.skill(context)

    monkeypatch.setattr(EntryPoint, "load", lambda ep: slow_clock)
    registry = SkillRegistry.discover(SkillContext(UTC))
    threading.Thread(target=registry.load, daemon=True).start()  # as `App.ready` does
    assert starting.wait(5)
    threading.Timer(0.2, release.set).start()
    assert registry.understand("what time is it", TurnContext()) is not None


def test_skills_never_started_are_not_started_to_be_closed(monkeypatch):
    installed_only(monkeypatch, "skills.clock:skill")
    monkeypatch.setattr(EntryPoint, "load", lambda ep: pytest.fail("started to be closed"))
    SkillRegistry.discover(SkillContext(UTC)).close()


def test_homebody_starts_without_langchain_and_its_skills_answer_the_first_turn(tmp_path):
    """LangChain (a skill's tools) is 0.6 s of a 3 s start: it is imported when the skills start (in the
    background once a staying process listens, `App.ready`), and a turn that comes first starts them."""
    code = ("import sys\n"
            "from agent.app import App\n"
            "from agent.config import Settings\n"
            "with App.start(Settings()) as app:\n"
            "    app.skills.tick()\n"
            "    print('langchain_core' in sys.modules)\n"
            "    print(app.assistant.turn('set a timer for 5 minutes').reply)\n")
    environment = {**os.environ, "HOMEBODY_HOUSEHOLD_DATABASE": str(tmp_path / "home.db")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment,
                          timeout=120, check=True)
    imported, reply = done.stdout.strip().splitlines()
    assert imported == "False"
    assert "5 minute" in reply


def test_homebody_skills_lists_skills_and_failures(monkeypatch, capsys):
    installed_only(monkeypatch, "skills.clock:skill", "no_such_plugin_module:skill")
    assert main(["skills"]) == 0
    out = capsys.readouterr().out
    assert "clock: The time, the date and the day of the week." in out
    assert "  tools: current_time, current_date" in out and '  say: "what time is it"' in out
    assert "FAILED no_such_plugin_module (no_such_plugin_module:skill): ModuleNotFoundError" in out


@pytest.mark.parametrize("name, source, factory", BUILT_INS)
def test_every_example_of_a_builtin_skill_calls_one_of_its_tools(name, source, factory):
    registry = SkillRegistry.from_factories(BUILT_INS, SkillContext(UTC))
    skill = next(s for s in registry.skills if s.name == name)
    for example in skill.examples:
        plan = registry.understand(example, TurnContext())
        assert plan is not None and skill.tool(plan.calls[0].tool) is not None, example


@pytest.mark.parametrize("name, source, factory", BUILT_INS)
def test_every_builtin_skill_says_what_it_lets_homebody_do(name, source, factory):
    """For "what can you do": each skill's ability, as its data file says it."""
    registry = SkillRegistry.from_factories(BUILT_INS, SkillContext(UTC))
    skill = next(s for s in registry.skills if s.name == name)
    assert skill.ability and skill.ability in registry.abilities()


def test_a_skill_gets_its_slots_and_the_turn():
    assert ask(registry_of(echo_skill), "echo hello there") == "hello there at 10:00 in den"


def test_a_dict_result_is_spoken_through_the_skills_reply_template():
    assert ask(registry_of(echo_skill), "count one two three") == "3 words."


def test_the_turn_time_is_made_aware_in_the_homes_timezone():
    registry = registry_of(echo_skill, timezone=ZoneInfo("Europe/Dublin"))
    summer_utc = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    assert registry.turn(TurnContext(now=summer_utc)).now.hour == 10
    assert registry.turn(TurnContext(now=datetime(2026, 7, 1, 9, 30))).now.tzinfo == ZoneInfo("Europe/Dublin")


def test_without_a_turn_time_the_skill_context_clock_is_used():
    fixed = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    assert registry_of(echo_skill, clock=lambda: fixed).turn(TurnContext()).now == fixed


def test_a_slot_type_that_raises_leaves_the_utterance_to_the_device_matcher(caplog):
    def fragile(context: SkillContext) -> Skill:
        slots = {"colour": SlotType(r"\w+", lambda text: {"red": 1}[text])}
        return Skill("fragile", "", [_tool_named("paint")], [Sentences("paint", ["paint it {c:colour}"])], slots=slots)

    registry = registry_of(fragile)
    assert registry.understand("paint it red", TurnContext()) is not None
    assert registry.understand("paint it blue", TurnContext()) is None
    assert "KeyError" in caplog.text


def test_unknown_sentences_are_left_to_the_device_matcher():
    assert registry_of(echo_skill).understand("turn on the porch light", TurnContext()) is None


def test_turn_is_hidden_from_the_planners_schema():
    schemas = [convert_to_openai_tool(t)["function"] for t in registry_of(echo_skill).tools()]
    echo = next(s for s in schemas if s["name"] == "echo")
    assert set(echo["parameters"]["properties"]) == {"words"}


@pytest.mark.parametrize("factory, error", [
    (ImportError("No module named 'pool_pump_driver'"), "ImportError"),
    (lambda context: 1 / 0, "ZeroDivisionError"),
    (lambda context: "not a skill", "TypeError"),
    (lambda context: Skill("clash", "", echo_skill(context).tools), "already in use"),
    (lambda context: Skill("devices", "", [_tool_named("set_state")]), "already in use"),
    (lambda context: Skill("stray", "", [_tool_named("a")], [Sentences("b", ["b"])]), "not one of its tools"),
    (lambda context: Skill("typo", "", [_tool_named("a")], [Sentences("a", ["(a"])]), "not closed"),
    (lambda context: Skill("unknown", "", [_tool_named("a")], [Sentences("a", ["{x:colour}"])]), "unknown slot"),
])
def test_a_skill_that_cannot_start_is_reported_and_skipped(factory, error, caplog):
    listed = [("echo", "tests", echo_skill), ("broken", "broken:skill", factory)]
    with caplog.at_level(logging.ERROR):
        registry = SkillRegistry.from_factories(listed, SkillContext(UTC))
    assert [s.name for s in registry.skills] == ["echo"]
    assert [f.name for f in registry.failures] == ["broken"] and error in registry.failures[0].error
    assert "broken" in caplog.text
    assert ask(registry, "echo still here") == "still here at 10:00 in den"


@pytest.mark.parametrize("tool_name", ["recall", "set_state", "undo"])
def test_a_skill_call_never_carries_a_built_in_tool_so_its_json_reads_back_as_it_was(tool_name: str):
    with pytest.raises(ValueError, match="built-in"):
        SkillCall(tool_name, {})
    assert not isinstance(tool_call(tool_name, {"devices": ["x"]} if tool_name == "set_state" else {}), SkillCall)


def _tool_named(name: str):
    def run() -> str:
        return name

    return tool(name, description=f"Tool {name}.")(run)


def test_a_tool_that_raises_costs_one_apology(caplog):
    registry = registry_of(broken_skill("raise"), echo_skill)
    with caplog.at_level(logging.ERROR):
        assert ask(registry, "misbehave 3") == "Sorry, the pool pump skill ran into a problem."
    assert "the pool pump is on fire" in caplog.text
    assert ask(registry, "echo fine") == "fine at 10:00 in den"


def test_a_hanging_tool_is_cut_off_after_the_time_limit():
    factory = broken_skill("hang")
    registry = registry_of(factory, echo_skill, timeout=0.2)
    started = time.monotonic()
    assert ask(registry, "misbehave 3") == "Sorry, the pool pump skill is not answering."
    assert 0.2 <= time.monotonic() - started < 5.0  # cut off, not waited for (the tool hangs for good)
    assert ask(registry, "echo fine") == "fine at 10:00 in den"
    factory.release.set()


def test_missing_arguments_get_an_apology_not_a_crash():
    assert ask(registry_of(broken_skill("bad args")), "misbehave") == "Sorry, I didn't get all the details for that."


def test_a_tool_nobody_has_is_answered():
    assert registry_of(echo_skill).run(tool_call("bake_bread"), TurnContext()) == "Sorry, I can't do bake bread."


def test_a_failing_tick_does_not_stop_the_others(caplog):
    ticked: list[datetime] = []

    def failing(context: SkillContext) -> Skill:
        return Skill("failing", "", [], tick=lambda now: 1 / 0)

    def counting(context: SkillContext) -> Skill:
        return Skill("counting", "", [], tick=ticked.append)

    registry = registry_of(failing, counting)
    registry.tick(MORNING)
    assert ticked == [MORNING] and "failing" in caplog.text


def test_the_ticker_thread_ticks_until_closed():
    ticked = threading.Event()
    registry = registry_of(lambda context: Skill("t", "", [], tick=lambda now: ticked.set()))
    registry.start(interval=0.01)
    assert ticked.wait(2)
    registry.close()


def test_describe_lists_skills_tools_examples_and_failures():
    report = SkillRegistry.from_factories([("echo", "tests", echo_skill), ("gone", "x:y", ImportError("x"))],
                                          SkillContext(UTC)).describe()
    assert report["skills"][0]["name"] == "echo"
    assert [t["name"] for t in report["skills"][0]["tools"]] == ["echo", "count"]
    assert report["skills"][0]["examples"] == ["echo hello"] and report["skills"][0]["unmatched_examples"] == []
    assert report["failures"] == [{"name": "gone", "source": "x:y", "error": "ImportError: x"}]


def test_examples_a_skills_own_sentences_do_not_match_are_shown_as_such():
    def careless(context: SkillContext) -> Skill:
        skill = echo_skill(context)
        return dataclasses.replace(skill, examples=["echo hello", "say hello back"])

    report = SkillRegistry.from_factories([("echo", "tests", careless)], SkillContext(UTC)).describe()
    assert report["skills"][0]["unmatched_examples"] == ["say hello back"]


def test_every_builtin_skills_sentences_match_all_its_examples():
    registry = SkillRegistry.discover(SkillContext(UTC))
    built_in = [skill for skill in registry.skills if skill.name in {"clock", "timers", "reminders", "schedule"}]
    assert len(built_in) == 4 and {s.name: registry.unmatched_examples(s) for s in built_in} == {
        s.name: [] for s in built_in}


def assistant_with(*factories, timeout: float = 5.0) -> Assistant:
    household = tiny()
    registry = Registry.from_household(household)
    context = SkillContext(UTC, registry=registry)
    skills = SkillRegistry.from_factories([("s", "tests", f) for f in factories], context, tool_timeout=timeout)
    return Assistant(registry, FakeController(registry), household,
                     sources=[skills], skill_runner=skills.run)


def test_the_assistant_answers_skills_and_still_controls_devices():
    assistant = assistant_with(clock.skill, timers.skill)
    context = TurnContext(area="den", now=MORNING)
    assert assistant.turn("what time is it", context).reply == "It's 10:00."
    assert assistant.turn("set a timer for 10 minutes", context).reply == "Timer set for 10 minutes."
    assert assistant.turn("turn on the porch light", context).plan.calls[0].tool == "set_state"


@pytest.mark.parametrize("behaviour, apology", [("raise", "ran into a problem"), ("hang", "is not answering")])
def test_the_assistant_keeps_serving_when_a_skill_misbehaves(behaviour, apology):
    factory = broken_skill(behaviour)
    assistant = assistant_with(factory, clock.skill, timeout=0.2)
    context = TurnContext(now=MORNING)
    assert apology in assistant.turn("misbehave 1", context).reply
    assert assistant.turn("what time is it", context).reply == "It's 10:00."
    factory.release.set()


def test_a_sentence_is_compiled_when_an_utterance_has_its_words_or_when_all_are_compiled():
    registry = SkillRegistry.from_factories(BUILT_INS, SkillContext(UTC))
    compiled = lambda: sum(s.template._regex is not None for s in registry._candidates)  # noqa: E731
    assert compiled() == 0
    assert registry.understand("what time is it", TurnContext()) is not None
    assert 0 < compiled() < len(registry._candidates)
    registry.compile_sentences()
    assert compiled() == len(registry._candidates)
