"""Voice latency: ~3 s spoken commands through speech-to-text, reply text to first audio, cold loads;
end of speech to the first reply sample through the live loop; cold start and resident memory.

Commands are spoken by espeak-ng into a temporary directory, so the benchmark needs no
recordings and no network; `espeak_wav` is also what the voice tests use to make speech.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from agent.voice.audio import SAMPLE_RATE, AudioError, read_wav, to_int16
from agent.config import Settings, VoiceSettings
from agent.evaluation.cases import percentiles
from agent.voice.listen import BLOCK_SAMPLES, SileroVad
from agent.voice.stt import WhisperTranscriber, vocabulary_prompt
from agent.voice.tts import PiperSynthesizer
from agent.turn.context import TurnContext
from agent.voice.pipeline import N_BEST
from devices.outcome import Status
from devices.model import State
from agent.evaluation.benchmarks import SHARED_EVAL

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
    voice: str | None = None,
    markup: bool = False,
) -> Path:
    """Speak `text` into a WAV with espeak-ng (22.05 kHz mono 16-bit), converted by sox when asked.

    `voice` is an espeak-ng voice such as en-gb-scotland or en-us+f3 (default: espeak-ng's own); `markup`: the
    text is SSML ("turn on the <break time='500ms'/> kitchen light").
    """
    convert = bool(rate or channels != 1 or sox_encoding)
    missing = [tool for tool, needed in (("espeak-ng", True), ("sox", convert)) if needed and not shutil.which(tool)]
    if missing:
        raise AudioError(f"{' and '.join(missing)} needed to make speech (apt-get install espeak-ng sox)")
    raw = path.with_suffix(".espeak.wav")
    chosen = ["-v", voice] if voice else []
    chosen += ["-m"] if markup else []
    subprocess.run(["espeak-ng", *chosen, "-s", str(words_per_minute), "-w", str(raw), "--", text], check=True)
    if not convert:
        return raw.replace(path)
    resample = ["-r", str(rate)] if rate else []
    # -R: sox dithers with the same noise every run, so the same text is the same speech in every run and process
    subprocess.run(["sox", "-R", str(raw), *sox_encoding, "-c", str(channels), *resample, str(path)], check=True)
    raw.unlink()
    return path


E2E_COMMANDS: list[tuple[str, dict[str, State]]] = [
    ("turn on the kitchen light", {}),
    ("turn off the living room light", {}),
    ("turn on the desk lamp", {}),
    ("close the bedroom blinds", {"bedroom_blinds": {"state": "open", "position": 100}}),
    ("turn on the bedroom fan", {}),
    ("lock the back door", {}),
    ("set the heating to twenty two degrees", {}),
    ("dim the floor lamp to thirty percent", {"floor_lamp": {"state": "on", "brightness": 80}}),
]
"""Short commands on the Maple House (shared/eval/home.toml), each changing one device from its setup."""
E2E_FALLBACK = [(f"turn on the {name}", {device: {"state": "off"}}) for name, device in
                [("kitchen light", "kitchen_spots"), ("sofa lamp", "sofa_lamp"), ("porch light", "porch_light"),
                 ("bedroom fan", "bedroom_fan")]]
"""The same on the example household, when the shared evaluation data is absent."""
READY = "homebody-ready"
STARTED = "homebody-skills-started"


def run(settings: VoiceSettings | None = None, rounds: int = 3) -> dict[str, Any]:
    return {**run_stages(settings, rounds), **run_e2e(rounds), **run_cold_start()}


def run_stages(settings: VoiceSettings | None = None, rounds: int = 3) -> dict[str, Any]:
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
        "stt_nbest_ms": percentiles(
            [transcriber.transcribe(audio, prompt, N_BEST).ms for _ in range(rounds) for audio in commands]),
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


def run_e2e(rounds: int = 3) -> dict[str, Any]:
    """End of speech → first reply sample through the live loop, with the real App and the virtual home; then
    the Home-Assistant-style pipeline (`ha_pipeline`) on the same speech, and the ratio of the two.

    The commands are replayed as a microphone delivers them, in real time, so the partial
    readings at pauses, the silence tail and the thread contention are all real.
    """
    from agent.evaluation.benchmarks import ha_pipeline
    from devices.household import load_household

    home = SHARED_EVAL / "home.toml"
    commands = E2E_COMMANDS if home.exists() else E2E_FALLBACK
    with tempfile.TemporaryDirectory() as folder:
        speech = [trimmed(read_wav(espeak_wav(text, Path(folder) / f"{i}.wav"))) for i, (text, _) in enumerate(commands)]
        results = _e2e_summary(_homebody_e2e(speech, commands, home if home.exists() else None, folder, rounds))
        if ha_pipeline.missing():
            print(f"bench e2e: the Home-Assistant-style pipeline needs {', '.join(ha_pipeline.missing())}: "
                  f"{ha_pipeline.INSTALL} (the bench extra)", file=sys.stderr)
            return results
        household = load_household(home if home.exists() else None)
        ha = ha_pipeline.run(speech, household, rounds, Path(folder))
    first_audio = percentiles([sample["first_audio"] for sample in ha])
    return {**results, "ha_pipeline_first_audio_ms": first_audio,
            "ha_pipeline_stages_ms": {stage: percentiles([sample[stage] for sample in ha])
                                      for stage in ("stt", "understand", "tts_first_chunk")},
            "e2e_vs_ha_ratio": round(results["e2e_first_audio_ms"]["p50"] / first_audio["p50"], 3)}


def _homebody_e2e(speech: list[np.ndarray], commands: list[tuple[str, dict[str, State]]], home: Path | None,
                  folder: str, rounds: int) -> list[dict[str, float]]:
    from agent.app import App
    from agent.voice.live import LiveLoop, VoiceSession
    from agent.voice.pipeline import VoicePipeline

    settings = Settings()
    settings.household.file = str(home) if home else ""
    settings.household.database = str(Path(folder) / "bench.db")
    with App.start(settings) as app:
        pipeline = VoicePipeline.from_app(app)
        pipeline.load()
        app.ready()  # as `homebody listen` once its models are loaded
        if app.skills is not None:
            app.skills.load()  # they start within a wake word's time, which the bench (always awake) does not take
        session = VoiceSession(pipeline, TurnContext(), SileroVad())
        loop = LiveLoop(session, _AlwaysAwake())  # type: ignore[arg-type]
        samples = []
        try:
            for _ in range(rounds):
                for audio, (_, setup) in zip(speech, commands, strict=True):
                    app.runtime.reset({d.id: {**d.initial, **setup.get(d.id, {})} for d in app.household.devices})
                    samples.append(_one_e2e(loop, session, audio))
        finally:
            session.close()
    return samples


def _one_e2e(loop: Any, session: Any, speech: np.ndarray) -> dict[str, float]:
    source, speaker = Paced(speech, realtime_from=0.0), _FirstAudio()
    chunks = source.chunks()
    exchange = loop.listen_once(chunks, source, speaker)
    utterance, result = session.utterance, session.last_result
    if exchange is None or result is None or not result.text or source.spoke_at is None or utterance.ended_at is None:
        raise AudioError(f"the e2e benchmark heard nothing in {len(speech) / SAMPLE_RATE:.1f} s of speech")
    ended, answered, first = utterance.ended_at, session.answered_at, speaker.first_at
    turn_ms = result.timings_ms.get("total", 0.0)
    return {
        "e2e": (first - source.spoke_at) * 1000,
        "vad_tail": (ended - source.spoke_at) * 1000,
        "stt": exchange.timings_ms.get("stt", 0.0),
        "stt_wait": max(0.0, (answered - ended) * 1000 - turn_ms),
        "understand": result.timings_ms.get("understand", 0.0),
        "confirm": result.timings_ms.get("act", 0.0),
        "tts_first_chunk": (first - answered) * 1000,
        "early": float(utterance.reason == "complete"),
        "partials": float(utterance.partials),
        "acted": float(any(o.status == Status.CONFIRMED for o in result.outcomes)),
    }


def _e2e_summary(samples: list[dict[str, float]]) -> dict[str, Any]:
    def column(key: str) -> list[float]:
        return [sample[key] for sample in samples]

    stages = ("vad_tail", "stt", "stt_wait", "understand", "confirm", "tts_first_chunk")
    return {
        "e2e_first_audio_ms": percentiles(column("e2e")),
        "e2e_stages_ms": {stage: percentiles(column(stage)) for stage in stages},
        "e2e_early_end_share": round(sum(column("early")) / len(samples), 2),
        "e2e_partials_per_turn": round(sum(column("partials")) / len(samples), 2),
        "e2e_acted_share": round(sum(column("acted")) / len(samples), 2),
    }


def trimmed(speech: np.ndarray, floor: float = 0.01) -> np.ndarray:
    """espeak-ng's speech without its trailing silence, so the end of speech is known to the sample."""
    loud = np.flatnonzero(np.abs(speech) > floor)
    return speech[: loud[-1] + 1] if loud.size else speech


class _AlwaysAwake:
    """The wake word is not what is measured: it "fires" on the first block."""

    phrase = "(none)"

    def reset(self) -> None:
        pass

    def process(self, chunk: np.ndarray) -> bool:
        return True


class Paced:
    """A microphone: quiet, the speech, then quiet, block by block in real time from `realtime_from` seconds into
    the speech (by default its end, as the e2e benchmark hears it: the speech at once, the silence after it live)."""

    def __init__(self, speech: np.ndarray, before: float = 0.2, after: float = 2.0, realtime_from: float | None = None):
        rng = np.random.default_rng(0)
        room = lambda seconds: (0.0005 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)  # noqa: E731
        self.audio = np.concatenate([room(before), speech, room(after)])
        self.speech_end = int(before * SAMPLE_RATE) + speech.size
        self._live_from = self.speech_end if realtime_from is None else int((before + realtime_from) * SAMPLE_RATE)
        self.spoke_at: float | None = None
        """time.perf_counter() at which the speech ended, as if heard live."""

    def chunks(self) -> Iterator[np.ndarray]:
        samples = to_int16(self.audio)
        started: float | None = None
        for start in range(0, samples.size, BLOCK_SAMPLES):
            end = start + BLOCK_SAMPLES
            if end > self._live_from:
                late = (end - self._live_from) / SAMPLE_RATE
                started = started if started is not None else time.perf_counter() - late
                time.sleep(max(0.0, started + late - time.perf_counter()))
                if self.spoke_at is None and end > self.speech_end:
                    self.spoke_at = started + (self.speech_end - self._live_from) / SAMPLE_RATE
            yield samples[start:end]

    def muted(self) -> AbstractContextManager[None]:
        return nullcontext()


class _FirstAudio:
    """A speaker that notes when the first reply sample arrives and plays the rest into nothing."""

    first_at: float = 0.0

    def play(self, chunks: Iterable[np.ndarray], sample_rate: int) -> None:
        for chunk in chunks:
            if chunk.size and not self.first_at:
                self.first_at = time.perf_counter()


_READY_SCRIPT = f"""
import psutil
from agent.app import App
from agent.config import load_settings
from agent.voice.listen import ArrayInput
from agent.turn.context import TurnContext
from agent.voice.live import Listener
import numpy as np

class Nowhere:
    def play(self, chunks, sample_rate):
        pass

app = App.start(load_settings(), routines_on_time=True)  # as `homebody run` starts it
listener = Listener(app, TurnContext(), ArrayInput(np.zeros(0, np.int16)), Nowhere())
print("{READY}", flush=True)
app.skills.load()  # what `App.ready` starts in the background
print("{STARTED}", psutil.Process().memory_info().rss / 2**20, flush=True)
listener.close()
app.close()
"""


def run_cold_start(runs: int = 3) -> dict[str, Any]:
    """A fresh process to ready-to-listen with the default household and models; then to its skills started (what
    a staying process does in the background once it listens), and its resident memory then."""
    ready, started, rss = zip(*(_cold_start_once() for _ in range(runs)), strict=True)
    return {"cold_start_s": percentiles(list(ready)), "skills_started_s": percentiles(list(started)),
            "rss_mb": round(max(rss), 1)}


def _cold_start_once() -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        environment = {**os.environ, "HOMEBODY_HOUSEHOLD_DATABASE": str(Path(folder) / "cold.db")}
        began, ready = time.perf_counter(), 0.0
        with subprocess.Popen([sys.executable, "-c", _READY_SCRIPT], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=environment) as process:
            for line in process.stdout or []:
                if line.startswith(READY):
                    ready = time.perf_counter() - began
                elif line.startswith(STARTED) and ready:
                    return ready, time.perf_counter() - began, float(line.split()[1])
    raise AudioError(f"the cold-start process exited with {process.returncode} before it was ready")
