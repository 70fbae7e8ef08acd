"""CPU work off the event loop: a bounded thread pool with admission control.

Models load once per process (newsbrief's shared ModelCache) and every request's work runs
in the same few threads, so memory stays that of one set of models however many clients
come. At most `threads` jobs run and `queue` more wait; a request beyond that is refused at
once (429 with Retry-After) rather than left hanging. A job that outlives the timeout, or
whose client goes away, is abandoned: if it has not started it never runs; if it has, the
thread finishes its current call (a model call cannot be interrupted) and its result only
warms the cache.

A request whose answer is already in the result cache does not wait behind that work:
run(..., cached_first=True) first runs it on threads of its own (4 by default: their lookups
wait on SQLite, not only on the CPU) with the cache in cache_only mode (every step's lookup
must hit; a miss stops it at once, before any work), and only a request that needs work is
admitted to the pool. Those threads are bounded like the pool (their number + queue
admitted); when they are all taken, a request goes to the pool as before.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Awaitable, Callable

from ..cache import MISSING, CacheOnlyMiss, cache_only
from ..errors import NewsbriefError


class Overloaded(NewsbriefError):
    """Every thread is busy and the queue is full."""


class TimedOut(NewsbriefError):
    pass


class ClientGone(Exception):
    """The client closed the connection; nobody is waiting for the answer."""


class JobPool:
    def __init__(self, threads: int, queue: int, timeout: float, cached_threads: int = 4):
        self.threads = threads
        self.queue = queue
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsbrief-job")
        self._cached = ThreadPoolExecutor(max_workers=cached_threads, thread_name_prefix="newsbrief-cached")
        self._cached_limit = cached_threads + queue
        self._lock = threading.Lock()
        self._admitted = 0
        self._cached_admitted = 0
        # done: answered by the pool; cached: answered from the result cache without it
        self.stats = {"done": 0, "cached": 0, "refused": 0, "timed_out": 0, "abandoned": 0}

    @property
    def admitted(self) -> int:
        return self._admitted

    def retry_after(self) -> int:
        """Seconds a refused client should wait: a rough guess from the work ahead of it."""
        return max(1, min(30, self._admitted // max(1, self.threads)))

    async def run(self, fn: Callable[..., Any], *args: Any, disconnected: Callable[[], Awaitable[bool]] | None = None,
                  cached_first: bool = False, **kwargs: Any) -> Any:
        """fn(*args, **kwargs) in the pool; with cached_first, from the result cache when it can be."""
        if cached_first:
            answer = await self._from_cache(fn, args, kwargs)
            if answer is not MISSING:
                return answer
        with self._lock:
            if self._admitted >= self.threads + self.queue:
                self.stats["refused"] += 1
                raise Overloaded(f"the server is busy ({self._admitted} requests in progress or waiting); "
                                 f"retry after {self.retry_after()} s")
            self._admitted += 1
        future: Future = self._executor.submit(fn, *args, **kwargs)
        future.add_done_callback(self._release)
        waiting = asyncio.wrap_future(future)
        watcher = asyncio.ensure_future(_watch(disconnected)) if disconnected else None
        try:
            done, _ = await asyncio.wait([waiting, *([watcher] if watcher else [])], timeout=self.timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
            if waiting in done:
                self.stats["done"] += 1
                return waiting.result()
            future.cancel()  # dropped if it has not started
            if watcher is not None and watcher in done:
                self.stats["abandoned"] += 1
                raise ClientGone()
            self.stats["timed_out"] += 1
            raise TimedOut(f"the request took longer than this server's limit of {self.timeout:g} s; "
                           f"send a shorter text, or fewer at once, or retry later")
        finally:
            if watcher is not None:
                watcher.cancel()
            if not waiting.done():
                waiting.cancel()

    async def _from_cache(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        """fn's answer made from the result cache alone, or MISSING (it needs work, or every cached
        thread is taken). An error (bad input) is raised as the pool would raise it."""
        with self._lock:
            if self._cached_admitted >= self._cached_limit:
                return MISSING
            self._cached_admitted += 1
        future: Future = self._cached.submit(_cache_only, fn, args, kwargs)
        future.add_done_callback(self._release_cached)
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.stats["timed_out"] += 1
            raise TimedOut(f"the request took longer than this server's limit of {self.timeout:g} s; "
                           f"retry later") from None
        if answer is not MISSING:
            self.stats["cached"] += 1
        return answer

    def _release(self, _: Future) -> None:
        with self._lock:
            self._admitted -= 1

    def _release_cached(self, _: Future) -> None:
        with self._lock:
            self._cached_admitted -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._cached.shutdown(wait=False, cancel_futures=True)


def _cache_only(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    with cache_only():
        try:
            return fn(*args, **kwargs)
        except CacheOnlyMiss:
            return MISSING


async def _watch(disconnected: Callable[[], Awaitable[bool]], every: float = 0.2) -> None:
    """Return when the client has gone."""
    while not await disconnected():
        await asyncio.sleep(every)
