from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from agent.turn.context import TurnContext
from skills import clock
from skills.api import SkillContext
from skills.clock import date_sentence, ordinal, time_sentence
from agent.skill_host import SkillRegistry


def ask(text: str, now: datetime | None, zone: str = "UTC") -> str | None:
    skills = SkillRegistry.from_factories([("clock", "skills.clock:skill", clock.skill)], SkillContext(ZoneInfo(zone)))
    context = TurnContext(now=now)
    plan = skills.understand(text, context)
    return None if plan is None else skills.run(plan.calls[0], context)


@pytest.mark.parametrize("n, spoken", [
    (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (22, "22nd"), (23, "23rd"), (24, "24th"), (31, "31st"),
])
def test_ordinal(n, spoken):
    assert ordinal(n) == spoken


@pytest.mark.parametrize("now, spoken", [
    (datetime(2013, 9, 17, 1, 2), "It's 1:02."), (datetime(2026, 11, 24, 10, 0), "It's 10:00."),
    (datetime(2026, 11, 24, 23, 59), "It's 23:59."), (datetime(2026, 11, 24, 0, 5), "It's 0:05."),
])
def test_time_sentence(now, spoken):
    assert time_sentence(now) == spoken


def test_date_sentence():
    assert date_sentence(date(2026, 11, 24)) == "Today is Tuesday, November 24th, 2026."


@pytest.mark.parametrize("text", [
    "what time is it", "what's the time", "what time is it right now", "tell me the time",
    "what's the current time", "do you know what time it is",
])
def test_time_questions(text):
    assert ask(text, datetime(2013, 9, 17, 1, 2)) == "It's 1:02."


@pytest.mark.parametrize("text", [
    "what's the date", "what's the date today", "what is today's date", "tell me the date", "what day is it",
    "what day is it today", "what day of the week is it", "what year is it",
])
def test_date_questions(text):
    assert ask(text, datetime(2013, 9, 17, 1, 2)) == "Today is Tuesday, September 17th, 2013."


@pytest.mark.parametrize("text", [
    "what is the date of next birthday", "what's on today", "what time does the dentist start", "time to go",
])
def test_other_questions_are_left_alone(text):
    assert ask(text, None) is None


def test_the_answer_is_in_the_homes_local_time():
    utc_evening = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert ask("what time is it", utc_evening, "Europe/Berlin") == "It's 0:30."
    assert ask("what's the date", utc_evening, "Europe/Berlin") == "Today is Wednesday, November 25th, 2026."


def test_without_a_turn_time_the_real_clock_answers():
    assert ask("what time is it", None).startswith("It's ")
