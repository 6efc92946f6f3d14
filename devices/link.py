"""Keeps a Registry in step with MQTT: device states, availability, and discovery of new devices.

Everything here runs on the connection's network thread. Payloads are data from the outside:
malformed JSON, wrong types and retained garbage are logged once per topic and ignored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from functools import partial

from devices import zigbee2mqtt
from devices.binding import AvailabilityReader, Binding, StateReader
from devices.errors import UnknownDevice
from devices.ha_discovery import CONFIG_TOPICS, parse_discovery
from devices.model import Device
from devices.mqtt import Handler, MqttConnection
from devices.registry import Registry
from devices.zigbee2mqtt_bridge import BRIDGE_DEVICES_TOPIC, wired_devices_from_bridge

log = logging.getLogger(__name__)


class DeviceLink:
    """Subscribes to every device's topics and to discovery; decodes into `registry.states`."""

    def __init__(self, registry: Registry, connection: MqttConnection, discovery: bool = True):
        self.registry = registry
        self.connection = connection
        self.discovery = discovery
        self._bindings: dict[str, Binding] = {}
        self._reports: dict[str, int] = {}
        self._seen: set[str] = set()
        self._availability: dict[str, dict[str, bool]] = {}
        """Device id → what each of its availability topics last said."""
        self._complained: set[str] = set()

    def attach(self) -> None:
        """Follow the registry's devices (as Zigbee2MQTT devices) and, if enabled, discovery topics."""
        for device in list(self.registry.devices.values()):
            self.bind(zigbee2mqtt.binding(device))
        if self.discovery:
            self.connection.subscribe(BRIDGE_DEVICES_TOPIC, self._bridge_devices)
            for topic in CONFIG_TOPICS:
                self.connection.subscribe(topic, self._ha_config)

    def bind(self, binding: Binding) -> None:
        """Follow one device's state and availability topics; a device keeps its first binding."""
        device_id = binding.device.id
        if device_id in self._bindings:
            return
        self._bindings[device_id] = binding
        self._reports.setdefault(device_id, 0)
        for topic, reader in binding.readers.items():
            self.connection.subscribe(topic, self._state_handler(device_id, reader, binding.complete))
        for topic, available in binding.availability.items():
            self.connection.subscribe(topic, self._availability_handler(binding, topic, available))

    def binding(self, device_id: str) -> Binding:
        try:
            return self._bindings[device_id]
        except KeyError:
            raise UnknownDevice(f"no device with id {device_id!r}") from None

    def reports(self, device_id: str) -> int:
        """How many live (not retained) state messages the device has sent: what tells an answer from old news."""
        return self._reports.get(device_id, 0)

    def wait_reported(self, device_ids: Iterable[str], timeout: float) -> list[str]:
        """Wait until a state (retained or live) has come from each device; the ids still silent at the timeout."""
        ids = list(device_ids)
        self.registry.states.wait_for(lambda: all(i in self._seen for i in ids), timeout)
        return [i for i in ids if i not in self._seen]

    def _state_handler(self, device_id: str, reader: StateReader, complete: bool) -> Handler:
        store = self.registry.states.replace if complete else self.registry.states.update

        def handle(topic: str, payload: bytes, retained: bool) -> None:
            if not payload:  # a retained message being cleared
                return
            try:
                state = reader(payload)
            except (ValueError, TypeError, RecursionError) as error:  # RecursionError: JSON nested too deep
                self._complain(topic, f"ignored a state homebody cannot read ({error})")
                return
            if not state:  # about something homebody doesn't model (link quality, battery…)
                return
            self._seen.add(device_id)
            if not retained:  # a stored copy is no answer to anything
                self._reports[device_id] = self._reports.get(device_id, 0) + 1
            store(device_id, state)
        return handle

    def _availability_handler(self, binding: Binding, topic: str, available: AvailabilityReader) -> Handler:
        device_id, mode = binding.device.id, binding.availability_mode
        said = self._availability.setdefault(device_id, {})

        def handle(_topic: str, payload: bytes, _retained: bool) -> None:
            online = available(payload) if payload else None
            if online is None:
                self._complain(topic, f"ignored an availability homebody cannot read ({payload[:80]!r})")
                return
            said[topic] = online
            if mode == "all":
                online = all(said.values())
            elif mode == "any":
                online = any(said.values())
            self.registry.states.set_online(device_id, online)
        return handle

    def _bridge_devices(self, topic: str, payload: bytes, _retained: bool) -> None:
        try:
            found = wired_devices_from_bridge(json.loads(payload))
        except (ValueError, TypeError, RecursionError) as error:
            self._complain(topic, f"ignored a device list homebody cannot read ({error})")
            return
        for device, wire in found:
            self._adopt(device, partial(zigbee2mqtt.binding, wire=wire))

    def _ha_config(self, topic: str, payload: bytes, _retained: bool) -> None:
        if not payload:  # an entity being removed; the registry keeps devices for the session
            return
        try:
            bindings = parse_discovery(topic, json.loads(payload))
        except (ValueError, TypeError, KeyError, RecursionError) as error:
            self._complain(topic, f"ignored a discovery config homebody cannot read ({error})")
            return
        for found in bindings:
            self._adopt(found.device, partial(_prebuilt, found))

    def _adopt(self, device: Device, make_binding: Callable[[Device], Binding]) -> None:
        """Add a discovered device; one the registry already knows keeps its own binding."""
        if device.area not in self.registry.areas:
            device.area = None
        if self.registry.add_discovered(device) is device:
            log.info("discovered %s %r on %s", device.kind.value, device.id, device.topic)
            self.bind(make_binding(device))

    def _complain(self, topic: str, message: str) -> None:
        if topic in self._complained:
            log.debug("%s: %s", topic, message)
            return
        self._complained.add(topic)
        log.warning("%s: %s (further problems on this topic are logged at debug level)", topic, message)


def _prebuilt(binding: Binding, _device: Device) -> Binding:
    """A discovery config's binding, built with its device."""
    return binding
