"""Which language model backend the settings name, opened once per process."""

from __future__ import annotations

import threading

from agent.config import LlmSettings
from agent.llm.language_model import LanguageModel
from agent.llm.local import LocalModel
from agent.llm.remote import RemoteModel

_LOCAL_MODELS: dict[tuple[str, str, int, int], LocalModel] = {}
_LOCAL_MODELS_LOCK = threading.Lock()


def open_model(settings: LlmSettings) -> LanguageModel:
    """The backend the settings name: a remote server when llm.endpoint is set, else a local GGUF.

    Local models are shared per (model, folder, context, threads): one `Llama` per process however
    many planners (the evaluation builds an assistant per case).
    """
    if settings.endpoint:
        return RemoteModel(settings.endpoint, settings.model)
    key = (settings.model, settings.model_dir, settings.n_ctx, settings.n_threads)
    with _LOCAL_MODELS_LOCK:
        if key not in _LOCAL_MODELS:
            _LOCAL_MODELS[key] = LocalModel(settings)
        return _LOCAL_MODELS[key]
