"""Loaded models, shared by key: one explicit object instead of module globals."""

from __future__ import annotations

import threading
from typing import Any, Callable


class ModelCache:
    """Loaded models, shared by key (path + backend options). One explicit object: pass your
    own to translate(cache=...) to isolate, or use default_cache() to share in a process."""

    def __init__(self, max_models: int | None = None):
        self._items: dict[tuple, Any] = {}
        self._lock = threading.RLock()
        self.max_models = max_models

    def get(self, key: tuple, load: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                value = self._items.pop(key)
                self._items[key] = value  # most recently used last
                return value
            value = load()
            self._items[key] = value
            if self.max_models is not None:
                while len(self._items) > self.max_models:
                    self._items.pop(next(iter(self._items)))
            return value

    def __contains__(self, key: tuple) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[tuple]:
        return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_DEFAULT_CACHE: list[ModelCache] = []


def default_cache() -> ModelCache:
    """The process-wide ModelCache translate() uses when given none."""
    if not _DEFAULT_CACHE:
        _DEFAULT_CACHE.append(ModelCache())
    return _DEFAULT_CACHE[0]
