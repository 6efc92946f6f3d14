"""The virtual home: a household's devices simulated as Zigbee2MQTT devices on their own MQTT client.

Each device takes commands on `<topic>/set`, does what a real device does with them (clamps
out-of-range values, refuses what it has no converter for) and publishes its new state,
retained, on `<topic>`, plus `{"state": "online"}` on `<topic>/availability`. Behaviours
inject faults for tests and evaluation: a delay, an offline device, a silent one.
"""

from __future__ import annotations

import copy
import json
import logging
import secrets
import threading
from dataclasses import dataclass
from typing import Self

from devices.settings import MqttSettings
from devices import zigbee2mqtt
from devices.errors import InvalidChange
from devices.model import Device, State, apply_change, clamp_change, validate_change
from devices.mqtt import Handler, MqttConnection
from devices.zigbee2mqtt_bridge import BRIDGE_DEVICES_TOPIC, bridge_devices

log = logging.getLogger(__name__)

BRIDGE_LOGGING_TOPIC = "zigbee2mqtt/bridge/logging"
BRIDGE_STATE_TOPIC = "zigbee2mqtt/bridge/state"


@dataclass
class Behaviour:
    """How a virtual device misbehaves."""

    delay: float = 0.0
    """Seconds between taking a command and reporting the new state."""
    offline: bool = False
    """Reports itself offline and ignores commands."""
    silent: bool = False
    """Takes commands but never reports."""


class VirtualHome:
    """Simulated devices on a broker; `start()` connects and publishes every device's state."""

    def __init__(self, devices: list[Device], host: str, port: int, settings: MqttSettings | None = None,
                 bridge: bool = True):
        self.devices = {d.id: d for d in devices}
        self.bridge = bridge
        """Also publish `zigbee2mqtt/bridge/devices` describing the devices (for discovery)."""
        base = copy.copy(settings) if settings else MqttSettings()
        self.connection = MqttConnection(base, host, port, client_id=f"{base.client_id}-virtual-home-{secrets.token_hex(3)}",
                                         status_topic=None)
        self._states: dict[str, State] = {d.id: dict(d.initial) for d in devices}
        self._published: dict[str, State] = {}
        self._behaviour: dict[str, Behaviour] = {}
        self._lock = threading.RLock()

    def start(self) -> None:
        for device in self.devices.values():
            self.connection.subscribe(f"{device.topic}/set", self._command_handler(device))
        self.connection.connect()
        self._publish_everything()
        # Handled by the broker before start() returns, so a client connecting next gets these
        # retained states once, not the previous ones or twice.
        self.connection.sync()
        self.connection.on_connect(self._publish_everything)

    def stop(self) -> None:
        self.connection.close()

    def state(self, device_id: str) -> State:
        with self._lock:
            return dict(self._states[device_id])

    def reset(self, states: dict[str, State] | None = None) -> None:
        """Every device back to `initial` overlaid with `states`, normal behaviour; publishes only what changed."""
        states = states or {}
        with self._lock:
            misbehaving = [i for i, b in self._behaviour.items() if b != Behaviour()]
            self._behaviour.clear()
            for device_id in misbehaving:
                self._publish_availability(self.devices[device_id])
            for device in self.devices.values():
                self._states[device.id] = {**device.initial, **states.get(device.id, {})}
                if self._states[device.id] != self._published.get(device.id):
                    self._publish_state(device)

    def report(self, device_id: str, change: State) -> None:
        """The device changes by itself (a reading, a door opening) and reports it."""
        with self._lock:
            self._states[device_id] = {**self._states[device_id], **change}
            self._publish_state(self.devices[device_id])

    def set_behaviour(self, device_id: str, delay: float = 0.0, offline: bool = False, silent: bool = False) -> None:
        with self._lock:
            self._behaviour[device_id] = Behaviour(delay, offline, silent)
            self._publish_availability(self.devices[device_id])

    def _command_handler(self, device: Device) -> Handler:
        def handle(topic: str, payload: bytes, _retained: bool) -> None:
            behaviour = self._behaviour.get(device.id, Behaviour())
            if behaviour.offline:
                return
            try:
                change, _media = zigbee2mqtt.decode_command(device, json.loads(payload))
                change = validate_change(device, clamp_change(device, change))
            except (ValueError, TypeError, InvalidChange) as error:
                self._refuse(device, topic, error)
                return
            with self._lock:
                self._states[device.id] = apply_change(device, self._states[device.id], change)
            if behaviour.silent:
                return
            if behaviour.delay:
                timer = threading.Timer(behaviour.delay, self._republish, (device,))
                timer.daemon = True  # a pending report must not keep the process alive
                timer.start()
            else:
                self._republish(device)
        return handle

    def _refuse(self, device: Device, topic: str, error: Exception) -> None:
        log.warning("virtual %s refused %s: %s", device.id, topic, error)
        message = {"level": "error", "message": f"Publish 'set' to '{device.id}' failed: {error}"}
        self.connection.publish(BRIDGE_LOGGING_TOPIC, message, qos=0)

    def _republish(self, device: Device) -> None:
        with self._lock:
            self._publish_state(device)

    def _publish_everything(self) -> None:
        """On every (re)connection, as Zigbee2MQTT does: the device list, availability and states."""
        with self._lock:
            if self.bridge:
                self.connection.publish(BRIDGE_DEVICES_TOPIC, bridge_devices(list(self.devices.values())),
                                        qos=0, retain=True)
            for device in self.devices.values():
                self._publish_availability(device)
                self._publish_state(device)
            self.connection.publish(BRIDGE_STATE_TOPIC, {"state": "online"}, qos=0, retain=True)

    def _publish_state(self, device: Device) -> None:
        state = self._states[device.id]
        self.connection.publish(device.topic, zigbee2mqtt.encode_state(device, state), qos=0, retain=True)
        self._published[device.id] = dict(state)

    def _publish_availability(self, device: Device) -> None:
        online = not self._behaviour.get(device.id, Behaviour()).offline
        self.connection.publish(f"{device.topic}/availability", {"state": "online" if online else "offline"},
                                qos=0, retain=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
