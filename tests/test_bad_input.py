"""Garbage in: the assistant answers politely, never raises, and changes nothing."""

from __future__ import annotations

import pytest
from helpers import context, household, make_assistant

LONG_PROSE = " ".join(["walrus", "orbit", "pancake", "velvet", "tundra", "marble", "sonnet", "quiver"] * 200)
assert len(LONG_PROSE) > 10_000

GARBAGE = {
    "empty": "",
    "spaces": "   \t  \n ",
    "10 kB of prose": LONG_PROSE,
    "10 kB of one letter": "a" * 10_240,
    "10 kB without spaces": "x9" * 5_120,
    "french": "allume la lumière de la cuisine s'il te plaît",
    "german": "Schalte bitte das Licht im Wohnzimmer ein",
    "chinese": "打开厨房的灯",
    "arabic": "شغل الضوء في المطبخ",
    "emoji": "💡🔥🏠🛋️",
    "emoji with a verb": "turn on the 💡",
    "control characters": "\x00\x01\x02\x1b[31m\x7f",
    "escape sequences between words": "\x1b[2J\x1b[H\x07\x08",
    "zero-width and direction marks": "\u200b\u200d\u202e\u2066\ufeff",
    "combining marks": "t̸̢u̷r̶n̵ ̸o̴f̸f̵",
    "lone surrogate": "\ud800 lamp \udfff",
    "only punctuation": "?!?!...,,,;;;:::---",
    "only commas": ",,,,,,",
    "only splitters": "and and then, also plus",
    "a very long number": "9" * 5_000,
    "many number words": "twenty " * 300,
    "a long decimal in words": "one point " + "five " * 200,
    "numbers and units only": "50 percent 21 degrees",
    "a stray yes": "yes",
    "a stray no": "no",
    "sql": "'; DROP TABLE devices; --",
    "markup": "<script>alert('lamp')</script>",
    "format strings": "{device} %s %(name)s {0!r}",
    "newlines": "\n\n\r\n",
}


def polite(reply: str) -> bool:
    return bool(reply.strip()) and len(reply) < 300 and not any(
        word in reply for word in ("Traceback", "Error", "Exception", "None", "{", "\x00"))


ROOM = {"maple": "kitchen", "example": "kitchen", "tiny": "den"}
"""A room of each household to speak from."""
LOCK = {"maple": ("hallway", "front_door"), "example": ("porch", "front_lock")}
"""A room with a front door lock, and the lock."""


@pytest.mark.parametrize("home", ["maple", "example", "tiny"])
@pytest.mark.parametrize("text", list(GARBAGE.values()), ids=list(GARBAGE))
def test_garbage_gets_a_polite_reply_and_changes_nothing(home: str, text: str):
    assistant, registry, controller = make_assistant(household(home))
    before = registry.states.snapshot()
    result = assistant.turn(text, context(ROOM[home]))
    assert polite(result.reply), result.reply
    assert not result.awaiting_confirmation
    assert controller.sent == []
    assert registry.states.snapshot() == before


@pytest.mark.parametrize(
    "home, text, says",
    [
        ("maple", "set the heating to 99999999999999999999999", "28"),
        ("maple", "set the heating to " + "9" * 5_000, "28"),
        ("maple", "set the thermostat to 40 degrees", "28"),
        ("maple", "set the thermostat to two degrees", "7"),
        ("maple", "set the kitchen light to 1e400 percent", "100"),
        ("maple", "set the kitchen light to 250 percent", "100"),
        ("maple", "set the heating to inf degrees", "28"),
        ("example", "set the heating to 99999999999999999999999", "26"),
        ("example", "set the stove to " + "9" * 5_000, "26"),
        ("example", "set the thermostat to two degrees", "10"),
        ("example", "set the kitchen light to 1e400 percent", "100"),
        ("example", "set the heating to inf degrees", "26"),
        ("tiny", "set the radiator to 40 degrees", "26"),
        ("tiny", "set the reading lamp to 250 percent", "100"),
    ],
)
def test_out_of_range_numbers_are_refused_with_the_limit_and_change_nothing(home: str, text: str, says: str):
    assistant, registry, controller = make_assistant(household(home))
    before = registry.states.snapshot()
    result = assistant.turn(text, context(ROOM[home]))
    assert says in result.reply and polite(result.reply)
    assert controller.sent == [] and registry.states.snapshot() == before


@pytest.mark.parametrize("home", ["maple", "example"])
def test_a_negative_number_is_not_read_as_positive(home: str):
    assistant, registry, _ = make_assistant(household(home))
    before = registry.states.snapshot()
    assistant.turn("set the kitchen light to -5 percent", context(ROOM[home]))
    assert registry.states.snapshot() == before


@pytest.mark.parametrize("home", ["maple", "example"])
def test_garbage_while_a_confirmation_is_pending_cancels_it_and_changes_nothing(home: str):
    assistant, registry, controller = make_assistant(household(home))
    room, lock = LOCK[home]
    conversation = context(room)
    assert assistant.turn("unlock the front door", conversation).awaiting_confirmation
    result = assistant.turn("💡🔥" * 1000, conversation)
    assert polite(result.reply) and conversation.conversation.pending is None
    assert assistant.turn("yes", conversation).outcomes == []
    assert controller.sent == [] and registry.state(lock) == {"state": "locked"}


@pytest.mark.parametrize("home", ["maple", "example"])
def test_a_long_command_is_cut_and_answered_quickly(home: str):
    assistant, _, _ = make_assistant(household(home))
    result = assistant.turn("turn on the kitchen light " * 400, context("kitchen"))
    assert result.timings_ms["total"] < 1_000
    assert polite(result.reply)
