"""Who may use the web page: the household password (hashed), sessions, slowed-down guessing, the host and
origin checks, and a password that appears in no log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from processes import Terminal, homebody_env
from web_support import WEB_HOMES, serving

from agent.cli.web import with_password_hash
from agent.web.api import routes
from agent.web.auth import LoginLimiter, Sessions, check_hash, hash_password, is_loopback, verify_password
from agent.web.pages import page_routes
from agent.web.server import WebServer
from devices.errors import ConfigError

PASSWORD = "correct horse battery"
HASH = hash_password(PASSWORD)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---- the hash, sessions and the limiter -------------------------------------------------------------


def test_only_the_password_matches_its_hash():
    assert verify_password(PASSWORD, HASH)
    assert not verify_password(PASSWORD.upper(), HASH) and not verify_password("", HASH)
    assert PASSWORD not in HASH and hash_password(PASSWORD) != HASH  # salted


@pytest.mark.parametrize("stored", ["", "hunter2", "sha256$abc", "scrypt$16384$8$1$not base64!$x",
                                    "scrypt$0$8$1$c2FsdA==$aGFzaA==", HASH + "$more"],
                         ids=["empty", "plain", "another scheme", "not base64", "no cost", "a field too many"])
def test_a_hash_homebody_did_not_write_is_a_config_error(stored: str):
    with pytest.raises(ConfigError, match=r"web\.password_hash"):
        check_hash(stored)


def test_a_short_password_is_refused():
    with pytest.raises(ConfigError, match="at least 8"):
        hash_password("1234")


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.20", False), ("::", False), ("homebody.local", False),
])
def test_only_loopback_addresses_count_as_this_machine(host: str, loopback: bool):
    assert is_loopback(host) is loopback


def test_each_wrong_guess_after_the_first_five_waits_twice_as_long():
    clock = Clock()
    limiter = LoginLimiter(clock=clock)
    waits = []
    for _ in range(8):
        waits.append(limiter.wait_s("10.0.0.5"))
        limiter.failed("10.0.0.5")
        clock.now += 0.1
    assert waits[:5] == [0.0] * 5 and waits[5] == pytest.approx(1.9) and waits[6] == pytest.approx(3.9)
    assert limiter.wait_s("10.0.0.6") == 0.0  # another address is not held up by the first
    limiter.succeeded("10.0.0.5")
    assert limiter.wait_s("10.0.0.5") == 0.0


def test_many_addresses_together_guess_no_faster_than_the_cap():
    clock = Clock()
    limiter = LoginLimiter(per_minute=20, clock=clock)
    for number in range(20):
        limiter.failed(f"10.0.0.{number}")
    assert limiter.wait_s("10.0.1.1") == pytest.approx(60)
    clock.now += 61
    assert limiter.wait_s("10.0.1.1") == 0.0


def test_a_session_ends_when_signed_out_or_expired():
    clock = Clock()
    sessions = Sessions(lifetime_s=10, clock=clock)
    first, second = sessions.new(), sessions.new()
    assert sessions.valid(first) and not sessions.valid("guessed") and not sessions.valid(None)
    sessions.end(first)
    clock.now += 11
    assert not sessions.valid(first) and not sessions.valid(second)


@pytest.mark.parametrize("before, after", [
    ("", '\n[web]\npassword_hash = "H"\n'),
    ('[mqtt]\nhost = "broker"\n', '[mqtt]\nhost = "broker"\n\n[web]\npassword_hash = "H"\n'),
    ('[web]\nhost = "0.0.0.0"\n[llm]\nmodel = ""\n', '[web]\npassword_hash = "H"\nhost = "0.0.0.0"\n[llm]\nmodel = ""\n'),
    ('[web]\npassword_hash = "old"  # set\n', '[web]\npassword_hash = "H"\n'),
    ('[llm]\npassword_hash = "x"\n[web]\n', '[llm]\npassword_hash = "x"\n[web]\npassword_hash = "H"\n'),
])
def test_web_password_sets_the_hash_in_the_web_section_only(before: str, after: str):
    assert with_password_hash(before, "H") == after


# ---- a page served beyond loopback ------------------------------------------------------------------------


@pytest.fixture
def lan(tmp_path: Path) -> Iterator[tuple[WebServer, str]]:
    """The page on every address of this machine (requests go to loopback only), with the password."""
    with serving(WEB_HOMES[0], tmp_path, host="0.0.0.0", password_hash=HASH) as (_, web):
        yield web, (web.url or "").replace("0.0.0.0", "127.0.0.1")


def every_endpoint(web: WebServer) -> list[tuple[str, str]]:
    assert web.site is not None
    found = [(method, re.sub(r"\{[^}]+\}", "x", route.path)) for route in [*page_routes(web.site), *routes(web.site)]
             for method in sorted(route.methods or ()) if method != "HEAD"]
    return [(method, path) for method, path in found if path not in ("/login", "/api/login")]


def test_no_page_or_endpoint_answers_without_the_password(lan: tuple[WebServer, str]):
    web, url = lan
    endpoints = every_endpoint(web)
    assert len(endpoints) > 25
    with httpx.Client(base_url=url) as client:
        for method, path in endpoints:
            answer = client.request(method, path)
            if path.startswith("/api/"):
                assert answer.status_code == 401, (method, path)
            else:
                assert answer.status_code == 303 and answer.headers["location"].startswith("/login"), (method, path)
        assert client.get("/login").status_code == 200 and client.get("/static/homebody.css").status_code == 200
        wrong = httpx.Client(base_url=url, headers={"Authorization": "Bearer not-a-session"})
        assert wrong.get("/api/status").status_code == 401


def test_the_password_opens_every_page_and_signing_out_closes_them(lan: tuple[WebServer, str]):
    _web, url = lan
    with httpx.Client(base_url=url) as client:
        signed = client.post("/login", data={"password": PASSWORD, "next": "/schedule"})
        assert signed.status_code == 303 and signed.headers["location"] == "/schedule"
        assert "httponly" in signed.headers["set-cookie"].lower() and "samesite=strict" in signed.headers["set-cookie"].lower()
        assert client.get("/status").status_code == 200 and client.get("/api/status").status_code == 200
        client.post("/logout")
        assert client.get("/api/status").status_code == 401
    token = httpx.post(f"{url}/api/login", json={"password": PASSWORD}).json()["token"]
    assert httpx.get(f"{url}/api/devices", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_wrong_passwords_are_rate_limited_even_before_the_right_one(lan: tuple[WebServer, str]):
    web, url = lan
    answers = [httpx.post(f"{url}/api/login", json={"password": f"guess {n}"}).status_code for n in range(6)]
    assert answers == [401] * 5 + [429]
    limited = httpx.post(f"{url}/api/login", json={"password": PASSWORD})
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    page = httpx.post(f"{url}/login", data={"password": PASSWORD})
    assert page.status_code == 429 and "Too many wrong passwords" in page.text
    assert web.site is not None
    web.site.gate.limiter.clock = lambda: 1e12  # long after
    assert httpx.post(f"{url}/api/login", json={"password": PASSWORD}).status_code == 200


def test_the_password_is_in_no_log_line(lan: tuple[WebServer, str], caplog: pytest.LogCaptureFixture):
    _web, url = lan
    with caplog.at_level(logging.DEBUG):
        httpx.post(f"{url}/login", data={"password": PASSWORD + "x"})
        httpx.post(f"{url}/login", data={"password": PASSWORD})
        httpx.post(f"{url}/api/login", json={"password": PASSWORD})
    assert "wrong password" in caplog.text and "signed in" in caplog.text
    assert PASSWORD not in caplog.text


def test_the_running_process_logs_no_password(tmp_path: Path):
    env = homebody_env(tmp_path, HOMEBODY_WEB_HOST="0.0.0.0", HOMEBODY_WEB_PORT="0", HOMEBODY_WEB_PASSWORD_HASH=HASH)
    with Terminal("-v", "run", "--text", env=env) as running:
        running.wait_for("The household page: http://0.0.0.0:")
        port = running.output.split("The household page: http://0.0.0.0:")[1].split()[0]
        url = f"http://127.0.0.1:{port}"
        assert httpx.post(f"{url}/login", data={"password": "not " + PASSWORD}).status_code == 401
        token = httpx.post(f"{url}/api/login", json={"password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.post(f"{url}/api/devices/porch_light", json={"changes": {"state": "on"}}, headers=headers).is_success
        running.wait_for("web page: turn on the porch light")
        running.type("quit")
        running.process.wait(30)
    assert "wrong password" in running.output and "signed in" in running.output
    assert PASSWORD not in running.output


# ---- the host and the origin --------------------------------------------------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> Iterator[str]:
    with serving(WEB_HOMES[0], tmp_path) as (_, web):
        yield web.url or ""


def test_on_loopback_only_requests_to_a_loopback_name_are_answered(local: str):
    port = local.rsplit(":", 1)[1]
    assert httpx.get(f"{local}/api/status").status_code == 200
    assert httpx.get(f"{local}/api/status", headers={"Host": f"localhost:{port}"}).status_code == 200
    rebound = httpx.get(f"{local}/api/status", headers={"Host": f"attacker.example:{port}"})
    assert rebound.status_code == 421


def test_a_write_sent_from_another_site_is_refused(local: str):
    host = local.removeprefix("http://")
    change = {"changes": {"state": "on"}}
    elsewhere = httpx.post(f"{local}/api/devices/porch_light", json=change, headers={"Origin": "http://evil.example"})
    assert elsewhere.status_code == 403
    assert httpx.post(f"{local}/api/devices/porch_light", json=change, headers={"Origin": f"http://{host}"}).is_success
    assert httpx.get(f"{local}/api/status", headers={"Origin": "http://evil.example"}).status_code == 200
