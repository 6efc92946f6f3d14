"""Device intents: device commands the language file writes as templates ([intents]), read before a clause's
words one by one. What a player plays ("the music", "this song") is no name of a device: the player in the
place meant plays, pauses or skips it. Each rule runs on the reference home, the Home Assistant fixture home and
the example home.
"""

from __future__ import annotations

import pytest

from agent.turn.plan import MediaControl, SetState
from agent.understanding.intents import compiled_intents, intent_frame
from agent.understanding.language import language
from agent.understanding.normalize import normalize
from helpers import NEEDS_SHARED, SHARED, context, example, ha_home, make_assistant, maple, matcher_for

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason=NEEDS_SHARED)

HOMES = {"maple": (maple, "tv", "living_room"), "ha": (ha_home, "media_player_tv", "living_room"),
         "example": (example, "speaker", "sitting_room")}


def _playing(home: str):
    household, player, area = HOMES[home]
    matcher = matcher_for(household())
    matcher.registry.states.update(player, {"state": "playing"})
    return matcher, player, area


@pytest.mark.parametrize("home", sorted(HOMES))
@pytest.mark.parametrize(("text", "command"), [
    ("stop the music", "pause"),
    ("stop this song", "pause"),
    ("stop playing", "pause"),
    ("go to the next song", "next"),
    ("play the previous track", "previous"),
    ("pause the movie", "pause"),
    ("skip this song", "next"),
])
def test_what_a_player_plays_said_with_a_verb_asks_the_player_in_the_room(home: str, text: str, command: str):
    matcher, player, area = _playing(home)
    plan = matcher.match(text, context(area))
    assert plan.calls == [MediaControl((player,), command)]
    assert plan.confidence == 1.0


@pytest.mark.parametrize("home", sorted(HOMES))
def test_starting_the_music_plays_it_rather_than_only_switching_the_player_on(home: str):
    household, player, area = HOMES[home]
    assistant, registry, _ = make_assistant(household())
    assistant.turn("start the music again", context(area))
    assert registry.state(player)["state"] == "playing"


@pytest.mark.parametrize(("home", "text"), [
    ("maple", "stop the music on the TV"), ("maple", "pause the song in the living room"),
    ("ha", "stop the music in the living room"), ("example", "stop the music on the radio"),
])
def test_the_player_or_place_said_after_the_intent_is_the_target(home: str, text: str):
    matcher, player, _ = _playing(home)
    assert matcher.match(text, context()).calls == [MediaControl((player,), "pause")]


@pytest.mark.parametrize(("home", "text", "missing"), [
    ("maple", "stop the music on the radio", "radio"),
    ("ha", "stop the music on the jukebox", "jukebox"),
])
def test_a_player_named_that_the_home_lacks_is_said_and_nothing_plays_or_stops(home: str, text: str, missing: str):
    matcher, _, area = _playing(home)
    plan = matcher.match(text, context(area))
    assert not plan.calls and missing in (plan.say or "")


@pytest.mark.parametrize(("home", "text"), [("maple", "stop the music and turn on the floor lamp"),
                                            ("example", "pause the music then switch on the lamp")])
def test_an_intent_is_read_in_each_clause_of_a_longer_command(home: str, text: str):
    matcher, player, area = _playing(home)
    calls = matcher.match(text, context(area)).calls
    assert calls[0] == MediaControl((player,), "pause")
    assert isinstance(calls[1], SetState) and calls[1].changes == {"state": "on"}


@pytest.mark.parametrize("home", sorted(HOMES))
def test_a_clause_no_intent_fits_is_read_word_by_word(home: str):
    matcher, _, _ = _playing(home)
    assert intent_frame(normalize("turn off the music player in ten minutes"), matcher.index) is None
    assert intent_frame(normalize("stop the music in ten minutes"), matcher.index) is None  # a time: not a target


def test_every_device_intent_of_the_language_file_compiles_and_means_an_action_of_the_verbs():
    actions = set(language().commands.verb_actions.values())
    assert {intent.action for intent in language().intents.values()} <= actions
    assert len(compiled_intents()) == sum(len(intent.templates) for intent in language().intents.values())
