"""Which cache a run uses: ``open_cache(cache=...)`` and the default folder.

An explicit Cache or NullCache, else a path, else (True) $NEWSBRIEF_CACHE, else the per-user
cache folder; None, False or NEWSBRIEF_CACHE=off give a NullCache. One Cache per path and
process is shared. platformdirs is imported only when the default folder is first needed.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ConfigError
from .base import ENV_PATH
from .null import NullCache
from .store import Cache

__all__ = ["open_cache", "default_cache_dir"]

_OFF = {"0", "off", "false", "no", "none", "disable", "disabled"}


def default_cache_dir() -> Path:
    """$NEWSBRIEF_CACHE when set (and not 'off'), else the per-user cache folder 'newsbrief'."""
    env = os.environ.get(ENV_PATH, "").strip()
    if env and env.lower() not in _OFF:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("newsbrief", appauthor=False))


_SHARED: dict[tuple[int, str, object], Cache] = {}


def _shared(path: "str | os.PathLike", max_bytes: "int | str | None") -> Cache:
    """One Cache object per path and process, so that repeated calls (a step per article)
    share a connection and its batched bookkeeping instead of opening the file each time."""
    key = (os.getpid(), os.path.abspath(os.path.expanduser(os.fspath(path))), max_bytes)
    if key not in _SHARED or _SHARED[key]._closed:
        _SHARED[key] = Cache(path, max_bytes=max_bytes)
    return _SHARED[key]


def open_cache(cache: "str | os.PathLike | Cache | NullCache | None | bool" = True, *,
               max_bytes: int | str | None = None) -> "Cache | NullCache":
    """Resolve the ``cache=`` argument every step takes.

    A Cache or NullCache is returned as it is; a path (folder, or a .sqlite3/.sqlite/.db file)
    opens that cache; True (the default) uses $NEWSBRIEF_CACHE, else the per-user cache folder
    (platformdirs' user_cache_dir('newsbrief')); None or False -- or NEWSBRIEF_CACHE=off --
    gives a NullCache. Nothing is created until the first write.
    """
    if isinstance(cache, (Cache, NullCache)):
        return cache
    if cache is None or cache is False:
        return NullCache()
    if cache is True:
        env = os.environ.get(ENV_PATH, "").strip()
        if env.lower() in _OFF:
            return NullCache()
        return _shared(default_cache_dir(), max_bytes)
    if isinstance(cache, (str, os.PathLike)):
        if isinstance(cache, str) and not cache.strip():
            raise ConfigError("cache: an empty path; give a folder, True for the default, or None.")
        return _shared(cache, max_bytes)
    raise ConfigError(f"cache: expected a folder path, True, None/False or a Cache, got "
                      f"{type(cache).__name__}.")
