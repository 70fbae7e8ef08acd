"""brief_many on a Ray cluster (engine="ray"): the articles become a Ray dataset and
``map_batches`` runs them through a pool of actors, each a long-lived worker process that
loads the detection, summarization and translation models once (the process-wide model
cache) and keeps them for every batch it gets.

The batches are the local engine's: block i of the dataset holds items
[i * batch_size, (i + 1) * batch_size) and each block is one batch, so translation is
batched across the same articles and the output is the local engine's, item for item, in
input order. Errors: errors="collect" puts a Failure at a bad item's position (the others
keep their results); errors="raise" raises the first failing item's exception, as locally.

Each worker opens the result cache its node has (cache=True: $NEWSBRIEF_CACHE or the
per-user folder there; a path: that path on the node), and finds models by name in its own
NEWSBRIEF_MODELS / Hugging Face cache. The driver's NEWSBRIEF_* and HF_* variables are
passed to the workers, so every node must have the model folders at the same paths.

Ray is optional: pip install 'newsbrief[ray]'. Nothing here imports it until a run starts.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError, MissingDependencyError

log = logging.getLogger("newsbrief.ray")

INSTALL = "pip install 'newsbrief[ray]'"
_FORWARDED_ENV = ("NEWSBRIEF_", "HF_", "TRANSFORMERS_OFFLINE")


@dataclass
class WorkerStats:
    """What one worker did: how many articles, and how many models it loaded (once each)."""

    pid: int
    node: str
    articles: int = 0
    batches: int = 0
    model_loads: int = 0
    load_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    loaded: list[str] = field(default_factory=list)


def import_ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MissingDependencyError(f"engine='ray' (--engine ray) needs Ray Data: {INSTALL}") from None
    return ray


def _cache_for_workers(cache: Any) -> Any:
    """The cache= each worker opens: True / None / a path (a Cache object goes by its path)."""
    from .cache import Cache, NullCache

    if isinstance(cache, NullCache) or cache is None or cache is False:
        return None
    if isinstance(cache, Cache):
        return str(cache.path)
    if cache is True or isinstance(cache, (str, os.PathLike)):
        return cache if cache is True else os.fspath(cache)
    raise ConfigError(f"cache: expected a folder path, True, None/False or a Cache, got {type(cache).__name__}.")


class BriefWorker:
    """The map_batches actor: one per worker process, alive for the whole run."""

    def __init__(self, brief_chunk, to, src, cache, errors, options):
        from .cache import open_cache
        from .models import default_cache

        # brief_chunk(items, offset, to, src, cache, errors, options) -> results: the local engine's
        # batch function, passed in (pickled by reference) so this module stays below briefs.py
        self.brief_chunk = brief_chunk
        self.to, self.src, self.errors, self.options = to, src, errors, dict(options)
        self.cache = open_cache(cache)
        self.stats = WorkerStats(pid=os.getpid(), node=os.uname().nodename)
        models = default_cache()   # the process-wide model cache every step loads through
        get = models.get
        stats = self.stats

        def counting_get(key, load):
            def timed_load():
                start = time.perf_counter()
                value = load()
                stats.model_loads += 1
                stats.load_seconds += time.perf_counter() - start
                stats.loaded.append(str(key[0]) if key else "?")
                return value
            return get(key, timed_load)

        models.get = counting_get
        from .article import Article
        from .detection import Detect

        Detect(cache=None).one(Article.from_text("Warm up the language identifier."))   # its tables load once

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import resource

        indices = [int(i) for i in batch["index"]]
        items = [pickle.loads(blob) for blob in batch["item"]]
        offset = indices[0]
        try:
            results = self.brief_chunk(items, offset, self.to, self.src, self.cache, self.errors, self.options)
            payloads = [_dump(r) for r in results]
            kinds = ["failure" if _is_failure(r) else "ok" for r in results]
        except Exception as exc:  # noqa: BLE001 - errors="raise": the driver raises it
            payloads = [_dump_exception(exc)] + [b""] * (len(items) - 1)
            kinds = ["raise"] + ["skipped"] * (len(items) - 1)
        self.stats.articles += len(items)
        self.stats.batches += 1
        self.stats.peak_rss_mb = _peak_rss_mb(resource)
        stats = pickle.dumps(self.stats)
        return {"index": indices, "kind": kinds, "payload": payloads, "stats": [stats] * len(items)}


def _peak_rss_mb(resource) -> float:
    """This worker's peak resident memory (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _is_failure(result: Any) -> bool:
    from .pipeline import Failure

    return isinstance(result, Failure)


def _dump(result: Any) -> bytes:
    from .pipeline import Failure

    if isinstance(result, Failure):
        return pickle.dumps(("failure", result.index, _portable_exception(result.error)))
    return pickle.dumps(("ok", None, result))


def _dump_exception(exc: BaseException) -> bytes:
    return pickle.dumps(("raise", None, _portable_exception(exc)))


def _portable_exception(exc: BaseException) -> Any:
    """exc itself when it pickles and unpickles (most do), else what rebuilds it: some
    exceptions (EncodingError(message, byte_offset)) cannot be re-created from their args."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001
        return ("rebuild", type(exc).__module__, type(exc).__qualname__, exc.args, dict(vars(exc)))


def _load_exception(data: Any) -> BaseException:
    if isinstance(data, BaseException):
        return data
    _, module, qualname, args, state = data
    import importlib

    cls: Any = importlib.import_module(module)
    for part in qualname.split("."):
        cls = getattr(cls, part)
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc


def _worker_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith(_FORWARDED_ENV)}


def ensure_ray(address: str | None = None, workers: int | None = None):
    """Ray, connected: the running session if there is one, else `address` (a cluster:
    "auto", "ray://HOST:10001", or HOST:PORT), else a local Ray on this machine."""
    ray = import_ray()
    if not ray.is_initialized():
        kwargs: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING,
                                  "configure_logging": True, "ignore_reinit_error": True}
        if address:
            kwargs["address"] = address
        ray.init(**kwargs)
    return ray


def run_briefs(items: list[Any], brief_chunk, *, to: str | None, src: str | None, cache: Any, errors: str,
               batch_size: int, workers: int | None, address: str | None, progress: bool,
               options: dict[str, Any]) -> tuple[list[Any], dict[int, WorkerStats]]:
    """(results in input order, what each worker did), each batch briefed by brief_chunk on a
    worker. See the module docstring."""
    from .pipeline import Failure

    if workers is not None and workers < 1:
        raise ConfigError("workers must be at least 1")
    ray = ensure_ray(address, workers)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = bool(progress)
    ctx.execution_options.preserve_order = True
    if not items:
        return [], {}
    import pandas as pd

    blocks = [pd.DataFrame({"index": list(range(start, min(start + batch_size, len(items)))),
                            "item": [pickle.dumps(x) for x in items[start:start + batch_size]]})
              for start in range(0, len(items), batch_size)]
    ds = ray.data.from_pandas(blocks)
    n_workers = workers or max(1, int(ray.available_resources().get("CPU", 1)))
    n_workers = min(n_workers, len(blocks))
    # one batch in flight per actor: a batch goes to whichever worker is free (a worker that
    # queues four while loading its models leaves the others idle on small runs)
    out = ds.map_batches(BriefWorker, batch_size=None, batch_format="pandas", zero_copy_batch=False,
                         fn_constructor_kwargs=dict(brief_chunk=brief_chunk, to=to, src=src,
                                                    cache=_cache_for_workers(cache),
                                                    errors=errors, options=options),
                         compute=ray.data.ActorPoolStrategy(size=n_workers, max_tasks_in_flight_per_actor=1),
                         num_cpus=1,
                         runtime_env={"env_vars": _worker_env()})
    rows = sorted(out.take_all(), key=lambda row: int(row["index"]))
    results: list[Any] = []
    stats: dict[int, WorkerStats] = {}
    raised: tuple[int, BaseException] | None = None
    for row in rows:
        worker = pickle.loads(row["stats"])
        if worker.pid not in stats or worker.articles > stats[worker.pid].articles:
            stats[worker.pid] = worker
        if row["kind"] == "skipped":
            results.append(None)
            continue
        kind, index, value = pickle.loads(row["payload"])
        if kind == "raise":
            if raised is None or int(row["index"]) < raised[0]:
                raised = (int(row["index"]), _load_exception(value))
            results.append(None)
        elif kind == "failure":
            results.append(Failure(index, _load_exception(value)))
        else:
            results.append(value)
    if raised is not None:
        raise raised[1]
    if len(results) != len(items):
        raise RuntimeError(f"the Ray run returned {len(results)} results for {len(items)} items")
    for pid, worker in sorted(stats.items()):
        log.info("ray worker %s on %s: %d articles in %d batches, %d model loads (%.1f s), peak RSS %.0f MB",
                 pid, worker.node, worker.articles, worker.batches, worker.model_loads, worker.load_seconds,
                 worker.peak_rss_mb)
    return results, stats
