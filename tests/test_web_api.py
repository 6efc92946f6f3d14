"""The web page's JSON endpoints (docs/web.md) on a real homebody: each does what the page does with it, and a
mistake is a clear message with nothing half-written."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import REPO
from web_support import WEB_HOMES, Home, serving, settings_for, virtual_state

from agent.app import App
from agent.memory.records import Pending, Suggestion
from agent.turn.context import TurnContext
from agent.web import start_web
from agent.web.server import WebServer
from devices.errors import ConfigError


@pytest.fixture(params=WEB_HOMES, ids=lambda home: home.name)
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Home, App, httpx.Client]]:
    home: Home = request.param
    with serving(home, tmp_path) as (app, web), httpx.Client(base_url=web.url or "", timeout=10) as client:
        yield home, app, client


def next_thursday() -> date:
    today = date.today()
    return today + timedelta(days=(3 - today.weekday()) % 7 or 7)


# ---- devices ----------------------------------------------------------------------------------------


def test_every_device_is_listed_in_its_room_with_its_state(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    rooms = client.get("/api/devices").json()
    listed = {d["id"]: d for room in rooms for d in room["devices"]}
    assert set(listed) == set(app.runtime.registry.devices)
    assert listed[home.lock]["state"]["state"] == "locked" and "lock" in listed[home.lock]["controls"]
    assert "toggle" in listed[home.light]["controls"]


def test_a_change_from_the_page_goes_over_mqtt_and_into_the_history(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    answer = client.post(f"/api/devices/{home.light}", json={"changes": {"state": "on"}}).json()
    assert [o["status"] for o in answer["outcomes"]] == ["confirmed"]
    assert virtual_state(app, home.light)["state"] == "on"
    assert app.history is not None and app.history.flush()
    latest = client.get("/api/history", params={"limit": 1}).json()[0]
    assert latest["heard"].startswith("web page:") and home.light in latest["plan"]


def test_unlocking_waits_for_a_yes_given_in_a_second_request(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    asked = client.post(f"/api/devices/{home.lock}", json={"changes": {"state": "unlocked"}}).json()
    assert asked["confirm"]["question"].startswith("Are you sure") and not asked["outcomes"]
    assert virtual_state(app, home.lock)["state"] == "locked"
    token = asked["confirm"]["token"]
    done = client.post(f"/api/confirmations/{token}", json={"answer": "yes"}).json()
    assert [o["status"] for o in done["outcomes"]] == ["confirmed"]
    assert virtual_state(app, home.lock)["state"] == "unlocked"
    again = client.post(f"/api/confirmations/{token}", json={"answer": "yes"})
    assert again.status_code == 404 and "expired or was answered" in again.json()["error"]


def test_a_no_leaves_the_lock_locked(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    token = client.post(f"/api/devices/{home.lock}", json={"changes": {"state": "unlocked"}}).json()["confirm"]["token"]
    assert client.post(f"/api/confirmations/{token}", json={"answer": "no"}).json()["reply"] == "OK, I won't."
    assert virtual_state(app, home.lock)["state"] == "locked"


@pytest.mark.parametrize("device, body, status, says", [
    ("no_such_thing", {"changes": {"state": "on"}}, 404, "There is no device"),
    ("LIGHT", {"changes": {"state": "purple"}}, 400, "state must be one of"),
    ("LIGHT", {"changes": {"state": "x" * 10_000}}, 400, "state must be one of"),
    ("LIGHT", {"changes": {"x" * 10_000: "on"}}, 400, "not a change a device takes"),
    ("LIGHT", {"changes": {"colour": "red"}}, 400, "has no settable"),
    ("LIGHT", {"changes": {}}, 400, "Send the change as"),
    ("LIGHT", {"state": "on"}, 400, "Send the change as"),
    ("LIGHT", "not json at all", 400, "not JSON"),
])
def test_a_change_a_device_cannot_take_is_refused_and_nothing_is_done(site: tuple[Home, App, httpx.Client],
                                                                      device: str, body: Any, status: int, says: str):
    home, app, client = site
    device = home.light if device == "LIGHT" else device
    before = app.runtime.registry.states.snapshot()
    content = body if isinstance(body, str) else json.dumps(body)
    answer = client.post(f"/api/devices/{device}", content=content, headers={"Content-Type": "application/json"})
    assert answer.status_code == status and says in answer.json()["error"]
    assert len(answer.json()["error"]) < 200  # what was sent is quoted, not 10 kB of it
    assert app.runtime.registry.states.snapshot() == before
    assert app.history is not None and app.history.flush()
    assert client.get("/api/history").json() == []


def test_the_event_stream_tells_an_open_page_of_a_change_made_elsewhere(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    seen: list[dict[str, Any]] = []
    opened = threading.Event()

    def listen() -> None:
        with client.stream("GET", "/api/events") as stream:
            opened.set()
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    seen.append(json.loads(line[6:]))
                    return

    reader = threading.Thread(target=listen, daemon=True)
    reader.start()
    assert opened.wait(5)
    time.sleep(0.2)  # the stream's queue is in place once its first bytes were sent
    app.assistant.turn(f"turn on the {app.runtime.registry.devices[home.light].name}", TurnContext())
    reader.join(5)
    assert seen and seen[0]["id"] == home.light and seen[0]["state"]["state"] == "on"
    assert seen[0]["summary"].startswith("on")


def wait_until(holds: Callable[[], bool], seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while not holds() and time.monotonic() < deadline:
        time.sleep(0.02)
    return holds()


def test_a_page_that_goes_away_stops_listening_and_a_stopped_server_hears_no_reports(tmp_path: Path):
    """Pages come and go all day (phones sleep): none may leave a listener behind, on the registry or the server."""
    with serving(WEB_HOMES[0], tmp_path) as (app, web):
        assert web.site is not None
        live, states = web.site.live, app.runtime.registry.states
        assert states._listeners.count(live.changed) == 1
        for _ in range(3):
            with httpx.Client(base_url=web.url or "", timeout=5) as client, client.stream("GET", "/api/events") as stream:
                first = stream.iter_raw()
                assert next(first).startswith(b"retry:")
                assert wait_until(lambda: live.listeners == 1)
                for index in range(50):  # reports the page never reads
                    states.update(WEB_HOMES[0].light, {"state": "on" if index % 2 else "off"})
            assert wait_until(lambda: live.listeners == 0), "a closed page still has a queue"
        assert states._listeners.count(live.changed) == 1  # one for the server, none per page
        web.close()
        assert live.changed not in states._listeners
        web.close()  # twice is harmless


# ---- history -----------------------------------------------------------------------------------------


def test_the_history_is_searchable_and_says_who_changed_a_device(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    name = app.runtime.registry.devices[home.light].name
    app.assistant.turn(f"turn on the {name}", TurnContext(person=home.person))
    app.assistant.turn("what time is it", TurnContext())
    assert app.history is not None and app.history.flush()
    found = client.get("/api/history", params={"q": name.split()[0]}).json()
    assert [t["heard"] for t in found] == [f"turn on the {name}"]
    assert "set_state" in client.get(f"/api/history/{found[0]['id']}").json()["plan"]
    changes = client.get("/api/changes", params={"device": home.light}).json()
    assert changes[0]["after"].startswith("on") and f"saying 'turn on the {name}'" in changes[0]["by"]
    assert client.get("/api/changes", params={"device": "nothing"}).status_code == 404


# ---- schedule ----------------------------------------------------------------------------------------


def test_an_entry_is_added_edited_and_removed(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    thursday = next_thursday()
    added = client.post("/api/schedule/entries", json={
        "title": "Swimming lesson", "day": str(thursday), "start": "16:00", "end": "17:00", "repeat": "weekly",
        "days": ["TH"], "person": home.person}).json()
    assert added["rrule"] == "FREQ=WEEKLY;BYDAY=TH" and added["repeat"] == "weekly"
    week = client.get("/api/schedule", params={"week": str(thursday)}).json()
    assert [s["title"] for d in week["days"] if d["date"] == str(thursday) for s in d["slots"]].count("Swimming lesson")
    edited = client.put(f"/api/schedule/entries/{added['uid']}", json={**added, "title": "Swimming gala"}).json()
    assert edited["uid"] == added["uid"] and app.store is not None
    assert app.store.entry(added["uid"]).title == "Swimming gala"  # type: ignore[union-attr]
    assert client.delete(f"/api/schedule/entries/{added['uid']}").status_code == 200
    assert app.store.entry(added["uid"]) is None
    assert client.delete(f"/api/schedule/entries/{added['uid']}").status_code == 404


@pytest.mark.parametrize("change, says", [
    ({"start": "17:00", "end": "16:00"}, "is not after the start"),
    ({"title": "x" * 10_000}, "10,000 characters long"),
    ({"title": "   "}, "Give the entry a title"),
    ({"person": "somebody_else"}, "There is no person"),
    ({"area": "attic"}, "There is no area"),
    ({"day": "next thursday"}, "is not a date"),
    ({"start": "25:99"}, "is not a time"),
    ({"repeat": "custom", "rrule": "FREQ=SOMETIMES"}, "is not a recurrence rule"),
    ({"repeat": "weekly", "until": "2000-01-01"}, "is before the first"),
    ({"repeat": "weekly", "days": ["XX"]}, "Weekdays are"),
])
def test_a_form_with_a_mistake_says_what_and_writes_nothing(site: tuple[Home, App, httpx.Client],
                                                            change: dict[str, Any], says: str):
    _home, app, client = site
    assert app.store is not None
    before = app.store.entries()
    form = {"title": "Dentist", "day": str(next_thursday()), "start": "09:00", "end": "10:00"} | change
    answer = client.post("/api/schedule/entries", json=form)
    assert answer.status_code == 400 and says in answer.json()["error"]
    assert app.store.entries() == before


ICS = """BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:piano@test\r\nSUMMARY:Piano lesson\r
DTSTART:20260105T170000\r\nDTEND:20260105T173000\r\nRRULE:FREQ=WEEKLY;BYDAY=MO\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"""
BROKEN_EVENT = "BEGIN:VEVENT\r\nUID:swim@test\r\nSUMMARY:Swimming\r\nDTSTART:20260106T160000\r\nRRULE:FREQ=NEVER\r\nEND:VEVENT\r\n"


@pytest.mark.parametrize("calendar, says", [
    ("this is not a calendar", "Nothing was imported"),
    (ICS.replace("END:VCALENDAR\r\n", ""), "Nothing was imported"),
    (ICS.replace("FREQ=WEEKLY;BYDAY=MO", "FREQ=NEVER"), "Nothing was imported"),
    ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "has no events"),
    (ICS.replace("END:VCALENDAR", BROKEN_EVENT + "END:VCALENDAR"), "Nothing was imported"),  # not even the good one
])
def test_a_broken_calendar_imports_nothing(site: tuple[Home, App, httpx.Client], calendar: str, says: str):
    _home, app, client = site
    assert app.store is not None
    before = app.store.entries()
    answer = client.post("/api/schedule/import", files={"file": ("family.ics", calendar.encode(), "text/calendar")})
    assert answer.status_code == 400 and says in answer.json()["error"]
    assert app.store.entries() == before


def test_a_calendar_is_imported_and_exported(site: tuple[Home, App, httpx.Client]):
    _home, _app, client = site
    answer = client.post("/api/schedule/import", files={"file": ("family.ics", ICS.encode(), "text/calendar")})
    assert answer.json() == {"imported": 1}
    exported = client.get("/api/schedule/export.ics")
    assert exported.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Piano lesson" in exported.text and "RRULE:FREQ=WEEKLY;BYDAY=MO" in exported.text


# ---- planned, routines, suggestions ------------------------------------------------------------------------


def test_an_alarm_is_listed_and_cancelled_once(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    assert app.store is not None
    app.store.add_pending(Pending("alarm1", "alarm", {"text": "wake up"}, time.time() + 3600, None, None, home.person,
                                  "alarm at 7 am", time.time()))
    assert [item["kind"] for item in client.get("/api/pending").json()] == ["Alarm"]
    assert client.post("/api/pending/alarm1/cancel").json() == {"cancelled": "alarm at 7 am"}
    assert app.store.pending_item("alarm1").outcome == "cancelled"  # type: ignore[union-attr]
    assert client.get("/api/pending").json() == []
    assert client.post("/api/pending/alarm1/cancel").status_code == 409
    assert client.post("/api/pending/nothing/cancel").status_code == 404


def test_a_routine_runs_from_the_page(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    listed = {r["id"]: r for r in client.get("/api/routines").json()}
    assert listed[home.routine]["actions"]
    device, attribute, value = home.routine_sets
    answer = client.post(f"/api/routines/{home.routine}/run").json()
    assert answer["outcomes"] and virtual_state(app, device)[attribute] == value
    assert client.post("/api/routines/nothing/run").status_code == 404


def test_a_suggestion_is_approved_or_dismissed_once(site: tuple[Home, App, httpx.Client]):
    home, app, client = site
    assert app.store is not None
    first = app.store.add_suggestion(Suggestion(home.person, "temperature", 22.5, "corrected the heating"))
    second = app.store.add_suggestion(Suggestion(home.person, "light_brightness", 10, "dimmed the lights"))
    assert client.post(f"/api/suggestions/{first}/approve").json()["outcome"] == "approved"
    assert client.post(f"/api/suggestions/{second}/dismiss").json()["outcome"] == "dismissed"
    assert app.store.preference(home.person, "temperature") == 22.5
    assert app.store.preference(home.person, "light_brightness") != 10
    assert client.get("/api/suggestions").json() == []
    assert client.post(f"/api/suggestions/{first}/dismiss").status_code == 404


# ---- skills, status, starting ------------------------------------------------------------------------------


def test_skills_and_status_say_what_is_running(site: tuple[Home, App, httpx.Client]):
    _home, app, client = site
    assert {"clock", "timers", "schedule"} <= {s["name"] for s in client.get("/api/skills").json()["skills"]}
    status = client.get("/api/status").json()
    assert status["broker"]["connected"] and status["devices"]["count"] == len(app.runtime.registry.devices)
    assert status["memory"]["schema"] == app.store.schema_version()  # type: ignore[union-attr]
    assert "off" in status["models"]["language model"] and status["versions"]["homebody"]


def test_a_port_in_use_leaves_homebody_running_without_the_page(tmp_path: Path):
    with serving(WEB_HOMES[0], tmp_path) as (app, first):
        port = int((first.url or "").rsplit(":", 1)[1])
        settings = settings_for(WEB_HOMES[0], tmp_path, port=port)
        second = start_web(app, settings)
        assert second.url is None and "cannot listen" in (second.problem or "")
        second.close()
        assert httpx.get(f"{first.url}/api/status").status_code == 200


def test_the_page_is_off_when_disabled(tmp_path: Path):
    with serving(WEB_HOMES[0], tmp_path, enabled=False) as (_, web):
        assert web == WebServer(problem="web.enabled is false")


def test_a_lan_address_without_a_password_is_refused_at_start(tmp_path: Path):
    with pytest.raises(ConfigError, match="needs a household password"), \
            serving(WEB_HOMES[0], tmp_path, host="0.0.0.0"):
        pass


def test_every_endpoint_is_in_docs_web_md():
    from typing import cast

    from agent.web.api import routes
    from agent.web.server import Site

    documented = (REPO / "docs" / "web.md").read_text()
    for route in routes(cast(Site, None)):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            assert f"`{method} {route.path.replace(':path', '')}`" in documented, f"{method} {route.path}"
