"""NullCache: the cache that stores nothing (``cache=None``, ``--no-cache``, NEWSBRIEF_CACHE=off)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .base import MISSING, _check_key, _check_step, _dump, _items, _refuse_miss, _stats_dict

__all__ = ["NullCache"]


class NullCache:
    """The cache that stores nothing, with Cache's API (``cache=None`` / ``--no-cache``).

    put() still checks that values are JSON data, so code behaves the same with the cache on.
    """

    path = None
    folder = None
    max_bytes = 0

    def __init__(self) -> None:
        self._misses: dict[str, int] = {}

    def __repr__(self) -> str:
        return "NullCache()"

    def get(self, step: str, key: str) -> Any:
        _check_step(step)
        _check_key(key)
        _refuse_miss(step)
        self._misses[step] = self._misses.get(step, 0) + 1
        return MISSING

    def get_many(self, step: str, keys: Iterable[str]) -> dict[str, Any]:
        _check_step(step)
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            _check_key(key)
        if wanted:
            _refuse_miss(step)
            self._misses[step] = self._misses.get(step, 0) + len(wanted)
        return {}

    def put(self, step: str, key: str, value: Any) -> None:
        self.put_many(step, [(key, value)])

    def put_many(self, step: str, items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        _check_step(step)
        for key, value in _items(items):
            _check_key(key)
            _dump(value, step)

    def __contains__(self, item: tuple[str, str]) -> bool:
        return False

    def stats(self) -> dict[str, Any]:
        steps = {s: {"entries": 0, "bytes": 0, "hits": 0, "misses": n} for s, n in self._misses.items()}
        return _stats_dict(None, False, 0, steps, 0)

    def clear(self, step: str | None = None) -> int:
        if step is not None:
            _check_step(step)
        self._misses = {} if step is None else {s: n for s, n in self._misses.items() if s != step}
        return 0

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "NullCache":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def _memo_get(self, memo_key: tuple) -> None:
        return None

    def _memo_put(self, memo_key: tuple, digest: str) -> None:
        pass
