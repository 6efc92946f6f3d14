"""An OpenAI-compatible chat server (llama.cpp server, Ollama, vLLM) behind the `LanguageModel` interface.

Asked with a schema, the server gets it as `response_format` (OpenAI's `json_schema`; the
llama-cpp-python server only knows `json_object` with a schema, tried when the first is refused).
Asked without one, the request is plain chat: no tools, no functions, no response format.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from agent.llm.language_model import Completion, LanguageModel, Prompt
from devices.errors import ModelUnavailable


class RemoteModel(LanguageModel):
    """One server's chat-completions URL, asked with temperature 0 and a time limit."""

    def __init__(self, endpoint: str, model: str):
        self.url = completions_url(endpoint)
        self.name = model
        self._format = "json_schema"
        """OpenAI's response_format; llama-cpp-python's server only knows json_object with a schema."""

    def complete(self, prompt: Prompt, schema: dict[str, Any] | None, max_tokens: int,
                 deadline: float) -> Completion:
        body = {"model": self.name, "temperature": 0, "max_tokens": max_tokens,
                "messages": [{"role": "system", "content": prompt.system},
                             {"role": "user", "content": "".join(prompt.user)}]}
        started = time.perf_counter()
        reply = self._ask(body, schema, deadline)
        ms = (time.perf_counter() - started) * 1000
        try:
            return _completion(reply, ms)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise ModelUnavailable(f"LLM server {self.url}: not a chat-completions reply") from None

    def _ask(self, body: dict[str, Any], schema: dict[str, Any] | None, deadline: float) -> dict[str, Any]:
        try:
            return self._post(body, schema, deadline)
        except urllib.error.HTTPError as error:
            if schema is None or self._format != "json_schema" or "response_format" not in _body(error):
                raise ModelUnavailable(f"LLM server {self.url}: HTTP {error.code} {_body(error)[:200]}") from None
        self._format = "json_object"  # llama-cpp-python's server: json_object with a schema
        try:
            return self._post(body, schema, deadline)
        except urllib.error.HTTPError as again:
            raise ModelUnavailable(f"LLM server {self.url}: HTTP {again.code} {_body(again)[:200]}") from None

    def _post(self, body: dict[str, Any], schema: dict[str, Any] | None, deadline: float) -> dict[str, Any]:
        if schema is not None and self._format == "json_schema":
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "plan", "strict": True, "schema": schema}}
        elif schema is not None:
            body["response_format"] = {"type": "json_object", "schema": schema}
        request = urllib.request.Request(self.url, json.dumps(body).encode(), {"Content-Type": "application/json"})
        timeout = max(0.1, deadline - time.monotonic())
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                reply = json.loads(response.read())
        except urllib.error.HTTPError:
            raise
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise ModelUnavailable(f"LLM server {self.url}: {getattr(error, 'reason', error)}") from None
        if not isinstance(reply, dict):
            raise ModelUnavailable(f"LLM server {self.url}: not a chat-completions reply")
        return reply


def _completion(reply: dict[str, Any], ms: float) -> Completion:
    choice, usage = reply["choices"][0], reply.get("usage") or {}
    timings = reply.get("timings") or {}
    reason = str(choice.get("finish_reason") or "stop")
    prompt_tokens = int(usage.get("prompt_tokens", 0))
    content = choice["message"].get("content") or ""
    if not isinstance(content, str):
        raise ValueError("content is not text")
    return Completion(content, reason == "stop", prompt_tokens, int(timings.get("prompt_n", prompt_tokens)),
                      int(usage.get("completion_tokens", 0)), float(timings.get("prompt_ms", 0.0)), ms, reason)


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
