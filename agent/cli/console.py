"""The text console: type what you would say, read what homebody answers."""

from __future__ import annotations

import sys
from typing import TextIO

from agent.turn.assistant import Assistant
from agent.turn.context import TurnContext


def run_console(assistant: Assistant, context: TurnContext, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
                verbose: bool = False) -> None:
    """Read lines until end of input or "quit"; every line is one turn."""
    prompt = "you> " if stdin.isatty() else ""
    while True:
        if prompt:
            stdout.write(prompt)
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit", "bye"}:
            return
        if not line.strip():
            continue
        result = assistant.turn(line.strip(), context)
        if verbose:
            stdout.write(f"  plan: {result.plan.to_json()}\n")
            stdout.writelines(f"  {outcome.device_id}: {outcome.status} {outcome.state}\n" for outcome in result.outcomes)
        stdout.write(f"homebody> {result.reply}\n")
        stdout.flush()
