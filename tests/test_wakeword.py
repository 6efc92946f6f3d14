"""The wake word models packaged with pymicro-wakeword, on synthesized speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pymicro_wakeword
import pytest

from agent.voice.audio import SAMPLE_RATE, read_wav, resample, to_float32
from agent.evaluation.benchmarks.voice import espeak_wav
from agent.config import VoiceSettings
from agent.voice.listen import ArrayInput, WakeWordDetector
from agent.voice.tts import PiperSynthesizer
from devices.errors import ConfigError


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def piper() -> PiperSynthesizer:
    return PiperSynthesizer(VoiceSettings())


def _padded(audio: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), audio, np.zeros(SAMPLE_RATE, np.float32)])


def _espeak(folder: Path, text: str) -> np.ndarray:
    return _padded(read_wav(espeak_wav(text, folder / f"{text}.wav")))


def _piper(piper: PiperSynthesizer, text: str) -> np.ndarray:
    spoken = to_float32(np.concatenate(list(piper.stream(text))))
    return _padded(resample(spoken, piper.sample_rate))


def _fires(detector: WakeWordDetector, audio: np.ndarray, block: int = 1280) -> bool:
    detector.reset()
    return any(detector.process(chunk) for chunk in ArrayInput(audio, block).chunks())


def test_okay_nabu_fires_on_espeak_and_piper_speech(folder: Path, piper: PiperSynthesizer):
    detector = WakeWordDetector("okay_nabu")
    assert detector.phrase == "Okay Nabu"
    assert _fires(detector, _espeak(folder, "okay nabu"))
    assert _fires(detector, _piper(piper, "Okay nabu."))


@pytest.mark.parametrize("block", [160, 512, 1280, 4000])
def test_any_block_size_works(folder: Path, block: int):
    assert _fires(WakeWordDetector("okay_nabu"), _espeak(folder, "okay nabu"), block)


def test_silence_noise_and_other_speech_do_not_fire(folder: Path):
    detector = WakeWordDetector("okay_nabu")
    noise = 0.3 * np.random.default_rng(0).standard_normal(5 * SAMPLE_RATE).astype(np.float32)
    assert not _fires(detector, np.zeros(5 * SAMPLE_RATE, np.float32))
    assert not _fires(detector, noise)
    assert not _fires(detector, _espeak(folder, "turn on the kitchen light"))
    assert not _fires(detector, _espeak(folder, "okay google"))


def test_the_configured_model_is_the_one_listening(piper: PiperSynthesizer):
    detector = WakeWordDetector("hey_jarvis")
    assert _fires(detector, _piper(piper, "Hey Jarvis."))
    assert not _fires(detector, _piper(piper, "Okay nabu."))


def test_one_wake_word_fires_once(folder: Path):
    detector = WakeWordDetector("okay_nabu")
    assert _fires(detector, _espeak(folder, "okay nabu"))
    assert not any(detector.process(chunk) for chunk in ArrayInput(np.zeros(2 * SAMPLE_RATE, np.float32)).chunks())


def test_a_model_file_can_be_given_by_path(folder: Path):
    config = Path(pymicro_wakeword.__file__).parent / "models" / "okay_nabu.json"
    assert _fires(WakeWordDetector(str(config)), _espeak(folder, "okay nabu"))


@pytest.mark.parametrize("name", ["hey_siri", "", "/nowhere/model.json"])
def test_unknown_models_are_config_errors(name: str):
    with pytest.raises(ConfigError, match=r"voice\.wake_word"):
        WakeWordDetector(name)
