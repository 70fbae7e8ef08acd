"""The persistent result cache: honest keys, LRU, stats, and reliability with real processes."""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pytest

import newsbrief.cache.keys as keys_module
import newsbrief.cache.store as store_module
from newsbrief.cache import (
    MISSING,
    Cache,
    CacheWarning,
    NullCache,
    fingerprint,
    model_files_hash,
    open_cache,
    parse_size,
)
from newsbrief.commands.cache import add_commands
from newsbrief.errors import ConfigError, NewsbriefError

SRC = str(Path(store_module.__file__).resolve().parents[2])


def _python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env, **kwargs)


def _db_consistent(db: Path) -> int:
    """quick_check ok and the totals row matches the entries; returns the entry count."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        n, size = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM entries").fetchone()
        assert conn.execute("SELECT entries, bytes FROM totals").fetchone() == (n, size)
        return n
    finally:
        conn.close()


# --------------------------------------------------------------------------- fingerprints

BASE = dict(step="translate", config={"to": "km", "beam_size": 4}, model_id="nllb-600M",
            model_hash="ab" * 32, text="The minister said on Monday.")


def _fp(**changes) -> str:
    args = {**BASE, **changes}
    return fingerprint(args["step"], args["config"], args["model_id"], args["model_hash"], args["text"])


def test_fingerprint_is_stable_and_changes_with_each_component(monkeypatch):
    key = _fp()
    assert key == _fp() and len(key) == 64
    assert _fp(config={"beam_size": 4, "to": "km"}) == key  # key order does not matter
    variants = [
        _fp(step="summarize"),
        _fp(config={"to": "ms", "beam_size": 4}),
        _fp(config={"to": "km", "beam_size": 5}),
        _fp(config={"to": "km", "beam_size": 4, "glossary": {"PM": "នាយករដ្ឋមន្ត្រី"}}),
        _fp(config={"to": "km", "beam_size": 4.0000001}),
        _fp(model_id="nllb-1.3B"),
        _fp(model_id=None),
        _fp(model_hash="cd" * 32),
        _fp(model_hash=None),
        _fp(text="The minister said on Tuesday."),
        _fp(text="The minister said on Monday. "),
    ]
    monkeypatch.setattr(keys_module, "__version__", "999.0")
    variants.append(_fp())
    assert len(set(variants)) == len(variants) and key not in variants


def test_fingerprint_refuses_paths_and_odd_values(tmp_path):
    with pytest.raises(ConfigError, match="path"):
        _fp(config={"glossary": tmp_path / "g.tsv"})
    with pytest.raises(ConfigError, match="path"):
        _fp(config={"model": str(tmp_path)})  # an existing absolute path
    with pytest.raises(TypeError):
        _fp(config={"f": object()})
    with pytest.raises(TypeError):
        _fp(text=b"bytes")
    # sets, tuples, NaN and plain strings with slashes are fine
    assert _fp(config={"keep": {"b", "a"}}) == _fp(config={"keep": {"a", "b"}})
    _fp(config={"x": float("nan"), "sep": "/", "pair": ("en", "km")})


def _model(folder: Path) -> Path:
    (folder / "tok").mkdir(parents=True)
    (folder / "config.json").write_text('{"d_model": 16}')
    (folder / "model.bin").write_bytes(os.urandom(200_000))
    (folder / "tok" / "spm.model").write_bytes(b"spm" * 100)
    return folder


def test_model_files_hash_follows_content_not_location(tmp_path, monkeypatch):
    a = _model(tmp_path / "a" / "nllb")
    h = model_files_hash(a)
    b = tmp_path / "elsewhere" / "copy"
    shutil.copytree(a, b)
    (b / ".cache").mkdir()
    (b / ".cache" / "download.lock").write_text("x")  # hidden entries are left out
    assert model_files_hash(b) == h
    (b / "tok" / "spm.model").write_bytes(b"spm" * 99 + b"spn")
    assert model_files_hash(b) != h
    shutil.copytree(a, tmp_path / "renamed")
    (tmp_path / "renamed" / "config.json").rename(tmp_path / "renamed" / "config2.json")
    assert model_files_hash(tmp_path / "renamed") != h
    assert model_files_hash(a / "model.bin") == model_files_hash(b / "model.bin")


def test_model_files_hash_is_memoised_in_memory_and_in_the_cache(tmp_path, monkeypatch):
    folder = _model(tmp_path / "m")
    reads = []
    real = keys_module._file_sha256
    monkeypatch.setattr(keys_module, "_file_sha256", lambda p: reads.append(p) or real(p))
    monkeypatch.setattr(keys_module, "_FILE_HASH_MEMO", {})
    with Cache(tmp_path / "c") as cache:
        h = model_files_hash(folder, cache=cache)
        assert len(reads) == 3
        assert model_files_hash(folder, cache=cache) == h and len(reads) == 3
        monkeypatch.setattr(keys_module, "_FILE_HASH_MEMO", {})  # as in a new process
        assert model_files_hash(folder, cache=cache) == h and len(reads) == 3
        time.sleep(0.01)
        (folder / "config.json").write_text('{"d_model": 32}')  # new mtime, size, content
        assert model_files_hash(folder, cache=cache) != h and len(reads) == 4


# --------------------------------------------------------------------------- basic behaviour

def test_put_get_roundtrip_and_misses(tmp_path):
    with Cache(tmp_path / "c") as cache:
        assert not (tmp_path / "c").exists()  # nothing created before the first write
        assert cache.get("detect", "k") is MISSING
        assert not (tmp_path / "c").exists()
        value = {"lang": "km", "confidence": 0.97, "sentences": ["សួស្តី។", "Hello."]}
        cache.put("detect", "k", value)
        cache.put("detect", "none", None)
        assert cache.get("detect", "k") == value
        assert cache.get("detect", "none") is None  # None is a value, not a miss
        assert cache.get("summarize", "k") is MISSING  # steps are separate
        cache.put_many("translate", {"a": "A", "b": "B"})
        cache.put_many("translate", [("c", "C")])
        assert cache.get_many("translate", ["a", "c", "zzz", "a"]) == {"a": "A", "c": "C"}
        cache.put("translate", "a", "A2")
        assert cache.get("translate", "a") == "A2"
        with pytest.raises(TypeError, match="JSON"):
            cache.put("detect", "bad", {"x": object()})
        with pytest.raises(TypeError, match="JSON"):
            cache.put("detect", "bad", {1, 2})
        with pytest.raises(TypeError):
            cache.get("", "k")
        assert cache.get("detect", "bad") is MISSING
    assert _db_consistent(tmp_path / "c" / "cache.sqlite3") == 5


def test_moving_the_cache_folder_keeps_hits(tmp_path):
    key = _fp()
    with Cache(tmp_path / "one" / "cache") as cache:
        cache.put("translate", key, "លោករដ្ឋមន្ត្រីបាននិយាយ")
    shutil.move(tmp_path / "one", tmp_path / "two")
    with Cache(tmp_path / "two" / "cache") as cache:
        assert cache.get("translate", _fp()) == "លោករដ្ឋមន្ត្រីបាននិយាយ"


def test_null_cache_has_the_same_api(tmp_path):
    public = {n for n in dir(Cache) if not n.startswith("_")} | {"__enter__", "__exit__", "__contains__"}
    for name in public:
        assert hasattr(NullCache, name), name
        if callable(getattr(Cache, name)) and not isinstance(getattr(Cache, name), type):
            params = [inspect.signature(getattr(c, name)).parameters for c in (NullCache, Cache)]
            assert list(params[0].items()) == list(params[1].items()), name
    with NullCache() as null, Cache(tmp_path / "c") as real:
        for c in (null, real):
            c.put("s", "k", [1, "x"])
            c.put_many("s", {"k2": 2})
            with pytest.raises(TypeError, match="JSON"):
                c.put("s", "bad", object())
            c.get("s", "nope")
        assert null.get("s", "k") is MISSING and null.get_many("s", ["k", "k2"]) == {}
        assert ("s", "k") not in null and ("s", "k") in real
        assert set(null.stats()) == set(real.stats())
        assert null.stats()["steps"]["s"].keys() == real.stats()["steps"]["s"].keys()
        assert null.clear() == 0 and real.clear() == 2


def test_open_cache_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSBRIEF_CACHE", raising=False)
    monkeypatch.delenv("NEWSBRIEF_CACHE_MAX_BYTES", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert isinstance(open_cache(None), NullCache) and isinstance(open_cache(False), NullCache)
    default = open_cache()
    assert default.path == tmp_path / "xdg" / "newsbrief" / "cache.sqlite3"
    assert default.max_bytes == 1 << 30
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "env"))
    monkeypatch.setenv("NEWSBRIEF_CACHE_MAX_BYTES", "5M")
    from_env = open_cache(True)
    assert from_env.folder == tmp_path / "env" and from_env.max_bytes == 5 << 20
    explicit = open_cache(tmp_path / "arg", max_bytes=1000)
    assert explicit.folder == tmp_path / "arg" and explicit.max_bytes == 1000
    assert open_cache(explicit) is explicit
    assert open_cache(str(tmp_path / "x.sqlite3")).path == tmp_path / "x.sqlite3"
    monkeypatch.setenv("NEWSBRIEF_CACHE", "off")
    assert isinstance(open_cache(), NullCache)
    assert not any(p.exists() for p in (tmp_path / "xdg", tmp_path / "env", tmp_path / "arg"))
    monkeypatch.setenv("NEWSBRIEF_CACHE_MAX_BYTES", "lots")
    with pytest.raises(ConfigError, match="size"):
        open_cache(tmp_path / "y")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="is a file"):
        open_cache(tmp_path / "notes.txt")
    assert parse_size("1GB") == 10**9 and parse_size("1g") == 1 << 30 and parse_size(42) == 42


def test_a_foreign_sqlite_file_is_refused_not_moved(tmp_path):
    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("CREATE TABLE accounts (id INTEGER)").connection.commit()
    with pytest.raises(ConfigError, match="something else"):
        Cache(db).put("s", "k", 1)
    assert db.exists() and not list(tmp_path.glob("*.corrupt-*"))


def test_lru_eviction_keeps_recently_used(tmp_path):
    value = "x" * 900  # ~1 KB an entry with the overhead
    with Cache(tmp_path / "c", max_bytes=10_500) as cache:
        cache.put_many("s", {f"old{i}": value for i in range(5)})
        time.sleep(0.002)
        cache.put_many("s", {f"mid{i}": value for i in range(5)})
        time.sleep(0.002)
        assert cache.get("s", "old0") == value and cache.get("s", "old1") == value  # used again
        time.sleep(0.002)
        cache.put_many("s", {f"new{i}": value for i in range(3)})
        stats = cache.stats()
        kept = set(cache.get_many("s", [f"{g}{i}" for g in ("old", "mid", "new") for i in range(5)]))
    assert stats["bytes"] <= 10_500
    assert {"old0", "old1", "new0", "new1", "new2"} <= kept
    assert not {"old2", "old3", "old4"} & kept  # least recently used went first
    assert _db_consistent(tmp_path / "c" / "cache.sqlite3") == len(kept)


def test_stats_hit_rate_and_clear(tmp_path):
    with Cache(tmp_path / "c") as cache:
        cache.put_many("translate", {"a": "A", "b": "B"})
        cache.put("detect", "d", {"lang": "en"})
        cache.get_many("translate", ["a", "b", "c", "d"])
        cache.get("translate", "a")
        cache.get("detect", "zz")
        stats = cache.stats()
        assert stats["entries"] == 3 and stats["bytes"] > 0 and stats["file_bytes"] > 0
        tr = stats["steps"]["translate"]
        assert (tr["entries"], tr["hits"], tr["misses"]) == (2, 3, 2)
        assert tr["hit_rate"] == pytest.approx(0.6)
        assert stats["steps"]["detect"]["hit_rate"] == 0.0
        assert stats["hits"] == 3 and stats["misses"] == 3
        assert cache.clear("translate") == 2
        after = cache.stats()
        assert after["entries"] == 1 and "translate" not in after["steps"]
        assert cache.clear() == 1 and cache.stats()["entries"] == 0


def test_stats_add_up_across_processes(tmp_path):
    with Cache(tmp_path / "c") as cache:
        cache.put_many("translate", {"a": "A", "b": "B"})
        cache.get("translate", "a")
    code = """
        import sys
        from newsbrief.cache import Cache
        cache = Cache(sys.argv[1])
        for key in ("a", "b", "c"):
            cache.get("translate", key)
        # no close(): the counts are written at interpreter exit
    """
    for _ in range(2):
        assert _python(code, str(tmp_path / "c")).wait(60) == 0
    with Cache(tmp_path / "c") as cache:
        tr = cache.stats()["steps"]["translate"]
    assert (tr["hits"], tr["misses"]) == (5, 2)


def test_fork_opens_its_own_connection(tmp_path):
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    with Cache(tmp_path / "c") as cache:
        cache.put("s", "parent", 1)
        cache.get("s", "parent")  # a pending hit the child must not count again
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                cache.put("s", "child", 2)
                code = 0 if cache.get("s", "parent") == 1 else 1
                cache.close()
            except BaseException:
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert cache.get("s", "child") == 2
        hits = cache.stats()["steps"]["s"]["hits"]
    assert hits == 3  # parent 2 + child 1


# --------------------------------------------------------------------------- reliability

WRITER = """
    import hashlib, sys, time
    from pathlib import Path
    from newsbrief.cache import Cache
    folder, worker, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    cache = Cache(folder)
    Path(f"{go}.ready{worker}").touch()  # a barrier: start only when all eight are ready
    while not go.exists():
        time.sleep(0.002)
    print(time.time(), flush=True)
    for i in range(500):
        key = f"w{worker}-{i}"
        cache.put("s", key, {"w": worker, "i": i, "sha": hashlib.sha256(key.encode()).hexdigest()})
        if i % 50 == 0:
            assert cache.get("s", key)["i"] == i
    cache.close()
    print(time.time(), flush=True)
"""


def test_eight_processes_writing_at_once_lose_nothing(tmp_path):
    folder, go = tmp_path / "c", tmp_path / "go"
    procs = [_python(WRITER, str(folder), str(w), str(go), stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE) for w in range(8)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready*"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    spans = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
        spans.append(tuple(map(float, out.split())))
    first = min(a for a, _ in spans)
    shown = [(round(a - first, 2), round(b - first, 2)) for a, b in spans]
    print("writer spans (s after the first start):", shown)
    last_start = max(a for a, _ in spans)
    assert sum(b > last_start for _, b in spans) >= 4, shown  # they really wrote at the same time
    assert _db_consistent(folder / "cache.sqlite3") == 4000
    keys = [f"w{w}-{i}" for w in range(8) for i in range(500)]
    with Cache(folder) as cache:
        found = cache.get_many("s", keys)
    import hashlib
    assert len(found) == 4000
    for key, value in found.items():
        w, i = key[1:].split("-")
        assert value == {"w": int(w), "i": int(i), "sha": hashlib.sha256(key.encode()).hexdigest()}


KILLED = """
    import hashlib, json, os, sys
    from newsbrief.cache import Cache
    cache = Cache(sys.argv[1], max_bytes=400_000)  # small: eviction runs in the loop too
    round_ = sys.argv[2]
    n = 0
    while True:
        batch = {}
        for _ in range(20):
            payload = os.urandom(600).hex()
            key = f"{round_}-{n}"
            batch[key] = {"payload": payload, "sha": hashlib.sha256(payload.encode()).hexdigest()}
            n += 1
        cache.put_many("s", batch)
        cache.put("one", key, batch[key])
        cache.get_many("s", list(batch))
        if n == 20:
            print("started", flush=True)
"""


def test_a_process_killed_mid_write_leaves_a_readable_cache(tmp_path):
    import hashlib

    folder = tmp_path / "c"
    for round_, delay in enumerate((0.05, 0.3, 0.7)):
        proc = _python(KILLED, str(folder), f"r{round_}", stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"started"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
    assert (folder / "cache.sqlite3-wal").exists()  # killed with its log open, as intended
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)  # no damage may be reported
        with Cache(folder) as cache:
            conn = sqlite3.connect(cache.path)
            keys = {step: [k for (k,) in conn.execute("SELECT key FROM entries WHERE step = ?", (step,))]
                    for step in ("s", "one")}
            conn.close()
            assert keys["s"]
            for step, step_keys in keys.items():
                values = cache.get_many(step, step_keys)
                assert len(values) == len(step_keys)
                for value in values.values():
                    assert hashlib.sha256(value["payload"].encode()).hexdigest() == value["sha"]
            cache.put("s", "after", 1)
            assert cache.get("s", "after") == 1
            assert cache.stats()["bytes"] <= 400_000
    _db_consistent(folder / "cache.sqlite3")
    assert not list(folder.glob("*.corrupt-*"))


def _damage(db: Path, how: str) -> None:
    size = db.stat().st_size
    if how == "garbage":
        db.write_bytes(os.urandom(size))
    elif how == "truncated":
        with open(db, "r+b") as fh:
            fh.truncate(size // 2)
    elif how == "zeroed pages":  # header intact, b-tree pages in the middle wiped
        with open(db, "r+b") as fh:
            fh.seek(size // 3)
            fh.write(b"\0" * (size // 3))


@pytest.mark.parametrize("how", ["garbage", "truncated", "zeroed pages"])
@pytest.mark.parametrize("quick_check_limit", [32 << 20, 0], ids=["quick_check", "header-only"])
def test_a_damaged_cache_is_set_aside_and_rebuilt(tmp_path, monkeypatch, caplog, how, quick_check_limit):
    monkeypatch.setattr(store_module, "QUICK_CHECK_MAX_BYTES", quick_check_limit)
    folder = tmp_path / "c"
    with Cache(folder) as cache:
        cache.put_many("s", {f"k{i}": "v" * 1000 + str(i) for i in range(300)})
    db = folder / "cache.sqlite3"
    assert not Path(str(db) + "-wal").exists()  # closed cleanly: everything is in the file
    _damage(db, how)
    caplog.set_level(logging.WARNING, logger="newsbrief.cache")
    with pytest.warns(CacheWarning, match="damaged"):
        with Cache(folder) as cache:
            # found on open (quick_check, header check) or on the first read of a bad page
            assert cache.get_many("s", [f"k{i}" for i in range(300)]) == {}
            cache.put("s", "fresh", 1)
            assert cache.get("s", "fresh") == 1
    assert any("damaged" in r.getMessage() for r in caplog.records)
    aside = list(folder.glob("cache.sqlite3.corrupt-*"))
    assert len(aside) == 1 and aside[0].stat().st_size > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)
        with Cache(folder) as cache:
            assert cache.get("s", "fresh") == 1 and cache.stats()["entries"] == 1


def test_processes_meeting_a_damaged_file_at_once_set_it_aside_once(tmp_path):
    folder, go = tmp_path / "c", tmp_path / "go"
    with Cache(folder) as cache:
        cache.put_many("s", {f"old{i}": "v" * 500 for i in range(100)})
    _damage(folder / "cache.sqlite3", "garbage")
    code = """
        import sys, time
        from pathlib import Path
        from newsbrief.cache import Cache
        worker, go = sys.argv[2], Path(sys.argv[3])
        Path(f"{go}.ready{worker}").touch()
        while not go.exists():
            time.sleep(0.002)
        with Cache(sys.argv[1]) as cache:
            cache.get("s", "old1")
            cache.put_many("s", {f"{worker}-{i}": i for i in range(50)})
    """
    procs = [_python(code, str(folder), str(w), str(go), stderr=subprocess.PIPE) for w in range(4)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("go.ready*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
    assert len(list(folder.glob("cache.sqlite3.corrupt-*"))) == 1
    assert _db_consistent(folder / "cache.sqlite3") == 200


def test_threads_share_one_cache(tmp_path):
    import pickle
    import threading

    cache = Cache(tmp_path / "c")
    errors = []

    def work(t: int) -> None:
        try:
            for i in range(150):
                cache.put("s", f"{t}-{i}", i)
                assert cache.get("s", f"{t}-{i}") == i
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and cache.stats()["entries"] == 600
    clone = pickle.loads(pickle.dumps(cache))  # what a worker process receives
    assert clone.path == cache.path and clone.get("s", "0-0") == 0
    cache.close()
    clone.close()


def test_a_damaged_cache_never_crashes_another_process(tmp_path):
    folder = tmp_path / "c"
    with Cache(folder) as cache:
        cache.put_many("s", {f"k{i}": "v" * 500 for i in range(100)})
    _damage(folder / "cache.sqlite3", "garbage")
    proc = _python("""
        import sys
        from newsbrief.cache import Cache
        with Cache(sys.argv[1]) as cache:
            assert cache.get("s", "k1") is not None
            cache.put("s", "k1", "again")
            print(cache.get("s", "k1"))
    """, str(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and out.strip() == b"again"
    assert b"damaged" in err and b"corrupt-" in err


# --------------------------------------------------------------------------- CLI and imports

def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="newsbrief")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except NewsbriefError as exc:
        print(f"newsbrief: error: {exc}", file=sys.stderr)
        return exc.exit_code


def test_cli_path_stats_clear(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "c"
    assert _cli("cache", "path", "--cache", str(folder)) == 0
    assert capsys.readouterr().out.strip() == str(folder)
    assert not folder.exists()
    with Cache(folder) as cache:
        cache.put_many("translate", {"a": "A", "b": "B"})
        cache.put("detect", "d", "en")
        cache.get("translate", "a")
        cache.get("translate", "zz")
    assert _cli("cache", "stats", "--cache", str(folder), "--format", "json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["entries"] == 3 and stats["steps"]["translate"]["hit_rate"] == 0.5
    assert _cli("cache", "stats", "--cache", str(folder)) == 0
    text = capsys.readouterr().out
    assert "entries  3" in text and "translate" in text and "50.0%" in text
    assert _cli("cache", "clear", "--step", "translate", "--cache", str(folder)) == 0
    assert "removed 2 entries" in capsys.readouterr().out
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(folder))
    assert _cli("cache", "clear", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["removed"] == 1
    assert _cli("cache", "path", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["exists"] is True
    monkeypatch.setenv("NEWSBRIEF_CACHE", "off")
    assert _cli("cache", "stats") == 0 and "disabled" in capsys.readouterr().out
    (tmp_path / "notes.txt").write_text("x")
    assert _cli("cache", "stats", "--cache", str(tmp_path / "notes.txt")) == 2
    assert "is a file" in capsys.readouterr().err


def test_cli_in_a_subprocess_and_import_is_light(tmp_path):
    code = """
        import sys, argparse
        before = set(sys.modules)
        from newsbrief.commands.cache import add_commands
        from newsbrief.cache import Cache
        parser = argparse.ArgumentParser(prog="newsbrief")
        add_commands(parser.add_subparsers())
        heavy = {m.split(".")[0] for m in set(sys.modules) - before
                 if m.split(".")[0] not in sys.stdlib_module_names and m.split(".")[0] != "newsbrief"}
        print("NONSTDLIB", *sorted(heavy))
        args = parser.parse_args(["cache", "stats", "--cache", sys.argv[1], "--format", "json"])
        sys.exit(args.run(args))
    """
    with Cache(tmp_path / "c") as cache:
        cache.put("summarize", "k", "a summary")
    proc = _python(code, str(tmp_path / "c"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    first, rest = out.decode().split("\n", 1)
    assert first.split()[1:] == []  # not even platformdirs until the default folder is needed
    assert json.loads(rest)["steps"]["summarize"]["entries"] == 1
