"""The MQTT connection settings (`[mqtt]` in config.toml): the one slice of settings the device layer reads."""

from __future__ import annotations

from dataclasses import dataclass

@dataclass
class MqttSettings:
    host: str = ""
    """Broker host; empty starts an embedded broker on loopback."""
    port: int = 1883
    username: str = ""
    password: str = ""
    tls: bool = False
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""
    client_id: str = "homebody"
    confirm_timeout: float = 2.0
    """Seconds to wait for a device to report the state it was told to take."""
    discovery: bool = True
    """Listen to zigbee2mqtt/bridge/devices and homeassistant/+/+/config."""
