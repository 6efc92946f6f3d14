"""Wyoming servers the benchmarks start as processes of their own (homebody's, wyoming-faster-whisper,
wyoming-piper): each on a free loopback port, used once it answers `describe`, stopped on the way out."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

READY_SECONDS = 120.0
"""How long a server may take to load its model and answer."""
REPO = Path(__file__).parents[3]
"""Where `python -m agent.cli.main` runs from."""

ServerCommand = tuple[list[str], dict[str, str] | None]
"""A server's command line, ending in its URI option (`--uri`), and its environment (None: this one's)."""


@contextmanager
def wyoming_servers(commands: Mapping[str, ServerCommand], folder: Path) -> Iterator[dict[str, int]]:
    """Every server of `commands` started and answering; their ports by name. Logs go to `folder`/NAME.log."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(_server(name, command, env, folder))
               for name, (command, env) in commands.items()}


@contextmanager
def _server(name: str, command: list[str], env: dict[str, str] | None, folder: Path) -> Iterator[int]:
    port = _free_port()
    log_path = folder / f"{name}.log"
    with log_path.open("wb") as output:
        process = subprocess.Popen([*command, f"tcp://127.0.0.1:{port}"], env=env, cwd=REPO, stdout=output,
                                   stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while not asyncio.run(_answers(port)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"bench: the {name} server did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.5)
        yield port
    finally:
        process.terminate()
        process.wait(30)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _answers(port: int) -> bool:
    """Whether a Wyoming server listens on `port` and describes itself."""
    from wyoming.client import AsyncTcpClient
    from wyoming.info import Describe, Info

    try:
        async with AsyncTcpClient("127.0.0.1", port) as client:
            await client.write_event(Describe().event())
            event = await asyncio.wait_for(client.read_event(), 2.0)
            return event is not None and Info.is_type(event.type)
    except (TimeoutError, OSError):
        return False
