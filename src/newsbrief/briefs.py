"""brief(): the main job. Detect -> summarize in the source language -> translate the
summary into the reader's language -> judge it (newsbrief.judgement: the facts, names and
meaning of each sentence checked against its source).

Summarizing before translating means only the few summary sentences go through the
translation model (an article is 20-60 sentences, a brief 3), and the extractive
summarizer works on the source text as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from .article import Article, as_article
from .detection import Detect
from .errors import UnsupportedLanguageError
from .facts import KeyFigure, count_changed, entities, key_figures, top_figures
from .facts.figures import KHMER_DIGITS
from .judgement import BRIEF_CANDIDATES  # noqa: F401 - its old home
from .judgement import Judgement, Translated, judge, read_back, translate_for_reader
from .summarization import Summary, summarize

# Key figures a reader sees (cli.py shows counts, sums and shares) are read back through the
# translator before they are shown in the reader's language.
CHECKED_FIGURES = ("count", "money", "percent")
# The key figures a reader is shown (the CLI, Markdown and the page): the most salient counts, sums
# and shares. Only these are put in the reader's language (and read back): translating every figure
# of an article cost the seed article's Malay brief 10 figure translations for the 5 it shows.
SHOWN_FIGURES = 5

LANGUAGES = ("en", "km", "ms")
_A = TypeVar("_A")
_B = TypeVar("_B")


@dataclass(frozen=True)
class BriefSentence:
    text: str  # in the reader's language
    source_text: str  # the summary sentence in the article's language
    source_sentences: tuple[int, ...]  # indices into article.sentences it comes from / rests on
    # how well its translation reads back (round-trip chrF 0-100, translation/rerank.py); None when
    # it was not translated or no candidates were compared. Low: a sentence to double-check
    translation_score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source_text": self.source_text, "source_sentences": list(self.source_sentences),
                "translation_score": self.translation_score}


@dataclass(frozen=True)
class Brief:
    source_lang: str
    target_lang: str
    sentences: tuple[BriefSentence, ...]
    key_figures: tuple[KeyFigure, ...]
    entities: tuple[str, ...]
    faithfulness: dict[str, Any]
    models: dict[str, Any]
    notes: tuple[str, ...] = field(default=())
    id: str | None = None
    # key_figures[i].text in the reader's language (translated with the summary; the same text when
    # the brief is in the article's language)
    figure_texts: tuple[str, ...] = field(default=())
    # key_figures[i]'s round trip: {"status": "kept" | "fallback", "round_trip": text, "note": ...};
    # None where it was not translated or not checked (see CHECKED_FIGURES)
    figure_checks: tuple[dict[str, Any] | None, ...] = field(default=())
    # each sentence checked against its source (faithfulness is its to_dict())
    judgement: Judgement | None = field(default=None, compare=False)

    @property
    def summary(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def reader_figure_texts(self) -> tuple[str, ...]:
        return self.figure_texts or tuple(f.text for f in self.key_figures)

    def to_dict(self) -> dict[str, Any]:
        shown = shown_figures(self.key_figures)
        out = {"source_lang": self.source_lang, "target_lang": self.target_lang, "summary": self.summary,
               "sentences": [s.to_dict() for s in self.sentences],
               "key_figures": [{**f.to_dict(), "reader_text": reader, "reader_check": check, "shown": i in shown}
                               for i, (f, reader, check) in enumerate(zip(
                                   self.key_figures, self.reader_figure_texts,
                                   self.figure_checks or (None,) * len(self.key_figures)))],
               "entities": list(self.entities),
               "faithfulness": self.faithfulness, "models": self.models, "notes": list(self.notes)}
        if self.id is not None:
            out["id"] = self.id
        return out


def brief(text: "str | Article", to: str | None = None, sentences: int | None = 3, max_words: int | None = None,
          method: str = "auto", model: str | None = None, translation_model: str | None = None, *,
          src: str | None = None, cache: Any = True, **translate_options: Any) -> Brief:
    """A short, faithful brief of an article in the reader's language.

    to: "en", "km" or "ms" (default: the article's own language). src: the article's
    language (detected when None). sentences / max_words: the summary's length.
    method / model: see newsbrief.summarize. translation_model: see newsbrief.translate.
    """
    from .cache import open_cache

    cache = open_cache(cache)  # once, shared by the steps below
    article = as_article(text)
    if src is None:
        src = article.lang or Detect(cache=cache).one(article).lang
    to = to or src
    _check_languages(src, to)
    _prefetch_translator(src, to, translation_model, cache, translate_options)
    summary = summarize(article, sentences=sentences, max_words=max_words, method=method, model=model,
                        lang=src, cache=cache)
    figures = tuple(key_figures(article, lang=src))  # every figure, most salient first
    translated = _translate_summaries([summary], [figures], src, to, translation_model, cache, translate_options)
    return _assemble(article, summary, figures, to, *translated[0])


def _check_languages(src: str, to: str) -> None:
    for role, lang in (("article", src), ("target", to)):
        if lang not in LANGUAGES:
            hint = " If the article is Malay, pass src='ms' (--src ms)." if lang == "id" else ""
            raise UnsupportedLanguageError(f"the {role} language is {lang!r}; newsbrief briefs articles in "
                                           f"English (en), Khmer (km) and Malay (ms), into any of them.{hint}")


def _prefetch_translator(src: str, to: str, translation_model: str | None, cache: Any,
                         options: dict[str, Any]) -> None:
    """With no result cache to answer from (--no-cache), a brief into another language certainly
    translates: its translator (0.4-0.6 s to read: the tokenizer, the weights) starts loading on a
    thread of its own while the article is summarized and its names and facts are found
    (translation.api.prefetch), and then, while the first pass decodes, the read-back's chrF
    scorer is made (0.1 s of sacrebleu, else paid after the last read-back). With a cache the
    model is loaded only when a sentence is missing, as before:
    a cached brief never loads one; nor does a brief given its own translator."""
    from .cache import NullCache, is_cache_only

    if to != src and isinstance(cache, NullCache) and not is_cache_only() and options.get("translator") is None:
        from .translation.api import prefetch
        from .translation.rerank import prepare

        prefetch(src, to, translation_model, then=prepare, **options)


def _translate_summaries(summaries: list[Summary], figures: list[tuple[KeyFigure, ...]], src: str, to: str,
                         translation_model: str | None, cache: Any, options: dict[str, Any]) -> list[tuple]:
    """(translated sentences, figure texts, figure checks, model, notes) for each summary: their
    sentences, and the shown key figures that have words ("185 people arrested", not "2024"), go
    through the translation model batched (judgement.translate_for_reader), and the figures come
    back through it in one more call (_check_figures), beside the sentences' read-back. Where the
    brief's sentences get candidates (into Malay) the figures are greedy calls of their own, run
    beside the candidates (candidates pay for prose, not for phrases); elsewhere the sentences and
    figures go out in one batch, shared by the CPU's workers."""
    shown = [shown_figures(article_figures) for article_figures in figures]
    wordy = [[i in marks and _has_words(f.text) for i, f in enumerate(article_figures)]
             for article_figures, marks in zip(figures, shown)]
    texts = [s.text for summary in summaries for s in summary.sentences]
    figure_texts_in = [f.text for article_figures, marks in zip(figures, wordy)
                       for f, w in zip(article_figures, marks) if w]
    greedy = {**options, "candidates": 1}
    if to == src or not texts:
        return [([Translated(s.text) for s in summary.sentences], tuple(f.text for f in article_figures),
                 (None,) * len(article_figures), None, [])
                for summary, article_figures in zip(summaries, figures)]
    if options.get("candidates", BRIEF_CANDIDATES.get(to, 1)) == 1:
        both, model, notes = translate_for_reader(texts + figure_texts_in, src, to, translation_model, cache, greedy)
        notes = _figure_notes(notes, len(texts))
        figure_texts = _in_place(figures, wordy, both[len(texts):], to)
        # the meaning check's read-back beside the figures' (a check: greedy)
        translated, (checks, figure_notes) = _at_once(
            lambda: read_back(both[:len(texts)], texts, src, to, translation_model, cache, options),
            lambda: _check_figures(figures, figure_texts, wordy, src, to, translation_model, cache, greedy))
    else:
        # the figures are greedy calls of their own, beside the candidates' beam and round trip (whose
        # round trip is the meaning check's read-back)
        (translated, model, notes), (figure_texts, checks, figure_notes, more) = _at_once(
            lambda: translate_for_reader(texts, src, to, translation_model, cache, options),
            lambda: _figures_for_reader(figures, wordy, figure_texts_in, src, to, translation_model, cache, greedy))
        notes = notes + _figure_notes(more, 0)
        translated = read_back(translated, texts, src, to, translation_model, cache, options)  # any left unscored
    pairs = iter(translated)
    sentences = [[next(pairs) for _ in summary.sentences] for summary in summaries]
    return [(s, tuple(f), c, model, list(notes) + n)
            for s, f, c, n in zip(sentences, figure_texts, checks, figure_notes)]


_NOTE_SENTENCE = re.compile(r"\b(sentence|segment of sentence) (\d+)\b")


def _figure_notes(notes: list[str], sentences: int) -> list[str]:
    """The translator's notes on a batch of the brief's sentences and then its key figures, each
    named by what it concerns: "sentence 2: ..." for the second sentence, "key figure 1: ..." for a
    figure (it said "sentence 5" for the first figure after four sentences)."""
    def name(m: re.Match) -> str:
        n = int(m.group(2))
        return m.group(0) if n <= sentences else f"key figure {n - sentences}"
    return [_NOTE_SENTENCE.sub(name, note, count=1) for note in notes]


def _at_once(first: Callable[[], _A], second: Callable[[], _B]) -> tuple[_A, _B]:
    """first() and second(), second on a thread of its own: CTranslate2's two workers take whichever
    call has work, so a worker an uneven batch leaves idle (3 sentences on 2 workers, a lone greedy
    retry) does the other call's meanwhile. The results are those of the two calls made one after
    the other. From the cache alone (the server's cached answers) there is no model work to overlap:
    one after the other, in this thread."""
    from concurrent.futures import ThreadPoolExecutor

    from .cache import in_this_mode, is_cache_only

    if is_cache_only():
        return first(), second()
    with ThreadPoolExecutor(1) as pool:
        aside = pool.submit(in_this_mode(second))
        return first(), aside.result()


def _in_place(figures: list[tuple[KeyFigure, ...]], wordy: list[list[bool]], translated: list[Translated],
              to: str) -> list[list[str]]:
    """Each article's figure texts: the translation where the figure was translated, else as written
    (_reader_digits: Khmer digits only for a Khmer reader). A translation the model left in Khmer
    for a reader of English or Malay ("1,០០០ដុល្លារ", "២) ៣ ផ្សេង") is the number alone."""
    out = iter(translated)
    return [[_readable(next(out).text, f, to) if w else _reader_digits(f.text, to)
             for f, w in zip(article_figures, marks)]
            for article_figures, marks in zip(figures, wordy)]


def _readable(text: str, figure: KeyFigure, to: str) -> str:
    return number_alone(figure) if to != "km" and re.search("[\u1780-\u17ff]", text) else text


def _figures_for_reader(figures: list[tuple[KeyFigure, ...]], wordy: list[list[bool]], figure_texts_in: list[str],
                        src: str, to: str, translation_model: str | None, cache: Any, greedy: dict[str, Any]):
    """(figure texts, checks, notes per article, translation notes): the shown figures translated
    and read back, greedy."""
    figures_out, _, notes = translate_for_reader(figure_texts_in, src, to, translation_model, cache, greedy)
    figure_texts = _in_place(figures, wordy, figures_out, to)
    checks, figure_notes = _check_figures(figures, figure_texts, wordy, src, to, translation_model, cache, greedy)
    return figure_texts, checks, figure_notes, notes


def _check_figures(figures: list[tuple[KeyFigure, ...]], figure_texts: list[list[str]], wordy: list[list[bool]],
                   src: str, to: str, translation_model: str | None, cache: Any, options: dict[str, Any]
                   ) -> tuple[list[tuple[dict[str, Any] | None, ...]], list[list[str]]]:
    """Read each translated figure back into the article's language; one that no longer counts
    what it counted (facts.count_changed) is shown as its number alone, with a note.
    figure_texts is updated in place."""
    from .translation import translate

    todo = [(a, i) for a, (article_figures, marks) in enumerate(zip(figures, wordy))
            for i, (f, w) in enumerate(zip(article_figures, marks)) if w and f.kind in CHECKED_FIGURES]
    checks: list[list[dict[str, Any] | None]] = [[None] * len(article_figures) for article_figures in figures]
    notes: list[list[str]] = [[] for _ in figures]
    if not todo:
        return [tuple(c) for c in checks], notes
    back = translate(Article.from_sentences([figure_texts[a][i] for a, i in todo]), to=src, src=to,
                     model=translation_model, cache=cache, **options)
    for (a, i), pair in zip(todo, back.sentences):
        figure = figures[a][i]
        problem = count_changed(figure, pair.target, src)
        checks[a][i] = {"status": "fallback" if problem else "kept", "round_trip": pair.target, "note": problem}
        if problem:
            # the reader gets the number, not a phrase in the article's language they may not read
            notes[a].append(f"key figure {figure.text!r} shown as a number alone: its translation "
                            f"{figure_texts[a][i]!r} read back as {pair.target!r}")
            figure_texts[a][i] = number_alone(figure)
    return [tuple(c) for c in checks], notes


def number_alone(figure: KeyFigure) -> str:
    """A figure's number in Western digits ("RM23 juta" -> "RM23,000,000", "១៥៧ នាក់" -> "157")."""
    value = figure.value
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if figure.kind == "percent":
        return text + "%"
    currency = re.match(r"(RM|US\$|S\$|\$|€|£|¥|Rp)", figure.written.strip())
    return (currency.group(1) if currency and figure.kind == "money" else "") + text


def shown_figures(figures: "tuple[KeyFigure, ...] | list[KeyFigure]") -> set[int]:
    """Indices of the key figures a reader is shown (facts.top_figures: the most salient counts,
    sums and shares)."""
    top = {id(f) for f in top_figures(figures, SHOWN_FIGURES)}
    return {i for i, f in enumerate(figures) if id(f) in top}


def _reader_digits(text: str, to: str) -> str:
    """A figure with no words ("១៤%"), not translated: in Western digits for a reader of English or Malay."""
    return text if to == "km" else text.translate(KHMER_DIGITS)


def _has_words(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _assemble(article: Article, summary: Summary, figures: tuple[KeyFigure, ...], to: str,
              translated: list[Translated], figure_texts: tuple[str, ...], figure_checks: tuple,
              translation_model: str | None, translation_notes: list[str]) -> Brief:
    src = summary.lang
    all_sentences = [s.normalized for s in article.sentences]
    judgement = judge([(t.text, s.text, " ".join(all_sentences[i] for i in s.source))
                       for t, s in zip(translated, summary.sentences)], src, to, translated,
                      repaired=[i for i, s in enumerate(summary.sentences) if s.repaired])
    brief_sentences = tuple(BriefSentence(t.text, s.text, s.source, t.score)
                            for t, s in zip(translated, summary.sentences))
    models = {"detect": "newsbrief.lid", "summarize": summary.model or summary.method, "translate": translation_model}
    return Brief(src, to, brief_sentences, figures, tuple(entities(all_sentences)),
                 judgement.to_dict(), models, tuple(summary.notes) + tuple(translation_notes), article.id, figure_texts,
                 figure_checks, judgement)


def brief_many(items: Any, to: str | None = None, *, progress: bool = False, errors: str = "raise",
               batch_size: int = 16, src: str | None = None, cache: Any = True, engine: str = "local",
               workers: int | None = None, address: str | None = None, **options: Any) -> Any:
    """brief() over many items (strings, Articles, any iterable, a pandas Series), in input
    order. Translation is batched across the articles of each batch. errors="collect"
    puts a Failure where an item failed and goes on; a Series gives back a DataFrame.

    engine="ray" runs the batches on Ray Data actors (workers of them, default one per CPU;
    address: a cluster, default the running Ray or a local one) with the same results:
    see newsbrief.ray_engine; needs pip install 'newsbrief[ray]'."""
    from .cache import open_cache
    from .pipeline import brief_record, run_in_batches

    if engine == "ray":
        return _brief_many_ray(items, to, progress, errors, batch_size, src, cache, workers, address, options)
    if engine != "local":
        from .errors import ConfigError

        raise ConfigError(f"engine must be 'local' or 'ray', not {engine!r}")
    if workers is not None or address is not None:
        from .errors import ConfigError

        raise ConfigError("workers= and address= go with engine='ray'")

    cache = open_cache(cache)
    return run_in_batches(items, lambda chunk, offset: _brief_chunk(chunk, offset, to, src, cache, errors, options),
                          batch_size=batch_size, progress=progress, errors=errors, record=brief_record)


def _brief_many_ray(items, to, progress, errors, batch_size, src, cache, workers, address, options) -> Any:
    from .pipeline import _is_series, brief_record, run_in_batches
    from .ray_engine import run_briefs

    series = items if _is_series(items) else None
    inputs = series.to_list() if series is not None else list(items)
    # the local engine's argument checks, on no items
    run_in_batches([], lambda chunk, offset: [], batch_size=batch_size, progress=False, errors=errors,
                   record=brief_record)
    results, _ = run_briefs(inputs, _brief_chunk, to=to, src=src, cache=cache, errors=errors, batch_size=batch_size,
                            workers=workers, address=address, progress=progress, options=options)
    if series is not None:
        import pandas as pd

        return pd.DataFrame([brief_record(r) for r in results], index=series.index)
    return results


_SUMMARY_OPTIONS = ("sentences", "max_words", "method", "model")


def _brief_chunk(chunk: list, offset: int, to: str | None, src: str | None, cache: Any, errors: str,
                 options: dict[str, Any]) -> list[Any]:
    from .pipeline import Failure

    summary_options = {k: v for k, v in options.items() if k in _SUMMARY_OPTIONS}
    translation_model = options.get("translation_model")
    translate_options = {k: v for k, v in options.items() if k not in _SUMMARY_OPTIONS + ("translation_model",)}
    prepared: list[Any] = []
    prefetched: set[tuple[str, str]] = set()
    for i, item in enumerate(chunk):
        try:
            article = as_article(item)
            lang = src or article.lang or Detect(cache=cache).one(article).lang
            target = to or lang
            _check_languages(lang, target)
            if (lang, target) not in prefetched:
                prefetched.add((lang, target))
                _prefetch_translator(lang, target, translation_model, cache, translate_options)
            prepared.append((article, summarize(article, lang=lang, cache=cache, **summary_options), target,
                             tuple(key_figures(article, lang=lang))))
        except Exception as exc:  # noqa: BLE001 - reported per item, see errors=
            if errors == "raise" or not isinstance(exc, (ValueError, TypeError, RuntimeError, LookupError)):
                raise
            prepared.append(Failure(offset + i, exc))
    results: list[Any] = list(prepared)
    groups: dict[tuple[str, str], list[int]] = {}
    for i, entry in enumerate(prepared):
        if not isinstance(entry, Failure):
            groups.setdefault((entry[1].lang, entry[2]), []).append(i)
    for (lang, target), members in groups.items():
        try:
            translated = _translate_summaries([prepared[i][1] for i in members], [prepared[i][3] for i in members],
                                              lang, target, translation_model, cache, translate_options)
        except (ValueError, TypeError, RuntimeError, LookupError) as exc:
            if errors == "raise":
                raise
            for i in members:
                results[i] = Failure(offset + i, exc)
            continue
        for i, (sentences, figure_texts, checks, model_name, notes) in zip(members, translated):
            article, summary, _, figures = prepared[i]
            results[i] = _assemble(article, summary, figures, target, sentences, figure_texts, checks, model_name,
                                   notes)
    return results
