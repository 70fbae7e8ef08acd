"""CPU work off the event loop: a bounded thread pool with admission control.

Models load once per process (newsbrief's shared ModelCache) and every request's work runs
in the same few threads, so memory stays that of one set of models however many clients
come. At most `threads` jobs run and `queue` more wait; a request beyond that is refused at
once (429 with Retry-After) rather than left hanging. A job that outlives the timeout, or
whose client goes away, is abandoned: if it has not started it never runs; if it has, the
thread finishes its current call (a model call cannot be interrupted) and its result only
warms the cache.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Awaitable, Callable

from ..errors import NewsbriefError


class Overloaded(NewsbriefError):
    """Every thread is busy and the queue is full."""


class TimedOut(NewsbriefError):
    pass


class ClientGone(Exception):
    """The client closed the connection; nobody is waiting for the answer."""


class JobPool:
    def __init__(self, threads: int, queue: int, timeout: float):
        self.threads = threads
        self.queue = queue
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="newsbrief-job")
        self._lock = threading.Lock()
        self._admitted = 0
        self.stats = {"done": 0, "refused": 0, "timed_out": 0, "abandoned": 0}

    @property
    def admitted(self) -> int:
        return self._admitted

    def retry_after(self) -> int:
        """Seconds a refused client should wait: a rough guess from the work ahead of it."""
        return max(1, min(30, self._admitted // max(1, self.threads)))

    async def run(self, fn: Callable[..., Any], *args: Any,
                  disconnected: Callable[[], Awaitable[bool]] | None = None, **kwargs: Any) -> Any:
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

    def _release(self, _: Future) -> None:
        with self._lock:
            self._admitted -= 1

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def _watch(disconnected: Callable[[], Awaitable[bool]], every: float = 0.2) -> None:
    """Return when the client has gone."""
    while not await disconnected():
        await asyncio.sleep(every)
