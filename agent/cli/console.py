"""The text console: type what you would say, read what homebody answers, and what it says of its own
accord (a timer ringing) between your lines."""

from __future__ import annotations

import select
import sys
import threading
from typing import TextIO

from agent.turn.assistant import Assistant
from agent.turn.context import TurnContext

PROMPT = "you> "


class Console:
    """One terminal shared by the turns and by announcements, which come from other threads."""

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> None:
        self.stdin, self.stdout = stdin or sys.stdin, stdout or sys.stdout
        self.prompt = PROMPT if self.stdin.isatty() else ""
        self._lock = threading.Lock()
        self.waiting = False
        """Whether the prompt is showing and a line is being typed."""

    def announce(self, text: str, area: str | None, *, alarm: bool = False) -> None:
        """Say something unprompted; the prompt comes back after it when someone was typing."""
        with self._lock:
            self.stdout.write(f"\nhomebody ({area or 'everywhere'})> {text}\n")
            if self.waiting:
                self.stdout.write(self.prompt)
            self.stdout.flush()

    def read_line(self) -> str:
        """The next line typed ('' at the end of input), after showing the prompt."""
        with self._lock:
            self.stdout.write(self.prompt)
            self.stdout.flush()
            self.waiting = bool(self.prompt)
        try:
            if self.prompt:
                self._wait_for_typing()
            return self.stdin.readline()
        finally:
            self.waiting = False

    def _wait_for_typing(self) -> None:
        """Wait for a terminal's next line a moment at a time. Ctrl-C's signal may reach another thread (one of a
        model's), which leaves a blocking read uninterrupted and Python never sees it until Enter; waking here lets
        it. (A terminal hands over one line per read, so nothing typed waits unseen in the buffer.)"""
        while not select.select([self.stdin], [], [], 0.25)[0]:
            pass

    def write(self, text: str) -> None:
        with self._lock:
            self.stdout.write(text)
            self.stdout.flush()


def run_console(assistant: Assistant, context: TurnContext, console: Console | None = None,
                verbose: bool = False) -> None:
    """Read lines until end of input or "quit"; every line is one turn."""
    console = console or Console()
    while True:
        line = console.read_line()
        if not line or line.strip().lower() in {"quit", "exit", "bye"}:
            return
        if not line.strip():
            continue
        result = assistant.turn(line.strip(), context)
        shown = [f"  plan: {result.plan.to_json()}\n"] if verbose else []
        if verbose:
            shown += [f"  {outcome.device_id}: {outcome.status} {outcome.state}\n" for outcome in result.outcomes]
        console.write("".join([*shown, f"homebody> {result.reply}\n"]))
