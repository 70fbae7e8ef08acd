"""Sentence-level result caching for any Translator (compose by wrapping).

A sentence is looked up under an honest fingerprint (step, direction, decoding
configuration, model id and a hash of the model's files, package version, the
sentence) before it is translated, so a sentence repeated across articles or runs is
translated once. The fingerprint is computed from the model's files without loading the
model (model_hash), and CachedTranslator.lazy loads it only when a sentence is missing:
a warm cache imports neither torch nor CTranslate2.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Callable, Sequence

from ..cache import Cache, NullCache, fingerprint, model_files_hash
from .base import SENTENCE_NOTE as _SENTENCE_NOTE
from .base import OUTPUT_RATIO_BY_TARGET, SentenceTranslator, TranslateConfig

if TYPE_CHECKING:
    from .api import BackendPlan

STEP = "translate"
# A causal-LM translator's model hash is over what its copy is built from (see model_hash); change
# the recipe only on purpose, with tests/test_cache_keys_pinned.py: every such cached sentence misses.
CAUSAL_LM_RECIPE = "newsbrief-causal-lm-v1"


def model_hash(plan: "BackendPlan", store: "Cache | NullCache | None") -> str:
    """The model part of a translation's cache key, computed without loading the model.

    A folder that is loaded as it is (seq2seq models, CTranslate2 conversions, a built copy found
    without its source): model_files_hash of the folder, as before. A shipped causal-LM
    translator, which runs on a copy built on first use: a hash of what that copy is made of
    (models.causal_translator.build_inputs: engine, compute type, build layout, the trained
    weights' files, the base's recorded sha256), so a warm cache neither builds nor reads it.
    File hashes are memoised by (path, size, mtime, ctime, inode) in the cache's database."""
    memo = store if isinstance(store, Cache) else None
    resolved = plan.resolved
    if not plan.engine.startswith("causal-lm/") or resolved.spec.format == "ctranslate2":
        return model_files_hash(resolved.path, cache=memo)
    from ..models.causal_translator import build_inputs

    inputs = build_inputs(resolved, plan.engine, plan.compute_type, lambda path: model_files_hash(path, cache=memo))
    blob = json.dumps({"recipe": CAUSAL_LM_RECIPE, **inputs}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


class CachedTranslator:
    def __init__(self, inner: SentenceTranslator, store: "Cache | NullCache"):
        self._inner = inner
        self._load: Callable[[], SentenceTranslator] | None = None
        self.store = store
        self.model = inner.model
        self.config = inner.config
        self._supports = inner.supports
        path = getattr(inner.backend, "path", None)
        self.model_hash = model_files_hash(path, cache=store if isinstance(store, Cache) else None) \
            if path is not None else None

    @classmethod
    def lazy(cls, load: Callable[[], SentenceTranslator], store: "Cache | NullCache", model: str,
             model_hash: str | None, config: TranslateConfig, supports: Callable[[str, str], bool] | None = None
             ) -> "CachedTranslator":
        """A CachedTranslator whose translator is made by load() on the first cache miss; model,
        model_hash and config (what the keys are made of) must be those of the translator load()
        gives. supports: the direction check (default: any direction)."""
        self = cls.__new__(cls)
        self._inner, self._load = None, load
        self.store, self.model, self.model_hash, self.config = store, model, model_hash, config
        self._supports = supports or (lambda src, tgt: True)
        return self

    @property
    def inner(self) -> SentenceTranslator:
        """The wrapped translator (loaded now when it was not yet)."""
        if self._inner is None:
            self._inner = self._load()
            if self._inner.model != self.model:  # the keys would not be honest
                raise RuntimeError(f"the loaded translator is {self._inner.model!r}, not {self.model!r}")
        return self._inner

    @property
    def loaded(self) -> bool:
        return self._inner is not None

    def __repr__(self) -> str:
        return f"CachedTranslator({self._inner!r})" if self._inner is not None \
            else f"CachedTranslator({self.model!r}, not loaded)"

    def supports(self, src: str, tgt: str) -> bool:
        return self._supports(src, tgt)

    def translate_sentences(self, sentences: Sequence[str], src: str, tgt: str, notes: list[str] | None = None,
                            scores: list[float | None] | None = None) -> list[str]:
        """Translations from the cache where there are some; the rest from the model (loaded
        only then). Each sentence's notes (splits, retries) and score are cached with it and
        replayed, so a warm run reports what the cold one did."""
        config = {"src": src, "tgt": tgt, "decoding": _decoding(self.config, tgt), "value": "target+notes"}
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


def _decoding(config: TranslateConfig, tgt: str) -> dict:
    """The decoding configuration in the key, with candidates=1 (the greedy translation, what every
    key meant before the option existed) left out. It keeps no old entry valid on its own:
    protect_names joined the key in the same change, so every translation key changed once. With
    candidates, the rerank rule (rerank.RULE) is in the key too. malaysian_words counts only into
    Malay, where it is replaced by the table's rule (variety.rule()): other directions keep their keys."""
    decoding = asdict(config)
    decoding.pop("protect_facts")  # applied before the translator: the masked sentence is in the key
    if tgt in OUTPUT_RATIO_BY_TARGET:  # into Khmer the output allowance changed: keys into Khmer with it
        decoding["output_ratio_floor"] = OUTPUT_RATIO_BY_TARGET[tgt]
    words = decoding.pop("malaysian_words")
    if tgt == "ms" and words:
        from .variety import rule

        decoding["malaysian_words"] = rule()
    if decoding["candidates"] == 1:
        del decoding["candidates"]
    else:
        from .rerank import RULE

        decoding["rerank"] = RULE
    return decoding
