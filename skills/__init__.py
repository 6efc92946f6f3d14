"""Skills: the plugin API (`skills.api`), sentence templates, discovery, and the built-in skills."""

from skills.api import Sentences, Skill, SkillContext, SkillFactory, Turn
from skills.registry import SkillFailure, SkillRegistry
from skills.templates import SlotType, choice

__all__ = ["Sentences", "Skill", "SkillContext", "SkillFactory", "SkillFailure", "SkillRegistry", "SlotType",
           "Turn", "choice"]
