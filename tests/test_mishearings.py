"""Whisper's habits (agent/voice/mishearings.toml): offered as other readings of a transcript, acted on only
when understood better and fitting the audio; what a person types is never rewritten."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from helpers import ha_home, make_assistant, maple

from agent.config import Settings
from agent.turn.context import TurnContext
from agent.understanding.normalize import normalize
from agent.voice.audio import SAMPLE_RATE
from agent.voice.mishearings import load_mishearings, packaged_mishearings
from agent.voice.pipeline import VoicePipeline, answer_text
from agent.voice.stt import Transcriber, Transcript
from agent.voice.tts import Synthesizer
from devices.errors import ConfigError
from devices.household import Household

SPEECH = (0.3 * np.sin(np.arange(SAMPLE_RATE) / 4)).astype(np.float32)


@pytest.mark.parametrize(("heard", "offered"), [
    ("Turn of the lamp.", "Turn off the lamp."),
    ("Turned on the lamp.", "Turn on the lamp."),
    ("When in Emma's soccer practice?", "When is Emma's soccer practice?"),
    ("Turn up the heat.", "Turn up the heating."),
    ("Set the heat to 21.", "Set the heating to 21."),
    ("Is my heat on?", "Is my heating on?"),
    ("Set the floor lamp to have brightness.", "Set the floor lamp to half brightness."),
    ("Turn of the lite.", "Turn off the light."),
    ("Resumed.", "Resume."),
    ("Stopped the music.", "Stop the music."),
], ids=["anywhere", "at the start", "two words at the start", "a whole noun at the end", "before a word no name has",
        "before punctuation", "a value", "two at once", "a verb heard inflected", "a doubled consonant"])
def test_a_habit_of_whispers_is_offered_put_right(heard: str, offered: str):
    assert offered in packaged_mishearings().readings(heard)


@pytest.mark.parametrize("heard", [
    "Is the lamp turned on?",
    "Remind me to call when in town.",
    "Is the heat pump on?",
    "Turn on the kitchen light.",
    "Is the music stopped?",
], ids=["only at the start", "two words only at the start", "a name goes on", "nothing to put right",
        "an inflected verb not at the start"])
def test_a_phrase_where_its_conditions_do_not_hold_is_left_alone(heard: str):
    assert packaged_mishearings().readings(heard) == {}


def test_the_phrases_and_their_conditions_are_data():
    table = load_mishearings('name_ends = ["please"]\n'
                             '[[mishearing]]\nheard = "the fridge"\nmeant = "the freezer"\nwhole = true\n'
                             '[[mishearing]]\nheard = "of"\nmeant = "off"\nat_start = true\n')
    assert list(table.readings("Defrost the fridge please")) == ["Defrost the freezer please"]
    assert list(table.readings("Open the fridge door")) == []
    assert list(table.readings("Of with the lights")) == ["Off with the lights"]
    assert list(table.readings("Turn of the lights")) == []


@pytest.mark.parametrize("source", [
    '[[mishearing]]\nheard = "lite"\n',
    '[[mishearing]]\nheard = "lite"\nmeant = "light"\nfirst = true\n',
    '[[mishearing]\nheard = "lite"\n',
    'verb_forms = ["{verb}{tense}"]\n',
    '[[mishearing]]\nheard = "?!"\nmeant = "light"\n',
], ids=["no meant", "an unknown field", "not TOML", "a verb form with an unknown placeholder", "no word heard"])
def test_a_malformed_table_is_a_clear_error_naming_the_file(source: str):
    with pytest.raises(ConfigError, match=r"^mishearings\.toml: "):
        load_mishearings(source)


class Fits(Transcriber):
    """A fake Whisper that hears one text and scores texts against the audio from a table (unlisted: badly)."""

    def __init__(self, heard: str, scores: dict[str, float]):
        self.heard, self.scores = heard, scores

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1) -> Transcript:
        return Transcript(self.heard, [self.heard], 12.0)

    def score(self, transcript: Transcript, texts: list[str]) -> list[float]:
        return [self.scores.get(text, -100.0) for text in texts]


HEARD = [
    (maple, "Turned on the TV.", "Turn on the TV.", "tv", {"state": "on"}),
    (maple, "Set the TV to have volume.", "Set the TV to half volume.", "tv", {"volume": 50}),
    (ha_home, "Turned on the bedroom lamp.", "Turn on the bedroom lamp.", "light_bedroom_lamp", {"state": "on"}),
    (ha_home, "Set the kitchen ceiling to have brightness.", "Set the kitchen ceiling to half brightness.",
     "light_kitchen_ceiling", {"brightness": 50}),
    (maple, "Switch on the bedroom fire.", "Switch on the bedroom fan.", "bedroom_fan", {"state": "on"}),
    (ha_home, "Turn on the ceiling fire.", "Turn on the ceiling fan.", "fan_ceiling", {"state": "on"}),
]


def _hear(household: Callable[[], Household], heard: str, scores: dict[str, float]) -> tuple[str, list]:
    """What is acted on, and the commands sent, when Whisper hears `heard` and the audio fits texts as `scores`."""
    assistant, _, controller = make_assistant(household())
    pipeline = VoicePipeline(assistant, Settings().voice, Fits(heard, scores), word_cost=lambda word: 1)
    return pipeline.hear(SPEECH, TurnContext()).result.text, controller.sent


@pytest.mark.parametrize(("household", "heard", "meant", "device", "change"), HEARD)
def test_a_habit_put_right_is_acted_on_when_it_fits_the_audio(
        household: Callable[[], Household], heard: str, meant: str, device: str, change: dict):
    acted_on, sent = _hear(household, heard, {heard: -4.0, meant: -6.5})
    assert acted_on == meant
    assert [(device_id, changes.items() >= change.items()) for device_id, changes, *_ in sent] == [(device, True)]


@pytest.mark.parametrize(("household", "heard", "meant", "device", "change"), HEARD)
def test_a_habit_put_right_that_fits_the_audio_much_worse_is_not_acted_on(
        household: Callable[[], Household], heard: str, meant: str, device: str, change: dict):
    assert _hear(household, heard, {heard: -4.0, meant: -14.0}) == (heard, [])


class NeverHeard(Transcriber):
    """Typed text must not come near speech recognition."""

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, n_best: int = 1) -> Transcript:
        raise AssertionError("typed text was sent to the transcriber")

    def score(self, transcript: Transcript, texts: list[str]) -> list[float]:
        raise AssertionError("typed text was scored as audio")


class Beep(Synthesizer):
    sample_rate = 16_000

    def stream(self, text: str) -> Iterator[np.ndarray]:
        yield np.full(160, 1000, np.int16)


TYPED = ["i have volume 5", "when in doubt turn on the light", "Turned on the TV.", "Set the TV to have volume.",
         "turn up the heat", "turn of the TV", "change the colour to grey"]


@pytest.mark.parametrize("household", [maple, ha_home])
@pytest.mark.parametrize("typed", TYPED)
def test_typed_text_reaches_the_assistant_with_every_word_typed(
        tmp_path: Path, household: Callable[[], Household], typed: str):
    assistant, _, _ = make_assistant(household())
    pipeline = VoicePipeline(assistant, Settings().voice, NeverHeard(), Beep(), word_cost=lambda word: 1)
    answer = answer_text(pipeline, typed, TurnContext(), tmp_path / "reply.wav")
    assert answer.result.text == typed and answer.hypotheses == [typed]
    assert normalize(typed) == re.findall(r"[a-z0-9]+", typed.lower())


@pytest.mark.parametrize(("household", "heard", "meant", "device", "change"), HEARD)
def test_what_is_put_right_when_heard_is_not_when_typed(
        household: Callable[[], Household], heard: str, meant: str, device: str, change: dict):
    assistant, _, controller = make_assistant(household())
    assert assistant.turn(heard, TurnContext()).text == heard
    assert controller.sent == [], f"{heard!r} was read as {meant!r}"
