"""summarize(): one entry point over the extractive default and abstractive models.

Every summary sentence says which source sentences it came from or rests on, and an
abstractive sentence that states a number or name its source does not is replaced by
the source sentence it rests on (and the repair is reported), never passed on silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from ..article import Article, as_article
from ..errors import ConfigError
from ..facts import unsupported
from ..metrics import tokenize
from ..segment import sentence_spans
from .extractive import MAX_CANDIDATES
from .extractive import method_for
from .extractive import summarize_extractive

log = logging.getLogger("newsbrief.summarize")
Method = Literal["auto", "abstractive", "extractive"]
STEP = "summarize"


@dataclass(frozen=True)
class SummarySentence:
    text: str
    source: tuple[int, ...]  # indices into article.sentences it came from / rests on
    repaired: bool = False  # an unfaithful abstractive sentence replaced by its source

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source": list(self.source), "repaired": self.repaired}


@dataclass(frozen=True)
class Summary:
    lang: str
    sentences: tuple[SummarySentence, ...]
    method: str  # "extractive:..." or "abstractive"
    model: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    def to_dict(self) -> dict[str, Any]:
        return {"lang": self.lang, "text": self.text, "method": self.method, "model": self.model,
                "sentences": [s.to_dict() for s in self.sentences], "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Summary":
        return cls(data["lang"], tuple(SummarySentence(s["text"], tuple(s["source"]), s["repaired"])
                                       for s in data["sentences"]), data["method"], data["model"],
                   tuple(data["notes"]))


def _check_length(sentences: int | None, max_words: int | None) -> None:
    if sentences is None and max_words is None:
        raise ConfigError("give sentences= or max_words= (or both)")
    for name, value in (("sentences", sentences), ("max_words", max_words)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise ConfigError(f"{name} must be a positive integer, not {value!r}")


def summarize(text: "str | Article", sentences: int | None = 3, max_words: int | None = None,
              method: Method = "auto", model: str | None = None, *, lang: str | None = None,
              cache: Any = True) -> Summary:
    """Summarize text or an Article in its own language.

    method: "extractive" (the embedded default: picks the article's key sentences, any
    language), "abstractive" (a model writes the summary; needs one installed), or "auto":
    abstractive when a suitable model for the language is installed, else extractive.
    The Summary says which method and model ran. Results are cached (cache=None: off).
    """
    _check_length(sentences, max_words)
    if method not in ("auto", "abstractive", "extractive"):
        raise ConfigError(f"method must be 'auto', 'abstractive' or 'extractive', not {method!r}")
    from ..cache import fingerprint, open_cache
    from ..detection import Detect

    store = open_cache(cache)
    article = as_article(text)
    if lang is None:
        lang = article.lang or Detect().one(article).lang
    summarizer = None
    if method != "extractive":
        from .abstractive import find_summarizer

        summarizer = find_summarizer(lang, model)  # explicit but missing model: ModelNotFoundError
        if summarizer is None and method == "abstractive":
            from ..errors import ModelNotFoundError
            raise ModelNotFoundError(f"no abstractive summarization model for {lang!r} is installed; use "
                                     f"method='extractive' (--method extractive) or install one (see "
                                     f"`newsbrief models list`).")
    config = {"sentences": sentences, "max_words": max_words, "lang": lang}
    model_id = summarizer.model_id if summarizer else method_for(lang)
    key = fingerprint(STEP, config, model_id, getattr(summarizer, "model_hash", None), article.text)
    cached = store.get(STEP, key)
    if cached:
        return Summary.from_dict(cached)
    if summarizer is None:
        chosen = summarize_extractive(article, sentences=sentences, max_words=max_words, lang=lang)
        all_sentences = article.sentences
        notes = ["auto: no abstractive model installed for this language"] if method == "auto" else []
        if len(all_sentences) > MAX_CANDIDATES:
            notes.append(f"a very long document ({len(all_sentences)} sentences): the summary was drawn from "
                         f"its first {MAX_CANDIDATES}")
        result = Summary(lang, tuple(SummarySentence(all_sentences[i].normalized, (i,)) for i in chosen.indices),
                         chosen.method, None, tuple(notes))
    else:
        result = _abstractive(article, summarizer, lang, sentences, max_words)
    store.put(STEP, key, result.to_dict())
    return result


def _abstractive(article: Article, summarizer: Any, lang: str, sentences: int | None,
                 max_words: int | None) -> Summary:
    written = summarizer.summarize(article.text, lang, sentences=sentences, max_words=max_words)
    notes = list(getattr(summarizer, "last_notes", ()))
    source = article.sentences
    source_tokens = [set(tokenize(s.normalized)) for s in source]
    out = []
    for start, end in sentence_spans(written):
        sentence = " ".join(written[start:end].split())
        rests_on = _best_source(sentence, source_tokens)
        check = unsupported(sentence, article.text, check_names=lang != "km")
        if check.ok:
            out.append(SummarySentence(sentence, (rests_on,)))
        else:
            notes.append(f"replaced a generated sentence stating {', '.join(check.numbers + check.names)}, "
                         f"not in the source, by source sentence {rests_on}")
            log.warning(notes[-1])
            out.append(SummarySentence(source[rests_on].normalized, (rests_on,), repaired=True))
    return Summary(lang, tuple(out), "abstractive", summarizer.model_id, tuple(notes))


def _best_source(sentence: str, source_tokens: list[set[str]]) -> int:
    """The source sentence sharing the most words with a generated one."""
    words = set(tokenize(sentence))
    scores = [len(words & tokens) / (len(tokens) ** 0.5 or 1) for tokens in source_tokens]
    return max(range(len(scores)), key=scores.__getitem__) if scores else 0
