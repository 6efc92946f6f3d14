"""The words the voice layer itself looks at, from speech.toml (the recognizer's are in the language file)."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def speech_words() -> dict[str, Any]:
    return tomllib.loads(resources.files("agent.voice").joinpath("speech.toml").read_text(encoding="utf-8"))
