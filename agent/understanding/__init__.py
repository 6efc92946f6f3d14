"""Understanding: the language file (`lang/en.toml`, loaded by `language`), tokens and numbers, times, names
(`mentions`), clauses and frames, targets, commands, questions, conditions, sentence templates, and the one
recognizer that weighs every reading on one scale (`recognizer`, `confidence`)."""

__all__ = [
    "clauses", "commands", "conditions", "confidence", "frames", "intents", "language", "matcher", "mentions",
    "normalize", "numbers", "phrase_tables", "queries", "recognizer", "sentences", "similarity", "targets",
    "templates", "timed", "times", "typed_toml", "values", "wording_tables",
]
