"""The web page in a real browser (Debian's Chromium through Playwright) on a real homebody: what a person
does on the page reaches the devices over MQTT, and what happens elsewhere shows up without a reload.

Screenshots of every page at phone and desktop width go to build/screenshots/ (ignored by git).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import REPO
from processes import Terminal, homebody, homebody_env
from web_support import WEB_HOMES, Home, serving, virtual_state

from agent.app import App
from agent.memory.records import Pending, Suggestion
from agent.memory.store import HouseholdStore
from agent.turn.context import TurnContext
from agent.turn.scheduler import Scheduler

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PAGES = {"devices": "/", "history": "/history", "schedule": "/schedule", "planned": "/planned",
         "routines": "/routines", "suggestions": "/suggestions", "skills": "/skills", "status": "/status"}
SHOTS = REPO / "build" / "screenshots"
SOON = 1000
"""Milliseconds within which a change made elsewhere must show in an open page."""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Opens a page at a screen size; fails the test on any script error in it."""
    opened: list[Any] = []
    errors: list[str] = []

    def open_at(url: str, screen: str = "phone") -> Any:
        page = browser.new_page(viewport=SCREENS[screen])
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_default_timeout(5000)
        page.goto(url)
        opened.append(page)
        return page

    yield open_at
    for page in opened:
        page.close()
    assert not errors, errors


@pytest.fixture(params=WEB_HOMES, ids=lambda home: home.name)
def running(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Home, App, str]]:
    home: Home = request.param
    with serving(home, tmp_path) as (app, web):
        yield home, app, web.url or ""


def card(page: Any, device_id: str) -> Any:
    return page.locator(f'[data-device="{device_id}"]')


def live(page: Any) -> None:
    """Wait until the page hears the server's event stream."""
    page.locator("body[data-live=open]").wait_for(state="attached")


def name_of(app: App, device_id: str) -> str:
    return app.runtime.registry.devices[device_id].name


# ---- devices --------------------------------------------------------------------------------------------


def test_toggling_a_light_changes_the_device_over_mqtt_and_shows_its_confirmed_state(running, open_page):
    from playwright.sync_api import expect

    home, app, url = running
    page = open_page(url)
    light = card(page, home.light)
    light.get_by_role("button", name=f"Turn on {name_of(app, home.light)}").click()
    expect(light.locator("[data-summary]")).to_have_text(re.compile(r"^on"))
    assert virtual_state(app, home.light)["state"] == "on"
    expect(light.get_by_role("button", name=f"Turn off {name_of(app, home.light)}")).to_be_visible()
    light.get_by_role("button", name=f"Turn off {name_of(app, home.light)}").press("Enter")  # from the keyboard
    expect(light.locator("[data-summary]")).to_have_text("off")
    assert virtual_state(app, home.light)["state"] == "off"


def test_a_change_made_by_voice_appears_in_the_open_page_without_a_reload(running, open_page):
    from playwright.sync_api import expect

    home, app, url = running
    page = open_page(url, "desktop")
    page.evaluate("window.notReloaded = true")
    live(page)
    app.assistant.turn(f"turn on the {name_of(app, home.light)}", TurnContext())
    expect(card(page, home.light).locator("[data-summary]")).to_have_text(re.compile(r"^on"), timeout=SOON)
    assert page.evaluate("window.notReloaded") is True


def test_an_open_page_says_when_homebody_stops_answering(open_page, tmp_path: Path):
    from playwright.sync_api import expect

    with serving(WEB_HOMES[0], tmp_path) as (_app, web):
        page = open_page(web.url or "")
        live(page)
        web.close()
        expect(page.locator("#message")).to_contain_text("Lost touch with homebody")
        expect(page.locator("body")).to_have_attribute("data-live", "lost")


def test_homebody_set_in_another_process_appears_in_the_open_page(browser: Any, open_page, tmp_path: Path):
    from playwright.sync_api import expect

    env = homebody_env(tmp_path, HOMEBODY_WEB_PORT="0")
    with Terminal("run", "--text", env=env) as process:
        process.wait_for("The household page: ")
        url = process.output.split("The household page: ")[1].split()[0]
        page = open_page(url)
        live(page)
        done = homebody("set", "porch_light", "state=on", env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        expect(card(page, "porch_light").locator("[data-summary]")).to_have_text(re.compile(r"^on"), timeout=SOON)
        process.type("quit")
        process.process.wait(30)


def test_unlocking_from_the_page_needs_the_confirmation(running, open_page):
    from playwright.sync_api import expect

    home, app, url = running
    page = open_page(url)
    lock, name = card(page, home.lock), name_of(app, home.lock)
    lock.get_by_role("button", name=f"Unlock {name}").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"unlock the {name[0].lower() + name[1:]}")
    assert virtual_state(app, home.lock)["state"] == "locked"
    dialog.get_by_role("button", name="No").click()
    expect(page.locator("#message")).to_have_text("OK, I won't.")
    assert virtual_state(app, home.lock)["state"] == "locked"
    lock.get_by_role("button", name=f"Unlock {name}").click()
    dialog.get_by_role("button", name="Yes").click()
    expect(lock.locator("[data-summary]")).to_have_text("unlocked")
    assert virtual_state(app, home.lock)["state"] == "unlocked"


def test_a_device_gone_since_the_page_was_shown_is_said_in_the_page(running, open_page):
    """Discovery can take a device away while a page shows it: the page says so, and nothing is sent."""
    from playwright.sync_api import expect

    home, app, url = running
    page = open_page(url)
    name = name_of(app, home.light)
    gone = app.runtime.registry.devices.pop(home.light)
    card(page, home.light).get_by_role("button", name=f"Turn on {name}").click()
    expect(page.locator("#message")).to_have_text(f"There is no device '{gone.id}' in this household.")
    assert virtual_state(app, home.light)["state"] == "off"


# ---- schedule --------------------------------------------------------------------------------------------


def this_weeks_thursday(app: App) -> date:
    today = datetime.now(ZoneInfo(app.household.home.timezone)).date()
    return today - timedelta(days=today.weekday()) + timedelta(days=3)


def test_a_weekly_entry_added_in_the_page_is_answered_by_whats_on_thursday(running, open_page):
    from playwright.sync_api import expect

    _home, app, url = running
    page = open_page(f"{url}/schedule", "desktop")
    form = page.locator("#entry-form")
    form.get_by_label("Title", exact=True).fill("Swimming lesson")
    form.get_by_label("Day (the first, when it repeats)", exact=True).fill(str(this_weeks_thursday(app)))
    form.get_by_label("Start", exact=True).fill("16:00")
    form.get_by_label("End", exact=True).fill("17:00")
    form.get_by_label("Repeats", exact=True).select_option("weekly")
    form.get_by_label("Thursday", exact=True).check()
    form.get_by_role("button", name="Add", exact=True).click()
    thursday = page.locator(f'[aria-labelledby="day-{this_weeks_thursday(app)}"]')
    expect(thursday).to_contain_text("16:00–17:00 Swimming lesson")
    reply = app.assistant.turn("what's on Thursday", TurnContext()).reply
    assert "swimming lesson" in reply.lower(), reply


@pytest.mark.parametrize("fill, says", [
    ({"Start": "17:00", "End": "16:00"}, "is not after the start"),
    ({"Title": "x" * 10_000}, "10,000 characters long"),
])
def test_a_mistake_in_the_entry_form_is_said_in_the_page_and_nothing_is_written(running, open_page,
                                                                               fill: dict[str, str], says: str):
    from playwright.sync_api import expect

    _home, app, url = running
    assert app.store is not None
    before = app.store.entries()
    page = open_page(f"{url}/schedule")
    form = page.locator("#entry-form")
    for label, value in {"Title": "Dentist", **fill}.items():
        form.get_by_label(label, exact=True).evaluate("(input, value) => input.value = value", value)
    form.get_by_role("button", name="Add", exact=True).click()
    expect(form.get_by_role("alert")).to_contain_text(says)
    assert app.store.entries() == before


def test_a_broken_calendar_file_is_said_in_the_page(running, open_page, tmp_path: Path):
    from playwright.sync_api import expect

    _home, _app, url = running
    broken = tmp_path / "family.ics"
    broken.write_text("BEGIN:VCALENDAR\nthis is not iCalendar\n")
    page = open_page(f"{url}/schedule")
    upload = page.locator("form[data-upload]")
    upload.get_by_label("Import an .ics file").set_input_files(str(broken))
    upload.get_by_role("button", name="Import", exact=True).click()
    expect(upload.get_by_role("alert")).to_contain_text("Nothing was imported")


# ---- what is planned ---------------------------------------------------------------------------------------


def ringer(store: HouseholdStore, zone: ZoneInfo, rang: list[str]) -> Callable[[datetime], None]:
    """The reminders skill's clock, saying into `rang` what rings."""
    from skills.api import SkillContext
    from skills.reminders import skill

    tick: Callable[[datetime], None] = skill(SkillContext(zone, store=store, announce=lambda text, *_, **__:
                                                          rang.append(text))).tick
    return tick


def test_cancelling_an_alarm_in_the_page_stops_it_ringing(running, open_page):
    from playwright.sync_api import expect

    home, app, url = running
    store, zone = app.store, ZoneInfo(app.household.home.timezone)
    assert store is not None
    now = datetime.now(zone)
    due = now.replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for minutes, said in ((0, "alarm at 7 am"), (5, "alarm at 7:05 am")):
        store.add_pending(Pending(f"alarm{minutes}", "alarm", {"text": ""}, (due + timedelta(minutes=minutes))
                                  .timestamp(), None, None, home.person, said, now.timestamp()))
    page = open_page(f"{url}/planned")
    page.get_by_role("button", name="Cancel alarm: alarm at 7 am").click()
    expect(page.locator('[data-pending="alarm0"]')).to_have_count(0)
    assert store.pending_item("alarm0").outcome == "cancelled"  # type: ignore[union-attr]
    rang: list[str] = []
    clock = [now]
    scheduler = Scheduler(store, lambda: clock[0], tick_skills=ringer(store, zone, rang))
    clock[0] = due + timedelta(minutes=10)
    scheduler.advance()
    assert len(rang) == 1 and "7:05 am" in rang[0], rang  # the other alarm rings: the clock did go past both
    assert store.pending_item("alarm0").outcome == "cancelled"  # type: ignore[union-attr]


# ---- every page ---------------------------------------------------------------------------------------------


def test_every_page_fits_the_screen_labels_its_inputs_and_is_photographed(running, open_page):
    home, app, url = running
    SHOTS.mkdir(parents=True, exist_ok=True)
    app.assistant.turn(f"turn on the {name_of(app, home.light)}", TurnContext(person=home.person))
    app.assistant.turn(f"turn off the {name_of(app, home.light)} in ten minutes", TurnContext(person=home.person))
    assert app.store is not None
    app.store.add_pending(Pending("alarm", "alarm", {}, datetime.now().timestamp() + 86400, "FREQ=WEEKLY;BYDAY=MO",
                                  None, home.person, "alarm at 7 am every Monday", datetime.now().timestamp()))
    app.store.add_suggestion(Suggestion(home.person, "temperature", 21.5, "corrected the heating to 21.5 degrees"))
    for screen, size in SCREENS.items():
        page = open_page(url, screen)
        for name, path in PAGES.items():
            page.goto(f"{url}{path}")
            unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
                .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)""")
            assert not unlabelled, (name, unlabelled)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= size["width"] + 1, f"{name} is {wide} px wide on a {screen}"
            shot = SHOTS / f"{home.name}-{name}-{screen}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 1000
