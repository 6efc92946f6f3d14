"""The pages: server-rendered from Jinja2 templates (agent/web/templates), with the sign-in page.

Page handlers are plain functions, so Starlette runs them in its worker threads: reading the
household database never holds up the event loop. Everything shown is escaped: names from devices,
calendars and forms are data.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from agent.web import views
from agent.web.auth import verify_password
from agent.web.forms import WEEKDAYS, BadInput
from agent.web.guard import COOKIE, client_address
from agent.web.week import DAY_NAMES, entry_json, week, week_start

if TYPE_CHECKING:
    from agent.web.server import Site

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
ENVIRONMENT = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True)
NAV = [("/", "Devices"), ("/history", "History"), ("/schedule", "Schedule"), ("/planned", "Planned"),
       ("/routines", "Routines"), ("/suggestions", "Suggestions"), ("/skills", "Skills"), ("/status", "Status")]


def render(site: Site, request: Request, template: str, code: int = 200, **data: Any) -> HTMLResponse:
    context = {"request": request, "path": request.url.path, "nav": NAV, "home": site.app.household.home.name,
               "signed_in": site.gate.needs_password and site.gate.signed_in(request)}
    page = ENVIRONMENT.get_template(template).render(context | data)
    return HTMLResponse(page, code, headers={"Cache-Control": "no-store"})


def page_routes(site: Site) -> list[Route]:
    def page(path: str, template: str, collect: Callable[[Request], dict[str, Any]]) -> Route:
        def endpoint(request: Request) -> Response:
            try:
                return render(site, request, template, **collect(request))
            except BadInput as error:
                return render(site, request, "problem.html", error.status, message=str(error))

        return Route(path, endpoint, methods=["GET"], name=template.removesuffix(".html"))

    return [
        page("/", "devices.html", lambda r: {"rooms": site.rooms()}),
        page("/history", "history.html", lambda r: _history(site, r)),
        page("/schedule", "schedule.html", lambda r: _schedule(site, r)),
        page("/planned", "planned.html", lambda r: {"items": views.pending(site.app)}),
        page("/routines", "routines.html", lambda r: {"routines": views.routines(site.app)}),
        page("/suggestions", "suggestions.html", lambda r: {"suggestions": views.suggestions(site.app)}),
        page("/skills", "skills.html", lambda r: views.skills(site.app)),
        page("/status", "status.html", lambda r: {"status": views.status(site.app)}),
        Route("/login", lambda r: _login_page(site, r), methods=["GET"]),
        Route("/login", partial(_login, site), methods=["POST"]),
        Route("/api/login", partial(_login, site, as_json=True), methods=["POST"]),
        Route("/logout", partial(_logout, site), methods=["POST"]),
    ]


def _history(site: Site, request: Request) -> dict[str, Any]:
    query = request.query_params.get("q", "")[:200]
    device = request.query_params.get("device") or None
    return {"turns": views.history(site.app, query), "query": query, "device": device or "",
            "changes": views.changes(site.app, device, limit=30),
            "devices": sorted(site.app.runtime.registry.devices.values(), key=lambda d: d.name)}


def _schedule(site: Site, request: Request) -> dict[str, Any]:
    today = site.today()
    start = week_start(request.query_params.get("week"), today)
    registry = site.app.runtime.registry
    return {"days": week(site.app, start), "previous": start - timedelta(days=7),
            "following": start + timedelta(days=7), "default_day": today if start <= today < start + timedelta(7)
            else start, "weekdays": list(zip(WEEKDAYS, DAY_NAMES, strict=True)),
            "people": site.app.assistant.people(), "areas": {a.id: a.name for a in registry.areas.values()},
            "entries": {e.uid: entry_json(e) for e in site.actions.store().entries()}}


def _login_page(site: Site, request: Request, message: str = "", status: int = 200, wanted: str = "") -> Response:
    if not site.gate.needs_password:
        return RedirectResponse("/", 303)
    return render(site, request, "login.html", status, message=message, nav=[],
                  next=_safe_next(wanted or request.query_params.get("next")))


async def _login(site: Site, request: Request, *, as_json: bool = False) -> Response:
    """The password checked (slowly, in a worker thread); wrong ones counted per address."""
    client = client_address(request)
    data = await _login_data(request, as_json)
    password, wanted = data.get("password"), str(data.get("next") or "")
    wait = site.gate.limiter.wait_s(client)
    if wait > 0:
        log.warning("web: sign-in from %s refused: too many wrong passwords (%.0f s to wait)", client, wait)
        return _login_refused(site, request, as_json, 429, f"Too many wrong passwords. Try again in {wait:.0f} s.",
                              {"Retry-After": str(int(wait) + 1)}, wanted)
    if not site.gate.needs_password:
        return _login_refused(site, request, as_json, 400, "This homebody has no password.")
    right = isinstance(password, str) and await run_in_threadpool(verify_password, password, site.gate.password_hash)
    if not right:
        site.gate.limiter.failed(client)
        log.warning("web: wrong password from %s", client)
        return _login_refused(site, request, as_json, 401, "That is not the household password.", None, wanted)
    site.gate.limiter.succeeded(client)
    token = site.gate.sessions.new()
    log.info("web: %s signed in", client)
    response: Response = JSONResponse({"token": token}) if as_json else RedirectResponse(_safe_next(wanted), 303)
    response.set_cookie(COOKIE, token, max_age=int(site.gate.sessions.lifetime_s), httponly=True, samesite="strict")
    return response


async def _login_data(request: Request, as_json: bool) -> dict[str, Any]:
    try:
        data = await request.json() if as_json else dict(await request.form())
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def _login_refused(site: Site, request: Request, as_json: bool, status: int, message: str,
                   headers: dict[str, str] | None = None, wanted: str = "") -> Response:
    if as_json:
        return JSONResponse({"error": message}, status, headers=headers)
    response = _login_page(site, request, message, status, wanted)
    response.headers.update(headers or {})
    return response


async def _logout(site: Site, request: Request) -> Response:
    site.gate.sessions.end(request.cookies.get(COOKIE))
    response = RedirectResponse("/login" if site.gate.needs_password else "/", 303)
    response.delete_cookie(COOKIE)
    return response


def _safe_next(target: str | None) -> str:
    """Back to a page of this site only (never an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
        return "/"
    return target
