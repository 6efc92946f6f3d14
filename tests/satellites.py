"""Room satellites for tests: the real wyoming-satellite (in .venv/satellite, which `make test` installs: it pins
an older wyoming than homebody) as a process, whose microphone says each of its recordings when told to and whose
speaker writes what it plays to a file; the texts it was sent to say are written down too.

Run as a program, this file is the two commands such a satellite is given:
`satellites.py mic GO WAV [GO WAV…]` (silence, and each 16 kHz WAV once its GO file exists, in real time) and
`satellites.py wake MODEL` (a wake word heard on the satellite itself, by pymicro-wakeword, as `--wake-command`).
"""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHON = Path(sys.prefix) / "satellite" / "bin" / "python"
"""The satellite's own Python: run as `python -m wyoming_satellite`, since the `wyoming-satellite` script that
version 1.0.0 installs names an entry point its package lacks."""
BLOCK = 1024
"""Samples the microphone gives at a time: 64 ms at 16 kHz."""


_GIVEN: set[int] = set()
"""Ports handed out in this process: a port let go can be given again at once, and two satellites on one port
are one satellite answering for two rooms."""


def free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port not in _GIVEN:
            _GIVEN.add(port)
            return port


def program() -> list[str]:
    """wyoming-satellite; the test is skipped, saying how to install it, where it is missing."""
    if not PYTHON.is_file():
        pytest.skip(f"needs wyoming-satellite in {PYTHON.parent.parent} (make test installs it)")
    return [str(PYTHON), "-m", "wyoming_satellite"]


@dataclass
class Satellite:
    """One wyoming-satellite process in `folder`, in `area`; `local_wake`: it hears the wake word itself."""

    folder: Path
    area: str
    recordings: list[Path]
    local_wake: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> None:
        python, me = shlex.quote(sys.executable), shlex.quote(__file__)
        steps = " ".join(f"{shlex.quote(str(self.folder / f'go{i}'))} {shlex.quote(str(wav))}"
                         for i, wav in enumerate(self.recordings))
        command = [*program(), "--uri", self.uri, "--name", f"{self.area} satellite", "--area", self.area,
                   "--no-zeroconf", "--mic-command", f"{python} {me} mic {steps}",
                   "--snd-command", f"sh -c 'cat >> {shlex.quote(str(self.played_file))}'",
                   "--synthesize-command", f"sh -c 'cat >> {shlex.quote(str(self.said_file))}; echo >> "
                                           f"{shlex.quote(str(self.said_file))}'"]
        if self.local_wake:
            command += ["--wake-command", f"{python} {me} wake okay_nabu"]
        log = (self.folder / "satellite.log").open("wb")
        self.process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)

    def speak(self, index: int = 0) -> None:
        """Say recording `index` into the microphone now."""
        (self.folder / f"go{index}").touch()

    @property
    def played_file(self) -> Path:
        return self.folder / "played.raw"

    @property
    def said_file(self) -> Path:
        return self.folder / "said.txt"

    @property
    def said(self) -> list[str]:
        """Every text homebody sent it to say, in order."""
        return self.said_file.read_text().split("\n")[:-1] if self.said_file.exists() else []

    @property
    def played_seconds(self) -> float:
        """Audio its speaker played: 22.05 kHz 16-bit mono."""
        return self.played_file.stat().st_size / 44_100 if self.played_file.exists() else 0.0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def wait_until(condition, timeout: float, what: str, every: float = 0.1) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(every)


def _microphone(steps: list[str]) -> None:
    """Silence in real time; each recording once its GO file appears, in whatever order the tests ask (a test
    may run alone, or on another worker than the one before it)."""
    out, silence, started = sys.stdout.buffer, bytes(BLOCK * 2), time.monotonic()
    pending = [(Path(go), Path(wav)) for go, wav in zip(steps[::2], steps[1::2], strict=True)]
    sent = 0
    while True:
        audio = silence
        ready = next((step for step in pending if step[0].exists()), None)
        if ready is not None:
            pending.remove(ready)
            with wave.open(str(ready[1])) as recording:
                audio = recording.readframes(recording.getnframes())
        for start in range(0, len(audio), BLOCK * 2):
            out.write(audio[start:start + BLOCK * 2].ljust(BLOCK * 2, b"\0"))
            out.flush()
            sent += BLOCK
            time.sleep(max(0.0, started + sent / 16_000 - time.monotonic()))


def _wake_word(model: str) -> None:
    """Reads 16 kHz 16-bit audio on stdin; prints the model's name on a line each time it hears it. It ends when
    its input does: the satellite has stopped (or let go of its wake word service), so nothing is left running."""
    sys.path.insert(0, str(REPO))
    import numpy

    from agent.voice.listen import WakeWordDetector

    detector = WakeWordDetector(model)
    while chunk := sys.stdin.buffer.read(BLOCK * 2):
        if detector.process(numpy.frombuffer(chunk, "<i2")):
            print(model, flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "mic":
        _microphone(sys.argv[2:])
    else:
        _wake_word(sys.argv[2])
