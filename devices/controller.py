"""Closed-loop device commands: publish, then wait (bounded) for the device to report the new state.

A command counts as confirmed only on a state report that arrived after it was sent and
holds what was asked, so a stale retained state never confirms anything. A command still
unconfirmed after the connection came back from a broker restart is sent again while its
caller still waits (a state is idempotent; a media command is not and never is), since the
restart may have lost it. While the broker is away nothing is sent or queued: a command waits
for the connection within its own timeout (a broker restart takes a second), and is otherwise
answered OFFLINE (BROKER_AWAY), never to be carried out later.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from devices.outcome import BROKER_AWAY, DeviceOutcome, Status
from devices.binding import Message
from devices.colors import nearest_color_name, rgb_to_xy, to_rgb, xy_to_rgb
from devices.errors import InvalidChange, OutOfRange, UnknownDevice
from devices.link import DeviceLink
from devices.model import Device, State, validate_change
from devices.zigbee2mqtt import MEDIA_COMMANDS

RESEND_EVERY = 0.5
"""Seconds between resends of a command that a broker restart may have lost, until confirmed or timed out."""


@dataclass
class _Sent:
    """A command on its way: what the device must report, and how many reports it had sent before."""

    index: int
    device: Device
    expected: State
    reports_before: int
    messages: list[Message] = field(default_factory=list)
    """What was published, to send again after a reconnect; empty: never resent."""
    connects: int = 0
    """The connection's `connects` when it was sent."""


class DeviceController:
    """Sets devices over MQTT and says truthfully whether they followed."""

    def __init__(self, link: DeviceLink, confirm_timeout: float = 2.0):
        self.link = link
        self.registry = link.registry
        self.confirm_timeout = confirm_timeout
        """Seconds to wait for the devices of one call to report their new state."""

    def set(self, device_id: str, change: State) -> DeviceOutcome:
        return self.set_many([(device_id, change)])[0]

    def set_many(self, commands: list[tuple[str, State]]) -> list[DeviceOutcome]:
        """Publish every command first, then wait for all of them together (one timeout)."""
        outcomes: list[DeviceOutcome] = []
        sent: list[_Sent] = []
        deadline = time.monotonic() + self.confirm_timeout
        for index, (device_id, change) in enumerate(commands):
            outcomes.append(self._send(index, device_id, change, sent, deadline))
        self._await(sent, outcomes, deadline)
        return outcomes

    def media(self, device_id: str, command: str) -> DeviceOutcome:
        """Next or previous track: changes no state, so any fresh report from the player confirms it."""
        try:
            binding = self.link.binding(device_id)
        except UnknownDevice as error:
            return DeviceOutcome(device_id, Status.REJECTED, message=str(error))
        if binding.media is None or command not in MEDIA_COMMANDS:
            return DeviceOutcome(device_id, Status.REJECTED, message=f"{binding.device.name} cannot do {command!r}")
        sent: list[_Sent] = []
        deadline = time.monotonic() + self.confirm_timeout
        outcomes = [self._publish(0, binding.device, {}, binding.media(command), sent, deadline)]
        self._await(sent, outcomes, deadline)
        return outcomes[0]

    def _send(self, index: int, device_id: str, change: State, sent: list[_Sent], deadline: float) -> DeviceOutcome:
        try:
            binding = self.link.binding(device_id)
            valid = validate_change(binding.device, change)
        except OutOfRange as error:
            return DeviceOutcome(device_id, Status.REFUSED, message=str(error))
        except (InvalidChange, UnknownDevice) as error:
            return DeviceOutcome(device_id, Status.REJECTED, message=str(error))
        return self._publish(index, binding.device, binding.expected(valid), binding.command(valid), sent, deadline)

    def _publish(self, index: int, device: Device, expected: State, messages: list[Message],
                 sent: list[_Sent], deadline: float) -> DeviceOutcome:
        connection = self.link.connection
        reports, connects = self.link.reports(device.id), connection.connects
        if not connection.wait_connected(max(0.0, deadline - time.monotonic())):
            return DeviceOutcome(device.id, Status.OFFLINE, self.registry.state(device.id), BROKER_AWAY)
        if not self.registry.states.is_online(device.id):
            return DeviceOutcome(device.id, Status.OFFLINE, self.registry.state(device.id), f"{device.name} is offline")
        if not all([connection.publish(topic, payload, qos=1) for topic, payload in messages]):
            return DeviceOutcome(device.id, Status.OFFLINE, self.registry.state(device.id), BROKER_AWAY)
        resend = messages if expected else []  # no expected state: a media command, not idempotent
        sent.append(_Sent(index, device, expected, reports, resend, connects))
        return DeviceOutcome(device.id, Status.TIMED_OUT)

    def _await(self, sent: list[_Sent], outcomes: list[DeviceOutcome], deadline: float) -> None:
        if not sent:
            return
        while not self.registry.states.wait_for(lambda: all(self._reached(s) for s in sent),
                                                min(RESEND_EVERY, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                break
            self._resend_after_reconnect(sent)
        for item in sent:
            state = self.registry.state(item.device.id)
            if self._reached(item):
                outcomes[item.index] = DeviceOutcome(item.device.id, Status.CONFIRMED, state)
            else:
                outcomes[item.index] = DeviceOutcome(item.device.id, Status.TIMED_OUT, state, self._silence(item, state))

    def _resend_after_reconnect(self, sent: list[_Sent]) -> None:
        """Publish again what is unconfirmed and was sent before the latest reconnect.

        Repeated until confirmed: the device's side (Zigbee2MQTT) may resubscribe after homebody does.
        """
        connection = self.link.connection
        if not connection.connected:
            return
        for item in sent:
            if item.messages and item.connects != connection.connects and not self._reached(item):
                for topic, payload in item.messages:
                    connection.publish(topic, payload, qos=1)

    def _reached(self, item: _Sent) -> bool:
        if self.link.reports(item.device.id) <= item.reports_before:
            return False
        state = self.registry.state(item.device.id)
        return all(_close(attribute, state.get(attribute), value) for attribute, value in item.expected.items())

    def _silence(self, item: _Sent, state: State) -> str:
        name = item.device.name
        if not self.link.connection.connected:
            return f"{name} didn't respond: homebody has lost the MQTT broker"
        if self.link.reports(item.device.id) <= item.reports_before:
            return f"{name} didn't respond"
        wrong = ", ".join(f"{a} {state.get(a)!r} (asked {v!r})" for a, v in item.expected.items()
                          if not _close(a, state.get(a), v))
        return f"{name} answered but reports {wrong}"


def _close(attribute: str, actual: Any, expected: Any) -> bool:
    """Whether a reported value is what was asked, as far as the device can tell the difference."""
    if attribute == "color":
        return actual == expected or actual == _as_bulb_reports(expected)
    if isinstance(expected, float) or isinstance(actual, float):
        return _is_number(actual) and _is_number(expected) and abs(actual - expected) < 0.05
    return bool(actual == expected)


def _as_bulb_reports(color: Any) -> str | None:
    """The name a colour comes back as from a bulb that reports x/y only (purple comes back magenta)."""
    try:
        return nearest_color_name(xy_to_rgb(*rgb_to_xy(to_rgb(color))))
    except (ValueError, TypeError):
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
