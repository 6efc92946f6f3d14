"""Evaluation: the case contract (`cases`, `case_file`), the runner on a virtual clock (`runner`), audio
evaluation (`audio`) and the benchmarks (`benchmarks`)."""

__all__ = [
    "audio", "benchmarks", "case_file", "cases", "runner",
]
