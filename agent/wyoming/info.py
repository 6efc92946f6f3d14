"""What homebody's Wyoming server offers, as Home Assistant's Wyoming integration reads it (`describe` → `info`):
speech-to-text, text-to-speech and a conversation agent that acts on the home."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from wyoming.info import AsrModel, AsrProgram, Attribution, HandleModel, HandleProgram, Info, TtsProgram, TtsVoice

from agent.config import VoiceSettings

NAME = "homebody"
HOMEBODY = Attribution(name="homebody", url="")
WHISPER = Attribution(name="OpenAI Whisper (faster-whisper, CTranslate2)", url="https://github.com/openai/whisper")
PIPER = Attribution(name="Piper", url="https://github.com/OHF-Voice/piper1-gpl")


def homebody_version() -> str | None:
    try:
        return version("homebody")
    except PackageNotFoundError:
        return None


def voice_language(voice: str, fallback: str) -> str:
    """"en_US-joe-medium" (Piper's naming, also of a voice file) → "en_US"; else the configured language."""
    found = re.match(r"([a-z]{2,3}_[A-Z]{2})-", Path(voice).name)
    return found.group(1) if found else fallback


def service_info(voice: VoiceSettings) -> Info:
    """The three services, each described: what Home Assistant lists when homebody is added."""
    release = homebody_version()
    asr = AsrProgram(
        name=NAME, attribution=HOMEBODY, installed=True, version=release,
        description="homebody's Whisper: the household's names as its prompt, the best-understood of its N best",
        models=[AsrModel(name=voice.stt_model, attribution=WHISPER, installed=True, version=None,
                         description=f"Whisper {voice.stt_model}", languages=[voice.language])])
    tts = TtsProgram(
        name=NAME, attribution=HOMEBODY, installed=True, version=release,
        description="Piper, streamed: the first sentence is heard while the rest is synthesized",
        voices=[TtsVoice(name=Path(voice.voice).stem, attribution=PIPER, installed=True, version=None,
                         description=f"Piper {Path(voice.voice).stem}",
                         languages=[voice_language(voice.voice, voice.language)])])
    handle = HandleProgram(
        name=NAME, attribution=HOMEBODY, installed=True, version=release, supports_home_control=True,
        description="homebody's turn: devices over MQTT, timers, reminders, the household's schedule",
        models=[HandleModel(name=NAME, attribution=HOMEBODY, installed=True, version=release,
                            description="homebody's recognizer", languages=[voice.language])])
    return Info(asr=[asr], tts=[tts], handle=[handle])
