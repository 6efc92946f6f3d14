"""The running device side: broker (embedded when none is configured), virtual home, connection, link.

This is what the CLI, the Assistant, the evaluation and the tests start:

    with DeviceRuntime.start(settings.mqtt, household) as runtime:
        runtime.controller.set("kitchen_ceiling", {"state": "on"})
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Self

from devices.settings import MqttSettings
from devices import zigbee2mqtt
from devices.broker import EmbeddedBroker
from devices.controller import DeviceController
from devices.errors import HomebodyError
from devices.household import Household
from devices.link import DeviceLink
from devices.model import State
from devices.mqtt import MqttConnection
from devices.registry import Registry
from devices.virtual_home import VirtualHome

log = logging.getLogger(__name__)


@dataclass
class DeviceRuntime:
    """Everything between the assistant and the devices; close it (or use `with`) to stop it all."""

    registry: Registry
    controller: DeviceController
    link: DeviceLink
    connection: MqttConnection
    virtual_home: VirtualHome | None = None
    broker: EmbeddedBroker | None = None

    @classmethod
    def start(cls, settings: MqttSettings, household: Household, virtual: bool | None = None,
              settle_timeout: float = 1.0) -> DeviceRuntime:
        """Connect (starting an embedded broker when `settings.host` is empty) and wait for device states.

        `virtual` None simulates the household exactly when the broker is embedded. Returns once
        every device (of the household file, or announced on the broker) has reported its state, or after
        `settle_timeout` seconds.
        """
        broker = EmbeddedBroker() if not settings.host else None
        host, port = (broker.host, broker.port) if broker else (settings.host, settings.port)
        simulate = broker is not None if virtual is None else virtual
        home = VirtualHome(household.devices, host, port, settings) if simulate else None
        registry = Registry.from_household(household)
        connection = MqttConnection(settings, host, port)
        link = DeviceLink(registry, connection, discovery=settings.discovery)
        runtime = cls(registry, DeviceController(link, settings.confirm_timeout), link, connection, home, broker)
        try:
            if broker is not None:
                broker.start()
            link.attach()
            if home is not None:
                home.start()
            connection.connect()
        except BaseException:
            runtime.close()
            raise
        if settings.discovery and connection.sync(settle_timeout):  # the devices the broker retains as announced
            connection.sync(settle_timeout)  # and then their retained states
        silent = link.wait_reported(list(registry.devices), settle_timeout)
        if silent:
            log.warning("no state yet from %d device(s): %s", len(silent), ", ".join(silent[:10]))
        return runtime

    def reset(self, states: dict[str, State], timeout: float = 2.0) -> None:
        """Virtual home only: every device to `initial` plus `states`, back online; waits until seen."""
        home = self.virtual_home
        if home is None:
            raise HomebodyError("only a virtual home can be reset")
        home.reset(states)
        expected = {
            device.id: zigbee2mqtt.decode_state(device, zigbee2mqtt.encode_state(device, home.state(device.id)))
            for device in home.devices.values()
        }
        store = self.registry.states
        if not store.wait_for(lambda: all(store.matches_exactly(i, s) and store.is_online(i) for i, s in expected.items()),
                              timeout):
            late = [i for i, s in expected.items() if not store.matches_exactly(i, s)]
            raise HomebodyError(f"the virtual home did not settle within {timeout:g} s: {', '.join(late)}")

    def report(self, states: dict[str, State], timeout: float = 2.0) -> None:
        """Virtual home only: devices change by themselves and report it (a door opens, a reading falls); waits
        until homebody has seen every report."""
        home = self.virtual_home
        if home is None:
            raise HomebodyError("only a virtual home reports states on request")
        for device_id, change in states.items():
            if device_id in home.devices:
                home.report(device_id, change)
        store = self.registry.states
        wanted = {i: zigbee2mqtt.decode_state(home.devices[i], zigbee2mqtt.encode_state(home.devices[i], home.state(i)))
                  for i in states if i in home.devices}
        if not store.wait_for(lambda: all(store.matches_exactly(i, s) for i, s in wanted.items()), timeout):
            raise HomebodyError(f"the virtual home's reports were not seen within {timeout:g} s")

    def close(self) -> None:
        self.connection.close()
        if self.virtual_home is not None:
            self.virtual_home.stop()
        if self.broker is not None:
            self.broker.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
