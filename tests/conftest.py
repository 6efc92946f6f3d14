"""Shared fixtures: real brokers (embedded amqtt, and mosquitto when installed), the Maple House, and a data
dir of the test run's own."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from brokers import BrokerAddress, Mosquitto
from helpers import HOUSEHOLDS, household, maple

from devices.broker import EmbeddedBroker
from devices.household import Household


@pytest.fixture(scope="session", autouse=True)
def _data_dir_of_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A test run keeps its databases in a folder of its own, never in the user's data dir (the
    default database is one per household under $XDG_DATA_HOME/homebody; child processes inherit it)."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("data-home"))


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
    """The shared reference household (skips without the shared folder)."""
    return maple()


@pytest.fixture(scope="session", params=list(HOUSEHOLDS))
def any_household(request: pytest.FixtureRequest) -> Household:
    """Each test using it runs on every household: those the repository ships, and the shared ones."""
    return household(request.param)
