"""The command line: one subcommand per public operation (`homebody --help`)."""

from agent.cli.main import main

__all__ = ["main"]
