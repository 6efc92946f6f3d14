"""Timers: the wording, the choice of timer, whole conversations, ringing on an injected clock,
and surviving a restart in a real household database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent.memory.store import HouseholdStore, Timer
from agent.turn.context import TurnContext
from devices.household import Area
from devices.registry import Registry
from skills import timers
from skills.api import SkillContext
from agent.skill_host import SkillRegistry
from skills.timers import label, narrow, select, spoken_duration

ZONE = ZoneInfo("Europe/Dublin")
START = datetime(2026, 11, 24, 10, 0, tzinfo=ZONE)


class Clock:
    """An injected clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def make(store: HouseholdStore | None = None, clock: Clock | None = None) -> tuple[SkillRegistry, list]:
    heard: list[tuple[str, str | None]] = []
    registry = Registry(areas={a.id: a for a in (Area("kitchen", "Kitchen"), Area("living_room", "Living room"))})
    context = SkillContext(ZONE, registry=registry, store=store, clock=clock or Clock(),
                           announce=lambda text, area: heard.append((text, area)))
    return SkillRegistry.from_factories([("timers", "skills.timers:skill", timers.skill)], context), heard


def say(skills: SkillRegistry, text: str, area: str | None = None, now: datetime | None = None) -> str:
    context = TurnContext(area=area, now=now)
    plan = skills.understand(text, context)
    assert plan is not None, f"not understood: {text}"
    return skills.run(plan.calls[0], context)


def timer(name: str = "", seconds: float = 300, area: str | None = None, paused: float | None = None) -> Timer:
    return Timer(f"{name}-{seconds}-{area}", name, seconds, START.timestamp() + seconds, area, paused)


@pytest.mark.parametrize("seconds, spoken", [
    (0, "0 seconds"), (1, "1 second"), (30, "30 seconds"), (60, "1 minute"), (330, "5 minutes and 30 seconds"),
    (3600, "1 hour"), (4530, "1 hour, 15 minutes and 30 seconds"), (1799.4, "30 minutes"), (7260, "2 hours and 1 minute"),
])
def test_spoken_duration(seconds, spoken):
    assert spoken_duration(seconds) == spoken


@pytest.mark.parametrize("made, called", [
    (timer("pizza"), "pizza timer"), (timer(seconds=300), "5 minute timer"),
    (timer(seconds=4500), "1 hour 15 minute timer"), (timer(seconds=45), "45 second timer"),
])
def test_label(made, called):
    assert label(made) == called


PIZZA, HOUR, KITCHEN = timer("pizza", 1800), timer(seconds=3600), timer(seconds=300, area="kitchen")


@pytest.mark.parametrize("description, found", [
    ({}, [PIZZA, HOUR, KITCHEN]),
    ({"name": "pizza"}, [PIZZA]),
    ({"name": "Pizza"}, [PIZZA]),
    ({"length": 3600}, [HOUR]),
    ({"area": "kitchen"}, [KITCHEN]),
    ({"name": "pasta"}, []),
    ({"name": "peeza"}, [PIZZA]),
])
def test_select(description, found):
    assert select([PIZZA, HOUR, KITCHEN], **description) == found


@pytest.mark.parametrize("found, area, prefer, chosen", [
    ([PIZZA], None, None, [PIZZA]),
    ([PIZZA, KITCHEN], "kitchen", None, [KITCHEN]),
    ([PIZZA, HOUR], "kitchen", None, [PIZZA, HOUR]),
    ([PIZZA, timer("paused", paused=60)], None, lambda t: t.paused_remaining_s is not None, [timer("paused", paused=60)]),
])
def test_narrow(found, area, prefer, chosen):
    assert narrow(found, area, prefer) == chosen


CONVERSATIONS = [
    ("start, ask, cancel", None, [
        ("start a 30 minute timer named pizza", "Pizza timer set for 30 minutes."),
        ("set a timer for 1 hour", "Timer set for 1 hour."),
        ("how long is left on the pizza timer", "Pizza timer: 30 minutes left."),
        ("status of 1 hour timer", "1 hour timer: 1 hour left."),
        ("cancel pizza timer", "Cancelled the pizza timer."),
        ("timer status", "1 hour timer: 1 hour left."),
        ("stop the timer", "Cancelled the 1 hour timer."),
        ("timer status", "There are no timers running."),
    ]),
    ("pause and resume", None, [
        ("set a pasta timer for 8 minutes", "Pasta timer set for 8 minutes."),
        ("pause the timer", "Paused the pasta timer."),
        ("pause the timer", "The pasta timer is already paused."),
        ("how long is left on the pasta timer", "Pasta timer: paused with 8 minutes left."),
        ("resume pasta timer", "Resumed the pasta timer."),
        ("continue my timer", "The pasta timer is already running."),
    ]),
    ("several at once", "kitchen", [
        ("start a 5 minute timer", "Timer set for 5 minutes."),
        ("set a timer for 5 and a half minutes", "Timer set for 5 minutes and 30 seconds."),
        ("set timer called eggs for half a minute", "Eggs timer set for 30 seconds."),
        ("timer status", ("3 timers. Eggs timer: 30 seconds left. 5 minute timer: 5 minutes left. "
                          "5 minute 30 second timer: 5 minutes and 30 seconds left.")),
        ("cancel timer", "Which timer: the 5 minute timer, the 5 minute 30 second timer or the eggs timer?"),
        ("cancel the 5 minute timer", "Cancelled the 5 minute timer."),
        ("cancel all kitchen timers", "Cancelled all 2 timers."),
    ]),
    ("more or less time", None, [
        ("start a 10 minute timer", "Timer set for 10 minutes."),
        ("add 5 minutes to my timer", "Added 5 minutes to the 10 minute timer."),
        ("how much time is left on my timer", "10 minute timer: 15 minutes left."),
        ("take 20 minutes off my timer", "Removed 20 minutes from the 10 minute timer."),
        ("time left on the 10 minute timer", "10 minute timer: done."),
    ]),
    ("a name as Whisper mis-hears it", None, [
        ("set a pasta timer for 8 minutes", "Pasta timer set for 8 minutes."),
        ("set an egg timer for 5 minutes", "Egg timer set for 5 minutes."),
        ("how long is left on the past of timer", "Pasta timer: 8 minutes left."),
        ("how long is left on the pizza timer", "I couldn't find that timer."),
    ]),
    ("the only timer is the one asked about", None, [
        ("set a faster timer for 8 minutes", "Faster timer set for 8 minutes."),
        ("how long is left on the pasta timer", "Faster timer: 8 minutes left."),
        ("cancel the pizza timer", "I couldn't find that timer."),
    ]),
    ("nothing to act on", None, [
        ("pause my timer", "There are no timers running."),
        ("cancel the pizza timer", "I couldn't find that timer."),
        ("set a timer", "For how long? Say, for example: set a timer for 5 minutes."),
    ]),
]


@pytest.mark.parametrize("title, area, turns", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversations(title, area, turns):
    skills, _ = make()
    for text, reply in turns:
        assert say(skills, text, area, START) == reply, text


def test_a_kitchen_timer_is_one_started_in_the_kitchen():
    skills, _ = make()
    say(skills, "start a 5 minute timer", "kitchen", START)
    say(skills, "start a 7 minute timer", "living_room", START)
    assert say(skills, "how long is left on the kitchen timer", "living_room", START) == "5 minute timer: 5 minutes left."
    assert say(skills, "pause the timer", "living_room", START) == "Paused the 7 minute timer."


def test_time_passes_between_turns():
    skills, _ = make()
    say(skills, "start a 30 minute timer named pizza", None, START)
    later = START + timedelta(seconds=2)
    assert say(skills, "how long is left on the pizza timer", None, later) == \
        "Pizza timer: 29 minutes and 58 seconds left."


def test_a_timer_rings_once_at_its_time_in_its_area():
    clock = Clock()
    skills, heard = make(clock=clock)
    say(skills, "set a pasta timer for 8 minutes", "kitchen")
    skills.tick(clock.advance(minutes=7, seconds=59))
    assert heard == []
    skills.tick(clock.advance(seconds=1))
    assert heard == [("The pasta timer is done.", "kitchen")]
    skills.tick(clock.advance(seconds=1))
    assert len(heard) == 1
    assert say(skills, "timer status") == "There are no timers running."


def test_a_paused_timer_does_not_ring_and_resumes_where_it_stopped():
    clock = Clock()
    skills, heard = make(clock=clock)
    say(skills, "start a 1 minute timer")
    clock.advance(seconds=20)
    say(skills, "pause the timer")
    skills.tick(clock.advance(hours=1))
    assert heard == []
    say(skills, "resume the timer")
    skills.tick(clock.advance(seconds=39))
    assert heard == []
    skills.tick(clock.advance(seconds=1))
    assert heard == [("The 1 minute timer is done.", None)]


def test_timers_survive_a_restart(tmp_path):
    clock = Clock()
    with HouseholdStore(tmp_path / "home.db") as store:
        first, _ = make(store, clock)
        say(first, "start a 30 minute timer named pizza", "kitchen")
        say(first, "start a 1 hour timer")
        say(first, "pause the 1 hour timer")
        first.close()
    clock.advance(minutes=10)
    with HouseholdStore(tmp_path / "home.db") as store:
        second, heard = make(store, clock)
        assert say(second, "timer status") == \
            "2 timers. Pizza timer: 20 minutes left. 1 hour timer: paused with 1 hour left."
        second.tick(clock.advance(minutes=20))
        assert heard == [("The pizza timer is done.", "kitchen")]
        assert [t.name for t in store.timers()] == [""]
        say(second, "cancel all timers")
        assert store.timers() == []


def test_timers_work_without_a_database():
    skills, _ = make(store=None)
    assert say(skills, "10 minute timer", None, START) == "Timer set for 10 minutes."
