"""Cache: the persistent result store, one SQLite file (standard library) in WAL mode.

Many processes may read and write at once; a process killed mid-write loses at most its open
transaction; a file that is not a database, or is damaged or truncated, is moved aside to
``<name>.corrupt-<time>`` with a warning and a fresh cache is started -- the cache never
crashes a run. The total size is bounded (``max_bytes``, default 1 GiB) by evicting the least
recently used entries. Hits and misses per step are kept in the file (stats()), as are the
file hashes model_files_hash memoises (table file_hashes). Nothing is created until the first
write.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import random
import sqlite3
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import ConfigError
from .base import (
    ENV_MAX_BYTES,
    ENV_PATH,
    MISSING,
    CacheError,
    CacheWarning,
    _check_key,
    _check_step,
    _dump,
    _items,
    _refuse_miss,
    _stats_dict,
    parse_size,
)

__all__ = ["Cache", "DB_NAME", "DEFAULT_MAX_BYTES", "SCHEMA_VERSION"]

log = logging.getLogger("newsbrief.cache")

DB_NAME = "cache.sqlite3"
DB_SUFFIXES = (".sqlite3", ".sqlite", ".db")
DEFAULT_MAX_BYTES = 1 << 30

SCHEMA_VERSION = 1
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


def _resolve_db_file(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    if p.suffix.lower() in DB_SUFFIXES and not p.is_dir():
        return p
    if p.exists() and not p.is_dir():
        raise ConfigError(f"cache: {p} is a file; give a folder for the cache (it will hold "
                          f"{DB_NAME}) or a file ending in {', '.join(DB_SUFFIXES)}.")
    return p / DB_NAME


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


# Frames _warn looks past: this module, and keys (model_files_hash writes its memo through us).
_INTERNAL_MODULES = frozenset({__name__, f"{__package__}.keys"})


def _warn(message: str) -> None:
    """warnings.warn pointing at the first caller outside the cache's own modules."""
    frame, level = sys._getframe(0), 1
    while frame is not None and frame.f_globals.get("__name__") in _INTERNAL_MODULES:
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
            if len(found) < len(wanted):
                _refuse_miss(step)
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

