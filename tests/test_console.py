"""The text console: what homebody says of its own accord (a timer ringing) comes between the lines
typed, and the prompt comes back after it."""

from __future__ import annotations

import io
import os
import pty
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from processes import Terminal, homebody_env

from agent.cli.console import PROMPT, Console


@pytest.fixture
def terminal() -> Iterator[tuple[Console, io.StringIO, int]]:
    """A console reading a real terminal (a pty), writing into a buffer; and the pty's typing end."""
    typing, reading = pty.openpty()
    with os.fdopen(reading, "r", closefd=True) as stdin:
        out = io.StringIO()
        yield Console(stdin, out), out, typing
    os.close(typing)


def test_an_announcement_while_someone_types_shows_the_prompt_again(terminal: tuple[Console, io.StringIO, int]):
    console, out, typing = terminal
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(console.read_line()))
    reader.start()
    while not console.waiting:
        reader.join(0.01)
    console.announce("The pasta timer is done.", "kitchen")
    os.write(typing, b"thanks\n")
    reader.join(5)
    assert out.getvalue() == f"{PROMPT}\nhomebody (kitchen)> The pasta timer is done.\n{PROMPT}"
    assert lines == ["thanks\n"]


def test_an_announcement_between_turns_is_only_the_announcement():
    out = io.StringIO()
    Console(io.StringIO(""), out).announce("The timer is done.", None)
    assert out.getvalue() == "\nhomebody (everywhere)> The timer is done.\n"


def test_after_a_timer_rings_in_homebody_run_the_prompt_is_back(tmp_path: Path):
    with Terminal("run", "--text", env=homebody_env(tmp_path)) as running:
        running.wait_for(PROMPT)
        running.type("set a timer for 2 seconds")
        answered = running.wait_for("homebody> ")
        rang = running.wait_for(" is done.", after=answered)
        running.wait_for(f"\n{PROMPT}", after=rang)
        running.type("quit")
        assert running.process.wait(30) == 0


CTRL_C_ELSEWHERE = """
import os, pty, signal, sys, threading, time
from agent.cli.console import Console
typing, reading = pty.openpty()
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()  # a thread the signal can land on
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # as when the kernel picks that thread
console = Console(os.fdopen(reading), open(os.devnull, "w"))
try:
    print("reading", flush=True)
    console.read_line()
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_ctrl_c_stops_a_console_waiting_for_a_line_whichever_thread_the_signal_reaches():
    child = subprocess.Popen([sys.executable, "-c", CTRL_C_ELSEWHERE], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "reading\n"
    time.sleep(0.5)  # into the wait for a line
    child.send_signal(signal.SIGINT)
    try:
        out, _ = child.communicate(timeout=20)
    finally:
        child.kill()
    assert out == "interrupted\n"
