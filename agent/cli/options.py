"""Options the talking commands share: the room (`--area`) and the speaker (`--person`)."""

from __future__ import annotations

import argparse
import re

from agent.config import Settings
from agent.turn.context import TurnContext
from devices.errors import ConfigError
from devices.household import Household, load_household


def turn_context(settings: Settings, args: argparse.Namespace, household: Household | None = None) -> TurnContext:
    """The context of the turns a command takes: `--area` checked against the household's areas."""
    household = household or load_household(settings.household.file or None)
    return TurnContext(area=area_id(household, args.area), person=args.person)


def area_id(household: Household, given: str | None, option: str = "--area") -> str | None:
    """The area `--area` (or the setting `option`) names, by id, name or alias, in any case; ConfigError naming
    the known ones else."""
    if given is None:
        return None
    wanted = _key(given)
    for area in household.areas:
        if wanted in {_key(area.id), _key(area.name), *map(_key, area.aliases)}:
            return area.id
    known = ", ".join(area.id if _key(area.id) == _key(area.name) else f"{area.id} ({area.name})"
                      for area in household.areas)
    raise ConfigError(f"{option} {given!r}: {household.home.name} has no such area; its areas: {known or 'none'}")


def _key(name: str) -> str:
    """"Sitting_Room", "sitting-room" and "sitting  room" are one name."""
    return " ".join(re.split(r"[\s_-]+", name.strip().lower()))
