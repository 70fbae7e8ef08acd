"""The persistent result cache: every expensive result stored under an honest fingerprint.

    from newsbrief.cache import fingerprint, model_files_hash, open_cache, MISSING

    cache = open_cache()                       # env NEWSBRIEF_CACHE, else the per-user cache folder
    key = fingerprint("translate", {"to": "km", "beam_size": 4}, "nllb-600M",
                      model_files_hash(model_dir, cache=cache), sentence)
    value = cache.get("translate", key)
    if value is MISSING:
        value = expensive(sentence)
        cache.put("translate", key, value)

Modules: keys (the key recipe: fingerprint, model_files_hash), store (Cache: one SQLite file
in WAL mode, corruption handling, LRU eviction, stats), null (NullCache, which stores
nothing), resolve (open_cache, the default folder), base (MISSING, errors, sizes, value
checks), cli (the `cache` command). Importing this package is cheap (standard library only)
and creates nothing: the folder and file appear on the first write.
"""

from .base import (ENV_MAX_BYTES, ENV_PATH, MISSING, CacheError, CacheOnlyMiss, CacheWarning, cache_only, in_this_mode,
                   is_cache_only, parse_size)
from .keys import KEY_VERSION, fingerprint, model_files_hash
from .null import NullCache
from .resolve import default_cache_dir, open_cache
from .store import DB_NAME, DEFAULT_MAX_BYTES, Cache

__all__ = [
    "MISSING", "Cache", "NullCache", "CacheError", "CacheWarning", "CacheOnlyMiss", "cache_only", "in_this_mode",
    "is_cache_only", "open_cache", "fingerprint",
    "model_files_hash", "default_cache_dir", "parse_size", "DEFAULT_MAX_BYTES", "DB_NAME",
    "ENV_PATH", "ENV_MAX_BYTES", "KEY_VERSION",
]
