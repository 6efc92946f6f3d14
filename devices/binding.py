"""How one device speaks MQTT: which topics carry its state and availability, and how to command it.

Zigbee2MQTT devices and Home Assistant discovered devices differ only in their Binding; the
link, the controller and the runtime never look at wire formats themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from devices.model import Device, State

Message = tuple[str, bytes]
"""A (topic, payload) pair to publish."""

StateReader = Callable[[bytes], State]
"""Decodes one state topic's payload into a partial normalized state; ValueError or TypeError on garbage."""

AvailabilityReader = Callable[[bytes], bool | None]
"""Decodes an availability payload: True online, False offline, None not understood."""


@dataclass
class Binding:
    """The MQTT side of one device."""

    device: Device
    readers: dict[str, StateReader]
    """State topic → its decoder; a device may report on several topics (HA climate, fans)."""
    command: Callable[[State], list[Message]]
    """A validated normalized change → the messages that ask the device for it."""
    availability: dict[str, AvailabilityReader] = field(default_factory=dict)
    """Availability topic → its decoder."""
    availability_mode: str = "latest"
    """How several availability topics combine, as Home Assistant's `availability_mode`: `all` (online
    while none says offline), `any` (online while one says online) or `latest` (the last word wins)."""
    media: Callable[[str], list[Message]] | None = None
    """A media command (`next`, `previous`) → its messages; None when the device has none."""
    complete: bool = False
    """Each state message carries the whole state (Zigbee2MQTT), so attributes it lacks are gone."""
    expected: Callable[[State], State] = dict
    """A change → the state the device will report for it (the wire may quantize: mireds, fan modes)."""
