"""What every cache and its callers share: the MISSING sentinel, the error and warning, the
environment variables, sizes ('1G'), the checks on steps, keys and values (JSON data), and the
shape of stats().
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import ConfigError, NewsbriefError

__all__ = ["MISSING", "CacheError", "CacheWarning", "CacheOnlyMiss", "cache_only", "in_this_mode", "is_cache_only",
           "ENV_PATH", "ENV_MAX_BYTES", "parse_size"]

T = TypeVar("T")

ENV_PATH = "NEWSBRIEF_CACHE"
ENV_MAX_BYTES = "NEWSBRIEF_CACHE_MAX_BYTES"


class CacheError(NewsbriefError):
    """The cache folder cannot be created or written (permissions, a file in the way)."""

    exit_code = 1


class CacheWarning(UserWarning):
    """A damaged cache file was set aside, or a write was skipped."""


class CacheOnlyMiss(Exception):
    """Inside cache_only(): a result is not in the cache, so answering needs the work itself."""


_MODE = threading.local()


@contextmanager
def cache_only() -> Iterator[None]:
    """In this thread, answer only from the result cache: a lookup that misses (get, get_many, a
    model file whose content hash is not memoised) raises CacheOnlyMiss instead of letting the
    caller compute the result. A miss raised so is not counted in the cache's stats (the work,
    done elsewhere, looks the result up again). newsbrief.server answers cached requests this
    way without queueing them behind model work."""
    before = getattr(_MODE, "on", False)
    _MODE.on = True
    try:
        yield
    finally:
        _MODE.on = before


def is_cache_only() -> bool:
    """Whether this thread answers only from the result cache (inside cache_only())."""
    return getattr(_MODE, "on", False)


def in_this_mode(work: Callable[..., T]) -> Callable[..., T]:
    """work, to run on another thread in this thread's mode: a helper thread of a cache-only
    request must refuse a miss too, not do the work."""
    on = is_cache_only()

    def run(*args: Any, **kwargs: Any) -> T:
        before = is_cache_only()
        _MODE.on = on
        try:
            return work(*args, **kwargs)
        finally:
            _MODE.on = before
    return run


def _refuse_miss(step: str) -> None:
    if is_cache_only():
        raise CacheOnlyMiss(step)


class _Missing:
    """The one value get() returns for a miss (None can be a cached value)."""

    _instance: "_Missing | None" = None

    def __new__(cls) -> "_Missing":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _dump(value: Any, step: str) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cache: the value for step {step!r} is not JSON-serialisable ({exc}); "
                        "cache plain data (str, numbers, bool, None, lists, dicts with string keys), "
                        "e.g. a result's to_dict().") from None


def _check_step(step: Any) -> None:
    if not isinstance(step, str) or not step:
        raise TypeError("cache: step must be a non-empty string, e.g. 'translate'.")


def _check_key(key: Any) -> None:
    if not isinstance(key, str) or not key:
        raise TypeError("cache: key must be a non-empty string (use fingerprint(...)).")


def _items(items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    pairs = list(items.items()) if isinstance(items, Mapping) else [tuple(p) for p in items]
    for pair in pairs:
        if len(pair) != 2:
            raise TypeError("cache.put_many: items must be a mapping or (key, value) pairs.")
    return pairs  # type: ignore[return-value]


_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20,
          "g": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tib": 1 << 40,
          "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}


def parse_size(value: int | str, where: str = "size") -> int:
    """Bytes from 1073741824, '1G'/'1GiB' (binary) or '1GB' (decimal)."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a size in bytes, got {value!r}.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip().lower().replace(" ", "")
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(digits):]
        try:
            number = int(float(digits) * _UNITS[unit])
        except (KeyError, ValueError):
            raise ConfigError(f"{where}: {value!r} is not a size; write e.g. 500M, 2G or a "
                              "number of bytes.") from None
    if number <= 0:
        raise ConfigError(f"{where}: the size must be positive, got {value!r}.")
    return number


def _stats_dict(path: str | None, exists: bool, max_bytes: int,
                steps: dict[str, dict[str, Any]], file_bytes: int) -> dict[str, Any]:
    for row in steps.values():
        asked = row["hits"] + row["misses"]
        row["hit_rate"] = row["hits"] / asked if asked else None
    hits = sum(r["hits"] for r in steps.values())
    misses = sum(r["misses"] for r in steps.values())
    return {
        "path": path,
        "exists": exists,
        "entries": sum(r["entries"] for r in steps.values()),
        "bytes": sum(r["bytes"] for r in steps.values()),
        "file_bytes": file_bytes,
        "max_bytes": max_bytes,
        "hits": hits,
        "misses": misses,
        "hit_rate": hits / (hits + misses) if hits + misses else None,
        "steps": dict(sorted(steps.items())),
    }

