"""Replies: how homebody words what happened and what it knows (`replies`, `answers`, `wording`, `grammar`,
`describe`), from the language file's wording."""

__all__ = [
    "answers", "describe", "grammar", "replies", "wording",
]
