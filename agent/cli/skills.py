"""`homebody skills`: the installed skills, their tools and example sentences, and any that failed."""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from agent.config import Settings


def register(subparsers: Any) -> None:
    """Add `skills` to the main CLI's subparsers."""
    text = "list installed skills, their tools and example sentences; report skills that failed to load"
    parser = subparsers.add_parser("skills", help=text, description=text)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_skills)


def _skills(args: argparse.Namespace, settings: Settings) -> None:
    from agent.skill_host import SkillRegistry  # imported here: the recognizer it compiles for is not light
    from devices.household import load_household
    from devices.registry import Registry
    from skills.api import SkillContext

    household = load_household(settings.household.file or None)
    context = SkillContext(ZoneInfo(household.home.timezone), registry=Registry.from_household(household))
    skills = SkillRegistry.discover(context, settings.skills)
    report = skills.describe()
    skills.close()
    if args.json:
        from agent.cli.main import print_json

        print_json(report)
        return
    for skill in report["skills"]:
        print(f"{skill['name']}: {skill['description']}")
        print(f"  tools: {', '.join(t['name'] for t in skill['tools'])}")
        for example in skill["examples"]:
            unmatched = "  (not matched by its own sentences)" if example in skill["unmatched_examples"] else ""
            print(f'  say: "{example}"{unmatched}')
    for failure in report["failures"]:
        print(f"FAILED {failure['name']} ({failure['source']}): {failure['error']}")
