"""Sentence-level result caching for any Translator (compose by wrapping).

A sentence is looked up under an honest fingerprint (step, direction, decoding
configuration, model id and a hash of the model's files, package version, the
sentence) before it is translated, so a sentence repeated across articles or runs is
translated once.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Sequence

from ..cache import Cache, NullCache, fingerprint, model_files_hash
from .base import SentenceTranslator, TranslateConfig

STEP = "translate"
_SENTENCE_NOTE = re.compile(r"\bsentence (\d+)")  # the translator's notes name the sentence they concern


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

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        """Translations from the cache where there are some; the rest from the model. Each
        sentence's notes (splits, retries) and score are cached with it and replayed, so a warm
        run reports what the cold one did."""
        config = {"src": src, "tgt": tgt, "decoding": _decoding(self.inner.config), "value": "target+notes"}
        key_of = {s: fingerprint(STEP, config, self.model, self.model_hash, s) for s in sentences}
        keys = [key_of[s] for s in sentences]
        found = self.store.get_many(STEP, list(key_of.values()))
        todo = [s for s, k in key_of.items() if k not in found]  # each distinct sentence once
        if todo:
            fresh_notes: list[str] = []
            fresh_scores: list[float | None] = []
            fresh = self.inner.translate_sentences(todo, src, tgt, fresh_notes, fresh_scores)
            if len(fresh_scores) != len(todo):  # a translator that keeps no scores
                fresh_scores = [None] * len(todo)
            own_notes: list[list[str]] = [[] for _ in todo]
            for note in fresh_notes:
                match = _SENTENCE_NOTE.search(note)
                if match and 0 < int(match.group(1)) <= len(todo):
                    own_notes[int(match.group(1)) - 1].append(_SENTENCE_NOTE.sub("sentence {n}", note, count=1))
                elif notes is not None:
                    notes.append(note)
            new = {key_of[s]: {"target": t, "notes": n, "score": score}
                   for s, t, n, score in zip(todo, fresh, own_notes, fresh_scores)}
            self.store.put_many(STEP, new)
            found.update(new)
        if notes is not None:
            for position, key in enumerate(keys, 1):
                notes.extend(note.replace("sentence {n}", f"sentence {position}") for note in found[key]["notes"])
        if scores is not None:
            scores.extend(found[k].get("score") for k in keys)
        return [found[k]["target"] for k in keys]


def _decoding(config: TranslateConfig) -> dict:
    """The decoding configuration in the key. candidates=1 (the greedy translation) is what every
    key meant before the option existed, so it is left out: those cached translations stay valid."""
    decoding = asdict(config)
    if decoding["candidates"] == 1:
        del decoding["candidates"]
    return decoding
