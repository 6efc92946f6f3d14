"""Language models: the catalogue and download (`models`), the backends (`local`, `remote`, chosen in
`backends`), the planner (`planner`, with `schema`, `prompt`, `parsing`, `grounding`) and open
questions (`answers`).

Names are imported from their module on first use, so `import agent.llm` (as `homebody models`
does) does not pull in LangChain, numpy or llama.cpp.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.llm.answers import OpenAnswers, spoken_text
    from agent.llm.backends import LlmUse, answering_model, configured_model, llm_use, open_model
    from agent.llm.decoding import GrammarDecoder, TextDecoder
    from agent.llm.grounding import grounded
    from agent.llm.language_model import Completion, LanguageModel, Prompt
    from agent.llm.local import LocalModel, chat_layout, chat_template
    from agent.llm.models import (
        CURATED,
        PACKAGED,
        ModelInfo,
        ModelSpec,
        PulledModel,
        list_models,
        locate_model,
        parse_model_spec,
        pull_model,
    )
    from agent.llm.parsing import Rejected, parse_plan, plan_problems
    from agent.llm.planner import Attempt, LlmPlanner
    from agent.llm.prompt import request_text, state_text, system_prompt
    from agent.llm.remote import RemoteModel, completions_url
    from agent.llm.schema import plan_schema
    from agent.llm.tools import device_tools

_MODULES = {
    "answers": ["OpenAnswers", "spoken_text"],
    "backends": ["LlmUse", "answering_model", "configured_model", "llm_use", "open_model"],
    "decoding": ["GrammarDecoder", "TextDecoder"],
    "grounding": ["grounded"],
    "language_model": ["Completion", "LanguageModel", "Prompt"],
    "local": ["LocalModel", "chat_layout", "chat_template"],
    "models": ["CURATED", "PACKAGED", "ModelInfo", "ModelSpec", "PulledModel", "list_models", "locate_model",
               "parse_model_spec", "pull_model"],
    "parsing": ["Rejected", "parse_plan", "plan_problems"],
    "planner": ["Attempt", "LlmPlanner"],
    "prompt": ["request_text", "state_text", "system_prompt"],
    "remote": ["RemoteModel", "completions_url"],
    "schema": ["plan_schema"],
    "tools": ["device_tools"],
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "CURATED",
    "PACKAGED",
    "Attempt",
    "Completion",
    "GrammarDecoder",
    "LanguageModel",
    "LlmPlanner",
    "LlmUse",
    "LocalModel",
    "ModelInfo",
    "ModelSpec",
    "OpenAnswers",
    "Prompt",
    "PulledModel",
    "Rejected",
    "RemoteModel",
    "TextDecoder",
    "answering_model",
    "chat_layout",
    "chat_template",
    "completions_url",
    "configured_model",
    "device_tools",
    "grounded",
    "list_models",
    "llm_use",
    "locate_model",
    "open_model",
    "parse_model_spec",
    "parse_plan",
    "plan_problems",
    "plan_schema",
    "pull_model",
    "request_text",
    "spoken_text",
    "state_text",
    "system_prompt",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'agent.llm' has no attribute {name!r}")
    return getattr(importlib.import_module(f"agent.llm.{_HOME[name]}"), name)
