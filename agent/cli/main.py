"""The `homebody` command: each subcommand parses its arguments and makes one library call."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from agent.config import Settings, load_settings
from devices.errors import HomebodyError

Handler = Callable[[argparse.Namespace, Settings], int | None]

ON_THE_PATH = ("`make run` and `make test` install homebody into .venv: run it as .venv/bin/homebody, or first "
               "`source .venv/bin/activate` to have `homebody` on the PATH. Settings: config.toml; "
               "documentation: README.md and docs/.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="homebody", description="A local, private smart-home voice assistant.",
                                     epilog=ON_THE_PATH)
    parser.add_argument("--config", help="a config.toml with the settings to change (see config.toml)")
    parser.add_argument("--home", help="household file (overrides household.file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show plans, state changes and logs")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    from agent.cli import core as cli_core

    cli_core.register(commands)
    for module in _optional_command_modules():
        module.register(commands)
    _accept_global_options_anywhere(commands)
    return parser


def _accept_global_options_anywhere(commands: argparse._SubParsersAction) -> None:
    """`homebody eval CASES --home FILE` works as well as `homebody --home FILE eval CASES`."""
    for sub in commands.choices.values():
        sub.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        sub.add_argument("--home", default=argparse.SUPPRESS, help="household file (overrides household.file)")
        sub.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_global_options_anywhere(action)


def _optional_command_modules() -> list[Any]:
    """Command groups that live beside the feature they drive."""
    import importlib

    modules = []
    for name in ("agent.cli.household", "agent.cli.skills", "agent.cli.models", "agent.cli.voice", "agent.cli.web", "agent.cli.serve"):
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        with _sigterm_unwinds():
            settings = load_settings(args.config)
            if args.home:
                settings.household.file = args.home
            return handler(args, settings) or 0
    except HomebodyError as error:
        print(f"homebody: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except _Terminated:
        return 143


class _Terminated(BaseException):
    """SIGTERM arrived; a BaseException like KeyboardInterrupt, so no `except Exception` in a turn swallows it."""


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (systemd, docker stop) unwinds like Ctrl-C: a turn in flight is abandoned before it is
    recorded, and every `with` closes what it opened (history flushed, database closed, broker stopped)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the cleanup short
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def entry() -> NoReturn:
    """The `homebody` command: main, then out at once. main's `with` blocks have closed what it opened
    (history flushed, database closed, broker stopped); Python's own teardown after that (collecting a
    large heap, tearing down llama.cpp) is what made Ctrl-C take seconds."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError):  # the reader went away (`homebody devices | head`)
            stream.flush()
    os._exit(code)


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, default=str))


if __name__ == "__main__":
    sys.exit(main())
