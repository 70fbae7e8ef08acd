"""The persistent result cache: every expensive result stored under an honest fingerprint.

    from newsbrief.cache import fingerprint, model_files_hash, open_cache, MISSING

    cache = open_cache()                       # env NEWSBRIEF_CACHE, else the per-user cache folder
    key = fingerprint("translate", {"to": "km", "beam_size": 4}, "nllb-600M",
                      model_files_hash(model_dir, cache=cache), sentence)
    value = cache.get("translate", key)
    if value is MISSING:
        value = expensive(sentence)
        cache.put("translate", key, value)

Keys (``fingerprint``) cover the step name, its configuration, the model id and a hash of
the model's files, the package version and a hash of the input text -- and never a path, so
moving the cache or the model folder keeps every hit, while changing any of those misses.

Storage is one SQLite file (standard library) in WAL mode: many processes may read and write
at once; a process killed mid-write loses at most its open transaction; a file that is not a
database, or is damaged or truncated, is moved aside to ``<name>.corrupt-<time>`` with a
warning and a fresh cache is started -- the cache never crashes a run. The total size is
bounded (``max_bytes``, default 1 GiB) by evicting the least recently used entries.

Importing this module is cheap (standard library only; platformdirs is imported when the
default folder is first needed) and creates nothing: the folder and file appear on the first
write. ``open_cache(None)`` / ``open_cache(False)`` gives a NullCache with the same API that
stores nothing.
"""

from __future__ import annotations

import atexit
import dataclasses
import enum
import hashlib
import json
import logging
import os
import random
import sqlite3
import stat as stat_module
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from . import __version__
from .errors import ConfigError, NewsbriefError

__all__ = [
    "MISSING", "Cache", "NullCache", "CacheError", "CacheWarning", "open_cache", "fingerprint",
    "model_files_hash", "default_cache_dir", "parse_size", "DEFAULT_MAX_BYTES", "DB_NAME",
]

log = logging.getLogger("newsbrief.cache")

DB_NAME = "cache.sqlite3"
DB_SUFFIXES = (".sqlite3", ".sqlite", ".db")
DEFAULT_MAX_BYTES = 1 << 30
ENV_PATH = "NEWSBRIEF_CACHE"
ENV_MAX_BYTES = "NEWSBRIEF_CACHE_MAX_BYTES"
_OFF = {"0", "off", "false", "no", "none", "disable", "disabled"}

SCHEMA_VERSION = 1
KEY_VERSION = 1  # bump when the fingerprint recipe changes
ENTRY_OVERHEAD = 64  # bytes counted per entry on top of step + key + value (index, row header)
EVICT_TO = 0.9  # once over max_bytes, evict least recently used entries down to this fraction
BUSY_TIMEOUT_S = 15.0  # SQLite's own wait for a lock, per statement
RETRY_FOR_S = 120.0  # then we retry "database is locked" ourselves for this long
FLUSH_EVERY = 512  # pending access-time/hit updates before they are written ...
FLUSH_AFTER_S = 5.0  # ... or seconds since the last write
# PRAGMA quick_check reads every page: measured ~0.25 s for an 89 MB file of 300k small
# entries (~2.8 ms/MB) and ~0.17 s for 235 MB of 2 KB values, warm, on the 2-core dev machine
# (see tests / report). Run it once per process per file, for files up to this size; bigger
# files get the cheap header check only (and quick_check when that check is suspicious).
QUICK_CHECK_MAX_BYTES = 32 << 20

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class CacheError(NewsbriefError):
    """The cache folder cannot be created or written (permissions, a file in the way)."""

    exit_code = 1


class CacheWarning(UserWarning):
    """A damaged cache file was set aside, or a write was skipped."""


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


# --------------------------------------------------------------------------- fingerprints

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


def model_files_hash(folder: str | os.PathLike, *, cache: "Cache | NullCache | None" = None) -> str:
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
    persistent = cache if isinstance(cache, Cache) else None
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
            digest = _file_sha256(full)
            if persistent is not None:
                persistent._memo_put(memo_key, digest)
        with _MEMO_LOCK:
            _FILE_HASH_MEMO[memo_key] = digest
        outer.update(json.dumps([rel, st.st_size, digest], ensure_ascii=False).encode("utf-8"))
        outer.update(b"\n")
    return outer.hexdigest()


# --------------------------------------------------------------------------- values

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


# --------------------------------------------------------------------------- configuration

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


def default_cache_dir() -> Path:
    """$NEWSBRIEF_CACHE when set (and not 'off'), else the per-user cache folder 'newsbrief'."""
    env = os.environ.get(ENV_PATH, "").strip()
    if env and env.lower() not in _OFF:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("newsbrief", appauthor=False))


def _resolve_db_file(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    if p.suffix.lower() in DB_SUFFIXES and not p.is_dir():
        return p
    if p.exists() and not p.is_dir():
        raise ConfigError(f"cache: {p} is a file; give a folder for the cache (it will hold "
                          f"{DB_NAME}) or a file ending in {', '.join(DB_SUFFIXES)}.")
    return p / DB_NAME


# --------------------------------------------------------------------------- the cache

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    step TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    size INTEGER NOT NULL,
    created INTEGER NOT NULL,
    accessed INTEGER NOT NULL,
    PRIMARY KEY (step, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_by_access ON entries (accessed);
CREATE TABLE IF NOT EXISTS totals (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    entries INTEGER NOT NULL,
    bytes INTEGER NOT NULL
);
INSERT OR IGNORE INTO totals (id, entries, bytes) VALUES (0, 0, 0);
CREATE TRIGGER IF NOT EXISTS entries_ins AFTER INSERT ON entries BEGIN
    UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.size WHERE id = 0;
END;
CREATE TRIGGER IF NOT EXISTS entries_del AFTER DELETE ON entries BEGIN
    UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size WHERE id = 0;
END;
CREATE TRIGGER IF NOT EXISTS entries_upd AFTER UPDATE OF size ON entries BEGIN
    UPDATE totals SET bytes = bytes + NEW.size - OLD.size WHERE id = 0;
END;
CREATE TABLE IF NOT EXISTS step_stats (
    step TEXT PRIMARY KEY,
    hits INTEGER NOT NULL DEFAULT 0,
    misses INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS file_hashes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers contain ';' of their own)."""
    out, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            out.append(current.strip())
            current = ""
    return out


_OUR_TABLES = {"entries", "totals", "step_stats", "file_hashes", "meta"}

_LIVE: "weakref.WeakSet[Cache]" = weakref.WeakSet()
_QUICK_CHECKED: set[tuple[str, int, int]] = set()  # (db file, pid, inode) checked this process


@atexit.register
def _flush_all_at_exit() -> None:
    for cache in list(_LIVE):
        try:
            cache.flush()
        except Exception:  # never fail interpreter shutdown because of the cache
            pass


def _warn(message: str) -> None:
    """warnings.warn pointing at the first caller outside this module."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_code.co_filename == __file__:
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CacheWarning, stacklevel=level)


def _is_corruption(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    message = str(exc).lower()
    return ("file is not a database" in message or "malformed" in message
            or "file is encrypted" in message)


def _is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return "locked" in message or "busy" in message


class _Corrupt(Exception):
    """Internal: the database file must be set aside (reason in args[0])."""


def _now_ns() -> int:
    return time.time_ns()


class Cache:
    """A persistent, process-safe result cache in one SQLite file (see the module doc).

    ``path`` is a folder (the file is ``<folder>/cache.sqlite3``) or a file ending in .sqlite3,
    .sqlite or .db. Nothing is created until the first write. Values are JSON data; get()
    returns the MISSING sentinel on a miss. Safe to share between threads; after os.fork()
    the child opens its own connection.
    """

    def __init__(self, path: str | os.PathLike, max_bytes: int | str | None = None):
        self.path: Path = _resolve_db_file(path)
        self.folder: Path = self.path.parent
        if max_bytes is None:
            env = os.environ.get(ENV_MAX_BYTES, "").strip()
            max_bytes = parse_size(env, ENV_MAX_BYTES) if env else DEFAULT_MAX_BYTES
        self.max_bytes: int = parse_size(max_bytes, "max_bytes")
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._pid = os.getpid()
        self._inode: int | None = None
        self._closed = False
        self._pending_access: dict[tuple[str, str], int] = {}
        self._pending_counts: dict[str, list[int]] = {}  # step -> [hits, misses]
        self._pending_n = 0
        self._last_flush = time.monotonic()
        self._write_warned = False
        _LIVE.add(self)

    def __repr__(self) -> str:
        return f"Cache({str(self.path)!r}, max_bytes={self.max_bytes})"

    def __getstate__(self) -> dict[str, Any]:
        # Sent to a worker process (multiprocessing): the path and limit, not the connection.
        return {"path": str(self.path), "max_bytes": self.max_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], max_bytes=state["max_bytes"])

    # ---------------------------------------------------------------- connection handling

    def _after_fork_check(self) -> None:
        if self._pid != os.getpid():
            # Never use (or close) a connection inherited across fork(); drop the parent's
            # pending updates so they are not counted twice.
            self._conn = None
            self._inode = None
            self._pid = os.getpid()
            self._pending_access.clear()
            self._pending_counts.clear()
            self._pending_n = 0

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The process's connection, opened (and checked) on first use. None when the file
        does not exist and create is False."""
        self._after_fork_check()
        if self._closed:
            raise CacheError(f"cache {self.path} is closed.")
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            if not create:
                return None
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CacheError(f"cannot create the cache folder {self.folder}: {exc.strerror}. "
                                 f"Choose another with --cache PATH or {ENV_PATH}=PATH, or run "
                                 "without the cache (--no-cache).") from None
        for attempt in range(3):
            try:
                self._conn = self._open_checked()
                return self._conn
            except _Corrupt as exc:
                self._set_aside(str(exc.args[0]))
            except sqlite3.DatabaseError as exc:
                if _is_corruption(exc):
                    self._set_aside(str(exc))
                elif _is_busy(exc) and attempt < 2:
                    time.sleep(0.05 + random.random() * 0.1)
                else:
                    raise self._as_cache_error(exc) from None
        raise CacheError(f"cache {self.path}: could not open a working database; remove the "
                         "file or choose another cache folder.")

    def _as_cache_error(self, exc: sqlite3.DatabaseError) -> CacheError:
        return CacheError(f"cache {self.path}: {exc}. Check the folder's permissions and free "
                          f"space, choose another with --cache PATH or {ENV_PATH}=PATH, or run "
                          "without the cache (--no-cache).")

    def _open_checked(self) -> sqlite3.Connection:
        suspicious = self._header_suspicious()
        try:  # the file we are about to open: _set_aside moves only this one
            self._inode = os.stat(self.path).st_ino
        except OSError:
            self._inode = None
        conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        try:
            self._retry(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone())
            conn.execute("PRAGMA synchronous=NORMAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                self._retry(lambda: self._create_schema(conn))
            elif version > SCHEMA_VERSION:
                raise CacheError(f"cache {self.path} was written by a newer newsbrief (schema "
                                 f"{version}, this one reads {SCHEMA_VERSION}); upgrade newsbrief "
                                 f"or use another folder (--cache PATH or {ENV_PATH}=PATH).")
            elif version != SCHEMA_VERSION:
                raise _Corrupt(f"schema version {version}, this newsbrief reads {SCHEMA_VERSION}")
            try:
                st = os.stat(self.path)
                if self._inode is None:
                    self._inode = st.st_ino
                size = st.st_size
            except OSError:
                size = 0
            check_key = (str(self.path), os.getpid(), self._inode or 0)
            if suspicious or (check_key not in _QUICK_CHECKED and size <= QUICK_CHECK_MAX_BYTES):
                t0 = time.perf_counter()
                rows = conn.execute("PRAGMA quick_check").fetchall()
                log.debug("quick_check of %s (%d bytes): %.3f s", self.path, size,
                          time.perf_counter() - t0)
                if [r[0] for r in rows] != ["ok"]:
                    raise _Corrupt("quick_check: " + "; ".join(str(r[0]) for r in rows[:3]))
                _QUICK_CHECKED.add(check_key)
            return conn
        except BaseException:
            conn.close()
            raise

    def _header_suspicious(self) -> bool:
        """Cheap truncation test: the header's page count says the file should be longer than
        it is, and no write-ahead log holds the missing pages."""
        try:
            with open(self.path, "rb") as fh:
                header = fh.read(100)
            size = os.path.getsize(self.path)
        except OSError:
            return False
        if len(header) < 100:
            return size > 0  # a non-empty file shorter than a header
        if not header.startswith(b"SQLite format 3\x00"):
            return True
        page_size = int.from_bytes(header[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(header[28:32], "big")
        valid = header[24:28] == header[92:96]
        wal = Path(str(self.path) + "-wal")
        wal_empty = not wal.exists() or wal.stat().st_size == 0
        return bool(valid and wal_empty and pages * page_size > size)

    def _create_schema(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                tables = {r[0] for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                foreign = tables - _OUR_TABLES
                if foreign:
                    raise ConfigError(f"cache: {self.path} is an SQLite database of something "
                                      f"else (tables {', '.join(sorted(foreign))}); give a folder "
                                      "or file of its own to the cache.")
                for statement in _statements(_SCHEMA):
                    conn.execute(statement)
                conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('created_by', ?)",
                             (f"newsbrief {__version__}",))
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise

    def _drop_connection(self) -> None:
        """Close this process's connection, ignoring errors (it may be to a damaged file)."""
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
            self._conn = None

    def _set_aside(self, reason: str) -> None:
        """Move a damaged database (and its -wal/-shm) to <name>.corrupt-<time> and warn."""
        self._drop_connection()
        lock_fh = None
        try:
            try:
                import fcntl

                lock_fh = open(str(self.path) + ".lock", "a+b")
                fcntl.flock(lock_fh, fcntl.LOCK_EX)
            except (ImportError, OSError):
                lock_fh = None
            try:
                current = os.stat(self.path).st_ino
            except FileNotFoundError:
                return  # another process already moved it
            if self._inode is not None and current != self._inode:
                self._inode = None
                return  # another process already replaced it with a fresh cache
            stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            moved = []
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(self.path) + suffix)
                if source.exists():
                    try:
                        os.replace(source, str(target) + suffix)
                        moved.append(source.name)
                    except OSError:
                        try:
                            source.unlink()
                        except OSError:
                            pass
            self._inode = None
            message = (f"newsbrief cache {self.path} is damaged ({reason}); moved it to "
                       f"{target} and started a fresh cache. Delete the .corrupt file when "
                       "you no longer need it.")
            log.warning(message)
            _warn(message)
        finally:
            if lock_fh is not None:
                lock_fh.close()

    def _retry(self, fn):
        """Run fn, retrying while another process holds the lock (beyond busy_timeout)."""
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.01
        while True:
            try:
                return fn()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 0.5)

    def _run(self, op, *, create: bool, default: Any = None):
        """Run op(conn) with the process's connection; recover from a damaged file once."""
        with self._lock:
            for attempt in range(2):
                conn = self._connect(create)
                if conn is None:
                    return default
                try:
                    return self._retry(lambda: op(conn))
                except sqlite3.DatabaseError as exc:
                    if not _is_corruption(exc) or attempt:
                        if _is_corruption(exc):
                            self._set_aside(str(exc))
                            return default
                        raise
                    if self._confirm_corrupt():
                        self._set_aside(str(exc))
                    else:
                        raise
            return default

    def _confirm_corrupt(self) -> bool:
        """A corruption error seen mid-operation: confirm it with quick_check on a fresh
        connection before moving anything (another process may have replaced the file)."""
        self._drop_connection()
        try:
            if self._inode is not None and os.stat(self.path).st_ino != self._inode:
                self._inode = None
                return False  # replaced by another process: just reconnect
        except FileNotFoundError:
            self._inode = None
            return False
        try:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                rows = conn.execute("PRAGMA quick_check").fetchall()
            finally:
                conn.close()
            return [r[0] for r in rows] != ["ok"]
        except sqlite3.DatabaseError as exc:
            return _is_corruption(exc)

    # ---------------------------------------------------------------- batched bookkeeping

    def _count(self, step: str, hits: int, misses: int) -> None:
        counts = self._pending_counts.setdefault(step, [0, 0])
        counts[0] += hits
        counts[1] += misses
        self._pending_n += hits + misses

    def _flush_locked(self, conn: sqlite3.Connection) -> None:
        """Write pending access times and hit/miss counts; inside a write transaction."""
        if self._pending_access:
            conn.executemany(
                "UPDATE entries SET accessed = max(accessed, ?) WHERE step = ? AND key = ?",
                [(t, s, k) for (s, k), t in self._pending_access.items()])
        for step, (hits, misses) in self._pending_counts.items():
            if hits or misses:
                conn.execute(
                    "INSERT INTO step_stats (step, hits, misses) VALUES (?, ?, ?) "
                    "ON CONFLICT (step) DO UPDATE SET hits = hits + excluded.hits, "
                    "misses = misses + excluded.misses", (step, hits, misses))

    def _flush_done(self) -> None:
        self._pending_access.clear()
        self._pending_counts.clear()
        self._pending_n = 0
        self._last_flush = time.monotonic()

    def _write(self, body) -> Any:
        """One write transaction: pending bookkeeping + body(conn) + eviction, committed."""
        def op(conn: sqlite3.Connection):
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._flush_locked(conn)
                result = body(conn)
                self._evict_locked(conn)
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise
            self._flush_done()
            return result
        try:
            return self._run(op, create=True)
        except sqlite3.OperationalError as exc:
            message = str(exc).lower()
            if "full" in message or "readonly" in message or "disk i/o" in message:
                if not self._write_warned:
                    self._write_warned = True
                    text = f"newsbrief cache {self.path}: cannot write ({exc}); results are not being cached."
                    log.warning(text)
                    _warn(text)
                return None
            raise self._as_cache_error(exc) from None

    def _maybe_flush(self) -> None:
        if self._pending_n >= FLUSH_EVERY or (
                self._pending_n and time.monotonic() - self._last_flush >= FLUSH_AFTER_S):
            self.flush()

    def flush(self) -> None:
        """Write pending access times and hit/miss counts now (done in batches otherwise,
        and at close and interpreter exit)."""
        with self._lock:
            self._after_fork_check()
            if self._closed or not (self._pending_access or self._pending_counts):
                return
            if self._conn is None and not self.path.exists():
                return  # counts only: kept until the first write creates the file
            self._write(lambda conn: None)

    def _evict_locked(self, conn: sqlite3.Connection) -> int:
        total = conn.execute("SELECT bytes FROM totals WHERE id = 0").fetchone()[0]
        if total <= self.max_bytes:
            return 0
        goal = total - int(self.max_bytes * EVICT_TO)
        freed = 0
        victims: list[tuple[str, str]] = []
        for step, key, size in conn.execute(
                "SELECT step, key, size FROM entries ORDER BY accessed, created"):
            victims.append((step, key))
            freed += size
            if freed >= goal:
                break
        conn.executemany("DELETE FROM entries WHERE step = ? AND key = ?", victims)
        log.debug("evicted %d entries (%d bytes) from %s", len(victims), freed, self.path)
        return len(victims)

    # ---------------------------------------------------------------- public API

    def get(self, step: str, key: str) -> Any:
        """The cached value, or MISSING."""
        _check_step(step)
        _check_key(key)
        return self.get_many(step, [key]).get(key, MISSING)

    def get_many(self, step: str, keys: Iterable[str]) -> dict[str, Any]:
        """{key: value} for the keys found (misses are absent)."""
        _check_step(step)
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            _check_key(key)
        if not wanted:
            return {}

        def op(conn: sqlite3.Connection) -> dict[str, Any]:
            found: dict[str, Any] = {}
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(f"SELECT key, value FROM entries WHERE step = ? AND key IN ({marks})",
                                    (step, *chunk)).fetchall()
                for key, text in rows:
                    try:
                        found[key] = json.loads(text)
                    except (TypeError, ValueError):
                        log.warning("cache %s: unreadable value for %s/%s dropped", self.path, step, key)
            return found

        with self._lock:
            found = self._run(op, create=False, default={}) or {}
            now = _now_ns()
            for key in found:
                self._pending_access[(step, key)] = now
            self._count(step, len(found), len(wanted) - len(found))
            self._maybe_flush()
        return found

    def put(self, step: str, key: str, value: Any) -> None:
        """Store value (JSON data) under (step, key), replacing any earlier one."""
        self.put_many(step, [(key, value)])

    def put_many(self, step: str, items: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Store many values in one transaction (much faster than many put() calls)."""
        _check_step(step)
        rows = []
        now = _now_ns()
        for key, value in _items(items):
            _check_key(key)
            text = _dump(value, step)
            size = len(step) + len(key) + len(text.encode("utf-8", "surrogatepass")) + ENTRY_OVERHEAD
            rows.append((step, key, text, size, now, now))
        if not rows:
            return

        def body(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO entries (step, key, value, size, created, accessed) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (step, key) DO UPDATE SET "
                "value = excluded.value, size = excluded.size, accessed = excluded.accessed", rows)

        with self._lock:
            self._write(body)

    def __contains__(self, item: tuple[str, str]) -> bool:
        step, key = item
        return self.get(step, key) is not MISSING

    def stats(self) -> dict[str, Any]:
        """{'path', 'exists', 'entries', 'bytes', 'file_bytes', 'max_bytes', 'hits', 'misses',
        'hit_rate', 'steps': {step: {'entries', 'bytes', 'hits', 'misses', 'hit_rate'}}}.
        Hits and misses are kept in the database, so they add up across processes."""
        with self._lock:
            self.flush()

            def op(conn: sqlite3.Connection) -> dict[str, Any]:
                steps: dict[str, dict[str, Any]] = {}
                for step, n, size in conn.execute(
                        "SELECT step, count(*), coalesce(sum(size), 0) FROM entries GROUP BY step"):
                    steps[step] = {"entries": n, "bytes": size, "hits": 0, "misses": 0}
                for step, hits, misses in conn.execute("SELECT step, hits, misses FROM step_stats"):
                    row = steps.setdefault(step, {"entries": 0, "bytes": 0, "hits": 0, "misses": 0})
                    row["hits"], row["misses"] = hits, misses
                return steps

            steps = self._run(op, create=False, default={}) or {}
            for step, (hits, misses) in self._pending_counts.items():  # file not created yet
                row = steps.setdefault(step, {"entries": 0, "bytes": 0, "hits": 0, "misses": 0})
                row["hits"] += hits
                row["misses"] += misses
        return _stats_dict(str(self.path), self.path.exists(), self.max_bytes, steps,
                           _file_bytes(self.path))

    def clear(self, step: str | None = None) -> int:
        """Remove every entry (or those of one step) and their hit/miss counts; returns how
        many entries were removed. Clearing everything also shrinks the file."""
        if step is not None:
            _check_step(step)
        with self._lock:
            self._pending_access = {k: t for k, t in self._pending_access.items()
                                    if step is not None and k[0] != step}
            self._pending_counts = {s: c for s, c in self._pending_counts.items()
                                    if step is not None and s != step}
            if self._conn is None and not self.path.exists():
                return 0

            def body(conn: sqlite3.Connection) -> int:
                if step is None:
                    removed = conn.execute("DELETE FROM entries").rowcount
                    conn.execute("DELETE FROM step_stats")
                else:
                    removed = conn.execute("DELETE FROM entries WHERE step = ?", (step,)).rowcount
                    conn.execute("DELETE FROM step_stats WHERE step = ?", (step,))
                return removed

            removed = self._write(body) or 0
            if step is None:
                def vacuum(conn: sqlite3.Connection) -> None:
                    conn.execute("VACUUM")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                try:
                    self._run(vacuum, create=False)
                except sqlite3.OperationalError as exc:  # busy readers: the space is reused anyway
                    log.debug("vacuum of %s skipped: %s", self.path, exc)
        return removed

    def close(self) -> None:
        """Flush pending bookkeeping and close the connection (idempotent)."""
        with self._lock:
            if self._closed:
                return
            try:
                self.flush()
            finally:
                self._after_fork_check()
                self._drop_connection()
                self._closed = True
                _LIVE.discard(self)

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # ---------------------------------------------------------------- model hash memo

    def _memo_get(self, memo_key: tuple) -> str | None:
        path, size, mtime_ns, ctime_ns, inode = memo_key

        def op(conn: sqlite3.Connection) -> str | None:
            row = conn.execute("SELECT size, mtime_ns, ctime_ns, inode, sha256 FROM file_hashes "
                               "WHERE path = ?", (path,)).fetchone()
            if row and tuple(row[:4]) == (size, mtime_ns, ctime_ns, inode):
                return row[4]
            return None

        with self._lock:
            return self._run(op, create=False)

    def _memo_put(self, memo_key: tuple, digest: str) -> None:
        def body(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT OR REPLACE INTO file_hashes (path, size, mtime_ns, ctime_ns, "
                         "inode, sha256) VALUES (?, ?, ?, ?, ?, ?)", (*memo_key, digest))

        with self._lock:
            self._write(body)


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
        self._misses[step] = self._misses.get(step, 0) + 1
        return MISSING

    def get_many(self, step: str, keys: Iterable[str]) -> dict[str, Any]:
        _check_step(step)
        wanted = list(dict.fromkeys(keys))
        for key in wanted:
            _check_key(key)
        if wanted:
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


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass


def _file_bytes(db: Path) -> int:
    total = 0
    for suffix in ("", "-wal", "-shm"):
        try:
            total += os.path.getsize(str(db) + suffix)
        except OSError:
            pass
    return total


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
