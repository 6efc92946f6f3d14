"""When the LLM planner runs: off until a model or endpoint is configured, and one line at start says so."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from agent.app import build_planner
from agent.config import LlmSettings, Settings
from agent.llm import LlmPlanner, llm_use
from agent.llm.backends import answering_model
from devices.household import load_household
from devices.registry import Registry

REPO = Path(__file__).resolve().parents[1]
QWEN = "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf"


@pytest.mark.parametrize(("understanding", "model", "endpoint", "mode"), [
    ("fallback", "", "", "off"),                        # the default: nothing to ask
    ("always", "", "", "off"),
    ("fallback", "   ", "", "off"),
    ("off", QWEN, "", "off"),                           # off is off, whatever is configured
    ("off", "", "http://gpu-box:8080/v1", "off"),
    ("fallback", QWEN, "", "fallback"),                 # a model the user pulled
    ("always", "/srv/models/llama.gguf", "", "always"),
    ("fallback", "", "http://gpu-box:8080/v1", "fallback"),  # a server, with its default model
    ("fallback", "qwen2.5:1.5b", "http://gpu-box:11434/v1", "fallback"),
    ("fallback", "smollm2-135m", "", "fallback"),       # a packaged toy, chosen by name
    ("always", "gemma3-270m", "", "always"),
])
def test_the_planner_runs_only_with_a_model_or_endpoint_configured(understanding: str, model: str, endpoint: str,
                                                                   mode: str) -> None:
    assert llm_use(understanding, LlmSettings(model=model, endpoint=endpoint)).mode == mode


@pytest.mark.parametrize(("understanding", "model", "endpoint", "warn", "says"), [
    ("fallback", "", "", True, ["LLM fallback is off", "no language model is configured", "llm.endpoint",
                                "llm.model", "docs/models.md"]),
    ("off", QWEN, "", False, ['understanding.llm = "off"']),
    ("fallback", QWEN, "", False, [QWEN, "when the recognizer is unsure"]),
    ("always", "", "http://gpu-box:8080/v1", False, ["http://gpu-box:8080/v1", "for every request"]),
    ("fallback", "smollm2-135m", "", False, ["smollm2-135m", "tiny packaged model", "rarely right"]),
])
def test_the_start_line_says_what_the_planner_does_and_how_to_turn_it_on(understanding: str, model: str,
                                                                         endpoint: str, warn: bool,
                                                                         says: list[str]) -> None:
    use = llm_use(understanding, LlmSettings(model=model, endpoint=endpoint))
    assert use.warn is warn
    for words in says:
        assert words in use.message


@pytest.mark.parametrize("model", [QWEN, "smollm2-135m"])
def test_without_the_llm_extra_a_local_model_is_off_and_the_line_says_how_to_install_it(
        model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An install without llama-cpp-python (`pip install homebody`, no `[llm]`): a model to run here is off, said
    once; a server needs nothing installed."""
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # what an import of a package not installed meets
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *_: None if name == "llama_cpp" else SimpleNamespace())
    use = llm_use("fallback", LlmSettings(model=model))
    assert use.mode == "off" and use.warn and "[llm]" in use.message and "llama-cpp-python" in use.message
    assert llm_use("fallback", LlmSettings(endpoint="http://gpu-box:8080/v1")).mode == "fallback"
    assert not answering_model(LlmSettings(model=QWEN)) and answering_model(LlmSettings(endpoint="http://x:1/v1"))


def test_the_default_settings_build_no_planner_and_warn_once(caplog: pytest.LogCaptureFixture) -> None:
    household = load_household()
    with caplog.at_level(logging.INFO, logger="agent.app"):
        planner = build_planner(Registry.from_household(household), household, Settings(), NO_SKILLS)
    assert planner is None
    said = [r for r in caplog.records if r.name == "agent.app"]
    assert [r.levelno for r in said] == [logging.WARNING]
    assert "LLM fallback is off" in said[0].getMessage()


def test_a_configured_model_builds_the_planner_without_loading_it(caplog: pytest.LogCaptureFixture) -> None:
    household = load_household()
    settings = Settings()
    settings.llm.model = "/nonexistent/chosen.gguf"  # loaded on first use only: building it reads no file
    with caplog.at_level(logging.INFO, logger="agent.app"):
        planner = build_planner(Registry.from_household(household), household, settings, NO_SKILLS)
    assert isinstance(planner, LlmPlanner)
    planner.close()
    assert [r.levelno for r in caplog.records if r.name == "agent.app"] == [logging.INFO]


def test_a_user_sees_the_line_at_start_without_verbose_logging(tmp_path: Path) -> None:
    env = {**os.environ, "HOMEBODY_HOUSEHOLD_DATABASE": str(tmp_path / "home.db"), "HOMEBODY_MQTT_HOST": ""}
    env = {k: v for k, v in env.items() if not k.startswith(("HOMEBODY_LLM_", "HOMEBODY_UNDERSTANDING_"))}
    done = subprocess.run([sys.executable, "-m", "agent.cli.main", "ask", "turn on the porch light"],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "LLM" in line]
    assert len(lines) == 1 and "LLM fallback is off" in lines[0] and "llm.endpoint" in lines[0], done.stderr


NO_SKILLS = SimpleNamespace(tools=lambda: [])
"""A skill host with no skill tools: all build_planner asks of it."""
