"""The web server: a Starlette application served by uvicorn on a thread of its own, beside the assistant.

`start(app, settings)` binds the socket first (so a port in use is said at once, and homebody goes on
without the page), then serves until the returned WebServer is closed.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from agent.config import WebSettings
from agent.web.actions import PageActions
from agent.web.auth import LoginLimiter, Sessions, check_hash, is_loopback
from agent.web.guard import Gate
from agent.web.live import LiveStates
from agent.web.rooms import Room, live_event, rooms
from devices.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import uvicorn
    from starlette.applications import Starlette

    from agent.app import App

log = logging.getLogger(__name__)


@dataclass
class Site:
    """Everything the pages and endpoints of one running homebody share."""

    app: App
    settings: WebSettings
    actions: PageActions
    live: LiveStates
    gate: Gate

    @classmethod
    def of(cls, app: App, settings: WebSettings) -> Site:
        registry = app.runtime.registry
        live = LiveStates(registry, lambda device_id, state: live_event(registry, device_id, state))
        gate = Gate(settings.host, settings.password_hash, Sessions(), LoginLimiter())
        return cls(app, settings, PageActions(app), live, gate)

    def rooms(self) -> list[Room]:
        return rooms(self.app.runtime.registry)

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.app.household.home.timezone)).date()


def build(site: Site) -> Starlette:
    """The ASGI application: pages, endpoints, static files, behind the guard."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    from agent.web.api import routes
    from agent.web.guard import Guard
    from agent.web.pages import STATIC, page_routes

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        import asyncio

        site.live.attach(asyncio.get_running_loop())
        yield
        site.live.detach()

    return Starlette(routes=[*page_routes(site), *routes(site), Mount("/static", StaticFiles(directory=STATIC))],
                     middleware=[Middleware(Guard, gate=site.gate)], lifespan=lifespan)


@dataclass
class WebServer:
    """The page being served (or why not); `close()` stops it."""

    url: str | None = None
    """Where to open it; None when it is not served."""
    problem: str | None = None
    """Why it is not served, when it was meant to be."""
    site: Site | None = None
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = field(default=None, repr=False)

    def close(self) -> None:
        if self._server is None or self._thread is None:
            return
        if self.site is not None:
            self.site.live.detach()  # open pages' event streams end first: uvicorn waits for them otherwise
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._server = None


def start(app: App, settings: WebSettings) -> WebServer:
    """Serve the page as configured. ConfigError for a LAN address without a password or a bad hash; an
    address that cannot be bound is logged and answered with a WebServer that serves nothing."""
    if not settings.enabled:
        return WebServer(problem="web.enabled is false")
    if settings.password_hash:
        check_hash(settings.password_hash)
    elif not is_loopback(settings.host):
        raise ConfigError(f"web.host {settings.host} reaches beyond this machine, so the web page needs a household "
                          "password first: run `homebody web-password` (docs/web.md)")
    try:
        listening = _bind(settings.host, settings.port)
    except OSError as error:
        problem = f"cannot listen on {settings.host}:{settings.port} ({error.strerror or error})"
        log.error("web page not started: %s; set web.port or web.host", problem)
        return WebServer(problem=problem)
    site = Site.of(app, settings)
    server = _uvicorn(build(site))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, name="web", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    host, port = listening.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    log.info("web page on http://%s:%d", shown, port)
    return WebServer(f"http://{shown}:{port}", site=site, _server=server, _thread=thread)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # inherited by every connection: a response's head and body go out at once, not 40 ms apart (Nagle)
        listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        listening.bind((host.strip("[]"), port))
        listening.listen(64)
    except OSError:
        listening.close()
        raise
    listening.set_inheritable(True)
    return listening


def _uvicorn(asgi: Any) -> uvicorn.Server:
    import uvicorn

    config = uvicorn.Config(asgi, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=1,
                            server_header=False)
    return uvicorn.Server(config)
