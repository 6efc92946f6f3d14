"""The JSON endpoints (docs/web.md): every action of the page is one of these, and the page uses them itself.

Each endpoint reads its request, hands it to agent.web.actions or agent.web.views in a worker thread
(the database and the devices' closed loop never hold up the event loop) and answers JSON; a mistake
is `{"error": "..."}` with a 4xx status, in words the page shows as they are.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial, wraps
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agent.web import views
from agent.web.forms import BadInput
from agent.web.week import entry_json, week, week_start
from devices.errors import HomebodyError, StoreError
from devices.jsondata import to_json

if TYPE_CHECKING:
    from agent.web.server import Site

log = logging.getLogger(__name__)

MAX_BODY = 2 << 20
"""Bytes a request body may have (a calendar file is the largest)."""
Endpoint = Callable[[Request], Awaitable[Response]]


def answers(handler: Callable[[Site, Request], Awaitable[Any]], site: Site) -> Endpoint:
    """An endpoint answering the handler's result as JSON, and its mistakes as {"error"} with their status."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            result = await handler(site, request)
        except BadInput as error:
            return JSONResponse({"error": str(error)}, error.status)
        except StoreError as error:
            log.error("web: %s %s: %s", request.method, request.url.path, error)
            return JSONResponse({"error": f"The household database did not answer: {error}"}, 503)
        except HomebodyError as error:
            return JSONResponse({"error": str(error)}, 400)
        except Exception:  # a bug must cost this request, never the server
            log.exception("web: %s %s failed", request.method, request.url.path)
            return JSONResponse({"error": "Something went wrong; homebody's log says what."}, 500)
        return result if isinstance(result, Response) else JSONResponse(to_json(result))

    return endpoint


async def read_body(request: Request) -> Any:
    """A JSON object or a form (its repeated fields as lists); BadInput when it is neither or too large."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise BadInput(f"That is more than {MAX_BODY >> 20} MB.", 413)
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        return {key: (values if len(values := form.getlist(key)) > 1 or key == "days" else values[0])
                for key in form}
    raw = await _raw(request)
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadInput("That is not JSON.") from None


async def _raw(request: Request) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise BadInput(f"That is more than {MAX_BODY >> 20} MB.", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def _limit(request: Request, default: int = 50) -> int:
    try:
        return max(1, min(500, int(request.query_params.get("limit", default))))
    except ValueError:
        raise BadInput("limit must be a number.") from None


def _id(request: Request, name: str = "id") -> str:
    return str(request.path_params[name])


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await run_in_threadpool(partial(function, *args))


# -- devices ------------------------------------------------------------------------------------------


async def devices(site: Site, request: Request) -> Any:
    return await _in_thread(site.rooms)


async def change_device(site: Site, request: Request) -> Any:
    data = await read_body(request)
    return await _in_thread(site.actions.change_device, _id(request), data)


async def confirm(site: Site, request: Request) -> Any:
    data = await read_body(request)
    return await _in_thread(site.actions.confirm, _id(request, "token"), data)


async def events(site: Site, request: Request) -> Response:
    return StreamingResponse(site.live.stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


# -- history --------------------------------------------------------------------------------------------


async def history(site: Site, request: Request) -> Any:
    query = request.query_params.get("q", "")[:200]
    return await _in_thread(views.history, site.app, query, _limit(request))


async def one_turn(site: Site, request: Request) -> Any:
    try:
        turn_id = int(_id(request))
    except ValueError:
        raise BadInput("A turn's id is a number.", 404) from None
    return await _in_thread(views.turn, site.app, turn_id)


async def changes(site: Site, request: Request) -> Any:
    return await _in_thread(views.changes, site.app, request.query_params.get("device") or None, _limit(request))


# -- schedule -------------------------------------------------------------------------------------------


async def schedule(site: Site, request: Request) -> Any:
    start = week_start(request.query_params.get("week"), site.today())
    days = await _in_thread(week, site.app, start)
    return {"week": str(start), "days": days}


async def entries(site: Site, request: Request) -> Any:
    store = site.actions.store()
    return [entry_json(e) for e in await _in_thread(store.entries)]


async def add_entry(site: Site, request: Request) -> Any:
    data = await read_body(request)
    return entry_json(await _in_thread(site.actions.add_entry, data))


async def edit_entry(site: Site, request: Request) -> Any:
    data = await read_body(request)
    return entry_json(await _in_thread(site.actions.edit_entry, _id(request, "uid"), data))


async def remove_entry(site: Site, request: Request) -> Any:
    await _in_thread(site.actions.remove_entry, _id(request, "uid"))
    return {"removed": _id(request, "uid")}


async def import_calendar(site: Site, request: Request) -> Any:
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if upload is None or isinstance(upload, str):
            raise BadInput("Choose an .ics file to import.")
        data = await upload.read(MAX_BODY + 1)
    else:
        data = await _raw(request)
    return {"imported": await _in_thread(site.actions.import_calendar, data)}


async def export_calendar(site: Site, request: Request) -> Any:
    data = await _in_thread(site.actions.export_calendar)
    return Response(data, media_type="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="homebody.ics"'})


# -- planned, routines, suggestions, skills, status --------------------------------------------------------


async def pending(site: Site, request: Request) -> Any:
    return await _in_thread(views.pending, site.app)


async def cancel_pending(site: Site, request: Request) -> Any:
    return {"cancelled": await _in_thread(site.actions.cancel_pending, _id(request))}


async def routines(site: Site, request: Request) -> Any:
    return views.routines(site.app)


async def run_routine(site: Site, request: Request) -> Any:
    return await _in_thread(site.actions.run_routine, _id(request))


async def suggestions(site: Site, request: Request) -> Any:
    return await _in_thread(views.suggestions, site.app)


async def answer_suggestion(site: Site, request: Request, approve: bool) -> Any:
    try:
        suggestion_id = int(_id(request))
    except ValueError:
        raise BadInput("A suggestion's id is a number.", 404) from None
    await _in_thread(site.actions.answer_suggestion, suggestion_id, approve)
    return {"id": suggestion_id, "outcome": "approved" if approve else "dismissed"}


async def skills(site: Site, request: Request) -> Any:
    return views.skills(site.app)


async def status(site: Site, request: Request) -> Any:
    return await _in_thread(views.status, site.app)


def routes(site: Site) -> list[Route]:
    """Every endpoint, as docs/web.md lists them."""

    def route(path: str, handler: Callable[[Site, Request], Awaitable[Any]], method: str = "GET") -> Route:
        return Route(path, answers(handler, site), methods=[method])

    approve = partial(answer_suggestion, approve=True)
    dismiss = partial(answer_suggestion, approve=False)
    return [
        route("/api/devices", devices), route("/api/devices/{id}", change_device, "POST"),
        route("/api/confirmations/{token}", confirm, "POST"), route("/api/events", events),
        route("/api/history", history), route("/api/history/{id}", one_turn), route("/api/changes", changes),
        route("/api/schedule", schedule), route("/api/schedule/entries", entries),
        route("/api/schedule/entries", add_entry, "POST"), route("/api/schedule/entries/{uid:path}", edit_entry, "PUT"),
        route("/api/schedule/entries/{uid:path}", remove_entry, "DELETE"),
        route("/api/schedule/import", import_calendar, "POST"), route("/api/schedule/export.ics", export_calendar),
        route("/api/pending", pending), route("/api/pending/{id}/cancel", cancel_pending, "POST"),
        route("/api/routines", routines), route("/api/routines/{id}/run", run_routine, "POST"),
        route("/api/suggestions", suggestions), route("/api/suggestions/{id}/approve", approve, "POST"),
        route("/api/suggestions/{id}/dismiss", dismiss, "POST"),
        route("/api/skills", skills), route("/api/status", status),
    ]
