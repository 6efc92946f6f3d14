"""`homebody models list|pull`: which language models are available and installed; download one."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from agent.config import Settings
from agent.llm.models import list_models, pull_model


def register(subparsers: Any) -> None:
    """Add `models` to the main CLI's subparsers."""
    text = "language models for the planner: list them, or download one from Hugging Face"
    parser = subparsers.add_parser("models", help=text, description=text)
    commands = parser.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    text = "packaged models, the recommended ones and any downloaded GGUF file; * marks llm.model"
    listing = commands.add_parser("list", help=text, description=text)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=models_list)

    text = "download REPO FILE from Hugging Face into llm.model_dir (resumable; prints its SHA-256)"
    pull = commands.add_parser("pull", help=text, description=text)
    pull.add_argument("repo", help="Hugging Face repository, e.g. Qwen/Qwen2.5-1.5B-Instruct-GGUF")
    pull.add_argument("file", help="GGUF file in it, e.g. qwen2.5-1.5b-instruct-q4_k_m.gguf")
    pull.add_argument("--model-dir", help="where to put it (default: llm.model_dir)")
    pull.set_defaults(handler=models_pull)


def models_list(args: argparse.Namespace, settings: Settings) -> None:
    models = list_models(settings.llm.model_dir)
    if args.json:
        from agent.cli.main import print_json

        print_json([{**asdict(m), "selected": m.spec == settings.llm.model} for m in models])
        return
    for model in models:
        mark = "*" if model.spec == settings.llm.model else " "
        state = f"installed, {model.size_mb:g} MB" if model.path else "not installed"
        if model.installed and not model.path:
            state = "installed (assembled into the model folder on first use)"
        print(f"{mark} {model.spec}\n    {model.description}; {state}")


def models_pull(args: argparse.Namespace, settings: Settings) -> None:
    pulled = pull_model(args.repo, args.file, args.model_dir or settings.llm.model_dir)
    check = "matches the Hub" if pulled.verified else "not published by the Hub, not verified"
    print(f"{pulled.path} ({pulled.size_mb:g} MB)\nsha256 {pulled.sha256} ({check})")
    print(f'use it: set llm.model = "{pulled.spec}" in config.toml')
