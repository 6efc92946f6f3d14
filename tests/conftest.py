"""Shared fixtures: real brokers (embedded amqtt, and mosquitto when installed) and the Maple House."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from brokers import BrokerAddress, Mosquitto

from devices.broker import EmbeddedBroker
from devices.household import Household, load_household

SHARED_EVAL = Path(__file__).parents[2] / "shared" / "eval"
"""The evaluation contract; the shared folder sits beside the repository (`../shared`)."""


@pytest.fixture(scope="session")
def amqtt_broker() -> Iterator[BrokerAddress]:
    with EmbeddedBroker() as broker:
        yield BrokerAddress("amqtt", broker.host, broker.port)


@pytest.fixture
def fresh_amqtt_broker() -> Iterator[BrokerAddress]:
    """A broker of the test's own, for tests that leave retained messages behind."""
    with EmbeddedBroker() as broker:
        yield BrokerAddress("amqtt", broker.host, broker.port)


@pytest.fixture
def mosquitto_factory(tmp_path: Path) -> Iterator[Callable[[str], Mosquitto]]:
    """Starts mosquitto processes with extra config lines; all are stopped after the test."""
    if not shutil.which("mosquitto"):
        pytest.skip("mosquitto is not installed")
    started: list[Mosquitto] = []

    def start(extra_config: str = "") -> Mosquitto:
        directory = tmp_path / f"mosquitto{len(started)}"
        directory.mkdir()
        mosquitto = Mosquitto(directory, extra_config)
        mosquitto.start()
        started.append(mosquitto)
        return mosquitto

    yield start
    for mosquitto in started:
        mosquitto.stop()


@pytest.fixture(scope="session")
def mosquitto_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrokerAddress]:
    if not shutil.which("mosquitto"):
        pytest.skip("mosquitto is not installed")
    mosquitto = Mosquitto(tmp_path_factory.mktemp("mosquitto"))
    mosquitto.start()
    yield mosquitto.address
    mosquitto.stop()


@pytest.fixture(params=["amqtt", "mosquitto"])
def broker(request: pytest.FixtureRequest) -> BrokerAddress:
    """Each test using it runs against both brokers."""
    return request.getfixturevalue(f"{request.param}_broker")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def maple_home() -> Household:
    path = SHARED_EVAL / "home.toml"
    if not path.exists():
        pytest.skip(f"{path} is missing (the shared folder sits beside the repository)")
    return load_household(path)
