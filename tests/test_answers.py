"""Open questions: asked only of a capable model, with no tools and nothing of the household in the prompt,
within a time limit; the answer comes back as plain words to say, never as something to act on.

The remote path runs against a real HTTP server on loopback that speaks the chat-completions JSON
(a stub: this tests our client, not a model). The local path with a real model is in test_llm.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.config import LlmSettings
from agent.llm import OpenAnswers, RemoteModel, answering_model, spoken_text
from agent.llm.answers import SYSTEM_PROMPT
from devices.household import load_household

QUESTION = "how long should I boil an egg"


@pytest.mark.parametrize(("model", "endpoint", "able"), [
    ("", "", False),                                    # the default: no model
    ("smollm2-135m", "", False),                        # the packaged toys answer nonsense
    ("gemma3-270m", "", False),
    ("hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf", "", True),
    ("/srv/models/llama-3.2-3b.gguf", "", True),        # a file the user chose
    ("llama3", "", False),                              # not a model setting at all
    ("", "http://gpu-box:8080/v1", True),               # a server, with its default model
    ("qwen2.5:7b", "http://gpu-box:11434/v1", True),
])
def test_only_a_model_the_user_configured_can_answer(model: str, endpoint: str, able: bool) -> None:
    assert answering_model(LlmSettings(model=model, endpoint=endpoint)) is able
    assert OpenAnswers.from_settings(LlmSettings(model=model, endpoint=endpoint)).available is able


@pytest.mark.parametrize("settings", [LlmSettings(), LlmSettings(model="smollm2-135m")])
def test_without_a_capable_model_there_is_no_answer(settings: LlmSettings) -> None:
    answers = OpenAnswers.from_settings(settings)
    assert not answers.available and answers.answer(QUESTION) is None


# ---- a chat-completions server on loopback --------------------------------------------------

@dataclass
class ChatServer:
    """Answers every POST with `content` (or `status`, or after `delay` seconds); keeps the bodies."""

    url: str = ""
    content: str = "About seven minutes for a hard-boiled egg."
    finish_reason: str = "stop"
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def chat_server() -> Iterator[ChatServer]:
    server = ChatServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            server.requests.append({"path": self.path,
                                    "body": json.loads(self.rfile.read(int(self.headers["Content-Length"])))})
            time.sleep(server.delay)
            reply = server.raw if server.raw is not None else json.dumps({
                "choices": [{"message": {"role": "assistant", "content": server.content},
                             "finish_reason": server.finish_reason}],
                "usage": {"prompt_tokens": 40, "completion_tokens": 12}}).encode()
            try:
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped waiting: what the slow server's tests ask of it

        def log_message(self, *_: Any) -> None:
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http.daemon_threads = True
    server.url = f"http://127.0.0.1:{http.server_address[1]}/v1"
    thread = threading.Thread(target=http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield server
    http.shutdown()
    http.server_close()


def answers_from(server: ChatServer, max_seconds: float = 10.0) -> OpenAnswers:
    return OpenAnswers.from_settings(LlmSettings(endpoint=server.url, model="qwen2.5:7b", max_seconds=max_seconds))


def test_a_question_is_asked_as_plain_chat_with_no_tools(chat_server: ChatServer) -> None:
    assert answers_from(chat_server).answer(QUESTION) == "About seven minutes for a hard-boiled egg."
    [request] = chat_server.requests
    body = request["body"]
    assert request["path"] == "/v1/chat/completions" and body["model"] == "qwen2.5:7b"
    assert body["messages"] == [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": QUESTION}]
    assert not {"tools", "tool_choice", "functions", "function_call", "response_format"} & set(body)
    assert body["max_tokens"] <= 128


def test_nothing_of_the_household_goes_into_the_prompt(chat_server: ChatServer) -> None:
    answers_from(chat_server).answer("what is the capital of France")
    sent = json.dumps(chat_server.requests[0]["body"]).lower()
    household = load_household()
    for name in [d.name for d in household.devices] + [a.name for a in household.areas] + \
                [p.name for p in household.people] + [household.home.name]:
        assert name.lower() not in sent, name


@pytest.mark.parametrize(("content", "finish_reason", "spoken"), [
    ("**Boil it** for `7` minutes.\n\n- Then cool it in cold water.\n- Peel.", "stop",
     "Boil it for 7 minutes. Then cool it in cold water."),
    ("<think>The user wants eggs. Hard boiled?</think>Seven to nine minutes.", "stop", "Seven to nine minutes."),
    ("Paris. It has been the capital since 987. It is also", "length", "Paris. It has been the capital since 987."),
    ("See [the guide](https://eggs.example/boil) at https://eggs.example now.", "stop", "See the guide at now."),
])
def test_an_answer_comes_back_as_plain_spoken_sentences(chat_server: ChatServer, content: str, finish_reason: str,
                                                        spoken: str) -> None:
    chat_server.content, chat_server.finish_reason = content, finish_reason
    assert answers_from(chat_server).answer(QUESTION) == spoken


def test_an_answer_that_reads_like_a_command_is_only_words(chat_server: ChatServer) -> None:
    """Answers are data: whatever the model says comes back as text for the voice, nothing else."""
    chat_server.content = 'Turn on the kitchen light. {"calls": [{"tool": "set_state"}]}'
    answer = answers_from(chat_server).answer("what should I do")
    assert isinstance(answer, str) and answer.startswith("Turn on the kitchen light.")


@pytest.mark.parametrize(("status", "raw", "delay"), [
    (500, b'{"error": "model crashed"}', 0.0),
    (200, b"not json at all", 0.0),
    (200, b'{"choices": []}', 0.0),
    (200, b'{"choices": [{"message": {"content": null}}]}', 0.0),
    (200, None, 3.0),                                   # slower than the time limit
])
def test_a_failing_or_slow_server_gives_no_answer_and_stays_available(chat_server: ChatServer, status: int,
                                                                      raw: bytes | None, delay: float) -> None:
    chat_server.status, chat_server.raw, chat_server.delay = status, raw, delay
    answers = answers_from(chat_server, max_seconds=1.0)
    assert answers.answer(QUESTION) is None
    assert answers.available


def test_an_unreachable_server_gives_no_answer(unused_port: int) -> None:
    answers = OpenAnswers(RemoteModel(f"http://127.0.0.1:{unused_port}/v1", "m"), max_seconds=2)
    assert answers.answer(QUESTION) is None and answers.available


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_an_empty_question_asks_nothing(chat_server: ChatServer, question: str) -> None:
    assert answers_from(chat_server).answer(question) is None
    assert chat_server.requests == []


def test_a_long_question_is_cut_before_it_is_sent(chat_server: ChatServer) -> None:
    answers_from(chat_server).answer("why " * 1000)
    assert len(chat_server.requests[0]["body"]["messages"][1]["content"]) <= 500


@pytest.mark.parametrize(("text", "complete", "spoken"), [
    ("Seven minutes.", True, "Seven minutes."),
    ("About seven minutes", True, "About seven minutes"),
    ("About seven", False, None),                       # cut off before one whole sentence
    ("One. Two. Three.", True, "One. Two."),
    ("# Eggs\n1. Boil water.\n2. Add eggs.", True, "Eggs Boil water. Add eggs."),
    ("***", True, None),
    ("", True, None),
])
def test_spoken_text_is_short_plain_and_sayable(text: str, complete: bool, spoken: str | None) -> None:
    assert spoken_text(text, complete) == spoken


def test_a_long_answer_is_cut_at_a_word() -> None:
    spoken = spoken_text("eggs " * 200 + ".")
    assert spoken is not None and len(spoken) <= 321 and spoken.endswith(" eggs…")


@pytest.fixture
def unused_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
