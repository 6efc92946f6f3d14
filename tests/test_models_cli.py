"""`homebody models list|pull`, up to the network boundary (the Hub download is replaced by a fake)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import huggingface_hub
import pytest

import agent.llm.models
from agent.cli.main import main
from agent.llm.models import CURATED, hub_sha256

REPO = Path(__file__).resolve().parents[1]
CONTENT = b"GGUF" + bytes(range(256)) * 64
DIGEST = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def model_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOMEBODY_LLM_MODEL_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def fake_hub(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """hf_hub_download writes CONTENT where the Hub client would; the Hub publishes DIGEST."""
    calls: list[dict[str, Any]] = []

    def download(repo_id: str, filename: str, local_dir: Path, **_: Any) -> str:
        calls.append({"repo_id": repo_id, "filename": filename, "local_dir": Path(local_dir)})
        target = Path(local_dir) / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(CONTENT)
        return str(target)

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", download)
    monkeypatch.setattr(agent.llm.models, "hub_sha256", lambda repo, file: DIGEST)
    return calls


def test_pull_downloads_into_the_model_dir_and_shows_the_checksum(model_dir: Path, fake_hub: list[dict[str, Any]],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "pull", "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf"]) == 0
    out = capsys.readouterr().out
    assert fake_hub == [{"repo_id": "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "filename": "qwen2.5-0.5b-instruct-q4_k_m.gguf",
                         "local_dir": model_dir / "Qwen/Qwen2.5-0.5B-Instruct-GGUF"}]
    assert f"sha256 {DIGEST} (matches the Hub)" in out
    assert 'llm.model = "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"' in out

    assert main(["models", "list", "--json"]) == 0
    listed = {m["spec"]: m for m in json.loads(capsys.readouterr().out)}
    pulled = listed["hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"]
    assert pulled["installed"] and pulled["path"].startswith(str(model_dir))


def test_a_checksum_mismatch_removes_the_file_and_says_so(model_dir: Path, fake_hub: list[dict[str, Any]],
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(agent.llm.models, "hub_sha256", lambda repo, file: "0" * 64)
    assert main(["models", "pull", "org/repo", "m.gguf"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not match the Hub's" in err
    assert not (model_dir / "org/repo/m.gguf").exists()


def test_a_download_failure_is_one_line(model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    def offline(**_: Any) -> str:
        raise huggingface_hub.errors.LocalEntryNotFoundError("cannot reach huggingface.co")

    monkeypatch.setattr(huggingface_hub, "hf_hub_download", lambda *a, **k: offline())
    assert main(["models", "pull", "org/repo", "m.gguf"]) == 1
    err = capsys.readouterr().err
    assert err == "homebody: cannot download org/repo/m.gguf: cannot reach huggingface.co\n"


def test_the_hub_checksum_is_the_lfs_sha256(monkeypatch: pytest.MonkeyPatch) -> None:
    class Api:
        def get_paths_info(self, repo: str, paths: list[str]) -> list[Any]:
            return [SimpleNamespace(path=paths[0], lfs=SimpleNamespace(sha256=DIGEST))]

    monkeypatch.setattr(huggingface_hub, "HfApi", Api)
    assert hub_sha256("org/repo", "m.gguf") == DIGEST


def test_no_hub_checksum_means_not_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    class Offline:
        def get_paths_info(self, repo: str, paths: list[str]) -> list[Any]:
            raise OSError("offline")

    monkeypatch.setattr(huggingface_hub, "HfApi", Offline)
    assert hub_sha256("org/repo", "m.gguf") is None


def test_list_marks_the_configured_model_and_what_is_installed(model_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOMEBODY_LLM_MODEL", "smollm2-135m")
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "* smollm2-135m\n    SmolLM2-135M-Instruct" in out and "installed, 98.4 MB" in out
    assert "  gemma3-270m\n" in out and "installed (assembled into the model folder on first use)" in out
    for curated in CURATED:
        assert f"  {curated.spec}\n" in out
    assert out.count("not installed") == len(CURATED)


def test_list_marks_nothing_when_no_model_is_configured(model_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list"]) == 0
    assert "\n* " not in "\n" + capsys.readouterr().out


def test_every_recommended_model_is_in_the_docs() -> None:
    docs = (REPO / "docs" / "models.md").read_text(encoding="utf-8")
    for curated in CURATED:
        assert curated.repo in docs and curated.file in docs, curated
    assert "homebody models pull" in docs and "homebody models list" in docs
