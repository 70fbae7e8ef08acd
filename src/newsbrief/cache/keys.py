"""The cache-key recipe: what a result's key is made of, and the content hash of a model.

``fingerprint(step, config, model_id, model_hash, text)`` covers the step name, its
configuration, the model id and a hash of the model's files, the package version and a hash of
the input text -- and never a path, so moving the cache or the model folder keeps every hit,
while changing any of those misses. ``model_files_hash(folder)`` is that model hash; each
file's sha256 is memoised in memory and, given ``cache=``, in the cache's database.

Changing anything here changes every key: bump KEY_VERSION, and update
tests/test_cache_keys_pinned.py, only on purpose.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import stat as stat_module
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from .._version import __version__
from ..errors import ConfigError
from .base import _refuse_miss

__all__ = ["KEY_VERSION", "fingerprint", "model_files_hash", "FileHashMemo"]

KEY_VERSION = 1  # bump when the fingerprint recipe changes


def _canonical(obj: Any, where: str) -> Any:
    """A JSON-ready, order-independent form of a configuration value. Paths are refused."""
    if obj is None or isinstance(obj, (bool, int, str)):
        if isinstance(obj, str) and _looks_like_path(obj):
            raise ConfigError(
                f"fingerprint: {where} = {obj!r} is a path; paths must not enter a cache key "
                "(they change when a folder moves). Pass a content hash instead, e.g. "
                "model_files_hash(folder) or hashlib.sha256(file bytes).")
        return obj
    if isinstance(obj, float):
        if obj != obj or obj in (float("inf"), float("-inf")):
            return {"__float__": repr(obj)}
        return obj
    if isinstance(obj, os.PathLike):
        raise ConfigError(
            f"fingerprint: {where} is a path ({os.fspath(obj)!r}); paths must not enter a cache "
            "key. Pass a content hash instead (model_files_hash(folder) for a model).")
    if isinstance(obj, enum.Enum):
        return _canonical(obj.value, where)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return {"__dataclass__": type(obj).__qualname__,
                "fields": _canonical(fields, where)}
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"fingerprint: {where} has a non-string key {k!r}; "
                                "configuration keys must be strings.")
            out[k] = _canonical(v, f"{where}.{k}")
        return dict(sorted(out.items()))
    if isinstance(obj, (list, tuple)):
        return [_canonical(v, f"{where}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, (set, frozenset)):
        items = [_canonical(v, f"{where}{{}}") for v in obj]
        return {"__set__": sorted(items, key=lambda v: json.dumps(v, sort_keys=True))}
    if isinstance(obj, bytes):
        return {"__bytes_sha256__": hashlib.sha256(obj).hexdigest()}
    raise TypeError(f"fingerprint: {where} is a {type(obj).__name__}, which has no canonical form; "
                    "use str, int, float, bool, None, lists, dicts, sets, enums or dataclasses.")


def _looks_like_path(value: str) -> bool:
    """An absolute path that exists, or one starting with ~ -- certainly a path, not a setting."""
    if len(value) < 2 or len(value) > 4096 or "\n" in value:
        return False
    if value.startswith("~") and ("/" in value or os.sep in value):
        return True
    try:
        return os.path.isabs(value) and os.path.exists(value)
    except (OSError, ValueError):
        return False


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprint(step: str, config: Mapping[str, Any] | None, model_id: str | None,
                model_hash: str | None, text: str) -> str:
    """The cache key of one result: sha256 (hex) over a canonical JSON of the step name, its
    configuration, the model id and file hash, the package version and the input text's hash.

    Any change in those gives a new key; nothing else does (in particular no path, no time,
    no machine). Configuration values that are paths are refused with ConfigError -- pass a
    content hash instead.
    """
    if not isinstance(step, str) or not step:
        raise TypeError("fingerprint: step must be a non-empty string, e.g. 'translate'.")
    if not isinstance(text, str):
        raise TypeError(f"fingerprint: text must be a str, not {type(text).__name__}.")
    for name, value in (("model_id", model_id), ("model_hash", model_hash)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"fingerprint: {name} must be a str or None, not {type(value).__name__}.")
    payload = {
        "key_version": KEY_VERSION,
        "newsbrief": __version__,
        "step": step,
        "config": _canonical(dict(config or {}), "config"),
        "model_id": model_id,
        "model_hash": model_hash,
        "text_sha256": _text_hash(text),
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()


class FileHashMemo(Protocol):
    """Where model_files_hash keeps file hashes between processes (Cache; NullCache keeps none)."""

    def _memo_get(self, memo_key: tuple) -> str | None: ...

    def _memo_put(self, memo_key: tuple, digest: str) -> None: ...


# In-memory memo of file content hashes: (real path, size, mtime_ns, ctime_ns, inode) -> sha256.
# With cache=..., model_files_hash also keeps the memo in that cache's database (table
# file_hashes), so a new process does not re-read gigabytes of unchanged weights.
_FILE_HASH_MEMO: dict[tuple, str] = {}
_MEMO_LOCK = threading.Lock()


def _skip(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def _file_sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def model_files_hash(folder: str | os.PathLike, *, cache: FileHashMemo | None = None) -> str:
    """A content hash of a model: sha256 over each file's relative name, size and sha256.

    Independent of where the folder is (a copy elsewhere hashes the same). Hidden entries
    (names starting with '.', e.g. .git or huggingface_hub's .cache) and __pycache__ are left
    out; symlinked files (Hugging Face snapshots) are followed. A single file is accepted too.
    Each file's content hash is memoised per (real path, size, mtime, ctime, inode): in memory
    for the process and, when ``cache`` is a Cache, in its database for later processes.
    """
    root = Path(folder).expanduser()
    if not root.exists():
        raise FileNotFoundError(f"model_files_hash: {root} does not exist.")
    if root.is_file():
        files = [(root.name, str(root))]
    else:
        files = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            dirnames[:] = sorted(d for d in dirnames if not _skip(d))
            for name in filenames:
                if _skip(name):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                files.append((rel, full))
        files.sort()
    persistent = cache if callable(getattr(cache, "_memo_get", None)) else None
    outer = hashlib.sha256(b"newsbrief-model-files-v1\n")
    for rel, full in files:
        try:
            st = os.stat(full)
        except OSError:
            continue  # a dangling symlink is not part of the model
        if not stat_module.S_ISREG(st.st_mode):
            continue
        real = os.path.realpath(full)
        memo_key = (real, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        with _MEMO_LOCK:
            digest = _FILE_HASH_MEMO.get(memo_key)
        if digest is None and persistent is not None:
            digest = persistent._memo_get(memo_key)
        if digest is None:
            _refuse_miss("model file hash")  # reading a model's files is work, not a lookup
            digest = _file_sha256(full)
            if persistent is not None:
                persistent._memo_put(memo_key, digest)
        with _MEMO_LOCK:
            _FILE_HASH_MEMO[memo_key] = digest
        outer.update(json.dumps([rel, st.st_size, digest], ensure_ascii=False).encode("utf-8"))
        outer.update(b"\n")
    return outer.hexdigest()

