"""Greetings that mean a time of day: "good morning" and "good night" run the household's routine of that
name, when it has one, and are answered either way; a household without one only hears the answer. Going to
bed is wished good night without the routine, and going somewhere in the house is no leaving it.

Each rule runs on the example home, the reference home and the Home Assistant fixture home (no such
routines).
"""

from __future__ import annotations

import pytest

from helpers import context, example, ha_home, make_assistant, maple

HOMES = {"example": example, "maple": maple, "ha": ha_home}


@pytest.mark.parametrize("home", ["example", "maple"])
@pytest.mark.parametrize("said", ["good night", "goodnight everyone"])
def test_good_night_runs_the_routine_called_so_and_says_good_night(home: str, said: str):
    assistant, _, controller = make_assistant(HOMES[home]())
    reply = assistant.turn(said, context()).reply
    assert controller.sent, "the household's good night routine ran"
    assert reply.startswith("Good night"), reply


def test_good_night_with_no_such_routine_is_only_answered():
    assistant, _, controller = make_assistant(ha_home())
    reply = assistant.turn("good night", context()).reply
    assert not controller.sent
    assert reply.startswith("Good night"), reply


@pytest.mark.parametrize("home", ["example", "maple"])
def test_the_good_night_routine_still_runs_by_its_alias(home: str):
    """"Bedtime", an alias of both homes' good night routine, is a routine's name, not a greeting."""
    assistant, _, controller = make_assistant(HOMES[home]())
    assistant.turn("bedtime", context())
    assert controller.sent


@pytest.mark.parametrize("home", sorted(HOMES))
@pytest.mark.parametrize("said", ["I'm off to bed", "we're going to bed now", "I'm turning in", "time for bed"])
def test_going_to_bed_is_wished_good_night_and_changes_nothing(home: str, said: str):
    assistant, _, controller = make_assistant(HOMES[home]())
    reply = assistant.turn(said, context()).reply
    assert reply.startswith("Good night"), reply
    assert not controller.sent


@pytest.mark.parametrize(("home", "said"), [
    ("example", "I'm going to the kitchen"), ("example", "I'm popping up to the studio"),
    ("maple", "I'm going to the living room"), ("ha", "I'm heading to the kitchen"),
    ("maple", "I'm off for a shower"), ("ha", "I'm going upstairs"), ("example", "we're going to watch a film"),
])
def test_going_somewhere_in_the_house_is_no_leaving_it(home: str, said: str):
    assistant, _, controller = make_assistant(HOMES[home]())
    result = assistant.turn(said, context(person=None))
    assert result.reply == "OK.", result.reply
    assert not controller.sent


@pytest.mark.parametrize("said", ["I'm going to the shops", "I'm off to work", "I'm going out"])
def test_going_elsewhere_is_still_leaving(said: str):
    assistant, _, _ = make_assistant(example())
    assert "Who's leaving" in assistant.turn(said, context()).reply
