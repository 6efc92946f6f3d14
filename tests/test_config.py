"""Settings: defaults (kept equal to the documented config.toml), the file, HOMEBODY_* variables, env: secrets."""

from __future__ import annotations

import dataclasses
import json
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.config import Settings, load_settings
from devices.errors import ConfigError

CONFIG_TOML = REPO / "config.toml"
SECTIONS = {f.name: f.type for f in dataclasses.fields(Settings)}


def documented() -> dict[str, dict[str, Any]]:
    return tomllib.loads(CONFIG_TOML.read_text(encoding="utf-8"))


def every_default() -> list[tuple[str, str]]:
    defaults = Settings()
    return [(section, f.name) for section in SECTIONS for f in dataclasses.fields(getattr(defaults, section))]


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "homebody.toml"
    file.write_text(text, encoding="utf-8")
    return file


# ---- defaults equal the repository's config.toml -----------------------------------------------


@pytest.mark.parametrize("section, key", every_default())
def test_every_default_is_documented_in_config_toml_with_the_same_value(section: str, key: str):
    value = getattr(getattr(Settings(), section), key)
    written = documented()[section][key]
    assert written == value and type(written) is type(value)


def test_config_toml_documents_nothing_that_is_not_a_setting():
    known = set(every_default())
    assert {(section, key) for section, values in documented().items() for key in values} <= known


def test_loading_config_toml_gives_the_defaults():
    assert load_settings(CONFIG_TOML, environ={}) == Settings()
    assert load_settings(None, environ={}) == Settings()


# ---- the file ---------------------------------------------------------------------------------


def test_a_file_overrides_only_the_keys_it_names(tmp_path: Path):
    file = write(tmp_path, '[mqtt]\nhost = "10.0.0.2"\nport = 8883\ntls = true\n[safety]\nconfirm_seconds = 5\n')
    loaded = load_settings(file, environ={})
    assert (loaded.mqtt.host, loaded.mqtt.port, loaded.mqtt.tls) == ("10.0.0.2", 8883, True)
    assert loaded.safety.confirm_seconds == 5.0 and type(loaded.safety.confirm_seconds) is float
    assert loaded.mqtt.client_id == "homebody"
    assert loaded.llm == Settings().llm


@pytest.mark.parametrize(
    "text, section, key, value",
    [
        ('[mqtt]\ntls = "yes"\n', "mqtt", "tls", True),
        ('[mqtt]\nport = "1884"\n', "mqtt", "port", 1884),
        ('[understanding]\nconfidence = "0.25"\n', "understanding", "confidence", 0.25),
        ("[understanding]\nconfidence = 1\n", "understanding", "confidence", 1.0),
        ("[llm]\nload_at_start = true\n", "llm", "load_at_start", True),
        ('[voice]\nstt_model = "base.en"\n', "voice", "stt_model", "base.en"),
        ("[mqtt]\n", "mqtt", "port", 1883),
    ],
)
def test_file_values_are_read_as_the_setting_type(tmp_path: Path, text, section, key, value):
    loaded = getattr(load_settings(write(tmp_path, text), environ={}), section)
    assert getattr(loaded, key) == value and type(getattr(loaded, key)) is type(value)


# ---- environment overrides ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, text, section, key, value",
    [
        ("HOMEBODY_MQTT_HOST", "192.168.1.10", "mqtt", "host", "192.168.1.10"),
        ("HOMEBODY_MQTT_PORT", "8883", "mqtt", "port", 8883),
        ("HOMEBODY_MQTT_TLS", "true", "mqtt", "tls", True),
        ("HOMEBODY_MQTT_TLS", "Yes", "mqtt", "tls", True),
        ("HOMEBODY_MQTT_TLS", "1", "mqtt", "tls", True),
        ("HOMEBODY_MQTT_TLS", "on", "mqtt", "tls", True),
        ("HOMEBODY_MQTT_DISCOVERY", "false", "mqtt", "discovery", False),
        ("HOMEBODY_MQTT_DISCOVERY", "0", "mqtt", "discovery", False),
        ("HOMEBODY_MQTT_DISCOVERY", "NO", "mqtt", "discovery", False),
        ("HOMEBODY_MQTT_DISCOVERY", "off", "mqtt", "discovery", False),
        ("HOMEBODY_MQTT_CONFIRM_TIMEOUT", "0.5", "mqtt", "confirm_timeout", 0.5),
        ("HOMEBODY_MQTT_CONFIRM_TIMEOUT", "3", "mqtt", "confirm_timeout", 3.0),
        ("HOMEBODY_LLM_N_THREADS", "8", "llm", "n_threads", 8),
        ("HOMEBODY_UNDERSTANDING_LLM", "off", "understanding", "llm", "off"),
        ("HOMEBODY_SAFETY_ACTUATIONS_PER_MINUTE", "3", "safety", "actuations_per_minute", 3),
        ("HOMEBODY_SKILLS_TOOL_TIMEOUT", "1.5", "skills", "tool_timeout", 1.5),
        ("HOMEBODY_HOUSEHOLD_FILE", "/srv/home.toml", "household", "file", "/srv/home.toml"),
    ],
)
def test_environment_variables_override_with_typed_values(name, text, section, key, value):
    loaded = getattr(load_settings(None, environ={name: text}), section)
    assert getattr(loaded, key) == value and type(getattr(loaded, key)) is type(value)


def test_environment_wins_over_the_file(tmp_path: Path):
    file = write(tmp_path, '[mqtt]\nhost = "from-file"\nport = 1000\n')
    loaded = load_settings(file, environ={"HOMEBODY_MQTT_HOST": "from-env"})
    assert (loaded.mqtt.host, loaded.mqtt.port) == ("from-env", 1000)


def test_variables_without_the_prefix_or_of_no_section_are_ignored():
    environ = {"MQTT_HOST": "x", "HOMEBODY_HOME": "y", "HOMEBODY_NOSECTION_KEY": "z"}
    assert load_settings(None, environ=environ) == Settings()


# ---- env:NAME secrets -------------------------------------------------------------------------


def test_env_reference_in_the_file_reads_the_variable(tmp_path: Path):
    file = write(tmp_path, '[mqtt]\npassword = "env:MQTT_PASSWORD"\nport = "env:MQTT_PORT"\n')
    loaded = load_settings(file, environ={"MQTT_PASSWORD": "s3cret", "MQTT_PORT": "1999"})
    assert (loaded.mqtt.password, loaded.mqtt.port) == ("s3cret", 1999)


def test_env_reference_in_an_override_reads_the_variable():
    loaded = load_settings(None, environ={"HOMEBODY_MQTT_PASSWORD": "env:SECRET", "SECRET": "pw"})
    assert loaded.mqtt.password == "pw"


def test_env_reference_to_an_unset_variable_is_a_config_error(tmp_path: Path):
    file = write(tmp_path, '[mqtt]\npassword = "env:MQTT_PASSWORD"\n')
    with pytest.raises(ConfigError) as raised:
        load_settings(file, environ={})
    message = str(raised.value)
    assert str(file) in message and "mqtt.password" in message and "MQTT_PASSWORD" in message


# ---- broken values: ConfigError naming file and key ----------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        ('[mqtt]\nport = "eighty"\n', "mqtt.port"),
        ("[mqtt]\nport = 1883.5\n", "mqtt.port"),
        ("[mqtt]\nport = true\n", "mqtt.port"),
        ('[mqtt]\ntls = "maybe"\n', "mqtt.tls"),
        ("[mqtt]\ntls = 1\n", "mqtt.tls"),
        ("[mqtt]\nhost = 5\n", "mqtt.host"),
        ("[mqtt]\nhost = [\"a\"]\n", "mqtt.host"),
        ("[understanding]\nconfidence = \"high\"\n", "understanding.confidence"),
        ("[understanding]\nconfidence = false\n", "understanding.confidence"),
        ("[llm]\nn_ctx = { size = 1 }\n", "llm.n_ctx"),
        ("[mqtt]\nhots = \"x\"\n", "mqtt.hots"),
        ("[mqttt]\nhost = \"x\"\n", "[mqttt]"),
        ("mqtt = 5\n", "[mqtt]"),
        ("[mqtt\n", "not valid TOML"),
    ],
)
def test_broken_values_raise_config_error_naming_file_and_key(tmp_path: Path, text: str, names: str):
    file = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_settings(file, environ={})
    assert str(file) in str(raised.value) and names in str(raised.value)


@pytest.mark.parametrize(
    "name, text, names",
    [
        ("HOMEBODY_MQTT_PORT", "eighty", "mqtt.port"),
        ("HOMEBODY_MQTT_PORT", "1883.0", "mqtt.port"),
        ("HOMEBODY_MQTT_TLS", "sometimes", "mqtt.tls"),
        ("HOMEBODY_UNDERSTANDING_CONFIDENCE", "high", "understanding.confidence"),
        ("HOMEBODY_MQTT_HOTS", "x", "mqtt.hots"),
    ],
)
def test_broken_environment_values_raise_config_error_naming_the_variable_key(name, text, names):
    with pytest.raises(ConfigError) as raised:
        load_settings(None, environ={name: text})
    assert str(raised.value).startswith("environment:") and names in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "[mqttt]\n",
        "[__init__]\n",
        pytest.param("[__class__]\n"),
    ],
)
def test_an_unknown_section_is_a_config_error_even_when_empty(tmp_path: Path, text: str):
    with pytest.raises(ConfigError, match="unknown section"):
        load_settings(write(tmp_path, text), environ={})


@pytest.mark.parametrize(
    "text",
    [
        '[understanding]\nllm = "sometimes"\n',
        "[mqtt]\nport = 70000\n",
        "[mqtt]\nport = -1\n",
        "[safety]\nconfirm_seconds = -5\n",
        '[mqtt]\nconfirm_timeout = "nan"\n',
    ],
)
def test_values_outside_their_documented_choices_or_range_are_config_errors(tmp_path: Path, text: str):
    with pytest.raises(ConfigError):
        load_settings(write(tmp_path, text), environ={})


def test_a_missing_or_unreadable_config_file_is_a_config_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "none.toml", environ={})
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path, environ={})


# ---- arbitrary input never raises anything but ConfigError --------------------------------------

KEYS = sorted({key for _, key in every_default()})
scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.sampled_from(["env:HOME_SECRET", "env:UNSET", "true", "off", "12", "1.5", "", "env:"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(KEYS), inner, max_size=2), max_leaves=6)
names = st.one_of(st.sampled_from(KEYS), st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12))
sections = st.one_of(st.sampled_from(sorted(SECTIONS)), st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10))
documents = st.dictionaries(sections, st.dictionaries(names, values, max_size=4) | scalars, max_size=4)


def to_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer for the generated documents (JSON strings are valid TOML basic strings here)."""
    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + "}"

    lines = [f"{json.dumps(k)} = {value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for section, table in data.items():
        if isinstance(table, dict):
            lines.append(f"[{json.dumps(section)}]")
            lines += [f"{json.dumps(k)} = {value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.dictionaries(st.sampled_from([f"HOMEBODY_{s.upper()}_{k.upper()}" for s, k in every_default()]),
                                  st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=3))
def test_arbitrary_documents_and_variables_give_settings_or_config_error(document, overrides):
    environ = {"HOME_SECRET": "42", **overrides}
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "fuzz.toml"
        file.write_text(to_toml(document), encoding="utf-8")
        try:
            loaded = load_settings(file, environ=environ)
        except ConfigError as error:
            assert str(error)
            return
    for section, key in every_default():
        expected = type(getattr(getattr(Settings(), section), key))
        assert type(getattr(getattr(loaded, section), key)) is expected
