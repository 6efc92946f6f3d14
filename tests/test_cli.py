"""The CLI: every command is documented, and the real process answers over the real embedded broker."""

from __future__ import annotations

import argparse
import re
import shutil
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import HOMES
from processes import Terminal, homebody, homebody_env

from agent.cli.main import ON_THE_PATH, build_parser, main
from agent.cli.options import area_id
from agent.turn.quiet import in_quiet_hours, quiet_reply
from devices.errors import ConfigError
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


@pytest.mark.parametrize(("home", "given", "area"), [
    (None, "sitting_room", "sitting_room"), (None, "Sitting room", "sitting_room"), (None, "LOUNGE", "sitting_room"),
    (None, "living room", "sitting_room"), (None, "sitting-room", "sitting_room"), (None, "craft room", "studio"),
    (None, "  Bathroom ", "shower_room"), ("hazel_court.toml", "office", "study"), ("hazel_court.toml", "Garden", "garden"),
])
def test_area_takes_an_id_a_name_or_an_alias(home: str | None, given: str, area: str):
    assert area_id(load_household(HOMES / home if home else None), given) == area


@pytest.mark.parametrize("command", [["run", "--text"], ["ask", "hello"], ["listen"]])
def test_an_area_the_home_does_not_have_is_refused_in_one_line(command: list[str], capsys: pytest.CaptureFixture[str]):
    assert main([command[0], "--area", "attic", *command[1:]]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--area 'attic': Birch Cottage has no such area" in err
    assert "kitchen" in err and "sitting_room" in err
    with pytest.raises(ConfigError, match="Hazel Court has no such area; its areas: kitchen, study, garden"):
        area_id(load_household(HOMES / "hazel_court.toml"), "attic")


def test_the_help_says_how_to_run_homebody_from_the_venv():
    assert ".venv/bin/homebody" in ON_THE_PATH and "source .venv/bin/activate" in ON_THE_PATH
    assert " ".join(ON_THE_PATH.split()) in " ".join(build_parser().format_help().split())


def test_ctrl_c_after_a_turn_the_llm_took_stops_homebody_at_once(tmp_path: Path):
    """The LLM primes its prompt in the background after a turn; Ctrl-C used to wait for that (~17 s)."""
    env = homebody_env(tmp_path, HOMEBODY_UNDERSTANDING_LLM="always", HOMEBODY_LLM_MODEL="smollm2-135m",
                       HOMEBODY_LLM_MAX_SECONDS="2")
    with Terminal("run", "--text", env=env) as running:
        running.type("make it nice in here")
        running.wait_for("you> ", after=running.wait_for("homebody> "))
        code, seconds = running.interrupt()
    assert code == 130 and "Traceback" not in running.output
    assert seconds < 5, f"took {seconds:.1f} s to stop"


def test_a_test_run_an_evaluation_and_a_benchmark_leave_the_users_data_dir_untouched(tmp_path: Path):
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if key != "XDG_DATA_HOME" and not key.startswith("HOMEBODY")}
    env["HOME"] = str(home)
    cases = tmp_path / "cases.jsonl"
    cases.write_text('{"id": "k", "utterance": "turn on the kettle", "expect": {"kettle": {"state": "on"}}}\n')
    runs = [[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_evaluation.py",
             "-k", "without_an_utterance"],
            [sys.executable, "-m", "agent.cli.main", "eval", str(cases), "--no-llm"],
            [sys.executable, "-m", "agent.cli.main", "bench", "--only", "schedule"]]
    for run in runs:
        done = subprocess.run(run, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
    assert not (home / ".local" / "share" / "homebody").exists()


def test_run_and_listen_run_the_routines_at_their_time(monkeypatch: pytest.MonkeyPatch):
    """The README promises routines "while homebody runs, at their time on their days"."""
    started: list[dict[str, object]] = []

    def start(settings: object, **options: object) -> None:
        started.append(options)
        raise ConfigError("started")

    monkeypatch.setattr("agent.app.App.start", start)
    assert main(["run", "--text"]) == 1 and main(["listen"]) == 1
    assert [options["routines_on_time"] for options in started] == [True, True]


def _commands_shown(text: str) -> list[str]:
    """The command lines of a markdown file's shell blocks: every line of a `sh` block, the `$ ` lines
    of a `console` block (what a reader copies into a shell), without leading VARIABLE=value."""
    lines = []
    for kind, block in re.findall(r"^```(sh|console)\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        lines += [line.removeprefix("$ ") for line in block.splitlines() if kind == "sh" or line.startswith("$ ")]
    return [" ".join(w for w in line.split() if not re.fullmatch(r"[A-Z_]+=\S*", w)) for line in lines]


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in (REPO / "docs").glob("*.md")),
                                  "examples/homebody-shopping-list/README.md"])
def test_every_command_the_docs_show_runs_homebody_and_pip_from_the_venv(page: str):
    path = REPO / page if "/" in page or page == "README.md" else REPO / "docs" / page
    bare = [line for line in _commands_shown(path.read_text()) if re.match(r"(homebody|pip|pytest)(\s|$)", line)]
    assert not bare, f"{page}: not on the PATH after make; write .venv/bin/…: {bare}"


def test_make_eval_without_the_shared_data_says_in_one_line_what_it_needs(tmp_path: Path):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-s", "-o", ".venv/.installed", "eval", f"SHARED_EVAL={tmp_path / 'none'}"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and done.stdout == "" and done.stderr.count("\n") == 1
    assert "needs the project's shared evaluation data" in done.stderr and "docs/evaluation.md" in done.stderr
