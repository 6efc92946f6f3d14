"""A GGUF model in this process through llama-cpp-python: one `Llama`, loaded once behind a lock.

- The chat template comes from the file (or its architecture), laid out once around one system
  and one user message; every prompt is tokenized part by part inside that layout.
- The prompt is fed in chunks with a wall-clock check between them, reusing what the KV cache
  already holds, and decoding stops at the deadline (see `decoding`). Loading on first use runs
  in the background, so even the first request waits no longer than its deadline.
"""

from __future__ import annotations

from collections.abc import Callable

import json
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.config import LlmSettings
from agent.llm.decoding import GrammarDecoder, TextDecoder
from agent.llm.language_model import Completion, LanguageModel, Prompt
from agent.llm.models import locate_model, parse_model_spec
from devices.errors import ConfigError, ModelUnavailable

if TYPE_CHECKING:
    from llama_cpp import Llama

log = logging.getLogger(__name__)

FEED_CHUNK = 128
"""Prompt tokens evaluated between two deadline checks."""
CLOSE_WAIT_SECONDS = 2.0
"""How long closing waits for a load or an evaluation in another thread (neither can be interrupted) before it
leaves the model to the process's exit: Ctrl-C must not wait on llama.cpp."""

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
        self._loader: threading.Thread | None = None
        self._loader_lock = threading.Lock()
        self._load_error: ModelUnavailable | None = None
        self.path: Path | None = None

    def load(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> Llama:
        if self._llm is not None:
            return self._llm
        try:
            spec = parse_model_spec(self.settings.model)
        except ConfigError as error:
            raise ModelUnavailable(str(error)) from None
        path = locate_model(spec, self.settings.model_dir)
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

    def complete(self, prompt: Prompt, schema: dict[str, Any] | None, max_tokens: int,
                 deadline: float) -> Completion:
        if not self._loaded_by(deadline) or not self._lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            return Completion("", False, reason="deadline")
        try:
            return self._complete(prompt, schema, max_tokens, deadline)
        finally:
            self._lock.release()

    def _complete(self, prompt: Prompt, schema: dict[str, Any] | None, max_tokens: int,
                  deadline: float) -> Completion:
        llm = self._load()
        tokens = self.tokens(prompt)
        if len(tokens) + max_tokens > llm.n_ctx():
            log.warning("a prompt of %d tokens does not fit llm.n_ctx = %d; raise llm.n_ctx", len(tokens), llm.n_ctx())
            return Completion("", False, len(tokens), reason="context")
        started = time.perf_counter()
        evaluated = self._feed(llm, tokens, deadline)
        prompt_ms = (time.perf_counter() - started) * 1000
        if evaluated is None:
            return Completion("", False, len(tokens), prompt_ms=prompt_ms, reason="deadline")
        started = time.perf_counter()
        decoder = self._decoder(llm, schema) if schema is not None else TextDecoder(llm)
        text, count, reason = decoder.run(max_tokens, deadline)
        generate_ms = (time.perf_counter() - started) * 1000
        return Completion(text, reason == "stop", len(tokens), evaluated, count, prompt_ms, generate_ms, reason)

    def _loaded_by(self, deadline: float) -> bool:
        """Whether the model is loaded, loading it in the background and waiting no later than the
        deadline: a first request is bounded like every other. ModelUnavailable when it cannot load."""
        with self._loader_lock:  # not the model's lock: a request holding that one must not delay this
            if self._llm is None and (self._loader is None or not self._loader.is_alive()):
                self._load_error = None
                self._loader = threading.Thread(target=self._load_in_background, name="llm-load", daemon=True)
                self._loader.start()
            loader = self._loader if self._llm is None else None
        if loader is not None:
            loader.join(max(0.0, deadline - time.monotonic()))
        if self._load_error is not None:
            raise self._load_error
        return self._llm is not None

    def _load_in_background(self) -> None:
        try:
            self.load()
        except ModelUnavailable as error:
            self._load_error = error

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
        """Evaluate what the cache lacks of `tokens`, in chunks; the count, or None past the deadline."""
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
        if not self._lock.acquire(timeout=CLOSE_WAIT_SECONDS):
            log.warning("the language model is still busy in another thread; it is freed when homebody exits")
            return
        try:
            if self._grammar is not None:
                self._grammar[1].close()
                self._grammar = None
            if self._llm is not None:
                self._llm.close()
                self._llm = None
        finally:
            self._lock.release()


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
