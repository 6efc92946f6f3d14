"""The gate in front of every page and endpoint: the right host, no cross-site writes, and the password.

- Bound to loopback, only requests addressed to a loopback name are answered: a web site that makes
  its own name point at 127.0.0.1 (DNS rebinding) is refused.
- A write (POST, PUT, DELETE) that a browser sends from another site (its Origin is not this page) is
  refused, so a page elsewhere cannot switch on the heating through the user's browser.
- With a password (always, off loopback), nothing but the login page and the static files answers
  without a session: pages redirect to the login page, endpoints answer 401.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from agent.web.auth import LOOPBACK_NAMES, LoginLimiter, Sessions, is_loopback

log = logging.getLogger(__name__)

COOKIE = "homebody_session"
OPEN_PATHS = ("/login", "/static/", "/api/login")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Gate:
    """What the guard decides with: where the page listens, the password's hash, sessions and the limiter."""

    host: str
    password_hash: str
    sessions: Sessions
    limiter: LoginLimiter

    @property
    def needs_password(self) -> bool:
        return bool(self.password_hash)

    def signed_in(self, request: Request) -> bool:
        if not self.needs_password:
            return True
        token = request.cookies.get(COOKIE)
        header = request.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        return self.sessions.valid(token)

    def refusal(self, request: Request) -> Response | None:
        """The answer that stops a request here, or None to let it through."""
        if is_loopback(self.host) and _host_name(request.headers.get("host", "")) not in LOOPBACK_NAMES | {self.host}:
            return _refused(request, 421, "This page answers on this machine's own address only.")
        origin = request.headers.get("origin")
        if request.method in WRITES and origin and origin != "null" and \
                urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            return _refused(request, 403, "Changes are taken only from homebody's own page.")
        path = request.url.path
        if self.signed_in(request) or path.startswith(OPEN_PATHS):
            return None
        if path.startswith("/api/"):
            return JSONResponse({"error": "Sign in with the household password first."}, 401,
                                headers={"WWW-Authenticate": 'Bearer realm="homebody"'})
        wanted = path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(wanted)}", 303)


class Guard:
    """ASGI middleware applying a Gate to every HTTP request (the event stream included)."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.gate.refusal(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _host_name(host: str) -> str:
    """"127.0.0.1:8780" -> "127.0.0.1", "[::1]:8780" -> "::1"."""
    host = host.lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _refused(request: Request, status: int, message: str) -> Response:
    log.warning("web: refused %s %s from %s: %s", request.method, request.url.path, client_address(request), message)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status)
    return Response(message, status, media_type="text/plain")
