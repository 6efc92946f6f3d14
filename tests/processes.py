"""homebody as a user runs it: a real process on a terminal (a pty), its output read as it comes."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

REPO = Path(__file__).resolve().parents[1]


def homebody_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a homebody under test: its own data dir, the embedded defaults, no LLM unless asked."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HOMEBODY_")}
    env.update({"XDG_DATA_HOME": str(tmp_path / "data"), "HOMEBODY_UNDERSTANDING_LLM": "off",
                "PYTHONFAULTHANDLER": "1", **settings})  # a process that hangs shows its threads' stacks (`interrupt`)
    return env


def homebody(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """One `homebody ARGS` run to its end."""
    return subprocess.run([sys.executable, "-m", "agent.cli.main", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=timeout)


class Terminal:
    """`homebody ARGS` on a pty: what it prints, in order, and lines typed into it."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self._master, slave = pty.openpty()
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "homebody"), *args], stdin=slave,
                                        stdout=slave, stderr=slave, env=env, cwd=REPO)
        os.close(slave)
        self.output = ""

    def wait_for(self, text: str, timeout: float = 60, after: int = 0) -> int:
        """Read until `text` appears at or after offset `after`; where it ends. AssertionError at the timeout."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text, after)) < 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (not self._read(min(remaining, 0.5)) and self.process.poll() is not None):
                raise AssertionError(f"{text!r} not seen within {timeout} s; output so far:\n{self.output}")
        return found + len(text)

    def type(self, line: str) -> None:
        os.write(self._master, f"{line}\n".encode())

    def interrupt(self, timeout: float = 30) -> tuple[int, float]:
        """Ctrl-C: the exit code and the seconds it took to exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            self.process.wait(10)
            while self._read(0.5):
                pass
            raise AssertionError(f"still running {timeout} s after Ctrl-C; output:\n{self.output[-6000:]}") from None
        return code, time.monotonic() - started

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self._master, 65536)
        except OSError:  # the process has gone and the pty with it
            return False
        self.output += data.decode("utf-8", "replace").replace("\r\n", "\n")
        return bool(data)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        os.close(self._master)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
