"""The web page's tests: a real homebody (embedded broker, virtual home, SQLite file) serving its page on a
free loopback port, for each household the tests run on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import HOMES, REPO

from agent.app import App
from agent.config import Settings
from agent.web import start_web
from agent.web.server import WebServer


@dataclass(frozen=True)
class Home:
    """A household file and the devices and people its tests use."""

    name: str
    file: Path
    light: str
    lock: str
    person: str
    routine: str
    """A routine that needs no confirmation, and a device it changes with the state it sets."""
    routine_sets: tuple[str, str, Any]


WEB_HOMES = [
    Home("example", REPO / "devices" / "example_home.toml", "porch_light", "front_lock", "robin", "film_night",
         ("sofa_lamp", "brightness", 20)),
    Home("hazel", HOMES / "hazel_court.toml", "study_lamp", "garden_gate", "nina", "wake_up",
         ("kitchen_pendant", "state", "on")),
]


def settings_for(home: Home, folder: Path, **web: Any) -> Settings:
    settings = Settings()
    settings.household.file = str(home.file)
    settings.household.database = str(folder / f"{home.name}.db")
    settings.understanding.llm = "off"
    settings.web.port = 0
    for key, value in web.items():
        setattr(settings.web, key, value)
    return settings


@contextmanager
def serving(home: Home, folder: Path, **web: Any) -> Iterator[tuple[App, WebServer]]:
    """homebody with its web page, for one household; `web` overrides [web] settings."""
    settings = settings_for(home, folder, **web)
    with App.start(settings) as app:
        server = start_web(app, settings)
        try:
            yield app, server
        finally:
            server.close()


def virtual_state(app: App, device_id: str) -> dict[str, Any]:
    """What the simulated device itself holds: it changed only if the command went over MQTT."""
    assert app.runtime.virtual_home is not None
    return dict(app.runtime.virtual_home.state(device_id))
