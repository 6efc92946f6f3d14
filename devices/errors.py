"""The project's one error hierarchy: exceptions become words only at the edges."""


class HomebodyError(Exception):
    """Root of every error homebody raises on purpose."""


class ConfigError(HomebodyError):
    """A config or household file is missing, unreadable or has a wrong value."""


class UnknownDevice(HomebodyError):
    """A device id that the registry does not hold."""


class InvalidChange(HomebodyError):
    """A requested state change the device cannot take (wrong attribute, type or value)."""


class OutOfRange(InvalidChange):
    """A value outside the device's limits; carries the limits so they can be spoken."""

    def __init__(self, device_name: str, attribute: str, low: float, high: float, value: float):
        self.device_name, self.attribute = device_name, attribute
        self.low, self.high, self.value = low, high, value
        super().__init__(f"{device_name}: {attribute} {value:g} is outside {low:g}–{high:g}")


class BrokerUnavailable(HomebodyError):
    """The MQTT broker cannot be reached or refused the connection."""


class StoreError(HomebodyError):
    """The household database cannot be read or written."""


class ModelUnavailable(HomebodyError):
    """A language model is not installed, not downloaded, corrupt, or its server cannot be reached."""
