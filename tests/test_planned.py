"""Later commands and automations: set up by voice, kept in a real SQLite store, carried out by the one
scheduler on a clock the test moves; they survive a restart, and a store that cannot save says so."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import FakeController, example, hazel, maple

from agent.config import Settings
from agent.memory.store import HouseholdStore
from agent.turn.assistant import Assistant
from agent.turn.context import TurnContext
from agent.turn.scheduler import Scheduler
from devices.household import Household
from devices.registry import Registry


@dataclass
class House:
    """An assistant, its store and scheduler, and a clock the test moves."""

    household: Household
    store: HouseholdStore
    now: datetime
    registry: Registry = field(init=False)
    said: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.registry = Registry.from_household(self.household)
        self.assistant = Assistant(self.registry, FakeController(self.registry), self.household, Settings(),
                                   store=self.store, announce=lambda text, area, **_: self.said.append(text),
                                   clock=lambda: self.now)
        self.scheduler = Scheduler(self.store, lambda: self.now, run_later=self.assistant.plans.run_later,
                                   on_state=self.assistant.plans.on_state, last=self.now)
        self.scheduler.follow(self.registry.states)
        self.context = TurnContext(area=self.first_area(), now=self.now)

    def first_area(self) -> str:
        return next(iter(self.registry.areas))

    def say(self, text: str, area: str | None = None) -> str:
        self.context.area = area or self.context.area
        self.context.now = self.now
        reply = self.assistant.turn(text, self.context).reply
        self.scheduler.settle()
        return reply

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)
        self.scheduler.advance(self.now)

    def report(self, device_id: str, **state: object) -> None:
        """A device changes by itself and reports it."""
        self.registry.states.update(device_id, state)
        self.scheduler.settle()

    def state(self, device_id: str) -> dict:
        return self.registry.state(device_id)


EVENING = datetime(2026, 11, 24, 20, 0)


@pytest.fixture
def open_house(tmp_path: Path) -> Iterator[Callable[[Household], House]]:
    stores: list[HouseholdStore] = []

    def start(household: Household, now: datetime = EVENING) -> House:
        store = HouseholdStore(tmp_path / f"{household.home.name}.db")
        store.seed(household)
        stores.append(store)
        return House(household, store, now.replace(tzinfo=ZoneInfo(household.home.timezone)))

    yield start
    for store in stores:
        store.close()


# ---- later commands, on two households --------------------------------------------------------------------

LATER = [
    (maple, "living_room", "tv", {"state": "on"}, "turn off the tv in ten minutes", 11, {"state": "off"}),
    (maple, "garage", "garage_light", {"state": "off"}, "turn on the garage light at 8:30 pm", 31, {"state": "on"}),
    (example, "sitting_room", "sofa_lamp", {"state": "on"}, "in 20 minutes switch the sofa lamp off", 21,
     {"state": "off"}),
    (example, "porch", "porch_light", {"state": "off"}, "turn the porch light on in half an hour", 31,
     {"state": "on"}),
    (example, "porch", "porch_light", {"state": "on"}, "turn the porch light off in an hour and a half", 91,
     {"state": "off"}),
    (maple, "living_room", "tv", {"state": "on"}, "turn off the tv in three quarters of an hour", 46, {"state": "off"}),
    (example, "porch", "porch_light", {"state": "off"}, "switch the porch light on in an hour and a quarter", 76,
     {"state": "on"}),
]


@pytest.mark.parametrize(("home", "area", "device", "before", "text", "minutes", "after"), LATER)
def test_a_later_command_waits_then_runs_and_says_so(open_house, home, area, device, before, text, minutes, after):
    house = open_house(home())
    house.registry.states.update(device, before)
    reply = house.say(text, area)
    assert reply.startswith("OK, I'll") and house.state(device).items() >= before.items()
    house.wait(minutes - 2)
    assert house.state(device).items() >= before.items() and not house.said
    house.wait(2)
    assert house.state(device).items() >= after.items()
    assert len(house.said) == 1 and house.said[0].startswith("As you asked")


@pytest.mark.parametrize("text", ["turn on the porch light at 7 pm every weekday",
                                  "turn on the porch light every weekday at 7 pm"])
def test_a_time_of_day_and_a_repeat_are_one_time_in_either_order(open_house, text):
    house = open_house(example())  # EVENING is a Tuesday, 8 pm
    house.registry.states.update("porch_light", {"state": "off"})
    assert "every weekday" in house.say(text)
    for _day in range(3):  # Wednesday, Thursday, Friday at 7 pm
        house.wait(23 * 60)
        assert house.state("porch_light")["state"] == "on"
        house.registry.states.update("porch_light", {"state": "off"})
        house.wait(60)
    house.wait(24 * 60)  # Saturday
    assert house.state("porch_light")["state"] == "off"


@pytest.mark.parametrize(("text", "hours"), [
    ("turn the porch light on tonight at 11", 3),       # EVENING is 8 pm: 11 pm, not 11 am tomorrow
    ("every night at 10 turn on the porch light", 2),   # "night" is no routine's name here, and 10 is 10 pm
    ("turn on the porch light every morning at 7", 11),
])
def test_the_words_of_a_time_say_which_half_of_the_day(open_house, text, hours):
    house = open_house(example())
    house.registry.states.update("porch_light", {"state": "off"})
    house.say(text)
    house.wait(hours * 60 - 5)
    assert house.state("porch_light")["state"] == "off"
    house.wait(5)
    assert house.state("porch_light")["state"] == "on"


def test_a_routine_called_like_a_part_of_the_day_leaves_the_time_alone(open_house):
    """Hazel Court's "Lock up" is also called "night": "every night at 10" is still a time, not the routine."""
    house = open_house(hazel())
    house.registry.states.update("study_lamp", {"state": "on"})
    house.say("switch off the study lamp every night at 10", "study")
    assert house.state("study_lamp")["state"] == "on" and house.store.pending()
    house.wait(2 * 60)
    assert house.state("study_lamp")["state"] == "off"


@pytest.mark.parametrize("home", [maple, example])
def test_for_a_while_puts_the_device_back_afterwards(open_house, home):
    house = open_house(home())
    fan = next(d for d in house.registry.devices.values() if d.kind.value == "fan")
    house.registry.states.update(fan.id, {"state": "off"})
    house.say(f"turn on the {fan.name} for 15 minutes", fan.area)
    assert house.state(fan.id)["state"] == "on"
    house.wait(16)
    assert house.state(fan.id)["state"] == "off"


@pytest.mark.parametrize(("home", "text", "hours"), [
    (example, "turn on the porch light until 11 pm", 3),  # EVENING is 8 pm
    (example, "leave the porch light on till midnight", 4),
    (maple, "switch the garage light on until 10:30 pm", 2.5),
])
def test_until_a_time_acts_now_and_puts_the_device_back_then(open_house, home, text, hours):
    house = open_house(home())
    light = "porch_light" if home is example else "garage_light"
    house.registry.states.update(light, {"state": "off"})
    assert "back" in house.say(text)
    assert house.state(light)["state"] == "on"
    house.wait(hours * 60 - 5)
    assert house.state(light)["state"] == "on"
    house.wait(10)
    assert house.state(light)["state"] == "off"


def test_cancel_that_cancels_what_was_just_planned(open_house):
    house = open_house(maple())
    house.registry.states.update("garage_light", {"state": "on"})
    house.say("turn off the garage light in 5 minutes", "garage")
    assert "won't" in house.say("actually, cancel that")
    house.wait(10)
    assert house.state("garage_light")["state"] == "on" and not house.said


@pytest.mark.parametrize(("home", "area", "planned", "then", "light"), [
    (maple, "garage", "turn off the garage light in 5 minutes", "turn on the kitchen light", "garage_light"),
    (hazel, "study", "turn off the study lamp in 5 minutes", "turn on the kitchen pendant", "study_lamp"),
])
def test_cancel_that_after_another_command_cancels_nothing_planned_before(open_house, home, area: str, planned: str,
                                                                          then: str, light: str):
    house = open_house(home())
    house.registry.states.update(light, {"state": "on"})
    house.say(planned, area)
    house.say(then)
    assert "nothing to cancel" in house.say("never mind")
    house.wait(10)
    assert house.state(light)["state"] == "off"


def test_cancel_that_after_a_question_still_cancels_what_was_planned(open_house):
    house = open_house(hazel())
    house.registry.states.update("study_lamp", {"state": "on"})
    house.say("turn off the study lamp in 5 minutes", "study")
    house.say("is the study lamp on")
    assert "won't" in house.say("cancel that")


def test_what_is_planned_is_listed(open_house):
    house = open_house(example())
    house.say("turn off the sofa lamp in ten minutes", "sitting_room")
    house.say("when the front door unlocks, turn on the porch light")
    listed = house.say("what have you got planned")
    assert "sofa lamp" in listed and "porch light" in listed


# ---- automations ------------------------------------------------------------------------------------------

def test_an_automation_fires_once_when_its_condition_comes_true(open_house):
    house = open_house(maple())
    house.registry.states.update("hallway_light", {"state": "off"})
    house.registry.states.update("front_door_contact", {"state": "off"})
    house.say("when the front door opens, turn on the hallway light")
    assert house.state("hallway_light")["state"] == "off"
    house.report("front_door_contact", state="on")
    assert house.state("hallway_light")["state"] == "on" and len(house.said) == 1
    house.registry.states.update("hallway_light", {"state": "off"})
    house.report("front_door_contact", state="off")
    house.report("front_door_contact", state="on")
    assert house.state("hallway_light")["state"] == "off"  # one-shot


def test_a_closed_scheduler_hears_no_more_reports(open_house):
    """One scheduler is built per evaluation case: the ones closed before must not pile up on the registry."""
    house = open_house(example())
    listening = len(house.registry.states._listeners)
    house.scheduler.close()
    assert len(house.registry.states._listeners) == listening - 1
    house.scheduler.close()  # twice is harmless


def test_let_me_know_announces_and_changes_nothing(open_house):
    house = open_house(maple())
    house.registry.states.update("garage_door", {"state": "closed", "position": 0})
    house.say("let me know if the garage door opens")
    before = house.registry.states.snapshot()
    house.report("garage_door", state="open", position=100)
    assert house.said and "garage" in house.said[0].lower()
    after = house.registry.states.snapshot()
    assert {k: v for k, v in after.items() if before.get(k) != v}.keys() <= {"garage_door"}


@pytest.mark.parametrize(("home", "text", "sensor", "device"), [
    (example, "when someone is on the porch turn on the porch light", "porch_motion", "porch_light"),
    (maple, "when somebody is in the hallway, switch the hallway light on", "hallway_motion", "hallway_light"),
])
def test_a_condition_is_read_as_the_question_it_asks(open_house, home, text, sensor, device):
    """"Someone is on the porch" asks what "is someone on the porch" asks: the motion sensor there."""
    house = open_house(home())
    house.registry.states.update(device, {"state": "off"})
    house.registry.states.update(sensor, {"state": "off"})
    house.say(text)
    assert house.state(device)["state"] == "off"
    house.report(sensor, state="on")
    assert house.state(device)["state"] == "on"


@pytest.mark.parametrize(("text", "told"), [
    ("tell me when the bedroom window opens", True),
    ("give me a shout once the bedroom window is open", True),
    ("tell me if the bedroom window is open", False),  # a question, answered now
])
def test_tell_me_when_waits_and_tell_me_if_asks(open_house, text, told):
    house = open_house(example())
    house.registry.states.update("bedroom_window", {"state": "off"})  # a contact sensor: on is open
    reply = house.say(text)
    assert bool(house.store.pending()) is told, reply
    house.report("bedroom_window", state="on")
    assert bool(house.said) is told


def test_a_number_crossed_fires_the_automation(open_house):
    house = open_house(maple())
    house.say("if the living room drops below 18 degrees, set the heating to 21")
    assert house.state("living_thermostat")["target_temperature"] != 21
    house.report("living_temperature", value=17.5)
    assert house.state("living_thermostat")["target_temperature"] == 21


# ---- restarts -----------------------------------------------------------------------------------------------

def test_a_later_command_and_an_automation_survive_a_restart(tmp_path: Path):
    household = maple()
    zone = ZoneInfo(household.home.timezone)
    path = tmp_path / "restart.db"
    with HouseholdStore(path) as store:
        store.seed(household)
        house = House(household, store, EVENING.replace(tzinfo=zone))
        house.registry.states.update("tv", {"state": "on"})
        house.say("turn off the tv in ten minutes", "living_room")
        house.say("when the front door opens, turn on the hallway light")
    with HouseholdStore(path) as store:
        house = House(household, store, EVENING.replace(tzinfo=zone) + timedelta(minutes=1))
        house.registry.states.update("tv", {"state": "on"})
        house.registry.states.update("hallway_light", {"state": "off"})
        house.wait(10)
        assert house.state("tv")["state"] == "off"
        house.report("front_door_contact", state="on")
        assert house.state("hallway_light")["state"] == "on"


def test_a_locked_database_is_said_and_nothing_is_half_kept(open_house, tmp_path: Path):
    house = open_house(example())
    blocker = sqlite3.connect(house.store.path, timeout=0.1)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        house.store.db.conn.execute("PRAGMA busy_timeout = 50")
        reply = house.say("turn off the sofa lamp in ten minutes", "sitting_room")
    finally:
        blocker.rollback()
        blocker.close()
    assert "couldn't save" in reply
    assert house.store.pending() == []
    house.wait(15)
    assert not house.said


# ---- bad input: clear replies, nothing acts ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "turn off the lights in minus five minutes", "turn on the light at 25 o'clock", "remind me",
    "when the sauna turns on, turn off the lights", "if the dishwasher finishes turn off the kettle",
    "turn on the heating tomorrow",
    "turn off the lights at sunset", "turn the lights on until bedtime", "switch the heating off after the film",
    "turn the lights off at 9 tomorrow at 10", "lights off in 5", "turn the lights on for 10", "turn the lights on until 11",
])
@pytest.mark.parametrize("home", [maple, example])
def test_times_and_conditions_not_understood_change_nothing(open_house, home, text):
    house = open_house(home())
    before = house.registry.states.snapshot()
    reply = house.say(text)
    assert reply and house.registry.states.snapshot() == before and house.store.pending() == []


@pytest.mark.parametrize("home", [maple, example])
@pytest.mark.parametrize("text", ["is a light on in one of the bedrooms", "is there a light on in one of the rooms"])
def test_a_number_after_in_counts_in_a_question(open_house, home, text):
    """ "Lights off in 5" is refused (5 what?); a question has no time to wait for, so its number counts."""
    house = open_house(home())
    reply = house.say(text)
    assert "time" not in reply and ("on" in reply or "off" in reply)
    assert house.store.pending() == []


def test_ten_thousand_pending_items_keep_it_answering(open_house):
    house = open_house(example())
    from agent.memory.records import Pending

    due = (house.now + timedelta(days=2)).timestamp()
    for n in range(10_000):
        house.store.add_pending(Pending(f"p{n}", "later", {"call": {"tool": "later", "args": {"calls": []}}}, due,
                                        said=f"thing {n}", created=house.now.timestamp()))
    assert "more" in house.say("what have you got planned")
    assert "Done" in house.say("turn on the porch light", "porch")
    house.wait(1)
