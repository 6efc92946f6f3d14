"""Which language model the settings name, whether it is worth asking, and opening it (once per process).

Selection is pure: `llm_use` decides from `understanding.llm` and `[llm]` alone whether the
planner runs, and `answering_model` whether open questions can be answered. The packaged models
(SmolLM2 135M, Gemma 3 270M) keep the pipeline testable offline; they are never chosen by default,
and they never answer open questions (measured: a fallback with them is worse than none, see
docs/models.md).
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from typing import Literal

from agent.config import LlmSettings
from agent.llm.language_model import LanguageModel
from agent.llm.local import LocalModel
from agent.llm.models import PACKAGED, parse_model_spec
from agent.llm.remote import RemoteModel
from devices.errors import ConfigError

Mode = Literal["off", "fallback", "always"]

HOW_TO_TURN_ON = ("set llm.endpoint to an OpenAI-compatible server, or llm.model to a GGUF model "
                  "(homebody models list; see docs/models.md)")
NO_RUNTIME = ("llama-cpp-python, which runs it here, is not installed: install homebody with its `llm` extra "
              "(.venv/bin/pip install -e '.[llm]'; it compiles for some minutes), or set llm.endpoint to a server")


@dataclass(frozen=True)
class LlmUse:
    """What the planner will do this run, and the one line that says so at start."""

    mode: Mode
    """off | fallback | always, after the settings are checked for a model to ask."""
    message: str
    warn: bool = False
    """True when the line is worth showing at the default log level (the fallback is off by default)."""


def configured_model(llm: LlmSettings) -> str:
    """What would be asked: the endpoint (and its model name), or llm.model; "" when nothing is configured."""
    if llm.endpoint.strip():
        return f"{llm.endpoint.strip()} ({llm.model.strip() or 'its default model'})"
    return llm.model.strip()


def llm_use(understanding_llm: str, llm: LlmSettings) -> LlmUse:
    """The planner's mode: as `understanding.llm` says, but off while no model or endpoint is configured."""
    model = configured_model(llm)
    if understanding_llm == "off":
        return LlmUse("off", "LLM planner: off (understanding.llm = \"off\").")
    if not model:
        return LlmUse("off", f"LLM fallback is off: no language model is configured. To turn it on, "
                             f"{HOW_TO_TURN_ON}.", warn=True)
    if not llm.endpoint.strip() and not local_runtime():
        return LlmUse("off", f"LLM fallback is off: llm.model is {model}, but {NO_RUNTIME}.", warn=True)
    mode: Mode = "always" if understanding_llm == "always" else "fallback"
    when = "for every request" if mode == "always" else "when the recognizer is unsure"
    toy = " (a tiny packaged model: slow and rarely right, see docs/models.md)" if _is_packaged(llm) else ""
    return LlmUse(mode, f"LLM planner: {model}{toy}, asked {when}.")


def local_runtime() -> bool:
    """Whether llama-cpp-python, which runs a GGUF model here, is installed (the `llm` extra)."""
    return importlib.util.find_spec("llama_cpp") is not None


def answering_model(llm: LlmSettings) -> bool:
    """Whether the settings name a model able to answer general questions: an endpoint, or a GGUF file
    the user chose (a path or `hf:`) that can run here, never one of the packaged toys."""
    if llm.endpoint.strip():
        return True
    if not llm.model.strip() or not local_runtime():
        return False
    try:
        return parse_model_spec(llm.model).kind != "package"
    except ConfigError:
        return False


def _is_packaged(llm: LlmSettings) -> bool:
    return not llm.endpoint.strip() and llm.model.strip() in PACKAGED


_LOCAL_MODELS: dict[tuple[str, str, int, int], LocalModel] = {}
_LOCAL_MODELS_LOCK = threading.Lock()


def open_model(settings: LlmSettings) -> LanguageModel:
    """The backend the settings name: a remote server when llm.endpoint is set, else a local GGUF.

    Local models are shared per (model, folder, context, threads): one `Llama` per process however
    many planners and answerers (the evaluation builds an assistant per case).
    """
    if settings.endpoint:
        return RemoteModel(settings.endpoint, settings.model)
    key = (settings.model, settings.model_dir, settings.n_ctx, settings.n_threads)
    with _LOCAL_MODELS_LOCK:
        if key not in _LOCAL_MODELS:
            _LOCAL_MODELS[key] = LocalModel(settings)
        return _LOCAL_MODELS[key]
