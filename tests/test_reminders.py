"""Reminders and alarms: what a spoken time means, what is said back, the everyday evaluation's
sentences, ringing on an injected clock, surviving a restart, and bad input — on the example home,
Hazel Court and the Maple House, each with a real SQLite household store."""

from __future__ import annotations

import re
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.config import Settings
from agent.evaluation.case_file import read_case_lines
from agent.memory.store import HouseholdStore
from agent.skill_host import SkillRegistry
from agent.turn.assistant import Assistant
from agent.turn.context import TurnContext
from devices.household import Household
from devices.registry import Registry
from skills import clock, reminders, schedule, timers
from skills.api import Pending, SkillContext, StoreError
from skills.reminders.times import place, read, said_length, said_repeat, said_when
from skills.reminders.words import words
from tests.helpers import EVAL, FakeController, household, shared

HOMES = ["example", "hazel", "maple"]
TUESDAY = datetime(2026, 11, 24, 10, 0)
"""The evaluation's default moment: a Tuesday morning, local time."""
WORDS = words()
KINDS = ("reminder", "alarm")


class Clock:
    """An injected clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class House:
    """A household with a real store and the reminders skill on an injected clock."""

    home: Household
    store: HouseholdStore | None
    clock: Clock
    skills: SkillRegistry
    heard: list[tuple[str, str | None, bool]] = field(default_factory=list)
    """What was announced and not yet taken by `at`: (text, area, alarm)."""
    rang: list[tuple[str, str | None, bool]] = field(default_factory=list)
    """What the last `at` took."""

    def say(self, text: str, person: str | None = None, area: str | None = None) -> str:
        context = TurnContext(area=area, person=person, now=self.clock.now.replace(tzinfo=None))
        plan = self.skills.understand(text, context)
        assert plan is not None, f"not understood: {text}"
        return self.skills.run(plan.calls[0], context)

    def at(self, **later: float) -> list[str]:
        """Move the clock on, tick, and give what was announced meanwhile."""
        self.clock.now += timedelta(**later)
        self.skills.tick(self.clock.now)
        self.rang, self.heard[:] = list(self.heard), []
        return [text for text, _, _ in self.rang]

    def waiting(self) -> list[Pending]:
        return self.store.pending(KINDS) if self.store is not None else []

    @property
    def person(self) -> str:
        return self.home.people[0].id

    @property
    def name(self) -> str:
        return self.home.people[0].name


def start(home: Household, store: HouseholdStore | None, now: Clock, *factories: Any) -> House:
    zone = ZoneInfo(home.home.timezone)
    house = House(home, store, now, SkillRegistry(SkillContext(zone)))
    context = SkillContext(zone, registry=Registry.from_household(home), store=store, clock=now,
                           announce=lambda text, area, alarm=False: house.heard.append((text, area, alarm)))
    built = factories or (reminders.skill,)
    house.skills = SkillRegistry.from_factories([(f.__module__, f.__module__, f) for f in built], context)
    return house


def local(home: Household, moment: datetime) -> datetime:
    return moment.replace(tzinfo=ZoneInfo(home.home.timezone))


@pytest.fixture(params=HOMES)
def home(request: pytest.FixtureRequest) -> Household:
    return household(request.param)


@pytest.fixture
def store(tmp_path: Path, home: Household) -> Iterator[HouseholdStore]:
    with HouseholdStore(tmp_path / "home.db") as opened:
        opened.seed(home)
        yield opened


@pytest.fixture
def house(home: Household, store: HouseholdStore) -> House:
    return start(home, store, Clock(local(home, TUESDAY)))


# ---- what a spoken time means ---------------------------------------------------------------------------

@pytest.mark.parametrize("said, now, alarm, meant", [
    ("at 3", "2026-11-24T11:00", False, "2026-11-24T15:00"),
    ("at 3", "2026-11-24T16:00", False, "2026-11-25T15:00"),
    ("at 6 30", "2026-11-24T17:00", False, "2026-11-24T18:30"),
    ("at 7", "2026-11-24T18:00", False, "2026-11-24T19:00"),
    ("at 8 pm", "2026-11-24T18:00", False, "2026-11-24T20:00"),
    ("in half an hour", "2026-11-24T09:00", False, "2026-11-24T09:30"),
    ("in 1 hour and 15 minutes", "2026-11-24T09:00", False, "2026-11-24T10:15"),
    ("tomorrow at 9", "2026-11-24T10:00", False, "2026-11-25T09:00"),
    ("on friday", "2026-11-24T10:00", False, "2026-11-27T09:00"),
    ("on friday at 8", "2026-11-24T10:00", False, "2026-11-27T08:00"),
    ("every day at 7 pm", "2026-11-24T20:00", False, "2026-11-25T19:00"),
    ("at 6 30 tomorrow", "2026-11-24T23:45", True, "2026-11-25T06:30"),
    ("6 15", "2026-11-24T23:40", True, "2026-11-25T06:15"),
    ("at 7", "2026-11-24T13:00", True, "2026-11-25T07:00"),
    ("at 3", "2026-11-24T13:00", True, "2026-11-24T15:00"),
    ("half past 6", "2026-11-24T22:00", True, "2026-11-25T06:30"),
    ("quarter past 7 tomorrow morning", "2026-11-24T13:00", True, "2026-11-25T07:15"),
    ("tomorrow at 7", "2026-11-25T01:00", True, "2026-11-25T07:00"),
    ("at 9 pm", "2026-11-24T10:00", True, "2026-11-24T21:00"),
    ("10 minutes", "2026-11-24T10:00", True, "2026-11-24T10:10"),
    ("at 7 every weekday", "2026-11-28T10:00", True, "2026-11-30T07:00"),
    ("every weekday at 7", "2026-11-24T06:00", True, "2026-11-24T07:00"),
    ("every saturday at 8", "2026-11-24T10:00", True, "2026-11-28T08:00"),
])
def test_what_a_spoken_time_means(said: str, now: str, alarm: bool, meant: str) -> None:
    zone = ZoneInfo("Europe/London")
    spoken = read(said)
    assert spoken is not None
    assert place(spoken, datetime.fromisoformat(now).replace(tzinfo=zone), WORDS.timing, alarm) == \
        datetime.fromisoformat(meant).replace(tzinfo=zone)


@pytest.mark.parametrize("said", [
    "at 25 oclock", "in minus 5 minutes", "at 6 75", "at 3 at 4", "tomorrow on friday", "in 5 minutes at 3", "purple",
])
def test_words_that_are_no_time(said: str) -> None:
    assert read(said) is None


@pytest.mark.parametrize("due, repeat, said", [
    ("2026-11-24T15:00", None, "3 pm"),
    ("2026-11-25T06:30", None, "6:30 am tomorrow"),
    ("2026-11-27T09:00", None, "9 am on Friday the 27th"),
    ("2026-11-25T07:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "7 am every weekday"),
    ("2026-11-25T12:00", "FREQ=DAILY", "noon every day"),
    ("2026-11-28T08:00", "FREQ=WEEKLY;BYDAY=SA", "8 am every Saturday"),
    ("2026-11-28T08:00", "FREQ=WEEKLY;BYDAY=SA,SU", "8 am every weekend"),
])
def test_when_it_is_said(due: str, repeat: str | None, said: str) -> None:
    assert said_when(datetime.fromisoformat(due), TUESDAY, repeat, WORDS) == said


@pytest.mark.parametrize("seconds, said", [(60, "1 minute"), (1800, "30 minutes"), (4500, "1 hour and 15 minutes"),
                                           (45, "45 seconds"), (7200, "2 hours")])
def test_how_long_is_said(seconds: int, said: str) -> None:
    assert said_length(seconds, WORDS) == said


def test_a_rule_it_cannot_say_by_day_is_said_daily() -> None:
    assert said_repeat("FREQ=WEEKLY;BYDAY=MO,WE", WORDS) == "every Monday and Wednesday"


# ---- conversations ------------------------------------------------------------------------------------

CONVERSATIONS = [
    ("set and list", [
        ("remind me to call the plumber at 3", "OK, I'll remind you to call the plumber at 3 pm."),
        ("remind me to put the bins out at 8 pm", "OK, I'll remind you to put the bins out at 8 pm."),
        ("what reminders do I have", "You have 2 reminders: to call the plumber at 3 pm and to put the bins out at 8 pm."),
        ("do I have any alarms", "You have no alarms."),
    ]),
    ("other ways to say it", [
        ("in half an hour remind me to take the washing out",
         "OK, I'll remind you to take the washing out in 30 minutes, at 10:30 am."),
        ("remind me at 6 to ring the garage", "OK, I'll remind you to ring the garage at 6 pm."),
        ("remind me about the dentist tomorrow at 9", "OK, I'll remind you about the dentist at 9 am tomorrow."),
        ("remind me on Friday to pay the window cleaner",
         "OK, I'll remind you to pay the window cleaner at 9 am on Friday the 27th."),
        ("remind me tonight to lock the shed", "OK, I'll remind you to lock the shed at 5 pm."),
        ("set a reminder for 2 pm to call the bank", "OK, I'll remind you to call the bank at 2 pm."),
        ("set a reminder to take my pills every day at 8 am", "OK, I'll remind you to take your pills at 8 am every day."),
    ]),
    ("alarms", [
        ("wake me up at six thirty tomorrow", "Alarm set for 6:30 am tomorrow."),
        ("set an alarm for quarter past seven tomorrow morning", "Alarm set for 7:15 am tomorrow."),
        ("set an alarm for 7 every weekday", "Alarm set for 7 am every weekday."),
        ("wake me up at half past six tomorrow", "That's already set: your alarm for 6:30 am tomorrow."),
        ("what alarms have I got", "You have 3 alarms: 6:30 am tomorrow, 7 am every weekday and 7:15 am tomorrow."),
        ("when is my next alarm", "The next one is your alarm for 6:30 am tomorrow."),
        ("cancel my alarm", "You have 3 alarms: 6:30 am tomorrow, 7 am every weekday and 7:15 am tomorrow. "
                            "Which one should I cancel? Say, for example: cancel the 6:30 am alarm."),
        ("cancel the 7:15 alarm", "Cancelled your alarm for 7:15 am tomorrow."),
        ("delete all my alarms", "Cancelled 2 alarms."),
        ("cancel my alarm", "You have no alarms to cancel."),
    ]),
    ("cancel by what it is about", [
        ("remind me to call the plumber at 3", "OK, I'll remind you to call the plumber at 3 pm."),
        ("remind me to buy milk at 5", "OK, I'll remind you to buy milk at 5 pm."),
        ("cancel the reminder about the plumber", "Cancelled the reminder to call the plumber at 3 pm."),
        ("cancel the reminder about the car", "I couldn't find any reminder about the car."),
        ("delete my reminders", "Cancelled the reminder to buy milk at 5 pm."),
        ("what reminders and alarms do I have", "You have no reminders or alarms."),
    ]),
    ("asking for what is missing", [
        ("remind me", "What should I remind you about? Say, for example: remind me to call the plumber at 3."),
        ("remind me to call the plumber", "When should I remind you to call the plumber? Say, for example: "
                                          "remind me to call the plumber at 6 pm."),
        ("wake me up", "What time should the alarm be for? Say, for example: wake me up at 6:30."),
        ("set an alarm for tomorrow", "What time should the alarm be for? Say, for example: wake me up at 6:30."),
        ("snooze", "There's no alarm ringing to snooze."),
    ]),
]


@pytest.mark.parametrize("name, turns", CONVERSATIONS, ids=[c[0] for c in CONVERSATIONS])
def test_conversations(house: House, name: str, turns: list[tuple[str, str]]) -> None:
    for text, reply in turns:
        assert house.say(text, house.person, "kitchen") == reply, text


BEFORE = {
    "maple": ("remind me 15 minutes before Emma's soccer practice to get her kit ready",
              "OK, I'll remind you to get her kit ready at 4:45 pm, 15 minutes before Emma's soccer practice.",
              "it's time to get her kit ready: Emma's soccer practice is in 15 minutes."),
    "hazel": ("remind me half an hour before Lily's swimming lesson to pack her towel",
              "OK, I'll remind you to pack her towel at 4:30 pm, 30 minutes before Lily's swimming lesson.",
              "it's time to pack her towel: Lily's swimming lesson is in 30 minutes."),
    "example": ("remind me to charge the amp 1 hour before Kai's band practice",
                "OK, I'll remind you to charge the amp at 5:30 pm on Friday the 27th, 1 hour before Kai's band "
                "practice.", "it's time to charge the amp: Kai's band practice is in 1 hour."),
}


def test_a_reminder_before_a_schedule_entry_rings_before_its_next_time(house: House, home: Household) -> None:
    text, reply, said = BEFORE[home_name(home)]
    assert house.say(text, house.person) == reply
    due = datetime.fromtimestamp(house.waiting()[0].due or 0, house.clock.now.tzinfo)
    assert house.at(seconds=(due - house.clock.now).total_seconds() - 60) == []
    assert house.at(minutes=1) == [f"{house.name}, {said}"]


TOO_CLOSE = {
    "maple": (datetime(2026, 11, 24, 16, 50), "remind me 15 minutes before Emma's soccer practice to get her kit ready",
              "OK, I'll remind you to get her kit ready at 4:45 pm on Thursday the 26th, 15 minutes before Emma's "
              "soccer practice."),
    "hazel": (datetime(2026, 11, 24, 16, 50), "remind me 15 minutes before Lily's swimming lesson to pack her towel",
              "OK, I'll remind you to pack her towel at 4:45 pm on Thursday the 26th, 15 minutes before Lily's "
              "swimming lesson."),
    "example": (datetime(2026, 11, 27, 18, 20), "remind me 15 minutes before Kai's band practice to charge the amp",
                "OK, I'll remind you to charge the amp at 6:15 pm on Monday the 30th, 15 minutes before Kai's band "
                "practice."),
}


def test_an_entry_too_close_for_the_reminder_gives_its_next_time(house: House, home: Household) -> None:
    now, text, reply = TOO_CLOSE[home_name(home)]
    house.clock.now = local(home, now)
    assert house.say(text, house.person) == reply


def home_name(home: Household) -> str:
    return {"Maple House": "maple", "Hazel Court": "hazel"}.get(home.home.name, "example")


# ---- the everyday evaluation's sentences, through the whole assistant ------------------------------------

EVERYDAY = ["day-013", "day-014", "day-015", "day-016", "day-017", "day-018", "day-019", "day-042"]
"""The everyday cases about reminders and alarms; of day-042 ("switch off the telly and remind me …") the
reminder's clause, the one this skill is asked."""


def everyday_case(case_id: str) -> dict[str, Any]:
    cases = {data["id"]: data for _, data in read_case_lines(shared(EVAL / "cases" / "everyday.jsonl"))}
    return cases[case_id]


def assistant_for(house: House) -> Assistant:
    registry = Registry.from_household(house.home)
    return Assistant(registry, FakeController(registry), house.home, Settings(), sources=[house.skills],
                     skill_runner=house.skills.run)


def passing_time(house: House, until: datetime) -> list[str]:
    """The clock moved on in 30-second ticks, as the scheduler moves it; what was announced on the way."""
    heard: list[str] = []
    while house.clock.now < until:
        heard += house.at(seconds=min(30.0, (until - house.clock.now).total_seconds()))
    return heard


@pytest.mark.parametrize("case_id", EVERYDAY)
def test_the_everyday_reminder_and_alarm_sentences(tmp_path: Path, case_id: str) -> None:
    case = everyday_case(case_id)
    home = household("maple")
    with HouseholdStore(tmp_path / "maple.db") as store:
        store.seed(home)
        house = start(home, store, Clock(local(home, datetime.fromisoformat(case["now"]))),
                      clock.skill, timers.skill, schedule.skill, reminders.skill)
        assistant = assistant_for(house)
        for turn in case.get("turns") or [case]:
            heard = passing_time(house, local(home, datetime.fromisoformat(turn["now"]))) if "now" in turn else []
            if turn.get("utterance"):
                text = turn["utterance"][turn["utterance"].index("remind"):] if case_id == "day-042" else turn["utterance"]
                context = TurnContext(area=turn.get("area", case.get("area")), person=turn.get("person", case.get("person")),
                                      now=house.clock.now.replace(tzinfo=None))
                reply = assistant.turn(text, context).reply
                assert all(re.search(p, reply, re.I) for p in turn.get("say", [])), (text, reply)
                assert not any(re.search(p, reply, re.I) for p in turn.get("say_not", [])), (text, reply)
            assert all(any(re.search(p, said, re.I) for said in heard) for p in turn.get("announce", [])), heard
            assert not any(re.search(p, said, re.I) for p in turn.get("announce_not", []) for said in heard), heard


@pytest.mark.parametrize("text, tool", [
    ("remind me what's on tomorrow", "schedule_on_day"),
    ("set a timer for 10 minutes", "start_timer"),
    ("what time is it", "current_time"),
    ("remind me to call mum at 6", "set_reminder"),
    ("wake me up at 7", "set_alarm"),
    ("cancel the timer", "cancel_timer"),
    ("cancel my alarm", "cancel_reminder"),
    ("when is my next appointment", "schedule_when"),
])
def test_among_all_built_in_skills_each_sentence_reaches_its_own(house: House, text: str, tool: str) -> None:
    skills = start(house.home, house.store, house.clock, clock.skill, timers.skill, schedule.skill, reminders.skill)
    plan = skills.skills.understand(text, TurnContext(now=TUESDAY))
    assert plan is not None and plan.calls[0].tool == tool


@pytest.mark.parametrize("text", [
    "turn on the kitchen light at 7", "turn off the tv in 10 minutes", "set the heating to 19", "turn off the alarm",
    "what's the temperature", "stop",
])
def test_device_sentences_are_left_alone(house: House, text: str) -> None:
    assert house.skills.understand(text, TurnContext(now=TUESDAY)) is None


def test_every_example_is_understood_and_every_argument_described(house: House) -> None:
    skill = house.skills.skills[0]
    for example in skill.examples:
        plan = house.skills.understand(example, TurnContext(now=TUESDAY))
        assert plan is not None and skill.tool(plan.calls[0].tool) is not None, example
    for tool in skill.tools:
        fields = tool.get_input_schema().model_fields
        assert all(f.description for name, f in fields.items() if name != "turn"), tool.name
        assert "turn" not in convert_to_openai_tool(tool)["function"]["parameters"]["properties"], tool.name


# ---- ringing ----------------------------------------------------------------------------------------------

def test_a_reminder_is_said_once_at_its_time_by_name_in_the_room_it_was_asked_from(house: House) -> None:
    house.say("remind me to put the bins out at 8 pm", house.person, "kitchen")
    assert house.at(hours=9, minutes=59) == []
    assert house.at(minutes=1) == [f"{house.name}, it's time to put the bins out."]
    assert house.rang[0][1:] == ("kitchen", False)
    assert house.at(hours=24) == [] and house.waiting() == []


def test_an_alarm_rings_as_an_alarm_and_without_a_speaker_for_everyone_there(house: House) -> None:
    house.say("wake me up at 6:30", None, "bedroom")
    assert house.at(hours=20, minutes=30) == ["It's 6:30 am: your alarm. Say snooze to hear it again in 10 minutes."]
    assert house.rang[0][1:] == ("bedroom", True)
    assert house.at(hours=24) == [] and house.waiting() == []


def test_a_repeating_alarm_comes_back_on_its_days_and_a_cancelled_one_never_rings(house: House) -> None:
    house.say("set an alarm for 7 every weekday", house.person)
    house.say("remind me to call the plumber at 3", house.person)
    house.say("cancel the reminder about the plumber", house.person)
    rang = [house.clock.now.strftime("%a %H:%M") for _ in range(7 * 24 * 2) if house.at(minutes=30)]
    assert rang == ["Wed 07:00", "Thu 07:00", "Fri 07:00", "Mon 07:00", "Tue 07:00"]
    assert [p.repeat for p in house.waiting()] == ["FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"]


def test_snooze_rings_the_alarm_again(house: House) -> None:
    house.say("set an alarm for 10:05", house.person)
    assert len(house.at(minutes=5)) == 1
    assert house.say("snooze for 5 minutes", house.person) == "Snoozed for 5 minutes. I'll ring again at 10:10 am."
    assert house.say("snooze", house.person) == "There's no alarm ringing to snooze."
    assert house.at(minutes=4) == []
    assert house.at(minutes=1) == [f"{house.name}, it's 10:10 am: your alarm. Say snooze to hear it again in 10 minutes."]
    assert house.say("snooze", house.person) == "Snoozed for 10 minutes. I'll ring again at 10:20 am."


def test_a_tick_with_nothing_due_does_not_read_the_store(house: House, store: HouseholdStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    house.say("remind me to call the plumber at 3", house.person)
    house.at(seconds=1)
    reads: list[float] = []
    monkeypatch.setattr(store, "due_pending", lambda until: reads.append(until) or [])
    for _ in range(100):
        house.at(seconds=1)
    assert reads == []


def test_whose_reminders_and_alarms_are_listed_and_cancelled(house: House) -> None:
    first, second = (p.id for p in house.home.people[:2])
    house.say("wake me up at 6:30", first)
    house.say("wake me up at 7:15", second)
    assert house.say("what alarms have I got", first) == "You have 1 alarm: 6:30 am tomorrow."
    assert house.say("cancel my alarm", second) == "Cancelled your alarm for 7:15 am tomorrow."
    assert house.say("do I have any alarms", second) == "You have no alarms."
    assert house.say("what alarms are there") == "You have 1 alarm: 6:30 am tomorrow."


# ---- a restart ------------------------------------------------------------------------------------------

def test_a_reminder_and_an_alarm_set_before_a_restart_still_ring_after_it(tmp_path: Path, home: Household) -> None:
    now = Clock(local(home, TUESDAY))
    with HouseholdStore(tmp_path / "home.db") as store:
        store.seed(home)
        before = start(home, store, now)
        person = before.person
        before.say("remind me to call the plumber at 3", person, "kitchen")
        before.say("set an alarm for 7 every weekday", person, "bedroom")
        before.at(seconds=1)
    now.now += timedelta(hours=1)
    with HouseholdStore(tmp_path / "home.db") as store:
        after = start(home, store, now)
        assert after.say("what reminders and alarms do I have", person) == (
            "You have 1 reminder: to call the plumber at 3 pm. You have 1 alarm: 7 am every weekday.")
        assert after.at(hours=4) == [f"{after.name}, it's time to call the plumber."]
        assert after.at(hours=16) == [f"{after.name}, it's 7 am: your alarm. Say snooze to hear it again in 10 minutes."]
        assert after.rang[0][1:] == ("bedroom", True)


@pytest.mark.parametrize("off_for, said", [
    (timedelta(minutes=20), "Sorry, this was due at 3 pm while I was off. {name}, it's time to call the plumber."),
    (timedelta(minutes=59), "Sorry, this was due at 3 pm while I was off. {name}, it's time to call the plumber."),
    (timedelta(minutes=61), None),
    (timedelta(hours=5), None),
])
def test_what_fell_due_while_homebody_was_off(tmp_path: Path, home: Household, off_for: timedelta,
                                              said: str | None) -> None:
    now = Clock(local(home, TUESDAY))
    with HouseholdStore(tmp_path / "home.db") as store:
        store.seed(home)
        before = start(home, store, now)
        before.say("remind me to call the plumber at 3", before.person)
        before.say("set an alarm for 7 every weekday", before.person)
        reminder = next(p.id for p in store.pending(KINDS) if p.kind == "reminder")
    now.now = local(home, datetime(2026, 11, 24, 15, 0)) + off_for
    with HouseholdStore(tmp_path / "home.db") as store:
        after = start(home, store, now)
        heard = after.at(seconds=1)
        assert heard == ([said.format(name=after.name)] if said else [])
        ended = store.pending_item(reminder)
        assert ended is not None and ended.outcome == ("done" if said else "missed")
        assert [p.kind for p in after.waiting()] == ["alarm"]


def test_a_repeating_alarm_missed_while_off_waits_for_its_next_time(tmp_path: Path, home: Household) -> None:
    now = Clock(local(home, TUESDAY))
    with HouseholdStore(tmp_path / "home.db") as store:
        store.seed(home)
        start(home, store, now).say("set an alarm for 7 every weekday")
    now.now = local(home, datetime(2026, 11, 25, 9, 0))
    with HouseholdStore(tmp_path / "home.db") as store:
        after = start(home, store, now)
        assert after.at(seconds=1) == []
        assert [datetime.fromtimestamp(p.due or 0, now.now.tzinfo).isoformat(" ", "minutes")[:16]
                for p in after.waiting()] == ["2026-11-26 07:00"]


# ---- bad input and a store in trouble -------------------------------------------------------------------

@pytest.mark.parametrize("text, reply", [
    ("remind me", "What should I remind you about? Say, for example: remind me to call the plumber at 3."),
    ("remind me at 3", "What should I remind you about? Say, for example: remind me to call the plumber at 3."),
    ("remind me to call mum in minus five minutes",
     "Sorry, \"in minus 5 minutes\" isn't a time I can use, so I haven't set anything."),
    ("remind me to call mum at 25 o'clock", "Sorry, \"at 25 oclock\" isn't a time I can use, so I haven't set anything."),
    ("set an alarm for 25 o'clock", "Sorry, \"25 oclock\" isn't a time I can use, so I haven't set anything."),
    ("wake me up at 6:75", "Sorry, \"at 6 75\" isn't a time I can use, so I haven't set anything."),
    ("remind me to call mum at 9 am today", "It's already past 9 am, so I haven't set anything."),
    ("remind me 10 minutes before the piano recital to practise",
     "I couldn't find the piano recital on the schedule, so I haven't set that reminder."),
    ("cancel the reminder about the plumber", "You have no reminders to cancel."),
])
def test_bad_input_is_answered_and_nothing_is_saved(house: House, text: str, reply: str) -> None:
    assert house.say(text, house.person) == reply
    assert house.waiting() == []


def test_a_time_said_to_the_planner_is_read_as_spoken(house: House) -> None:
    book = house.skills.skills[0].tool("set_reminder")
    assert book is not None
    turn = house.skills.turn(TurnContext(person=house.person, now=TUESDAY))
    assert book.invoke({"text": "call mum", "when": "15:30", "turn": turn}) == \
        "OK, I'll remind you to call mum at 3:30 pm."
    assert book.invoke({"text": "call mum", "when": "next blue moon", "turn": turn}) == \
        "Sorry, \"next blue moon\" isn't a time I can use, so I haven't set anything."


def test_a_locked_database_gets_an_apology_and_nothing_half_written(tmp_path: Path, home: Household) -> None:
    with HouseholdStore(tmp_path / "home.db") as seeding:
        seeding.seed(home)
    locker = sqlite3.connect(tmp_path / "home.db", isolation_level=None)
    with HouseholdStore(tmp_path / "home.db", timeout_s=0.1) as store:
        house = start(home, store, Clock(local(home, TUESDAY)))
        locker.execute("BEGIN EXCLUSIVE")
        try:
            for text in ("remind me to call the plumber at 3", "wake me up at 6:30"):
                assert house.say(text, house.person) == \
                    "Sorry, I couldn't save that: the household database isn't working right now. Nothing was set."
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert house.waiting() == [] and house.at(hours=24) == []
        assert house.say("remind me to call the plumber at 3", house.person).startswith("OK")


def test_a_full_disk_gets_an_apology_and_nothing_half_written(house: House, store: HouseholdStore) -> None:
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    filler = 0
    with pytest.raises(StoreError, match="disk is full"):
        while True:
            filler += 1
            store.add_pending(Pending(uuid.uuid4().hex, "later", {"filler": "x" * 500}, None, created=1.0))
    assert house.say("remind me to call the plumber at 3", house.person) == \
        "Sorry, I couldn't save that: the household database isn't working right now. Nothing was set."
    assert house.waiting() == [] and filler > 0


def test_without_the_database_nothing_is_promised(home: Household) -> None:
    house = start(home, None, Clock(local(home, TUESDAY)))
    for text in ("remind me to call the plumber at 3", "wake me up at 6:30", "what reminders do I have"):
        assert house.say(text) == \
            "Sorry, I can't keep reminders or alarms right now: the household database isn't available."
    assert house.at(hours=24) == []


def test_the_assistants_own_pending_work_is_never_touched(house: House, store: HouseholdStore) -> None:
    store.add_pending(Pending("later-1", "later", {"call": "off"}, house.clock.now.timestamp() + 60, created=1.0))
    house.say("remind me to call the plumber in 1 minute", house.person)
    assert house.at(minutes=2) == [f"{house.name}, it's time to call the plumber."]
    later = store.pending_item("later-1")
    assert later is not None and later.ended is None


def test_the_names_of_the_household_are_said_as_names(house: House) -> None:
    other = house.home.people[1]
    said = house.say(f"remind me to call {other.name} about {other.name}'s party at 5", house.person)
    assert said == f"OK, I'll remind you to call {other.name} about {other.name}'s party at 5 pm."
