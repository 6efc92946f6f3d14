"""`homebody eval --audio`: a tiny case file spoken by espeak-ng and heard through the whole pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agent import cli
from agent.evaluation.benchmarks.voice import espeak_wav
from agent.config import Settings
from agent.evaluation.audio import Voice, add_noise, align, evaluate_with_recordings, parse_voices, word_error_rate, words
from agent.voice.audio import rms_dbfs

CASES = [  # on the example home
    {"id": "v-1", "utterance": "turn on the kitchen light", "expect": {"kitchen_spots": {"state": "on"}}},
    {"id": "v-2", "utterance": "lock the front door", "setup": {"front_lock": {"state": "unlocked"}},
     "expect": {"front_lock": {"state": "locked"}}},
    # The recording says "on" where the text says "off": the case passes only if the recording is heard.
    {"id": "v-3", "utterance": "turn off the studio light", "audio": "studio.wav",
     "expect": {"studio_light": {"state": "on"}}},
]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cases")
    espeak_wav("turn on the studio light", folder / "studio.wav", rate=44_100, channels=2)
    path = folder / "cases.jsonl"
    path.write_text("".join(json.dumps(case) + "\n" for case in CASES))
    return path


def test_audio_mode_reports_speech_next_to_text(cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("HOMEBODY_HOUSEHOLD_DATABASE", str(tmp_path / "home.db"))
    report = tmp_path / "report.json"
    argv = ["eval", "--audio", str(cases), "--no-llm", "--voices", "en-us:160",
            "--json", str(report)]
    assert cli.main(argv) == 0
    data = json.loads(report.read_text())
    assert (data["text"]["passed"], data["text"]["cases"]) == (2, 3)  # v-3's text says "off"
    heard = data["voices"]["en-us@160"]
    assert heard["summary"]["passed"] == 3
    assert heard["wer"] < 0.3
    assert [said for said, _ in heard["heard"]] == [case["utterance"] for case in CASES]
    out, _ = capsys.readouterr()
    assert "en-us@160" in out and "WER" in out


def test_the_text_evaluation_hears_recorded_cases(cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HOMEBODY_HOUSEHOLD_DATABASE", str(tmp_path / "home.db"))
    results = evaluate_with_recordings([str(cases)], Settings(), None)
    assert [(r.id, r.passed) for r in results] == [("v-1", True), ("v-2", True), ("v-3", True)]


@pytest.mark.parametrize(("said", "heard", "expected"), [
    ("turn on the kitchen light", "Turn on the kitchen light.", 0.0),
    ("set it to twenty one degrees", "Set it to 21 degrees.", 0.0),
    ("dim it to 40 percent", "Dim it to 40%.", 0.0),
    ("what's on today", "what is on today", 0.0),
    ("add a haircut at 4 pm", "Add a haircut at 4p.m.", 0.0),
    ("add a haircut at 4 pm", "Add a haircut at 4pm.", 0.0),
    ("set it to 19.5 degrees", "Set it to nineteen point five degrees.", 0.0),
    ("turn the telly on", "Turn the tally on.", 0.25),
    ("turn on the light", "", 1.0),
    ("lights off", "lights off please now", 1.0),
])
def test_word_error_rate(said: str, heard: str, expected: float):
    assert word_error_rate([(said, heard)]) == pytest.approx(expected)


def test_align_pairs_words_with_gaps():
    assert align(words("turn the telly on"), words("turn telly on now")) == [
        ("turn", "turn"), ("the", None), ("telly", "telly"), ("on", "on"), (None, "now")]


@pytest.mark.parametrize(("spec", "voices"), [
    ("en-us:150", [Voice("en-us", 150)]),
    ("en-gb-scotland, en-us+f3:120", [Voice("en-gb-scotland"), Voice("en-us+f3", 120)]),
    ("default", list(parse_voices(None))),
])
def test_parse_voices(spec: str, voices: list[Voice]):
    assert parse_voices(spec) == voices


def test_noise_is_added_at_the_asked_loudness():
    rng = np.random.default_rng(1)
    clip = (0.3 * np.sin(np.arange(16_000) / 3)).astype(np.float32)
    noise = rng.standard_normal(48_000).astype(np.float32)
    noisy = add_noise(clip, noise, 10.0, rng)
    assert rms_dbfs(noisy - clip) == pytest.approx(rms_dbfs(clip) - 10.0, abs=0.2)


@pytest.mark.parametrize("rate", [16_000, 44_100])
def test_the_same_text_is_the_same_speech_in_every_run(tmp_path: Path, rate: int):
    """Runs of the audio evaluation compare: sox, converting espeak-ng's speech, dithers with the same noise."""
    first, second = (espeak_wav("set the dining light to purple", tmp_path / f"{n}.wav", rate=rate) for n in "ab")
    assert first.read_bytes() == second.read_bytes()
