"""A request whose answer is in the result cache is answered without waiting for the CPU pool
(newsbrief.server.jobs: cached_first), while work stays bounded as before; and the cache's
cache_only mode that makes it possible: every lookup must hit, a miss stops before any work."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serving import serve

from newsbrief.cache import MISSING, Cache, CacheOnlyMiss, NullCache, cache_only, model_files_hash
from newsbrief.server.app import create_app
from newsbrief.server.config import ServerConfig
from newsbrief.server.service import Service

EXAMPLE = (Path(__file__).resolve().parents[1] / "examples" / "scam-compounds-en.txt").read_text("utf-8")


class Blocking(Service):
    """detect() of a text starting with "block" does its work, then waits until released. In
    cache_only mode an unseen text stops at its lookup, before the wait: only the pool blocks."""

    def __init__(self):
        super().__init__(cache=True)
        self.release = threading.Event()
        self.blocked = 0

    def detect(self, text, per="document"):
        answer = super().detect(text, per)
        if text.startswith("block"):
            self.blocked += 1
            self.release.wait(30)
        return answer


def _wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_cached_answers_do_not_wait_for_a_full_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "cache"))
    service = Blocking()
    app = create_app(ServerConfig(threads=1, queue=1), service)
    brief = {"text": EXAMPLE, "to": "en"}
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as c, ThreadPoolExecutor(2) as pool:
        first = c.post("/api/v1/brief", json=brief)  # computed in the pool, cached
        assert first.status_code == 200 and app.state.pool.stats["done"] == 1
        assert c.post("/api/v1/detect", json={"text": "Hello there, friends."}).status_code == 200
        # fill the pool: one running, one waiting (each looked up first, missed, then admitted)
        running = pool.submit(httpx.post, f"{base}/api/v1/detect", json={"text": "block one"}, timeout=60)
        _wait_for(lambda: service.blocked == 1)
        waiting = pool.submit(httpx.post, f"{base}/api/v1/detect", json={"text": "block two"}, timeout=60)
        _wait_for(lambda: app.state.pool.admitted == 2)
        # work that is not cached is refused at once, as before
        refused = c.post("/api/v1/detect", json={"text": "Something never asked before."})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        # what is cached is answered now, the same as the pool answered it
        t0 = time.monotonic()
        again = c.post("/api/v1/brief", json=brief)
        detected = c.post("/api/v1/detect", json={"text": "Hello there, friends."})
        lt = c.post("/detect", json={"q": "Hello there, friends."})
        assert time.monotonic() - t0 < 5
        assert again.status_code == 200 and again.json() == first.json()
        assert detected.status_code == 200 and lt.status_code == 200
        assert app.state.pool.stats["cached"] == 3 and app.state.pool.admitted == 2
        service.release.set()
        assert running.result().status_code == 200 and waiting.result().status_code == 200
    assert service.blocked == 2  # each blocking request ran its work once, in the pool


def test_without_a_result_cache_everything_goes_through_the_pool():
    app = create_app(ServerConfig(cache=False))
    with serve(app) as base:
        for _ in range(2):
            assert httpx.post(f"{base}/api/v1/detect", json={"text": "Hello there."}, timeout=30).status_code == 200
    assert app.state.pool.stats["done"] == 2 and app.state.pool.stats["cached"] == 0


def test_bad_input_is_refused_on_the_cached_path_like_in_the_pool(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_CACHE", str(tmp_path / "cache"))
    app = create_app(ServerConfig())
    with serve(app) as base:
        response = httpx.post(f"{base}/api/v1/brief", json={"text": "   ", "to": "en"}, timeout=30)
    assert response.status_code == 400 and response.json()["code"] == "empty_input"
    assert app.state.pool.stats["done"] == 0  # decided without the pool


# ------------------------------------------------------------------------------ cache_only
def test_cache_only_answers_hits_and_stops_at_a_miss_uncounted(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.put("step", "k1", {"v": 1})
    with cache_only():
        assert cache.get("step", "k1") == {"v": 1}
        assert cache.get_many("step", ["k1"]) == {"k1": {"v": 1}}
        with pytest.raises(CacheOnlyMiss):
            cache.get("step", "k2")
        with pytest.raises(CacheOnlyMiss):
            cache.get_many("step", ["k1", "k2"])
        with pytest.raises(CacheOnlyMiss):
            NullCache().get("step", "k1")
    stats = cache.stats()["steps"]["step"]
    assert stats["hits"] == 2 and stats["misses"] == 0  # the refused lookups will be asked again by the work
    assert cache.get("step", "k2") is MISSING  # outside: an ordinary miss
    assert cache.stats()["steps"]["step"]["misses"] == 1


def test_cache_only_does_not_read_a_model_files_it_has_not_hashed(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"\0" * 1000)
    with cache_only(), pytest.raises(CacheOnlyMiss):
        model_files_hash(folder)
    digest = model_files_hash(folder)
    with cache_only():
        assert model_files_hash(folder) == digest  # memoised: a lookup


def test_cache_only_is_per_thread():
    seen = []
    with cache_only():
        worker = threading.Thread(target=lambda: seen.append(NullCache().get("step", "k")))
        worker.start()
        worker.join()
    assert len(seen) == 1  # the other thread got an ordinary miss


def test_a_helper_thread_of_a_cache_only_request_refuses_a_miss_too():
    """brief() translates the key figures on a thread beside the sentences (into Malay): that thread
    must stop at a miss as its caller would, not do model work for a cached request."""
    from concurrent.futures import ThreadPoolExecutor

    from newsbrief.cache import in_this_mode

    with ThreadPoolExecutor(1) as pool:
        with cache_only():
            refused = pool.submit(in_this_mode(NullCache().get), "step", "k")
        with pytest.raises(CacheOnlyMiss):
            refused.result()
        assert pool.submit(in_this_mode(NullCache().get), "step", "k").result() is MISSING  # outside: a miss
