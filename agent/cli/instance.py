"""The running homebody of a household: where its embedded broker listens, so that `homebody devices`,
`state` and `set` talk to the home it runs instead of starting a fresh one of their own.

`homebody run` (and `listen`) on the embedded defaults write `<data dir>/running-<home>.json` and
remove it when they stop; a file left by a process that died is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.config import data_dir, home_slug

if TYPE_CHECKING:
    from agent.app import App

log = logging.getLogger(__name__)


@dataclass
class RunningInstance:
    """A homebody process serving a household on its own embedded broker."""

    pid: int
    home: str
    """The household's name."""
    host: str
    port: int
    """Where its broker listens."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunningInstance:
        return cls(int(data["pid"]), str(data["home"]), str(data["host"]), int(data["port"]))


def instance_file(home: str) -> Path:
    return data_dir() / f"running-{home_slug(home)}.json"


@contextmanager
def advertised(instance: RunningInstance) -> Iterator[None]:
    """Record the instance while the block runs; a record the process cannot write is only logged."""
    path = instance_file(instance.home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(instance.to_json()), encoding="utf-8")
    except OSError as error:
        log.warning("cannot record the running instance in %s (%s); `homebody devices` will not find it",
                    path, error.strerror)
    try:
        yield
    finally:
        if _read(path) == instance:
            path.unlink(missing_ok=True)


def running_instance(home: str) -> RunningInstance | None:
    """The live homebody of this household, if one runs and its broker answers."""
    instance = _read(instance_file(home))
    if instance is None or instance.home != home or not _alive(instance.pid):
        return None
    try:
        with socket.create_connection((instance.host, instance.port), timeout=0.5):
            return instance
    except OSError:
        return None


def _read(path: Path) -> RunningInstance | None:
    try:
        return RunningInstance.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def advertised_while_running(app: App) -> Iterator[None]:
    """An App on its own embedded broker is recorded as the household's running homebody while the block runs."""
    broker = app.runtime.broker
    if broker is None:
        yield
        return
    with advertised(RunningInstance(os.getpid(), app.household.home.name, broker.host, broker.port)):
        yield
