"""The household web page on the example home: how fast a page loads, and how soon an open page hears of a
device change.

`web_page_ms` times a GET of each page (devices, history with a hundred turns, schedule, planned,
routines, suggestions, skills, status) over one kept-alive connection, as a browser makes them.
`web_live_ms` times a device command (closed loop over the embedded broker and the virtual home)
from the moment it is sent to the moment a client reading the page's event stream has the new state.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from agent.app import App
from agent.config import Settings
from agent.evaluation.cases import percentiles
from agent.turn.context import TurnContext
from agent.web import start_web

PAGES = ("/", "/history", "/schedule", "/planned", "/routines", "/suggestions", "/skills", "/status")
LIGHT = "porch_light"
SAID = ("turn on the kitchen light", "turn off the kitchen light", "what's the temperature in the kitchen",
        "turn the sofa lamp to 30 percent", "is the front door locked")


def run(rounds: int = 30, changes: int = 100) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings()
        settings.household.database = str(Path(folder) / "bench.db")
        settings.understanding.llm = "off"
        settings.web.port = 0
        with App.start(settings) as app:
            web = start_web(app, settings)
            try:
                for index in range(100):
                    app.assistant.turn(SAID[index % len(SAID)], TurnContext())
                if app.history is not None:
                    app.history.flush()
                url = web.url or ""
                return {"web_page_ms": _pages(url, rounds), "web_live_ms": _live(app, url, changes)}
            finally:
                web.close()


def _pages(url: str, rounds: int) -> dict[str, float]:
    times = []
    with httpx.Client(base_url=url) as client:
        for path in PAGES:  # warm: templates compiled, the schedule's month expanded
            client.get(path).raise_for_status()
        for _ in range(rounds):
            for path in PAGES:
                started = time.perf_counter()
                client.get(path).raise_for_status()
                times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def _live(app: App, url: str, changes: int) -> dict[str, float]:
    heard: dict[str, Any] = {}
    arrived = threading.Condition()
    reader = threading.Thread(target=_read_events, args=(url, heard, arrived), daemon=True)
    reader.start()
    with arrived:
        arrived.wait_for(lambda: "open" in heard, 5)
    times = []
    for index in range(changes):
        state = "on" if index % 2 == 0 else "off"
        started = time.perf_counter()
        app.runtime.controller.set_many([(LIGHT, {"state": state})])
        if _heard(arrived, heard, state):
            times.append((heard[f"{LIGHT}@"] - started) * 1000)
    heard["stop"] = 1
    return percentiles(times)


def _heard(arrived: threading.Condition, heard: dict[str, Any], state: str) -> bool:
    with arrived:
        return arrived.wait_for(lambda: heard.get(LIGHT) == state, 2)


def _read_events(url: str, heard: dict[str, Any], arrived: threading.Condition) -> None:
    with contextlib.suppress(httpx.HTTPError):  # the server stopped under the reader: the measuring is over
        _follow(url, heard, arrived)


def _follow(url: str, heard: dict[str, Any], arrived: threading.Condition) -> None:
    with httpx.Client(base_url=url, timeout=None) as client, client.stream("GET", "/api/events") as stream:
        with arrived:
            heard["open"] = 1
            arrived.notify_all()
        for line in stream.iter_lines():
            if "stop" in heard:
                return
            if line.startswith("data: "):
                event = json.loads(line[6:])
                with arrived:
                    heard[event["id"]] = event["state"].get("state")
                    heard[f"{event['id']}@"] = time.perf_counter()
                    arrived.notify_all()
