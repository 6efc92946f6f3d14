"""Language is data: what homebody says lives in the language file (`lang/en.toml`), not in Python.

The code names a reply (`REPLIES["which_room"]`); every name it uses is in the file's [replies] table, and
no module that speaks holds a sentence of its own. Log lines, developers' errors, docstrings and the
prompts written for the language model are not what homebody says, and are not looked at.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from agent.understanding.language import language

ROOT = Path(__file__).resolve().parents[1]

SPEAKING = [ROOT / "agent" / name for name in ("turn", "understanding", "skill_host.py", "llm", "voice/pipeline.py")]
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


def sentences_in(source: str) -> list[tuple[int, str]]:
    """The sentence-like string literals of a module, f-strings with their fields as {}."""
    tree = ast.parse(source)
    skipped = _developer_text(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
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
