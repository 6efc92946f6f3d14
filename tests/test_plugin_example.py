"""The example plugin end to end: pip-installed into this environment it is discovered, its
sentences are matched, its tools reach the LLM planner's schema; uninstalled, it is gone.

The tests run in file order: the last one uninstalls. The package is built from a copy, so
the build leaves nothing in the source tree.
"""

import fcntl
import importlib
import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import REPO
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.llm.tools import device_tools
from agent.turn.context import TurnContext
from skills.api import SkillContext
from agent.skill_host import SkillRegistry

EXAMPLE = REPO / "examples" / "homebody-shopping-list"
DIST = "homebody-shopping-list"


def pip(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check", "-q"],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    importlib.invalidate_caches()


def offline_build() -> list[str]:
    """Build with the installed setuptools when it can make wheels (fast, offline); else let pip fetch one."""
    try:
        major, minor = (int(p) for p in importlib.metadata.version("setuptools").split(".")[:2])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return []
    can = (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None
    return ["--no-build-isolation", "--no-index"] if can else []


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The plugin installed for this module's tests. Test workers share the environment: one installs, uses and
    uninstalls it at a time (a lock file in the environment), so none finds it half-installed or gone."""
    source = tmp_path_factory.mktemp("plugin") / "homebody-shopping-list"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    with open(Path(sys.prefix) / ".plugin-example-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pip("install", "--no-deps", *offline_build(), str(source))
        yield
        pip("uninstall", "-y", DIST)


def discover(tmp_path) -> SkillRegistry:
    return SkillRegistry.discover(SkillContext(ZoneInfo("UTC"), data_dir=tmp_path))


def cli_skills() -> dict:
    result = subprocess.run([sys.executable, "-m", "agent.cli.main", "skills", "--json"], capture_output=True, text=True,
                            timeout=120, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_installed_plugin_is_discovered(installed, tmp_path):
    registry = discover(tmp_path)
    assert "shopping_list" in [s.name for s in registry.skills]
    assert not registry.failures


def test_its_sentences_are_matched_and_its_tools_run(installed, tmp_path):
    registry = discover(tmp_path)
    context = TurnContext(now=datetime(2026, 11, 24, 10))
    plan = registry.understand("add milk and eggs to the shopping list", context)
    assert plan is not None and plan.calls[0].tool == "add_to_shopping_list"
    assert registry.run(plan.calls[0], context) == "Added milk and eggs to the shopping list (2 in all)."


def test_its_tools_are_in_the_planners_schema(installed, tmp_path):
    schema = {t["function"]["name"]: t["function"] for t in map(convert_to_openai_tool,
                                                                 device_tools() + discover(tmp_path).tools())}
    assert "set_state" in schema
    assert list(schema["add_to_shopping_list"]["parameters"]["properties"]) == ["item"]


def test_homebody_skills_lists_it(installed):
    found = cli_skills()
    plugin = next(s for s in found["skills"] if s["name"] == "shopping_list")
    assert "add_to_shopping_list" in [t["name"] for t in plugin["tools"]]
    assert "add milk and eggs to the shopping list" in plugin["examples"]


def test_uninstalling_removes_it_cleanly(installed, tmp_path):
    pip("uninstall", "-y", DIST)
    registry = discover(tmp_path)
    assert "shopping_list" not in [s.name for s in registry.skills]
    assert not registry.failures
    assert registry.understand("add milk to the shopping list", TurnContext()) is None
    assert "shopping_list" not in [s["name"] for s in cli_skills()["skills"]]
