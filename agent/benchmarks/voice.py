"""Voice latency: ~3 s spoken commands through speech-to-text, reply text to first audio, cold loads.

Commands are spoken by espeak-ng into a temporary directory, so the benchmark needs no
recordings and no network; `espeak_wav` is also what the voice tests use to make speech.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.audio import AudioError, read_wav
from agent.config import VoiceSettings
from agent.evaluation import percentiles
from agent.stt import WhisperTranscriber, vocabulary_prompt
from agent.tts import PiperSynthesizer

COMMANDS = [
    "turn on the kitchen light and dim it to forty percent",
    "switch off every light on the upstairs landing",
    "set the living room thermostat to twenty one degrees",
    "close the blinds in the nursery and the office",
    "what is the temperature in the back bedroom right now",
    "turn the hallway lamp blue and make it brighter",
    "is the front door locked and the garage closed",
    "start the evening routine in the lounge please",
]
"""About 3.3 s each at espeak-ng's 150 words per minute."""

VOCABULARY = [
    "kitchen light",
    "landing",
    "living room",
    "thermostat",
    "nursery",
    "office",
    "back bedroom",
    "hallway lamp",
    "front door",
    "garage",
    "evening routine",
    "lounge",
]

REPLIES = [
    "The kitchen light is on.",
    "Okay, the upstairs lights are off.",
    "It's twenty one degrees in the living room.",
    "Done. The blinds are closed in the nursery and the office.",
    "Sorry, I don't know a device called the attic fan.",
]


def espeak_wav(
    text: str,
    path: Path,
    rate: int | None = None,
    channels: int = 1,
    sox_encoding: tuple[str, ...] = (),
    words_per_minute: int = 150,
) -> Path:
    """Speak `text` into a WAV with espeak-ng (22.05 kHz mono 16-bit), converted by sox when asked."""
    convert = bool(rate or channels != 1 or sox_encoding)
    missing = [tool for tool, needed in (("espeak-ng", True), ("sox", convert)) if needed and not shutil.which(tool)]
    if missing:
        raise AudioError(f"{' and '.join(missing)} needed to make speech (apt-get install espeak-ng sox)")
    raw = path.with_suffix(".espeak.wav")
    subprocess.run(["espeak-ng", "-s", str(words_per_minute), "-w", str(raw), text], check=True)
    if not convert:
        return raw.replace(path)
    resample = ["-r", str(rate)] if rate else []
    subprocess.run(["sox", str(raw), *sox_encoding, "-c", str(channels), *resample, str(path)], check=True)
    raw.unlink()
    return path


def run(settings: VoiceSettings | None = None, rounds: int = 3) -> dict[str, Any]:
    settings = settings or VoiceSettings()
    with tempfile.TemporaryDirectory() as folder:
        commands = [read_wav(espeak_wav(text, Path(folder) / f"{i}.wav")) for i, text in enumerate(COMMANDS)]
    transcriber, synthesizer = WhisperTranscriber(settings), PiperSynthesizer(settings)
    stt_load_ms, tts_load_ms = transcriber.load(), synthesizer.load()
    transcriber.transcribe(commands[0])
    next(synthesizer.stream(REPLIES[0]))
    prompt = vocabulary_prompt(VOCABULARY)
    return {
        "stt_ms": percentiles([transcriber.transcribe(audio).ms for _ in range(rounds) for audio in commands]),
        "stt_prompted_ms": percentiles([transcriber.transcribe(a, prompt).ms for _ in range(rounds) for a in commands]),
        "stt_nbest3_ms": percentiles([transcriber.transcribe(audio, n_best=3).ms for audio in commands]),
        "tts_first_audio_ms": percentiles(
            [_first_audio_ms(synthesizer, text) for _ in range(rounds) for text in REPLIES]
        ),
        "stt_load_ms": round(stt_load_ms, 1),
        "tts_load_ms": round(tts_load_ms, 1),
        "stt_command_s": round(sum(audio.size for audio in commands) / len(commands) / 16_000, 2),
    }


def _first_audio_ms(synthesizer: PiperSynthesizer, text: str) -> float:
    start = time.perf_counter()
    next(synthesizer.stream(text))
    return (time.perf_counter() - start) * 1000
