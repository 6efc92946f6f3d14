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
HOUSE_WORDS = {"house", "home", "everywhere", "apartment", "flat", "rooms"}

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

#: Words that carry no name: a similar-sounding match never starts or ends on one.
FUNCTION_WORDS = {
    "the", "a", "an", "to", "at", "in", "on", "of", "for", "my", "our", "your", "me", "us", "by", "with",
    "and", "please", "now", "again", "too", "also", "is", "it", "be", "all", "every", "some", "any",
    "percent", "degrees", "degree", "celsius", "from", "into", "up", "down", "off", "so", "just", "then",
    "there", "here", "this", "that", "its", "room", "i", "we", "you", "would", "like", "want", "can",
    "could", "will", "house", "home", "everything", "each", "thing", "things", "right", "away", "way",
    "bit", "little", "more", "less", "as", "well", "both", "lights", "light", "device", "devices",
    "entire", "whole", "let", "do", "have", "has", "am", "are", "was", "were", "not", "no", "yes",
    "brightness", "level", "value", "setting", "currently", "very", "really", "much", "many", "one",
}

COMMAND_WORDS = {
    "locked", "unlocked", "open", "opened", "closed", "running", "playing", "paused", "muted",
    "temp", "temperature", "volume", "position", "speed", "track", "song", "item", "timer", "minutes",
    "turn", "switch", "set", "make", "put", "start", "stop", "close", "lock", "unlock", "dim",
    "is", "are", "what", "how", "which", "whats", "does", "do", "show", "tell", "mute", "pause", "kill",
}

# ---- Question vocabulary (agent/queries.py, agent/answers.py, agent/wording.py) ---------------
# Modelled on Home Assistant's device classes and its English question sentences.

#: How an answer says a binary sensor's state, per device class: (when on, when off), each a
#: predicate in the singular ("is low", "detects smoke"); answers conjugate it for plurals.
BINARY_PREDICATES: dict[str, tuple[str, str]] = {
    "battery": ("is low", "is normal"), "battery_charging": ("is charging", "is not charging"),
    "carbon_monoxide": ("detects carbon monoxide", "is clear"), "cold": ("is cold", "is normal"),
    "connectivity": ("is connected", "is disconnected"), "door": ("is open", "is closed"),
    "garage_door": ("is open", "is closed"), "gas": ("detects gas", "is clear"), "heat": ("is hot", "is normal"),
    "light": ("detects light", "detects no light"), "lock": ("is unlocked", "is locked"),
    "moisture": ("is wet", "is dry"), "motion": ("detects motion", "is clear"),
    "moving": ("is moving", "is not moving"), "occupancy": ("detects someone", "is clear"),
    "opening": ("is open", "is closed"), "plug": ("is plugged in", "is unplugged"),
    "power": ("is powered", "is not powered"), "presence": ("is home", "is away"),
    "problem": ("has a problem", "is OK"), "running": ("is running", "is not running"),
    "safety": ("is unsafe", "is safe"), "smoke": ("detects smoke", "is clear"),
    "sound": ("detects sound", "is clear"), "tamper": ("detects tampering", "is clear"),
    "update": ("has an update available", "is up to date"), "vibration": ("is vibrating", "is not vibrating"),
    "window": ("is open", "is closed"),
}

#: Words asking whether a binary sensor is on or off: phrase -> {device class: True for on}.
#: "*" stands for every class ("is motion detected", "are any smoke sensors triggered").
BINARY_STATE_WORDS: dict[str, dict[str, bool]] = {
    "on": {"*": True}, "off": {"*": False}, "detected": {"*": True}, "detecting": {"*": True},
    "triggered": {"*": True}, "tripped": {"*": True}, "active": {"*": True}, "activated": {"*": True},
    "inactive": {"*": False}, "clear": {"*": False}, "turned on": {"*": True}, "turned off": {"*": False},
    "going off": {"*": True}, "ringing": {"*": True}, "sounding": {"*": True}, "alarming": {"*": True},
    "low": {"battery": True}, "dead": {"battery": True}, "flat": {"battery": True},
    "charged": {"battery": False}, "full": {"battery": False}, "need charging": {"battery": True},
    "needs charging": {"battery": True}, "need replacing": {"battery": True}, "needs replacing": {"battery": True},
    "need recharging": {"battery": True}, "needs recharging": {"battery": True}, "running low": {"battery": True},
    "running out": {"battery": True},
    "normal": {"battery": False, "cold": False, "heat": False},
    "ok": {"battery": False, "problem": False, "safety": False, "tamper": False, "cold": False, "heat": False},
    "okay": {"battery": False, "problem": False, "safety": False, "tamper": False, "cold": False, "heat": False},
    "fine": {"battery": False, "problem": False, "safety": False, "tamper": False, "cold": False, "heat": False},
    "charging": {"battery_charging": True}, "not charging": {"battery_charging": False},
    "connected": {"connectivity": True}, "online": {"connectivity": True},
    "disconnected": {"connectivity": False}, "offline": {"connectivity": False},
    "not connected": {"connectivity": False},
    "open": {"door": True, "garage_door": True, "opening": True, "window": True},
    "opened": {"door": True, "garage_door": True, "opening": True, "window": True},
    "ajar": {"door": True, "garage_door": True, "opening": True, "window": True},
    "closed": {"door": False, "garage_door": False, "opening": False, "window": False},
    "shut": {"door": False, "garage_door": False, "opening": False, "window": False},
    "locked": {"lock": False}, "unlocked": {"lock": True}, "secure": {"lock": False, "safety": False},
    "wet": {"moisture": True}, "flooded": {"moisture": True}, "leaking": {"moisture": True},
    "dry": {"moisture": False},
    "cold": {"cold": True}, "freezing": {"cold": True}, "too cold": {"cold": True},
    "hot": {"heat": True}, "overheating": {"heat": True}, "overheated": {"heat": True}, "too hot": {"heat": True},
    "occupied": {"occupancy": True, "motion": True}, "unoccupied": {"occupancy": False, "motion": False},
    "plugged in": {"plug": True}, "plugged": {"plug": True}, "unplugged": {"plug": False},
    "not plugged in": {"plug": False},
    "powered": {"power": True}, "powered on": {"power": True}, "powered up": {"power": True},
    "unpowered": {"power": False}, "powered off": {"power": False}, "powered down": {"power": False},
    "not powered": {"power": False}, "power detected": {"power": True},
    "home": {"presence": True}, "at home": {"presence": True}, "present": {"presence": True},
    "away": {"presence": False}, "gone": {"presence": False}, "not home": {"presence": False},
    "not present": {"presence": False},
    "running": {"running": True}, "not running": {"running": False}, "moving": {"moving": True}, "done": {"running": False},
    "finished": {"running": False}, "stopped": {"running": False, "moving": False}, "idle": {"running": False},
    "safe": {"safety": False}, "unsafe": {"safety": True}, "dangerous": {"safety": True},
    "up to date": {"update": False}, "update available": {"update": True}, "updates available": {"update": True},
    "available": {"update": True}, "outdated": {"update": True}, "out of date": {"update": True},
    "vibrating": {"vibration": True}, "not vibrating": {"vibration": False}, "shaking": {"vibration": True},
    "no light": {"light": False}, "dark": {"light": False}, "need updating": {"update": True},
    "needs updating": {"update": True}, "need an update": {"update": True}, "needs an update": {"update": True},
    "tampered": {"tamper": True}, "tampered with": {"tamper": True},
}

#: Words asking for the state of a controllable device: phrase -> the state value meant.
KIND_STATE_WORDS: dict[str, str] = {
    "on": "on", "off": "off", "turned on": "on", "turned off": "off", "switched on": "on",
    "switched off": "off", "powered on": "on", "powered off": "off", "running": "on", "lit": "on",
    "open": "open", "opened": "open", "closed": "closed", "shut": "closed", "up": "open", "down": "closed",
    "locked": "locked", "unlocked": "unlocked", "secure": "locked",
    "playing": "playing", "paused": "paused", "muted": "muted", "unmuted": "unmuted",
}

#: Nouns for what a sensor senses: phrase -> binary-sensor and sensor device classes.
SENSED_NOUNS: dict[str, frozenset[str]] = {
    "battery": frozenset({"battery", "battery_charging"}), "batteries": frozenset({"battery", "battery_charging"}),
    "charger": frozenset({"battery_charging", "plug"}),
    "carbon monoxide": frozenset({"carbon_monoxide"}), "co": frozenset({"carbon_monoxide"}),
    "carbon dioxide": frozenset({"carbon_dioxide"}), "co2": frozenset({"carbon_dioxide"}),
    "gas": frozenset({"gas"}), "smoke": frozenset({"smoke"}), "fire": frozenset({"smoke", "heat"}),
    "leak": frozenset({"moisture"}), "leaks": frozenset({"moisture"}), "flood": frozenset({"moisture"}),
    "water": frozenset({"moisture", "water"}), "moisture": frozenset({"moisture"}),
    "motion": frozenset({"motion"}), "movement": frozenset({"motion", "moving"}),
    "occupancy": frozenset({"occupancy"}), "presence": frozenset({"presence", "occupancy"}),
    "opening": frozenset({"opening"}), "openings": frozenset({"opening"}),
    "sound": frozenset({"sound"}), "noise": frozenset({"sound"}), "vibration": frozenset({"vibration"}),
    "update": frozenset({"update"}), "updates": frozenset({"update"}),
    "problem": frozenset({"problem"}), "problems": frozenset({"problem"}), "issue": frozenset({"problem"}),
    "issues": frozenset({"problem"}), "fault": frozenset({"problem"}), "faults": frozenset({"problem"}),
    "connection": frozenset({"connectivity"}), "connectivity": frozenset({"connectivity"}),
    "power": frozenset({"power"}), "mains": frozenset({"power"}), "electricity": frozenset({"power"}),
    "tampering": frozenset({"tamper"}), "tamper": frozenset({"tamper"}),
    "cold": frozenset({"cold"}), "heat": frozenset({"heat"}), "safety": frozenset({"safety"}),
    "humidity": frozenset({"humidity"}), "pressure": frozenset({"pressure", "atmospheric_pressure"}),
}

#: Words that name everything, not one kind: "are any devices connected", "which things are hot".
ANY_THING_WORDS = {"device", "devices", "thing", "things", "anything", "something", "everything",
                   "appliance", "appliances", "sensor", "sensors", "detector", "detectors", "item", "items"}

#: What a sensor measures, by device class: the words a question uses for it.
MEASURE_WORDS: dict[str, tuple[str, ...]] = {
    "apparent_power": ("apparent power", "apparent"), "aqi": ("air quality", "aqi", "air quality index"),
    "atmospheric_pressure": ("air pressure", "atmospheric pressure", "barometric pressure", "barometer"),
    "battery": ("battery", "charge", "battery level", "remaining battery"), "carbon_dioxide": ("co2", "carbon dioxide"),
    "carbon_monoxide": ("co", "carbon monoxide"), "current": ("current", "amps", "amperage", "electric current"),
    "data_rate": ("download", "upload", "speed", "rate", "bandwidth", "data rate"),
    "data_size": ("size", "data size", "amount of data"),
    "date": ("date", "day", "when"), "distance": ("distance", "mileage", "far"),
    "duration": ("duration", "long", "time"), "energy": ("energy", "produced", "production", "consumption"),
    "energy_storage": ("stored energy", "stored"), "frequency": ("frequency",), "gas": ("gas",),
    "humidity": ("humidity", "humid", "relative humidity"), "illuminance": ("illuminance", "light level", "brightness", "bright", "lux"),
    "irradiance": ("irradiance", "irradiation", "radiation"), "moisture": ("moisture", "wet", "ratio of water"),
    "monetary": ("cost", "price", "much", "money", "cash"),
    "nitrogen_dioxide": ("no2", "nitrogen dioxide"), "nitrogen_monoxide": ("no", "nitrogen monoxide", "nitric oxide"),
    "nitrous_oxide": ("n2o", "nitrous oxide"), "ozone": ("ozone", "o3"), "pm1": ("pm1",),
    "pm25": ("pm2.5", "pm25", "fine particles"), "pm10": ("pm10",), "power_factor": ("power factor",),
    "power": ("power", "watts", "wattage", "drawing", "using"),
    "precipitation": ("rain", "rainfall", "precipitation", "accumulated", "total", "snow", "snowfall"),
    "precipitation_intensity": ("rain", "rainfall", "precipitation", "intensity", "rate", "snow", "snowfall"),
    "pressure": ("pressure",), "reactive_power": ("reactive power", "reactive"),
    "signal_strength": ("signal", "signal strength", "reception"), "sound_pressure": ("acoustic pressure", "noise", "loud", "sound level"),
    "speed": ("speed", "fast", "velocity"), "sulphur_dioxide": ("so2", "sulphur dioxide", "sulfur dioxide"),
    "temperature": ("temperature", "temp", "warm", "hot", "cold"),
    "volatile_organic_compounds": ("voc", "vocs", "organic compounds"),
    "volatile_organic_compounds_parts": ("voc", "vocs", "organic compounds"),
    "voltage": ("voltage", "volts"), "volume": ("volume", "used", "usage"), "volume_storage": ("stored volume", "stored", "buffer"),
    "water": ("water", "consumed water", "consumption"), "weight": ("weight", "heavy", "weigh"),
    "wind_speed": ("wind", "wind speed", "speed", "fast"),
}

#: How answers name a group of devices by kind or device class: (singular, plural).
CLASS_NOUNS: dict[str, tuple[str, str]] = {
    "battery": ("battery", "batteries"), "battery_charging": ("battery", "batteries"),
    "carbon_monoxide": ("carbon monoxide sensor", "carbon monoxide sensors"),
    "cold": ("device", "devices"), "heat": ("device", "devices"), "connectivity": ("device", "devices"),
    "door": ("door", "doors"), "garage_door": ("garage door", "garage doors"), "gas": ("gas sensor", "gas sensors"),
    "light": ("light sensor", "light sensors"), "lock": ("door", "doors"), "moisture": ("water sensor", "water sensors"),
    "motion": ("motion sensor", "motion sensors"), "moving": ("device", "devices"),
    "occupancy": ("occupancy sensor", "occupancy sensors"), "opening": ("opening", "openings"),
    "plug": ("device", "devices"), "power": ("device", "devices"), "presence": ("device", "devices"),
    "problem": ("device", "devices"), "running": ("device", "devices"), "safety": ("sensor", "sensors"),
    "smoke": ("smoke sensor", "smoke sensors"), "sound": ("sound sensor", "sound sensors"),
    "tamper": ("sensor", "sensors"), "update": ("device", "devices"), "vibration": ("device", "devices"),
    "window": ("window", "windows"),
    "curtain": ("curtain", "curtains"), "blind": ("blind", "blinds"), "shade": ("shade", "shades"),
    "shutter": ("shutter", "shutters"), "awning": ("awning", "awnings"), "garage": ("garage door", "garage doors"),
    "gate": ("gate", "gates"),
    "light*": ("light", "lights"), "switch*": ("switch", "switches"), "fan*": ("fan", "fans"),
    "cover*": ("cover", "covers"), "lock*": ("door", "doors"), "climate*": ("thermostat", "thermostats"),
    "media_player*": ("player", "players"), "sensor*": ("sensor", "sensors"), "binary_sensor*": ("sensor", "sensors"),
}

#: Spoken unit names for the units sensors report in.
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "%": ("percent", "percent"), "C": ("degree", "degrees"), "°C": ("degree", "degrees"),
    "F": ("degree Fahrenheit", "degrees Fahrenheit"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "K": ("kelvin", "kelvin"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "Wh": ("watt hour", "watt hours"), "kWh": ("kilowatt hour", "kilowatt hours"), "MWh": ("megawatt hour", "megawatt hours"),
    "V": ("volt", "volts"), "mV": ("millivolt", "millivolts"), "A": ("amp", "amps"), "mA": ("milliamp", "milliamps"),
    "VA": ("volt-ampere", "volt-amperes"), "var": ("volt-ampere reactive", "volt-amperes reactive"),
    "VAR": ("volt-ampere reactive", "volt-amperes reactive"), "Hz": ("hertz", "hertz"),
    "hPa": ("hectopascal", "hectopascals"), "Pa": ("pascal", "pascals"), "kPa": ("kilopascal", "kilopascals"),
    "mbar": ("millibar", "millibars"), "bar": ("bar", "bar"), "psi": ("psi", "psi"), "inHg": ("inch of mercury", "inches of mercury"),
    "ppm": ("part per million", "parts per million"), "ppb": ("part per billion", "parts per billion"),
    "µg/m³": ("microgram per cubic meter", "micrograms per cubic meter"),
    "mg/m³": ("milligram per cubic meter", "milligrams per cubic meter"),
    "m": ("meter", "meters"), "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "in": ("inch", "inches"),
    "km/h": ("kilometer per hour", "kilometers per hour"), "m/s": ("meter per second", "meters per second"),
    "mph": ("mile per hour", "miles per hour"), "mm/h": ("millimeter per hour", "millimeters per hour"),
    "in/h": ("inch per hour", "inches per hour"),
    "L": ("liter", "liters"), "mL": ("milliliter", "milliliters"), "m³": ("cubic meter", "cubic meters"),
    "gal": ("gallon", "gallons"), "ft³": ("cubic foot", "cubic feet"),
    "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"), "lb": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "lx": ("lux", "lux"), "lux": ("lux", "lux"), "W/m²": ("watt per square meter", "watts per square meter"),
    "dB": ("decibel", "decibels"), "dBA": ("decibel", "decibels"), "dBm": ("dBm", "dBm"),
    "s": ("second", "seconds"), "min": ("minute", "minutes"), "h": ("hour", "hours"), "d": ("day", "days"),
    "B": ("byte", "bytes"), "kB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "kB/s": ("kilobyte per second", "kilobytes per second"), "MB/s": ("megabyte per second", "megabytes per second"),
    "Mbit/s": ("megabit per second", "megabits per second"), "Gbit/s": ("gigabit per second", "gigabits per second"),
    "EUR": ("euro", "euros"), "€": ("euro", "euros"), "USD": ("dollar", "dollars"), "$": ("dollar", "dollars"),
    "GBP": ("pound", "pounds"), "£": ("pound", "pounds"),
}


def lexicon_words() -> set[str]:
    """The words above that mean something on their own: "fire" only means "on" in "fire up"."""
    phrases = [*FUNCTION_WORDS, *COMMAND_WORDS, *ON_VERBS, *OFF_VERBS, *KIND_WORDS, *ALL_WORDS, *HERE_WORDS,
               *HOUSE_WORDS, *COLOR_TEMPERATURES, *ANY_THING_WORDS, *MEASURE_WORDS, *CLASS_NOUNS, *UNIT_WORDS,
               *KIND_STATE_WORDS, *SENSED_NOUNS]
    return {phrase for phrase in phrases if " " not in phrase}
