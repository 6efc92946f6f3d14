"""The CLI: every command is documented, and the real process answers over the real embedded broker."""

from __future__ import annotations

import argparse
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from processes import Terminal, homebody, homebody_env

from agent.cli.main import build_parser, main
from agent.turn.quiet import in_quiet_hours, quiet_reply
from devices.household import load_household

REPO = Path(__file__).resolve().parents[1]


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_has_help_and_a_line_in_the_readme(name: str):
    parser = commands()[name]
    helps = {c.dest: c.help for c in build_parser()._subparsers._group_actions[0]._choices_actions}
    assert helps.get(name), f"homebody {name} has no help text"
    assert f"homebody {name}" in (REPO / "README.md").read_text(), f"README has no line for homebody {name}"
    assert parser.format_help()


def test_the_readme_opens_with_the_two_commands():
    lines = [line.split("#")[0].strip() for line in (REPO / "README.md").read_text().splitlines()]
    commands_shown = [line for line in lines if line.startswith("make ")]
    assert commands_shown[:2] == ["make run", "make test"]


def test_a_broken_config_is_one_clear_line_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    broken = tmp_path / "broken.toml"
    broken.write_text("[mqtt]\nport = 'many'\n")
    assert main(["--config", str(broken), "devices"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "broken.toml" in err and "mqtt.port" in err and "Traceback" not in err


def run_homebody(*args: str, stdin: str = "", tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return homebody(*args, env=homebody_env(tmp_path), stdin=stdin)


def as_said_now(reply: str) -> str:
    """A reply as the example home says it at this hour: shortened in its quiet hours (22:00–07:00)."""
    home = load_household().home
    return quiet_reply(reply) if in_quiet_hours(home, datetime.now(ZoneInfo(home.timezone))) else reply


def test_the_real_process_acts_and_answers_end_to_end(tmp_path: Path):
    done = run_homebody("run", "--area", "kitchen", tmp_path=tmp_path,
                        stdin="turn on the kitchen light\nis the kettle on\nquit\n")
    assert done.returncode == 0, done.stderr
    assert "homebody is ready" in done.stdout
    assert as_said_now("Done, the kitchen spotlights are on at 90 percent.") in done.stdout
    assert "the kettle is off" in done.stdout.lower()


def test_ask_and_devices_on_the_embedded_defaults(tmp_path: Path):
    asked = run_homebody("ask", "turn on the porch light", tmp_path=tmp_path)
    assert asked.returncode == 0, asked.stderr
    assert as_said_now("Done, the porch light is on.").lower() in asked.stdout.lower()
    listed = run_homebody("devices", tmp_path=tmp_path)
    assert listed.returncode == 0 and "kitchen_spots" in listed.stdout


def test_ctrl_c_after_a_turn_the_llm_took_stops_homebody_at_once(tmp_path: Path):
    """The LLM primes its prompt in the background after a turn; Ctrl-C used to wait for that (~17 s)."""
    env = homebody_env(tmp_path, HOMEBODY_UNDERSTANDING_LLM="always", HOMEBODY_LLM_MODEL="smollm2-135m",
                       HOMEBODY_LLM_MAX_SECONDS="3")
    with Terminal("run", "--text", env=env) as running:
        running.type("make it nice in here")
        running.wait_for("you> ", after=running.wait_for("homebody> "))
        code, seconds = running.interrupt()
    assert code == 130 and "Traceback" not in running.output
    assert seconds < 5, f"took {seconds:.1f} s to stop"
