"""Room satellites as a household meets them: `homebody serve` and two real wyoming-satellite processes, one in
the bedroom (it streams everything; homebody hears the wake word) and one in the kitchen (it hears the wake word
itself). Their microphones say espeak-ng recordings; their speakers write what they play to files.

A command means the satellite's room, and its reply plays there; a timer rings on the satellite it was set
from, not the other; a "yes" confirms only what the same satellite asked."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from processes import REPO, homebody, homebody_env
from satellites import Satellite, wait_until

from agent.evaluation.benchmarks.voice import espeak_wav
from agent.voice.audio import SAMPLE_RATE, read_wav, write_wav
from agent.turn.quiet import quiet_reply

SAID = 60.0
"""Seconds a spoken command may take to be heard and answered (loaded models; a busy 2-core machine)."""


def command_wav(folder: Path, name: str, *phrases: str) -> Path:
    """The phrases spoken one after another by espeak-ng, a short pause between, as a 16 kHz WAV."""
    gap = np.zeros(int(0.4 * SAMPLE_RATE), np.float32)
    parts = [part for i, phrase in enumerate(phrases)
             for part in (gap, read_wav(espeak_wav(phrase, folder / f"{name}{i}.wav", rate=SAMPLE_RATE)))]
    write_wav(folder / f"{name}.wav", np.concatenate([*parts, gap]))
    return folder / f"{name}.wav"


@dataclass
class Home:
    """The running household: `homebody serve`'s output, its environment (for `homebody state`) and satellites."""

    output: Path
    env: dict[str, str]
    bedroom: Satellite
    kitchen: Satellite

    def state(self, device: str) -> str:
        """The device's state as the running homebody has it (`homebody state` finds the running instance)."""
        done = homebody("state", device, env=self.env)
        assert done.returncode == 0 and "no homebody is running" not in done.stderr, done.stderr
        return str(json.loads(done.stdout)["state"])

    def printed(self) -> str:
        return self.output.read_text()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    folder = tmp_path_factory.mktemp("satellites")
    say = "okay nabu"
    bedroom = Satellite(folder / "bedroom", "bedroom", [
        command_wav(folder, "light", say, "turn on the light"),
        command_wav(folder, "unlock", say, "unlock the front door"),
        command_wav(folder, "yes", say, "yes")])
    kitchen = Satellite(folder / "kitchen", "kitchen", [
        command_wav(folder, "timer", say, "set a timer for 3 seconds"),
        command_wav(folder, "yes_too", say, "yes")], local_wake=True)
    config = folder / "config.toml"
    config.write_text("".join(f'[[wyoming.satellites]]\nuri = "{s.uri}"\narea = "{s.area.title()}"\n'
                              for s in (bedroom, kitchen)))
    env = homebody_env(folder, HOMEBODY_WEB_PORT="0")
    output = folder / "serve.out"
    for satellite in (bedroom, kitchen):
        satellite.folder.mkdir()
        satellite.start()
    with output.open("wb") as out:
        serve = subprocess.Popen([sys.executable, "-m", "agent.cli.main", "--config", str(config), "serve"],
                                 cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Home(output, env, bedroom, kitchen)
    try:
        wait_until(lambda: running.printed().count("is connected") == 2 or serve.poll() is not None, 120,
                   "both satellites connected")
        assert serve.poll() is None, running.printed()
        yield running
    finally:
        serve.terminate()
        serve.wait(30)
        for satellite in (bedroom, kitchen):
            satellite.stop()


def test_serve_says_what_it_serves_and_that_each_satellite_is_connected(home: Home):
    printed = home.printed()
    assert "homebody is serving Birch Cottage" in printed and "Wyoming: off" in printed
    assert "satellite bedroom is connected: bedroom satellite" in printed
    assert "satellite kitchen is connected: kitchen satellite" in printed
    assert "The household page: http://127.0.0.1:" in printed  # the headless assistant serves it too


# Each test counts what a satellite says and plays from where it was: the tests share one household, in any order.

def test_a_command_acts_on_the_satellites_room_and_the_reply_plays_there(home: Home):
    said, played = len(home.bedroom.said), home.bedroom.played_seconds
    home.bedroom.speak(0)
    wait_until(lambda: len(home.bedroom.said) > said, SAID, "the bedroom's reply")
    reply = home.bedroom.said[said]  # "… on at 40 percent." when the lamps keep a dimmed brightness
    assert reply.startswith("Done, the bedside lamps are on") or reply == quiet_reply("Done, the bedside lamps are on.")
    assert home.state("bed_lamps") == "on" and home.state("kitchen_spots") == "off"
    wait_until(lambda: home.bedroom.played_seconds > played + 0.4, 10, "the reply's audio")


def test_a_timer_rings_on_the_satellite_it_was_set_from_and_not_the_other(home: Home):
    before, said, played = home.bedroom.said[:], len(home.kitchen.said), home.kitchen.played_seconds
    home.kitchen.speak(0)
    wait_until(lambda: home.kitchen.said[said:said + 1] == ["Timer set for 3 seconds."], SAID, "the kitchen's reply")
    wait_until(lambda: len(home.kitchen.said) == said + 2, 15, "the timer ringing in the kitchen")
    assert "timer is done" in home.kitchen.said[said + 1] and "homebody (kitchen)>" in home.printed()
    assert home.bedroom.said == before
    wait_until(lambda: home.kitchen.played_seconds > played + 2.0, 10, "the reply's and the announcement's audio")


def test_a_yes_confirms_only_what_the_same_satellite_asked(home: Home):
    bedroom, kitchen = home.bedroom, home.kitchen
    asked, answered = len(bedroom.said), len(kitchen.said)
    bedroom.speak(1)
    wait_until(lambda: len(bedroom.said) > asked, SAID, "the bedroom's question")
    assert bedroom.said[-1].startswith("Are you sure you want me to unlock the front door")
    kitchen.speak(1)
    wait_until(lambda: len(kitchen.said) > answered, SAID, "the kitchen's answer to its yes")
    assert home.state("front_lock") == "locked"
    bedroom.speak(2)
    wait_until(lambda: len(bedroom.said) > asked + 1, SAID, "the bedroom's answer to its yes")
    assert home.state("front_lock") == "unlocked", bedroom.said
