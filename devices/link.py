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
from devices.binding import Binding
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
        self._followed: set[tuple[str, str, str]] = set()
        """(what, device id, topic) already subscribed: a handler reads the device's binding of the moment."""
        self._availability: dict[str, dict[str, bool]] = {}
        """Device id → what each of its availability topics last said."""
        self._described: set[str] = set()
        """Household devices that follow the Wire their bridge/devices entry describes."""
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
        if binding.device.id not in self._bindings:
            self._follow(binding)

    def _follow(self, binding: Binding) -> None:
        """Make `binding` the device's, subscribing to the topics it reads that are not followed yet."""
        device_id = binding.device.id
        self._bindings[device_id] = binding
        self._reports.setdefault(device_id, 0)
        said = self._availability.setdefault(device_id, {})
        for topic in set(said) - set(binding.availability):
            del said[topic]
        for what, topics, handler in (("state", binding.readers, self._state_handler),
                                      ("availability", binding.availability, self._availability_handler)):
            for topic in topics:
                if (what, device_id, topic) not in self._followed:
                    self._followed.add((what, device_id, topic))
                    self.connection.subscribe(topic, handler(device_id, topic))

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

    def _state_handler(self, device_id: str, topic: str) -> Handler:
        def handle(_topic: str, payload: bytes, retained: bool) -> None:
            binding = self._bindings[device_id]
            reader = binding.readers.get(topic)
            if not payload or reader is None:  # a retained message being cleared; a topic no longer read
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
            (self.registry.states.replace if binding.complete else self.registry.states.update)(device_id, state)
        return handle

    def _availability_handler(self, device_id: str, topic: str) -> Handler:
        def handle(_topic: str, payload: bytes, _retained: bool) -> None:
            binding = self._bindings[device_id]
            available = binding.availability.get(topic)
            if available is None:
                return
            online = available(payload) if payload else None
            if online is None:
                self._complain(topic, f"ignored an availability homebody cannot read ({payload[:80]!r})")
                return
            said = self._availability[device_id]
            said[topic] = online
            if binding.availability_mode == "all":
                online = all(said.values())
            elif binding.availability_mode == "any":
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
            self._adopt(device, partial(zigbee2mqtt.binding, wire=wire), describes_declared=not wire.part)

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

    def _adopt(self, device: Device, make_binding: Callable[[Device], Binding],
               describes_declared: bool = False) -> None:
        """Add a discovered device; one the registry already knows keeps its own binding.

        Except a household-file device that a bridge/devices entry describes as a whole (not one of
        its endpoints or parts): it follows the Wire of its exposes from then on, as its own name for
        its setpoint or its fan modes beats the classic conventions.
        """
        if device.area not in self.registry.areas:
            device.area = None
        known = self.registry.add_discovered(device)
        if known is device:
            log.info("discovered %s %r on %s", device.kind.value, device.id, device.topic)
            self.bind(make_binding(device))
        elif describes_declared and known.id in self.registry.declared and known.kind is device.kind \
                and known.id not in self._described:
            self._described.add(known.id)
            log.info("%r follows what bridge/devices says it exposes", known.id)
            self._follow(make_binding(known))

    def _complain(self, topic: str, message: str) -> None:
        if topic in self._complained:
            log.debug("%s: %s", topic, message)
            return
        self._complained.add(topic)
        log.warning("%s: %s (further problems on this topic are logged at debug level)", topic, message)


def _prebuilt(binding: Binding, _device: Device) -> Binding:
    """A discovery config's binding, built with its device."""
    return binding
