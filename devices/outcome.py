"""What a device command came to: one outcome per device, with a status from a fixed set."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a device answered a command."""

    CONFIRMED = "confirmed"
    """The device reported the state it was told to take."""
    TIMED_OUT = "timed_out"
    """No report of that state within the confirm timeout."""
    REJECTED = "rejected"
    """Not sent: an unknown device or a change it cannot take."""
    OFFLINE = "offline"
    """Not sent: the device or the broker is unreachable."""
    ALREADY = "already"
    """Not sent: the device is already in that state."""
    REFUSED = "refused"
    """Not sent: a value outside what the device allows."""


BROKER_AWAY = "homebody can't reach the devices: the MQTT broker is not connected"
"""The message of every OFFLINE outcome of a command not sent because the broker is away."""


@dataclass
class DeviceOutcome:
    """What happened to one device in a turn."""

    device_id: str
    status: Status
    state: dict[str, Any] = field(default_factory=dict)
    """The device's normalized state after the command, as far as it is known."""
    message: str = ""
    """Why it was not confirmed, in words a reply can use."""

    def to_json(self) -> dict[str, Any]:
        return {"device_id": self.device_id, "status": self.status.value, "state": dict(self.state),
                "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeviceOutcome:
        return cls(data["device_id"], Status(data["status"]), dict(data.get("state", {})), data.get("message", ""))
