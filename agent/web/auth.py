"""Who may use the web page: the household password (stored as an scrypt hash), sessions, and a limit on
wrong guesses.

On loopback with no password set, the page answers this machine only. Any other address needs the
password, and then nothing but the login page and its stylesheet answers without it. The password is
only ever compared against its hash; it is never logged, and never accepted in a URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.errors import ConfigError

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost: about 16 MiB and 30-60 ms per check on a Raspberry Pi class machine."""
MIN_LENGTH = 8
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$SALT$HASH` (base64): what `web.password_hash` holds."""
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"the household password needs at least {MIN_LENGTH} characters")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT, dklen=32)
    return "$".join(["scrypt", str(SCRYPT["n"]), str(SCRYPT["r"]), str(SCRYPT["p"]), _b64(salt), _b64(digest)])


def check_hash(stored: str) -> None:
    """ConfigError unless `stored` is a hash `hash_password` wrote (it names the setting, never the value)."""
    parts = stored.split("$")
    try:
        valid = len(parts) == 6 and parts[0] == "scrypt" and all(int(p) > 0 for p in parts[1:4]) and \
            all(base64.b64decode(p, validate=True) for p in parts[4:])
    except ValueError:
        valid = False
    if not valid:
        raise ConfigError("web.password_hash is not a hash written by `homebody web-password`")


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from; constant time in what it compares."""
    check_hash(stored)
    _, n, r, p, salt, digest = stored.split("$")
    expected = base64.b64decode(digest)
    found = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                           dklen=len(expected), maxmem=128 * int(n) * int(r) * (int(p) + 1) + 1024 * 1024)
    return hmac.compare_digest(found, expected)


def is_loopback(host: str) -> bool:
    """Whether an address to listen on reaches this machine only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Sessions:
    """Signed-in browsers and scripts: random tokens kept in memory (a restart signs everyone out)."""

    lifetime_s: float = 30 * 24 * 3600
    clock: Callable[[], float] = time.monotonic
    _expiry: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expiry[token] = self.clock() + self.lifetime_s
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self._lock:
            expiry = self._expiry.get(token)
            if expiry is not None and expiry < self.clock():
                del self._expiry[token]
                expiry = None
        return expiry is not None

    def end(self, token: str | None) -> None:
        with self._lock:
            self._expiry.pop(token or "", None)


@dataclass
class LoginLimiter:
    """Wrong passwords slow the guesser down: after `free` wrong tries from one address, each next try waits
    twice as long as the last (up to `longest_s`); and at most `per_minute` wrong tries a minute are
    heard from all addresses together, so many addresses guess no faster than one."""

    free: int = 5
    longest_s: float = 15 * 60
    per_minute: int = 20
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Address -> (wrong tries in a row, when the last was)."""
    _recent: deque[float] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, client: str) -> float:
        """Seconds before `client` may try again; 0 when it may now."""
        now = self.clock()
        with self._lock:
            while self._recent and now - self._recent[0] > 60:
                self._recent.popleft()
            everyone = 60 - (now - self._recent[0]) if len(self._recent) >= self.per_minute else 0.0
            count, last = self._failures.get(client, (0, now))
            if count < self.free:
                return max(everyone, 0.0)
            pause = min(self.longest_s, 2.0 ** (count - self.free + 1))
            return max(everyone, last + pause - now, 0.0)

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            count, _ = self._failures.get(client, (0, now))
            self._failures[client] = (count + 1, now)
            self._recent.append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
