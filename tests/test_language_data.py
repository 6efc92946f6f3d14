"""Language is data: what homebody says lives in the language file (`lang/en.toml`), not in Python.

The code names a reply (`REPLIES["which_room"]`); every name it uses is in the file's [replies] table, and
no module that speaks holds a sentence of its own. Log lines, developers' errors, docstrings and the
prompts written for the language model are not what homebody says, and are not looked at.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.understanding.language import language

ROOT = Path(__file__).resolve().parents[1]

SPEAKING = [ROOT / "agent" / name for name in ("turn", "understanding", "replies", "memory/spoken.py", "skill_host.py", "llm",
                                                 "voice/pipeline.py")]
"""The modules whose replies must come from the language file."""
PROMPTS = {"agent/llm/prompt.py", "agent/llm/answers.py", "agent/llm/tools.py", "agent/llm/backends.py",
           "agent/llm/models.py"}
"""Text for the language model (its instructions, tool descriptions, examples) or for the person setting
homebody up: English by design, never spoken as a reply."""
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
SENTENCE = re.compile(r"^[A-Z][^_]*[.?!]$")
"""A string that reads as a sentence said to someone: "Sorry, I can't do {} yet."."""


def _files() -> list[Path]:
    found = []
    for root in SPEAKING:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            if path.relative_to(ROOT).as_posix() not in PROMPTS:
                found.append(path)
    return found


def _developer_text(tree: ast.AST) -> set[int]:
    """The string nodes nobody hears: docstrings and bare strings, log calls, errors raised for developers."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LOG_METHODS:
            skipped.update(id(n) for n in ast.walk(node))
        elif isinstance(node, ast.Raise) and node.exc is not None and not _spoken_exception(node.exc):
            skipped.update(id(n) for n in ast.walk(node.exc))
    return skipped


def _spoken_exception(exc: ast.expr) -> bool:
    """Exceptions that carry what to say instead (agent/llm/parsing.py's _Unanswerable)."""
    called = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(called, ast.Name) and called.id == "_Unanswerable"


def _unskipped(tree: ast.AST, skipped: set[int]) -> Iterator[ast.AST]:
    """The tree's nodes but those `skipped` (by id), as they are walked: `skipped` may grow meanwhile."""
    return (node for node in ast.walk(tree) if id(node) not in skipped)


def sentences_in(source: str) -> list[tuple[int, str]]:
    """The sentence-like string literals of a module, f-strings with their fields as {}."""
    tree = ast.parse(source)
    skipped = _developer_text(tree)
    found = []
    for node in _unskipped(tree, skipped):
        if isinstance(node, ast.JoinedStr):
            skipped.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if SENTENCE.match(text.strip()):
            found.append((node.lineno, text))
    return found


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_reply_sentences_in_python(path: Path):
    found = sentences_in(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(ROOT)}: put these in lang/en.toml [replies]: {found}"


def test_the_check_sees_a_sentence():
    source = ('def run(tool):\n    """Runs it."""\n    log.info("Ran %s.", tool)\n'
              '    raise ValueError("Not a tool.")\n    return f"Sorry, I can\'t do {tool}."\n')
    assert sentences_in(source) == [(5, "Sorry, I can't do {}.")]


def _reply_names(path: Path) -> set[str]:
    """Every name a module looks up in REPLIES: REPLIES["a"], REPLIES["a" if x else "b"]."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "REPLIES":
            names.update(_choices(node.slice))
    return names


def _choices(key: ast.expr) -> set[str]:
    """The names a key can be: "a", or either of "a" if x else "b"; none for a name worked out."""
    if isinstance(key, ast.IfExp):
        return _choices(key.body) | _choices(key.orelse)
    return {key.value} if isinstance(key, ast.Constant) and isinstance(key.value, str) else set()


def test_every_reply_named_in_the_code_is_in_the_language_file():
    replies = language().replies
    missing = {f"{path.relative_to(ROOT)}: {name}"
               for path in sorted((ROOT / "agent").rglob("*.py")) for name in _reply_names(path) if name not in replies}
    assert not missing


def test_every_reply_is_a_template_that_formats():
    for name, template in language().replies.items():
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
        assert template.format(**dict.fromkeys(fields, "x")), name


# ---- no English word lists in Python -------------------------------------------------------------------------------

LISTENING = [ROOT / "agent" / name for name in ("understanding", "memory", "replies", "turn", "voice",
                                                "llm/grounding.py")]
"""The modules whose words compared against what people say must come from a data file: the language file, or
agent/voice/speech.toml for the voice layer's own."""
PROTOCOL_LISTS = {
    "agent/understanding/clauses.py": "action names a particle gives (SWITCHES), as a plan's calls name them",
    "agent/understanding/commands.py": "action and attribute names of the plan's calls",
    "agent/understanding/frames.py": "action names a question never asks for",
    "agent/understanding/matcher.py": "the kinds of a parsed time (WhenKind)",
    "agent/memory/store.py": "database table names",
    "agent/replies/answers.py": "device attribute names",
    "agent/replies/describe.py": "device attribute names",
}
"""Files allowed lists of lowercase words, and why: protocol values, the same in every language. `__all__` and
`Literal[...]` types are never word lists."""
WORD = re.compile(r"[a-z]+(?:[ '-][a-z]+)*")
"""A lowercase English word or phrase: "lamp", "turn on", "check-up" (never "target_temperature")."""
MANY_WORDS = 4


def _listening_files() -> list[Path]:
    return [path for root in LISTENING for path in (sorted(root.rglob("*.py")) if root.is_dir() else [root])]


def _not_lists(tree: ast.AST) -> set[int]:
    """The nodes that hold names, not words: `__all__ = [...]` and `Literal[...]`."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            skipped.add(id(node.value))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "Literal":
            skipped.add(id(node.slice))
    return skipped


def word_lists_in(source: str) -> list[tuple[int, list[str]]]:
    """Literal lists, tuples and sets (frozensets included) of MANY_WORDS lowercase words or more, and literal
    strings of as many words split into a list ("a b c d".split())."""
    tree = ast.parse(source)
    found = []
    for node in _unskipped(tree, _not_lists(tree)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split" \
                and isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
            words = node.func.value.value.split()
        else:
            continue
        words = [word for word in words if WORD.fullmatch(word)]
        if len(words) >= MANY_WORDS:
            found.append((node.lineno, words))
    return sorted(found)


@pytest.mark.parametrize("path", _listening_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_word_lists_in_python(path: Path):
    found = word_lists_in(path.read_text(encoding="utf-8"))
    if path.relative_to(ROOT).as_posix() in PROTOCOL_LISTS:
        assert found, f"{path.relative_to(ROOT)} has no protocol list left: drop it from PROTOCOL_LISTS"
    else:
        assert not found, f"{path.relative_to(ROOT)}: put these in lang/en.toml or agent/voice/speech.toml: {found}"


def test_the_word_check_sees_a_word_list():
    source = ('__all__ = ["lamp", "fan", "tv", "lock"]\nKind = Literal["light", "fan", "lock", "cover"]\n'
              'NUMERIC = {"target_temperature", "current_temperature", "Monday", "x y"}\n'
              'STOP = frozenset({"a", "an", "the", "of"})\nMORE = "on off up down".split()\n')
    assert word_lists_in(source) == [(4, ["a", "an", "the", "of"]), (5, ["on", "off", "up", "down"])]
