"""Sentence-level result caching for any Translator (compose by wrapping).

A sentence is looked up under an honest fingerprint (step, direction, decoding
configuration, model id and a hash of the model's files, package version, the
sentence) before it is translated, so a sentence repeated across articles or runs is
translated once.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Sequence

from ..cache import Cache, NullCache, fingerprint, model_files_hash
from .base import SentenceTranslator

STEP = "translate"


class CachedTranslator:
    def __init__(self, inner: SentenceTranslator, store: "Cache | NullCache"):
        self.inner = inner
        self.store = store
        self.model = inner.model
        path = getattr(inner.backend, "path", None)
        self.model_hash = model_files_hash(path, cache=store if isinstance(store, Cache) else None) \
            if path is not None else None

    def __repr__(self) -> str:
        return f"CachedTranslator({self.inner!r})"

    def supports(self, src: str, tgt: str) -> bool:
        return self.inner.supports(src, tgt)

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str,
                            notes: list[str] | None = None) -> list[str]:
        config = {"src": src, "tgt": tgt, "decoding": asdict(self.inner.config)}
        keys = [fingerprint(STEP, config, self.model, self.model_hash, s) for s in sentences]
        found = self.store.get_many(STEP, list(dict.fromkeys(keys)))
        todo = list(dict.fromkeys(s for s, k in zip(sentences, keys) if k not in found))  # each once
        if todo:
            fresh = self.inner.translate_sentences(todo, src, tgt, notes)
            new = {fingerprint(STEP, config, self.model, self.model_hash, s): t for s, t in zip(todo, fresh)}
            self.store.put_many(STEP, new)
            found.update(new)
        return [found[k] for k in keys]
