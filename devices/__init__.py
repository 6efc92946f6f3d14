"""Devices: the device model, the household registry, MQTT, codecs, discovery and the virtual home."""

from devices.household import Household, load_household
from devices.model import Device, Kind, State
from devices.registry import Registry, StateStore

__all__ = ["Device", "Household", "Kind", "Registry", "State", "StateStore", "load_household"]
