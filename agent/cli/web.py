"""`homebody web-password`: the household password of the web page, stored as a hash in a config file.

The password is read without echo (twice, on a terminal) or as the first line of standard input, and
only its scrypt hash is ever written or printed.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import tempfile
import tomllib
from pathlib import Path

from agent.config import Settings
from devices.errors import ConfigError

HASH_LINE = re.compile(r"^\s*password_hash\s*=")


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "web-password", help="set the web page's household password (needed to serve it beyond this machine)",
        description="Hash a household password for the web page. With --config FILE the hash is written into "
                    "FILE's [web] section; without, the line to add is printed.")
    command.set_defaults(handler=cmd_web_password)


def cmd_web_password(args: argparse.Namespace, settings: Settings) -> int:
    from agent.web.auth import hash_password

    hashed = hash_password(_read_password())
    if not args.config:
        print("Add this to the [web] section of the config file you run homebody with (--config FILE), or run "
              "homebody --config FILE web-password to have it written there:")
        print(f'password_hash = "{hashed}"')
        return 0
    write_password_hash(Path(args.config), hashed)
    print(f"The household password is set in {args.config} (its hash only). Restart homebody to use it.")
    return 0


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Household password for the web page: ")
    if getpass.getpass("The same again: ") != first:
        raise ConfigError("the two passwords differ; nothing was changed")
    return first


def write_password_hash(path: Path, hashed: str) -> None:
    """Set web.password_hash in a TOML config file, keeping everything else as it is (written whole or not at all)."""
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror})") from None
    updated = with_password_hash(text, hashed)
    try:
        tomllib.loads(updated)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML, so it was left as it was ({error})") from None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent or ".", delete=False) as out:
            out.write(updated)
        if path.exists():
            os.chmod(out.name, path.stat().st_mode)
        os.replace(out.name, path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot write ({error.strerror})") from None


def with_password_hash(text: str, hashed: str) -> str:
    """The config text with `password_hash` set in its [web] section (added when missing)."""
    line = f'password_hash = "{hashed}"'
    lines = text.splitlines()
    start = next((i for i, found in enumerate(lines) if found.strip() == "[web]"), None)
    if start is None:
        return text + ("" if not text or text.endswith("\n") else "\n") + f"\n[web]\n{line}\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    for index in range(start + 1, end):
        if HASH_LINE.match(lines[index]):
            lines[index] = line
            break
    else:
        lines.insert(start + 1, line)
    return "\n".join(lines) + "\n"
