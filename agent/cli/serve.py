"""`homebody serve`: the headless assistant for a Pi or a server — no console, no microphone.

Devices over the broker (or the embedded one), routines at their time, timers and reminders, the Wyoming
server for Home Assistant (`--wyoming`, or `wyoming.uri`) and the room satellites of `[[wyoming.satellites]]`.
It runs until stopped (Ctrl-C, or SIGTERM from systemd: examples/systemd/homebody.service).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from agent.config import SatelliteSettings, Settings, check_uri
from devices.household import Household

LOOPBACK = "tcp://127.0.0.1:10700"
"""Where `--wyoming` alone listens: this machine only."""


def register(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="the headless assistant (a service): routines, timers and reminders, "
                                              "the Wyoming server for Home Assistant, room satellites")
    serve.add_argument("--wyoming", nargs="?", const=LOOPBACK, metavar="URI",
                       help=f"serve asr, tts and handle to Home Assistant at tcp://HOST:PORT (alone: {LOOPBACK}; "
                            "tcp://0.0.0.0:10700 for the whole network); default: wyoming.uri, empty (off)")
    serve.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.wyoming is not None:
        settings.wyoming.uri = check_uri(args.wyoming, "--wyoming")
    with headless(settings):
        threading.Event().wait()  # until Ctrl-C or SIGTERM unwinds the `with`
    return 0


@contextmanager
def headless(settings: Settings, stdout: TextIO = sys.stdout) -> Iterator[None]:
    """Everything `homebody serve` runs, assembled in one place and stopped in reverse order on the way out."""
    from agent.app import App
    from agent.cli.instance import advertised_while_running
    from agent.web import start_web
    from agent.wyoming import SatelliteAnnouncer, WyomingService

    def report(line: str) -> None:
        stdout.write(f"{line}\n")
        stdout.flush()

    announcer = SatelliteAnnouncer()
    with App.start(settings, routines_on_time=True, announce=announcer) as app, advertised_while_running(app):
        satellites = placed(app.household, settings.wyoming.satellites)
        web = start_web(app, settings)
        app.closers.append(web.close)
        with WyomingService.start(app, settings.wyoming, announcer, satellites, report) as wyoming:
            where = settings.mqtt.host or "virtual home on an embedded broker"
            report(f"homebody is serving {app.household.home.name}: {len(app.runtime.registry.devices)} devices "
                   f"({where}); Wyoming: {wyoming.uri or 'off'}; satellites: "
                   f"{', '.join(f'{s.area} ({s.uri})' for s in satellites) or 'none'}.")
            if web.url:
                report(f"The household page: {web.url}")
            app.ready()
            yield


def placed(household: Household, satellites: list[SatelliteSettings]) -> list[SatelliteSettings]:
    """The satellites with their areas as the household's ids; ConfigError naming the setting for one it lacks."""
    from agent.cli.options import area_id

    return [dataclasses.replace(s, area=str(area_id(household, s.area, f"wyoming.satellites[{i}].area")))
            for i, s in enumerate(satellites)]
