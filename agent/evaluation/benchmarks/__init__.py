"""Benchmarks that print numbers (`homebody bench`): speed and memory are measured, never asserted."""

from pathlib import Path

SHARED_EVAL = Path(__file__).resolve().parents[4] / "shared" / "eval"
"""The project's shared evaluation data beside the checkout, when it is there (benchmarks fall back to the
example household without it)."""
