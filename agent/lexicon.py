"""The household-independent vocabulary of English home control: kinds, verbs, colours, states.

Names of this household's devices, areas and floors never appear here; they come from the
registry (agent/mentions.py). Everything here is what any English-speaking home shares.
"""

from __future__ import annotations

from devices.model import Kind

#: Generic words for a kind of device (plural forms included), and an optional device class.
KIND_WORDS: dict[str, tuple[Kind, str | None]] = {
    "light": (Kind.LIGHT, None), "lights": (Kind.LIGHT, None), "lamp": (Kind.LIGHT, None),
    "lamps": (Kind.LIGHT, None), "lighting": (Kind.LIGHT, None), "bulb": (Kind.LIGHT, None),
    "bulbs": (Kind.LIGHT, None),
    "switch": (Kind.SWITCH, None), "switches": (Kind.SWITCH, None), "plug": (Kind.SWITCH, None),
    "plugs": (Kind.SWITCH, None), "socket": (Kind.SWITCH, None),
    "fan": (Kind.FAN, None), "fans": (Kind.FAN, None),
    "blind": (Kind.COVER, "blind"), "blinds": (Kind.COVER, "blind"), "shade": (Kind.COVER, "shade"),
    "shades": (Kind.COVER, "shade"), "curtain": (Kind.COVER, "curtain"), "curtains": (Kind.COVER, "curtain"),
    "cover": (Kind.COVER, None), "covers": (Kind.COVER, None), "shutter": (Kind.COVER, "shutter"),
    "shutters": (Kind.COVER, "shutter"), "awning": (Kind.COVER, "awning"), "awnings": (Kind.COVER, "awning"),
    "garage door": (Kind.COVER, "garage"), "garage doors": (Kind.COVER, "garage"),
    "gate": (Kind.COVER, "gate"), "gates": (Kind.COVER, "gate"),
    "window": (Kind.COVER, "window"), "windows": (Kind.COVER, "window"),
    "lock": (Kind.LOCK, None), "locks": (Kind.LOCK, None), "door": (Kind.LOCK, None),
    "doors": (Kind.LOCK, None),
    "thermostat": (Kind.CLIMATE, None), "thermostats": (Kind.CLIMATE, None),
    "heating": (Kind.CLIMATE, None), "radiator": (Kind.CLIMATE, None), "radiators": (Kind.CLIMATE, None),
    "hvac": (Kind.CLIMATE, None), "ac": (Kind.CLIMATE, None), "air conditioning": (Kind.CLIMATE, None),
    "climate": (Kind.CLIMATE, None),
    "tv": (Kind.MEDIA_PLAYER, None), "television": (Kind.MEDIA_PLAYER, None),
    "speaker": (Kind.MEDIA_PLAYER, None), "speakers": (Kind.MEDIA_PLAYER, None),
    "media player": (Kind.MEDIA_PLAYER, None), "music": (Kind.MEDIA_PLAYER, None),
    "sensor": (Kind.SENSOR, None), "sensors": (Kind.SENSOR, None),
}

#: Words meaning every device (of a kind) in scope.
ALL_WORDS = {"all", "every", "everything", "each", "entire", "whole", "any"}
HERE_WORDS = {"here", "this room", "in here", "the room", "this area"}
HOUSE_WORDS = {"house", "home", "everywhere", "apartment", "flat"}

ON_VERBS = (
    "turn on", "switch on", "put on", "power on", "start", "activate", "enable", "light up",
    "illuminate", "bring on", "fire up", "boot up", "launch", "flip on", "lights on", "on",
)
OFF_VERBS = (
    "turn off", "switch off", "shut off", "shut down", "power off", "put off", "kill", "stop",
    "deactivate", "disable", "cut", "flip off", "off", "out",
)

COLOR_TEMPERATURES = {
    "warm white": 2700, "warm": 2700, "soft white": 2700, "candlelight": 2000, "candle light": 2000,
    "cool white": 5000, "cold white": 5500, "daylight": 6500, "day light": 6500, "neutral white": 4000,
    "natural white": 4000, "bright white": 5000, "cool": 5000,
}

#: Binary-sensor device classes: the word a person uses for `on` and for `off`.
BINARY_CLASS_WORDS: dict[str, tuple[str, str]] = {
    "battery": ("low", "normal"), "battery_charging": ("charging", "not charging"),
    "carbon_monoxide": ("detected", "clear"), "cold": ("cold", "normal"),
    "connectivity": ("connected", "disconnected"), "door": ("open", "closed"),
    "garage_door": ("open", "closed"), "gas": ("detected", "clear"), "heat": ("hot", "normal"),
    "light": ("light detected", "no light"), "lock": ("unlocked", "locked"),
    "moisture": ("wet", "dry"), "motion": ("detected", "clear"), "moving": ("moving", "not moving"),
    "occupancy": ("detected", "clear"), "opening": ("open", "closed"), "plug": ("plugged in", "unplugged"),
    "power": ("on", "off"), "presence": ("home", "away"), "problem": ("a problem", "ok"),
    "running": ("running", "not running"), "safety": ("unsafe", "safe"), "smoke": ("detected", "clear"),
    "sound": ("detected", "clear"), "tamper": ("tampering detected", "clear"),
    "update": ("update available", "up to date"), "vibration": ("detected", "clear"),
    "window": ("open", "closed"),
}

#: Words that carry no name: a similar-sounding match never starts or ends on one.
FUNCTION_WORDS = {
    "the", "a", "an", "to", "at", "in", "on", "of", "for", "my", "our", "your", "me", "us", "by", "with",
    "and", "please", "now", "again", "too", "also", "is", "it", "be", "all", "every", "some", "any",
    "percent", "degrees", "degree", "celsius", "from", "into", "up", "down", "off", "so", "just", "then",
    "there", "here", "this", "that", "its", "room", "i", "we", "you", "would", "like", "want", "can",
    "could", "will", "house", "home", "everything", "each", "thing", "things", "right", "away", "way",
    "way", "bit", "little", "more", "less", "as", "well", "both", "lights", "light", "device", "devices",
    "entire", "whole", "let", "do", "have", "has", "am", "are", "was", "were", "not", "no", "yes",
    "brightness", "level", "value", "setting", "currently", "very", "really", "much", "many", "one",
}

COMMAND_WORDS = {
    "temp", "temperature", "volume", "position", "speed", "track", "song", "item", "timer", "minutes",
    "turn", "switch", "set", "make", "put", "start", "stop", "open", "close", "lock", "unlock", "dim",
    "is", "are", "what", "how", "which", "whats", "does", "do", "show", "tell", "mute", "pause", "kill",
}
