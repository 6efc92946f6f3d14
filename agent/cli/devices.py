"""The device commands: devices, set, state, simulate. They show what is known, not what a household
file says a device starts as: a device that has reported nothing is "unknown"."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from agent.config import Settings
from devices.household import Household, load_household
from devices.outcome import Status

if TYPE_CHECKING:
    from devices.runtime import DeviceRuntime

EXAMPLE_SET = "kitchen_spots state=on brightness=40"
"""The `set` example: a device of the example home."""
FRESH = "showing a fresh simulated home, in its initial states"
FRESH_SET = "setting a device of a fresh simulated home, which stops again right after"


def register(commands: argparse._SubParsersAction) -> None:
    devices = commands.add_parser("devices", help="list devices with their areas and live state")
    devices.add_argument("--json", action="store_true", help="print JSON")
    devices.set_defaults(handler=cmd_devices)

    set_ = commands.add_parser("set", help=f"set a device: homebody set {EXAMPLE_SET}")
    set_.add_argument("device", help="a device id (homebody devices lists them)")
    set_.add_argument("changes", nargs="+", metavar="KEY=VALUE")
    set_.set_defaults(handler=cmd_set)

    state = commands.add_parser("state", help="print a device's normalized state")
    state.add_argument("device", help="a device id (homebody devices lists them)")
    state.set_defaults(handler=cmd_state)

    simulate = commands.add_parser("simulate", help="run the virtual home alone against the configured broker")
    simulate.set_defaults(handler=cmd_simulate)


@contextmanager
def live_devices(settings: Settings, household: Household, doing: str) -> Iterator[DeviceRuntime]:
    """The devices as they are: on the configured broker; on the embedded defaults, those of the homebody
    running this household, or else a fresh simulated home, said plainly (on stderr)."""
    from agent.cli.instance import running_instance
    from devices.runtime import DeviceRuntime

    mqtt = settings.mqtt
    if not mqtt.host:
        instance = running_instance(household.home.name)
        if instance is not None:
            mqtt = dataclasses.replace(mqtt, host=instance.host, port=instance.port)
        else:
            print(f"homebody: no homebody is running for {household.home.name}: {doing} (start"
                  " `.venv/bin/homebody run` in another terminal to keep one going)", file=sys.stderr)
    with DeviceRuntime.start(mqtt, household) as runtime:
        yield runtime


def known_states(runtime: DeviceRuntime) -> dict[str, dict[str, Any] | None]:
    """Every device's state as reported; None for a device that has reported nothing."""
    registry = runtime.registry
    silent = set(runtime.link.wait_reported(list(registry.devices), 0))
    return {device_id: None if device_id in silent else registry.state(device_id) for device_id in registry.devices}


def cmd_devices(args: argparse.Namespace, settings: Settings) -> int:
    from agent.cli.main import print_json

    household = load_household(settings.household.file or None)
    with live_devices(settings, household, FRESH) as runtime:
        registry, states = runtime.registry, known_states(runtime)
        rows = [{"id": d.id, "name": d.name, "area": d.area or "", "kind": d.kind.value, "state": states[d.id],
                 "online": registry.states.is_online(d.id)} for d in registry.devices.values()]
    if args.json:
        print_json(rows)
        return 0
    width = max(len(str(r["id"])) for r in rows) if rows else 10
    for row in rows:
        state = row["state"]
        shown = " ".join(f"{k}={v}" for k, v in state.items()) if isinstance(state, dict) else "unknown"
        offline = "" if row["online"] else " (offline)"
        print(f"{row['id']:<{width}}  {row['area']:<12} {row['kind']:<13} {shown}{offline}")
    return 0


def cmd_set(args: argparse.Namespace, settings: Settings) -> int:
    from devices.errors import InvalidChange

    change = dict(_parse_pair(pair) for pair in args.changes)
    household = load_household(settings.household.file or None)
    with live_devices(settings, household, FRESH_SET) as runtime:
        outcome = runtime.controller.set_many([(args.device, change)])[0]
    print(f"{args.device}: {outcome.status} {outcome.state or ''} {outcome.message}".rstrip())
    if outcome.status in (Status.REJECTED, Status.REFUSED):
        raise InvalidChange(outcome.message)
    return 0 if outcome.status == Status.CONFIRMED else 1


def cmd_state(args: argparse.Namespace, settings: Settings) -> int:
    from agent.cli.main import print_json

    household = load_household(settings.household.file or None)
    with live_devices(settings, household, FRESH) as runtime:
        runtime.registry.device(args.device)
        state = known_states(runtime)[args.device]
    if state is None:
        print(f"homebody: {args.device} has reported no state: unknown", file=sys.stderr)
        return 1
    print_json(state)
    return 0


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    from devices.virtual_home import VirtualHome

    if not settings.mqtt.host:
        print("homebody: simulate needs a broker: set mqtt.host (HOMEBODY_MQTT_HOST) to the broker to serve",
              file=sys.stderr)
        return 2
    household = load_household(settings.household.file or None)
    home = VirtualHome(household.devices, settings.mqtt.host, settings.mqtt.port, settings.mqtt)
    home.start()
    print(f"Simulating {len(household.devices)} devices of {household.home.name} on "
          f"{settings.mqtt.host}:{settings.mqtt.port}; Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    finally:
        home.stop()


def _parse_pair(pair: str) -> tuple[str, object]:
    from devices.errors import InvalidChange

    key, sep, raw = pair.partition("=")
    if not sep or not key:
        raise InvalidChange(f"expected KEY=VALUE, got {pair!r}")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw
