"""Composing steps and running them over many articles.

A step is any object with `name`, `requires`, `provides` and a batch method
`__call__(list[Article]) -> list[Article]`. The Pipeline checks when it is built that
each step's requirements are provided by an earlier step, runs steps over batches of
articles (so model calls are batched across articles), keeps input order, shows
progress, and with errors="collect" isolates a bad item instead of losing the batch.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Literal, Protocol, Sequence, runtime_checkable

from .article import Article, as_article
from .errors import ConfigError, NewsbriefError

log = logging.getLogger("newsbrief.pipeline")

# What an Article has as soon as it exists.
BASE_FIELDS = frozenset({"text", "paragraphs", "sentences"})


@runtime_checkable
class Step(Protocol):
    name: str
    requires: frozenset[str]
    provides: frozenset[str]

    def __call__(self, articles: list[Article]) -> list[Article]: ...


@dataclass(frozen=True)
class Failure:
    """Stands in the output, at its input's position, for an item that failed (errors="collect")."""

    index: int
    error: Exception

    @property
    def message(self) -> str:
        return f"{type(self.error).__name__}: {self.error}"

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "error": self.message}


def _is_series(items: Any) -> bool:
    return type(items).__name__ == "Series" and hasattr(items, "index") and hasattr(items, "to_list")


class Pipeline:
    def __init__(self, steps: Sequence[Step]):
        available = set(BASE_FIELDS)
        for position, step in enumerate(steps):
            if not isinstance(step, Step):
                raise ConfigError(f"step {position} ({step!r}) is not a step: it needs name, requires, provides "
                                  f"and __call__(list[Article])")
            missing = set(step.requires) - available
            if missing:
                providers = [s.name for s in steps[position + 1:] if set(s.provides) & missing]
                hint = f"; move {', '.join(providers)} before it" if providers else \
                    "; add a step that provides it (e.g. newsbrief.Detect() for 'lang')"
                raise ConfigError(f"step {step.name!r} needs {', '.join(sorted(missing))}, which no earlier step "
                                  f"provides{hint}")
            available |= set(step.provides)
        self.steps = list(steps)

    def __repr__(self) -> str:
        return f"Pipeline([{', '.join(step.name for step in self.steps)}])"

    def run(self, item: "str | Article") -> Article:
        articles = [as_article(item)]
        for step in self.steps:
            articles = step(articles)
        return articles[0]

    def run_many(self, items: Iterable["str | Article"], *, progress: bool = False, batch_size: int = 8,
                 errors: Literal["raise", "collect"] = "raise") -> "list[Article | Failure] | Any":
        """Run over many items (strings, Articles, any iterable, or a pandas Series).

        Returns a list in input order; for a pandas Series, a DataFrame with one row per
        item (same index) and one column per field. errors="collect" puts a Failure where
        an item failed and goes on with the others.
        """
        return run_in_batches(items, lambda chunk, offset: self._run_chunk(chunk, offset, errors),
                              batch_size=batch_size, progress=progress, errors=errors, record=record)

    def _run_chunk(self, chunk: list, offset: int, errors: str) -> list[Article | Failure]:
        try:
            articles = [as_article(item, id=None) for item in chunk]
            for step in self.steps:
                articles = step(articles)
            return articles
        except (NewsbriefError, ValueError, TypeError, RuntimeError) as exc:
            if errors == "raise":
                raise
            if len(chunk) == 1:
                log.warning("item %d failed: %s", offset, exc)
                return [Failure(offset, exc)]
            # find the bad item(s) without losing the others' results
            return [result for i, item in enumerate(chunk) for result in self._run_chunk([item], offset + i, errors)]


def run_in_batches(items: Iterable[Any], run_chunk: Callable[[list, int], list], *, batch_size: int,
                   progress: bool, errors: str, record: Callable[[Any], dict[str, Any]]) -> Any:
    """The batch loop every run_many shares: run_chunk(chunk, offset) on consecutive
    chunks, results in input order, a progress bar, and for a pandas Series a DataFrame
    (one row per item, same index) built with record()."""
    if errors not in ("raise", "collect"):
        raise ConfigError(f"errors must be 'raise' or 'collect', not {errors!r}")
    if batch_size < 1:
        raise ConfigError("batch_size must be at least 1")
    series = items if _is_series(items) else None
    inputs = series.to_list() if series is not None else list(items)
    results: list[Any] = []
    bar = _progress_bar(len(inputs), progress)
    try:
        for start in range(0, len(inputs), batch_size):
            chunk = inputs[start:start + batch_size]
            results.extend(run_chunk(chunk, start))
            bar.update(len(chunk))
    finally:
        bar.close()
    if series is not None:
        import pandas as pd

        return pd.DataFrame([record(r) for r in results], index=series.index)
    return results


def _progress_bar(total: int, enabled: bool):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm  # terminal or notebook widget, whichever fits

    return tqdm(total=total, unit="article")


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def record(result: "Article | Failure") -> dict[str, Any]:
    """One flat row per article: the fields a table of results wants."""
    if isinstance(result, Failure):
        return {"error": result.message}
    row: dict[str, Any] = {"id": result.id, "lang": result.lang,
                           "paragraphs": len(result.paragraphs), "sentences": len(result.sentences)}
    for key, value in result.meta.items():
        if isinstance(value, (str, int, float, bool)) or value is None:
            row[key] = value
    row["error"] = None
    return row


def brief_record(result: Any) -> dict[str, Any]:
    """One flat row per brief, for a DataFrame."""
    if isinstance(result, Failure):
        return {"error": result.message}
    data = result.to_dict()
    return {"id": data.get("id"), "source_lang": data["source_lang"], "target_lang": data["target_lang"],
            "summary": data["summary"], "key_figures": "; ".join(f["reader_text"] for f in data["key_figures"]),
            "faithful": data["faithfulness"]["faithful"], "summarize_model": data["models"]["summarize"],
            "translate_model": data["models"]["translate"], "error": None}
