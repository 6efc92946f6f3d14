"""Greedy decoding on a loaded `Llama`, one token at a time up to a deadline: under a JSON schema's
grammar (the planner) or free (plain text for open questions)."""

from __future__ import annotations

import ctypes
import functools
import json
import time
from typing import TYPE_CHECKING, Any

from devices.errors import ModelUnavailable

if TYPE_CHECKING:
    from llama_cpp import Llama


class TextDecoder:
    """The most likely token at each step, until the model ends its turn."""

    def __init__(self, llm: Llama):
        import llama_cpp

        self.llm = llm
        self.vocab = llama_cpp.llama_model_get_vocab(llm.model)

    def run(self, max_tokens: int, deadline: float) -> tuple[str, int, str]:
        """(text, tokens generated, stop | length | deadline | grammar), evaluating each token as it goes."""
        import llama_cpp

        self._reset()
        generated: list[int] = []
        while len(generated) < max_tokens:
            if time.monotonic() > deadline:
                return self._text(generated), len(generated), "deadline"
            token = self._next_token()
            if token < 0 or llama_cpp.llama_vocab_is_eog(self.vocab, token):
                return self._text(generated), len(generated), "stop" if token >= 0 else "grammar"
            self._accept(token)
            generated.append(token)
            if self._finished(self._text(generated)):
                return self._text(generated), len(generated), "stop"
            self.llm.eval([token])
        return self._text(generated), len(generated), "length"

    def _logits(self) -> Any:
        import llama_cpp
        import numpy as np

        return np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self.llm.ctx, -1), shape=(self.llm.n_vocab(),))

    def _next_token(self) -> int:
        import numpy as np

        return int(np.argmax(self._logits()))

    def _reset(self) -> None:
        """Before a run: nothing to forget without a grammar."""

    def _accept(self, token: int) -> None:
        """After each token: nothing to track without a grammar."""

    def _finished(self, text: str) -> bool:
        return False

    def _text(self, tokens: list[int]) -> str:
        return self.llm.detokenize(tokens).decode("utf-8", "replace")

    def close(self) -> None:
        """Nothing held beyond the model."""


class GrammarDecoder(TextDecoder):
    """Greedy decoding under the schema's grammar (what `LlamaGrammar.from_json_schema` builds).

    llama.cpp's grammar sampler checks every token of the vocabulary at every step: 262k of them
    for Gemma 3, about a second per token here. Greedy decoding only needs the best token the
    grammar allows, so the grammar is asked about the best 32 candidates first, then 2,048,
    then all: the same tokens, usually a hundred times fewer checks.
    """

    TIERS = (32, 2048)

    def __init__(self, llm: Llama, schema: dict[str, Any]):
        import llama_cpp
        from llama_cpp.llama_grammar import json_schema_to_gbnf

        super().__init__(llm)
        grammar = json_schema_to_gbnf(json.dumps(schema)).encode()
        self.sampler = llama_cpp.llama_sampler_init_grammar(self.vocab, grammar, b"root")
        if not self.sampler:
            raise ModelUnavailable("llama.cpp rejected the plan grammar")

    def _reset(self) -> None:
        import llama_cpp

        llama_cpp.llama_sampler_reset(self.sampler)

    def _accept(self, token: int) -> None:
        import llama_cpp

        llama_cpp.llama_sampler_accept(self.sampler, token)

    def _finished(self, text: str) -> bool:
        return "}" in text[-4:] and _complete_json(text)

    def _next_token(self) -> int:
        """The best token the grammar allows, or -1 when it allows none."""
        import llama_cpp
        import numpy as np

        n_vocab = self.llm.n_vocab()
        logits = self._logits()
        for size in (*[t for t in self.TIERS if t < n_vocab], n_vocab):
            ids = np.argpartition(logits, -size)[-size:] if size < n_vocab else np.arange(n_vocab)
            candidates = np.zeros(size, dtype=_token_data())
            candidates["id"], candidates["logit"] = ids, logits[ids]
            array = llama_cpp.llama_token_data_array(
                data=candidates.ctypes.data_as(llama_cpp.llama_token_data_p), size=size, selected=-1, sorted=False)
            llama_cpp.llama_sampler_apply(self.sampler, ctypes.byref(array))
            allowed = candidates["logit"] > -np.inf
            if allowed.any():
                return int(candidates["id"][np.argmax(np.where(allowed, candidates["logit"], -np.inf))])
        return -1

    def close(self) -> None:
        import llama_cpp

        if self.sampler:
            llama_cpp.llama_sampler_free(self.sampler)
            self.sampler = None


@functools.cache
def _token_data() -> Any:
    """llama_token_data as a numpy record (numpy is imported on first use, not with this module)."""
    import numpy as np

    return np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


def _complete_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
